"""Every problem that `check` reports, one case per path through builder/validation.py and the
loaders: the exact `path:line: what is wrong (how to fix it)` lines, all at once, exit 1.

Cases already in tests/test_bad_input.py (YAML syntax, unknown fields, wrong types, unknown ids,
duplicate ids, options, draw, missing and remote files, alt text, outcomes, unsafe HTML, captions,
large files) are not repeated here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run

COURSE = "course/course.yaml"
CUES = "course/pages/baby-cues.md"
CASE = "course/pages/case-amira.md"
CHECK = "course/pages/check-cues.md"
WELCOME = "course/pages/welcome.md"
FINAL_PAGE = "course/pages/final-check.md"
FINAL = "quizzes/final.yaml"
KC = "quizzes/kc-cues.yaml"
FRAMEWORK = "course/competencies.yaml"
MODULE_2 = "[case-amira, final-check]"
DELETE = "<delete the file>"

Edit = tuple[str, str | None, str]  # (file, text to replace or None to append, new text)


def page(page_id: str, kind: str, extra: str = "") -> str:
    """A small page file of the given kind."""
    return f"---\nid: {page_id}\ntitle: Page {page_id}\nkind: {kind}\nminutes: 5\n{extra}---\nText.\n"


def listed(*page_ids: str) -> Edit:
    """Add pages to the course's second module."""
    return (COURSE, MODULE_2, MODULE_2[:-1] + "".join(f", {p}" for p in page_ids) + "]")


KIT = """kit:
  handout_pages: [welcome, glossary]
  timetable:
    - start: "09:30"
      end: "09:30"
      title: Welcome
      activity: input
    - start: "10:00"
      end: "11:00"
      title: Cues
      activity: input
      modules: [m-communicaton]
    - start: "10:30"
      end: "11:30"
      title: Support
      activity: input
      modules: [zz-top]
"""
SPARE_BANK = """id: spare
title: Spare
kind: knowledge-check
questions:
  - id: sp1
    stem: Which cue most often means a baby needs a pause?
    options:
      - {text: Turning away, correct: true, feedback: Yes; turning away often means it is too much.}
      - {text: Smiling, feedback: A smile usually invites more play.}
    outcomes: [LO1]
    explanation: Babies turn away when they need a pause from play.
"""
NO_FRAMEWORK: list[Edit] = [(FRAMEWORK, None, DELETE), (CUES, 'competencies: ["1.01"]\n', ""),
                            (FINAL, '    competencies: ["1.01"]\n', ""), (KC, '    competencies: ["1.01"]\n', "")]
NO_ASSESSMENT: list[Edit] = [(FINAL_PAGE, "kind: assessment\n", "kind: content\n"), (FINAL_PAGE, "bank: final\n", "")]
UNUSED_FINAL = ("quizzes/final.yaml:1: warning: bank `final` is not used by any page "
                "(name it in a page's `bank`, or delete the file)")
COMPLETION = ("the completion rule needs the assessment to be passed, but no page has `kind: assessment` "
              "(add an assessment page, or set `completion: {assessment: none}`)")

CASES: dict[str, tuple[list[Edit], list[str]]] = {
    # ids and order
    "duplicate-stage-id": ([(CASE, "  - id: six-weeks", "  - id: pregnancy")], [
        "course/pages/case-amira.md:8: duplicate stage id `pregnancy` (give each stage of the case study its own id)",
        "course/pages/case-amira.md:24: duplicate stage id `pregnancy` (give each stage of the case study its own id)"]),
    "unknown-page-unlike-any": ([listed("qqq-zzz")], [
        "course/course.yaml:23: module `m-support` lists unknown page `qqq-zzz` "
        "(create course/pages/qqq-zzz.md with `id: qqq-zzz`)"]),
    "page-listed-twice": ([listed("welcome")], [
        "course/course.yaml:23: page `welcome` is listed twice (also in module `m-communication`) (list each page once)"]),
    # the training day's timetable
    "timetable": ([(COURSE, None, KIT)], [
        "course/course.yaml:18: warning: module `m-communication` is in no session of the kit's timetable, so the "
        "slides leave it out (list it in the `modules` of a session in `kit: timetable`)",
        "course/course.yaml:21: warning: module `m-support` is in no session of the kit's timetable, so the "
        "slides leave it out (list it in the `modules` of a session in `kit: timetable`)",
        "course/course.yaml:29: warning: the kit's evaluation sheet will be blank: no page has `ratings` or "
        "`comments` (add a reflection page with the evaluation's `ratings` and `comments` (see docs/authoring.md))",
        "course/course.yaml:30: unknown page `glossary` (use a page id)",
        "course/course.yaml:33: session `Welcome` ends at 09:30, not after it starts at 09:30 (correct the times)",
        "course/course.yaml:40: unknown module `m-communicaton` (did you mean `m-communication`?)",
        "course/course.yaml:41: session `Support` starts at 10:30, before the previous session ends at 11:00 "
        "(list sessions in order without overlaps)",
        "course/course.yaml:45: unknown module `zz-top` (use a module id from `modules`)"]),
    # pages
    "second-assessment-page": ([("course/pages/retake.md", None, page("retake", "assessment", "bank: final\n")),
                                listed("retake")], [
        "course/pages/retake.md:4: a second assessment page (the first is `final-check`) "
        "(keep one assessment page; use knowledge-check pages for practice)"]),
    "second-self-assessment-for-a-phase": ([("course/pages/sa1.md", None, page("sa1", "self-assessment", "phase: before\n")),
                                            ("course/pages/sa2.md", None, page("sa2", "self-assessment", "phase: before\n")),
                                            listed("sa1", "sa2")], [
        "course/pages/sa2.md:4: a second self-assessment page like `sa1` (keep one (one per phase for self-assessment))"]),
    "second-learning-record": ([("course/pages/lr1.md", None, page("lr1", "learning-record")),
                                ("course/pages/lr2.md", None, page("lr2", "learning-record")), listed("lr1", "lr2")], [
        "course/pages/lr2.md:4: a second learning-record page like `lr1` (keep one (one per phase for self-assessment))"]),
    "self-assessment-without-framework": ([*NO_FRAMEWORK, listed("sa1"),
                                           ("course/pages/sa1.md", None, page("sa1", "self-assessment", "phase: before\n"))], [
        "course/pages/sa1.md:4: a self-assessment page needs a competency framework (create course/competencies.yaml)"]),
    "assessment-without-pass-mark": ([(COURSE, "pass_mark: 80\n", "")], [
        "course/course.yaml:1: the course has an assessment but no `pass_mark` "
        "(add `pass_mark: 80` (a percentage) to course/course.yaml)"]),
    "completion-needs-a-missing-assessment": (NO_ASSESSMENT, [f"course/course.yaml:26: {COMPLETION}", UNUSED_FINAL]),
    "default-completion-needs-a-missing-assessment": (
        [*NO_ASSESSMENT, (COURSE, "completion:\n  pages: all\n  assessment: passed\n", "")],
        [f"course/course.yaml:1: {COMPLETION}", UNUSED_FINAL]),
    "quiz-page-without-bank": ([(CHECK, "bank: kc-cues\n", "")], [
        "course/pages/check-cues.md:4: a knowledge-check page needs a `bank` "
        "(add `bank: <id of a knowledge-check bank in quizzes/>`)",
        "quizzes/kc-cues.yaml:1: warning: bank `kc-cues` is not used by any page "
        "(name it in a page's `bank`, or delete the file)"]),
    "bank-on-content-page": ([(WELCOME, "outcomes: [LO1]\n", "outcomes: [LO1]\nbank: kc-cues\n")], [
        "course/pages/welcome.md:7: `bank` is only used on knowledge-check and assessment pages "
        "(remove it, or change `kind`)"]),
    "self-assessment-without-phase": ([("course/pages/sa1.md", None, page("sa1", "self-assessment")), listed("sa1")], [
        "course/pages/sa1.md:4: a self-assessment page needs a `phase` "
        "(add `phase: before` (start of the course) or `phase: after` (end))"]),
    "phase-on-content-page": ([(WELCOME, "outcomes: [LO1]\n", "outcomes: [LO1]\nphase: after\n")], [
        "course/pages/welcome.md:7: `phase` is only used on self-assessment pages (remove it)"]),
    "case-study-without-stages": ([(WELCOME, "kind: content", "kind: case-study")], [
        "course/pages/welcome.md:4: a case-study page needs `stages` "
        "(add at least one stage with `id`, `title` and `content`)"]),
    "ratings-on-content-page": ([(WELCOME, "outcomes: [LO1]\n", "outcomes: [LO1]\nratings:\n  - {id: r1, statement: Useful}\n")], [
        "course/pages/welcome.md:7: `ratings` is only used on reflection pages (remove it, or set `kind: reflection`)"]),
    "comments-on-content-page": ([(WELCOME, "outcomes: [LO1]\n", "outcomes: [LO1]\ncomments:\n  - {id: c1, prompt: Why?}\n")], [
        "course/pages/welcome.md:7: `comments` is only used on reflection pages (remove it, or set `kind: reflection`)"]),
    "analysis-on-content-page": ([(WELCOME, "outcomes: [LO1]\n", "outcomes: [LO1]\nanalysis: Why.\n")], [
        "course/pages/welcome.md:7: `analysis` is only used on case-study pages (remove it, or set `kind: case-study`)"]),
    # banks and questions
    "draw-and-attempts-in-knowledge-check-bank": ([(KC, "kind: knowledge-check\n", "kind: knowledge-check\ndraw: 1\nattempts: 2\n")], [
        "quizzes/kc-cues.yaml:4: `draw` is only used in assessment banks (remove it, or set `kind: assessment`)",
        "quizzes/kc-cues.yaml:5: `attempts` is only used in assessment banks (remove it, or set `kind: assessment`)"]),
    "unused-bank-warns": ([("quizzes/spare.yaml", None, SPARE_BANK)], [
        "quizzes/spare.yaml:1: warning: bank `spare` is not used by any page (name it in a page's `bank`, or delete the file)"]),
    "more-than-eight-options": ([(KC, "    outcomes: [LO1]\n", "".join(f"      - {{text: Extra {i}, feedback: No.}}\n"
                                                                       for i in range(7)) + "    outcomes: [LO1]\n")], [
        "quizzes/kc-cues.yaml:7: question `kc-cue-look-away` has 9 options (give it 2 to 8 options)"]),
    # competencies
    "competency-without-framework": ([(FRAMEWORK, None, DELETE)], [
        f"{where}: competency unit `1.01` is used, but the course has no competency framework "
        "(create course/competencies.yaml)" for where in ("course/pages/baby-cues.md:7", "quizzes/final.yaml:21",
                                                           "quizzes/kc-cues.yaml:14")]),
    "framework-unit-codes": ([(FRAMEWORK, None, '      - code: "1.01"\n        title: Again\n        levels: {1: Notices., 2: Helps., 3: Leads.}\n'
                                                '      - code: "2.01"\n        title: Elsewhere\n        levels: {1: Notices., 2: Helps., 3: Leads.}\n')], [
        "course/competencies.yaml:13: duplicate unit code `1.01` (give each unit its own code)",
        "course/competencies.yaml:16: unit `2.01` is listed under domain 1 (move it, or start its code with `1.`)"]),
    # links and media
    "file-url": ([(CUES, "../media/cues.svg", "file:///home/me/cues.svg")], [
        "course/pages/baby-cues.md:11: `file:///home/me/cues.svg` points at a file on this computer "
        "(copy the file into course/ and use a relative path)"]),
    "windows-drive-path": ([(CUES, "../media/cues.svg", "C:/Users/me/cues.svg")], [
        "course/pages/baby-cues.md:11: `C:/Users/me/cues.svg` points at a file on this computer "
        "(copy the file into course/ and use a relative path)"]),
    "link-with-another-scheme": ([(CUES, "Babies also use sounds.", "Babies also use [sounds](ftp://example.org/sounds).")], [
        "course/pages/baby-cues.md:22: `ftp://example.org/sounds` loads a file from outside the package, which fails "
        "offline (copy the file into course/media/ and use a relative path)"]),
    "link-to-markdown-that-is-not-a-page": ([("course/notes.md", None, "# Notes\n"),
                                             (CUES, "Babies also use sounds.", "Babies also use [sounds](../notes.md).")], [
        "course/pages/baby-cues.md:22: `../notes.md` is not a page (link to a page in course/pages/)"]),
    # a stem is shown as one line, whatever lines it is written on: what it links is checked as shown
    "script-in-multi-line-stem": ([("course/media/x.js", None, "alert(1)\n"), (KC, "    stem: A baby looks away",
                                   "    stem: |\n      [Read this](../course/media/x.js).\n      A baby looks away")], [
        "quizzes/kc-cues.yaml:7: `../course/media/x.js` is a script: a package runs only coursebuild's own scripts "
        "(remove the link; to offer the file for download, put it in a zip)",
        "quizzes/kc-cues.yaml:7: warning: question `kc-cue-look-away` uses `../course/media/x.js`, which `export "
        "--format gift` refuses: a GIFT file is text only and cannot carry files (export with --format moodle-xml, "
        "which carries the files, or remove the file from the question)"]),
    "unsupported-media-type": ([("course/media/leaflet.pdf", None, "%PDF-1.4\n"), (CUES, "../media/cues.svg", "../media/leaflet.pdf")], [
        "course/pages/baby-cues.md:11: `../media/leaflet.pdf` is not a supported image, video or audio file "
        "(use PNG, JPEG or SVG images, MP4 or WebM video, MP3 audio)"]),
    # loading: files, front matter, YAML and the fields' types and values
    "front-matter-never-closed": ([(WELCOME, "---\nThis course", "This course")], [
        "course/pages/welcome.md:1: the front matter is never closed (add a line `---` after the front matter)"]),
    "file-is-not-a-block-of-fields": ([(COURSE, None, DELETE), (COURSE, None, "- a list\n")], [
        "course/course.yaml:1: expected a block of `key: value` fields "
        "(see docs/authoring.md for the fields this file takes)"]),
    "control-character": ([(KC, "title: Baby cues", "title: Baby \x07cues")], [
        "quizzes/kc-cues.yaml:2: control character U+0007 in the text (delete it; it is often pasted in invisibly "
        "from a word processor or PDF)"]),
    "empty-text": ([(COURSE, "title: Mini fixture course", 'title: ""')], [
        "course/course.yaml:3: `title` is empty (write some text, or remove the field if it is optional)"]),
    "too-few-items": ([(COURSE, "audience:\n  - Family support workers\n  - Health visitors\n", "audience: []\n")], [
        "course/course.yaml:6: `audience` needs at least 1 item (add the missing items)"]),
    "number-too-large": ([(COURSE, "pass_mark: 80", "pass_mark: 150")], [
        "course/course.yaml:24: `pass_mark` is 150, but must be at most 100 (use a number at most 100)"]),
    "number-too-small": ([(CUES, "minutes: 10", "minutes: -1")], [
        "course/pages/baby-cues.md:5: `minutes` is -1, but must be at least 0 (use a number at least 0)"]),
    "not-a-finite-number": ([(CUES, "minutes: 10", "minutes: .inf")], [
        "course/pages/baby-cues.md:5: `minutes` is `inf`, not a finite number: YAML reads `.nan`, `.inf` and a number "
        "too large to hold as not-a-number or infinity (write an ordinary number)"]),
    "unknown-field-in-a-nested-block": ([(KC, "        correct: true\n", "        corect: true\n")], [
        "quizzes/kc-cues.yaml:9: unknown field `corect` (did you mean `correct`?)"]),
    "list-item-of-the-wrong-type": ([(COURSE, "  - Health visitors\n", "  - {a: 1}\n")], [
        "course/course.yaml:8: `audience[2]` should be text, not a block of fields (put it in quotes)"]),
    "not-true-or-false": ([(KC, "        correct: true\n", "        correct: maybe\n")], [
        "quizzes/kc-cues.yaml:9: `correct` should be true or false, not text `maybe` (write true or false)"]),
}


def apply(project: Path, edits: list[Edit]) -> None:
    for name, old, new in edits:
        path = project / name
        if new == DELETE:
            path.unlink()
        elif old is None:
            path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + new, encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
            assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
            path.write_text(text.replace(old, new), encoding="utf-8")


def reported(project: Path) -> list[str]:
    """`check --strict`: exit 1, no traceback, the problem lines without the closing summary."""
    result = run("check", project, "--strict")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    *lines, summary = result.stderr.splitlines()
    assert summary.startswith("course invalid: ")
    return lines


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_validation_path_is_reported_exactly(project: Path, name: str) -> None:
    edits, expected = CASES[name]
    apply(project, edits)
    assert reported(project) == expected


def test_anchor_links_and_web_links_are_fine(project: Path) -> None:
    apply(project, [(CUES, "Babies also use sounds.", "Babies also use [sounds](#top) and [more](https://example.org/s).")])
    result = run("check", project, "--strict")
    assert result.exit_code == 0, result.output


def test_an_explicit_yaml_tag_is_honoured(project: Path) -> None:
    apply(project, [(KC, "title: Baby cues", "title: 12")])
    assert reported(project) == ["quizzes/kc-cues.yaml:2: `title` should be text, not a number `12` (put it in quotes)"]
    apply(project, [(KC, "title: 12", "title: !!str 12")])
    assert run("check", project, "--strict").exit_code == 0


def test_a_project_without_a_quizzes_folder_reports_the_banks_its_pages_name(project: Path) -> None:
    for bank in (project / "quizzes").iterdir():
        bank.unlink()
    (project / "quizzes").rmdir()
    lines = reported(project)
    assert "course/pages/check-cues.md:7: unknown bank `kc-cues` (use the `id` of a bank file in quizzes/)" in lines
    assert "course/pages/final-check.md:7: unknown bank `final` (use the `id` of a bank file in quizzes/)" in lines
