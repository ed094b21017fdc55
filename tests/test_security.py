"""Building a project you did not write: one test per hostile input, with the behaviour expected of it.

docs/security.md says what a project can and cannot do to the machine that builds it; these tests hold
the product to it. Commands that could hang on a hostile input run in a subprocess with a timeout.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import types
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pytest
from lxml import etree

from builder import kit, loading, markup, media, packaging, parallel, sources, theme
from builder.active_content import (
    ELSEWHERE_PROBLEM,
    HTML_PROLOG,
    MEDIA_POLICY,
    SCHEME_RELATIVE_PROBLEM,
    script_in,
    without_script,
)

from conftest import FIXTURES, REPO, edit, run

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CUES = "course/pages/baby-cues.md"
WEB = "mini-course-1.0-web"
SCORM12 = "mini-course-1.0-scorm12.zip"


def coursebuild(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: a hang fails the test instead of stopping the suite."""
    return subprocess.run([sys.executable, "-m", "builder", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def fails_with(project: Path, expected: str, *extra: str, command: str = "build") -> list[str]:
    """Run `command`; expect exit 1, no traceback, nothing written, and `expected` among the lines."""
    out = project.parent / "out"
    args = ["--out", out] if command == "build" else []
    result = run(command, project, *args, *extra)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not (project / "dist").exists()
    lines = result.stderr.splitlines()
    assert expected in lines, "\n".join(lines)
    return lines


# --- templates --------------------------------------------------------------------------------

FIX = "(fix the template, or delete your copy to use the built-in one)"


def override(project: Path, name: str, text: str) -> None:
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ settings.__class__.__init__.__globals__ }}",
])
def test_a_template_cannot_reach_python_internals(project: Path, tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "marker"
    override(project, "contents.html", payload.replace("MARKER", str(marker)))
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("templates/contents.html:1: template error: ") and line.endswith(FIX)
    assert not marker.exists() and not (tmp_path / "out").exists()


class _Planted:
    """Unpickling this runs `touch` on a marker: the payload a hostile project plants for a template to load."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("payload", [
    "{% set _x = settings.completion.parse_file('templates/logo.bin', proto='pickle', allow_pickle=True) %}",
    "{{ settings.parse_raw(LOGO, proto='pickle', allow_pickle=True) }}",
    "{{ settings.model_copy() }}{{ settings.completion.model_validate_json('{}') }}",
    "{{ settings.__class__.parse_file('templates/logo.bin', proto='pickle', allow_pickle=True) }}",
])
def test_a_template_cannot_call_model_methods(project: Path, tmp_path: Path, payload: str) -> None:
    import pickle  # only to make the hostile file, in the test's own temporary folder

    marker = tmp_path / "marker"
    override(project, "logo.bin", "")
    (project / "templates/logo.bin").write_bytes(pickle.dumps(_Planted(marker)))
    logo = project / "templates/logo.bin"
    override(project, "contents.html", payload.replace("templates/logo.bin", str(logo))
             .replace("LOGO", repr(logo.read_bytes())))
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert not marker.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize(("text", "what"), [
    ("{{ 1/0 }}", "ZeroDivisionError: division by zero"),
    ("{% for k in 1 %}{% endfor %}", "TypeError: 'int' object is not iterable"),
    ('{{ "%d" % "x" }}', "TypeError: %d format: a real number is required, not str"),
    ("{{ settings.title + 1 }}", 'TypeError: can only concatenate str (not "int") to str'),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "RecursionError: maximum recursion depth exceeded"),
])
def test_any_error_in_a_template_is_one_line_with_its_line(project: Path, tmp_path: Path, text: str,
                                                           what: str) -> None:
    override(project, "contents.html", f"<p>\n\n{text}</p>")
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"templates/contents.html:3: template error: {what}") and line.endswith(FIX), line
    assert not (tmp_path / "out").exists()


def test_an_error_in_an_included_template_names_that_template(project: Path, tmp_path: Path) -> None:
    override(project, "head.html", "<title>\n{{ 1/0 }}</title>")
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"templates/head.html:2: template error: ZeroDivisionError: division by "
                                          f"zero {FIX}"]


def test_a_template_cannot_make_huge_text(project: Path, tmp_path: Path) -> None:
    override(project, "contents.html", "{{ 'x' * 1000 * 1000 * 1000 }}{{ 10 ** 10 ** 10 }}")
    result = coursebuild("build", project, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1
    assert result.stderr == ("templates/contents.html:1: template error: not allowed in a template: a template may "
                             f"not make a text or list longer than 1,000,000 {FIX}\n")


@pytest.mark.parametrize("loops", [
    "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "{% set l = range(2000)|list %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}",
    "{% for a in range(100000) recursive %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
])
def test_a_template_cannot_go_round_its_loops_for_hours(project: Path, tmp_path: Path, loops: str) -> None:
    """Nested loops make nothing to count, yet ran for hours (18-verify16): `check` must not hang."""
    override(project, "contents.html", f"<p>\n{loops}</p>")
    result = coursebuild("check", project, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0] == ("templates/contents.html:2: template error: not allowed in a template: a "
                                             "template may not go round its loops more than 1,000,000 times in one "
                                             "rendering (all loops together: a loop inside a loop counts each inner "
                                             f"step) {FIX}")


@pytest.mark.parametrize("work", [
    "{% for x in [1,2] recursive %}{% if loop.depth < 40 %}{{ loop([1,2]) }}{% endif %}{% endfor %}",
    "{% macro m(n) %}{% if n %}{{ m(n-1) }}{{ m(n-1) }}{% endif %}{% endmacro %}{{ m(40) }}",
    "{% macro w() %}{{ caller() }}{{ caller() }}{% endmacro %}"
    "{% macro m(n) %}{% if n %}{% call w() %}{{ m(n-1) }}{% endcall %}{% endif %}{% endmacro %}{{ m(40) }}",
    "{% for a in range(1000) %}{% set x = range(100000)|select('odd')|sum %}{% endfor %}",
])
def test_a_template_cannot_work_for_hours_without_looping(project: Path, work: str) -> None:
    """What no count sees (a recursive loop's `loop(…)`, a macro calling itself twice, a filter working through
    100,000 items at each of few steps) ran `check` for hours (18-verify17 G1–G3); a rendering is bounded by
    processor time (`theme.MAX_RENDER_SECONDS`, lowered here to half a second)."""
    override(project, "contents.html", f"<p>\n{work}</p>")
    script = ("import sys; from builder import theme; theme.MAX_RENDER_SECONDS = 0.5\n"
              "from builder.cli import main; main(['check', sys.argv[1]])")
    result = subprocess.run([sys.executable, "-c", script, str(project)], cwd=REPO, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0] == ("templates/contents.html:2: template error: not allowed in a template: a "
                                             "template may not take more than 0.5 s of processor time in one "
                                             "rendering (a macro that calls itself, or loops and filters over long "
                                             f"lists) {FIX}")


def test_lists_inside_lists_count_towards_what_a_template_makes(project: Path) -> None:
    """`batch` made a list of one 100,000-item list, counted 8 bytes: 2,000 of them kept in a namespace took
    gigabytes (18-verify17 G4)."""
    override(project, "contents.html", "{% set ns = namespace(l=none) %}{% for a in range(2000) %}"
             "{% set ns.l = [ns.l, range(100000)|batch(100000)|list] %}{% endfor %}")
    result = coursebuild("check", project, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0].startswith("templates/contents.html:1: template error: not allowed in a "
                                                    "template: a template may not make more than 64 MB")


LONG = "a template may not make a text or list longer than 1,000,000"
WIDE = "a template may not pad a text wider than 10,000"


@pytest.mark.parametrize("payload, refusal", [
    ('{{ "a"|center(2000000000)|length }}', WIDE),
    ('{{ "a".center(2000000000)|length }}', WIDE),
    ('{{ "a".ljust(2000000000)|length }}', WIDE),
    ('{{ "%01000000000d"|format(1) }}', WIDE),
    ('{{ "%01000000000d" % 1 }}', WIDE),
    ('{{ "%*d"|format(1000000000, 1) }}', "a template may not take a field's width from its values (`*`)"),
    ('{{ "{:>1000000000}".format(1) }}', WIDE),
    ('{{ "{:{}}".format(1, 1000000000) }}', "a template may not take a field's width from its values (`{:{}}`)"),
    ('{{ "x"|indent(2000000000) }}', WIDE),
    ('{{ ("x" * 1000)|replace("x", "y" * 2000)|length }}', LONG),
    ('{{ ("x" * 1000).replace("x", "y" * 2000)|length }}', LONG),
    ('{{ (["x" * 2000] * 1000)|join|length }}', LONG),
    ('{{ "".join(["x" * 2000] * 1000)|length }}', LONG),
    ('{{ ("\t" * 1000).expandtabs(100000)|length }}', LONG),
    ('{{ [1]|slice(100000000)|list|length }}', LONG),
    ('{{ [1]|batch(1000000000, 0)|list|length }}', LONG),
    ('{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}'
     '{{ ns.s|length }}', LONG),
    ('{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}'
     '{{ ns.s|length }}', LONG),
    ('{{ [1, 2, 3]|tojson(indent=300000000)|length }}', "a template may not indent JSON by more than 16"),
    ('{{ ("a" * 1000000).translate({97: "b" * 1000})|length }}', "`translate` is not available in templates"),
    ('{{ ("a".encode() * 600000000)|length }}', "`encode` (bytes) is not available in templates"),
    ('{{ ((((2 ** 64) ** 64) ** 64) ** 64) > 1 }}', "a template may not make a number of more than 100,000 bits"),
    ('{% set ns = namespace(n=2 ** 60) %}{% for i in range(20) %}{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n > 1 }}',
     "a template may not make a number of more than 100,000 bits"),
    ('{% set ns = namespace(x=[1]) %}{% for i in range(20) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}'
     '{{ ns.x|string|length }}', "a template may not show a list or dict of more than 1,000,000 values"),
    ('{{ ("a" * 1000000)|wordwrap(1)|length }}',
     "a template may wrap only texts up to 100,000 characters, 10 or more wide"),
    ('{{ ([range(1000)|list] * 20)|sum(start=[])|length }}', "a template may add up only numbers with `sum`"),
    ('{% set l = [1] %}{% for i in range(40) %}{{ l.extend(l) }}{% endfor %}',
     "access to attribute 'extend' of 'list' object is unsafe."),
])
def test_a_template_cannot_make_huge_text_in_other_ways(project: Path, tmp_path: Path, payload: str,
                                                        refusal: str) -> None:
    override(project, "contents.html", payload)
    result = coursebuild("build", project, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == f"templates/contents.html:1: template error: not allowed in a template: {refusal} {FIX}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("payload", ['{{ lipsum(3000000)|length }}', '{{ lipsum(1, false, 30000000, 30000001) }}'])
def test_a_template_has_no_lipsum(project: Path, tmp_path: Path, payload: str) -> None:
    override(project, "contents.html", payload)
    result = coursebuild("build", project, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1
    assert result.stderr == f"templates/contents.html:1: template error: 'lipsum' is undefined {FIX}\n"


def test_a_template_cannot_render_gigabytes_in_a_loop(project: Path, tmp_path: Path) -> None:
    override(project, "contents.html", '<p>\n{% set b = "a" * 1000000 %}\n{% for i in range(3000) %}\n{{ b }}\n'
                                       '{% endfor %}')
    result = coursebuild("build", project, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == ("templates/contents.html:4: template error: not allowed in a template: a template may "
                             f"not render more than 16 MB {FIX}\n")


def test_a_template_is_bounded_in_bytes_not_characters(project: Path, tmp_path: Path) -> None:
    """127 times a million emoji is under 128 M characters but 508 MB of UTF-8 a page (4.5 GB, 330 s in all)."""
    override(project, "page.html", '{% set s = "😀" * 1000000 %}{% for i in range(127) %}{{ s }}{% endfor %}\n')
    result = coursebuild("build", project, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr and not (tmp_path / "out").exists()
    assert result.stderr == ("templates/page.html:1: template error: not allowed in a template: a template may "
                             f"not render more than 16 MB {FIX}\n")


@pytest.mark.parametrize("payload", [
    '{% set s = "x" * 1000000 %}\n{% set t %}\n{% for i in range(1500) %}\n{{ s }}\n{% endfor %}\n{% endset %}{{ t|length }}',
    '{% macro m() %}\n{% set s = "x" * 999000 %}\n{% for i in range(1500) %}\n{{ s ~ i }}\n{% endfor %}\n'
    '{% endmacro %}{{ m()|length }}',
    '{% set s = "x" * 1000000 %}\n{% filter length %}\n{% for i in range(1500) %}\n{{ s }}\n{% endfor %}\n'
    '{% endfilter %}',
    '{% macro m() %}{{ caller()|length }}{% endmacro %}{% set s = "x" * 1000000 %}\n{% call m() %}\n'
    '{% for i in range(1500) %}\n{{ s }}\n{% endfor %}{% endcall %}',
], ids=["set-block", "macro", "filter-block", "caller"])
def test_captured_text_is_bounded_like_rendered_text(project: Path, tmp_path: Path, payload: str) -> None:
    """Text a template captures (a set block, a macro's or caller()'s body, a filter block) and never renders
    counts toward the same 16 MB: joined, these 110 bytes took 4.45 GB."""
    override(project, "page.html", payload)
    result = coursebuild("build", project, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr and not (tmp_path / "out").exists()
    assert re.fullmatch(r"templates/page\.html:[34]: template error: not allowed in a template: a template may "
                        rf"not render more than 16 MB {re.escape(FIX)}\n", result.stderr)  # in the loop


def test_captured_text_is_bounded_in_all(project: Path, tmp_path: Path) -> None:
    """A recursive macro captures 15 MB at each of 100 levels (1.5 GB) before any is joined. (Were its pieces made
    distinct, `s ~ i`, what the rendering makes would reach its bound, MAX_MADE_BYTES, as soon.)"""
    override(project, "page.html", '{% set s = "x" * 999000 %}{% macro m(n) %}{% for i in range(15) %}{{ s }}{{ i }}'
                                   '{% endfor %}{% if n %}{{ m(n - 1) }}{% endif %}{% endmacro %}\n{{ m(100)|length }}')
    result = coursebuild("build", project, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1 and not (tmp_path / "out").exists()
    assert result.stderr == ("templates/page.html:1: template error: not allowed in a template: a template may not "
                             f"capture more than 64 MB of text in all (in set blocks, macros and filter blocks) {FIX}\n")


MADE = "a template may not make more than 64 MB of text, lists and namespace values in one rendering"


@pytest.mark.parametrize(("payload", "commands"), [
    ('{% set s = "x" * 999990 %}{% set ns = namespace(l=[]) %}{% for i in range(1500) %}'
     '{% set ns.l = ns.l + [s ~ i] %}{% endfor %}{{ ns.l|length }}', ("build", "check")),
    ('{% set s = "x" * 999990 %}{% set ns = namespace(l=[]) %}{% for i in range(1500) %}'
     '{% set ns.l = ns.l + [s|replace("x", "y", i + 1)] %}{% endfor %}{{ ns.l|length }}', ("build",)),
    ('{% set s = "x" * 999990 %}{% set ns = namespace(l=[]) %}{% for i in range(1500) %}'
     '{% set ns.l = ns.l + [s.replace("x", "y", i + 1)] %}{% endfor %}{{ ns.l|length }}', ("build",)),
    ('{% set t = "ab " * 333333 %}{% set ns = namespace(l=[]) %}{% for i in range(12) %}'
     '{% set ns.l = ns.l + [t.split()] %}{% endfor %}{{ ns.l|length }}', ("build",)),
    ('{% set s = "x" * 999990 %}{% set ns = namespace(l=[]) %}{% for i in range(1500) %}'
     '{% set ns.l = ns.l + [s[i:]] %}{% endfor %}{{ ns.l|length }}', ("check",)),
    ('{% set s = "x" * 999990 %}{% set ns = namespace(l=[]) %}{% for i in range(400) %}{% set ns.l = ns.l + '
     '[[s[0:],s[1:],s[2:],s[3:],s[4:],s[5:],s[6:],s[7:],s[8:],s[9:]]] %}{% endfor %}{{ ns.l|length }}', ("check",)),
    ('{% set s = "x" * 999990 %}{% set l = [' + ",".join(f"s[{i}:]" for i in range(200)) + '] %}{{ l|length }}',
     ("check",)),
], ids=["concatenation", "filter", "method", "texts-in-a-list", "slice", "slices-in-a-list", "slices-in-a-literal"])
def test_what_a_template_keeps_in_a_namespace_is_bounded(project: Path, tmp_path: Path, payload: str,
                                                         commands: tuple[str, ...]) -> None:
    """Kept in a namespace, never rendered nor captured: 1,500 texts of 1 MB took 1.5 GB (issue 18, fifth
    attack N4); `check` renders the templates too. A list of 333,333 short texts is 20 MB, not the 2.7 MB of
    its pointers."""
    override(project, "page.html", payload)
    for command in commands:
        result = coursebuild(command, project, *(["--out", tmp_path / "out"] if command == "build" else []),
                             timeout=60)
        assert result.returncode == 1 and "Traceback" not in result.stderr and not (tmp_path / "out").exists()
        assert result.stderr.splitlines()[0] == (f"templates/page.html:1: template error: not allowed in a template: "
                                                 f"{MADE} (what it keeps in variables counts too) {FIX}")


def test_slices_in_a_template_still_give_what_python_gives(project: Path, tmp_path: Path) -> None:
    """Slices go through the sandbox's `getitem` to be counted; start, stop and step, each left out or given."""
    override(project, "contents.html", '{% set t = "abcdef" %}{% set l = [1, 2, 3, 4, 5] %}<p>sliced {{ t[1:4] }} '
                                       '{{ t[::-1] }} {{ t[:2] }} {{ t[-2:] }} {{ l[1::2]|join(",") }} {{ l[:] }}</p>')
    assert run("build", project, "--target", "web", "--out", tmp_path / "out").exit_code == 0
    pages = (tmp_path / "out" / WEB).rglob("*.html")
    assert any("<p>sliced bcd fedcba ab ef 2,4 [1, 2, 3, 4, 5]</p>" in page.read_text(encoding="utf-8")
               for page in pages)


def test_every_namespace_set_counts(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chain of two-item lists made by literals, kept by setting a namespace's attribute: ten million of them
    took 0.8 GB. Here with an allowance of 1 MB, which 100,000 sets exceed."""
    monkeypatch.setattr(theme, "MAX_MADE_BYTES", 2**20)
    override(project, "page.html", '{% set ns = namespace(l=none) %}{% for i in range(1000) %}{% for j in range(100) %}'
                                   '{% set ns.l = [ns.l, j] %}{% endfor %}{% endfor %}{{ ns.l|length }}')
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output and not (tmp_path / "out").exists()
    assert result.stderr == ("templates/page.html:1: template error: not allowed in a template: a template may not "
                             "make more than 1 MB of text, lists and namespace values in one rendering (what it keeps "
                             f"in variables counts too) {FIX}\n")


def test_a_template_may_still_keep_a_list_in_a_namespace(project: Path, tmp_path: Path) -> None:
    """2,000 items added one at a time (each `+` makes the whole list again): far inside the allowance."""
    override(project, "contents.html", '{% set ns = namespace(l=[], d={}) %}{% for i in range(2000) %}'
                                       '{% set ns.l = ns.l + ["item " ~ i] %}{% endfor %}'
                                       '{% set ns.d = dict(n=ns.l|length) %}<p>kept {{ ns.d.n }}</p>')
    assert run("build", project, "--target", "web", "--out", tmp_path / "out").exit_code == 0
    pages = (tmp_path / "out" / WEB).rglob("*.html")
    assert any("<p>kept 2000</p>" in page.read_text(encoding="utf-8") for page in pages)


def test_a_filter_block_that_gives_a_number_is_a_template_error(project: Path, tmp_path: Path) -> None:
    override(project, "page.html", '<p>\n{% filter length %}x{% endfilter %}\n')
    result = coursebuild("build", project, "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 1 and not (tmp_path / "out").exists()
    assert result.stderr == f"templates/page.html:2: template error: a template may only render text, not int {FIX}\n"


@pytest.mark.parametrize("in_pool", [False, True])
def test_the_pages_of_a_build_are_bounded_together(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   in_pool: bool) -> None:
    """Each page under the bound of one template, but many pages: the build stops at MAX_BUILD_RENDERED_BYTES. In a
    pool too, whose workers each render less than the bound (3 pages of 200 KB), this process less (4 pages), and
    all together more."""
    monkeypatch.setattr(theme, "MAX_BUILD_RENDERED_BYTES", 1024 * 1024)
    monkeypatch.setattr(parallel, "PARALLEL_FILES", 1 if in_pool else 10**9)
    override(project, "page.html", '{% set s = "é" * 100000 %}{{ s }}\n')
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output and not (tmp_path / "out").exists()
    assert result.stderr == ("templates/page.html:1: template error: not allowed in a template: a template may "
                             f"not render more than 1 MB in one build, all pages together {FIX}\n")
    monkeypatch.undo()
    assert run("build", project, "--out", tmp_path / "out").exit_code == 0  # the next build counts afresh


def test_a_template_may_still_pad_join_and_format_within_the_bounds(project: Path, tmp_path: Path) -> None:
    override(project, "contents.html", '{{ "a"|center(9) }}|{{ "%05d"|format(42) }}|{{ "{:>4}".format(7) }}|'
                                       '{{ ["a", "b"]|join(", ") }}|{{ ", ".join(["c", "d"]|map("upper")) }}|'
                                       '{{ "x" ~ 1 ~ "y" }}|{{ "ab"|replace("b", "c") }}|{{ "%s-%s" % (1, 2) }}|'
                                       '{{ [1, [2]]|string }}|{{ [1, 2]|tojson }}|{{ [1, 2]|sum }}|{{ 3 ** 4 * 2 }}|'
                                       '{{ "one two three"|wordwrap(10, wrapstring="/") }}')
    assert run("build", project, "--target", "web", "--out", tmp_path / "out").exit_code == 0
    pages = (tmp_path / "out" / WEB).rglob("*.html")
    assert any("    a    |00042|   7|a, b|C, D|x1y|ac|1-2|[1, [2]]|[1, 2]|3|162|one two/three"
               in page.read_text(encoding="utf-8") for page in pages)


@pytest.mark.parametrize("name", ["/etc/passwd", "../../../../../../etc/passwd", "../course/course.yaml",
                                  "static/../../course/course.yaml", "kit\\..\\..\\x"])
def test_a_template_includes_only_templates_by_name(project: Path, tmp_path: Path, name: str) -> None:
    override(project, "contents.html", f"<p>\n{{% include {name!r} %}}")
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (f"templates/contents.html:2: template error: `{name}` is not a template name (include "
                             "templates by their name in templates/, such as `head.html`; absolute paths and `..` are "
                             "not allowed)\n")


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_template_that_links_out_of_the_project_is_refused(project: Path, tmp_path: Path, command: str) -> None:
    (project / "templates/static").mkdir(parents=True)
    (project / "templates/contents.html").symlink_to("/etc/passwd")
    fix = "(replace the link or special file with an ordinary file)"
    fails_with(project, f"templates/contents.html:1: not a regular file inside the templates folder {fix}",
               command=command)
    (project / "templates/contents.html").unlink()
    (project / "templates/static/extra.css").symlink_to("/etc/hostname")
    fails_with(project, f"templates/static/extra.css:1: not a regular file inside the templates folder {fix}",
               command=command)


@pytest.mark.parametrize("name, shown, what", [
    (os.fsdecode(b"\xff.css"), "\\xff.css", "is not UTF-8 text"),
    ("fonts/a\nb\x01.css", "fonts/a\\nb\\x01.css", "holds a control character or a line break")])
@pytest.mark.parametrize("command, targets", [("check", ()), ("check", ("--target", "web")), ("build", ()),
                                              ("build", ("--target", "web"))])
def test_a_static_file_whose_name_is_not_utf_8_or_holds_a_control_character_is_refused(
        project: Path, command: str, targets: tuple[str, ...], name: str, shown: str, what: str) -> None:
    """Issue 18, twentieth verification, A4: a static file named `\\xff.css` passed `check --target web` (the web
    target wrote a file of that name), `build` ended in a traceback (lxml could not write the name into the
    manifest) and `check` blamed `templates/start.html`; a line break in a name broke the one-line messages. Now one
    line at the file, for every target."""
    (project / "templates/static" / name).parent.mkdir(parents=True)
    (project / "templates/static" / name).write_text("a {}")
    lines = fails_with(project, f"templates/static/{shown}:1: the file's name {what} (rename it with letters, digits, "
                                "`-`, `_` and `.`)", *targets, command=command)
    assert lines[-1] == "course invalid: 1 error"


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_templates_folder_that_links_out_of_the_project_is_refused(project: Path, tmp_path: Path,
                                                                     command: str) -> None:
    outside = tmp_path / "outside"
    (outside / "static").mkdir(parents=True)
    (outside / "page.html").write_text("<p>from outside</p>")
    (outside / "static/course.css").write_text("body { color: red }")
    (project / "templates").symlink_to(outside)
    lines = fails_with(project, "templates:1: `templates` is a link to a folder outside the project (replace the "
                                "link with a folder of the project's own templates)", command=command)
    assert lines[-1] == "course invalid: 1 error"


def test_a_template_that_is_not_text_is_one_line(project: Path, tmp_path: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates/contents.html").write_bytes(b"<p>\xff\xfe</p>")
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == ("templates/contents.html: the file is not UTF-8 text (byte 0xff) (save it with UTF-8 "
                             "encoding)\n")


def test_a_template_may_include_another_by_name(project: Path, tmp_path: Path) -> None:
    override(project, "note.html", "<p>Our own note</p>")
    override(project, "contents.html", "{% include 'note.html' %}")
    assert run("build", project, "--target", "web", "--out", tmp_path / "out").exit_code == 0
    assert b"<p>Our own note</p>" in (tmp_path / "out" / WEB / "pages/contents.html").read_bytes()


def test_no_rendering_sees_what_an_earlier_one_changed_in_an_imported_template(project: Path) -> None:
    """An imported template's module was kept in the environment, for the process and by `preview` from one build to
    the next: a `namespace` in it, changed by one rendering, changed what every later one rendered (issue 18,
    18-verify18 A6). Each rendering imports afresh; within one rendering, an import is still the same module."""
    override(project, "state.html", "{% set ns = namespace(n=0) %}")
    override(project, "count.html", '{% import "state.html" as st %}{% set s = st.ns %}{% set s.n = s.n + 1 %}'
                                    '{{ s.n }}{% from "state.html" import ns %}{{ ns.n }}')
    env = theme.Theme.for_project(project).environment()
    assert [theme.render_template(env, "count.html") for _ in range(3)] == ["11"] * 3


def test_check_fails_what_build_fails_on_whatever_it_rendered_before(project: Path) -> None:
    """`check` renders `report.md` before the pages, `build` never renders it: a namespace set there let `check`
    pass pages that fail `build` (18-verify18 A6)."""
    builtin = REPO / "builder/templates"
    override(project, "state.html", "{% set ns = namespace(checking=false) %}")
    override(project, "report.md", '{% import "state.html" as st %}{% set s = st.ns %}{% set s.checking = true %}\n'
             + (builtin / "report.md").read_text("utf-8"))
    override(project, "page.html", '{% import "state.html" as st %}{% if not st.ns.checking %}{{ 1/0 }}{% endif %}\n'
             + (builtin / "page.html").read_text("utf-8"))
    expected = f"templates/page.html:1: template error: ZeroDivisionError: division by zero {FIX}"
    assert fails_with(project, expected, command="check") == [expected, "course invalid: 1 error"]
    assert fails_with(project, expected) == [expected]


def test_check_renders_the_launch_file_of_each_target_it_checks(project: Path) -> None:
    """`start.html` (web) and `shell.html` (SCORM), which every `build` renders, were not rendered by `check`: it
    passed, `build` failed (issue 18, 18-verify18 A7). Each with its target's own `scorm_version`."""
    override(project, "shell.html", '{% if scorm_version == "1.2" %}{{ 1 / 0 }}{% endif %}')
    shell = f"templates/shell.html:1: template error: ZeroDivisionError: division by zero {FIX}"
    assert fails_with(project, shell, command="check") == [shell, "course invalid: 1 error"]
    assert run("check", project, "--target", "scorm2004", "--target", "web").exit_code == 0
    override(project, "start.html", "{{ 1 / 0 }}")
    start = shell.replace("shell.html", "start.html")
    assert fails_with(project, start, "--target", "web", command="check") == [start, "course invalid: 1 error"]


# --- script in media --------------------------------------------------------------------------

EVIL_SVG = """<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"
     onload="var w = window; while (!w.API) w = w.parent; w.API.LMSSetValue('cmi.core.score.raw', '100')">
<script>var w = window; while (!w.API) w = w.parent; w.API.LMSSetValue('cmi.core.lesson_status', 'passed')</script>
<a xlink:href="javascript:alert(1)"><rect width="10" height="10"/></a>
</svg>
"""


def test_script_in_a_linked_svg_is_reported_and_removed(project: Path, tmp_path: Path) -> None:
    (project / "course/media/evil.svg").write_text(EVIL_SVG, encoding="utf-8")
    edit(project / CUES, "![A baby", "[The diagram](../media/evil.svg)\n\n![A baby")
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    fix = ("(media run inside the package, where script could change the learner's score; "
           "remove it from the file)")
    assert result.stderr.splitlines() == [
        f"course/media/evil.svg:3: warning: script removed from this file: event-handler attribute `onload` {fix}",
        f"course/media/evil.svg:4: warning: script removed from this file: <script> element {fix}",
        f"course/media/evil.svg:5: warning: script removed from this file: `javascript:alert(1)` URL {fix}",
    ]
    with zipfile.ZipFile(tmp_path / "out" / SCORM12) as package:
        (name,) = [n for n in package.namelist() if n.startswith("media/evil")]
        packaged = package.read(name).decode()
    assert "<rect" in packaged and not any(word in packaged for word in ("script", "onload", "javascript", "LMS"))
    assert run("build", project, "--out", tmp_path / "strict", "--strict").exit_code == 1


def test_export_tells_of_script_removed_from_a_file_it_embeds(project: Path, tmp_path: Path) -> None:
    """`export` embeds a stem's picture cleaned, and says so as `build` does (issue 18, fourth attack G8)."""
    (project / "course/media/evil.svg").write_text(EVIL_SVG, encoding="utf-8")
    edit(project / "quizzes/final.yaml", "stem: A new parent seems isolated. What do you do first?",
         "stem: 'A new parent seems isolated. What do you do first? ![A diagram](../course/media/evil.svg)'")
    result = run("export", project, "--format", "moodle-xml", "-o", tmp_path / "q.xml")
    assert result.exit_code == 0, result.output
    assert "course/media/evil.svg:4: warning: script removed from this file: <script> element" in result.stderr
    assert "LMSSetValue" not in (tmp_path / "q.xml").read_text(encoding="utf-8")


def test_export_shows_build_s_warnings_and_only_advice_for_its_format(project: Path, tmp_path: Path) -> None:
    """A stem's SVG holding `<script>`: `export --format moodle-xml` says the script was removed, as `build` does,
    and gives no warning that GIFT refuses the file, advising Moodle XML (issue 18, fifth attack G8)."""
    (project / "course/media/s2.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                                                 '<circle r="5"/></svg>', encoding="utf-8")
    edit(project / "quizzes/final.yaml", "stem: A new parent seems isolated. What do you do first?",
         'stem: "Which is it? ![s](../course/media/s2.svg)"')
    removed = ("course/media/s2.svg:1: warning: script removed from this file: <script> element (media run inside the "
               "package, where script could change the learner's score; remove it from the file)")
    built = run("build", project, "--target", "web", "--out", tmp_path / "out")
    assert built.exit_code == 0 and removed in built.stderr.splitlines()
    exported = run("export", project, "--format", "moodle-xml", "-o", tmp_path / "q.xml")
    assert exported.exit_code == 0, exported.output
    assert exported.stderr.splitlines() == [removed]
    gift = run("export", project, "--format", "gift", "-o", tmp_path / "q.gift")
    assert gift.exit_code == 1 and "which `export --format gift` refuses" in gift.stderr


ENTITY_SVG = ("<!DOCTYPE svg [<!ENTITY s \"<script>document.documentElement.setAttribute('data-pwned','x')</script>\">]>"
              '<svg xmlns="http://www.w3.org/2000/svg"><g>&s;</g></svg>')
XHTML = ('<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="p.xsl"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
         "<body><script>alert(1)</script><p>Hello</p></body></html>")


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("evil.svg", ENTITY_SVG, ["1: warning: script removed from this file: a DOCTYPE with an internal subset (its "
                              "entities or attribute defaults could hide script)",
                              "1: warning: script removed from this file: entity reference `&s;`"]),
    ("evil.xhtml", ENTITY_SVG, ["1: warning: script removed from this file: a DOCTYPE with an internal subset (its "
                                "entities or attribute defaults could hide script)",
                                "1: warning: script removed from this file: entity reference `&s;`"]),
    ("evil.xht", XHTML, ["2: warning: script removed from this file: `<?xml-stylesheet?>` instruction",
                         "3: warning: script removed from this file: <script> element"]),
    ("evil.xml", XHTML, ["2: warning: script removed from this file: `<?xml-stylesheet?>` instruction",
                         "3: warning: script removed from this file: <script> element"]),
    ("evil.svg", '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://example.org/x.css);</style>\n'
                 '<use href="https://example.org/a.svg#x"/><rect style="fill:url(https://example.org/p)"/></svg>',
     ["1: warning: script removed from this file: <style> that loads from elsewhere",
      "2: warning: script removed from this file: reference to another site in `href`",
      "2: warning: script removed from this file: reference to another site in `style`"]),
    ("evil.shtml", "<p>Hi</p>\n<script>alert(1)</script>", ["2: warning: script removed from this file: <script> "
                                                             "element"]),
])
def test_script_hidden_in_xml_media_is_reported_and_removed(project: Path, tmp_path: Path, name: str, text: str,
                                                           expected: list[str]) -> None:
    (project / "course/media" / name).write_text(text, encoding="utf-8")
    edit(project / CUES, "![A baby", f"[The diagram](../media/{name})\n\n![A baby")
    result = run("build", project, "--target", "web", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    fix = ("(media run inside the package, where script could change the learner's score; remove it from the "
           "file)")
    assert result.stderr.splitlines() == [f"course/media/{name}:{line} {fix}" for line in expected]
    (packaged,) = (tmp_path / "out" / WEB / "media").glob("evil-*")
    data = packaged.read_bytes().removeprefix(HTML_PROLOG).replace(MEDIA_POLICY.encode(), b"")  # XHTML's
    assert b"script" not in data and b"DOCTYPE" not in data and b"xml-stylesheet" not in data
    assert b"example.org" not in data


#: What an SVG or XML file is written again from (`without_script`), before its root.
XML_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>\n"

#: 18-verify20 C8's file: Server Side Includes directives, which a web server set to run them on `.shtml` runs.
SSI = ('<p>Info</p>\n<!--#exec cmd="id > /tmp/ssi-pwned" -->\n<!--#include virtual="/etc/passwd" -->\n'
       "<?php system('id'); ?><p>More</p>")


@pytest.mark.parametrize(("suffix", "text", "kept"), [
    (".shtml", SSI, b"<p>Info</p>\n\n\n<p>More</p>"),
    (".html", "<!--[if IE]><p>Old</p><![endif]--><p>Info</p><template><!--#echo var=x --></template>", b"<p>Info</p>"),
    (".html", '<p title="<!--#include virtual=/x -->">x</p><style>a { content: "#" }</style>',
     b'<p title="&lt;!--#include virtual=/x -->">x</p><style>a { content: "#" }</style>'),
    (".svg", '<svg xmlns="http://www.w3.org/2000/svg"><!--#exec cmd="id" --><?php x ?><style>a<!-- c -->{fill:red}'
             '</style><text a="&lt;!--#x-->"><![CDATA[<!--#exec-->]]></text></svg>',
     b'<style>a{fill:red}</style><text a="&lt;!--#x--&gt;">&lt;!--#exec--&gt;</text>'),
])
def test_a_cleaned_file_holds_no_comment_processing_instruction_or_directive(suffix: str, text: str,
                                                                             kept: bytes) -> None:
    """C8 (18-verify20): a web server runs a Server Side Includes directive, a comment (`<!--#exec cmd=…-->`), and
    may run `<?php …?>`; a browser shows neither, so no cleaned file keeps a comment or a processing instruction
    (the text after one stays: a `<style>` sheet is read as its children's text joined). libxml2 writes an HTML
    attribute's value with its `<` as it is: there a directive's start is written `&lt;!--#` (the same value; a
    `<style>` sheet that holds a `<` is removed: test_security_foreign_content)."""
    cleaned = without_script(text.encode(), suffix)
    assert b"<!--" not in cleaned and b"<?php" not in cleaned
    assert kept in cleaned
    assert script_in(text.encode(), suffix) == []


def test_a_linked_shtml_file_is_packaged_as_html_without_its_directives(project: Path, tmp_path: Path) -> None:
    """C8 (18-verify20): a linked `.shtml` file shipped its SSI directives verbatim under `.shtml`, the suffix web
    servers run them on (the web folder is for any web server). It is packaged as `.html`, without them."""
    (project / "course/media/info.shtml").write_text(SSI, encoding="utf-8")
    edit(project / CUES, "![A baby", "[Info](../media/info.shtml)\n\n![A baby")
    assert run("check", project, "--strict").exit_code == 0
    built = run("build", project, "--out", tmp_path / "out")
    assert built.exit_code == 0, built.output
    (packaged,) = (tmp_path / "out" / WEB / "media").glob("info-*")
    assert packaged.suffix == ".html" and b"<!--#" not in packaged.read_bytes()
    assert f"../media/{packaged.name}" in (tmp_path / "out" / WEB / "pages/baby-cues.html").read_text(encoding="utf-8")
    for package in (tmp_path / "out").glob("*.zip"):
        with zipfile.ZipFile(package) as archive:
            assert not [name for name in archive.namelist() if name.endswith(".shtml")]
            assert archive.read(f"media/{packaged.name}") == packaged.read_bytes()


#: A DOCTYPE with an XHTML public id, for which Chromium reads HTML's named characters (`&colon;`) in an XML file.
XHTML_DOCTYPE = ('<!DOCTYPE svg PUBLIC "-//W3C//DTD XHTML 1.1 plus MathML 2.0 plus SVG 1.1//EN" '
                 '"http://www.w3.org/2002/04/xhtml-math-svg/xhtml-math-svg.dtd">\n')
#: 18-verify20 C1's figure: libxml2 drops an undeclared entity from an attribute's value, Chromium reads `:` there.
ENTITY_LINK = ('<?xml version="1.0" encoding="UTF-8"?>\n' + XHTML_DOCTYPE
               + '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60">\n'
               "<a href=\"javascript&colon;console.log('PWN-ENT',document.domain)\"><text x=\"10\" y=\"30\">Open the "
               "full chart</text></a>\n</svg>\n")


@pytest.mark.parametrize(("body", "entities"), [
    ('<image href="http&colon;//evil.example/pic.png"/>', ["colon"]),
    ("<rect style=\"fill:url&lpar;'http&colon;//evil.example/track.svg#p'&rpar;\"/>", ["colon", "lpar", "rpar"]),
    ('<a href="java&Tab;script&colon;alert(1)"><text>x&nbsp;y</text></a>', ["Tab", "colon", "nbsp"]),
])
def test_an_undeclared_entity_in_an_attribute_is_reported_and_never_shipped(body: str, entities: list[str]) -> None:
    """C1 (18-verify20): libxml2 drops an undeclared entity reference from an attribute's value (a warning, not an
    error, under a DOCTYPE with an external id), so the cleaner checked `javascriptconsole.log(…)` and shipped the
    file byte for byte, where Chromium, for a DOCTYPE of an XHTML public id, reads `&colon;` as `:`. Each reference
    is reported; the file is written again from its tree, with no DOCTYPE and no reference left."""
    data = ENTITY_LINK.replace("<a href", body + "\n<a href", 1).encode()
    found = script_in(data, ".svg")
    assert {what for _, what in found} == {f"entity reference `&{name};`" for name in [*entities, "colon"]}
    assert [line for line, _ in found] == sorted(line for line, _ in found) and {line for line, _ in found} == {4, 5}
    shipped = without_script(data, ".svg")
    assert shipped.startswith(XML_DECLARATION) and b"DOCTYPE" not in shipped
    assert not re.search(rb"&(?!amp;|lt;|gt;|quot;|#)", shipped), shipped
    etree.fromstring(shipped)  # no DOCTYPE: any entity reference left would not be well-formed
    assert b"evil.example" not in shipped or b"http//evil.example" in shipped  # as checked: a relative path


def test_an_undeclared_entity_is_a_warning_of_check_and_gone_from_the_packages(project: Path, tmp_path: Path) -> None:
    """C1 (18-verify20): `check --strict` said ok, and the packages carried the figure unchanged; Chromium ran its
    link's `javascript&colon;` on the package's origin when the learner clicked it."""
    (project / "course/media/chart.svg").write_text(ENTITY_LINK, encoding="utf-8")
    edit(project / CUES, "![A baby", "[The full chart](../media/chart.svg)\n\n![A baby")
    warning = ("course/media/chart.svg:4: warning: script removed from this file: entity reference `&colon;` (media run "
               "inside the package, where script could change the learner's score; remove it from the file)")
    checked = run("check", project, "--strict")
    assert checked.exit_code == 1 and warning in checked.stderr.splitlines(), checked.output
    built = run("build", project, "--target", "web", "--out", tmp_path / "out")
    assert built.exit_code == 0 and built.stderr.splitlines() == [warning], built.output
    (packaged,) = (tmp_path / "out" / WEB / "media").glob("chart-*.svg")
    assert packaged.read_bytes() == without_script(ENTITY_LINK.encode(), ".svg")
    assert b"&colon;" not in packaged.read_bytes() and b"DOCTYPE" not in packaged.read_bytes()


def test_an_internal_entity_in_an_attribute_is_shipped_as_the_value_checked() -> None:
    """The attribute's value is checked with the internal entity's text (`javascript:` is found), but libxml2 kept
    the reference in it and wrote it out so, without the DOCTYPE declaring it: a file no browser could read."""
    data = b'<!DOCTYPE svg [<!ENTITY c "b">]><svg xmlns="http://www.w3.org/2000/svg"><rect id="a&c;"/></svg>'
    shipped = without_script(data, ".svg")
    assert etree.fromstring(shipped)[0].get("id") == "ab" and b"&c;" not in shipped


#: A host no reference in a cleaned file may name.
ELSEWHERE = "evil.example"


@pytest.mark.parametrize(("body", "what"), [
    (f'<style>@\\69mport "http://{ELSEWHERE}/imp.css";</style>', "<style> that loads from elsewhere"),
    (f"<style>rect {{ fill: \\75rl(http://{ELSEWHERE}/u.svg#p) }}</style>", "<style> that loads from elsewhere"),
    (f'<style>@im<!-- x -->port "http://{ELSEWHERE}/a.css";</style>', "<style> that loads from elsewhere"),
    (f'<style><![CDATA[g {{ --u: "https://{ELSEWHERE}/a.png" }}]]></style>', "<style> that loads from elsewhere"),
    (f'<rect fill="\\75rl(http://{ELSEWHERE}/u.svg#p)"/>', "reference to another site in `fill`"),
    (f"<rect style=\"fill:url('\\\\\\\\{ELSEWHERE}/p.svg#p')\"/>", "reference to another site in `style`"),
    (f"<rect style=\"stroke:url('h\\9ttp://{ELSEWHERE}/p.svg#p')\"/>", "reference to another site in `style`"),
    (f"<rect style=\"fill:image-set('//{ELSEWHERE}/a.png' 1x)\"/>", "reference to another site in `style`"),
    (f'<image href="\\\\{ELSEWHERE}/a.png"/>', SCHEME_RELATIVE_PROBLEM.format("href")),
    (f'<image href=" /\\{ELSEWHERE}/a.png"/>', SCHEME_RELATIVE_PROBLEM.format("href")),
    (f'<rect><animate attributeName="fill" values="red;\\75rl(//{ELSEWHERE}/p#q)"/></rect>',
     "<animate> that sets reference to another site in `fill`"),
])
def test_css_escapes_hide_no_reference_to_another_site(body: str, what: str) -> None:
    """C3 (18-verify20): a regular expression looked for `@import` and `url(` as written; CSS reads `@\\69mport` as
    `@import` and `\\75rl(` as `url(`, and Chromium fetched both from another site. Styles are read as tinycss2 reads
    them, a `<style>` sheet as the text of all its children (an XML comment does not split it), and URLs as a
    browser's URL parser reads them (`\\\\host` is `//host`); each (found in Chromium) is removed."""
    data = (SVG_OPEN + body + '\n<rect width="5" height="5"/></svg>').encode()
    assert script_in(data, ".svg") == [(2, what)]
    assert ELSEWHERE.encode() not in without_script(data, ".svg")


@pytest.mark.parametrize("body", [
    "<style>.a { fill: url(#g) } text { font-family: 'Open Sans', \"Noto\" } @media print { g { stroke: red } }</style>",
    "<rect style=\"fill:url(#g);font-family:'A'\" transform=\"translate(1 2)\"/>",
    "<a href=\"https://example.org/?q='https://example.org/b'\"><text aria-label=\"Say 'hi' @ 5\">x</text></a>",
    '<image href="pictures\\cat.png"/>',
])
def test_styles_that_load_nothing_from_elsewhere_are_kept(body: str) -> None:
    data = (SVG_OPEN + body + "</svg>").encode()
    assert script_in(data, ".svg") == []
    assert without_script(data, ".svg") == XML_DECLARATION + data


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
#: An XHTML element's prefix for SVG_OPEN's figures (Chromium makes an `<h:img>` inside an `<svg>` an HTML image).
XHTML_IN_SVG = SVG_OPEN.replace(">", ' xmlns:h="http://www.w3.org/1999/xhtml">', 1)
#: An XHTML page around `{}`.
XHTML_PAGE = '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title></head><body>\n{}<p>T</p></body></html>'
#: Elements that Chromium fetched from another site (`{host}`) though the cleaner read only `href` (18-verify20, the
#: follow-up of C1/C3), and one per other attribute that holds a URL: each is removed, whichever attribute it is.
ELSEWHERE_ATTRIBUTES = [
    (".svg", '<h:img src="http://{host}/img-src.png"/>', "src"),
    (".svg", '<h:img srcset="http://{host}/img-srcset.png 1x"/>', "srcset"),
    (".svg", '<h:video poster="http://{host}/poster.png"/>', "poster"),
    (".svg", '<h:img xlink:href="http://{host}/xlink.png"/>', "href"),
    (".svg", '<g xml:base="http://{host}/"><image href="a.png"/></g>', "base"),
    (".xhtml", '<img src="//{host}/x-img-src.png" alt="a"/>', "src"),
    (".xhtml", '<img src="a.png" srcset="a.png 1x, http://{host}/x-srcset.png 2x" alt="a"/>', "srcset"),
    (".xhtml", '<picture><source srcset="a.png 1x,\\\\{host}/x-source.png 2x"/><img src="a.png" alt=""/></picture>',
     "srcset"),
    (".xhtml", '<video poster=" http://{host}/x-poster.png"></video>', "poster"),
    (".xhtml", '<video src="http://{host}/x-video.mp4" preload="auto"></video>', "src"),
    (".xhtml", '<table background="http://{host}/x-bg.png"><tr><td>x</td></tr></table>', "background"),
    (".xhtml", '<input type="image" src="HTTP://{host}/x-input.png" alt="a"/>', "src"),
    (".xhtml", '<a href="#" ping="a.php http://{host}/x-ping">x</a>', "ping"),
    (".xhtml", '<object data="http://{host}/x-data.png"></object>', None),  # the element: it loads a document
    (".xhtml", '<form action="https://{host}/x-form"><button formaction="https://{host}/x-b">x</button></form>',
     "action"),
    (".xhtml", '<blockquote cite="https://{host}/x-cite">x</blockquote><img longdesc="https://{host}/d" alt=""/>',
     "cite"),
    (".xml", '<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="http://{host}/xml.png"/>', "src"),
]


@contextlib.contextmanager
def _elsewhere() -> Iterator[tuple[str, list[str]]]:
    """Another site, on a port of its own: (its host and port, the path of each GET or POST it is asked for, in
    order), answering 404 to each."""
    import http.server
    import threading

    asked: list[str] = []

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_POST = do_GET  # noqa: N815 - the stdlib's name

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    elsewhere = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=elsewhere.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{elsewhere.server_address[1]}", asked
    finally:
        elsewhere.shutdown()
        elsewhere.server_close()


def _with_elsewhere(suffix: str, body: str, host: str) -> bytes:
    """The file of `ELSEWHERE_ATTRIBUTES`' `body` naming `host`, with a line before it."""
    body = body.format(host=host)
    if suffix == ".svg":
        return (XHTML_IN_SVG + body + '<text y="20">t</text></svg>').encode()
    return XHTML_PAGE.format(body).encode() if suffix == ".xhtml" else f"<doc>\n{body}</doc>".encode()


@pytest.mark.parametrize(("suffix", "body", "attribute"), ELSEWHERE_ATTRIBUTES)
def test_no_attribute_of_an_xml_file_names_another_site(suffix: str, body: str, attribute: str | None) -> None:
    """Follow-up of 18-verify20 C1/C3: only `href` was read for a reference to another site, and Chromium fetched an
    XHTML `<img src>` inside an SVG, and `src`, `srcset`, `poster`, `background` in an XHTML file, from another
    site. Every attribute is read as a URL (each item of a list of them), and removed if it names another site."""
    data = _with_elsewhere(suffix, body, ELSEWHERE)
    found = script_in(data, suffix)
    assert found and {line for line, _ in found} == {2}, found
    if attribute is not None:  # `//host` without a scheme is a share from disk (18-verify25-K K3): its own line
        assert {(2, ELSEWHERE_PROBLEM.format(attribute)), (2, SCHEME_RELATIVE_PROBLEM.format(attribute))} & set(found)
    assert ELSEWHERE.encode() not in without_script(data, suffix)


@pytest.mark.parametrize("body", [
    '<a href="https://example.org/more"><text>More</text></a>',
    '<h:a href="https://example.org/more">More</h:a><image href="pictures/cat.png" title="A cat, from a walk"/>',
    '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:cc="http://creativecommons.org/ns#">'
    '<cc:Work rdf:about=""><cc:license rdf:resource="http://creativecommons.org/licenses/by/4.0/"/></cc:Work>'
    "</rdf:RDF></metadata>",
    '<h:img srcset="a.png 1x, b.png 2x" src="data:image/png;base64,iVBORw0KGgo=" alt="a"/>',
])
def test_links_and_metadata_naming_another_site_are_kept(body: str) -> None:
    """A link (`<a href>`) to another site loads nothing until it is followed, and an attribute of a namespace no
    browser reads (Inkscape's licence, `rdf:resource`) loads nothing at all: both stay."""
    data = (XHTML_IN_SVG + body + "</svg>").encode()
    assert script_in(data, ".svg") == []
    assert without_script(data, ".svg") == XML_DECLARATION + data


@pytest.mark.browser
def test_chromium_fetches_nothing_from_another_site_for_a_cleaned_xml_file(browser: "Browser",
                                                                           tmp_path: Path) -> None:
    """ELSEWHERE_ATTRIBUTES, one file of each kind holding all of its kind, served as the packages serve it and
    opened in Chromium (its links and buttons clicked: `ping`, `formaction`): the raw files make it request the other
    site (the test's own server), the cleaned ones nothing (follow-up of 18-verify20 C1/C3)."""
    from browser import serve

    with _elsewhere() as (host, asked):
        (tmp_path / "site").mkdir()
        for suffix in (".svg", ".xhtml", ".xml"):
            body = "".join(body for kind, body, _ in ELSEWHERE_ATTRIBUTES if kind == suffix)
            data = _with_elsewhere(suffix, body, host)
            (tmp_path / "site" / f"raw{suffix}").write_bytes(data)
            (tmp_path / "site" / f"cleaned{suffix}").write_bytes(without_script(data, suffix))
        fetched: dict[str, list[str]] = {}
        with serve(tmp_path / "site") as base:
            for name in sorted(path.name for path in (tmp_path / "site").iterdir()):
                page = browser.new_page()
                before = len(asked)
                page.goto(f"{base}/{name}")
                page.wait_for_timeout(300)
                page.evaluate("document.querySelectorAll('a[ping], button').forEach(e => e.click())")
                page.wait_for_timeout(300)
                fetched[name] = sorted(asked[before:])
                page.close()
    assert {name: paths for name, paths in fetched.items() if name.startswith("cleaned")} == {
        "cleaned.svg": [], "cleaned.xhtml": [], "cleaned.xml": []}
    assert {"/img-src.png", "/poster.png", "/x-img-src.png", "/x-poster.png", "/x-bg.png", "/x-input.png",
            "/xml.png"} <= {path for paths in fetched.values() for path in paths}, fetched
HTML_ELSEWHERE = ('<!doctype html><html><head><title>t</title><style>p {{ color: rgb(1, 2, 3) }}</style></head><body>'
                  '<p style="margin-left: 7px">Doc</p><img id="own" src="own.png" alt="own">'
                  '<img id="inline" src="data:image/png;base64,{png}" alt="inline">'
                  '<img src="http://{host}/h-img.png" alt="x"><img srcset="http://{host}/h-srcset.png 1x" alt="y">'
                  '<video poster="http://{host}/h-poster.png"></video><audio src="http://{host}/h-audio.mp3" '
                  'preload="auto"></audio><table background="http://{host}/h-bg.png"><tr><td>x</td></tr></table>'
                  '</body></html>')


@pytest.mark.browser
def test_chromium_fetches_nothing_from_another_site_for_a_cleaned_html_file(browser: "Browser",
                                                                            tmp_path: Path) -> None:
    """18-verify21 D1's note: a linked `.html` file keeps `<img src="http://…">` (the HTML cleaner keeps `src`,
    `srcset`, `poster`), and MEDIA_POLICY had no `default-src`, so opening it told the other site. The cleaned file,
    served as the packages serve it, now fetches nothing from there, while its own picture, a `data:` picture, its
    `<style>` and `style=""` still work (the raw file fetches all four: the test's server sees them)."""
    import base64

    from browser import serve

    with _elsewhere() as (host, asked):
        png = one_bit_png(1)
        data = HTML_ELSEWHERE.format(host=host, png=base64.b64encode(png).decode()).encode()
        (tmp_path / "site").mkdir()
        (tmp_path / "site" / "own.png").write_bytes(png)
        (tmp_path / "site" / "raw.html").write_bytes(data)
        (tmp_path / "site" / "cleaned.html").write_bytes(without_script(data, ".html"))
        fetched: dict[str, list[str]] = {}
        shown: dict[str, object] = {}
        with serve(tmp_path / "site") as base:
            for name in ("raw.html", "cleaned.html"):
                page = browser.new_page()
                before = len(asked)
                page.goto(f"{base}/{name}")
                page.wait_for_timeout(500)
                fetched[name] = sorted(asked[before:])
                shown[name] = page.evaluate(
                    "[document.getElementById('own').naturalWidth, document.getElementById('inline').naturalWidth, "
                    "getComputedStyle(document.querySelector('p')).color, "
                    "getComputedStyle(document.querySelector('p')).marginLeft]")
                page.close()
    assert fetched["cleaned.html"] == [], fetched
    assert {"/h-img.png", "/h-srcset.png", "/h-poster.png"} <= set(fetched["raw.html"]), fetched
    assert shown["cleaned.html"] == [1, 1, "rgb(1, 2, 3)", "7px"], shown


CHART = ("<a><animate attributeName=\"href\" values=\"#;javascript:console.log('PWN', document.domain)\" dur=\"0.1s\" "
         'fill="freeze"/><text x="10" y="30">Open the full chart</text></a>')


@pytest.mark.parametrize(("suffix", "text", "what"), [
    (".svg", SVG_OPEN + CHART + "</svg>", "<animate> that sets `javascript:console.log('pwn'` URL"),
    (".svg", SVG_OPEN + '<a><set attributeName="xlink:href" to=" java\tscript:alert(1)"/><text>x</text></a></svg>',
     "<set> that sets `javascript:alert(1)` URL"),
    (".svg", SVG_OPEN + '<a><animate xmlns:x="http://www.w3.org/1999/xlink" attributeName="x:href" from="#" '
                        'by="vbscript:x"/><text>x</text></a></svg>', "<animate> that sets `vbscript:x` URL"),
    (".svg", SVG_OPEN + '<a href="#"><set attributeName="onclick" to="alert(1)"/><text>x</text></a></svg>',
     "<set> that sets event-handler attribute `onclick`"),
    (".svg", SVG_OPEN + '<g><animate href="#link" attributeName="href" values="#a; https://example.org/;#b"/></g>'
                        '<a id="link"><text>x</text></a></svg>',
     "<animate> that sets reference to another site in `href`"),
    (".svg", SVG_OPEN + '<use href="#a"><set attributeName="href" to="https://example.org/a.svg#x"/></use></svg>',
     "<set> that sets reference to another site in `href`"),
    (".svg", SVG_OPEN + '<image><animateMotion attributeName="href" values="0,0;data:image/svg+xml,x"/></image></svg>',
     "<animateMotion> that sets `data:image/svg+xml` URL"),
    (".xhtml", '<html xmlns="http://www.w3.org/1999/xhtml"><body>' + SVG_OPEN + CHART + "</svg></body></html>",
     "<animate> that sets `javascript:console.log('pwn'` URL"),
    (".html", "<p>Chart</p>\n<svg>" + CHART.replace("attributeName", "ATTRIBUTENAME") + "</svg>",
     "<animate> that sets `javascript:console.log('pwn'` URL"),
    (".svg", SVG_OPEN + '<a href="data:text/xml,&lt;x/&gt;"><text>x</text></a></svg>', "`data:text/xml` URL"),
    (".svg", SVG_OPEN + '<use xlink:href="data:text/xml;base64,PHN2Zy8+#x"/></svg>', "`data:text/xml;base64` URL"),
    (".svg", SVG_OPEN + '<image href="data:text/html,x"/></svg>', "`data:text/html` URL"),
])
def test_an_animation_that_sets_script_and_a_data_url_of_a_document_are_removed(suffix: str, text: str,
                                                                                 what: str) -> None:
    """C2 (18-verify18): `<animate attributeName="href" values="#;javascript:…">` made its link run script on the
    package's origin when clicked, in an SVG and in an XHTML file: only whole attribute values were looked at. An
    animation sets its attribute to each of its values, so each is checked as that attribute of its target would be,
    and the animation is removed. A `data:text/xml` URL (a document) was kept too."""
    data = text.encode()
    assert script_in(data, suffix) == [(2, what)]
    cleaned = without_script(data, suffix).removeprefix(HTML_PROLOG).lower()
    assert not any(word in cleaned for word in (b"animate", b"<set", b"script:", b"example.org", b"data:text",
                                                b"data:image", b"onclick"))
    assert b"x</text>" in cleaned or b"chart</text>" in cleaned or b"<use" in cleaned or b"<image" in cleaned


@pytest.mark.parametrize("text", [
    '<circle r="5"><animate attributeName="opacity" values="0;1;0" dur="2s" repeatCount="indefinite"/></circle>',
    '<use href="#a"><set attributeName="href" to="#b" begin="1s"/></use>',
    '<a href="https://example.org/"><set attributeName="xlink:href" to="https://example.org/more"/><text>x</text></a>',
    '<rect><animate attributeName="fill" values="red;url(#g);blue" dur="1s"/></rect>',
    '<g><animateTransform attributeName="transform" type="rotate" from="0 5 5" to="360 5 5" dur="3s"/></g>',
    '<image href="data:image/png;base64,iVBORw0KGgo="/>',
])
def test_ordinary_animations_and_pictures_in_data_urls_are_kept(text: str) -> None:
    data = (SVG_OPEN + text + "</svg>").encode()
    assert script_in(data, ".svg") == []
    assert without_script(data, ".svg") == XML_DECLARATION + data


POLICY_META = f'<meta http-equiv="Content-Security-Policy" content="{MEDIA_POLICY}"/>'


@pytest.mark.parametrize(("suffix", "text", "head"), [
    (".xhtml", '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Hi</p></body></html>', f"<head>{POLICY_META}</head>"),
    (".xht", '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title></head><body/></html>',
     f"<head>{POLICY_META}<title>T</title></head>"),
    (".xml", '<h:html xmlns:h="http://www.w3.org/1999/xhtml"><h:body/><h:head/></h:html>',
     f"<h:head>{POLICY_META.replace('<meta', '<h:meta')}</h:head><h:body/><h:head/>"),
    (".svg", '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Security-Policy" '
             "content=\"script-src 'unsafe-inline'\"/></head><body/></html>", f"<head>{POLICY_META}</head>"),
])
def test_an_xhtml_file_gets_the_policy_an_html_file_gets(suffix: str, text: str, head: str) -> None:
    """C2 (18-verify18): a linked XHTML file got no Content-Security-Policy, unlike an HTML file. Whatever its name,
    a file whose root is XHTML's `<html>` gets the policy first in its first child, a `<head>` (Chromium applies it
    only there); an author's own policy is removed as any `<meta http-equiv>` is."""
    shipped = without_script(text.encode(), suffix).decode()
    root = shipped.partition("?>\n")[2]
    assert root.startswith(text[:text.index(">") + 1] + head), shipped


def test_an_xml_file_of_another_root_is_shipped_as_it_is() -> None:
    data = b'<r xmlns:h="http://www.w3.org/1999/xhtml"><h:html><h:p>Hi</h:p></h:html></r>'
    assert without_script(data, ".xml") == XML_DECLARATION + data


def test_compressed_svg_is_refused(project: Path) -> None:
    (project / "course/media/evil.svgz").write_bytes(b"\x1f\x8b")
    edit(project / CUES, "![A baby", "[The diagram](../media/evil.svgz)\n\n![A baby")
    fails_with(project, f"{CUES}:11: `../media/evil.svgz` is compressed SVG, which cannot be checked for script "
               "(save it as plain `.svg`)", command="check")


PWN = "document.documentElement.setAttribute('data-pwned','1')"
#: Files Chromium runs the script of (up to the first error) though they are not well-formed: the cleaner cannot
#: parse them, and a scan of their bytes misses the script (UTF-16, character references).
UNPARSEABLE = {
    "bom.svg": b"\xff\xfe" + f'<svg xmlns="http://www.w3.org/2000/svg"><script>{PWN}</script><circle r="5"/></svg>'
                              "<bad".encode("utf-16-le"),
    "declared.svg": f'<?xml version="1.0" encoding="UTF-16"?><svg xmlns="http://www.w3.org/2000/svg"><script>{PWN}'
                    "</script></svg><bad".encode("utf-16-le"),
    "page.xhtml": b"\xfe\xff" + f'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p><script>{PWN}</script>'
                                 "</body></html><bad".encode("utf-16-be"),
    "data.xml": b"\xff\xfe" + f'<r><h:script xmlns:h="http://www.w3.org/1999/xhtml">{PWN}</h:script></r><bad'
                               .encode("utf-16-le"),
    "refs.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;'
                b'&#x70;&#x74;:alert(1)"><text>click</text></a></svg><bad',
    "entity.svg": ('<!DOCTYPE svg [<!ENTITY s "&#60;&#115;&#99;&#114;&#105;&#112;&#116;&#62;' + PWN
                   + '&#60;/&#115;&#99;&#114;&#105;&#112;&#116;&#62;">]>\n<svg xmlns="http://www.w3.org/2000/svg">&s;'
                   '<circle r="5"/></svg><bad').encode(),
    "laughs.svg": ('<!DOCTYPE svg [<!ENTITY s "<script>' + PWN + '</script>"><!ENTITY a "aaaaaaaaaaaaaaaaaaaa">'
                   + "".join(f'<!ENTITY {b} "{("&" + a + ";") * 20}">' for a, b in zip("abcdef", "bcdefg", strict=True))
                   + ']>\n<svg xmlns="http://www.w3.org/2000/svg">&s;<desc>&g;</desc></svg>').encode(),
}


@pytest.mark.parametrize("name", list(UNPARSEABLE))
def test_a_linked_file_that_cannot_be_parsed_is_refused_never_shipped(project: Path, name: str) -> None:
    (project / "course/media" / name).write_bytes(UNPARSEABLE[name])
    edit(project / CUES, "![A baby", f"[The diagram](../media/{name})\n\n![A baby")
    for command in ("check", "build"):
        result = run(command, project, *(["--out", project.parent / "out"] if command == "build" else []))
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and not (project.parent / "out").exists()
        (line,) = [line for line in result.stderr.splitlines() if line.startswith(f"course/media/{name}:")]
        assert ": this file cannot be read as XML (" in line, line
        assert line.endswith(", so it cannot be checked for script (fix or re-export the file as UTF-8; a browser "
                             "may run what it can read of it)"), line
    assert without_script(UNPARSEABLE[name], Path(name).suffix) == b""


@pytest.mark.parametrize("name", ["bom.svg", "entity.svg", "laughs.svg"])
def test_a_picture_that_cannot_be_parsed_is_packaged_empty(project: Path, tmp_path: Path, name: str) -> None:
    """A broken picture is the image rule's warning, not an error; but its bytes are never shipped."""
    (project / "course/media" / name).write_bytes(UNPARSEABLE[name])
    edit(project / CUES, "![A baby", f"![The diagram](../media/{name})\n\n![A baby")
    result = run("build", project, "--target", "web", "--out", tmp_path / "out")
    assert result.exit_code == 0 and "so learners see a broken image" in result.stderr, result.output
    (packaged,) = (tmp_path / "out" / WEB / "media").glob(f"{Path(name).stem}-*.svg")
    assert packaged.read_bytes() == b""


def use_bomb(levels: int = 9) -> bytes:
    """An SVG of 1.9 KB whose `<use>` elements draw 10 ** levels circles (CairoSVG would draw for years)."""
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" role="img">'
             '<defs><g id="g0"><circle cx="5" cy="5" r="4"/></g>']
    parts += [f'<g id="g{i}">' + f'<use href="#g{i - 1}"/>' * 10 + "</g>" for i in range(1, levels + 1)]
    return ("".join(parts) + f'</defs><use href="#g{levels}"/></svg>').encode()


BOMB_LINE = (f"course/media/cues.svg:1: drawing this figure makes more than {media.MAX_SVG_COPIES:,} copies of its "
             "shapes (its `<use>` elements and `url(#…)` references copy parts that copy others in turn) (simplify "
             "the figure, or save it again from a drawing program with its copies made plain shapes)")


def test_an_svg_figure_that_copies_itself_a_billion_times_is_refused(tmp_path: Path) -> None:
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/cues.svg").write_bytes(use_bomb())
    for command in ("check", "slides", "kit", "build"):
        result = coursebuild(command, record, timeout=60)
        assert result.returncode == 1 and "Traceback" not in result.stderr, (command, result.stderr)
        assert BOMB_LINE in result.stderr.splitlines(), (command, result.stderr)
    assert not (record / "dist").exists()


SHEET = (b'<svg xmlns="http://www.w3.org/2000/svg"><style>.a{fill:url(#g)}</style><linearGradient id="g"><stop/>'
         b'</linearGradient><rect class="a"/><rect/></svg>')


def test_a_sheet_whose_rules_need_too_many_tests_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past _MAX_SHEET_TESTS tests of (rule, element) pairs and matches, the figure is refused (18-verify9 Y8: taking
    every rule to match every element made the estimate quadratic)."""
    assert media.svg_copies(etree.fromstring(SHEET)) == 2  # the gradient and its stop, for the one `.a`
    assert media.svg_drawing_problem(SHEET) is None
    monkeypatch.setattr(media, "_MAX_SHEET_TESTS", 1)
    problem = media.svg_drawing_problem(SHEET + b"\n")  # another content: not the drawing worked out above
    assert problem is not None and problem[1].startswith("drawing this figure for a slide would take more than 2 s")


def marker_bomb(points: int = 40_000, inherited: bool = False) -> bytes:
    """A marker of 900 circles at each of the vertices of a polyline (261 KB: CairoSVG draws 36 million circles),
    its markers set on the polyline or, `inherited`, by `style=` on a group around it."""
    circles = "".join(f'<circle cx="{i % 30}" cy="{i // 30}" r="0.5"/>' for i in range(900))
    vertices = " ".join(f"{i % 100} {i // 100 % 100}" for i in range(points))
    markers = 'marker-start="url(#m)" marker-mid="url(#m)" marker-end="url(#m)"'
    line = f'<polyline points="{vertices}" fill="none" stroke="black" {"" if inherited else markers}/>'
    if inherited:
        line = f'<g style="marker: url(#m)">{line}</g>'
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" role="img">'
            f'<defs><marker id="m" markerWidth="30" markerHeight="30" markerUnits="userSpaceOnUse">{circles}</marker>'
            f'</defs>{line}</svg>').encode()


@pytest.mark.parametrize("inherited", [False, True], ids=["attributes", "style-on-a-group"])
def test_an_svg_figure_whose_marker_repeats_36_million_circles_is_refused(tmp_path: Path, inherited: bool) -> None:
    """A marker's repeats along a path are copies too: `check` said ok and `slides` ran for ever."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/cues.svg").write_bytes(marker_bomb(inherited=inherited))
    for command in ("check", "slides"):
        result = coursebuild(command, record, timeout=60)
        assert result.returncode == 1 and "Traceback" not in result.stderr, (command, result.stderr)
        assert BOMB_LINE in result.stderr.splitlines(), (command, result.stderr)


def sheet_mask_bomb(levels: int = 6) -> bytes:
    """3.2 KB: masks of 10 rectangles whose class gives them the mask of the level below, from a `<style>` sheet."""
    sheet = "".join(f".k{i}{{mask:url(#m{i})}}" for i in range(levels))
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" role="img">'
             f'<style>{sheet}</style><defs><mask id="m0"><circle cx="5" cy="5" r="4" fill="white"/></mask>']
    parts += [f'<mask id="m{i}">' + f'<rect width="100" height="100" fill="white" class="k{i - 1}"/>' * 10
              + "</mask>" for i in range(1, levels)]
    return ("".join(parts) + f'</defs><rect width="100" height="100" class="k{levels - 1}"/></svg>').encode()


def test_an_svg_figure_whose_style_sheet_copies_a_million_times_is_refused(tmp_path: Path) -> None:
    """References set by a `<style>` sheet's rules count for the elements they match: `check` said ok, `slides`
    ran for ever."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/cues.svg").write_bytes(sheet_mask_bomb())
    for command in ("check", "slides"):
        result = coursebuild(command, record, timeout=60)
        assert result.returncode == 1 and "Traceback" not in result.stderr, (command, result.stderr)
        assert BOMB_LINE in result.stderr.splitlines(), (command, result.stderr)


def test_a_kit_template_cannot_show_an_svg_that_copies_itself_a_billion_times(tmp_path: Path) -> None:
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/bomb.svg").write_bytes(use_bomb())
    sheet = (REPO / "builder/templates/kit/attendance-sheet.html").read_text(encoding="utf-8")
    (record / "templates/kit").mkdir(parents=True, exist_ok=True)
    (record / "templates/kit/attendance-sheet.html").write_text(
        sheet.replace("{% block body %}", '{% block body %}<img alt="logo" src="../media/bomb.svg">'), encoding="utf-8")
    result = coursebuild("kit", record, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert BOMB_LINE.replace("cues.svg", "bomb.svg") in result.stderr.splitlines(), result.stderr


def kit_sheet(record: Path, body: str, style: str = "") -> None:
    """A project attendance sheet of its own: `body` in <body>, `style` in <style>."""
    (record / "templates/kit").mkdir(parents=True, exist_ok=True)
    (record / "templates/kit/attendance-sheet.html").write_text(
        f"<html><head><style>{style}</style></head><body>{body}</body></html>\n", encoding="utf-8")


KIT_SHEET = "templates/kit/attendance-sheet.html"
SIMPLER = "(make the document simpler: fewer pages, elements and nested layouts)"


@pytest.mark.parametrize("command", ["check", "kit"])
def test_a_kit_template_that_forces_thousands_of_page_breaks_is_refused(tmp_path: Path, command: str) -> None:
    """121 bytes of template made one PDF page per `<p>`: 2,000 pages took `kit` 30 s of processor time and
    270 MB, 10,000 over 400 s. Forced breaks are counted before WeasyPrint runs."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    kit_sheet(record, "{% for i in range(2000) %}<p>x</p>{% endfor %}", "@media print { p { break-after: page } }")
    result = coursebuild(command, record, *(["--out", tmp_path / "out"] if command == "kit" else []))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines() == [
        f"{KIT_SHEET}:1: the kit's attendance-sheet forces 2,000 page breaks, so its PDF would have more than the "
        f"{kit.MAX_KIT_PAGES} pages it may have (break pages only between its parts)", "course invalid: 1 error"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["check", "kit"])
def test_weasyprint_is_stopped_past_the_page_bound(tmp_path: Path, command: str) -> None:
    """Pages that no break forces (each paragraph taller than a page) are known only by laying them out:
    WeasyPrint is stopped at page 201, in about 4 s of processor time. `check` passed it; it now lays out the kit
    of a project with kit templates of its own as `kit` does (`kit.layout_problems`), with the same line."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    kit_sheet(record, "{% for i in range(2000) %}<p>x</p>{% endfor %}", "p { height: 250mm }")
    result = coursebuild(command, record, *(["--out", tmp_path / "out"] if command == "kit" else []))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines() == [
        f"{KIT_SHEET}:1: the kit's attendance-sheet PDF cannot be made: it makes more than {kit.MAX_KIT_PAGES} pages "
        f"{SIMPLER}", "course invalid: 1 error"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["check", "kit"])
def test_a_kit_document_of_too_many_elements_is_refused_before_weasyprint_runs(tmp_path: Path, command: str) -> None:
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    kit_sheet(record, "{% for i in range(10000) %}<p>x</p>{% endfor %}", "p{break-after:page}")
    result = coursebuild(command, record)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"{KIT_SHEET}:1: the kit's attendance-sheet has 10,004 HTML elements, more than the {kit.MAX_KIT_ELEMENTS:,} its "
        "PDF may lay out (show less in it, or make fewer elements)")


@pytest.mark.parametrize("command", ["check", "kit"])
def test_a_page_nested_too_deeply_for_the_kit_is_refused(tmp_path: Path, command: str) -> None:
    """150 nested `<div>` (Markdown allows 200) made WeasyPrint raise RecursionError: 2,370 lines of traceback."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    cues = record / CUES
    cues.write_text(cues.read_text(encoding="utf-8") + "\n\n" + "<div>" * 150 + "x" + "</div>" * 150 + "\n",
                    encoding="utf-8")
    last = len(cues.read_text(encoding="utf-8").splitlines())  # the line of the <div>s
    result = coursebuild(command, record)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines() == [
        f"{CUES}:{last}: this page nests HTML elements 150 levels deep, more than the {kit.MAX_KIT_BODY_DEPTH} the kit's "
        "PDFs can lay out (nest fewer elements inside each other)", "course invalid: 1 error"]


@pytest.mark.parametrize("command", ["check", "kit"])
def test_a_kit_template_nested_too_deeply_is_refused(tmp_path: Path, command: str) -> None:
    """70 bytes of template nesting 200 `<div>`: the same RecursionError traceback."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    kit_sheet(record, "{% for i in range(200) %}<div>{% endfor %}x")
    result = coursebuild(command, record)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines() == [
        f"{KIT_SHEET}:1: the kit's attendance-sheet nests HTML elements 202 levels deep, more than the "
        f"{kit.MAX_KIT_DEPTH} its PDF may lay out (nest fewer elements inside each other)", "course invalid: 1 error"]


def test_any_failure_of_weasyprint_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the bounds before WeasyPrint do not catch (here, with the depth bound lifted, its RecursionError)."""
    monkeypatch.setattr(kit, "MAX_KIT_DEPTH", 10_000)
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    kit_sheet(record, "{% for i in range(200) %}<div>{% endfor %}x")
    lines = fails_with(record, f"{KIT_SHEET}:1: the kit's attendance-sheet PDF cannot be made: its elements nest too "
                       f"deeply for WeasyPrint (at most 10000) {SIMPLER}", command="kit")
    assert lines[-1] == "course invalid: 1 error"


def test_weasyprint_is_stopped_at_its_processor_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nested flex boxes take WeasyPrint time exponential in their depth (8: 5 s, 14: hours), in 150 bytes that
    no static bound can tell from a real layout."""
    monkeypatch.setattr(kit, "MAX_KIT_SECONDS", 1)
    monkeypatch.setattr(kit, "MAX_KIT_RELAYOUT_DEPTH", 100)  # past `check`'s rule, to the bound behind it
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    kit_sheet(record, '{% for i in range(14) %}<div style="display:flex">{% endfor %}x')
    fails_with(record, f"{KIT_SHEET}:1: the kit's attendance-sheet PDF cannot be made: WeasyPrint took more than 1 s of "
               f"processor time for it {SIMPLER}", command="kit")


def test_weasyprint_is_stopped_at_its_memory(tmp_path: Path) -> None:
    """In a fresh process (one that laid out PDFs before has freed memory mapped, which the child may reuse)."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    code = ("import sys; from builder import kit; from builder.cli import main; kit.MAX_KIT_MEMORY = 4 * 1024 ** 2; "
            "main(sys.argv[1:])")
    result = subprocess.run([sys.executable, "-c", code, "kit", str(record), "--out", str(tmp_path / "out")],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == len(kit.DOCUMENTS) + 1 and not (tmp_path / "out").exists(), lines
    for line in lines[:-1]:
        assert re.fullmatch(r"course/course\.yaml:1: the kit's [a-z-]+ PDF cannot be made: (it needs more than 4 MB of "
                            r"memory|WeasyPrint stopped \(signal \d+\), most likely out of memory) "
                            + re.escape(SIMPLER), line), line


@pytest.mark.parametrize(("svg", "copies"), [
    # the <use> of g2 draws g2 again (321 elements); g2's 10 <use> draw g1 (31 each), g1's draw g0 (2 each); what
    # <defs> holds is counted as drawn too (an upper bound): 678 elements drawn, the file's own 27 taken off
    (use_bomb(2), 651),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g><rect style="fill:url(#p)"/>'
     b'<pattern id="p"><circle r="1"/></pattern></svg>', 2),  # a loop draws nothing; the pattern once more
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><g id="a"><circle r="1"/></g>'
     b'<use x:href="#a"/><use x:href="#a"/><use href="#missing"/></svg>', 4),
    # a marker of 2 elements at each vertex of the line (3, counted as its 6 numbers), 3 times over: 36 copies
    (b'<svg xmlns="http://www.w3.org/2000/svg"><marker id="m"><circle r="1"/></marker>'
     b'<polyline points="0,0 1,1 2,2" marker-start="url(#m)" marker-mid="url(#m)" marker-end="url(#m)"/></svg>', 36),
    # a sheet's rules count for what they match: the two `.a` (also in @media), not `.b`, nor a rule that
    # does not parse; the gradient and its 2 stops drawn again for each
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>.a{fill:url(#g)} @media print{rect.a{stroke:url(#g)}}'
     b' .b{fill:red} ]]{fill:url(#g)}</style><linearGradient id="g"><stop/><stop/></linearGradient>'
     b'<rect class="a"/><rect class="a"/><rect class="b"/></svg>', 2 * 2 * 3),
])
def test_svg_copies_counts_what_references_draw(svg: bytes, copies: int) -> None:
    assert media.svg_copies(etree.fromstring(svg)) == copies


def pattern_figure(tile: str, inside: str = "", attributes: str = "", fill: str = '<rect width="100" height="100" '
                   'fill="url(#p)"/>') -> bytes:
    """A 100-unit figure filled with a pattern of `tile` (its width and height), holding `inside`."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" viewBox="0 0 100 100" '
            f'width="400" height="400" role="img"><defs><pattern id="p" width="{tile}" height="{tile}" '
            f'patternUnits="userSpaceOnUse"{attributes}><circle cx="0.5" cy="0.5" r="0.3"/>{inside}</pattern>'
            f'</defs>{fill}</svg>').encode()


@pytest.mark.parametrize(("svg", "tiles"), [
    (pattern_figure("10"), 100),  # a 100 by 100 figure in tiles of 10 by 10
    (pattern_figure("2"), 2_500),  # a dot grid
    (pattern_figure("1", attributes=' patternTransform="scale(0.1)"'), 1_000_000),  # tiles a tenth across
    (pattern_figure("1", attributes=' patternTransform="matrix(10 0 0 10 3 4)"'), 100),
    (pattern_figure("1", fill='<g transform="scale(0.01 1)"><rect width="10000" height="100" fill="url(#p)"/></g>'),
     1_000_000),  # the filled element's user space shrinks the tiles too
    # a pattern inside each tile: 2,500 tiles, each of 16 tiles of the inner pattern (and 16 for the definition)
    (pattern_figure("2", inside='<rect width="2" height="2" fill="url(#q)"/>',
                    fill='<pattern id="q" width="0.5" height="0.5" patternUnits="userSpaceOnUse"><circle r="0.1"/>'
                         '</pattern><rect width="100" height="100" fill="url(#p)"/>'), 16 + 2_500 * 17),
    # objectBoundingBox (the default): width and height are fractions of what is filled
    (pattern_figure("0.01", fill='<pattern id="b" x:href="#p" patternUnits="objectBoundingBox"/>'
                                 '<rect width="100" height="100" style="fill: url(#b)"/>'), 10_000),
    (pattern_figure("0"), 0),  # a tile of no size draws nothing
    (pattern_figure("1e-200"), media.MAX_SVG_TILES + 1),  # its area is too small for a float: countless
    (pattern_figure("10", fill='<rect width="100" height="100" fill="red"/>'), 0),  # a pattern no one uses
])
def test_svg_tiles_counts_the_tiles_patterns_repeat_in(svg: bytes, tiles: int) -> None:
    assert media.svg_tiles(etree.fromstring(svg)) == tiles
    assert (media.svg_drawing_problem(svg) is None) == (tiles <= media.MAX_SVG_TILES)


@pytest.mark.parametrize("svg", [pattern_figure("0.001"), pattern_figure("1", attributes=' patternTransform="scale(0.001)"'),
                                 pattern_figure("0.1", inside='<rect width="1" height="1" fill="url(#q)"/>',
                                                fill='<pattern id="q" width="0.001" height="0.001" '
                                                     'patternUnits="userSpaceOnUse"><circle r="0.0003"/></pattern>'
                                                     '<rect width="100" height="100" fill="url(#p)"/>')],
                         ids=["tiny-tiles", "pattern-transform", "nested"])
def test_a_small_pattern_figure_of_billions_of_tiles_is_refused(tmp_path: Path, svg: bytes) -> None:
    """A 400-byte figure of a pattern of 0.001-unit tiles over 100 units: 10¹⁰ tiles, which a PDF viewer draws one
    by one (Poppler took 39 s for 10⁹ of them in the kit's PDF); `check` said it was fine."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/cues.svg").write_bytes(svg)
    result = coursebuild("check", record, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert (f"course/media/cues.svg:1: drawing this figure repeats its patterns in more than "
            f"{media.MAX_SVG_TILES:,} tiles (a `<pattern>` whose tiles are tiny beside the area it fills, or patterns "
            "inside patterns), which PDF viewers draw one by one (make the pattern's tiles larger (`width`, `height`, "
            "`patternTransform`), or fill with a plain colour)") in result.stderr.splitlines(), result.stderr


def test_a_figure_with_a_normal_pattern_passes_and_builds(tmp_path: Path) -> None:
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/cues.svg").write_bytes(pattern_figure("4"))
    result = run("check", record, "--strict")
    assert result.exit_code == 0, result.output


def one_bit_png(side: int) -> bytes:
    """A PNG of `side` by `side` pixels, one bit each, all zero: 13,300 across is 21 KB on disk, 177 MB decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (side + 7) // 8)
    pixels = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 3, 0, 0, 0))
            + chunk(b"PLTE", b"\0\0\0\xff\xff\xff") + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def test_a_picture_that_decodes_to_hundreds_of_megabytes_is_left_out_of_the_kit_undecoded(tmp_path: Path) -> None:
    """Three 21 KB PNGs of 13,300 by 13,300 pixels took the kit 130 s and 1.5 GB, with Pillow's raw warnings."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/bomb.png").write_bytes(one_bit_png(13_300))
    edit(record / CUES, "../media/cues.svg", "../media/bomb.png")
    warning = (f"{CUES}:11: warning: `../media/bomb.png` is too large (over 40 million pixels when decoded; the kit "
               "and the slides leave it out), so learners see a broken image (export the image again from your "
               "drawing or photo program)")
    checked = coursebuild("check", record, timeout=60)
    assert checked.returncode == 0 and checked.stderr.splitlines() == [warning], checked.stderr
    kit = coursebuild("kit", record, timeout=60)  # without the bound: over 40 s and 600 MB for this one picture
    assert kit.returncode == 0 and kit.stderr.splitlines() == [warning], kit.stderr


def test_a_template_deck_that_links_to_pictures_elsewhere_is_refused(tmp_path: Path) -> None:
    """A layout picture linked to http://… (or file://host/share, which leaks Windows credentials) was copied
    into every deck built: LibreOffice fetched it when converting the deck."""
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE

    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    deck = Presentation()
    layout = deck.slide_layouts[0]
    link = layout.part.relate_to("http://127.0.0.1:9/track.png", RELATIONSHIP_TYPE.IMAGE, is_external=True)
    layout.part.relate_to("https://example.org/", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)  # only if clicked
    layout.shapes._spTree.append(etree.fromstring(
        '<p:pic xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:nvPicPr><p:cNvPr id="999" '
        f'name="ext"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:link="{link}"/><a:stretch>'
        '<a:fillRect/></a:stretch></p:blipFill><p:spPr/></p:pic>'))
    (record / "templates").mkdir(exist_ok=True)
    deck.save(str(record / "templates/slides.pptx"))
    expected = ("templates/slides.pptx:1: the template deck links to http://127.0.0.1:9/track.png from "
                "/ppt/slideLayouts/slideLayout1.xml, which PowerPoint or LibreOffice would fetch or run when the "
                "deck is opened (remove it, or save the deck again with its pictures embedded, not linked)")
    for command in ("check", "slides"):
        result = coursebuild(command, record, timeout=120)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert [line for line in result.stderr.splitlines() if "slides.pptx" in line] == [expected], result.stderr
    assert not (record / "dist").exists()


def test_a_well_formed_utf16_svg_is_shipped_as_the_utf8_that_was_checked() -> None:
    svg = '<?xml version="1.0" encoding="UTF-16"?><svg xmlns="http://www.w3.org/2000/svg"><rect width="5"/></svg>'
    for data in (svg.encode("utf-16-le"), b"\xff\xfe" + svg.encode("utf-16-le"), svg.encode("utf-16")):
        shipped = without_script(data, ".svg")
        assert shipped.startswith(b"<?xml version='1.0' encoding='utf-8'?>") and b"\0" not in shipped
        assert b'<rect width="5"/>' in shipped
    plain = svg.replace(' encoding="UTF-16"', "").encode()
    assert without_script(plain, ".svg") == XML_DECLARATION + plain.partition(b"?>")[2]  # the tree, as UTF-8


def test_script_in_a_linked_html_file_is_removed(project: Path, tmp_path: Path) -> None:
    (project / "course/media/handout.html").write_text(
        "<!doctype html><html><head><title>Handout</title></head>\n<body onload=\"x()\"><p>Keep this</p>\n"
        "<script src=\"steal.js\"></script><iframe src=\"https://example.org\"></iframe></body></html>",
        encoding="utf-8")
    edit(project / CUES, "![A baby", "[The handout](../media/handout.html)\n\n![A baby")
    result = run("build", project, "--target", "web", "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert [line.split(": warning: ")[0] for line in result.stderr.splitlines()] == [
        "course/media/handout.html:2", "course/media/handout.html:3", "course/media/handout.html:3"]
    (packaged,) = (tmp_path / "out" / WEB / "media").glob("handout-*.html")
    text = packaged.read_bytes().removeprefix(HTML_PROLOG).decode("utf-8")
    assert "<p>Keep this</p>" in text and "script" not in text and "onload" not in text and "iframe" not in text


@pytest.mark.parametrize("data", [
    b'<meta charset="utf-16"><p>Hi</p><script>parent.API.LMSSetValue("cmi.core.score.raw","100")</script>',
    b'<meta charset="utf-32"><p>Hi</p><img src=x onerror="alert(1)">',
    b"\xff\xfe" + '<p>Hi</p><script>alert(1)</script>'.encode("utf-16-le"),
    b"\xfe\xff" + '<p>Hi</p><script>alert(1)</script>'.encode("utf-16-be"),
    b'<meta charset="cp037"><p>Hi</p><script>alert(1)</script>',
    b'<meta charset="base64"><p>Hi</p><script>alert(1)</script>',
    b'<meta charset="no-such-encoding"><p>Hi</p><script>alert(1)</script>',
])
def test_linked_html_is_decoded_as_a_browser_would_and_shipped_as_checked(project: Path, tmp_path: Path,
                                                                          data: bytes) -> None:
    """A declared UTF-16 that a browser ignores, a byte order mark, or an encoding lxml does not know: the
    cleaner reads what the browser reads, and the package holds the cleaned text as UTF-8, never the original."""
    (project / "course/media/handout.html").write_bytes(data)
    edit(project / CUES, "![A baby", "[The handout](../media/handout.html)\n\n![A baby")
    result = run("build", project, "--target", "web", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    (packaged,) = (tmp_path / "out" / WEB / "media").glob("handout-*.html")
    shipped = packaged.read_bytes()
    assert shipped.startswith(HTML_PROLOG)
    text = shipped.removeprefix(HTML_PROLOG).decode("utf-8")
    assert "script" not in text and "onerror" not in text and "charset" not in text
    if b"cp037" not in data:
        assert "<p>Hi</p>" in text
        assert "script removed from this file" in result.stderr


def test_a_linked_script_file_is_refused(project: Path) -> None:
    (project / "course/media/score.js").write_text("parent.API.LMSSetValue('cmi.core.score.raw','100')")
    edit(project / CUES, "![A baby", "[Tool](../media/score.js)\n\n![A baby")
    fails_with(project, "course/pages/baby-cues.md:11: `../media/score.js` is a script: a package runs only "
                        "coursebuild's own scripts (remove the link; to offer the file for download, put it in a zip)")


def test_every_page_has_a_content_security_policy(project: Path, tmp_path: Path) -> None:
    assert run("build", project, "--out", tmp_path / "out").exit_code == 0
    with zipfile.ZipFile(tmp_path / "out" / SCORM12) as package:
        pages = [package.read(n).decode() for n in package.namelist() if n.endswith(".html")]
    policy = ('<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; script-src \'self\'; '
              "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'\">")
    assert len(pages) >= 7 and all(policy in page for page in pages)
    for page in pages:  # the policy comes before anything it governs
        assert page.index(policy) < min(page.index("<script"), page.index("<link"))


# --- denial of service from small inputs ------------------------------------------------------

def laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(10))}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_aliases_that_stand_for_billions_of_values_are_refused(project: Path) -> None:
    course = project / "course/course.yaml"
    text = course.read_text(encoding="utf-8")
    course.write_text(text + "extra:\n  " + laughs().replace("\n", "\n  "), encoding="utf-8")
    result = coursebuild("check", project, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = text.count("\n") + 6  # a4: ten aliases of a3, which stands for 11,111 values
    assert (f"course/course.yaml:{line}: the aliases in this file stand for more than 100,000 values (write the "
            "values out, or use fewer aliases of aliases)") in result.stderr.splitlines()


@pytest.mark.parametrize("text, fields, line", [
    ("x" * 250_000, "stem: *s, explanation: *s", 7),  # the 5th alias of 250,000 characters passes 1,000,000
    ("Words. " * 300, "stem: *s", 5 + 1_000_000 // 2099),  # 2,099 characters is short, but not 1,000 times
])
def test_aliases_of_long_text_are_refused(project: Path, text: str, fields: str, line: int) -> None:
    questions = "".join(f"  - {{id: q{i}, {fields}}}\n" for i in range(1000))
    (project / "quizzes/long.yaml").write_text(f"id: long\ntitle: Long\nnote: &s {text}\nquestions:\n{questions}")
    result = coursebuild("check", project, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (f"quizzes/long.yaml:{line}: the aliases in this file stand for more than 1,000,000 characters of text "
            "(write the text out where it is needed, or use fewer aliases of long texts)") in result.stderr.splitlines()


def test_a_few_aliases_are_fine(project: Path) -> None:
    edit(project / "quizzes/final.yaml", "title: Final check", "title: &t Final check\nx-title: *t")
    lines = fails_with(project, "quizzes/final.yaml:3: unknown field `x-title` (did you mean `title`?)")
    assert not any("aliases" in line for line in lines)


@pytest.mark.parametrize("nesting", ["[" * 400 + "]" * 400, "".join(f"\n{'  ' * i}k:" for i in range(100)) + " 1"])
def test_deep_nesting_is_refused(project: Path, nesting: str) -> None:
    course = project / "course/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + f"extra: {nesting}\n", encoding="utf-8")
    result = coursebuild("check", project, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert any(line.startswith("course/course.yaml:") and line.endswith(
        ": lists and blocks are nested more than 64 levels deep (flatten the structure: course files need only "
        "a few levels)") for line in result.stderr.splitlines()), result.stderr


def test_front_matter_nesting_is_refused_too(project: Path) -> None:
    edit(project / CUES, "minutes: 10", "minutes: 10\nextra: " + "[" * 400 + "]" * 400)
    fails_with(project, "course/pages/baby-cues.md:6: lists and blocks are nested more than 64 levels deep "
                        "(flatten the structure: course files need only a few levels)")


def test_markdown_that_would_take_minutes_is_stopped(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markup, "MARKDOWN_SECONDS", 0.5)
    edit(project / CUES, "Babies tell us", "[" * 20_000 + "\n\nBabies tell us")
    fails_with(project, "course/pages/baby-cues.md:9: this Markdown cannot be converted: the text takes more than "
                        "0.5 s to convert (shorten it or split it up; look for long runs of `[`, `<`, `>` or `*`)")


def test_html_that_the_parser_would_copy_thousands_of_times_is_refused(project: Path) -> None:
    """190 formatting elements left open make each later `<div>x</div>` 190 elements in the cleaner (1 GB, 17 s)."""
    opened = "".join(f'<b title="{i}">' for i in range(190))
    edit(project / CUES, "Babies tell us", f"<div><div>{opened}x</div>{'<div>x</div>' * 20000}</div>\n\nBabies tell us")
    result = coursebuild("check", project, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (f"{CUES}:9: this Markdown cannot be converted: {markup.TOO_MANY_REOPENED} (shorten it or split it up; "
            "look for long runs of `[`, `<`, `>` or `*`)") in result.stderr.splitlines()


def test_a_file_of_many_slow_pieces_is_stopped_as_a_whole(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # each stem alone stays within its own bound; together they would take minutes
    monkeypatch.setattr(markup, "MARKDOWN_SECONDS", 0.5)
    monkeypatch.setattr(markup, "FILE_MARKDOWN_SECONDS", 1.2)
    questions = "".join(f"""  - id: q{i}
    stem: "{'[' * 20_000} {i}"
    options:
      - text: Ask them
        correct: true
        feedback: Yes, asking first shows respect.
      - text: Ignore it
        feedback: No, ignoring it leaves the parent alone.
    outcomes: [LO1]
    explanation: Asking first helps the parent feel heard.
""" for i in range(30))
    (project / "quizzes/slow.yaml").write_text(f"id: slow\ntitle: Slow\nkind: assessment\nquestions:\n{questions}")
    lines = fails_with(project, "quizzes/slow.yaml:6: this Markdown cannot be converted: the text takes more than "
                                "0.5 s to convert (shorten it or split it up; look for long runs of `[`, `<`, `>` or `*`)")
    (budget,) = [line for line in lines if "in all" in line]
    assert budget.startswith("quizzes/slow.yaml:") and budget.endswith(
        ": the Markdown of this file takes more than 1.2 s to convert in all: this text and those after it were not "
        "converted (shorten its long texts or split the file; look for long runs of `[`, `<`, `>` or `*`)")
    slow = [line for line in lines if ": this Markdown cannot be converted" in line]
    assert 1 <= len(slow) <= 3  # 0.5 s each, until the file's 1.2 s are spent; one line for the other 27 or more


def test_many_slow_pages_stop_once_the_projects_markdown_time_is_spent(project: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """20 pages of 2,500 `[` each took 65 s (3 s each); after the project's budget no page is even tried."""
    monkeypatch.setattr(markup, "MARKDOWN_SECONDS", 0.5)
    monkeypatch.setattr(markup, "PROJECT_MARKDOWN_SECONDS", 1.5)
    # every piece counts two seconds beyond what its length explains, however busy the machine is
    monkeypatch.setattr(markup, "MARKDOWN_SECONDS_PER_CHAR", -1e-4)
    for i in range(20):
        (project / f"course/pages/p{i:02}.md").write_text(
            f"---\nid: p{i}\ntitle: P{i}\nkind: content\nminutes: 1\n---\n{'[' * 20_000} x{i}\n", encoding="utf-8")
    result = run("check", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("course/pages/p")]
    tried = [line for line in lines if "takes more than 0.5 s to convert" in line]
    not_tried = [line for line in lines if markup.PROJECT_OVER_BUDGET in line]
    assert len(tried) <= 2 and len(tried) + len(not_tried) == 20, "\n".join(lines)


def write_bracket_banks(project: Path, brackets: str, questions: int) -> None:
    """12 question banks of `questions` questions, each of whose 5 texts starts with `brackets`."""
    for b in range(12):
        written = "".join(
            f"  - id: q{b}x{i}\n    stem: \"{brackets} stem {b} {i}\"\n    options:\n"
            f"      - text: \"{brackets} right {i}\"\n        correct: true\n        feedback: \"{brackets} fb {i}\"\n"
            f"      - text: \"{brackets} wrong {i}\"\n        feedback: \"{brackets} fb2 {i}\"\n"
            f"    outcomes: [LO1]\n    explanation: \"{brackets} expl {i}\"\n" for i in range(questions))
        (project / f"quizzes/zb{b:02}.yaml").write_text(
            f"id: zb{b}\ntitle: Bank {b}\nkind: knowledge-check\nquestions:\n{written}", encoding="utf-8")


def test_many_small_slow_pieces_count_towards_the_projects_markdown_time(project: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """10 banks of 400 pieces of 250 `[` took 76 s of processor time: each piece took about 20 ms, all of it
    "explained" by an allowance of 20 ms a piece, so the project's budget never ran out."""
    monkeypatch.setattr(markup, "PROJECT_MARKDOWN_SECONDS", 0.2)
    write_bracket_banks(project, "[" * 250, 10)
    result = run("check", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    stopped = [line.split(":")[0] for line in result.stderr.splitlines() if markup.PROJECT_OVER_BUDGET in line]
    assert len(stopped) >= 8, result.stderr  # 600 pieces; the budget is spent within the first few banks
    assert len(stopped) == len(set(stopped)), result.stderr  # one line per file, at its first piece not tried


def test_markdown_that_its_length_explains_still_stops_at_the_projects_total(project: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces of about 27 `[` convert at just under the 5 µs a character the project's budget allows, so none of
    it was spent: many files of them ran free (10 s each). The total processor time is bounded whatever the
    allowance; here every character is allowance, and 1,800 such pieces take far more than the 0.05 s total."""
    monkeypatch.setattr(markup, "MARKDOWN_SECONDS_PER_CHAR", 1.0)  # nothing counts as beyond the allowance
    monkeypatch.setattr(markup, "PROJECT_MARKDOWN_TOTAL_SECONDS", 0.05)
    write_bracket_banks(project, "[" * 27, 30)
    result = run("check", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    fix = ("(look for long runs of `[`, `<`, `>` or `*` in this file and those before it, and shorten them; a course "
           "of 1,000 pages takes about 2 s)")
    first = [line for line in lines if "of processor time to convert in all, which ran out at this text" in line]
    assert len(first) == 1 and first[0].startswith("quizzes/zb") and first[0].endswith(
        ": the project's Markdown takes more than 0.05 s of processor time to convert in all, which ran out at this "
        f"text: it and those after it in this file were not converted {fix}"), lines
    later = [line.split(":")[0] for line in lines if "which had run out before this text" in line]
    assert len(later) == len(set(later)) >= 8 and first[0].split(":")[0] not in later, lines  # one line per file
    assert not any(markup.PROJECT_OVER_BUDGET in line or "cannot be converted" in line for line in lines), lines


def test_a_real_course_spends_none_of_the_projects_markdown_time(project: Path) -> None:
    markup._CONVERSIONS.earlier.clear()
    markup._CONVERSIONS.now.clear()
    loading.load_project(project)
    assert markup._project_budget.left > markup.PROJECT_MARKDOWN_SECONDS - 0.2


def test_stems_of_the_same_words_reordered_cannot_hold_check_for_minutes(project: Path) -> None:
    """300 assessment and 300 practice stems, each the same 200 words shuffled: difflib ran on every pair (484 s)."""
    import random

    rng = random.Random(1)
    words = [f"w{i}" for i in range(200)]

    def bank(bank_id: str, kind: str) -> str:
        questions = []
        for i in range(300):
            rng.shuffle(words)
            questions.append(f"  - id: {bank_id}{i}\n    stem: {' '.join(words)}\n    options:\n"
                             f"      - text: Option right {i}\n        correct: true\n"
                             f"        feedback: Because the reason is given here {i}.\n"
                             f"      - text: Option wrong {i}\n        feedback: Because the other reason is given {i}.\n"
                             f"    outcomes: [LO1]\n    explanation: This explains the reason well enough {i}.\n")
        return f"id: {bank_id}\ntitle: {bank_id}\nkind: {kind}\nquestions:\n{''.join(questions)}"

    (project / "quizzes/final.yaml").write_text(bank("final", "assessment"), encoding="utf-8")
    (project / "quizzes/kc-cues.yaml").write_text(bank("kc-cues", "knowledge-check"), encoding="utf-8")
    result = coursebuild("check", project, timeout=120)
    assert "Traceback" not in result.stderr
    stopped = [line for line in result.stderr.splitlines() if "repeated-stem check" in line]
    assert len(stopped) == 1 and stopped[0].startswith("quizzes/final.yaml:") and stopped[0].endswith(
        ": warning: the stems are too many and too alike in their words for the repeated-stem check to compare them "
        "all (20,000,000 pairs of words): it stopped at this question (shorten the stems, or vary their words)")


def test_markdown_too_long_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markup, "MAX_MARKDOWN_CHARS", 1000)
    edit(project / CUES, "Babies tell us", "*Long* text. " * 100 + "\n\nBabies tell us")
    fails_with(project, "course/pages/baby-cues.md:9: this Markdown cannot be converted: the text is longer than "
                        "1,000 characters (shorten it or split it up; look for long runs of `[`, `<`, `>` or `*`)")


def test_control_characters_in_names_and_values_are_escaped_in_problem_lines(project: Path) -> None:
    """A file name with a carriage return could overwrite the start of its own line on a terminal
    (`…: 6 pages, ok (0 errors)`), and a value with a newline split a problem into two lines."""
    (project / "course/pages/a\rmini-course 1.0: 6 pages, ok (0 errors).md").write_text("---\nid: x\n---\nText\n",
                                                                                        encoding="utf-8")
    edit(project / "course/course.yaml", 'version: "1.0"', 'version: "1.0\\n"')
    result = run("check", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("course invalid: ")
    assert all(line.startswith(("course/", "quizzes/")) and "\r" not in line for line in lines[:-1]), lines
    assert any(line.startswith("course/pages/a\\rmini-course 1.0: 6 pages, ok (0 errors).md:") for line in lines)
    assert any(line.startswith("course/course.yaml:4: ") and "`1.0\\n`" in line for line in lines), lines


def test_bidirectional_and_other_format_characters_are_escaped_in_problem_lines(project: Path) -> None:
    """U+202E (right-to-left override) in a file name or value made the rest of a problem line read backwards
    on a terminal, so a line could be made to show something other than what it says."""
    (project / "course/pages/x\u202edm.txt\u2066.md").write_text("---\nid: x\n---\nText\n", encoding="utf-8")
    edit(project / "course/course.yaml", 'version: "1.0"', 'version: "1.0\u202e)kcehc( ok\u200f\u061c\u2069"')
    result = run("check", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert not any(unicodedata.category(character) == "Cf" for character in result.stderr), lines
    assert any(line.startswith("course/pages/x\\u202edm.txt\\u2066.md:") for line in lines), lines
    assert any(line.startswith("course/course.yaml:4: ") and "`1.0\\u202e)kcehc( ok\\u200f\\u061c\\u2069`" in line
               for line in lines), lines


BIDI_FIX = ("(delete it: invisible, it makes what follows show in another order than it is written, so learners "
            "could read something other than what a reviewer of the file read; right-to-left text shows correctly "
            "without it)")


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_bidirectional_override_in_a_title_or_option_is_a_warning_at_its_line(project: Path, command: str) -> None:
    """A title or option text holding U+202E shows learners the text after it reversed: `Correct‮ton` reads
    "Correctnot" to a reviewer of the file and "Correct" + "ton" reversed to a learner. Raw or as a YAML escape."""
    edit(project / CUES, "title: Reading a baby's cues", "title: \"Reading a baby's cues\u2067\"")
    edit(project / "quizzes/kc-cues.yaml", "- text: The baby needs a short break.",
         "- text: The baby needs a short break.\u202e ton si sihT")
    edit(project / "quizzes/kc-cues.yaml", "- text: The baby does not like the parent.",
         '- text: "The baby does not like the parent.\\u202d"')
    edit(project / "course/pages/welcome.md", "\n---\n", "\n---\nAn \u2066isolate\u2069 in the body.\n")
    result = run(command, project, *(["--out", project.parent / "out"] if command == "build" else []))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "bidirectional" in line]
    assert warnings == [
        f"{CUES}:3: warning: bidirectional control character U+2067 (RIGHT-TO-LEFT ISOLATE) in the text {BIDI_FIX}",
        "course/pages/welcome.md:8: warning: bidirectional control character U+2066 (LEFT-TO-RIGHT ISOLATE) in the "
        f"text {BIDI_FIX}",
        "course/pages/welcome.md:8: warning: bidirectional control character U+2069 (POP DIRECTIONAL ISOLATE) in the "
        f"text {BIDI_FIX}",
        "quizzes/kc-cues.yaml:8: warning: bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE) in the "
        f"text {BIDI_FIX}",
        "quizzes/kc-cues.yaml:11: warning: bidirectional control character U+202D (LEFT-TO-RIGHT OVERRIDE) in the "
        f"text {BIDI_FIX}",
    ], result.stderr
    assert run("check", project, "--strict").exit_code == 1


def test_a_bidirectional_override_written_as_a_character_reference_is_a_warning_at_its_line(project: Path) -> None:
    """Markdown turns `&#x202E;` and `&#8238;` into the raw U+202E in the page (issue 18, verifier's V6)."""
    page = project / "course/pages/welcome.md"
    lines = page.read_text(encoding="utf-8").count("\n") + 2
    with page.open("a", encoding="utf-8") as file:
        file.write("\nApprove &#x202E;gnp.exe&#x202C; and &#8238;kcehc&#8236; now. Raw: \u202e raw\u202c\n")
    result = run("check", project)
    assert result.exit_code == 0, result.output
    names = ["U+202E (RIGHT-TO-LEFT OVERRIDE)", "U+202C (POP DIRECTIONAL FORMATTING)"] * 3
    assert [line for line in result.stderr.splitlines() if "bidirectional" in line] == sorted(
        f"course/pages/welcome.md:{lines}: warning: bidirectional control character {name} in the text {BIDI_FIX}"
        for name in names)
    assert run("check", project, "--strict").exit_code == 1


def test_right_to_left_text_and_direction_marks_are_not_flagged(project: Path) -> None:
    """Arabic and Hebrew letters, and the marks right-to-left keyboards type (U+200E, U+200F, U+061C), are text."""
    edit(project / CUES, "title: Reading a baby's cues", "title: \"Reading a baby's cues \u0645\u0631\u062d\u0628\u0627\"")
    edit(project / CUES, "Babies tell us", "\u05e9\u05dc\u05d5\u05dd\u200f (Hebrew)\u200e and "
                                          "\u0627\u0644\u0637\u0641\u0644\u061c.\n\nBabies tell us")
    result = run("check", project, "--strict")
    assert result.exit_code == 0, result.output


def test_a_file_of_many_control_characters_is_reported_in_a_few_lines_at_once(project: Path) -> None:
    """Each character's line was counted from the start of the file, so 2 MB of them held `check` for hours;
    the first 50 are shown, the 50th counting the rest."""
    edit(project / CUES, "Babies tell us", "\x01" * 200_000 + "\n\nBabies tell us")
    with (project / "quizzes/kc-cues.yaml").open("a", encoding="utf-8") as bank:
        bank.write("# \u202e\n" * 100_000)
    result = run("check", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    controls = [line for line in lines if line.startswith(CUES)]
    assert len(controls) == 50 and set(controls[:-1]) == {
        f"{CUES}:9: control character U+0001 in the text (delete it; it is often pasted in invisibly from a word "
        "processor or PDF)"}
    assert controls[-1].startswith(f"{CUES}:9: control character U+0001 in the text, and 199,950 more after it")
    bidi = [line for line in lines if line.startswith("quizzes/kc-cues.yaml:")]
    assert len(bidi) == 50 and bidi[-1].startswith("quizzes/kc-cues.yaml:65: warning: bidirectional control character "
                                                   "U+202E (RIGHT-TO-LEFT OVERRIDE) in the text, and 99,950 more after it")


@pytest.mark.parametrize("ident", ["contents", "Accessibility"])
def test_a_page_cannot_take_the_id_of_a_page_every_package_makes(project: Path, ident: str) -> None:
    """The contents page or the accessibility statement silently replaced an authored page of that id."""
    edit(project / CUES, "id: baby-cues", f"id: {ident}")
    edit(project / "course/course.yaml", "pages: [welcome, baby-cues,", f"pages: [welcome, {ident},")
    fails_with(project, f"{CUES}:2: the page id `{ident}` is taken by the page every package makes with that name, "
                        "which would replace this one (choose another id)")


def test_a_fifo_is_refused_not_waited_for(project: Path) -> None:
    (project / "course/course.yaml").unlink()
    os.mkfifo(project / "course/course.yaml")
    os.mkfifo(project / "course/pages/pipe.md")
    result = coursebuild("check", project, timeout=60)
    assert result.returncode == 1
    fix = "(replace it with an ordinary text file)"
    assert result.stderr.splitlines()[:2] == [
        f"course/course.yaml:1: not a regular file (a FIFO, a device, or a link to one) {fix}",
        f"course/pages/pipe.md:1: not a regular file (a FIFO, a device, or a link to one) {fix}"]


def test_a_link_to_dev_zero_is_refused(project: Path) -> None:
    (project / "quizzes/final.yaml").unlink()
    (project / "quizzes/final.yaml").symlink_to("/dev/zero")
    result = coursebuild("check", project, timeout=60)
    assert result.returncode == 1
    assert ("quizzes/final.yaml:1: the file is a link to a file outside the project (copy the file into the "
            "project instead of linking to it)") in result.stderr.splitlines()


def test_a_device_inside_the_project_is_refused(project: Path) -> None:
    (project / "quizzes/final.yaml").unlink()
    os.mknod(project / "quizzes/final.yaml", 0o600 | 0o020000, os.makedev(1, 5)) if os.geteuid() == 0 else \
        pytest.skip("making a device needs root")
    result = coursebuild("check", project, timeout=60)
    assert ("quizzes/final.yaml:1: not a regular file (a FIFO, a device, or a link to one) (replace it with an "
            "ordinary text file)") in result.stderr.splitlines()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_course_file_that_is_not_regular_is_refused_without_being_opened(project: Path, kind: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """An open has effects on some devices (`/dev/watchdog` arms the reboot timer, a tape rewinds): course.yaml, a
    page and a bank that were one were opened, then refused (18-verify18 C6); the framework was passed over without a
    word (C11). Opens are recorded in process, without strace."""
    if kind == "device" and os.geteuid() != 0:
        pytest.skip("making a device needs root")
    special = ["course/course.yaml", CUES, "quizzes/final.yaml", "course/competencies.yaml"]
    for path in special:
        (project / path).unlink()
        if kind == "fifo":
            os.mkfifo(project / path)
        else:
            os.mknod(project / path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
    opened: list[str] = []
    real_open = os.open

    def recording(path: str, flags: int, *args: int, **kwargs: int) -> int:
        opened.append(os.path.relpath(path, project.resolve()))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording)
    result = run("check", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    fix = "(replace it with an ordinary text file)"
    assert [line for line in result.stderr.splitlines() if "not a regular file" in line] == [
        f"{path}:1: not a regular file (a FIFO, a device, or a link to one) {fix}" for path in sorted(special)]
    assert "course/pages/welcome.md" in opened and not set(special) & set(opened)


_A_FOLDER = "this is a folder, not a file (rename the folder so its name does not end in the file's extension, or remove it)"


@pytest.mark.parametrize(("name", "folder", "line"), [
    ("page.html", True, _A_FOLDER),
    ("kit/base.html", True, _A_FOLDER),
    ("static/course.css", True, _A_FOLDER),
    ("slides.pptx", True, _A_FOLDER),
    ("static", False, "this is a file, not a folder (put your files in a folder `templates/static/` instead, or remove "
                      "it)"),
    ("kit", False, "this is a file, not a folder (put your files in a folder `templates/kit/` instead, or remove it)"),
])
def test_a_folder_where_a_template_is_read_or_a_file_where_a_folder_is_is_one_line(project: Path, name: str,
                                                                                  folder: bool, line: str) -> None:
    """18-verify24 J6: a folder named like a template (`templates/page.html/`) or the template deck, or a file where
    coursebuild reads a folder (`templates/static`, `templates/kit`), was passed over: `check` ok, the built-in one
    used in silence. It is the line a folder named like a page or bank gets, in `check` and in `build`."""
    path = project / "templates" / name
    shutil.rmtree(path, ignore_errors=True)
    if folder:
        (path / "inside").mkdir(parents=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    for command in (("check",), ("build", "--target", "web", "--out", project.parent / "out")):
        result = run(*command, project)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert [found for found in result.stderr.splitlines() if found.startswith("templates/")] == [
            f"templates/{name}:1: {line}"]


def test_a_link_to_a_file_elsewhere_is_not_read(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret-from-elsewhere\n", encoding="utf-8")
    (project / "quizzes/extra.yaml").symlink_to(secret)
    lines = fails_with(project, "quizzes/extra.yaml:1: the file is a link to a file outside the project (copy the "
                                "file into the project instead of linking to it)", command="check")
    assert not any("secret-from-elsewhere" in line for line in lines)


@pytest.mark.parametrize("command", ["check", "build", "export", "report", "kit", "slides"])
def test_a_media_link_out_of_the_project_is_never_opened(project: Path, tmp_path: Path, command: str) -> None:
    # a FIFO elsewhere: opening it (even to read its type) would wait for ever for a writer
    fifo = tmp_path / "elsewhere"
    os.mkfifo(fifo)
    (project / "course/media/passwd.svg").symlink_to(fifo)
    edit(project / CUES, "(../media/cues.svg)", "(../media/passwd.svg)")
    result = coursebuild(command, project, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        f"{CUES}:11: `../media/passwd.svg` is a symbolic link that leads out of course/ (course/media/passwd.svg) "
        "(copy the file itself into course/media/)")
    assert not (project / "dist").exists()


@pytest.mark.parametrize("link", ["file", "folder"])
def test_a_link_to_a_hidden_file_is_refused_as_the_hidden_file_is(project: Path, link: str) -> None:
    """18-verify32 V3: `sec2.txt -> .secret.txt` (or a link to the hidden folder `course/.hid/`) passed `check --strict`,
    and every package carried the hidden file."""
    if link == "file":
        (project / "course/media/.secret.txt").write_text("secret")
        (project / "course/media/sec2.txt").symlink_to(".secret.txt")
        target, real = "../media/sec2.txt", "course/media/.secret.txt"
    else:
        (project / "course/.hid").mkdir()
        (project / "course/.hid/x.txt").write_text("secret")
        (project / "course/media/d").symlink_to("../.hid")
        target, real = "../media/d/x.txt", "course/.hid/x.txt"
    edit(project / CUES, "(../media/cues.svg)", f"({target})")
    expected = (f"{CUES}:11: `{target}` is a symbolic link to the hidden file or folder {real} (link the file itself, "
                "renamed without the leading '.'; hidden files are never packaged)")
    for command in ("check", "build", "export"):
        fails_with(project, expected, command=command)


NUL = "holds a NUL character (%00), which no file name may hold (remove it)"


@pytest.mark.parametrize("command", ["check", "build", "export", "report", "kit", "slides"])
def test_a_path_holding_nul_is_one_line_in_every_command(project: Path, command: str) -> None:
    """18-verify32 V6: `%00` in a link, a picture, raw HTML or a stem ended each command in a traceback
    (`ValueError: embedded null byte`) at the first look at the file."""
    with (project / "course/pages/welcome.md").open("a", encoding="utf-8") as page:
        page.write('\n[a](../media/cues.svg%00.png) ![b](../media/x%00.png) <video src="../media/a%00.mp4"></video>\n')
    edit(project / "quizzes/kc-cues.yaml", "What might this mean?", "What might this mean? ![x](../course/media/v%00.mp4)")
    lines = fails_with(project, f"course/pages/welcome.md:14: `../media/cues.svg%00.png` {NUL}", command=command)
    assert f"course/pages/welcome.md:14: `../media/x%00.png` {NUL}" in lines
    assert f"course/pages/welcome.md:14: `../media/a%00.mp4` {NUL}" in lines
    assert f"quizzes/kc-cues.yaml:6: `../course/media/v%00.mp4` {NUL}" in lines


def test_a_fifo_in_media_is_not_a_regular_file(project: Path) -> None:
    os.mkfifo(project / "course/media/pipe.svg")
    edit(project / CUES, "(../media/cues.svg)", "(../media/pipe.svg)")
    result = coursebuild("check", project, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        f"{CUES}:11: `../media/pipe.svg` is not a regular file (course/media/pipe.svg is a FIFO, a device or a "
        "socket) (replace it with the file itself)")


def test_a_file_too_large_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1024 * 1024)
    with (project / "quizzes/final.yaml").open("a", encoding="utf-8") as bank:
        bank.write("# padding\n" * 110_000)
    fails_with(project, "quizzes/final.yaml:1: the file is larger than 1 MB (split it into several files "
                        "(question banks, pages))")


# --- failures of the machine ------------------------------------------------------------------

def test_a_full_disk_gives_one_line_and_exit_code_3(project: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    real_fdopen = os.fdopen

    def full(handle: int, mode: str) -> IO[bytes]:
        """Files written go to /dev/full; pipes (a bounded child's reply: builder.bounded) are left alone, or a
        figure's analysis would fail instead, and in this process stay failed for later tests."""
        if "w" in mode and stat.S_ISREG(os.fstat(handle).st_mode):
            os.close(handle)
            return open("/dev/full", mode)
        return real_fdopen(handle, mode)

    monkeypatch.setattr(packaging.os, "fdopen", full)
    out = tmp_path / "out"
    result = run("build", project, "--target", "scorm12", "--out", out)
    assert result.exit_code == 3
    assert result.stderr == (f"{out / SCORM12}: cannot write: No space left on device (free some disk space, "
                             "then run the command again)\n")
    assert list(out.iterdir()) == []  # nothing half-written


def test_a_build_stopped_by_a_full_disk_leaves_the_previous_build_whole(project: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the web folder is written: the zips of this build, written already, do not appear
    beside the older web folder; the previous build stays as it was (issue 18, fifth attack N7)."""
    out = tmp_path / "out"
    assert run("build", project, "--out", out).exit_code == 0
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    edit(project / CUES, "Babies tell us", "Babies show us")
    real_open = Path.open

    def full(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> IO[Any]:
        if "w" in mode and f".{WEB}." in str(path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full)
    result = run("build", project, "--out", out)
    assert result.exit_code == 3
    assert result.stderr == (f"{out / WEB}: cannot write: No space left on device (free some disk space, then run "
                             "the command again)\n")
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before  # no temporary either
    monkeypatch.undo()
    assert run("build", project, "--out", out).exit_code == 0
    assert (out / SCORM12).read_bytes() != before[out / SCORM12]  # this build's outputs differ from the last


@pytest.mark.parametrize("command", [("report", "-o", "-"), ("export", "-o", "-"), ("check",)])
def test_a_standard_output_that_cannot_be_written_gives_one_line_and_exit_code_3(project: Path,
                                                                                  command: tuple[str, ...]) -> None:
    """`> /dev/full` gave a traceback and exit 1 (18-verify31 S1); `>&-` lost the report with exit 0 (S2)."""
    with open("/dev/full", "wb") as full:
        result = subprocess.run([sys.executable, "-m", "builder", *command, str(project)], cwd=REPO, stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (3, "standard output: cannot write: No space left on device (free "
                                                     "some disk space, or give a file with -o)\n")
    if command[0] == "check":
        return
    closed = subprocess.run([sys.executable, "-m", "builder", *command, str(project)], cwd=REPO,
                            preexec_fn=lambda: os.close(1), stderr=subprocess.PIPE, text=True, timeout=120)
    assert (closed.returncode, closed.stderr) == (3, "standard output: cannot write: it is closed (give a file "
                                                     "with -o)\n")


def test_a_read_only_output_folder_gives_one_line_and_exit_code_3(project: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    # packaging's own mkdtemp only: the children that check media make their scratch folders with tempfile's too
    monkeypatch.setattr(packaging, "tempfile", types.SimpleNamespace(mkdtemp=read_only,
                                                                     mkstemp=packaging.tempfile.mkstemp))
    out = tmp_path / "out"
    result = run("build", project, "--target", "web", "--out", out)
    assert result.exit_code == 3
    assert result.stderr == (f"{out / WEB}: cannot write: Read-only file system (choose a folder you can write "
                             "to, with --out or -o)\n")


def test_an_output_folder_inside_a_file_gives_exit_code_3(project: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    out = tmp_path / "file" / "out"
    result = coursebuild("build", project, "--target", "web", "--out", out)
    assert result.returncode == 3
    assert result.stderr == (f"{out / WEB}: cannot write: Not a directory (check the output folder, or choose "
                             "another with --out or -o)\n")


def test_temporaries_of_a_killed_build_are_removed(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    script = ("import sys, time; from pathlib import Path; from builder.packaging import replacing\n"
              "with replacing(Path(sys.argv[1])) as stream:\n"
              "    stream.write(b'x' * 1_000_000); stream.flush(); print('writing', flush=True); time.sleep(60)\n")
    writer = subprocess.Popen([sys.executable, "-c", script, str(out / SCORM12)], cwd=REPO, stdout=subprocess.PIPE)
    assert writer.stdout is not None and writer.stdout.readline() == b"writing\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    (left,) = out.iterdir()
    assert left.name.startswith(f".coursebuild.{SCORM12}.{writer.pid}-") and left.stat().st_size == 1_000_000
    running = out / f".coursebuild.{WEB}.{os.getpid()}-busy.part"  # a build still running (this process) keeps its own
    running.mkdir()
    assert run("build", project, "--out", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([running.name, SCORM12, WEB,
                                                            "mini-course-1.0-scorm2004.zip"])


def test_a_build_of_other_targets_removes_dead_builds_temporaries_too(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(ended.stdout)  # a process that has ended, as a build killed with kill -9 has
    stale = [out / f".coursebuild.{SCORM12}.{dead}-k2x9_q1a.part", out / f".coursebuild.{WEB}.{dead}-old.part",
             out / f".coursebuild.mini-course-1.0-kit.{dead}-ab3c.part"]
    stale[0].write_bytes(b"x" * 1000)
    for folder in stale[1:]:
        (folder / "media").mkdir(parents=True)
    live = out / f".coursebuild.{WEB}.{os.getpid()}-busy.part"  # this process is running: its temporary stays
    live.mkdir()
    unrelated = out / ".notes.part"  # not a temporary's name: left alone
    unrelated.write_text("mine")
    # named like a temporary of a dead process, but not coursebuild's (18-verify7 W8: `-o ~/report.html` swept it)
    users = out / f".notes.{dead}-abc.part"
    users.mkdir()
    (users / "draft.txt").write_text("precious")
    assert run("build", project, "--target", "scorm2004", "--out", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([live.name, unrelated.name, users.name,
                                                            "mini-course-1.0-scorm2004.zip"])


@pytest.mark.parametrize("command", ["report", "export"])
@pytest.mark.parametrize("kind", ["fifo", "socket"])
def test_an_output_that_is_a_fifo_or_socket_is_refused_not_replaced(project: Path, tmp_path: Path, command: str,
                                                                      kind: str) -> None:
    """`report -o /dev/null` as root replaced the machine's /dev/null with the report (a FIFO and a socket here)."""
    special = tmp_path / kind
    _in_the_way(special, kind)
    mode = special.lstat().st_mode
    result = run(command, project, "-o", special)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr == (f"{special}: is a device, FIFO or socket, which an output never replaces (give the "
                             "name of a file, or - for standard output)\n")
    assert special.lstat().st_mode == mode


@pytest.mark.parametrize("command", ["build", "kit", "slides"])
@pytest.mark.parametrize(("kind", "what"), [("fifo", "a FIFO"), ("socket", "a socket"), ("file", "a file"),
                                            ("device", "a device"), ("empty", "")])
def test_an_out_that_is_not_a_folder_is_a_usage_error_at_once(project: Path, tmp_path: Path, command: str,
                                                              kind: str, what: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`--out` naming a FIFO or a device was exit 3 "File exists" after the whole build, and `--out ""` built into
    the folder the command ran in (18-verify24 J3): each is a command-line mistake, found before the project is read."""
    out = Path("/dev/null") if kind == "device" else tmp_path / kind
    if kind not in ("device", "empty"):
        _in_the_way(out, kind)
    monkeypatch.chdir(tmp_path)
    result = run(command, project, "--out", "" if kind == "empty" else out)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert error == ("Error: Invalid value for '--out': is empty: name a folder (. for the current one)"
                     if kind == "empty" else f"Error: Invalid value for '--out': '{out}' is {what}, not a folder")
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted({"mini", out.name} - {"null", "empty"}), "nothing written"


@pytest.mark.parametrize(("command", "option"), [("build", "--out"), ("kit", "--out"), ("export", "-o"),
                                                 ("report", "-o")])
@pytest.mark.parametrize("kind", ["nothing", "itself", "on the way"])
def test_an_output_through_a_link_that_leads_nowhere_is_a_usage_error_at_once(project: Path, tmp_path: Path,
                                                                             command: str, option: str,
                                                                             kind: str) -> None:
    """18-verify32 V4: `--out` (or `-o`'s folder) a link to nothing or to itself did the whole work, then failed
    as "`…`: cannot write: File exists", exit 3."""
    link = tmp_path / "link"
    if kind == "itself":
        link.symlink_to("link")
    else:
        link.symlink_to(tmp_path / "nowhere" / "x")
    folder = link / "sub" if kind == "on the way" else link
    result = run(command, project, option, folder if option == "--out" else folder / "out.xml")
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    what = ("a symbolic link that leads back to itself" if kind == "itself" else
            f"a symbolic link that leads to nothing ({tmp_path / 'nowhere' / 'x'})")
    name = "'-o' / '--output'" if option == "-o" else "'--out'"
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == [
        f"Error: Invalid value for {name}: '{link}' is {what}"]
    assert not (project / "dist").exists()


def _in_the_way(path: Path, kind: str) -> None:
    """Make a `kind` (folder, file, fifo, socket) at `path`, where an output goes."""
    import socket

    if kind == "folder":
        (path / "x").mkdir(parents=True)
    elif kind == "file":
        path.write_text("mine")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(path))
        listener.close()


@pytest.mark.parametrize(("name", "kind", "what"), [
    (SCORM12, "folder", "a folder"), (SCORM12, "fifo", "a device, FIFO or socket"),
    (WEB, "fifo", "a device, FIFO or socket"), (WEB, "socket", "a device, FIFO or socket"), (WEB, "file", "a file")])
def test_what_an_output_never_replaces_stops_the_build_before_anything_is_written(
        project: Path, tmp_path: Path, name: str, kind: str, what: str) -> None:
    """A folder where a zip goes stopped the build halfway: this build's web folder beside the older zips, though
    a build's targets appear together or not at all. A FIFO there was refused with advice for `-o` (exit 2), and a
    FIFO, socket or file where the web folder goes was replaced without a word (18-verify18 C9)."""
    out = tmp_path / "out"
    assert run("build", project, "--out", out).exit_code == 0
    shutil.rmtree(out / name) if name == WEB else (out / name).unlink()
    _in_the_way(out / name, kind)
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    edit(project / CUES, "Babies tell us", "Babies show us")
    result = run("build", project, "--out", out)
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert result.stderr == (f"{out / name}: cannot write: {what} is there, which this output never replaces (move "
                             "or delete it, or choose another output with --out or -o)\n")
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before  # no temporary either
    assert sorted(path.name for path in out.iterdir()) == sorted([SCORM12, "mini-course-1.0-scorm2004.zip", WEB])


def test_every_destination_is_looked_at_before_the_first_rename(tmp_path: Path) -> None:
    """A folder made where a zip goes after its write looked there (by another program while the outputs are
    written): no output is renamed into place, not the web folder written before it (18-verify18 C9)."""
    with pytest.raises(packaging.EnvironmentProblem, match=r"a\.zip: cannot write: a folder is there"):
        with packaging.Together() as together:
            packaging.write_folder({"index.html": b"x"}, tmp_path / "web", together)
            packaging.write_file(b"zip", tmp_path / "a.zip", together=together)
            (tmp_path / "a.zip").mkdir()
    assert [path.name for path in tmp_path.iterdir()] == ["a.zip"]  # the folder; no output, no temporary


@pytest.mark.parametrize("kind", ["fifo", "file"])
def test_the_kit_folder_replaces_nothing_but_a_folder_or_a_link(tmp_path: Path, kind: str) -> None:
    """The kit's folder is written alone, by the same rule (`packaging.write_folder`)."""
    kit_folder = tmp_path / "c-1.0-kit"
    _in_the_way(kit_folder, kind)
    with pytest.raises(packaging.EnvironmentProblem, match=r": cannot write: a (file|device, FIFO or socket) is"):
        packaging.write_folder({"index.html": b"x"}, kit_folder)
    assert list(tmp_path.iterdir()) == [kit_folder] and not kit_folder.is_dir()


@pytest.mark.parametrize("command", ["report", "export"])
@pytest.mark.parametrize("target", ["file", "fifo"])
def test_an_output_that_is_a_link_is_refused_not_replaced(project: Path, tmp_path: Path, command: str,
                                                          target: str) -> None:
    """`report -o /dev/stdout > out.txt` as root replaced the /dev/stdout link (to a regular file then) with
    the report; a link named as an output is refused, whatever it leads to, and left as it was."""
    led_to = tmp_path / target
    if target == "fifo":
        os.mkfifo(led_to)
    else:
        led_to.write_text("mine")
    link = tmp_path / "stdout"
    link.symlink_to(led_to)
    result = run(command, project, "-o", link)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr == (f"{link}: is a link, which an output never replaces (give the name of a file, "
                             "or - for standard output)\n")
    assert link.is_symlink() and os.readlink(link) == str(led_to)
    assert target == "fifo" or led_to.read_text() == "mine"


def test_a_dist_link_out_of_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "dist").symlink_to(elsewhere)
    result = run("build", project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["dist:1: `dist` is a link to a folder outside the project (delete the "
                                          "link, or choose an output folder with --out)", "course invalid: 1 error"]
    assert list(elsewhere.iterdir()) == []
    assert run("export", project).exit_code == 1 and list(elsewhere.iterdir()) == []


def test_slides_write_only_where_build_does(tmp_path: Path) -> None:
    """This course has a kit, so `slides` gets as far as writing: a dist link out of the project stops it."""
    import shutil

    project, elsewhere = tmp_path / "p", tmp_path / "elsewhere"
    for folder in ("course", "quizzes", "templates"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, project / folder)
    elsewhere.mkdir()
    (project / "dist").symlink_to(elsewhere)
    result = run("slides", project)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0].startswith("dist:1: `dist` is a link to a folder outside the project")
    assert list(elsewhere.iterdir()) == []


def test_a_dist_link_into_the_project_is_refused(project: Path) -> None:
    (project / "dist").symlink_to("course")
    before = sorted((project / "course").iterdir())
    for command in ("build", "export"):
        result = run(command, project)
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0] == ("dist:1: `dist` is a link to a folder inside the project, whose "
                                                 "sources the build would write among (delete the link, or choose "
                                                 "an output folder with --out)")
    assert sorted((project / "course").iterdir()) == before


_AMONG = "the outputs would be written among the sources"


@pytest.mark.parametrize(("source", "led_to", "out", "line"), [
    ("templates", "dist", None, f"`templates` is the output folder `{{project}}/dist`: {_AMONG} (replace the link "
                                "with the folder itself, or choose another output folder with --out)"),
    ("quizzes", "dist", None, f"`quizzes` is the output folder `{{project}}/dist`: {_AMONG} (replace the link with "
                              "the folder itself, or choose another output folder with --out)"),
    ("quizzes", "dist/banks", None, "`quizzes` leads into the output folder `{project}/dist`: the sources would be "
                                    "kept among the outputs (replace the link with the folder itself, or choose "
                                    "another output folder with --out)"),
    ("course", None, "course/pages", f"the output folder `{{project}}/course/pages` is inside `course`: {_AMONG} "
                                     "(choose an output folder outside course/, quizzes/ and templates/ with --out)"),
    ("templates", None, "templates", f"`templates` is the output folder `{{project}}/templates`: {_AMONG} (choose an "
                                     "output folder outside course/, quizzes/ and templates/ with --out)"),
])
def test_a_source_folder_that_is_or_leads_into_the_output_folder_is_refused(
        project: Path, source: str, led_to: str | None, out: str | None, line: str) -> None:
    """18-verify24 J7: `dist -> course` was refused, but not the mirror `templates -> dist` (nor `quizzes -> dist`,
    `course -> dist`), nor `--out templates` (there or not yet): the outputs were written among the sources, and
    every later command compiled the web folder's HTML as the project's own templates. Whichever way round, every
    writing command refuses with one line, and writes nothing."""
    if led_to is not None:
        (project / led_to).mkdir(parents=True)
        for file in sorted((project / source).iterdir()) if (project / source).is_dir() else []:
            file.rename(project / led_to / file.name)
        shutil.rmtree(project / source, ignore_errors=True)
        (project / source).symlink_to(led_to)
    before = sorted(path.relative_to(project) for path in project.rglob("*"))
    for command in ("build", "export"):
        result = run(command, project, *(("--out", project / out) if out and command == "build" else ()))
        if command == "export" and out:
            assert result.exit_code == 0, result.output  # into dist/, which is apart from the sources
            continue
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert result.stderr.splitlines()[0] == f"{source}:1: {line.format(project=project)}"
    if out is None:
        assert sorted(path.relative_to(project) for path in project.rglob("*")) == before
    assert not list((project / (out or "dist")).glob("*-web"))


def test_an_output_folder_that_holds_the_whole_project_is_not_refused(project: Path) -> None:
    """J7's rule is about a source folder kept in the output folder apart from the project: `--out` at the project
    itself (or above it) holds course/, quizzes/ and templates/ where they are, beside the outputs."""
    result = run("build", project, "--target", "web", "--out", project)
    assert result.exit_code == 0, result.output
    assert (project / WEB / "index.html").is_file()


def test_links_inside_the_output_folder_are_replaced_not_followed(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    out = tmp_path / "out"
    out.mkdir()
    (out / WEB).symlink_to(elsewhere)
    (out / SCORM12).symlink_to(elsewhere / "keep.txt")
    assert run("build", project, "--out", out).exit_code == 0
    assert [p.name for p in elsewhere.iterdir()] == ["keep.txt"] and (elsewhere / "keep.txt").read_text() == "mine"
    assert not (out / WEB).is_symlink() and (out / WEB / "index.html").is_file()
    assert zipfile.is_zipfile(out / SCORM12)


# --- in the browser: the policy lets the package's scripts run, and nothing else -----------------

def _csp_messages(page: "Page") -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


@pytest.mark.browser
def test_from_disk_the_package_runs_and_injected_script_does_not(browser: "Browser", project: Path,
                                                                  tmp_path: Path) -> None:
    assert run("build", project, "--target", "web", "--out", tmp_path / "out").exit_code == 0
    web = tmp_path / "out" / WEB
    injected = ('<script>document.documentElement.dataset.inline = "ran"</script>'
                '<img src="../media/none.png" alt="" onerror="document.documentElement.dataset.handler = \'ran\'">'
                '<a id="js" href="javascript:document.documentElement.dataset.link = \'ran\'">x</a>')
    edited = web / "pages/baby-cues.html"
    edited.write_text(edited.read_text(encoding="utf-8").replace("</main>", injected + "</main>"), encoding="utf-8")
    page = browser.new_page()
    messages = _csp_messages(page)
    page.goto((web / "pages/welcome.html").as_uri())
    page.locator("body[data-ready] main h1").wait_for()
    assert messages == []  # the package's own scripts are allowed
    page.goto(edited.as_uri())
    page.locator("body[data-ready] main h1").wait_for()  # set by the package's script: it ran
    page.locator("#js").click()
    page.wait_for_timeout(200)
    ran = page.evaluate("Object.assign({}, document.documentElement.dataset)")
    page.close()
    assert ran == {}
    assert len(messages) == 3, messages


@pytest.mark.browser
def test_in_the_lms_a_linked_svg_cannot_set_the_score(browser: "Browser", project: Path, tmp_path: Path) -> None:
    from browser import lms_site, serve

    (project / "course/media/evil.svg").write_text(EVIL_SVG, encoding="utf-8")
    edit(project / "course/pages/welcome.md", "\n---\n", "\n---\n[The diagram](../media/evil.svg)\n\n")
    assert run("build", project, "--target", "scorm12", "--out", tmp_path / "out").exit_code == 0
    with serve(lms_site(tmp_path / "out" / SCORM12, tmp_path / "site")) as base:
        page = browser.new_page()
        messages = _csp_messages(page)
        page.goto(f"{base}/lms.html?v=1.2&mastery=80")
        frame = page.frame_locator("#sco").frame_locator("#course-frame")
        frame.locator("body[data-ready] main h1").wait_for()
        # links to files open in a new tab (with no opener); the worst case is a browser that opens it in
        # the course frame itself, next to the LMS's API: follow the link there
        frame.locator("a[href*='media/evil']").evaluate("a => { a.removeAttribute('target'); a.click(); }")
        frame.locator("svg rect").wait_for()
        page.wait_for_timeout(300)
        calls = page.evaluate("__harness.calls")
        page.close()
    assert calls[0]["fn"] == "LMSInitialize"  # the package's scripts run inside the LMS
    assert ["cmi.core.score.raw", "100"] not in [c["args"] for c in calls]
    assert ["cmi.core.lesson_status", "passed"] not in [c["args"] for c in calls]
    assert messages == []


@pytest.mark.browser
def test_a_link_animated_to_script_runs_in_no_packaged_svg_or_xhtml(browser: "Browser", tmp_path: Path) -> None:
    """C2 (18-verify18): clicked after its `<animate>` ran, the link of the tester's chart ran script on the
    package's origin, in an SVG and in an XHTML file. Cleaned, neither runs it; and in an XHTML file the policy
    stops such a link even where the cleaner had missed one (put back after the cleaning here)."""
    from browser import serve

    chart = SVG_OPEN + CHART + "</svg>"
    page_with = '<html xmlns="http://www.w3.org/1999/xhtml"><body>{}</body></html>'.format
    missed = without_script(page_with("<p>Hi</p>").encode(), ".xhtml").replace(b"<p>Hi</p>", chart.encode())
    files = {"raw.svg": chart.encode(), "chart.svg": without_script(chart.encode(), ".svg"),
             "page.xhtml": without_script(page_with(chart).encode(), ".xhtml"), "missed.xhtml": missed}
    (tmp_path / "site").mkdir()
    for name, data in files.items():
        (tmp_path / "site" / name).write_bytes(data)
    ran: dict[str, list[str]] = {}
    with serve(tmp_path / "site") as base:
        for name in files:
            page = browser.new_page()
            messages = ran.setdefault(name, [])
            page.on("console", lambda m, messages=messages: None if m.text.startswith("Failed to load resource")
                    else messages.append(m.text.split("'")[0]))  # a favicon
            page.goto(f"{base}/{name}")
            page.wait_for_timeout(300)  # the animation has set the link
            page.locator("svg text").click()
            page.wait_for_timeout(300)
            page.close()
    assert ran == {"raw.svg": ["PWN 127.0.0.1"], "chart.svg": [], "page.xhtml": [],
                   "missed.xhtml": ["Running the JavaScript URL violates the following Content Security Policy "
                                    "directive "]}


@pytest.mark.parametrize("name, size, vtt_size, bad", [
    ("big.png", 3 * 2**30, None, "course/media/big.png"),  # sparse: the attacker's 3 GB took 3.2 GB of memory
    ("talk.mp4", 101 * 2**20, 100, "course/media/talk.mp4"),
    ("talk.mp4", 100, 17 * 2**20, "course/media/talk.vtt"),
])
def test_a_linked_file_too_large_is_refused_before_it_is_read(project: Path, name: str, size: int,
                                                              vtt_size: int | None, bad: str) -> None:
    with open(project / "course/media" / name, "wb") as file:
        file.truncate(size)
    if vtt_size is not None:
        with open(project / "course/media/talk.vtt", "wb") as file:
            file.truncate(vtt_size)
    edit(project / CUES, "![A baby", f"![A talk](../media/{name})\n\n![A baby")
    result = run("check", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    (line,) = [line for line in result.stderr.splitlines() if "MB (" in line]
    assert f"MB ({bad}), the most a linked file of its kind may be" in line


def test_a_huge_linked_image_is_never_read(project: Path) -> None:
    with open(project / "course/media/big.png", "wb") as file:
        file.truncate(3 * 2**30)
    edit(project / CUES, "![A baby", "![A big picture](../media/big.png)\n\n![A baby")
    script = ("import resource, sys\nfrom builder.cli import main\nsys.argv = ['coursebuild', 'check', sys.argv[1]]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True, cwd=REPO)
    assert "larger than 50 MB" in done.stderr
    assert int(done.stdout.split()[-1]) < 500_000  # kB: the file is 3 GB


RSS_WITH_SCRIPT = ('<rss version="2.0"><channel><title>x</title><script xmlns="http://www.w3.org/1999/xhtml">'
                   'parent.API.LMSSetValue("cmi.core.score.raw","100")</script></channel></rss>')


@pytest.mark.parametrize("name", ["feed.rss", "feed.atom", "style.xsl", "style.xslt", "formula.mml", "data.rdf",
                                  "page.mht", "notes"])
def test_a_kind_of_file_browsers_may_run_script_in_is_not_packaged(project: Path, name: str) -> None:
    (project / "course/media" / name).write_text(RSS_WITH_SCRIPT)
    edit(project / CUES, "![A baby", f"[The feed](../media/{name})\n\n![A baby")
    suffix = Path(name).suffix or "no suffix"
    fails_with(project, f"{CUES}:11: `../media/{name}` is a kind of file a package does not carry ({suffix}): a "
               "browser might run script in it (link to a picture, video, audio, PDF, text, HTML or office file, "
               "or put it in a zip)", command="check")
