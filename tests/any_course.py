"""Write a small, complete course project (a fire-safety course for care homes) with the parts a test varies:
framework codes and levels, language, a media file's name, option texts, the course title.

As written it is a sound course: `check` gives no warning, the item-writing ones included (each question
has its own wording, right answers in different places, feedback that says why).

Every page kind is there, and a `kit`, so one project exercises `check`, every `build` target, both
`export` formats, `report` and `kit`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img"><rect width="10" height="10"/></svg>'
PAGES = ("sa-start", "intro", "check", "final", "evaluation", "sa-end", "record")


@dataclass(frozen=True)
class CourseSpec:
    """What varies between generated courses."""

    title: str = "Fire safety in care homes"
    language: str = "en-GB"
    domains: tuple[str, ...] = ("A",)
    levels: int = 3
    level_names: bool = True
    media_name: str = "fire-door.svg"
    #: the first assessment question (final-1): its stem and options, the first one right
    options: tuple[str, ...] = ("Raise the alarm", "Finish the drinks round")
    stem: str = "What do you do first when you find a fire?"
    #: the knowledge check's question (kc-1), the first option right; None: its own (QUESTIONS, below)
    check_stem: str | None = None
    check_options: tuple[str, ...] | None = None
    evaluation: bool = True
    extra_body: str = ""
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def units(self) -> list[str]:
        return [f"{domain}.01" for domain in self.domains]


def _q(text: str) -> str:
    """A YAML scalar holding exactly `text` (JSON strings are YAML double-quoted strings)."""
    return json.dumps(text, ensure_ascii=False)


def write_course(root: Path, spec: CourseSpec = CourseSpec()) -> Path:
    """Write the project into `root` (created); return `root`."""
    files: dict[str, str | bytes] = {
        "course/course.yaml": f"""id: fire-safety
title: {_q(spec.title)}
version: "1.0"
language: {spec.language}
audience: [Care home staff]
duration: 1 hour
description: What to do when the fire alarm sounds.
outcomes:
  - id: LO1
    text: Describe what to do when the fire alarm sounds.
modules:
  - id: m1
    title: Fire safety
    pages: [{", ".join(PAGES)}]
pass_mark: 80
kit:
  timetable:
    - {{start: "09:00", end: "10:00", title: Fire safety, activity: input, modules: [m1]}}
  handout_pages: [intro]
""",
        "course/competencies.yaml": _framework(spec),
        "course/pages/sa-start.md": _page("sa-start", "Rate yourself", "kind: self-assessment\nphase: before"),
        "course/pages/sa-end.md": _page("sa-end", "Rate yourself again", "kind: self-assessment\nphase: after"),
        "course/pages/record.md": _page("record", "Your learning record", "kind: learning-record"),
        "course/pages/intro.md": _page(
            "intro", "When the alarm sounds", f"outcomes: [LO1]\ncompetencies: [{_q(spec.units[0])}]",
            f"Close the door and raise the alarm.\n\n![A fire door](../media/{quote(spec.media_name)})\n\n"
            f"Read the [fire service's advice](https://example.org/fire).\n{spec.extra_body}"),
        "course/pages/check.md": _page("check", "Check your understanding", "kind: knowledge-check\nbank: kc-bank"),
        "course/pages/final.md": _page("final", "Final check", "kind: assessment\noutcomes: [LO1]\nbank: final-bank"),
        f"course/media/{spec.media_name}": SVG,
        "quizzes/kc.yaml": "id: kc-bank\ntitle: Practice\nkind: knowledge-check\nquestions:\n" + _check_question(spec),
        "quizzes/final.yaml": "id: final-bank\ntitle: Final\nkind: assessment\nquestions:\n"
                              + _question("final-1", spec, spec.stem, _first_right(spec.options), EXPLANATION)
                              + "".join(_question(q, spec, *QUESTIONS[q]) for q in ("final-2", "final-3")),
        **spec.files,
    }
    if spec.evaluation:
        files["course/pages/evaluation.md"] = _page(
            "evaluation", "Tell us what you thought", "kind: reflection\nratings:\n  - id: ev-useful\n"
            "    statement: The course will help me at work.\ncomments:\n  - id: ev-change\n"
            "    prompt: What would you change?")
    else:
        files["course/pages/evaluation.md"] = _page("evaluation", "Before you go", "kind: content")
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def _framework(spec: CourseSpec) -> str:
    names = "".join(f"  {level}: level {level} practice\n" for level in range(1, spec.levels + 1))
    domains = "".join(
        f"  - number: {_q(domain)}\n    title: Domain {domain}\n    units:\n      - code: {_q(unit)}\n"
        f"        title: Unit {unit}\n        levels:\n"
        + "".join(f"          {level}: What level {level} looks like in {unit}.\n"
                  for level in range(1, spec.levels + 1))
        for domain, unit in zip(spec.domains, spec.units, strict=True))
    levels = f"levels:\n{names}" if spec.level_names else ""
    return f"name: Fire safety framework\npublisher: A care home group\n{levels}domains:\n{domains}"


def _page(page_id: str, title: str, fields: str, body: str = "Some text.") -> str:
    return f"---\nid: {page_id}\ntitle: {_q(title)}\nminutes: 5\n{fields}\n---\n{body}\n"


Option = tuple[str, bool, str]
#: The fixed questions: stem, options (text, right, feedback), explanation. Each has its own wording, the
#: right answers sit in different places, and every feedback says why, so the item-writing checks stay silent.
QUESTIONS: dict[str, tuple[str, tuple[Option, ...], str]] = {
    "kc-1": ("A resident's bedroom door is held open with a wedge. What do you do?", (
        ("Leave it, because the resident likes it open", False, "An open fire door lets smoke into the corridor."),
        ("Take the wedge away and close the door", True, "Yes: a closed fire door holds back smoke and flames.")),
        "Fire doors protect residents only when they are shut."),
    "final-2": ("Where do staff go once residents are safe?", (
        ("To the fire assembly point", True, "Yes: the roll call there shows who is still inside."),
        ("Back to their unit to finish their tasks", False, "Nobody goes back in until the building is safe.")),
        "The roll call at the assembly point shows whether anyone is missing."),
    "final-3": ("Which extinguisher is safe on an electrical fire?", (
        ("A water extinguisher", False, "Water conducts electricity and can give a shock."),
        ("A carbon dioxide extinguisher", True, "Yes: carbon dioxide does not conduct electricity.")),
        "Carbon dioxide smothers the fire without carrying a current."),
}
#: The explanation of the questions whose options a test chooses.
EXPLANATION = "Raise the alarm first."


def _first_right(texts: tuple[str, ...]) -> tuple[Option, ...]:
    """Options a test chose: the first is right; each feedback gives a reason."""
    return tuple((text, i == 0, "Yes, the alarm warns everyone in the building." if i == 0 else
                  "Raising the alarm comes first, so that everyone can get out.") for i, text in enumerate(texts))


def _check_question(spec: CourseSpec) -> str:
    stem, options, explanation = QUESTIONS["kc-1"]
    return _question("kc-1", spec, spec.check_stem or stem,
                     options if spec.check_options is None else _first_right(spec.check_options), explanation)


def _question(question_id: str, spec: CourseSpec, stem: str, options: tuple[Option, ...], explanation: str) -> str:
    lines = "".join(f"      - {{text: {_q(text)}, correct: {'true' if right else 'false'}, feedback: {_q(feedback)}}}\n"
                    for text, right, feedback in options)
    return (f"  - id: {question_id}\n    stem: {_q(stem)}\n    outcomes: [LO1]\n"
            f"    competencies: [{_q(spec.units[0])}]\n    options:\n{lines}    explanation: {explanation}\n")
