"""Issue 18, ninth verification: work that one parse or one count did before any bound could stop it.

Y1: one element of many attributes made libxml2's HTML parser (a linked HTML file) and tinyhtml5 (a kit document)
take time growing as their count squared or worse (a 709 KB file kept `check` past 60 s; a 200-byte kit template
took it 43 s). Y8: an SVG `<style>` sheet of many rules over many shapes made the drawing estimate quadratic (a
280 KB figure kept `check` past 60 s). The verifier's inputs are scaled down here, with the bounds lowered where
needed.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
import tinyhtml5  # type: ignore[import-untyped]
from test_security import KIT_SHEET, fails_with, kit_sheet

from builder import active_content, media
from builder.active_content import MAX_TAG_ATTRIBUTES, crowded_tag

from conftest import FIXTURES, run

MOST = MAX_TAG_ATTRIBUTES
#: Attributes written each way HTML's tokenizer reads one (WHATWG HTML 13.2.5.32-38): quoted values holding `>`,
#: `/` and whitespace, unquoted values, bare names, names after `/`, a name starting with `=`, values after spaces.
WRITTEN = ('a{}="x > y / z"', "a{}='>'", "a{}=v", "a{}", "/a{}", "=a{}=1", "a{} = 'q'", 'a{}=""', "a{}=x/y",
           "a{}\t=\n\"<b c d e>\"")


def tag(count: int, way: str, end: str = ">") -> str:
    """A `<div>` of `count` attributes written `way` (its `{}` their number), separated by a space."""
    return "<div " + " ".join(way.format(i) for i in range(count)) + end


@pytest.mark.parametrize("way", WRITTEN)
def test_the_attributes_of_a_tag_are_counted_as_the_html_parser_counts_them(way: str) -> None:
    """The scan's count agrees with tinyhtml5's (WeasyPrint's HTML parser) at the bound and one past it, however the
    attributes are written: quoted `>` never ends the tag early, so no attribute is left uncounted."""
    for count in (MOST, MOST + 1):
        html = f"<!doctype html>\n<p>text</p>\n{tag(count, way)}x</div>"
        div = next(tinyhtml5.parse(html).iter("{http://www.w3.org/1999/xhtml}div"))
        assert len(div.attrib) == count
        assert crowded_tag(html) == (3 if count > MOST else None), (way, count)


def test_a_crowded_tag_is_found_wherever_it_is() -> None:
    assert crowded_tag("<p a b c>" * 1000 + "\n" + tag(MOST + 1, "a{}")) == 2
    assert crowded_tag("x\n\n</div " + " ".join(["a"] * (MOST + 1)) + ">") == 3, "an end tag's too"
    assert crowded_tag("<!-- x -->\n<" + tag(MOST + 1, "a{}", end="")[1:]) == 2, "to the end of the text"
    assert crowded_tag("a < b\n" + tag(MOST, "a{}") * 50 + "<br/>" * 5000) is None


#: Text before a crowded tag holding a quote that no parser reads as opening a value, each with a quote after the
#: tag to close it (18-verify10 Z1): a comment, RCDATA, raw text, a quote inside a value of the other kind.
STRAY_QUOTES = (('<!-- <x a=" -->', '<!-- " -->'), ('<title><x a="</title>', '"'),
                ("<script>var s = \"<x a='\";</script>", "'"), ('<textarea><x a="</textarea>', '"'),
                ("<!-- <x a='>' \" -->", '"'), ("<style>/* <x a=' */</style>", "'"),
                ('<p title=\'"\'>', '"'), ("<!-- <x a=\"<b>\" c=' -->", "'"))


@pytest.mark.parametrize(("before", "after"), STRAY_QUOTES)
def test_a_quote_in_a_comment_or_text_hides_no_crowded_tag(before: str, after: str) -> None:
    """Z1: a quote inside a comment, `<title>` or `<script>` made the count read everything up to the next quote as
    one value, and the crowded tag there went uncounted; the parsers end the comment at `-->` and read the tag."""
    for count in (MOST, MOST + 1):
        html = f"<!doctype html>\n{before}\n{tag(count, 'a{}=1')}x</div>{after}"
        div = next(tinyhtml5.parse(html).iter("{http://www.w3.org/1999/xhtml}div"))
        assert len(div.attrib) == count
        assert crowded_tag(html) == (3 if count > MOST else None), (before, count)


@pytest.mark.parametrize(("before", "after"), [("", ""), STRAY_QUOTES[0]])
def test_a_linked_html_file_with_a_tag_of_too_many_attributes_is_refused_before_it_is_parsed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str, after: str) -> None:
    """Y1(a), scaled down: `<div a0=1 … a80000=1>` (709 KB) kept `check` running past 60 s in libxml2's HTML
    parser, and did again after a comment holding a quote (Z1(a)). The file is refused by its bytes alone: no HTML
    parser is made for it."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/a.html").write_text(
        f"<!doctype html><title>x</title>{before}\n" + tag(MOST + 1, "a{}=1") + f"x</div>{after}", encoding="utf-8")
    page = record / "course/pages/baby-cues.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[More about cues](../media/a.html)\n", encoding="utf-8")
    too_many_elements = active_content.too_many_elements

    def counted(data: bytes, suffix: str) -> bool:
        assert suffix != ".html", "the linked HTML file was parsed to count its elements"
        return too_many_elements(data, suffix)

    monkeypatch.setattr(active_content, "too_many_elements", counted)
    fails_with(record, f"course/media/a.html:2: this file has an element with more than {MOST} attributes, too many "
               "to check for script (give that element fewer attributes, or offer the file as a PDF)",
               command="check")


@pytest.mark.parametrize(("before", "after"), [("", ""), STRAY_QUOTES[0]])
def test_a_kit_template_with_a_tag_of_too_many_attributes_is_refused_before_it_is_parsed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str, after: str) -> None:
    """Y1(b), scaled down: a template writing `<svg><g` with 25,000 attributes took tinyhtml5 42.7 s in `check`
    (`kit._figure_problem`), then `check` said ok; after a comment holding a quote it did again (Z1(b))."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    kit_sheet(record, before + '<svg width=10 height=10><g{% for i in range(' + str(MOST + 1) + ') %} a{{ i }}=1'
              '{% endfor %}></g></svg>' + after)

    real_parse = tinyhtml5.parse

    def not_parsed(document: Any, *args: Any, **kwargs: Any) -> Any:
        """The other kit documents are parsed (their table columns are counted on tinyhtml5's tree), not this one."""
        text = document if isinstance(document, str) else bytes(document).decode("utf-8", "replace")
        assert f" a{MOST}=1" not in text, "the kit document of the crowded tag was parsed"
        return real_parse(document, *args, **kwargs)

    monkeypatch.setattr(tinyhtml5, "parse", not_parsed)
    lines = fails_with(record, f"{KIT_SHEET}:1: the kit's attendance-sheet has an element with more than {MOST} "
                       "attributes (on line 1 of the document as rendered) (give that element fewer attributes)",
                       command="check")
    assert len(lines) == 2, lines


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" role="img">'


def sheet_figure(rules: str, rule_count: int, shapes: str, shape_count: int) -> bytes:
    """Y8's figure: a `<style>` of `rule_count` rules (`rules`, its `{}` their number) over `shape_count` shapes."""
    sheet = "".join(rules.replace("{}", str(i), 1) for i in range(rule_count))
    return f'{SVG}<style>{sheet}</style>{"".join(shapes.format(i) for i in range(shape_count))}</svg>'.encode()


def test_a_rule_for_each_class_is_tested_once_for_each_element(monkeypatch: pytest.MonkeyPatch) -> None:
    """Y8, scaled down: 6,000 `.cN{transform:scale(1)}` rules over 3,000 `<rect class="cN">` were past the bound
    of rules × elements, so every rule was taken to match every element: 18 million `_scale` calls. Each rule is
    tested against the elements its class may match: 40 tests and 40 matches, within a bound of 100."""
    monkeypatch.setattr(media, "_MAX_SHEET_TESTS", 100)
    monkeypatch.delattr(os, "fork")  # the estimate in this process (`bounded`'s route without fork), to count calls
    data = sheet_figure(".c{}{transform:scale(1)}", 40, '<rect class="c{}" width="1" height="1"/>', 40)
    calls = []
    scale = media._scale
    monkeypatch.setattr(media, "_scale", lambda value: calls.append(value) or scale(value))
    assert media.svg_drawing_problem(data) is None
    assert calls.count("scale(1)") == 40


def test_a_sheet_whose_rules_need_too_many_tests_refuses_the_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Y8's other kind, scaled down: 2,000 `rect{…}` rules over 2,000 `<rect>`s each match every element. Past
    _MAX_SHEET_TESTS tests the figure is refused as one that takes too long, without applying any rule."""
    monkeypatch.setattr(media, "_MAX_SHEET_TESTS", 1_000)
    data = sheet_figure("rect{opacity:0.5;transform:scale(1)}", 40, '<rect width="1" height="1"/>', 40)

    def not_applied(*_: object) -> None:
        raise AssertionError("a rule was applied")

    monkeypatch.setattr(media, "_geometry", not_applied)
    problem = media.svg_drawing_problem(data)
    assert problem is not None and problem[1].startswith("drawing this figure for a slide would take more than 2 s")


def test_a_linked_html_file_is_parsed_once_for_the_check_and_the_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Y7: packaging parsed each linked HTML or SVG file again (`without_script`), outside the project's media
    time: five files of 199,000 elements took `check` 5.8 s and `build` 10.0 s. Each content is parsed once."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/notes.html").write_text(
        f"<!doctype html><title>{tmp_path.name}</title><p onclick='x()'>notes</p>", encoding="utf-8")
    page = record / "course/pages/baby-cues.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Notes](../media/notes.html)\n", encoding="utf-8")
    parsed: list[str] = []
    monkeypatch.delattr(os, "fork")  # parsed in this process (`bounded`'s route without fork), to count the parses
    parse = active_content._parse
    monkeypatch.setattr(active_content, "_parse", lambda data, suffix: parsed.append(suffix) or parse(data, suffix))
    result = run("build", record, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert parsed.count(".html") == 1
    with zipfile.ZipFile(next((tmp_path / "out").glob("*scorm12.zip"))) as package:
        names = [name for name in package.namelist() if name.startswith("media/notes")]
        assert len(names) == 1 and b"onclick" not in package.read(names[0]), "packaged without its script"


#: HTML that libxml2's parser (without `huge_tree`) stops reading at a limit, dropping what follows (18-verify12 B6):
#: a text run of 10,000,000 characters (the verifier's had 11,000,000); ten texts of a million on one line (the
#: verifier's e2 file of sixteen); elements nested 300 deep.
HALTING = {"text": "<p>" + "a" * 10_000_000 + "</p>", "texts": ("<p>" + "a" * (2**20 - 10) + "</p>") * 10,
           "nesting": "<div>" * 300 + "x" + "</div>" * 300}


@pytest.mark.parametrize("kind", sorted(HALTING))
def test_a_linked_html_file_the_parser_stops_reading_is_refused(tmp_path: Path, kind: str) -> None:
    """B6: the packages carried such a file cleaned up to the limit, the rest (its text, and any script) silently
    gone, and `check` said ok. It is refused at the line where the parser stopped, and packaged empty."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    data = f"<!doctype html><title>x</title>\n{HALTING[kind]}<p>after</p>".encode()
    (record / "course/media/a.html").write_bytes(data)
    page = record / "course/pages/baby-cues.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[More about cues](../media/a.html)\n", encoding="utf-8")
    fails_with(record, "course/media/a.html:2: this file is cut short here by the HTML parser, which stops at very "
               "long runs of text, comments or attribute values, or at elements nested more than 256 deep: the rest "
               "cannot be checked for script (break long runs of text with line breaks or tags, nest elements less "
               "deeply, or offer the file as a PDF)", command="check")
    assert media.packaged_bytes(record, "course/media/a.html") == b""
    under = {"text": "<p>" + "a" * 9_000_000 + "</p>", "texts": ("<p>" + "a" * (2**16 - 10) + "</p>") * 160,
             "nesting": "<div>" * 250 + "x" + "</div>" * 250}[kind]
    assert b"<p>after</p>" in active_content.without_script(f"<!doctype html>{under}<p>after</p>".encode(), ".html")


def test_a_linked_html_file_whose_cleaned_copy_passes_the_bound_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify13 C2: the cleaned copy is what is packaged, and `&` becomes `&amp;`: 9.5 MB files were packaged as
    47.5 MB each, and `check` said ok. One whose copy passes the bound (lowered here) is refused and packaged empty;
    one under it is packaged whole."""
    monkeypatch.setattr(active_content, "MAX_CLEANED_BYTES", 50_000)
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/a.html").write_bytes(b"<!doctype html><title>x</title><p>" + b"&" * 20_000 + b"</p>")
    page = record / "course/pages/baby-cues.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[More about cues](../media/a.html)\n", encoding="utf-8")
    what, fix = active_content.TOO_LARGE_CLEANED
    fails_with(record, f"course/media/a.html:1: this file {what} ({fix})", command="check")
    assert media.packaged_bytes(record, "course/media/a.html") == b""
    assert b"&amp;" * 5_000 in active_content.without_script(b"<p>" + b"&" * 5_000 + b"</p>", ".html")


def test_a_picture_whose_cleaned_copy_passes_the_bound_is_an_error_at_the_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify14 D2: an SVG picture in another encoding is written again, and `>` becomes `&gt;`; a picture whose
    copy passed the bound was packaged empty (0 bytes) while `check` said ok, for a picture's problems were left to
    the image rule, which warns only of one that cannot be parsed. It is an error at the page that shows it, naming
    the character that grew; the same figure in UTF-8 is written again too (18-verify20 C1), and grows the same."""
    record = record_with_growing_figure(tmp_path, monkeypatch)
    page = record / "course/pages/baby-cues.md"
    text = page.read_text(encoding="utf-8") + "\n![A cue](../media/gt.svg)\n"
    page.write_text(text, encoding="utf-8")
    what, _ = active_content.TOO_LARGE_CLEANED
    assert "`>` as `&gt;`" in what
    expected = (f"course/pages/baby-cues.md:{text.count(chr(10))}: `../media/gt.svg` {what}, so the packages would "
                "carry it as an empty file (make the figure smaller or simpler, or save it as a PNG picture)")
    for command in ("check", "build", "slides", "kit"):
        fails_with(record, expected, command=command)
    assert media.packaged_bytes(record, "course/media/gt.svg") == b""
    assert active_content.without_script(GROWING, ".svg") == b""


#: 18-verify14 D2's figure, scaled down: 20 KB of `>`, which grows four times when it is written again.
GROWING = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><desc>' + (b">" * 100 + b"\n") * 200
           + b'</desc><rect width="5" height="5"/></svg>')


def record_with_growing_figure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture course with GROWING in ISO-8859-1 as course/media/gt.svg (written again as UTF-8), the bound on
    the cleaned copy lowered below what it grows to."""
    monkeypatch.setattr(active_content, "MAX_CLEANED_BYTES", 50_000)
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/gt.svg").write_bytes(b'<?xml version="1.0" encoding="ISO-8859-1"?>' + GROWING)
    return record


def test_a_kit_templates_own_picture_whose_cleaned_copy_passes_the_bound_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify14 D2, in the kit: a picture only a project's kit template shows is not seen by validation; `check`
    said ok and `kit` copied it as 0 bytes. `check` and `kit` refuse it at the file."""
    record = record_with_growing_figure(tmp_path, monkeypatch)
    template = (Path(media.__file__).parent / "templates/kit/handouts.html").read_text(encoding="utf-8")
    assert template.count("{% block body %}") == 1
    (record / "templates/kit").mkdir(parents=True, exist_ok=True)
    (record / "templates/kit/handouts.html").write_text(
        template.replace("{% block body %}", '{% block body %}<img src="../media/gt.svg" alt="A cue">'),
        encoding="utf-8")
    what, _ = active_content.TOO_LARGE_CLEANED
    expected = (f"course/media/gt.svg:1: this picture {what}, so the kit would carry it as an empty file (make the "
                "figure smaller or simpler, or save it as a PNG picture)")
    for command in ("check", "kit"):
        fails_with(record, expected, command=command)


#: 18-verify15 E5's picture, as it was: valid SVG, its rectangle nested in groups 300 deep (libxml2's XML parser stops
#: past active_content.MAX_XML_DEPTH without `huge_tree`, which stays off), which Chromium and the kit draw.
DEEP = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img"><title>deep</title>'
        + "<g>" * 300 + '<rect width="5" height="5"/>' + "</g>" * 300 + "</svg>").encode()


def test_a_picture_nested_past_the_parsers_depth_is_an_error_at_the_page(tmp_path: Path) -> None:
    """18-verify15 E5: such a picture was "not a valid SVG file (not well-formed XML: Excessive depth …)", a warning
    whose fix (export it again) could not help, and the packages carried it as 0 bytes. It is one error at the page,
    naming the limit; one nested less deeply is packaged unchanged."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/deep.svg").write_bytes(DEEP)
    page = record / "course/pages/baby-cues.md"
    text = page.read_text(encoding="utf-8") + "\n![A cue](../media/deep.svg)\n"
    page.write_text(text, encoding="utf-8")
    expected = (f"course/pages/baby-cues.md:{text.count(chr(10))}: `../media/deep.svg` nests elements more than 256 "
                "levels deep, more than coursebuild can check for script, so the packages would carry it as an empty "
                "file (flatten its groups, or save it as a PNG picture)")
    for command in ("check", "build", "slides", "kit"):
        lines = fails_with(record, expected, command=command)
        assert [line for line in lines if "deep.svg" in line] == [expected]
    assert media.packaged_bytes(record, "course/media/deep.svg") == b""
    shallow = DEEP.replace(b"<g>" * 300, b"<g>" * 250).replace(b"</g>" * 300, b"</g>" * 250)
    assert active_content.without_script(shallow, ".svg").endswith(shallow)


#: What a linked file nested too deep is refused with.
TOO_DEEP = ("nests elements more than 256 levels deep, more than coursebuild can check for script (flatten its groups "
            "or nest its elements less deeply, or offer it as a PDF)")


@pytest.mark.parametrize(("name", "data", "what"), [
    ("deep.svg", DEEP, TOO_DEEP),
    ("deep.xhtml", ('<html xmlns="http://www.w3.org/1999/xhtml"><body>' + "<div>" * 300 + "x" + "</div>" * 300
                    + "</body></html>").encode(), TOO_DEEP),
    ("long.xml", b"<doc>\n<t>" + b"a" * 10_000_001 + b"</t></doc>",
     "has a text, comment or attribute value of more than 10,000,000 characters (or a name of more than 50,000), "
     "more than coursebuild can check for script (break the long text into shorter ones, or offer the file as a PDF)")])
def test_a_linked_xml_file_past_the_parsers_limits_is_refused_for_what_it_is(
        tmp_path: Path, name: str, data: bytes, what: str) -> None:
    """18-verify15 E5, linked: such a file "cannot be read as XML (Excessive depth …)", to be fixed by re-exporting it
    as UTF-8. It is refused for the limit it passed (libxml2's, without `huge_tree`), at the line the parser stopped."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media" / name).write_bytes(data)
    page = record / "course/pages/baby-cues.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n[More about cues](../media/{name})\n", encoding="utf-8")
    expected = f"course/media/{name}:{2 if name == 'long.xml' else 1}: this file {what}"
    lines = fails_with(record, expected, command="check")
    assert [line for line in lines if name in line] == [expected]
    assert media.packaged_bytes(record, f"course/media/{name}") == b""


def test_a_picture_nested_past_the_parsers_depth_in_a_question_or_a_kit_template_is_an_error(tmp_path: Path) -> None:
    """18-verify15 E5 in a question's stem and in a kit template of the project (which validation does not see): the
    same error, at the question, and at the file for the kit."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/media/deep.svg").write_bytes(DEEP)
    quiz = record / "quizzes/kc-cues.yaml"
    stem = "    stem: A baby looks away during play. What might this mean?"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace(
        stem, stem[:-1] + ' ![A cue](../course/media/deep.svg)"').replace("stem: A", 'stem: "A'), encoding="utf-8")
    what = "nests elements more than 256 levels deep, more than coursebuild can check for script"
    fix = "(flatten its groups, or save it as a PNG picture)"
    fails_with(record, f"quizzes/kc-cues.yaml:6: `../course/media/deep.svg` {what}, so the packages would carry it "
               f"as an empty file {fix}", command="check")
    quiz.write_text((FIXTURES / "record/quizzes/kc-cues.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    template = (Path(media.__file__).parent / "templates/kit/handouts.html").read_text(encoding="utf-8")
    (record / "templates/kit").mkdir(parents=True, exist_ok=True)
    (record / "templates/kit/handouts.html").write_text(
        template.replace("{% block body %}", '{% block body %}<img src="../media/deep.svg" alt="A cue">'),
        encoding="utf-8")
    for command in ("check", "kit"):
        fails_with(record, f"course/media/deep.svg:1: this picture {what}, so the kit would carry it as an empty file "
                   f"{fix}", command=command)
