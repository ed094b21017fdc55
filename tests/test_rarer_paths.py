"""Paths a normal build does not take: `python -m builder`, images in exported questions, template
mistakes in a project's own templates, failed writes, preview's serve loop, and courses with no
assessment."""

from __future__ import annotations

import base64
import runpy
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from builder import __version__, packaging, preview
from builder.errors import EnvironmentProblem
from builder.markup import convert
from builder.media import archive_name, packaged_bytes

from conftest import edit, run

KC = "quizzes/kc-cues.yaml"


def test_python_dash_m_builder_is_the_command(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["coursebuild", "--version"])
    with pytest.raises(SystemExit) as stopped:
        runpy.run_module("builder", run_name="__main__")
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"coursebuild, version {__version__}\n"


def test_an_image_in_a_question_travels_inside_the_moodle_xml(project: Path, tmp_path: Path) -> None:
    edit(project / KC, "stem: A baby looks away during play. What might this mean?",
         "stem: 'A baby looks away during play. ![A baby looking away](../course/media/cues.svg) What might this mean?'")
    out = tmp_path / "questions.xml"
    result = run("export", project, "--format", "moodle-xml", "--bank", "kc-cues", "-o", out)
    assert result.exit_code == 0, result.output
    question = etree.parse(str(out)).find("question[@type='multichoice']")
    text = question.find("questiontext")
    data = packaged_bytes(project, "course/media/cues.svg")  # written again from its tree (18-verify20 C1)
    name = archive_name("course/media/cues.svg", data)  # named by its content (issue 17)
    assert f'<img alt="A baby looking away" src="@@PLUGINFILE@@/{name}">' in text.findtext("text")
    file = text.find("file")
    assert (file.get("name"), file.get("path"), file.get("encoding")) == (name, "/", "base64")
    assert base64.b64decode(file.text) == data


def test_markdown_with_nothing_to_show_converts_to_nothing() -> None:
    assert convert("[a link definition]: https://example.org/\n").html == ""


def test_html_comments_in_a_page_are_not_problems(project: Path) -> None:
    edit(project / "course/pages/welcome.md", "/// key-point", "<!-- a note for other authors -->\n\n/// key-point")
    assert run("check", project, "--strict").exit_code == 0


def test_a_template_mistake_in_the_project_names_the_template(project: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates/start.html").write_text("{{ nope.attr }}\n")
    result = run("build", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines() == ["templates/start.html:1: template error: 'nope' is undefined "
                                          "(fix the template, or delete your copy to use the built-in one)"]
    assert not (project / "dist").exists()


def test_static_files_in_the_projects_own_subfolders_are_packaged(project: Path, tmp_path: Path) -> None:
    (project / "templates/static/img").mkdir(parents=True)
    (project / "templates/static/img/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    assert run("build", project, "--out", tmp_path, "--target", "scorm12").exit_code == 0
    with zipfile.ZipFile(next(tmp_path.glob("*.zip"))) as archive:
        assert archive.read("assets/img/logo.svg") == b'<svg xmlns="http://www.w3.org/2000/svg"/>'


def _failing_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(packaging.os, "replace", replace)


def test_a_failed_file_write_leaves_the_old_file_and_no_temporary(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "course.zip"
    target.write_bytes(b"the last good build")
    _failing_replace(monkeypatch)
    with pytest.raises(EnvironmentProblem, match="cannot write: No space left"):
        packaging.write_file(b"new", target)
    assert target.read_bytes() == b"the last good build"
    assert [p.name for p in tmp_path.iterdir()] == ["course.zip"]


def test_a_failed_folder_write_leaves_the_old_folder_and_no_temporary(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    target = tmp_path / "web"
    target.mkdir()
    (target / "index.html").write_text("the last good build")
    _failing_replace(monkeypatch)
    with pytest.raises(EnvironmentProblem, match="cannot write: No space left"):
        packaging.write_folder({"index.html": b"new"}, target)
    assert (target / "index.html").read_text() == "the last good build"
    assert [p.name for p in tmp_path.iterdir()] == ["web"]


class _Server:
    """Stands in for the HTTP server: the learner presses Ctrl+C as soon as it serves."""

    server_address = ("127.0.0.1", 8765)
    closed = False

    def serve_forever(self) -> None:
        raise KeyboardInterrupt

    def server_close(self) -> None:
        self.closed = True


def test_preview_serves_until_ctrl_c_then_closes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = _Server()
    monkeypatch.setattr(preview, "make_server", lambda session, port: server)
    edit(project / "course/course.yaml", "pass_mark: 80", "pass_mark: 150")  # a problem to show
    result = run("preview", project)
    assert result.exit_code == 0, result.output
    assert f"previewing {project} at http://127.0.0.1:8765/ (Ctrl+C to stop)" in result.stdout
    assert "course/course.yaml:24: `pass_mark` is 150, but must be at most 100" in result.stderr
    assert server.closed


def test_preview_without_scorm_again_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(preview.SCORM_AGAIN_ENV, raising=False)
    monkeypatch.setattr(preview, "__file__", str(tmp_path / "builder/preview.py"))
    with pytest.raises(preview.PreviewUnavailable, match="run `npm ci` in the coursebuild folder"):
        preview.find_scorm_again()


def test_a_course_without_an_assessment_has_no_mastery_score_or_objective(project: Path, tmp_path: Path) -> None:
    final_page = project / "course/pages/final-check.md"
    edit(final_page, "kind: assessment\n", "kind: content\n")
    edit(final_page, "bank: final\n", "")
    (project / "quizzes/final.yaml").unlink()
    edit(project / "course/course.yaml", "pass_mark: 80\n", "")
    edit(project / "course/course.yaml", "  assessment: passed\n", "  assessment: none\n")
    edit(project / KC, "    outcomes: [LO1]\n", "    outcomes: [LO1, LO2]\n")  # the knowledge check assesses both
    result = run("build", project, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    for kind, absent in (("scorm12", b"masteryscore"), ("scorm2004", b"primaryObjective")):
        with zipfile.ZipFile(next(tmp_path.glob(f"*-{kind}.zip"))) as archive:
            manifest = archive.read("imsmanifest.xml")
        assert b"<manifest" in manifest and absent not in manifest
