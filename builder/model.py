"""The authored course as typed, frozen data.

The pydantic models describe exactly what authors may write in `course.yaml`, page front
matter, question banks and the competency framework file; unknown keys are rejected.
The dataclasses at the end tie each parsed document to the file it came from.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Iterator, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from builder.sourcemap import SourceFile

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
CODE_PATTERN = r"^[1-9]\.[0-9]{2}$"
VERSION_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

#: What each pattern means, for error messages.
PATTERN_HINTS = {
    ID_PATTERN: "start with a letter, then letters, digits, '-' or '_', at most 64 characters",
    SLUG_PATTERN: "lower-case letters, digits and '-', e.g. perinatal-risk-imh",
    CODE_PATTERN: "a unit code such as 4.07",
    VERSION_PATTERN: "e.g. \"1.0\" in quotes, letters, digits, '.', '-' or '_'",
    LANGUAGE_PATTERN: "a language tag such as en or en-GB",
}

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]
Markdown = Annotated[str, StringConstraints(min_length=1)]

PageKind = Literal["content", "case-study", "knowledge-check", "assessment", "reflection", "self-assessment",
                   "learning-record"]
BankKind = Literal["knowledge-check", "assessment"]


class Authored(BaseModel):
    """Base for everything an author writes: strict about unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Outcome(Authored):
    id: Id
    text: Text


class Module(Authored):
    id: Id
    title: Text
    pages: list[Id] = Field(min_length=1)


class Completion(Authored):
    """What the learner must do for the course to count as complete."""

    pages: Literal["all", "none"] = "all"
    assessment: Literal["passed", "submitted", "none"] = "passed"


class AccessibilitySettings(Authored):
    """What the accessibility statement says that only the course provider knows."""

    contact: Text = "the organisation that gave you access to this course"
    limitations: list[Text] = []


Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Activity = Literal["input", "small-group work", "case-study discussion", "video", "questionnaire", "break", "lunch"]


class Session(Authored):
    """One session of the face-to-face training day."""

    start: Clock
    end: Clock
    title: Text
    activity: Activity
    modules: list[Id] = []
    materials: list[Text] = []
    instructions: Optional[Markdown] = None


class KitSettings(Authored):
    """What the training-day kit needs beyond the e-learning: the day's timetable and trainer notes."""

    timetable: list[Session] = Field(min_length=1)
    local_policy: list[Text] = []
    handout_pages: list[Id] = []


class CourseSettings(Authored):
    """`course/course.yaml`."""

    id: Slug
    title: Text
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)] = "en-GB"
    audience: list[Text] = Field(min_length=1)
    duration: Text
    description: Markdown
    outcomes: list[Outcome] = Field(min_length=1)
    modules: list[Module] = []
    pass_mark: Optional[Annotated[int, Field(ge=0, le=100)]] = None
    completion: Completion = Completion()
    lock_assessment: bool = False
    accessibility: AccessibilitySettings = AccessibilitySettings()
    kit: Optional[KitSettings] = None


class Option(Authored):
    text: Markdown
    correct: bool = False
    feedback: Markdown


class Question(Authored):
    id: Id
    stem: Markdown
    type: Literal["single", "multiple"] = "single"
    options: list[Option]
    outcomes: list[Id] = []
    competencies: list[Code] = []
    explanation: Markdown


class Stage(Authored):
    """One stage of a case study: new information, prompts to discuss, decisions to make."""

    id: Id
    title: Text
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
    title: Text
    kind: PageKind = "content"
    minutes: Annotated[int, Field(ge=0, le=600)]
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
    title: Text
    kind: BankKind
    draw: Optional[Annotated[int, Field(ge=1)]] = None
    shuffle: bool = False
    attempts: Optional[Annotated[int, Field(ge=1)]] = None
    questions: list[Question] = Field(min_length=1)


class Unit(Authored):
    code: Code
    title: Text
    levels: dict[Literal[1, 2, 3], Text]


class Domain(Authored):
    number: Annotated[int, Field(ge=1, le=9)]
    title: Text
    units: list[Unit] = Field(min_length=1)


class Framework(Authored):
    """`course/competencies.yaml`: the competency framework pages and questions refer to."""

    name: Text
    publisher: Text
    domains: list[Domain] = Field(min_length=1)


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
    #: ids of pages and banks whose files exist but did not load (not reported as unknown)
    unloaded_ids: frozenset[str] = frozenset()

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
