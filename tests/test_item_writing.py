"""Item-writing checks: for each rule, a bank that trips it and one that does not.

The banks are written into a copy of the fixture course as its assessment bank (`quizzes/final.yaml`),
built from a sound bank (keys spread over the positions, options alike in length, feedback that
explains) with one thing changed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from builder.item_writing import (
    MIN_BANK_QUESTIONS,
    Item,
    _answer_position,
    _Practice,
    _repeated_stems,
    _Stem,
    check_items,
    items,
)
from builder.loading import load_project
from builder.model import Question
from builder.sourcemap import SourceFile

from conftest import run

Questions = list[dict[str, Any]]


SITUATIONS = ["a baby turns away during play", "a mother says her baby cries to annoy her",
              "a father never talks to his son", "a toddler freezes when a door slams",
              "a parent misses three antenatal visits", "a grandmother cares for twins at night",
              "a nursery worker sees a baby who never cries", "a midwife hears a couple shouting",
              "a health visitor finds the flat very cold", "a young carer brings the baby to clinic"]


def sound_bank(count: int = 8) -> Questions:
    """Questions with the right answer at positions A, B, C in turn and options of equal length."""
    questions = []
    for i in range(count):
        options = [{"text": f"Possible reply {i:02d} number {j}", "feedback": f"No. Reply {j} misses the baby's cue {i}."}
                   for j in range(3)]
        options[i % 3] = {**options[i % 3], "correct": True, "feedback": f"Yes. Reply {i % 3} answers cue {i}."}
        questions.append({"id": f"fa-q{i}", "stem": f"In this visit {SITUATIONS[i]}. What do you think first?",
                          "options": options, "outcomes": ["LO1", "LO2"],
                          "explanation": f"Turning away is how a baby asks for a pause, case {i}."})
    return questions


def warnings(project: Path, questions: Questions, practice: Questions | None = None) -> list[str]:
    """The item-writing warnings of the fixture course with these assessment (and practice) questions."""
    bank = {"id": "final", "title": "Final check", "kind": "assessment", "questions": questions}
    (project / "quizzes/final.yaml").write_text(yaml.safe_dump(bank, sort_keys=False), encoding="utf-8")
    if practice is not None:
        kc = {"id": "kc-cues", "title": "Baby cues", "kind": "knowledge-check", "questions": practice}
        (project / "quizzes/kc-cues.yaml").write_text(yaml.safe_dump(kc, sort_keys=False), encoding="utf-8")
    course, problems = load_project(project)
    assert course is not None and problems == []
    return [str(p) for p in check_items(course)]


def changed(questions: Questions, change: Callable[[int, dict[str, Any]], None]) -> Questions:
    questions = json.loads(json.dumps(questions))
    for i, q in enumerate(questions):
        change(i, q)
    return questions


def test_a_sound_bank_gives_no_warnings(project: Path) -> None:
    assert warnings(project, sound_bank()) == []


def first_is_right(i: int, q: dict[str, Any]) -> None:
    for j, option in enumerate(q["options"]):
        option["correct"] = j == 0


def test_answer_position(project: Path) -> None:
    found = warnings(project, changed(sound_bank(), first_is_right))
    assert found == ["quizzes/final.yaml:5: warning: option A is a right answer in 8 of 8 assessment questions in "
                     "quizzes/final.yaml (about 3 by chance) (spread the right answers over the positions: exported "
                     "banks and pinned options keep the written order)"]
    # 5 keys of 8 first happens by chance in 1 bank in 11; a bank below the minimum is not judged.
    assert warnings(project, changed(sound_bank(), lambda i, q: i % 3 == 1 or first_is_right(i, q))) == []
    assert warnings(project, changed(sound_bank(MIN_BANK_QUESTIONS - 1), first_is_right)) == []


def test_longest_answer(project: Path) -> None:
    def longer_key(i: int, q: dict[str, Any]) -> None:
        key = next(o for o in q["options"] if o.get("correct"))
        key["text"] += " and a fuller, more careful explanation"

    found = warnings(project, changed(sound_bank(), longer_key))
    assert len(found) == 1 and "the right answer is the longest option in 8 of 8 assessment questions" in found[0]
    assert found[0].startswith("quizzes/final.yaml:5: warning:") and "fa-q0, fa-q1, fa-q2, fa-q3, fa-q4, …" in found[0]
    assert warnings(project, changed(sound_bank(), lambda i, q: i % 3 or longer_key(i, q))) == []


def test_shortest_answer(project: Path) -> None:
    def shorter_key(i: int, q: dict[str, Any]) -> None:
        for option in q["options"]:
            if not option.get("correct"):
                option["text"] += " and a fuller, more careful explanation"

    found = warnings(project, changed(sound_bank(), shorter_key))
    assert len(found) == 1 and "the right answer is the shortest option in 8 of 8 assessment questions" in found[0]
    assert found[0].startswith("quizzes/final.yaml:5: warning:") and "(make the right answer as full" in found[0]
    assert warnings(project, changed(sound_bank(), lambda i, q: i % 3 or shorter_key(i, q))) == []


def test_answer_position_false_alarms_are_rare() -> None:
    """Banks with right answers placed at random warn in fewer than 1 in 100, however many positions
    are tested: 2,000 seeded banks of 45 four-option and of 20 five-option questions."""
    source = SourceFile("quizzes/final.yaml")

    def keyed_at(options: int, key: int) -> Item:
        question = Question.model_validate({
            "id": f"q{key}", "stem": "Stem", "explanation": "Why it is so.",
            "options": [{"text": f"Option {j}", "correct": j == key, "feedback": "Because."} for j in range(options)]})
        return Item(question, source, (), "assessment")

    rng = random.Random(15)
    for questions, options in ((45, 4), (20, 5)):
        keyed = [keyed_at(options, key) for key in range(options)]
        banks = 2000
        alarms = sum(any("is a right answer in" in p.message for p in _answer_position("bank", group))
                     for group in ([rng.choice(keyed) for _ in range(questions)] for _ in range(banks)))
        assert alarms / banks < 0.01, (questions, options, alarms)


def test_repeated_option(project: Path) -> None:
    def repeat(i: int, q: dict[str, Any]) -> None:
        if i in (2, 5):
            q["options"][1]["text"] = "Refer the family to the health visitor."

    found = warnings(project, changed(sound_bank(), repeat))
    assert len(found) == 1 and found[0].startswith("quizzes/final.yaml:")
    assert "option B of `fa-q5` repeats an option of `fa-q2` word for word (quizzes/final.yaml:" in found[0]
    assert int(found[0].split(":")[1]) == yaml_line(project, "Refer the family", occurrence=2)
    short = changed(sound_bank(), lambda i, q: q["options"][1].update(text="Wait and see.") if i in (2, 5) else None)
    assert warnings(project, short) == []


def yaml_line(project: Path, needle: str, occurrence: int = 1) -> int:
    lines = (project / "quizzes/final.yaml").read_text().splitlines()
    return [n for n, line in enumerate(lines, 1) if needle in line][occurrence - 1]


@pytest.mark.parametrize("text", ["All of the above", "None of the above.", "Both of these", "all of them",
                                  "Both of the above", "Both A and B", "All of these", "Both of them are correct",
                                  "NONE OF THE ABOVE", "BOTH A AND C"])
def test_all_or_none_of_the_above(project: Path, text: str) -> None:
    found = warnings(project, changed(sound_bank(), lambda i, q: q["options"][2].update(text=text) if i == 3 else None))
    assert len(found) == 1 and f'option C of `fa-q3` says "{text.rstrip(".")}"' in found[0]
    assert int(found[0].split(":")[1]) == yaml_line(project, text)


@pytest.mark.parametrize("text", ["Invite both of them to the planning meeting together",
                                  "Ask all of them what the baby is like at night", "Both parents and the midwife"])
def test_genuine_options_about_all_or_both_are_fine(project: Path, text: str) -> None:
    assert warnings(project, changed(sound_bank(), lambda i, q: q["options"][2].update(text=text) if i == 3 else None)) == []


def test_none_of_these_pinned_is_fine(project: Path) -> None:
    pinned = changed(sound_bank(), lambda i, q: q["options"][2].update(text="None of these", pinned=True))
    assert warnings(project, pinned) == []


def test_repeated_stem(project: Path) -> None:
    practice = [{"id": "kc-q", "stem": "On this visit a parent misses three antenatal visits. What do you think first?",
                 "options": [{"text": "A pause", "correct": True, "feedback": "Yes. The baby asks for a pause."},
                             {"text": "Dislike", "feedback": "No. Turning away is how babies calm down."}],
                 "outcomes": ["LO1"], "explanation": "Turning away is how a baby asks for a pause."}]
    found = warnings(project, sound_bank(), practice)
    assert len(found) == 1
    assert found[0].startswith(f"quizzes/final.yaml:{yaml_line(project, 'stem: In this visit a parent')}: warning: the stem of "
                               "`fa-q4` is nearly the same as the stem of knowledge-check `kc-q` (quizzes/kc-cues.yaml:6)")
    practice[0]["stem"] = "A father holds his 6-month-old facing outwards at a busy clinic. What might help?"
    assert warnings(project, sound_bank(), practice) == []


@pytest.mark.parametrize("verdict", ["That's not right.", "That is not correct.", "Not correct, try again.",
                                     "Incorrect - please try again.", "Nope, try again.", "Not the best answer here.",
                                     "Sorry, that is wrong!", "Not quite right this time."])
def test_feedback_that_is_only_a_verdict(project: Path, verdict: str) -> None:
    found = warnings(project, changed(sound_bank(), lambda i, q: q["options"][0].update(feedback=verdict) if i == 1 else None))
    assert [line.split(": warning: ")[1].split(" (")[0] for line in found] == [
        "the feedback on option A of `fa-q1` does not say why it is wrong"]


@pytest.mark.parametrize("reason", ["That's not right: babies communicate from birth.",
                                    "Not correct. A crying baby is asking for comfort.",
                                    "No. The baby is telling you it needs a pause.",
                                    "Not the best answer here, because it leaves the mother alone."])
def test_verdict_with_a_reason_is_fine(project: Path, reason: str) -> None:
    assert warnings(project, changed(sound_bank(), lambda i, q: q["options"][0].update(feedback=reason) if i == 1 else None)) == []


def test_feedback_that_does_not_say_why(project: Path) -> None:
    def terse(i: int, q: dict[str, Any]) -> None:
        if i == 1:
            q["options"][0]["feedback"] = "Not quite, try again."
            q["explanation"] = "Correct."

    found = warnings(project, changed(sound_bank(), terse))
    assert [line.split(": warning: ")[1].split(" (")[0] for line in found] == [
        "the feedback on option A of `fa-q1` does not say why it is wrong",
        "the explanation of `fa-q1` does not say why"]
    brief = changed(sound_bank(), lambda i, q: q["options"][0].update(feedback="No. Babies communicate from birth."))
    assert warnings(project, brief) == []


def test_check_and_the_coverage_report_give_the_warnings(project: Path) -> None:
    warnings(project, changed(sound_bank(), first_is_right))
    result = run("check", project)
    assert result.exit_code == 0
    expected = "quizzes/final.yaml:5: warning: option A is a right answer in 8 of 8"
    assert any(line.startswith(expected) for line in result.stderr.splitlines())
    assert run("check", project, "--strict").exit_code == 1
    report = run("report", project, "--format", "json", "-o", "-")
    assert any(w.startswith(expected) for w in json.loads(report.stdout)["warnings"])


def test_repeated_stem_check_is_bounded(project: Path) -> None:
    """Long stems of the same words in other orders defeat every cheap bound, and difflib is quadratic for them
    (two 716 KB banks took `check` 484 s): the rule stops with one warning once STEM_COMPARISONS is spent."""
    words = [f"w{i}" for i in range(200)]
    shuffled = random.Random(1)

    def long_stems(prefix: str) -> Questions:
        questions = changed(sound_bank() * 4, lambda i, q: None)
        for i, question in enumerate(questions):
            shuffled.shuffle(words)
            question.update(id=f"{prefix}{i}", stem=" ".join(words))
        return questions

    found = warnings(project, long_stems("fa"), long_stems("kc"))  # 32 x 32 pairs of 200 words: 41 M comparisons
    assert [line for line in found if "stem" in line] == [
        f"quizzes/final.yaml:{yaml_line(project, 'id: fa15') + 1}: warning: the stems are too many and too alike in "
        "their words for the repeated-stem check to compare them all (20,000,000 pairs of words): it stopped at this "
        "question (shorten the stems, or vary their words)"]


def test_repeated_stem_check_looks_only_at_stems_sharing_words(project: Path) -> None:
    """Each assessment stem is compared only with the practice stems holding its rarest words: two banks of 2,000
    distinct stems were 4 million pairs (5,000 and 5,000 took `check` 27 s), now about one look each; a near
    copy among them is still found, and only it."""
    draw = random.Random(2)

    def distinct_stems(prefix: str) -> Questions:
        questions = changed(sound_bank() * 200, lambda i, q: None)
        for i, question in enumerate(questions):
            names = " and ".join(f"{draw.randrange(10**9)}" for _ in range(3))
            question.update(id=f"{prefix}{i}", stem=f"Case {names}. What do you do first?")
        return questions

    assessment, practice = distinct_stems("fa"), distinct_stems("kc")
    practice[1234]["stem"] = assessment[1500]["stem"].replace("first", "now")
    bank = {"id": "final", "title": "Final check", "kind": "assessment", "questions": assessment}
    (project / "quizzes/final.yaml").write_text(yaml.safe_dump(bank, sort_keys=False), encoding="utf-8")
    kc = {"id": "kc-cues", "title": "Baby cues", "kind": "knowledge-check", "questions": practice}
    (project / "quizzes/kc-cues.yaml").write_text(yaml.safe_dump(kc, sort_keys=False), encoding="utf-8")
    course, _ = load_project(project)
    assert course is not None
    every = list(items(course))
    practice_stems = _Practice(every)
    found = [str(p) for p in _repeated_stems(every)]
    assert [line.split(": warning: ")[1].split(" (")[0] for line in found] == [
        "the stem of `fa1500` is nearly the same as the stem of knowledge-check `kc1234`"]
    for item in every:
        if item.role == "assessment":
            list(practice_stems.candidates(item, _Stem.of(item)))
    assert practice_stems.work < 10 * len(assessment)
