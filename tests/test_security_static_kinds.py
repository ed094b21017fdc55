"""18-verify23 G3: a static file a web server runs, or takes its set-up from (`.htaccess`, `.user.ini`, `info.shtml`,
`x.php`, `x.php.css`), passed `check --strict` and was copied into the web folder and both zips: only the kinds a
theme's pages load may be static files (`theme.STATIC_TYPES`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run


@pytest.mark.parametrize(("name", "what"), [
    (".htaccess", "a hidden file or folder (`.htaccess`) ships in every package"),
    (".user.ini", "a hidden file or folder (`.user.ini`) ships in every package"),
    (".well-known/a.txt", "a hidden file or folder (`.well-known`) ships in every package"),
    ("info.shtml", "a static file of a kind the packages do not carry (.shtml)"),
    ("x.php", "a static file of a kind the packages do not carry (.php)"),
    ("README", "a static file of a kind the packages do not carry (no suffix)"),
    ("x.PHP.css", "a static file whose name holds `.php`, a kind web servers run"),
])
def test_a_static_file_a_server_may_run_is_refused(project: Path, tmp_path: Path, name: str, what: str) -> None:
    """G3: `check --strict` and `build` refuse it at the file, one line, with the kinds allowed; nothing is built."""
    static = project / "templates" / "static"
    (static / name).parent.mkdir(parents=True, exist_ok=True)
    (static / name).write_text("Options +Includes +ExecCGI\n", encoding="utf-8")
    for allowed in ("jquery.min.js", "app.3f2a.css", "fonts/a.woff2", "logo.svg", "app.js.map", "data.json"):
        (static / allowed).parent.mkdir(parents=True, exist_ok=True)
        (static / allowed).write_text("x", encoding="utf-8")
    for result in (run("check", project, "--strict"), run("build", project, "--out", tmp_path / "out")):
        assert result.exit_code == 1, result.output
        assert result.output.splitlines()[0] == (
            f"templates/static/{name}:1: {what}: a web server hosting the web folder may run it, or take its set-up "
            "from it (keep in templates/static/ only stylesheets, scripts, fonts, pictures and data (.css, .eot, "
            ".gif, .ico, .jpeg, .jpg, .js, .json, .map, .mjs, .otf, .png, .svg, .ttf, .txt, .webp, .woff, .woff2); "
            "remove it or rename it)"), result.output
        assert len(result.output.splitlines()) == 2, result.output  # the line and the count: the allowed ones pass
    assert not (tmp_path / "out").exists()


def test_the_kinds_a_theme_loads_are_packaged(project: Path, tmp_path: Path) -> None:
    """G3: a library copied whole (scripts, minified names, source maps, fonts, pictures) still builds."""
    static = project / "templates" / "static"
    for name in ("lib/jquery.min.js", "lib/jquery.min.js.map", "fonts/a.woff2", "fonts/a.ttf", "img/x.png",
                 "module.mjs", "favicon.ico"):
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_bytes(b"x")
    result = run("build", project, "--target", "web", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (next((tmp_path / "out").glob("*-web")) / "assets" / "lib" / "jquery.min.js.map").is_file()
