"""The built-in templates compiled ahead (`builder/compiled_templates/`, `make templates`): in step with the
templates, used only when they match (else compiled from their text, with the same output), and never for a
project's own templates, which still compile and render in the sandbox."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from builder import bounded, cache, compiled_templates, precompile, theme
from builder.build import build
from builder.theme import TemplateProblem, Theme, builtin_templates, compile_fingerprint, render_template

from conftest import run


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja2 compiles from their text from now on, in a fresh environment."""
    monkeypatch.setattr(theme, "_ENVIRONMENTS", cache.Store())
    names: list[str] = []
    compile_text = jinja2.Environment.compile

    def spy(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        names.append(str(name))
        return compile_text(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return names


def web(project: Path, out: Path) -> dict[str, bytes]:
    return build(project, ("web",), out).outputs[0].files


def test_the_compiled_modules_are_in_step_with_the_templates() -> None:
    """Fails when a built-in template, theme.py's environment or Jinja2 changed without `make templates`."""
    folder = Path(compiled_templates.__file__).parent
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.py")}
    expected = precompile.generated()
    assert sorted(on_disk) == sorted(expected), "run `make templates` and commit builder/compiled_templates/"
    for file, text in expected.items():
        assert on_disk[file] == text, f"builder/compiled_templates/{file} is out of step: run `make templates`"
    assert sorted(compiled_templates.TEMPLATES) == precompile.template_names()


def test_a_build_compiles_no_built_in_template(project: Path, tmp_path: Path, compiled: list[str]) -> None:
    web(project, tmp_path / "out")
    env = Theme.for_project(project).environment()
    assert env.cache is not None and len(env.cache) >= 5  # page, macros, head, shell, start, contents...
    assert compiled == []


def test_compiled_ahead_or_from_the_text_the_packages_are_the_same(project: Path, tmp_path: Path,
                                                                    compiled: list[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ahead = web(project, tmp_path / "ahead")
    assert compiled == []
    monkeypatch.setattr(theme, "_ENVIRONMENTS", cache.Store())
    monkeypatch.setattr(compiled_templates, "TEMPLATES", {})
    assert web(project, tmp_path / "text") == ahead
    assert {"page.html", "macros.html", "head.html", "start.html", "contents.html"} <= set(compiled)


@pytest.mark.parametrize("stale", ["jinja2 version", "text", "options", "missing module"])
def test_a_compiled_module_that_does_not_match_is_not_used(project: Path, tmp_path: Path, compiled: list[str],
                                                           monkeypatch: pytest.MonkeyPatch, stale: str) -> None:
    """Anything that differs from what the module was compiled from, and the template is compiled from its
    text: the packages are what they would be without compiled modules."""
    expected = web(project, tmp_path / "expected")
    monkeypatch.setattr(theme, "_ENVIRONMENTS", cache.Store())
    index = dict(compiled_templates.TEMPLATES)
    module, text_sha256, fingerprint = index["start.html"]
    if stale == "jinja2 version":
        monkeypatch.setattr(compiled_templates, "JINJA2_VERSION", "3.0.0")
    elif stale == "text":
        index["start.html"] = (module, "0" * 64, fingerprint)
    elif stale == "options":
        index["start.html"] = (module, text_sha256, compile_fingerprint(jinja2.Environment(), "start.html"))
    else:
        index["start.html"] = ("t_no_such_module", text_sha256, fingerprint)
    monkeypatch.setattr(compiled_templates, "TEMPLATES", index)
    assert web(project, tmp_path / "stale") == expected
    assert ("start.html" in compiled) and (stale == "jinja2 version" or compiled == ["start.html"])


def test_an_edited_built_in_template_is_compiled_from_its_text(project: Path, tmp_path: Path, compiled: list[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A built-in template changed after `make templates` (as in a checkout before regenerating): its new text
    is rendered, not the code compiled ahead."""
    copy = tmp_path / "builtin"
    shutil.copytree(builtin_templates(), copy)
    text = (copy / "start.html").read_text(encoding="utf-8")
    (copy / "start.html").write_text(text.replace("<main", "<!-- edited --><main"), encoding="utf-8")
    monkeypatch.setattr(theme, "builtin_templates", lambda: copy)
    start = web(project, tmp_path / "out")["index.html"]
    assert b"<!-- edited --><main" in start
    assert compiled == ["start.html"]


def test_the_fingerprint_holds_what_jinja_bakes_into_the_code(project: Path, compiled: list[str]) -> None:
    env = Theme.for_project(project).environment()
    other = Theme((builtin_templates(),))._new_environment()
    assert compile_fingerprint(env, "page.html") == compile_fingerprint(other, "page.html")
    assert compile_fingerprint(env, "page.html") != compile_fingerprint(env, "report.md")  # escaped or not
    other.trim_blocks = False
    assert compile_fingerprint(env, "page.html") != compile_fingerprint(other, "page.html")
    other = Theme((builtin_templates(),))._new_environment()
    other.filters["inline"] = jinja2.pass_context(lambda context, html: html)
    assert compile_fingerprint(env, "page.html") != compile_fingerprint(other, "page.html")


def test_a_mistake_in_a_built_in_template_compiled_ahead_names_its_file_and_line(
        project: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """As when compiled from the text: the innermost template and its line, blaming coursebuild."""
    messages = []
    for index in (compiled_templates.TEMPLATES, {}):
        monkeypatch.setattr(compiled_templates, "TEMPLATES", index)
        monkeypatch.setattr(theme, "_ENVIRONMENTS", cache.Store())
        with pytest.raises(TemplateProblem) as raised:
            render_template(Theme.for_project(project).environment(), "shell.html", language="en")
        messages.append(str(raised.value))
    assert messages[0] == messages[1] == (
        "templates/head.html:7: template error: 'course_title' is undefined (this is a mistake in coursebuild's "
        "built-in template, not in your course: please report it)")
    assert compiled == ["shell.html", "head.html"]  # the second time only


def test_a_project_template_is_never_taken_from_the_compiled_modules(project: Path, tmp_path: Path,
                                                                      compiled: list[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's copy of a built-in template wins, and is compiled from its text even when it is the same
    text; the built-in templates it includes come compiled ahead. (Rendered in this process, as in the bounded child
    of `own_templates.run`, so that the spy sees what is compiled.)"""
    monkeypatch.setattr(bounded, "in_child", lambda: True)
    (project / "templates").mkdir()
    text = (builtin_templates() / "page.html").read_text(encoding="utf-8")
    (project / "templates/page.html").write_text(text.replace("<main", "<!-- ours --><main", 1), encoding="utf-8")
    shutil.copy(builtin_templates() / "head.html", project / "templates/head.html")
    pages = [html for name, html in web(project, tmp_path / "out").items() if name.startswith("pages/")]
    assert pages and all(b"<!-- ours --><main" in html for html in pages)
    assert sorted(compiled) == ["head.html", "page.html"]


@pytest.mark.parametrize("name", ["page.html", "shell.html", "head.html"])
def test_a_project_template_is_still_sandboxed(project: Path, tmp_path: Path, name: str) -> None:
    marker = tmp_path / "marker"
    (project / "templates").mkdir()
    (project / "templates" / name).write_text(
        f"<p>\n{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}</p>", encoding="utf-8")
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"templates/{name}:2: template error: not allowed in a template: ")
    assert line.endswith("(fix the template, or delete your copy to use the built-in one)")
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_make_templates_writes_the_modules_and_removes_those_of_gone_templates(tmp_path: Path) -> None:
    (tmp_path / "t_gone_html.py").write_text("# a template since removed\n", encoding="utf-8")
    (tmp_path / "helper.txt").write_text("not a module\n", encoding="utf-8")
    precompile.write(tmp_path)
    expected = precompile.generated()
    assert {path.name: path.read_text(encoding="utf-8") for path in tmp_path.glob("*.py")} == expected
    assert (tmp_path / "helper.txt").exists()


def test_two_templates_that_would_share_a_module_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precompile, "template_names", lambda: ["case-study.html", "case_study.html"])
    with pytest.raises(ValueError, match="same module"):
        precompile.generated()
