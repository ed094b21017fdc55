"""A preview rebuild keeps the checks of files that did not change, and still reports exactly what `check` reports.

Each file's Markdown checks and the item-writing warnings are kept for the next build by the objects
the file was loaded as (`cache.Same`); what a text links to is checked again in every build, so a
linked file that appears, vanishes or changes is seen even though the text that links it is unchanged.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from builder import kit, markup, media, rendering, validation
from builder.build import check
from builder.cache import Same
from builder.model import Bank, Page
from builder.preview import Preview

from conftest import FIXTURES, REPO, edit


def fresh_check(project: Path) -> list[str]:
    """The problem lines `coursebuild check` prints, run in a new process (nothing kept from earlier builds)."""
    result = subprocess.run([sys.executable, "-m", "builder", "check", str(project)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    return (result.stdout + result.stderr).splitlines()


def test_same_matches_only_the_very_object() -> None:
    first, twin = ["a"], ["a"]
    assert Same(first) == Same(first) and hash(Same(first)) == hash(Same(first))
    assert Same(first) != Same(twin), "an equal object loaded afresh is not taken for the kept one"
    assert Same(first) != first


def test_a_kept_text_check_sees_its_linked_file_vanish_and_come_back(project: Path) -> None:
    preview = Preview(project)
    preview.rebuild()
    assert not preview.problems
    figure = project / "course/media/cues.svg"
    saved = figure.read_bytes()
    edit(project / "course/pages/welcome.md", "This course takes", "This short course takes")
    figure.unlink()
    preview.rebuild()  # baby-cues.md, which links the figure, did not change: its texts' checks are kept
    assert preview.problems == fresh_check(project)
    assert any(line.startswith("course/pages/baby-cues.md:11: `../media/cues.svg` not found")
               for line in preview.problems)

    figure.mkdir()
    preview.rebuild()
    assert preview.problems == fresh_check(project)
    assert any("`../media/cues.svg` is a folder" in line for line in preview.problems)

    figure.rmdir()
    figure.write_bytes(saved)
    preview.rebuild()
    assert not preview.problems, "recovers when the file is back"


def test_a_kept_link_to_a_page_sees_the_page_go(project: Path) -> None:
    edit(project / "course/pages/welcome.md", "This course takes", "See [the cues](baby-cues.md). This course takes")
    preview = Preview(project)
    preview.rebuild()
    assert not preview.problems
    (project / "course/pages/baby-cues.md").rename(project / "course/pages/baby-cues.txt")
    preview.rebuild()
    assert preview.problems == fresh_check(project)
    assert any(line.startswith("course/pages/welcome.md:") and "`baby-cues.md` not found" in line
               for line in preview.problems)


def test_only_the_changed_files_texts_are_checked_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    check_text = validation._check_text

    def counting(item: validation.MarkdownText, budgets: dict[str, markup.Budget]) -> validation._CheckedText:
        checked.append(item.source.path)
        return check_text(item, budgets)

    monkeypatch.setattr(validation, "_check_text", counting)
    check(project)  # files loaded as in an earlier build of this process may be kept from it already
    checked.clear()
    edit(project / "course/pages/welcome.md", "This course takes", "This short course takes")
    check(project)
    assert set(checked) == {"course/pages/welcome.md"}
    checked.clear()
    check(project)
    assert checked == []


def test_kept_problems_of_unchanged_files_are_still_reported(project: Path) -> None:
    edit(project / "course/pages/baby-cues.md", "![A baby", '<b onclick="steal()">Look</b> ![A baby')
    first = check(project).warnings
    assert any("unsafe HTML removed" in p.message and p.path == "course/pages/baby-cues.md" for p in first)
    edit(project / "course/pages/welcome.md", "This course takes", "This short course takes")
    assert check(project).warnings == first


def test_question_rules_run_again_only_when_a_question_file_changes(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []
    for name in ("check_items", "_check_questions", "_check_gift_files"):
        rule = getattr(validation, name)
        def counted(course: Any, rule: Any = rule, name: str = name) -> Any:
            runs.append(name)
            return rule(course)

        monkeypatch.setattr(validation, name, counted)
    first = check(project).warnings
    runs.clear()  # (the first check's may be kept from an earlier build of the same files in this process)
    edit(project / "course/pages/welcome.md", "This course takes", "This short course takes")
    assert check(project).warnings == first and runs == [], "a page without questions changed"
    case = project / "course/pages/case-amira.md"
    case.write_text(case.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    check(project)
    assert sorted(runs) == ["_check_gift_files", "_check_questions", "check_items"], "a case study changed"
    runs.clear()
    edit(project / "quizzes/final.yaml", "draw: 2", "draw: 1")
    check(project)
    assert len(runs) == 3, "a bank changed"


def test_a_page_showing_a_file_is_made_again_when_the_file_changes(project: Path) -> None:
    preview = Preview(project)
    preview.rebuild()
    figure = project / "course/media/cues.svg"
    before = preview.files["pages/baby-cues.html"]
    figure.write_text(figure.read_text(encoding="utf-8").replace('r="30"', 'r="31"'), encoding="utf-8")
    preview.rebuild()  # baby-cues.md did not change, but the figure it shows did (named by its content)
    after = preview.files["pages/baby-cues.html"]
    assert not preview.problems and after != before
    assert after == built_fresh(project)["pages/baby-cues.html"]
    media = [name for name in preview.files if name.startswith("media/")]
    assert len(media) == 1 and media[0].encode() in after


def test_only_the_changed_page_is_rendered_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    render = rendering._Renderer._page

    def counting(renderer: rendering._Renderer, index: int, nav: rendering.NavPage, page: Page,
                 bank: Bank | None) -> str:
        rendered.append(nav.id)
        return render(renderer, index, nav, page, bank)

    monkeypatch.setattr(rendering._Renderer, "_page", counting)
    preview = Preview(project)
    preview.rebuild()
    rendered.clear()
    edit(project / "course/pages/welcome.md", "This course takes", "This short course takes")
    preview.rebuild()
    assert rendered == ["welcome", "baby-cues"], "the page edited, and the one showing a file"
    rendered.clear()
    edit(project / "course/course.yaml", "pages: [case-amira, final-check]", "pages: [final-check, case-amira]")
    preview.rebuild()
    assert sorted(rendered) == ["baby-cues", "case-amira", "check-cues", "final-check", "welcome"], \
        "every page shows the order of the pages"
    assert {name: media.whole(data) for name, data in preview.files.items()} == built_fresh(project)


def test_only_the_changed_page_is_measured_again_for_the_kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kit's bound on a page's nesting (`kit.page_depth_problems`) is kept by the page's HTML."""
    measured: list[str] = []

    def counting(html: str) -> int:
        measured.append(html)
        return markup.html_depth(html)

    monkeypatch.setattr(kit, "html_depth", counting)
    project = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", project)
    cues = project / "course/pages/baby-cues.md"
    # a page no earlier test built, so its depth is not kept from an earlier build in this process
    cues.write_text(cues.read_text(encoding="utf-8") + f"\n\n{tmp_path.name}\n", encoding="utf-8")
    preview = Preview(project)
    preview.rebuild()
    assert not preview.problems and any("Babies tell us" in text for text in measured)
    measured.clear()
    cues.write_text(cues.read_text(encoding="utf-8") + "\n\n" + "<div>" * 150 + "x" + "</div>" * 150 + "\n",
                    encoding="utf-8")
    preview.rebuild()
    assert "<div>" * 150 in measured[0], "the edited page, then where in it its HTML nests too deeply"
    assert all("Babies tell us" in text for text in measured), "no other page"
    assert preview.problems == fresh_check(project) and "150 levels deep" in preview.problems[0]
    measured.clear()
    edit(cues, "<div>" * 150 + "x" + "</div>" * 150, "x")
    preview.rebuild()
    assert not preview.problems and len(measured) == 1


def built_fresh(project: Path) -> dict[str, bytes]:
    """The SCORM 1.2 package's files as a new process builds them (nothing kept from earlier builds)."""
    script = ("import sys; from pathlib import Path; from builder.build import check, plan; from builder import media\n"
              "course = check(Path(sys.argv[1]), targets=('scorm12',)).course\n"
              "(output,) = plan(course, ('scorm12',), Path('dist'))\n"
              "sys.stdout.write(repr({name: media.whole(data) for name, data in output.files.items()}))")
    result = subprocess.run([sys.executable, "-c", script, str(project)], cwd=REPO, capture_output=True,
                            text=True, timeout=120, check=True)
    files: dict[str, bytes] = ast.literal_eval(result.stdout)
    return files
