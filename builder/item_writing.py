"""Item-writing checks: multiple-choice questions a test-wise learner could answer without the course.

Every rule gives warnings (`path:line`), never errors, and is tuned to stay silent on a sound bank.
The rules follow Haladyna, Downing and Rodriguez (2002), "A review of multiple-choice item-writing
guidelines for classroom assessment", Applied Measurement in Education 15(3): balance the position
of the key, keep options alike in length, avoid "all/none of the above", give each item its own
wording, and give feedback that explains. Each rule and its threshold is documented in
docs/authoring.md ("Item-writing checks").
"""

from __future__ import annotations

import difflib
import functools
import heapq
import math
import re
from dataclasses import dataclass
from typing import Callable, Iterator, Literal

from builder import cache
from builder.errors import Problem, Severity
from builder.model import OPTION_LABELS, Course, Question
from builder.sourcemap import Location, SourceFile

#: The rules across a bank (answer position, longest and shortest answer) need at least this many questions.
#: They look at each assessment bank, and at all knowledge-check and case-study decision questions together.
MIN_BANK_QUESTIONS = 5
#: A pattern across a bank is reported when chance alone (right answers placed at random) would give it as
#: often or more in fewer than 1 bank in 100 (divided among the positions for the answer-position rule)...
CHANCE_LIMIT = 0.01
#: ...and when it holds in at least this many questions.
MIN_SKEWED = 4
#: Chance is computed exactly for groups up to this many questions, by the normal approximation above.
EXACT_LIMIT = 200
#: Options repeated word for word are reported when they have at least this many words.
REPEATED_OPTION_WORDS = 4
#: Stems this similar (difflib's ratio, 0 to 1, over their lower-cased words) count as the same stem.
STEM_SIMILARITY = 0.85
#: Feedback and explanations need at least this many words after the verdict they open with ("Correct.", "No.",
#: "That's not right, try again.": see VERDICT_WORDS).
MIN_REASON_WORDS = 3

_ABOVE = re.compile(r"\b(?:(?:all|both) of (?:the above|the below|these|the options|the answers)|"
                    r"(?:none|neither) of the (?:above|below)|both (?:options? )?[A-H] and [A-H])\b|"
                    r"^\W*(?:all|both) of (?:them|those)(?: are (?:correct|right|true))?\W*$", re.IGNORECASE)
#: Words of a verdict, as feedback opens with them ("Not quite, try again.", "That is not the best answer.");
#: feedback made of nothing else gives no reason.
VERDICT_WORDS = frozenset("""
    a afraid again almost an answer are best choice close correct done entirely exactly excellent false good great
    here i'm incorrect is isn't it it's no nope not oops option please quite really right so sorry that that's the
    this time true try unfortunately well wrong yes you you're
""".split())
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
#: Link text and target stop at the next bracket: `[^\]]*` would make 20,000 `[` take minutes (quadratic).
_MARKUP = re.compile(r"[*_`#>]|\[([^\[\]]*)\]\([^()]*\)")
#: What everything `_MARKUP` finds starts with.
_MARK_STARTS = "*_`#>["

Role = Literal["assessment", "knowledge-check", "decision"]


@dataclass(frozen=True)
class Item:
    """A question and where it was written: its file, its location there and what it is used for."""

    question: Question
    source: SourceFile
    location: Location
    role: Role

    def warning(self, where: Location, message: str, fix: str) -> Problem:
        return self.source.problem(self.location + where, message, fix, severity=Severity.WARNING)


def plain(markdown: str) -> str:
    """The words of a piece of Markdown: emphasis and code marks dropped, links reduced to their text."""
    if not any(mark in markdown for mark in _MARK_STARTS):  # most option texts: nothing for `_MARKUP` to find
        return " ".join(markdown.split())
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or "", markdown).split())


@dataclass(frozen=True)
class _Read:
    """What the rules read in a piece of Markdown: its `plain` text and its words in lower case."""

    plain: str
    words: tuple[str, ...]

    @functools.cached_property
    def above(self) -> str | None:
        """What says "all of the above" or the like in the text (`_ABOVE`), if anything: options only."""
        lowered = self.plain.lower()
        if " of " not in lowered and "both " not in lowered:  # in every phrase `_ABOVE` finds, in any case
            return None
        match = _ABOVE.search(self.plain)
        return match.group(0) if match else None


@cache.kept(key=lambda markdown: markdown)  # `coursebuild preview` takes unchanged questions' texts from the last build
def _read(markdown: str) -> _Read:
    text = plain(markdown)
    return _Read(text, tuple(map(str.lower, _WORD.findall(text))))


def items(course: Course) -> Iterator[Item]:
    """Every question of the course: bank questions, then case-study decision points."""
    for bank in course.banks:
        for i, question in enumerate(bank.settings.questions):
            yield Item(question, bank.source, ("questions", i), bank.settings.kind)
    for page in course.pages:
        for s, stage in enumerate(page.meta.stages):
            for d, question in enumerate(stage.decisions):
                yield Item(question, page.source, ("stages", s, "decisions", d), "decision")


def check_items(course: Course) -> list[Problem]:
    """Every item-writing warning for the course, in file order."""
    # Questions with no options, or more than there are position labels, are validation's errors.
    every = [item for item in items(course) if 0 < len(item.question.options) <= len(OPTION_LABELS)]
    problems = [p for label, group in _groups(every) for rule in (_answer_position, _answer_length)
                for p in rule(label, group)]
    problems += _repeated_options(every) + _above_options(every) + _repeated_stems(every) + _reasons(every)
    return sorted(problems)


# --- patterns across a bank ------------------------------------------------------------------

def _groups(every: list[Item]) -> Iterator[tuple[str, list[Item]]]:
    """Each assessment bank's questions, and all practice questions (knowledge checks and decisions) together."""
    banks: dict[str, list[Item]] = {}
    for item in every:
        if item.role == "assessment":
            banks.setdefault(item.source.path, []).append(item)
    for path, group in banks.items():
        yield f"assessment questions in {path}", group
    practice = [item for item in every if item.role != "assessment"]
    if practice:
        yield "knowledge-check and decision questions", practice


def _share(q: Question) -> float:
    """The chance that a given position (or the longest option) holds a right answer, if keys were random."""
    return sum(o.correct for o in q.options) / len(q.options)


@cache.kept(key=lambda chances, count: (tuple(chances), count))  # for the next build, as `_read`
def chance_of_at_least(chances: list[float], count: int) -> float:
    """The probability that `count` or more independent events happen, given each one's probability.

    Exact (the Poisson binomial distribution, by dynamic programming) up to EXACT_LIMIT events; above
    that, the normal approximation with a continuity correction, which is then accurate to well
    within the 1-in-100 threshold and keeps a 5,000-question bank fast.
    """
    mean = sum(chances)
    if count <= mean:
        return 1.0 if count <= 0 else 0.5  # at or below what chance gives: never unlikely
    if len(chances) > EXACT_LIMIT:
        spread = math.sqrt(sum(p * (1 - p) for p in chances))
        return 0.5 * math.erfc((count - 0.5 - mean) / (spread * math.sqrt(2))) if spread else 0.0
    exactly = [1.0]  # exactly[k]: probability that exactly k of the events so far happen
    for p in chances:
        exactly = [a * (1 - p) + b * p for a, b in zip(exactly + [0.0], [0.0] + exactly, strict=True)]
    return sum(exactly[count:])


def _skew(group: list[Item], hits: Callable[[Question], bool], chance: Callable[[Question], float],
          tests: int = 1) -> tuple[list[Item], float] | None:
    """The items where `hits` holds and how many chance alone gives, if so many is unlikely by chance.

    `tests` is how many such patterns the rule looks at in the bank (e.g. one per position): each must be
    rarer than CHANCE_LIMIT / tests (Bonferroni's correction), so that a bank placed at random warns in
    fewer than CHANCE_LIMIT of banks whichever pattern it shows.
    """
    hit = [item for item in group if hits(item.question)]
    chances = [chance(item.question) for item in group]
    if len(group) >= MIN_BANK_QUESTIONS and len(hit) >= MIN_SKEWED and \
            chance_of_at_least(chances, len(hit)) < CHANCE_LIMIT / tests:
        return hit, sum(chances)
    return None


def _right_at(position: int, question: Question) -> bool:
    """Whether the option at `position` (0-based, as written) is a right answer."""
    return len(question.options) > position and question.options[position].correct


def _chance_at(position: int, question: Question) -> float:
    """The chance that the option at `position` is a right answer, were right answers placed at random."""
    return _share(question) if len(question.options) > position else 0.0


def _answer_position(label: str, group: list[Item]) -> Iterator[Problem]:
    """Rule `answer-position`: one position holds a right answer far more often than chance."""
    positions = max(len(item.question.options) for item in group)
    for p in range(positions):
        found = _skew(group, functools.partial(_right_at, p), functools.partial(_chance_at, p), positions)
        if found:
            hit, expected = found
            yield hit[0].warning((), f"option {OPTION_LABELS[p]} is a right answer in {len(hit)} of "
                                 f"{len(group)} {label} (about {expected:.0f} by chance)",
                                 "spread the right answers over the positions: exported banks and pinned "
                                 "options keep the written order")


def _extreme_is_right(pick: Callable[[list[int]], int], q: Question) -> bool:
    """Whether the option strictly `pick`ed by length (max: longest, min: shortest) is a right answer."""
    lengths = [len(_read(o.text).plain) for o in q.options]
    extreme = pick(lengths)
    return lengths.count(extreme) == 1 and q.options[lengths.index(extreme)].correct


def _answer_length(label: str, group: list[Item]) -> Iterator[Problem]:
    """Rules `longest-answer` and `shortest-answer`: the right answer is the longest option, or the shortest,
    far more often than chance."""
    for which, pick, fix in (("longest", max, "make the distractors as full and specific as the right answer, "
                                             "or the right answer shorter"),
                             ("shortest", min, "make the right answer as full and specific as the distractors, "
                                               "or the distractors shorter")):
        found = _skew(group, functools.partial(_extreme_is_right, pick), _share)
        if found:
            hit, expected = found
            ids = [item.question.id for item in hit]
            shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
            yield hit[0].warning((), f"the right answer is the {which} option in {len(hit)} of {len(group)} "
                                 f"{label} (about {expected:.0f} by chance): {shown}", fix)


# --- options ---------------------------------------------------------------------------------

def _repeated_options(every: list[Item]) -> list[Problem]:
    """Rule `repeated-option`: an option of several words appears word for word in another question."""
    first: dict[tuple[str, ...], Item] = {}
    problems = []
    for item in every:
        for o, option in enumerate(item.question.options):
            key = _read(option.text).words
            if len(key) < REPEATED_OPTION_WORDS:
                continue
            seen = first.setdefault(key, item)
            if seen is not item:
                problems.append(item.warning(("options", o, "text"), f"option {OPTION_LABELS[o]} of "
                                f"`{item.question.id}` repeats an option of `{seen.question.id}` word for word "
                                f"({seen.source.path}:{seen.source.line(*seen.location)})",
                                "word each question's options for that question"))
    return problems


def _above_options(every: list[Item]) -> list[Problem]:
    """Rule `all-none-of-the-above`: "all of the above", "none of the above" and the like."""
    return [item.warning(("options", o, "text"), f"option {OPTION_LABELS[o]} of `{item.question.id}` says "
                         f"\"{above}\"", "write a real option: \"of the above\" breaks when options are "
                         "shuffled, and \"all of these\" is given away by two right options (for a true \"none\", "
                         "write \"None of these\" and pin it)")
            for item in every for o, option in enumerate(item.question.options)
            if (above := _read(option.text).above)]


# --- stems -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Stem:
    """A stem's lower-cased words, their distinct set and how many are repeats."""

    words: tuple[str, ...]
    distinct: frozenset[str]

    @classmethod
    def of(cls, item: Item) -> _Stem:
        words = _read(item.question.stem).words
        return cls(words, frozenset(words))

    def could_match(self, other: _Stem) -> bool:
        """False when the two cannot reach STEM_SIMILARITY: a cheap upper bound on difflib's ratio (matched
        words are at most the shared distinct words plus the fewer repeated words of either stem, and so at
        most the shorter stem's words, which is checked first: it needs no set of shared words)."""
        if 2 * min(len(self.words), len(other.words)) < STEM_SIMILARITY * (len(self.words) + len(other.words)):
            return False
        repeats = min(len(self.words) - len(self.distinct), len(other.words) - len(other.distinct))
        shared = len(self.distinct & other.distinct) + repeats
        return 2 * shared >= STEM_SIMILARITY * (len(self.words) + len(other.words))


def _repeated_stems(every: list[Item]) -> list[Problem]:
    """Rule `repeated-stem`: an assessment stem (nearly) the same as a knowledge check's or decision's."""
    practice = _Practice(every)
    problems = []
    for item in every:
        if item.role != "assessment":
            continue
        stem = _Stem.of(item)
        matcher = difflib.SequenceMatcher(None, (), stem.words, autojunk=False)  # b: prepared once
        for other, other_stem in practice.candidates(item, stem):  # only those that could match, within the bound
            matcher.set_seq1(other_stem.words)
            if matcher.ratio() >= STEM_SIMILARITY:
                problems.append(item.warning(("stem",), f"the stem of `{item.question.id}` is nearly the same as "
                                f"the stem of {other.role} `{other.question.id}` "
                                f"({other.source.path}:{other.source.line(*other.location, 'stem')})",
                                "ask about the idea in a new situation, so the assessment tests understanding, "
                                "not recall of the practice question"))
                break
    return problems + practice.unchecked()


#: The repeated-stem check stops after this much work, in pairs of words (a practice stem looked at counts 10, and a
#: pair difflib compares the product of their lengths: difflib is quadratic for the same words in another order) and
#: says so in one warning: 300 and 300 such stems of 200 words took `check` 484 s, and 5,000 and 5,000 short
#: distinct stems 27 s when every pair was looked at. This course needs 110.
STEM_COMPARISONS = 20_000_000


class _Practice:
    """The practice stems (knowledge checks' and decisions'), in order, with the stems holding each word, for
    `_repeated_stems`: an assessment stem is compared only with those sharing enough of its words, found from its
    rarest words, so a bank of distinct stems takes time near its length, not the product of two banks' lengths.

    The work is counted (10 for each practice stem looked at, and the product of two stems' lengths in words for
    each pair difflib will compare: its worst case, for the same words in another order) and bounded by
    STEM_COMPARISONS, so the rule's warnings are the same on every machine.
    """

    def __init__(self, every: list[Item]) -> None:
        self.stems = [(item, _Stem.of(item)) for item in every if item.role != "assessment"]
        self.having: dict[str, list[int]] = {}  # word -> positions in `stems`, ascending
        for position, (_, stem) in enumerate(self.stems):
            for word in stem.distinct:
                self.having.setdefault(word, []).append(position)
        self.work = 0
        self.stopped: Item | None = None  # the first assessment question not compared

    def candidates(self, item: Item, stem: _Stem) -> Iterator[tuple[Item, _Stem]]:
        """The practice stems that could reach STEM_SIMILARITY with `item`'s `stem` (`_Stem.could_match`), in
        order; none once STEM_COMPARISONS is spent.

        A stem that matches has at least `need` of `stem`'s distinct words (`could_match`'s bound, with the
        other stem's length at its smallest, 0.85 / 1.15 of this one's), so it holds one of any `distinct -
        need + 1` of them: the rarest are looked up.
        """
        repeats = len(stem.words) - len(stem.distinct)
        need = math.ceil(len(stem.words) * STEM_SIMILARITY / (2 - STEM_SIMILARITY) - repeats - 1e-9)
        if need <= 0:
            positions: Iterator[int] = iter(range(len(self.stems)))
        else:
            rarest = sorted(stem.distinct, key=lambda word: (len(self.having.get(word, ())), word))
            positions = heapq.merge(*(self.having.get(word, []) for word in rarest[:max(0, len(rarest) - need + 1)]))
        last = -1
        for position in positions:
            if self.stopped is not None:
                return
            if position == last:
                continue
            last = position
            other = self.stems[position]
            close = stem.could_match(other[1])
            # a look takes about as long as difflib comparing 10 pairs of words
            self.work += 10 + (len(stem.words) * len(other[1].words) if close else 0)
            if self.work > STEM_COMPARISONS:
                self.stopped = item
                return
            if close:
                yield other

    def unchecked(self) -> list[Problem]:
        """One warning at the first assessment question not compared, if STEM_COMPARISONS was spent."""
        if self.stopped is None:
            return []
        return [self.stopped.warning(("stem",), "the stems are too many and too alike in their words for the "
                                     f"repeated-stem check to compare them all ({STEM_COMPARISONS:,} pairs of words): "
                                     "it stopped at this question", "shorten the stems, or vary their words")]


# --- feedback --------------------------------------------------------------------------------

def reason_words(text: str) -> int:
    """Words in feedback after the verdict it opens with (the leading run of VERDICT_WORDS), e.g. 0 for
    "Not the best answer here." or "Incorrect - please try again.", 4 for "No. Babies communicate from birth."."""
    words = _read(text).words
    opening = next((i for i, word in enumerate(words) if word.replace("’", "'") not in VERDICT_WORDS), len(words))
    return len(words) - opening


def _reasons(every: list[Item]) -> list[Problem]:
    """Rule `feedback-says-why`: an explanation, or a wrong option's feedback, that gives no reason."""
    problems = []
    for item in every:
        q = item.question
        if reason_words(q.explanation) < MIN_REASON_WORDS:
            problems.append(item.warning(("explanation",), f"the explanation of `{q.id}` does not say why",
                                         "explain in a sentence why the right answer is right"))
        problems += [item.warning(("options", o, "feedback"), f"the feedback on option {OPTION_LABELS[o]} of "
                                  f"`{q.id}` does not say why it is wrong",
                                  f"add a reason of {MIN_REASON_WORDS} words or more: what makes it wrong, or "
                                  "what to think about instead")
                     for o, option in enumerate(q.options)
                     if not option.correct and reason_words(option.feedback) < MIN_REASON_WORDS]
    return problems
