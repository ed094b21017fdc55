"""Any course an author writes: what `check` passes, `build`, `export`, `report` and `kit` deliver.

One test per kind of input from issue 17 (each asserting the exact message or the right output), on a
small generated course (`any_course.py`): a care homes' fire-safety course with its own framework.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from any_course import SVG, CourseSpec, write_course
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from builder import kit as kit_module
from builder.active_content import without_script
from builder.kit import to_pdf
from builder.rendering import UNITS_PER_STEP, UnitView, rating_steps

import scorm_schemas
from conftest import run

SAFE_MEDIA = re.compile(r"media/[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{10}\.[a-z0-9]+")


def find(element: lxml_html.HtmlElement, selector: str) -> list[lxml_html.HtmlElement]:
    """Descendants matching `tag.class` or `.class` or `tag` (one step; a space for descendants)."""
    path = ""
    for step in selector.split():
        tag, _, class_ = step.partition(".")
        test = f"[contains(concat(' ', normalize-space(@class), ' '), ' {class_} ')]" if class_ else ""
        path += f"//{tag or '*'}{test}"
    return element.xpath("." + path)


def make(tmp_path: Path, **fields: object) -> Path:
    return write_course(tmp_path / "fire", CourseSpec(**fields))  # type: ignore[arg-type]


def check_fails(project: Path, *extra: str) -> list[str]:
    """`coursebuild check` with exit 1 and no traceback; the problem lines."""
    result = run("check", project, *extra)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("course invalid: ")
    return lines[:-1]


def check_passes(project: Path, *extra: str) -> list[str]:
    """`coursebuild check` with exit 0; the warning lines."""
    result = run("check", project, *extra)
    assert result.exit_code == 0, result.output
    return result.stderr.splitlines()


def succeeds(*args: object) -> str:
    result = run(*map(str, args))
    assert result.exit_code == 0, result.output
    return result.stdout


def build_all(project: Path) -> dict[str, zipfile.ZipFile]:
    out = project.parent / "out"
    succeeds("build", project, "--out", out, "--target", "all")
    return {kind: zipfile.ZipFile(out / f"fire-safety-1.0-{kind}.zip") for kind in ("scorm12", "scorm2004")}


def page(project: Path, page_id: str) -> str:
    return (project.parent / "out" / "fire-safety-1.0-web" / "pages" / f"{page_id}.html").read_text("utf-8")


# --- check runs every rule the build, export and kit run --------------------------------------------

def test_check_reports_saved_progress_that_scorm12_cannot_hold(tmp_path: Path) -> None:
    questions = "".join(f"  - id: q-{'x' * 58}{i:03d}\n    stem: Is statement {i} true?\n    options:\n"
                        f"      - {{text: Agree, correct: {i % 2 == 0}, feedback: Statement {i} is {i % 2 == 0}.}}\n"
                        f"      - {{text: Disagree, correct: {i % 2 == 1}, feedback: Statement {i} is {i % 2 == 0}.}}\n"
                        f"    explanation: Statement {i} is {i % 2 == 0}.\n" for i in range(60))
    project = make(tmp_path, files={"quizzes/kc.yaml": "id: kc-bank\ntitle: Many\nkind: knowledge-check\n"
                                                       "questions:\n" + questions})
    (line,) = check_fails(project)
    assert re.fullmatch(r"course/course\.yaml:1: a learner's saved progress could reach \d+ characters, "
                        r"over the 4096 that SCORM 1\.2 allows \(use fewer or shorter page and question ids, fewer "
                        r"attempts or a smaller `draw`, or build only the other targets\)", line), line
    assert check_passes(project, "--target", "scorm2004", "--target", "web") == []
    assert check_fails(project, "--target", "scorm12") == [line]


@pytest.mark.parametrize("where, text, expected", [
    ("course/pages/intro.md", "Close the door\x07 and", "course/pages/intro.md:8: control character U+0007"),
    ("course/course.yaml", 'title: "Fire safety in care homes"', "course/course.yaml:2: control character U+0001"),
    ("quizzes/final.yaml", "explanation: Raise the alarm first.", "quizzes/final.yaml:12: control character U+001B"),
])
def test_control_characters_are_found_by_check(tmp_path: Path, where: str, text: str, expected: str) -> None:
    project = make(tmp_path)
    path = project / where
    source = path.read_text(encoding="utf-8")
    if "\x07" in text:
        source = source.replace("Close the door and", text)
    elif "title" in text:
        source = source.replace(text, 'title: "Fire\\u0001 safety"')
    else:
        source = source.replace(text, 'explanation: "Raise\\e the alarm first."', 1)
    path.write_text(source, encoding="utf-8")
    assert check_fails(project) == [f"{expected} in the text (delete it; it is often pasted in invisibly from "
                                    "a word processor or PDF)"]


def test_captions_and_transcripts_must_be_utf8(tmp_path: Path) -> None:
    project = make(tmp_path, extra_body="\n![Fire drill video](../media/drill.mp4)\n",
                   files={"course/media/drill.mp4": b"\x00\x00\x00\x18ftypmp42",
                          "course/media/drill.vtt": "WEBVTT\n\n00:00.000 --> 00:02.000\nCafé\n".encode("latin-1"),
                          "course/media/drill.transcript.md": "Line one\nThe caf\xe9 bell\x0c\n".encode("utf-8")})
    assert check_fails(project) == [
        "course/media/drill.transcript.md:2: control character U+000C in the text (delete it; it is often pasted "
        "in invisibly from a word processor or PDF)",
        "course/media/drill.vtt:4: the file is not UTF-8 text (byte 0xe9) (save it with UTF-8 encoding)"]


# --- competency frameworks: any code scheme, 1 to 5 levels ------------------------------------------

@pytest.mark.parametrize("levels", [1, 2, 5])
def test_letter_coded_framework_with_any_number_of_levels_works_everywhere(tmp_path: Path, levels: int) -> None:
    project = make(tmp_path, domains=("A", "B"), levels=levels)
    assert check_passes(project) == []
    build_all(project)
    self_assessment = lxml_html.fromstring(page(project, "sa-start"))
    assert [label.text_content() for label in find(self_assessment, ".level-choice label")] == [
        f"Level {n}: level {n} practice" for n in range(1, levels + 1)]
    assert find(self_assessment, ".unit-rating")[0].get("data-unit") == "A.01"
    assert len(find(self_assessment, ".descriptor")) == levels
    markdown = succeeds("report", project, "--format", "md", "-o", "-")
    assert re.findall(r"^### Level .*$", markdown, re.M) == [f"### Level {n}: level {n} practice"
                                                              for n in range(1, levels + 1)]
    assert f"- A.01 Unit A.01: What level {levels} looks like in A.01." in markdown
    html = succeeds("report", project, "--format", "html", "-o", "-")
    assert f"<h3>Level {levels}: level {levels} practice</h3>" in html and "<h3>A. Domain A</h3>" in html
    succeeds("kit", project, "--out", tmp_path / "kit")
    data = (project.parent / "out/fire-safety-1.0-web/assets/course-data.js").read_text()
    assert '"units":[{"code":"A.01","title":"Unit A.01"}]' in data


def test_unnamed_levels_are_numbered(tmp_path: Path) -> None:
    project = make(tmp_path, levels=2, level_names=False)
    build_all(project)
    labels = find(lxml_html.fromstring(page(project, "sa-end")), ".level-choice label")
    assert [label.text_content() for label in labels] == ["Level 1", "Level 2"]


def test_framework_mistakes_are_reported(tmp_path: Path) -> None:
    project = make(tmp_path, domains=("A", "B"), levels=3)
    framework = project / "course/competencies.yaml"
    text = framework.read_text()
    text = text.replace('code: "B.01"', 'code: "A.02"')
    text = text.replace("          3: What level 3 looks like in B.01.\n", "")
    text = text.replace("  3: level 3 practice\n", "  3: level 3 practice\n  4: level 4 practice\n")
    framework.write_text(text)
    assert check_fails(project) == [
        "course/competencies.yaml:7: level 4 is named, but no unit describes it (remove it, or describe level 4 "
        "in every unit)",
        "course/competencies.yaml:21: unit `A.02` is listed under domain B (move it, or start its code with `B.`)",
        "course/competencies.yaml:23: unit `A.02` describes levels 1, 2, but the framework's first unit describes "
        "levels 1, 2, 3 (describe the same levels for every unit)"]


def test_a_sixth_level_is_refused(tmp_path: Path) -> None:
    project = make(tmp_path, levels=6, level_names=False)
    assert check_fails(project) == ["course/competencies.yaml:15: `levels` is 6, but must be at most 5 "
                                    "(use a number at most 5)"]


# --- media and links: only course/ and quizzes/ are packaged ---------------------------------------

@pytest.mark.parametrize("link, message", [
    ("![Secret](../../secret.png)", "`../../secret.png` points at secret.png, outside course/ and quizzes/ (move "
     "the file into course/media/; only files in course/ and quizzes/ are packaged)"),
    ("![Secret](../../../secret.png)", "`../../../secret.png` points outside the project (keep files inside course/)"),
    ("[config](../../.git/config)", "`../../.git/config` points at .git/config, outside course/ and quizzes/ (move "
     "the file into course/media/; only files in course/ and quizzes/ are packaged)"),
    ("[env](../.env)", "`../.env` points at the hidden file or folder course/.env (rename it without the leading "
     "'.'; hidden files are never packaged)"),
    ("[keys](../media/.hidden/key.pdf)", "`../media/.hidden/key.pdf` points at the hidden file or folder "
     "course/media/.hidden/key.pdf (rename it without the leading '.'; hidden files are never packaged)"),
    ("[template](../../templates/page.html)", "`../../templates/page.html` points at templates/page.html, outside "
     "course/ and quizzes/ (move the file into course/media/; only files in course/ and quizzes/ are packaged)"),
])
def test_files_outside_course_and_quizzes_are_refused(tmp_path: Path, link: str, message: str) -> None:
    project = make(tmp_path, extra_body=f"\n{link}\n", files={
        "secret.png": b"\x89PNG\r\n\x1a\n", "course/.env": b"KEY=1", "course/media/.hidden/key.pdf": b"%PDF",
        ".git/config": b"[core]", "templates/page.html": b"x"})
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert check_fails(project) == [f"course/pages/intro.md:14: {message}"]


def test_symlinks_that_leave_course_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.svg"
    outside.write_bytes(SVG)
    project = make(tmp_path, extra_body="\n![Linked](../media/linked.svg)\n\n![Folder](../media/shared/b.svg)\n"
                                        "\n![Talk](../media/talk.mp3)\n",
                   files={"course/media/talk.mp3": b"ID3"})
    (project / "course/media/linked.svg").symlink_to(outside)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/b.svg").write_bytes(SVG)
    (project / "course/media/shared").symlink_to(tmp_path / "shared", target_is_directory=True)
    (project / "course/media/talk.vtt").symlink_to(tmp_path / "outside.svg")
    assert check_fails(project) == [
        "course/pages/intro.md:14: `../media/linked.svg` is a symbolic link that leads out of course/ "
        "(course/media/linked.svg) (copy the file itself into course/media/)",
        "course/pages/intro.md:16: `../media/shared/b.svg` is a symbolic link that leads out of course/ "
        "(course/media/shared/b.svg) (copy the file itself into course/media/)",
        "course/pages/intro.md:18: `course/media/talk.vtt` is a symbolic link that leads out of course/ "
        "(course/media/talk.vtt) (copy the file itself into course/media/)"]


def test_a_symlink_inside_course_is_packaged(tmp_path: Path) -> None:
    project = make(tmp_path, extra_body="\n![Same door](../media/alias.svg)\n")
    (project / "course/media/alias.svg").symlink_to(project / "course/media/fire-door.svg")
    packages = build_all(project)
    assert [n for n in packages["scorm12"].namelist() if n.startswith("media/")] == [
        f"media/alias-{_svg_digest(SVG)}.svg", f"media/fire-door-{_svg_digest(SVG)}.svg"]


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:10]


def _svg_digest(svg: bytes) -> str:
    """The digest in the packaged name of the SVG file `svg`: of the bytes packaged, written again from its tree
    (`without_script`)."""
    return _digest(without_script(svg, ".svg"))


def damaged_png(side: int, idat: bytes) -> bytes:
    """A PNG of `side` pixels square (RGB) whose chunks are well formed, holding `idat` as its picture data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def picture(kind: str, side: int) -> bytes:
    """A picture of `side` pixels square in Pillow's format `kind` ("PNG", "JPEG"), of noise (so it is not tiny)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), bytes(range(256)) * (side * side * 3 // 256 + 1)).save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize("name, data, problem", [
    ("empty.svg", b"", "is an empty file (0 bytes)"),
    ("text.svg", b"not xml at all", "is not a valid SVG file (not well-formed XML: Start tag expected, '<' not "
                                    "found, line 1, column 1)"),
    ("html.svg", b"<html><body/></html>", "is not a valid SVG file (its root element is not <svg> in the SVG "
                                          "namespace)"),
    ("empty.png", b"", "is an empty file (0 bytes)"),
    ("fake.png", b"GIF89a", "is not a PNG file (its first bytes are not a PNG signature)"),
    ("fake.jpg", b"\x89PNG\r\n\x1a\n", "is not a JPEG file (its first bytes are not a JPEG signature)"),
    ("no-zlib.png", damaged_png(4, b"not zlib"),
     "is damaged: its picture cannot be decoded (broken data stream when reading image file)"),
    ("cut.png", picture("PNG", 64)[:-30], "is damaged: its picture cannot be decoded (image file is truncated)"),
    ("cut.jpg", picture("JPEG", 64)[:400], "is damaged: its picture cannot be decoded (Truncated File Read)"),
    ("noise.png", b"\x89PNG\r\n\x1a\n" + b"noise" * 10, "is damaged: its picture cannot be decoded (Truncated File Read)"),
    ("bad-crc.png", damaged_png(4, b"")[:29] + b"\0\0\0\0",
     "is damaged: its picture cannot be decoded (its header cannot be read)"),
])
def test_broken_images_are_warned(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    project = make(tmp_path, extra_body=f"\n![Broken](../media/{name})\n", files={f"course/media/{name}": data})
    warning = (f"course/pages/intro.md:14: warning: `../media/{name}` {problem}, so learners see a broken image "
               "(export the image again from your drawing or photo program)")
    assert check_passes(project) == [warning]
    assert check_fails(project, "--strict") == [warning]


def test_a_damaged_picture_is_found_once_weasyprint_is_loaded() -> None:
    """WeasyPrint, imported by the kit, has Pillow fill what it cannot decode without a word; a damaged picture is
    still found, and WeasyPrint's setting is left as it was."""
    import weasyprint  # noqa: F401 - imported for what it sets
    from PIL import ImageFile

    from builder.media import file_content_problem

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    assert file_content_problem("cut.png", picture("PNG", 65)[:-30]) == (
        "is damaged: its picture cannot be decoded (image file is truncated)")
    assert ImageFile.LOAD_TRUNCATED_IMAGES


def test_the_pictures_decoded_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pictures are decoded (to find damaged ones) up to PROJECT_DECODED_PIXELS in all, in the order they are checked;
    past it none is decoded, so none is warned of (each is decoded within MAX_PICTURE_PIXELS: a warning is not worth
    decoding a hundred photographs of 40 megapixels)."""
    from builder import media_time

    sides = [5, 6, 7, 8]  # sizes no other test uses: a picture decoded before in this process counts nothing
    monkeypatch.setattr(media_time, "PROJECT_DECODED_PIXELS", 5 * 5 + 6 * 6)
    body = "".join(f"\n![Picture {side}](../media/p{side}.png)\n" for side in sides)
    project = make(tmp_path, extra_body=body,
                   files={f"course/media/p{side}.png": damaged_png(side, b"not zlib") for side in sides})
    assert [line.split("`")[1] for line in check_passes(project)] == ["../media/p5.png", "../media/p6.png"]


# --- safe archive names for media, captions and transcripts ----------------------------------------

NAMES = ["Café #2 (final).svg", "what?.svg", "100% safe.SVG", "~backup copy.svg", "ファイル.svg", "a%20b.svg"]


def test_media_names_are_safe_in_every_package_and_manifest(tmp_path: Path) -> None:
    from urllib.parse import quote

    images = "".join(f"\n![Picture {i}](../media/{quote(name)})\n" for i, name in enumerate(NAMES))
    files = {f"course/media/{name}": SVG.replace(b"10", str(i + 20).encode()) for i, name in enumerate(NAMES)}
    files.update({"course/media/Drill talk #1.mp4": b"\x00\x00\x00\x18ftypmp42",
                  "course/media/Drill talk #1.vtt": b"WEBVTT\n",
                  "course/media/Drill talk #1.transcript.md": b"The transcript."})
    project = make(tmp_path, extra_body=images + "\n![Drill](../media/Drill%20talk%20%231.mp4)\n", files=files)
    assert check_passes(project) == []
    packages = build_all(project)
    for kind, archive in packages.items():
        media = [n for n in archive.namelist() if n.startswith("media/")]
        assert len(media) == len(NAMES) + 3, media  # and the page's own image, the video, its captions
        assert all(SAFE_MEDIA.fullmatch(name) for name in media), media
        assert "media/cafe-2-final-" in " ".join(media) and "media/file-" in " ".join(media)
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        hrefs = {f.get("href") for f in manifest.iter("{*}file")}
        assert set(media) <= hrefs
        _assert_xsd_valid(kind, archive.read("imsmanifest.xml"), tmp_path)
    intro = lxml_html.fromstring(page(project, "intro"))
    sources = [img.get("src") for img in intro.iter("img")] + [t.get("src") for t in intro.iter("track", "video")]
    assert all(re.fullmatch(r"\.\./" + SAFE_MEDIA.pattern, src) for src in sources), sources
    assert find(intro, "details.transcript p")[0].text == "The transcript."


def _assert_xsd_valid(kind: str, manifest: bytes, tmp_path: Path) -> None:
    """Validate against the official XSDs when the shared folder is there (the suite runs without it)."""
    assert scorm_schemas.validate_shared(kind, manifest, tmp_path) in ([], None)


# --- links that leave the course open in a new tab ------------------------------------------------

def test_links_that_leave_the_course_open_in_a_new_tab(tmp_path: Path) -> None:
    project = make(tmp_path, extra_body="\nSee the [policy](../media/policy.pdf), [the record](record.md) "
                                        "and [email us](mailto:fire@example.org).\n",
                   files={"course/media/policy.pdf": b"%PDF-1.4"})
    build_all(project)
    links = {a.text: a for a in lxml_html.fromstring(page(project, "intro")).iter("a") if a.text}
    for text in ("fire service's advice", "policy"):
        link = links[text]
        assert (link.get("target"), link.get("rel")) == ("_blank", "noopener")
        assert link.text_content() == f"{text} (opens in a new tab)"
        assert find(link, "span.visually-hidden")[0].text == " (opens in a new tab)"
    assert links["policy"].get("href").startswith("../media/policy-")
    for text in ("the record", "email us"):
        assert links[text].get("target") is None and links[text].text_content() == text


# --- exports --------------------------------------------------------------------------------------

def test_moodle_xml_keeps_images_that_share_a_file_name(tmp_path: Path) -> None:
    other = SVG.replace(b"10", b"30")
    project = make(tmp_path, stem="Which sign is this? ![Sign](../course/media/a/sign.svg) "
                                  "or ![Sign](../course/media/b/sign.svg)",
                   options=("This one ![Exit](../course/media/exit.svg)", "Neither"),
                   files={"course/media/a/sign.svg": SVG, "course/media/b/sign.svg": other,
                          "course/media/exit.svg": SVG.replace(b"10", b"40")})
    out = tmp_path / "q.xml"
    succeeds("export", project, "--format", "moodle-xml", "-o", out)
    question = etree.parse(str(out)).find("question[@type='multichoice']")
    files = {f.get("name") for f in question.iterfind("questiontext/file")}
    assert files == {f"sign-{_svg_digest(SVG)}.svg", f"sign-{_svg_digest(other)}.svg"}
    text = question.findtext("questiontext/text")
    assert all(f"@@PLUGINFILE@@/{name}" in text for name in files)
    # the answers come in the bank's fixed shuffled order (kit.fixed_order): find the one with the image
    answer = next(a for a in question.iterfind("answer") if a.findtext("text").startswith("This one"))
    exit_sign = f"exit-{_svg_digest(SVG.replace(b'10', b'40'))}.svg"
    assert [child.tag for child in answer] == ["text", "file", "feedback"]
    assert answer.find("file").get("name") == exit_sign
    assert answer.findtext("text") == f'This one <img alt="Exit" src="@@PLUGINFILE@@/{exit_sign}">'


def test_gift_export_has_no_raw_script(tmp_path: Path) -> None:
    project = make(tmp_path, options=("Raise the alarm <script>alert(1)</script>", "Wait"))
    warnings = check_passes(project)
    assert warnings[0] == ("quizzes/final.yaml:10: warning: unsafe HTML removed: <script> element (use plain "
                           "Markdown; scripts, event handlers, javascript: links and lists numbered from a number of "
                           "more than 9 digits are not allowed)")
    for format_ in ("gift", "moodle-xml"):
        exported = succeeds("export", project, "--format", format_, "-o", "-")
        assert "<script" not in exported.lower() and "alert" not in exported
        assert "Raise the alarm" in exported


# --- stems and options are inline text ------------------------------------------------------------

BLOCKISH = ("1999. The year the rules changed", "- none of these", "# of residents", "> 3 exits", "+ more",
            "* any", "---", "[a]: https://example.org")
#: The same kinds of text for the knowledge check, in words of its own (options repeated word for word are warned)
PRACTICE_BLOCKISH = ("2001. A different year", "- a dash", "# of staff", "> 2 doors", "+ extra", "* some", "***",
                     "[b]: https://example.net")


def test_stems_and_options_are_phrasing_content_everywhere(tmp_path: Path) -> None:
    project = make(tmp_path, options=BLOCKISH, stem="# of fire doors on each floor?",
                   check_options=PRACTICE_BLOCKISH, check_stem="> 2 exits: which is nearest?")
    assert check_passes(project) == []
    build_all(project)
    check_page = lxml_html.fromstring(page(project, "check"))
    assert len(find(check_page, "h1")) == 1
    form = find(check_page, "form.question")[0]
    labels = [label.text_content() for label in find(form, ".option label")]
    assert labels == list(PRACTICE_BLOCKISH)
    assert find(form, "legend")[0].text_content().split("Question 1. ")[1].startswith("> 2 exits: which is nearest?")
    block = "ul ol li h1 h2 h3 h4 h5 h6 blockquote hr p div".split()
    for label in [*find(form, "label"), find(form, "legend")[0]]:
        assert not [e.tag for e in label.iterdescendants() if e.tag in block]
    xml = etree.fromstring(succeeds("export", project, "--format", "moodle-xml", "-o", "-").encode())
    question = xml.find("question[@type='multichoice']")
    assert question.findtext("questiontext/text") == "<p># of fire doors on each floor?</p>"
    answers = [a.findtext("text") for a in question.iterfind("answer")]
    assert sorted(answers) == sorted(text.replace(">", "&gt;") for text in BLOCKISH)  # in the bank's fixed order
    gift = succeeds("export", project, "--format", "gift", "-o", "-")
    assert "::final-1::[html]\\# of fire doors on each floor? {" in gift
    assert "\t=1999. The year the rules changed#<p>Yes, the alarm warns everyone in the building.</p>" in gift
    assert "\t~- none of these#" in gift
    assert "<ol" not in gift and "<ul" not in gift and "<h1" not in gift and "<hr" not in gift
    succeeds("kit", project, "--out", tmp_path / "kit")
    questionnaire = (tmp_path / "kit/fire-safety-1.0-kit/questionnaire.html").read_text()
    assert "1999. The year the rules changed" in questionnaire and "<h1># of" not in questionnaire
    assert questionnaire.count("<h1") == 1


# --- text direction and kit headers ---------------------------------------------------------------

@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("ur-PK", "rtl"),
                                                 ("ks-Arab", "rtl"), ("en-GB", "ltr"), ("cy", "ltr")])
def test_right_to_left_languages_get_dir_rtl(tmp_path: Path, language: str, direction: str) -> None:
    project = make(tmp_path, language=language)
    packages = build_all(project)
    expected = f'<html lang="{language}" dir="{direction}">'
    assert expected in page(project, "intro")
    assert expected in packages["scorm12"].read("index.html").decode()
    assert expected in (project.parent / "out/fire-safety-1.0-web/index.html").read_text()
    succeeds("kit", project, "--out", tmp_path / "kit")
    assert expected in (tmp_path / "kit/fire-safety-1.0-kit/handouts.html").read_text()
    assert expected in succeeds("report", project, "--format", "html", "-o", "-")


def test_kit_pdf_headers_show_the_title_as_written(tmp_path: Path) -> None:
    title = 'Children\'s play & safety: "fire" </style> \\ drills'
    project = make(tmp_path, title=title)
    succeeds("kit", project, "--out", tmp_path / "kit")
    pdf = tmp_path / "kit/fire-safety-1.0-kit/handouts.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.splitlines()[0].strip() == f"{title}, version 1.0"
    assert "&#39;" not in text and "&amp;" not in text


# --- paths that are folders, ids that differ in case, a kit without an evaluation ------------------

def test_page_and_bank_paths_that_are_folders_are_reported(tmp_path: Path) -> None:
    project = make(tmp_path)
    (project / "course/pages/extra.md").mkdir()
    (project / "quizzes/more.yaml").mkdir()
    assert check_fails(project) == [
        "course/pages/extra.md:1: this is a folder, not a file (rename the folder so its name does not end in the "
        "file's extension, or remove it)",
        "quizzes/more.yaml:1: this is a folder, not a file (rename the folder so its name does not end in the "
        "file's extension, or remove it)"]


def test_ids_that_differ_only_in_case_are_refused(tmp_path: Path) -> None:
    project = make(tmp_path)
    bank = project / "quizzes/final.yaml"
    bank.write_text(bank.read_text().replace("id: final-2", "id: Final-1").replace("id: final-3", "id: INTRO"))
    assert check_fails(project) == [
        "quizzes/final.yaml:13: id `Final-1` differs only in upper/lower case from `final-1` (question at "
        "quizzes/final.yaml:5) (give it a different id: ids that differ only in case collide on some file systems "
        "and in some LMSs)",
        "quizzes/final.yaml:21: id `INTRO` differs only in upper/lower case from `intro` (page at "
        "course/pages/intro.md:2) (give it a different id: ids that differ only in case collide on some file "
        "systems and in some LMSs)"]


def test_kit_without_an_evaluation_page_is_warned(tmp_path: Path) -> None:
    project = make(tmp_path, evaluation=False)
    assert check_passes(project) == [
        "course/course.yaml:16: warning: the kit's evaluation sheet will be blank: no page has `ratings` or "
        "`comments` (add a reflection page with the evaluation's `ratings` and `comments` (see docs/authoring.md))"]


# --- the kit works offline and reads only project files -------------------------------------------

def files_the_kit_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the kit's fetcher reads (`kit._read_regular`, resolved) from now on, with its PDFs laid out in this
    process, where the spy sees them."""
    read: list[Path] = []
    original = kit_module._read_regular

    def spy(path: Path) -> bytes | None:
        read.append(path.resolve())
        return original(path)

    monkeypatch.setattr(kit_module, "_read_regular", spy)
    monkeypatch.setattr(kit_module, "_in_child", lambda lay_out, _: kit_module._reason_of(lay_out))
    return read


def test_kit_pdfs_fetch_nothing_outside_course_and_quizzes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import http.server
    import threading

    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    project = make(tmp_path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    remote = f"http://127.0.0.1:{server.server_address[1]}"
    html = (f'<html><head><link rel="stylesheet" href="{remote}/style.css"></head><body>'
            f'<img src="{remote}/a.png" alt=""><img src="{secret.as_uri()}" alt="">'
            f'<img src="../../../secret.png" alt=""><img src="../media/fire-door.svg" alt=""><p>Text</p></body></html>')
    read = files_the_kit_reads(monkeypatch)
    try:
        assert to_pdf(html, project, "handouts").startswith(b"%PDF")
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []
    assert read == [(project / "course/media/fire-door.svg").resolve()]


@given(st.lists(st.integers(1, 30), min_size=1, max_size=8), st.sampled_from(["", "FS", "1"]))
def test_a_domain_of_any_size_is_rated_in_steps_of_a_few_units(sizes: list[int], scheme: str) -> None:
    """Each domain whole, or in the fewest near-equal parts of at most UNITS_PER_STEP units, longer parts
    first; every unit once, in framework order; every step's heading its own."""
    domains = [f"{scheme}{'ABCDEFGH'[d]}" for d in range(len(sizes))]
    units = tuple(UnitView(f"{code}.{n:02d}", f"Unit {n}", ((1, "What it looks like"),), f"{code}. Domain {code}")
                  for code, size in zip(domains, sizes, strict=True) for n in range(1, size + 1))
    steps = rating_steps(units)
    assert tuple(unit for step in steps for unit in step.units) == units
    for code, size in zip(domains, sizes, strict=True):
        parts = [step for step in steps if step.domain == f"{code}. Domain {code}"]
        lengths = [len(step.units) for step in parts]
        assert len(parts) == -(-size // UNITS_PER_STEP) and lengths == sorted(lengths, reverse=True)
        assert max(lengths) <= UNITS_PER_STEP and max(lengths) - min(lengths) <= 1
        assert [(step.part, step.parts) for step in parts] == [(n, len(parts)) for n in range(1, len(parts) + 1)]
    assert len({step.title for step in steps}) == len(steps)


@pytest.mark.parametrize(("size", "lengths", "title"), [
    (4, [4], "Domain A. Domain A"), (5, [3, 2], "Domain A. Domain A (part 1 of 2)"),
    (13, [4, 3, 3, 3], "Domain A. Domain A (part 1 of 4)")])
def test_a_long_domain_is_split_into_parts(size: int, lengths: list[int], title: str) -> None:
    units = tuple(UnitView(f"A.{n:02d}", f"Unit {n}", ((1, "x"),), "A. Domain A") for n in range(1, size + 1))
    steps = rating_steps(units)
    assert [len(step.units) for step in steps] == lengths and steps[0].title == title


@pytest.mark.browser
def test_self_assessment_and_learning_record_with_five_letter_coded_levels(browser, tmp_path: Path) -> None:  # noqa: ANN001
    """In Chromium: level 5 of a letter-coded framework is offered, kept and shown on the learning record."""
    from browser import serve

    project = make(tmp_path, domains=("FS",), levels=5)
    build_all(project)
    with serve(project.parent / "out" / "fire-safety-1.0-web") as base:
        view = browser.new_page()
        errors: list[str] = []
        view.on("pageerror", lambda error: errors.append(str(error)))
        view.goto(f"{base}/pages/sa-start.html")
        view.locator("body[data-ready]").wait_for()
        assert view.locator("input[name=sa-level]").count() == 5
        view.locator("#sa-level-5").check()
        assert view.locator('.descriptor[data-level="5"]').inner_text() == "Level 5: What level 5 looks like in FS.01."
        assert view.locator('.descriptor[data-level="4"]').is_hidden()
        view.locator('[id="sa-before-FS.01-w"]').check()
        view.locator(".sa-status", has_text="Saved your rating for FS.01.").wait_for()
        view.goto(f"{base}/pages/sa-end.html")
        view.locator("body[data-ready]").wait_for()
        assert view.locator(".chosen-level").inner_text() == "You are rating yourself at level 5 of the framework."
        view.locator('[id="sa-after-FS.01-a"]').check()
        view.locator(".sa-status", has_text="Saved your rating for FS.01.").wait_for()
        view.goto(f"{base}/pages/record.html")
        view.locator("body[data-ready]").wait_for()
        assert view.locator(".record-framework-level").inner_text() == "Level 5"
        row = view.locator('tr[data-unit="FS.01"] td')
        assert [row.nth(i).inner_text() for i in range(3)] == ["FS.01 Unit FS.01", "Working towards", "Achieved"]
        view.close()
    assert errors == []


def test_a_built_in_template_failure_does_not_blame_the_author(tmp_path: Path) -> None:
    from builder.theme import TemplateProblem, Theme, render_template

    env = Theme.for_project(make(tmp_path)).environment()
    with pytest.raises(TemplateProblem) as raised:
        render_template(env, "report.md", language="en")  # no report: what a template bug looks like
    assert str(raised.value) == ("templates/report.md:2: template error: 'r' is undefined (this is a mistake in "
                                 "coursebuild's built-in template, not in your course: please report it)")


def test_levels_must_be_numbered_from_one(tmp_path: Path) -> None:
    project = make(tmp_path, levels=3, level_names=False)
    framework = project / "course/competencies.yaml"
    framework.write_text(framework.read_text().replace("          2: What level 2 looks like in A.01.\n", ""))
    assert check_fails(project) == ["course/competencies.yaml:9: levels are numbered 1, 3 (number the levels "
                                    "from 1 up, without gaps)"]


def test_kit_finds_images_of_questions_and_the_course_description(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Bank questions are written in quizzes/, the description in course/: their images are found from there."""
    project = make(tmp_path, stem="Which sign is this? ![Exit sign](../course/media/exit.svg)",
                   files={"course/media/exit.svg": SVG})
    course_file = project / "course/course.yaml"
    course_file.write_text(course_file.read_text().replace(
        "description: What to do when the fire alarm sounds.",
        "description: \"What to do when the alarm sounds. ![Alarm point](media/exit.svg)\""))
    assert [line for line in check_passes(project) if "export --format gift" not in line] == []
    read = files_the_kit_reads(monkeypatch)
    succeeds("kit", project, "--out", tmp_path / "kit")
    kit = tmp_path / "kit/fire-safety-1.0-kit"
    # the kit's HTML shows its images from its own media/ folder, under their safe archive names
    assert re.search(r'Which sign is this\? <img alt="Exit sign" src="media/exit-[0-9a-f]{10}\.svg">',
                     (kit / "questionnaire.html").read_text())
    assert re.search(r'<img alt="Alarm point" src="media/exit-[0-9a-f]{10}\.svg">', (kit / "facilitator-guide.html").read_text())
    assert set(read) == {(project / "course/media/exit.svg").resolve(),
                         (project / "course/media/fire-door.svg").resolve()}
