"""What the SCORM manifests say about the course is plain text (issue 18, 18-verify22 E3, E10), and the cleaner judges a
`cite` URL as it judges an `href` (E8)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from builder import markup
from builder.markup import convert

import scorm_schemas
from conftest import edit, run

DESCRIPTION = "  A short example course. Replace this text with what your course is about."
TITLE = "title: Getting to know your new baby"
#: What the LMS reads of each manifest's description (SCORM 2004 inline LOM, SCORM 1.2 metadata.xml).
DESCRIPTIONS = {"scorm2004": ("imsmanifest.xml", "{http://ltsc.ieee.org/xsd/LOM}description"),
                "scorm12": ("metadata.xml", "{http://www.imsglobal.org/xsd/imsmd_rootv1p2p1}description")}


@pytest.fixture
def new(tmp_path: Path) -> Path:
    """A new project as `coursebuild new` makes it."""
    assert run("new", str(tmp_path / "P")).exit_code == 0
    return tmp_path / "P"


def test_the_manifests_carry_the_descriptions_plain_text_not_its_markup(new: Path, tmp_path: Path) -> None:
    """E3: the description went into both manifests as its Markdown source, `<script>` and `onerror=` included, after
    `check` had said they were removed: an LMS that shows the LOM description as HTML ran the handler, and every LMS
    showed `**bold**` and `&amp;` literally. Now the manifests carry what the page shows, as text."""
    edit(new / "course/course.yaml", DESCRIPTION, "  Desc <script>alert(5)</script> "
         "<img src=media/cues.svg alt=c onerror=alert(6)> &amp; **bold**\n  [a link](https://example.org)[^1]\n\n"
         "  [^1]: A note.")
    result = run("build", str(new), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    for kind, (name, tag) in DESCRIPTIONS.items():
        with zipfile.ZipFile(next((tmp_path / "out").glob(f"*-{kind}.zip"))) as archive:
            manifest, described = archive.read("imsmanifest.xml"), archive.read(name)
        (text,) = [element.text for element in etree.fromstring(described).iterfind(f".//{tag}/*")]
        assert text == "Desc & bold\na link", kind
        assert scorm_schemas.validate(kind, manifest) == [], kind
        assert scorm_schemas.validate_shared(kind, manifest, tmp_path) in ([], None), kind


def test_a_manifest_text_an_lms_may_read_as_markup_is_a_warning_at_its_line(new: Path) -> None:
    """E10: a title with `</title><script>` or `{{7*7}}` passed `check --strict` and is every manifest's title (as text,
    escaped: what the LMS makes of it is the LMS's), so `check` tells the author before upload; the description's plain
    text too (a code span shows `<details>`), but not its Markdown, which the manifests no longer carry."""
    edit(new / "course/course.yaml", TITLE, 'title: "Baby </title><script>alert(1)</script> {{7*7}}"')
    edit(new / "course/course.yaml", DESCRIPTION, "  About the `<details>` element, **bold** and <b>HTML</b>.")
    result = run("check", str(new), "--strict")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "course/course.yaml:3: warning: the course title holds `</title><script>aler`, which an LMS may read as an HTML "
        "tag or a template: the SCORM manifests carry the title as plain text, and LMSs show it in their catalogues "
        "(write it without `<` before a letter and without `{{`)",
        "course/course.yaml:11: warning: the course description holds `<details> element, b`, which an LMS may read as "
        "an HTML tag or a template: the SCORM manifests carry the description as plain text, and LMSs show it in their "
        "catalogues (write it without `<` before a letter and without `{{`; Markdown such as **bold** is fine)"], \
        result.output
    edit(new / "course/course.yaml", '"Baby </title><script>alert(1)</script> {{7*7}}"', '"Babies {{ and 7 < 8"')
    edit(new / "course/course.yaml", "`<details>`", "details")
    assert "title holds `{{ and 7 < 8`" in run("check", str(new)).output
    edit(new / "course/course.yaml", "{{ and 7 < 8", "{ and 7 < 8 & 9 > 2")
    assert run("check", str(new), "--strict").exit_code == 0


def test_a_bank_title_an_lms_may_read_as_markup_is_a_warning_at_its_line(new: Path) -> None:
    """18-verify24 I4: a bank's title is in both exports' Moodle category path, as the course title is, but only the
    course title was warned about: `<script>` and `{{7*7}}` in a bank's title passed `check --strict`."""
    edit(new / "quizzes/kc-cues.yaml", "title: Baby cues", 'title: "Baby <script>alert(1)</script> {{7*7}} cues"')
    result = run("check", str(new), "--strict")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "quizzes/kc-cues.yaml:2: warning: the bank's title holds `<script>alert(1)</sc`, which an LMS may read as an "
        "HTML tag or a template: the Moodle exports (XML and GIFT) carry it as plain text in the name of the bank's "
        "question category (write it without `<` before a letter and without `{{`)",
        "course invalid: 1 warning, which --strict treats as errors"], result.output
    edit(new / "quizzes/kc-cues.yaml", '"Baby <script>alert(1)</script> {{7*7}} cues"', '"Baby {{ cues"')
    assert "title holds `{{ cues`" in run("check", str(new)).output
    edit(new / "quizzes/kc-cues.yaml", '"Baby {{ cues"', '"Baby cues < 3 months & { more }"')
    assert run("check", str(new), "--strict").exit_code == 0


@pytest.mark.parametrize(("cite", "scheme"), [("javascript:alert(1)", "javascript:"), ("vbscript:x", "vbscript:"),
                                               ("data:text/html,<script>alert(1)</script>", "data:"),
                                               (" JaVa&#9;script:alert(1)", "javascript:"),
                                               ("java&#x0A;script:alert(1)", "javascript:")])
@pytest.mark.parametrize("tag", ["blockquote", "q", "del", "ins"])
def test_a_cite_url_that_runs_script_is_removed_with_a_warning(tag: str, cite: str, scheme: str) -> None:
    """E8: nh3 judges `href` and `src` by their scheme but keeps `cite` as written: `javascript:`, `vbscript:` and
    `data:text/html` stayed in the page with no warning. No browser follows a `cite`, but the rule is the href's."""
    converted = convert(f'Text <{tag} cite="{cite}">quoted</{tag}>.')
    assert "cite" not in converted.html and f"<{tag}>quoted</{tag}>" in converted.html
    assert [what for what, _ in converted.removed] == [f"`{scheme}` URL"]


def test_a_cite_url_is_kept_where_an_href_would_be(tmp_path: Path) -> None:
    """E8: a web address or a relative one stays (nh3's own schemes); another scheme goes without a word, as from an
    `href` (`foo:` runs nothing)."""
    for cite in ("https://example.org/source", "mailto:a@example.org", "../pages/other.html", "#note", "no-scheme"):
        converted = convert(f'<blockquote cite="{cite}">q</blockquote>')
        assert f'cite="{cite}"' in converted.html and converted.removed == (), cite
    converted = convert('<blockquote cite="foo:bar">q</blockquote>')
    assert "cite" not in converted.html and converted.removed == ()


def test_a_cite_url_that_runs_script_is_reported_at_its_own_line(new: Path) -> None:
    """E8 in `check`: each at the line it is written on, as an `href`'s."""
    page = new / "course/pages/welcome.md"
    lines = page.read_text(encoding="utf-8").count("\n")
    with page.open("a", encoding="utf-8") as out:
        out.write('\n<blockquote cite="javascript:alert(1)">q</blockquote>\n\n<q cite="vbscript:x">y</q>\n')
    result = run("check", str(new), "--strict")
    assert result.exit_code == 1
    found = [line for line in result.stderr.splitlines() if "unsafe HTML removed" in line]
    assert [line.split(" (")[0] for line in found] == [
        f"course/pages/welcome.md:{lines + 2}: warning: unsafe HTML removed: `javascript:` URL",
        f"course/pages/welcome.md:{lines + 4}: warning: unsafe HTML removed: `vbscript:` URL"], result.output


def test_plain_text_is_what_a_reader_sees() -> None:
    """`plain_text`, the one plain text of Markdown (slides, manifests): cleaned, marks gone, footnotes dropped, a line
    per line written."""
    assert markup.plain_text("A *b* `<c>`[^1]\n  and &amp; <script>x</script>\n\n- item\n\n[^1]: note") == "A b <c>\nand &\nitem"
