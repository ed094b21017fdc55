"""Property: for any generated course, `check` passing means `build --target all`, both exports, `report`
and `kit` succeed, and no package holds a file from outside course/ or quizzes/ (issue 17).

Courses vary in framework codes and levels, language, title, a media file's name and option texts.
When `check` fails instead, it fails the way authors are promised: `path:line: …` lines, exit 1.
"""

from __future__ import annotations

import hashlib
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from any_course import CourseSpec, write_course
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from builder.active_content import without_script
from builder.model import LANGUAGE_PATTERN

from conftest import SHARED, run

PROBLEM_LINE = re.compile(r"[^:\n]+:\d+: .+")
#: What a package may hold besides media: the rendered pages, the theme's assets, launch file and manifests.
BUILT = re.compile(r"(pages/[a-z0-9-]+\.html|assets/[a-z0-9.-]+|index\.html|imsmanifest\.xml|metadata\.xml)")
MEDIA = re.compile(r"media/[a-z0-9]+(?:-[a-z0-9]+)*-([0-9a-f]{10})\.[a-z0-9]+")

# Letters an author might type in a file name or an answer, with the ones that broke packages before.
NAME_CHARACTERS = st.sampled_from(list("abcXYZ019 #?%~&+=,;@!$'()[]{}éüßøæ漢字ファイルعربيעברית-_."))
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
#: Now and then, any character at all: control characters must be caught by `check`.
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=10)
BLOCKISH = st.sampled_from(["1999. A year", "- a dash", "# a hash", "> a quote", "---", "* star", "+ plus",
                            "[x]: https://example.org", "/// note", "<b>bold</b>", "Plain answer"])


@st.composite
def courses(draw: st.DrawFn) -> CourseSpec:
    domains = draw(st.lists(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True), min_size=1, max_size=3,
                            unique=True))
    stem = draw(st.text(NAME_CHARACTERS, min_size=1, max_size=24))
    suffix = draw(st.sampled_from([".svg", ".SVG", ".png"]))
    options = draw(st.lists(st.one_of(BLOCKISH, *[TEXT] * 6, ANY_TEXT), min_size=2, max_size=4))
    video: dict[str, bytes] = {}
    if draw(st.booleans()):  # a video of the same name, with captions and a transcript
        video = {f"course/media/{stem}.mp4": b"\x00\x00\x00\x18ftypmp42", f"course/media/{stem}.vtt": b"WEBVTT\n",
                 f"course/media/{stem}.transcript.md": draw(TEXT).encode("utf-8")}
    question = draw(st.one_of(BLOCKISH, TEXT))
    if draw(st.booleans()):  # the stem shows the course's image: fine for Moodle XML, refused by GIFT
        question = f"{question} ![A sign](../course/media/{quote(stem + suffix)})"
    return CourseSpec(
        title=draw(st.one_of(st.just("Children's play & safety"), TEXT)),
        language=draw(st.one_of(st.sampled_from(["en-GB", "ar", "he", "fa-IR", "ur", "cy", "ks-Arab"]),
                                st.from_regex(LANGUAGE_PATTERN.strip("^$"), fullmatch=True))),
        domains=tuple(domains), levels=draw(st.integers(1, 5)), level_names=draw(st.booleans()),
        media_name=stem + suffix, options=tuple(options), stem=question, check_options=tuple(options),
        check_stem=question, files=video,
        extra_body=f"\n![A drill](../media/{quote(stem)}.mp4)\n" if video else "")


def _schemas() -> dict[str, etree.XMLSchema]:
    """The official SCORM XSDs, compiled once, when the shared folder is there (the suite runs without it)."""
    validator = SHARED / "schemas" / "validate_manifest.py"
    if not validator.is_file():
        return {}
    sys.path.insert(0, str(validator.parent))
    import validate_manifest

    return {kind: validate_manifest.load_schema(kind) for kind in ("scorm12", "scorm2004")}


SCHEMAS = _schemas()


def _project_files(project: Path) -> set[str]:
    """Content hashes of every file inside course/ and quizzes/ (the only files a package may carry), as packaged
    (an SVG written again from its tree, `without_script`)."""
    return {hashlib.sha256(without_script(p.read_bytes(), p.suffix)).hexdigest()[:10] for folder in ("course", "quizzes")
            for p in (project / folder).rglob("*") if p.is_file()}


@settings(max_examples=int(__import__("os").environ.get("ANY_COURSE_EXAMPLES", "12")), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=courses())
def test_check_passing_means_every_command_succeeds(spec: CourseSpec, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("any")
    try:
        project = write_course(root / "course", spec)
    except OSError:  # a name the file system refuses (too long): not a course an author can write
        return
    checked = run("check", project)
    assert "Traceback" not in checked.output
    if checked.exit_code != 0:
        lines = checked.stderr.splitlines()
        assert checked.exit_code == 1 and lines[-1].startswith("course invalid: ")
        assert all(PROBLEM_LINE.fullmatch(line) for line in lines[:-1]), lines
        return
    out = root / "out"
    # GIFT cannot carry files: `check` warns of each question that uses one, and the export refuses just those
    gift_refusals = [line.replace(": warning: ", ": ", 1) for line in checked.stderr.splitlines()
                     if "`export --format gift` refuses" in line]
    if gift_refusals:
        refused = run("export", project, "--format", "gift", "-o", out / "q.gift")
        assert refused.exit_code == 1 and refused.stderr.splitlines()[:-1] == gift_refusals
        assert not (out / "q.gift").exists()
    for args in (("build", project, "--out", out, "--target", "all"),
                 ("export", project, "--format", "moodle-xml", "-o", out / "q.xml"),
                 *([] if gift_refusals else [("export", project, "--format", "gift", "-o", out / "q.gift")]),
                 ("report", project, "--format", "html", "-o", out / "r.html"),
                 ("report", project, "--format", "md", "-o", out / "r.md"),
                 ("kit", project, "--out", out)):
        result = run(*args)
        assert result.exit_code == 0, (args[0], result.output)
    allowed = _project_files(project)
    for kind in ("scorm12", "scorm2004"):
        with zipfile.ZipFile(out / f"fire-safety-1.0-{kind}.zip") as archive:
            for name in archive.namelist():
                media = MEDIA.fullmatch(name)
                assert media or BUILT.fullmatch(name), name
                if media:  # named by its content: the content of a file in course/ or quizzes/
                    assert media.group(1) in allowed
                    assert hashlib.sha256(archive.read(name)).hexdigest()[:10] == media.group(1)
            if kind in SCHEMAS:
                manifest = etree.fromstring(archive.read("imsmanifest.xml"))
                assert SCHEMAS[kind].validate(manifest), SCHEMAS[kind].error_log
    etree.parse(str(out / "q.xml"))  # well-formed, whatever the text
