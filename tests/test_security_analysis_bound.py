"""Issue 18, tenth verification, Z1's narrower form, and Z6.

`active_content.crowded_tag` counts a tag's attributes before libxml2 or tinyhtml5 read it, because both take time
growing faster than their square. A stray quote before a crowded tag (in a comment, `<title>` or `<script>`) and a
quoted value holding a tag inside it hide the tag from both of its counts, and `check` hung again. Each parse of
markup a project wrote, and the analysis after it, now runs in a child bounded by processor time
(`media_time.analysed`), lowered to 1 s here: what the quick count misses costs at most that, and is one line at the
file that wrote it. Z6: a crowded tag in `templates/kit/base.html` was reported at `course/course.yaml:1`.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from test_security import KIT_SHEET, fails_with, kit_sheet

from builder import media_time
from builder.active_content import MAX_TAG_ATTRIBUTES, crowded_tag

from conftest import FIXTURES, REPO, run

#: Text before the crowded tag holding a quote that the parsers read as text (18-verify10 Z1's three prefixes).
PREFIXES = ('<!-- <x a=" -->', '<title><x a="</title>', "<script>var s = \"<x a='\";</script>")
#: Text after the crowded tag closing either quote, as the parsers read it: in a comment.
AFTER = "<!-- \" ' -->"
#: What a file whose analysis passed its bound is refused with, the bound lowered to 1 s.
OVERRAN = "took more than 1 s of processor time"
#: Attributes of the crowded tag: enough for several seconds of each parser at the least (libxml2's HTML parser took
#: 1.8 s for 25,000; tinyhtml5 2.1 to 2.9 s for 8,000), so that the code before the bound took that long and passed.
HTML_ATTRIBUTES = 30_000
KIT_ATTRIBUTES = 8_000


def crowded(name: str, count: int) -> str:
    """A start tag `name` whose first value holds a tag (`t="<b>"`), then `count` bare attributes: Z1's narrower
    form, which neither of `crowded_tag`'s counts reads as one tag after a stray quote."""
    return f'<{name} t="<b>" ' + " ".join(f"b{i}" for i in range(count)) + ">"


def kit_crowded(count: int) -> str:
    """Template text writing an `<svg>` whose `<g>` is `crowded`, as a loop (read by tinyhtml5 in
    `kit._figure_problem`, and by libxml2 in `kit.forced_breaks`)."""
    return ('<svg width=10 height=10><g t="<b>"{% for i in range(' + str(count) + ') %} b{{ i }}{% endfor %}>'
            "</g></svg>")


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the record fixture, with each file's analysis bounded to 1 s."""
    monkeypatch.setattr(media_time, "MAX_FILE_SECONDS", 1)
    shutil.copytree(FIXTURES / "record", tmp_path / "record")
    return tmp_path / "record"


@pytest.mark.parametrize("before", PREFIXES)
def test_a_linked_html_file_the_quick_count_misses_is_bounded(record: Path, before: str) -> None:
    """Z1(a), the narrower form: the linked file is analysed in a child stopped at its bound, and refused with one
    line at the file; the course's other problems are still reported."""
    html = f"<!doctype html><title>x</title>{before}{crowded('div', HTML_ATTRIBUTES)}x</div>{AFTER}"
    assert crowded_tag(html) is None, "the quick count reads this tag as it is meant to be read"
    (record / "course/media/a.html").write_text(html, encoding="utf-8")
    page = record / "course/pages/baby-cues.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[More about cues](../media/a.html)\n"
                    "[Gone](../media/gone.pdf)\n", encoding="utf-8")
    start = time.process_time()
    lines = fails_with(record, f"course/media/a.html:1: analysing this file {OVERRAN} ({media_time.OVERRAN_FIX})",
                       command="check")
    assert any("gone.pdf" in line for line in lines), lines
    assert time.process_time() - start < 5, "the parse was not stopped"


@pytest.mark.parametrize("before", PREFIXES)
def test_a_kit_template_the_quick_count_misses_is_bounded(record: Path, before: str) -> None:
    """Z1(b), the narrower form: the kit document is parsed in a child stopped at its bound; one line at the
    template that wrote it."""
    kit_sheet(record, before + kit_crowded(KIT_ATTRIBUTES) + AFTER)
    lines = fails_with(record, f"{KIT_SHEET}:1: analysing the kit's attendance-sheet, as this file renders it, "
                       f"{OVERRAN} ({media_time.OVERRAN_FIX})", command="check")
    assert len(lines) == 2, lines  # and the count of errors


def base_template(record: Path, text: str) -> int:
    """Give the project a `templates/kit/base.html` (the built-in one) with a line of `text` at the start of its
    body; the number of that line."""
    base = (REPO / "builder/templates/kit/base.html").read_text(encoding="utf-8").splitlines()
    at = base.index("<main>") + 1
    (record / "templates/kit").mkdir(parents=True, exist_ok=True)
    (record / "templates/kit/base.html").write_text("\n".join([*base[:at], text, *base[at:]]) + "\n",
                                                    encoding="utf-8")
    return at + 1


@pytest.mark.parametrize("before", PREFIXES)
def test_the_kit_base_template_the_quick_count_misses_is_bounded(
        record: Path, monkeypatch: pytest.MonkeyPatch, before: str) -> None:
    """Z1(b) in `templates/kit/base.html`, which every kit document extends: each document's child takes its time
    off the project's media time (lowered to 1.5 s), so the first two are stopped at their bound (1 s; the second's
    capped at the 0.5 s left, but a whole second at least) and the others are refused with one line for the
    project."""
    monkeypatch.setattr(media_time, "PROJECT_MEDIA_SECONDS", 1.5)
    base_template(record, before + kit_crowded(KIT_ATTRIBUTES) + AFTER)
    start = time.process_time()
    result = run("check", record)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert [line for line in lines if OVERRAN in line] == [
        f"templates/kit/base.html:1: analysing the kit's {document}, as this file renders it, {OVERRAN} "
        f"({media_time.OVERRAN_FIX})" for document in ("facilitator-guide", "handouts")], lines
    assert any(line.startswith(f"templates/kit/base.html:1: {media_time.OVER_TIME}") for line in lines), lines
    assert time.process_time() - start < 5, "the parses were not stopped"


def test_a_child_s_time_is_taken_off_the_project_s_and_bounded_by_what_is_left(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-file bound (10 s) is capped at what is left of the project's media time (0.9 s, so 1 s: whole
    seconds), and the child's processor time is taken off it."""
    monkeypatch.setattr(media_time, "PROJECT_MEDIA_SECONDS", 0.9)
    media_time.new_project()

    def spin() -> bytes:
        while True:
            pass

    with pytest.raises(media_time.Overran, match=f"^{OVERRAN}$"):
        media_time.analysed(spin, "a loop")
    assert media_time.refusal() is not None
    media_time.new_project()


def test_a_crowded_tag_in_the_kit_base_template_is_reported_where_it_is_written(record: Path) -> None:
    """Z6: Y1(b) in `templates/kit/base.html` was reported at `course/course.yaml:1` for each document; it is
    reported at the base template's line that writes the tag."""
    written = base_template(record, "<svg width=10 height=10><g{% for i in range(" + str(MAX_TAG_ATTRIBUTES + 1) +
                         ") %} a{{ i }}=1{% endfor %}></g></svg>")
    result = run("check", record)
    assert result.exit_code == 1, result.output
    crowded_lines = [line for line in result.stderr.splitlines() if "attributes (on line" in line]
    assert len(crowded_lines) == 7, result.stderr
    assert all(line.startswith(f"templates/kit/base.html:{written}: ") for line in crowded_lines), crowded_lines


def test_a_project_without_markup_files_or_templates_forks_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This course has no linked HTML, XML or SVG file and no template of its own: `check` and `build` analyse
    nothing in a child (`media_time.analysed` is never called), and pay nothing for the bound."""
    for folder in ("course", "quizzes", "templates"):
        shutil.copytree(REPO / folder, tmp_path / "course-copy" / folder)

    def forked(*_: object) -> bytes:
        raise AssertionError("a child was started to analyse a file")

    monkeypatch.setattr(media_time, "analysed", forked)
    assert run("check", tmp_path / "course-copy").exit_code == 0
    assert run("build", tmp_path / "course-copy", "--out", tmp_path / "out").exit_code == 0
