"""The authored course as typed, frozen data.

The pydantic models describe exactly what authors may write in `course.yaml`, page front
matter, question banks and the competency framework file; unknown keys are rejected.
The dataclasses at the end tie each parsed document to the file it came from.
"""
# No `from __future__ import annotations` here: pydantic would compile each of the models' annotation
# strings back into objects (89 `compile` calls, about 8 M instructions, every start-up).

import functools
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterator, Literal, Optional

#: coursebuild uses no pydantic plugins: without this, making the first validator looks for them among the
#: entry points of every installed distribution (reading and parsing each one's metadata).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from builder.sourcemap import SourceFile

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
#: A unit code: the domain's code, a full stop, then the unit's own part ("4.07", "A.01", "FS.2.3").
CODE_PATTERN = r"^[A-Za-z0-9]{1,8}(\.[A-Za-z0-9]{1,8}){1,3}$"
DOMAIN_PATTERN = r"^[A-Za-z0-9]{1,8}$"
MAX_LEVELS = 5
VERSION_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
#: An option id is a SCORM response token in both versions: 2004 short_identifier as Moodle checks it
#: (`^[\w.]{1,250}$`), no ',' (the 1.2 separator), short enough to keep saved progress small.
OPTION_ID_PATTERN = r"^[A-Za-z0-9_]{1,16}$"

#: What each pattern means, for error messages.
PATTERN_HINTS = {
    ID_PATTERN: "start with an ASCII letter, a-z or A-Z without accents, then ASCII letters, digits, '-' or '_', "
                "at most 64 characters",
    SLUG_PATTERN: "lower-case letters, digits and '-', e.g. perinatal-risk-imh",
    CODE_PATTERN: "a unit code such as 4.07 or A.01: the domain's code, a full stop, then letters A-Z (without "
                  "accents) or digits",
    DOMAIN_PATTERN: "a domain number or code such as 4 or A: letters A-Z (without accents) and digits, at most 8",
    VERSION_PATTERN: "e.g. \"1.0\" in quotes, letters, digits, '.', '-' or '_'",
    LANGUAGE_PATTERN: "a language tag such as en or en-GB",
    OPTION_ID_PATTERN: "1 to 16 ASCII letters (a-z or A-Z without accents), digits or '_', e.g. break",
}

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
#: The longest one-line field, in characters: a title, a name, a label, an audience or a material. This course's
#: longest is 115 (the framework's publisher); a course title of 100,000 characters passed `check`, then took the
#: kit's documents past their 256 KB (it is on every one, twice) and, at 1,100,000, a page past what a template may
#: make (issue 18, 18-verify18 C8).
MAX_LINE_CHARS = 300
#: The longest plain-text field of a sentence or a short paragraph, in characters: an outcome, a prompt, a rating's
#: statement, a local policy point, a level's descriptor. This course's longest is 239 (a level's descriptor).
#: Markdown fields are bounded by `markup.MAX_MARKDOWN_CHARS` when they are converted.
MAX_TEXT_CHARS = 4000
#: A one-line field (MAX_LINE_CHARS).
Line = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LINE_CHARS)]
#: A plain-text field (MAX_TEXT_CHARS).
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS)]
Markdown = Annotated[str, StringConstraints(min_length=1)]

PageKind = Literal["content", "case-study", "knowledge-check", "assessment", "reflection", "self-assessment",
                   "learning-record"]
BankKind = Literal["knowledge-check", "assessment"]


def _not_true_or_false(value: Any) -> Any:
    """YAML's true/false (yes/no, on/off) where a number is expected: an error, where pydantic would read 1 or 0."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


#: A whole number an author writes (`draw: 20`); `true` is not one.
WholeNumber = Annotated[int, BeforeValidator(_not_true_or_false)]


class Authored(BaseModel):
    """Base for everything an author writes: strict about unknown keys, immutable."""

    #: defer_build: each model's validator is made when first used, not when coursebuild starts.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Outcome(Authored):
    id: Id
    text: Text


class Module(Authored):
    id: Id
    title: Line
    pages: list[Id] = Field(min_length=1)


class Completion(Authored):
    """What the learner must do for the course to count as complete."""

    pages: Literal["all", "none"] = "all"
    assessment: Literal["passed", "submitted", "none"] = "passed"


class AccessibilitySettings(Authored):
    """What the accessibility statement says that only the course provider knows."""

    contact: Line = "the organisation that gave you access to this course"
    limitations: list[Text] = []


Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Activity = Literal["input", "small-group work", "case-study discussion", "video", "questionnaire", "break", "lunch"]


class Session(Authored):
    """One session of the face-to-face training day."""

    start: Clock
    end: Clock
    title: Line
    activity: Activity
    modules: list[Id] = []
    materials: list[Line] = []
    instructions: Optional[Markdown] = None


class KitSettings(Authored):
    """What the training-day kit needs beyond the e-learning: the day's timetable and trainer notes."""

    timetable: list[Session] = Field(min_length=1)
    local_policy: list[Text] = []
    handout_pages: list[Id] = []


class CourseSettings(Authored):
    """`course/course.yaml`."""

    id: Slug
    title: Line
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)] = "en-GB"
    audience: list[Line] = Field(min_length=1)
    duration: Text
    description: Markdown
    outcomes: list[Outcome] = Field(min_length=1)
    modules: list[Module] = []
    pass_mark: Optional[Annotated[WholeNumber, Field(ge=0, le=100)]] = None
    completion: Completion = Field(default_factory=Completion)  # a factory: no validator is built at import
    lock_assessment: bool = False
    accessibility: AccessibilitySettings = Field(default_factory=AccessibilitySettings)
    kit: Optional[KitSettings] = None


def option_slug(text: str) -> str:
    """A stable option id derived from an option's text: its first words and a digest of the whole text.

    Up to 10 characters of lower-case ASCII words (without a, an, the) joined by '_', then '_' and 4 hex
    digits of the SHA-1 of the text with its spaces collapsed: e.g. "The baby needs a short break." gives
    `baby_needs_1f0c`. At most 15 characters (`OPTION_ID_PATTERN`). Reordering options keeps the id;
    editing the text changes it, so an answer saved for the old wording is dropped, never moved.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = ""
    for word in (w for w in re.findall(r"[a-z0-9]+", ascii_text) if w not in ("a", "an", "the")):
        joined = f"{slug}_{word}" if slug else word[:10]
        if len(joined) > 10:
            break
        slug = joined
    digest = hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:4]
    return f"{slug or 'option'}_{digest}"


#: The letters that name an option by its place, on paper and in messages: A for the first (at most 8).
OPTION_LABELS = "ABCDEFGH"


class Option(Authored):
    """An answer option. `id` is what tracking, saved progress and feedback refer to, never the position:
    authored, or derived from the text by `option_slug`."""

    id: Annotated[str, StringConstraints(pattern=OPTION_ID_PATTERN)]
    text: Markdown
    correct: bool = False
    feedback: Markdown
    #: kept at its authored position when the options are shuffled (e.g. "None of these")
    pinned: bool = False

    @model_validator(mode="before")
    @classmethod
    def _derive_id(cls, data: object) -> object:
        if isinstance(data, dict) and "id" not in data:  # a wrong or missing text is reported on its own
            return {**data, "id": option_slug(str(data.get("text", "")))}
        return data


class Question(Authored):
    id: Id
    stem: Markdown
    type: Literal["single", "multiple"] = "single"
    options: list[Option]
    outcomes: list[Id] = []
    competencies: list[Code] = []
    #: the author's own labels, for `draw_per_tag`
    tags: list[Id] = []
    explanation: Markdown


class Stage(Authored):
    """One stage of a case study: new information, prompts to discuss, decisions to make."""

    id: Id
    title: Line
    content: Markdown
    prompts: list[Text] = []
    decisions: list[Question] = []


class Rating(Authored):
    """A statement the learner rates from strongly disagree (1) to strongly agree (5)."""

    id: Id
    statement: Text


class Comment(Authored):
    """A free-text question whose answer is recorded in the LMS."""

    id: Id
    prompt: Text


class PageMeta(Authored):
    """The YAML front matter of a page."""

    id: Id
    title: Line
    kind: PageKind = "content"
    minutes: Annotated[WholeNumber, Field(ge=0, le=600)]
    outcomes: list[Id] = []
    competencies: list[Code] = []
    bank: Optional[Id] = None
    stages: list[Stage] = []
    analysis: Optional[Markdown] = None
    prompts: list[Text] = []
    phase: Optional[Literal["before", "after"]] = None
    ratings: list[Rating] = []
    comments: list[Comment] = []


class BankSettings(Authored):
    """A question bank file in `quizzes/`."""

    id: Id
    title: Line
    kind: BankKind
    draw: Optional[Annotated[WholeNumber, Field(ge=1)]] = None
    #: at least this many questions for each outcome the bank's questions assess, in every attempt
    draw_per_outcome: Optional[Annotated[WholeNumber, Field(ge=1)]] = None
    #: at least this many questions with each of these tags, in every attempt
    draw_per_tag: dict[Id, Annotated[WholeNumber, Field(ge=1)]] = {}
    shuffle: bool = False
    #: options in a new order for each learner attempt (pinned options stay where they are)
    shuffle_options: bool = True
    #: after an assessment: show the right answers with feedback, or only whether each answer was right
    review: Literal["answers", "correctness"] = "answers"
    attempts: Optional[Annotated[WholeNumber, Field(ge=1)]] = None
    questions: list[Question] = Field(min_length=1)

    def draw_minimums(self) -> dict[str, int]:
        """Questions each attempt must hold per outcome (`outcome:<id>`) and per tag (`tag:<id>`)."""
        minimums: dict[str, int] = {}
        if self.draw_per_outcome:
            outcomes = dict.fromkeys(o for q in self.questions for o in q.outcomes)
            minimums.update({f"outcome:{o}": self.draw_per_outcome for o in outcomes})
        minimums.update({f"tag:{t}": n for t, n in self.draw_per_tag.items()})
        return minimums

    def most_drawn(self) -> int:
        """The most questions one attempt can hold: `draw`, else what the per-outcome and per-tag draws need."""
        if self.draw is not None:
            return min(self.draw, len(self.questions))
        minimums = self.draw_minimums()
        return min(sum(minimums.values()), len(self.questions)) if minimums else len(self.questions)


Level = Annotated[int, Field(ge=1, le=MAX_LEVELS)]


class Unit(Authored):
    code: Code
    title: Line
    #: What each level of the framework looks like for this unit, from level 1 up (1 to 5 levels).
    levels: dict[Level, Text] = Field(min_length=1)


def _whole_number_as_text(value: object) -> object:
    """A whole number as its digits (`4` as "4"); anything else as it is."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Domain(Authored):
    #: The domain's number or letter code, which starts its units' codes (`4` for 4.07, `A` for A.01).
    #: A number is read as its digits: one type, so a wrong value gets one message, not one per type tried.
    number: Annotated[str, BeforeValidator(_whole_number_as_text), StringConstraints(pattern=DOMAIN_PATTERN)]
    title: Line
    units: list[Unit] = Field(min_length=1)


class Framework(Authored):
    """`course/competencies.yaml`: the competency framework pages and questions refer to."""

    name: Line
    publisher: Line
    #: Optional names of the levels, e.g. {1: "general knowledge and skills"}; shown after "Level 1: ".
    levels: dict[Level, Line] = {}
    domains: list[Domain] = Field(min_length=1)

    def level_numbers(self) -> list[int]:
        """The framework's levels (1 up to at most 5), as its first unit describes them."""
        return sorted(self.domains[0].units[0].levels)

    def level_labels(self) -> list[tuple[int, str]]:
        """(level, label) for every level, e.g. (1, "Level 1: general knowledge and skills")."""
        return [(level, f"Level {level}: {self.levels[level]}" if level in self.levels else f"Level {level}")
                for level in self.level_numbers()]


@dataclass(frozen=True)
class Page:
    """A Markdown page: its front matter, its body and where they came from."""

    meta: PageMeta
    body: str
    source: SourceFile
    body_line: int


@dataclass(frozen=True)
class Bank:
    """A question bank and the file it came from."""

    settings: BankSettings
    source: SourceFile


@dataclass(frozen=True)
class Course:
    """Everything loaded from one course project."""

    root: Path
    settings: CourseSettings
    source: SourceFile
    pages: tuple[Page, ...]
    banks: tuple[Bank, ...]
    framework: Optional[Framework] = None
    framework_source: Optional[SourceFile] = None
    #: ids of pages and banks whose files exist but did not load, and those files' names without their
    #: extension (an unreadable file's id is not known): not reported as unknown
    unloaded_ids: frozenset[str] = frozenset()
    #: project paths of the page, bank and settings files that exist but did not load
    unloaded_files: frozenset[str] = frozenset()
    #: kinds of files ("page", "bank", "framework") of which one exists but did not load: what depends on
    #: them (coverage of outcomes, framework codes) is not reported, as their own problems are
    unloaded_kinds: frozenset[str] = frozenset()

    @functools.cached_property
    def transcripts(self) -> dict[str, str]:
        """The text of each transcript (`<stem>.transcript.md` beside a video or audio file the course shows) that
        validation read, checked and converted as page Markdown (project path -> text): what the packages show is
        that very text, read once (`validation._check_transcripts` fills it, `rendering` reads it)."""
        return {}

    @functools.cached_property
    def _pages_by_id(self) -> dict[str, Page]:
        return {page.meta.id: page for page in self.pages}

    def page(self, page_id: str) -> Page:
        """The page with this id."""
        return self._pages_by_id[page_id]

    @functools.cached_property
    def _module_ids(self) -> dict[str, str]:
        return {page_id: module.id for module in self.settings.modules for page_id in module.pages}

    def module_id(self, page_id: str) -> str:
        """The id of the module that lists this page."""
        return self._module_ids[page_id]

    def ordered_pages(self) -> list[Page]:
        """The pages in course order, module by module."""
        return [self.page(page_id) for module in self.settings.modules for page_id in module.pages]

    def bank_questions(self, kind: BankKind) -> Iterator[Question]:
        """Every question in banks of this kind."""
        return (q for bank in self.banks if bank.settings.kind == kind for q in bank.settings.questions)

    def decisions(self) -> Iterator[Question]:
        """Every case-study decision point, page by page."""
        return (q for page in self.pages for stage in page.meta.stages for q in stage.decisions)

    def covered_units(self) -> list[str]:
        """Codes of the framework units the course teaches, practises or assesses, in framework order."""
        tagged: list[PageMeta | Question] = [*(page.meta for page in self.pages), *self.decisions(),
                  *(q for bank in self.banks for q in bank.settings.questions)]
        used = {code for item in tagged for code in item.competencies}
        framework = self.framework.domains if self.framework else []
        return [unit.code for domain in framework for unit in domain.units if unit.code in used]
