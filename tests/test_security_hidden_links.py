"""Issue 18, twentieth verification, C2: a link that only the cleaned HTML holds is checked like any other.

Validation read a text's references from its HTML before cleaning (lxml's libxml2 parser), while the renderer and the
exports rewrote and packaged those of the cleaned HTML (nh3's html5ever, which reads `<noscript>` as text and `<style>`
in SVG or MathML as elements): `<noscript><p title="</noscript><a href=…>">` gave a link only after cleaning, so
`/etc/passwd` was packaged and embedded, types the packages refuse shipped, a FIFO hung, a missing file was a
traceback. Now both read the same elements of the same cleaned HTML (`markup.linked`), and the one reader of a file
to package (`media.packaged_bytes`) refuses by itself whatever `media.may_read` refuses.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_security import coursebuild, fails_with

from builder import markup, media, rendering, validation
from builder.loading import load_project
from builder.sourcemap import SourceFile
from builder.theme import Theme
from builder.validation import MarkdownText

from conftest import edit, growth, run

#: Raw HTML in which only the cleaner makes an element of `<a href=TARGET>`, each with another reference after it (the
#: renderer rewrote a text's links only when validation had found one).
HIDDEN = ('<noscript><p title="</noscript><a href={target}>terms</a>"></noscript>',
          "<svg><style></svg><a href={target}>terms</a></style></svg>",
          "<math><style></math><a href={target}>terms</a></style></math>")
OUTSIDE = "../../../../../../../../../etc/passwd"


def hide(project: Path, shape: str, target: str) -> None:
    """The welcome page with a link to `target` hidden as `shape`, and a picture after it."""
    with (project / "course/pages/welcome.md").open("a", encoding="utf-8") as page:
        page.write(f"\n{shape.format(target=target)}\n\n![A baby](../media/cues.svg)\n")


@pytest.mark.parametrize("shape", HIDDEN)
def test_a_hidden_link_is_a_reference_of_its_text(shape: str) -> None:
    converted = markup.convert(f"{shape.format(target='../media/x.pdf')}\n\n![A](../media/cues.svg)")
    assert ("a", "href", "../media/x.pdf") in [(r.tag, r.attribute, r.target) for r in converted.references]


@pytest.mark.parametrize("shape", HIDDEN)
def test_a_hidden_link_out_of_the_project_is_refused_by_check_and_build(project: Path, shape: str) -> None:
    hide(project, shape, OUTSIDE)
    expected = f"course/pages/welcome.md:14: `{OUTSIDE}` points outside the project (keep files inside course/)"
    fails_with(project, expected, command="check")
    fails_with(project, expected)


def test_a_hidden_link_to_a_type_the_packages_refuse_is_refused(project: Path) -> None:
    (project / "course/media/feed.atom").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>')
    hide(project, HIDDEN[0], "../media/feed.atom")
    fails_with(project, "course/pages/welcome.md:14: `../media/feed.atom` is a kind of file a package does not carry "
               "(.atom): a browser might run script in it (link to a picture, video, audio, PDF, text, HTML or office "
               "file, or put it in a zip)")


def test_a_hidden_link_to_a_fifo_is_refused_without_waiting(project: Path) -> None:
    os.mkfifo(project / "course/media/notes.txt")
    hide(project, HIDDEN[0], "../media/notes.txt")
    for command in ("check", "build"):
        result = coursebuild(command, project, timeout=60)  # hung before: nothing ever writes to the FIFO
        assert result.returncode == 1, result.stderr
        assert "course/pages/welcome.md:14: `../media/notes.txt` is not a regular file" in result.stderr


@pytest.mark.parametrize("hidden", ['<img src=x alt="a picture">', '<video src="x"></video>'])
def test_a_hidden_missing_file_is_one_line(project: Path, hidden: str) -> None:
    hide(project, HIDDEN[0].replace("<a href={target}>terms</a>", hidden), "")
    fails_with(project, "course/pages/welcome.md:14: `x` not found (looked for course/pages/x) (check the file "
               "name, its folder and its upper/lower case)")


def test_a_hidden_picture_in_a_stem_is_not_exported(project: Path) -> None:
    edit(project / "quizzes/final.yaml", "stem: Which of these are ways a baby communicates? Choose all that apply.",
         f"""stem: 'Which? <noscript><p title="</noscript><img alt=x src={OUTSIDE}>"></noscript>'""")
    out = project / "out.xml"
    result = run("export", project, "-o", out)
    assert result.exit_code == 1, result.output
    assert f"quizzes/final.yaml:9: `{OUTSIDE}` points outside the project (keep files inside course/)" \
        in result.stderr.splitlines()
    assert not out.exists()


def test_the_renderer_rewrites_exactly_the_references_validation_checks(project: Path) -> None:
    """Each element the renderer rewrites is one of `Converted.references`, and each of those is rewritten."""
    text = "\n\n".join([*(shape.format(target=f"../media/cues.svg#{n}") for n, shape in enumerate(HIDDEN)),
                        "![A](../media/cues.svg)", '<video src="../media/cues.svg" poster="../media/cues.svg"></video>',
                        "[site](https://example.org) [top](#top)"])
    references = markup.convert(text).references
    course, problems = load_project(project)
    assert course is not None, problems
    renderer = rendering._Renderer(course, Theme.for_project(project))
    seen: list[tuple[str, str, str]] = []
    renderer._rewrite = lambda element, attribute, value, folder, authored: seen.append((element.tag, attribute, value))  # type: ignore[method-assign]
    renderer.markdown(text, "course/pages/welcome.md")
    assert seen == [(r.tag, r.attribute, r.target) for r in references]
    assert len(seen) == 8


# --- the reader of a file to package checks it itself ---------------------------------------------------------------

@pytest.mark.parametrize(("name", "what"), [
    ("../outside.txt", "points outside the project"),
    ("course/.secret.txt", "points at the hidden file or folder course/.secret.txt"),
    ("course/media/link.txt", "is a symbolic link that leads out of course/"),
    ("course/media/missing.txt", "not found (looked for course/media/missing.txt)"),
    ("course/media", "is a folder (course/media), not a file"),
    ("course/media/fifo.txt", "is not a regular file (course/media/fifo.txt is a FIFO, a device or a socket)"),
    ("course/media/big.txt", "is larger than 50 MB (course/media/big.txt)"),
    ("templates/page.html", "points at templates/page.html, outside course/ and quizzes/"),
])
def test_packaged_bytes_refuses_what_may_read_refuses(tmp_path: Path, name: str, what: str) -> None:
    root = tmp_path / "P"
    (root / "course/media").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text("<p>mine</p>")
    (tmp_path / "outside.txt").write_text("secret")
    (root / "course/.secret.txt").write_text("secret")
    (root / "course/media/link.txt").symlink_to(tmp_path / "outside.txt")
    os.mkfifo(root / "course/media/fifo.txt")
    with (root / "course/media/big.txt").open("wb") as big:
        big.truncate(media.MAX_OTHER_MEDIA_BYTES + 1)  # sparse: nothing is written
    assert not media.may_read(root, name)
    with pytest.raises(media.NotPackaged) as refused:
        media.packaged_bytes(root, name)
    assert str(refused.value).startswith(f"{name}:1: `{name}` {what}")
    assert "\n" not in str(refused.value)


def test_packaged_bytes_still_reads_a_file_it_may(tmp_path: Path) -> None:
    (tmp_path / "course/media").mkdir(parents=True)
    (tmp_path / "course/media/notes.txt").write_text("notes")
    assert media.packaged_bytes(tmp_path, "course/media/notes.txt") == b"notes"


def test_a_build_never_reads_a_file_validation_let_through(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: were a reference to escape validation again, the build stops with one line at the file
    instead of packaging it (the renderer's only reader is `packaged_bytes`)."""
    monkeypatch.setattr(validation, "_check_reference", lambda *args: [])
    with (project / "course/pages/welcome.md").open("a", encoding="utf-8") as page:
        page.write(f"\n[terms]({OUTSIDE})\n")
    read = "../../../../../../../etc/passwd"  # as the page's folder and the link give it
    fails_with(project, f"{read}:1: `{read}` points outside the project, so it is not packaged (keep files inside "
               "course/)")


# --- the line of each removal: found in time linear in the text (lead's finding in the twenty-second session) -----

@pytest.mark.parametrize("unit", ["x<y", "<a \"", "<!-- x\n", "`"])
def test_removal_lines_take_time_linear_in_a_text_of_tags_or_comments_never_closed(unit: str) -> None:
    """`_WRITTEN_TAG` let a tag run on past `<`, and `_NOT_HTML` a comment or a code fence look for its end, to the
    end of the text from each unclosed `<y`, `<!--` or backtick: a 36 KB page of `x<y` after a `<script>` took
    `check` 28 s of processor time, a line of 40,000 backticks 10 s, and Markdown's 256 K characters would take
    minutes. Eight times the text, about eight times the time, not 64; the `<script>` after them is still found at
    its own line (an unclosed comment or fence is text, as Python-Markdown reads it)."""
    def lines(count: int) -> list[int]:
        text = "Intro\n<script>x</script>\n" + unit * count
        return list(MarkdownText(text, SourceFile("course/pages/p.md"), body_line=1)
                    .removal_lines([("<script> element", "<script")]))

    assert lines(3) == [2]
    assert growth(lines, 2_000) < 24
