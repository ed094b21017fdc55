"""`coursebuild report`: numbers checked against the fixture course, JSON against its documented shape."""

from __future__ import annotations

import json
from pathlib import Path

from builder.report import Report

from conftest import FIXTURES, REPO, run

DOCUMENTED_KEYS = {
    "course": {"id", "title", "version"},
    "outcomes": {"id", "text", "pages", "practice", "questions"},
    "competencies": {"code", "domain", "title", "levels", "pages", "practice", "questions"},
    "pages": {"id", "title", "kind", "module", "words", "minutes"},
    "questions": {"id", "bank", "outcomes", "competencies"},
    "case_studies": {"id", "title", "stages"},
}


def report_json(project: Path) -> dict:
    result = run("report", project, "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_the_documented_shape() -> None:
    data = report_json(FIXTURES / "mini")
    Report.model_validate(data)  # every field typed, no field undocumented
    assert set(data) == {*DOCUMENTED_KEYS, "levels", "totals", "warnings"}
    for key, fields in DOCUMENTED_KEYS.items():
        items = data[key] if isinstance(data[key], list) else [data[key]]
        assert items and all(set(item) == fields for item in items), key


def test_numbers_for_the_fixture_course() -> None:
    data = report_json(FIXTURES / "mini")
    outcomes = {o["id"]: o for o in data["outcomes"]}
    assert outcomes["LO1"]["pages"] == ["welcome", "baby-cues", "check-cues"]
    assert outcomes["LO1"]["practice"] == ["kc-cue-look-away"] and outcomes["LO1"]["questions"] == ["fa-cues"]
    assert outcomes["LO2"]["pages"] == ["case-amira"] and outcomes["LO2"]["questions"] == ["fa-support"]
    (unit,) = data["competencies"]
    assert (unit["code"], unit["pages"], unit["practice"], unit["questions"]) == (
        "1.01", ["baby-cues"], ["kc-cue-look-away"], ["fa-cues"])
    assert unit["domain"] == "1. Relationship-based practice" and set(unit["levels"]) == {"1", "2", "3"}
    totals = data["totals"]
    assert totals == {"pages": 5, "words": totals["words"], "minutes": 45, "questions": {"final": 2, "kc-cues": 1},
                      "case_studies": 1, "stages": 2, "units_included": 1, "units_not_included": 0}
    assert data["case_studies"] == [{"id": "case-amira", "title": "Case study: Amira", "stages": ["pregnancy", "six-weeks"]}]
    assert data["warnings"] == ["outcome LO1 is assessed by 1 question (fewer than 3)",
                                "outcome LO2 is assessed by 1 question (fewer than 3)"]


def test_words_units_and_warnings_follow_the_content(project: Path) -> None:
    before = report_json(project)
    (project / "course/pages/extra.md").write_text("---\nid: extra\ntitle: Extra\nminutes: 4\n---\n"
                                                   "One two *three* four, five.\n")
    text = (project / "course/course.yaml").read_text().replace("[case-amira, final-check]",
                                                                  "[case-amira, extra, final-check]")
    (project / "course/course.yaml").write_text(text)
    with (project / "course/competencies.yaml").open("a") as handle:
        handle.write('      - code: "1.02"\n        title: Unused unit\n        levels: {1: a, 2: b, 3: c}\n')
    bank = project / "quizzes/final.yaml"
    bank.write_text(bank.read_text().replace("    outcomes: [LO2]\n", '    outcomes: [LO2]\n    competencies: ["1.02"]\n'))
    after = report_json(project)
    assert after["totals"]["words"] == before["totals"]["words"] + 5
    assert after["totals"]["minutes"] == before["totals"]["minutes"] + 4
    assert after["totals"]["units_included"] == 2
    assert "unit 1.02 is assessed but never taught" in after["warnings"]


def test_markdown_and_html_reports_are_written_to_dist(project: Path) -> None:
    for format_ in ("md", "html"):
        result = run("report", project, "--format", format_)
        path = project / f"dist/mini-course-1.0-coverage.{format_}"
        assert result.exit_code == 0 and result.stdout.strip() == f"wrote {path}"
    markdown = (project / "dist/mini-course-1.0-coverage.md").read_text()
    assert "| **LO1** Describe how babies communicate before they can talk. | 3: welcome, baby-cues, check-cues |" in markdown
    html = (project / "dist/mini-course-1.0-coverage.html").read_text()
    assert '<html lang="en-GB" dir="ltr">' in html and "<h2>Learning outcomes</h2>" in html
    assert "Not included in training" in html


def test_the_course_report_covers_every_outcome() -> None:
    data = report_json(REPO)
    assert len(data["competencies"]) == 63
    assert all(o["pages"] and len(o["questions"]) >= 3 for o in data["outcomes"])


def test_markdown_report_shows_course_texts_as_text(project: Path) -> None:
    """HTML, links, `|` and line breaks in the course's texts are escaped in the Markdown report: pasted into a
    wiki or opened in a previewer, it shows them as written and keeps its tables (the HTML report escapes too)."""
    hostile = "<img alt=a src=x.svg onerror=alert(1)><script>alert(2)</script> [x](javascript:alert(3)) | A & B"
    units = project / "course/competencies.yaml"
    units.write_text(units.read_text().replace("title: Observing and responding to infant cues",
                                               f'title: "{hostile}"'))
    course = project / "course/course.yaml"
    course.write_text(course.read_text().replace("text: Describe how babies communicate before they can talk.",
                                                 f'text: "{hostile}\\nsecond line"'))
    result = run("report", project, "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.output
    escaped = (r"&lt;img alt=a src=x.svg onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt; "
               r"\[x\](javascript:alert(3)) \| A &amp; B")
    assert f"| 1.01 {escaped} | 1 | 1 | 1 |" in result.stdout
    assert f"| **LO1** {escaped} second line | 3: welcome, baby-cues, check-cues |" in result.stdout
    assert "<" not in result.stdout and ">" not in result.stdout


def test_a_markdown_report_leaves_the_pages_of_a_later_build_escaped(project: Path, tmp_path: Path) -> None:
    """The Markdown report is not HTML-escaped; a build after it in the same process (`check` renders both, a
    preview or a test run builds many) must still escape its pages: a report once switched escaping off for
    the templates compiled after it, so titles went out raw and macros' HTML came out as text."""
    assert run("report", project, "--format", "md", "-o", tmp_path / "report.md").exit_code == 0
    assert run("build", project, "--target", "web", "--out", tmp_path / "out").exit_code == 0
    welcome = (tmp_path / "out" / "mini-course-1.0-web" / "pages" / "welcome.html").read_text(encoding="utf-8")
    assert "Reading a baby&#39;s cues</a>" in welcome
    final = (tmp_path / "out" / "mini-course-1.0-web" / "pages" / "final-check.html").read_text(encoding="utf-8")
    assert '<form class="question"' in final and "&lt;form" not in final
