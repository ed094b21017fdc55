"""Issue 17, second verification: the project's own templates. `check` compiles and renders them as `build`,
`report` and `kit` would, and the kit reads only files inside course/ and quizzes/ whatever a template writes.
Each test asserts the exact message or the right output, on the generated course of `any_course.py`."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from any_course import SVG
from test_any_course import build_all, check_fails, make, succeeds

from conftest import run

BUILTIN = Path(__file__).resolve().parent.parent / "builder/templates"
KIT_FIX = "a kit template's image paths start from course/pages/"


def _override(project: Path, name: str, text: str, line: int | None = None) -> None:
    """The project's copy of the built-in template `name`, with `text` inserted before `line` (else appended)."""
    lines = (BUILTIN / name).read_text("utf-8").splitlines(keepends=True)
    lines.insert(len(lines) if line is None else line - 1, text)
    (project / "templates" / name).parent.mkdir(parents=True, exist_ok=True)
    (project / "templates" / name).write_text("".join(lines), "utf-8")


def _kit_fails(project: Path, out: Path) -> list[str]:
    result = run("kit", project, "--out", out)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert not out.exists()
    return result.stderr.splitlines()


def test_kit_template_images_outside_course_are_refused_by_check_and_kit(tmp_path: Path) -> None:
    project = make(tmp_path)
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\nOUTSIDE")
    (project / "secret.txt").write_text("SECRET")
    _override(project, "kit/questionnaire.html",
              '<img src="../../../outside.png" alt="x"> <img src="../../secret.txt" alt="y">\n'
              '<img src="/etc/passwd" alt="pw">\n', line=4)
    where = "templates/kit/questionnaire.html"
    expected = [
        f"{where}:4: image `../../../outside.png` points outside the project, so the kit cannot show it "
        f"(keep files inside course/; {KIT_FIX})",
        f"{where}:4: image `../../secret.txt` points at secret.txt, outside course/ and quizzes/, so the kit cannot "
        f"show it (move the file into course/media/; only files in course/ and quizzes/ are packaged; {KIT_FIX})",
        f"{where}:5: image `/etc/passwd` points at /etc/passwd, outside course/ and quizzes/, so the kit cannot "
        f"show it (move the file into course/media/; only files in course/ and quizzes/ are packaged; {KIT_FIX})"]
    assert check_fails(project) == expected
    assert _kit_fails(project, tmp_path / "kit") == [*expected, "course invalid: 3 errors"]


def test_kit_refuses_a_path_a_template_computes_at_its_file(tmp_path: Path) -> None:
    """A `src` made by template code is not in the template's text: the template, line 1."""
    project = make(tmp_path)
    _override(project, "kit/handouts.html", '<img src="{{ "../../" ~ "secret.txt" }}" alt="y">\n', line=4)
    (project / "secret.txt").write_text("SECRET")
    assert check_fails(project) == [
        "templates/kit/handouts.html:1: image `../../secret.txt` points at secret.txt, outside course/ and "
        f"quizzes/, so the kit cannot show it (move the file into course/media/; only files in course/ and "
        f"quizzes/ are packaged; {KIT_FIX})"]


def test_kit_template_images_missing_or_folders_are_one_line_each(tmp_path: Path) -> None:
    project = make(tmp_path)
    _override(project, "kit/handouts.html", '<img src="../media/logo.png" alt="logo"><img src="../media" alt="m">\n',
              line=4)
    expected = [
        "templates/kit/handouts.html:4: image `../media/logo.png` not found (looked for course/media/logo.png), so "
        f"the kit cannot show it (check the file name, its folder and its upper/lower case; {KIT_FIX})",
        "templates/kit/handouts.html:4: image `../media` is a folder (course/media), not a file, so the kit cannot "
        f"show it (point at a file in it; {KIT_FIX})"]
    assert check_fails(project) == expected
    assert _kit_fails(project, tmp_path / "kit") == [*expected, "course invalid: 2 errors"]
    # the kit's own guard, whatever `check` found: no file is read, the `src` is left as written
    from builder.kit import with_media

    html = '<p><img src="../media/logo.png" alt="logo"></p>'
    saved, files, problems = with_media(html, project, "handouts")
    assert (saved, files) == (html, {}) and [str(p) for p in problems] == expected[:1]


def test_check_compiles_the_projects_templates(tmp_path: Path) -> None:
    project = make(tmp_path)
    _override(project, "page.html", "{% if %}\n")
    _override(project, "report.md", "{% if %}\n")
    _override(project, "kit/handouts.html", "{{ settings.title | nofilter }}\n", line=4)
    fix = "(fix the template, or delete your copy to use the built-in one)"
    page_line = len((BUILTIN / "page.html").read_text("utf-8").splitlines()) + 1
    report_line = len((BUILTIN / "report.md").read_text("utf-8").splitlines()) + 1
    assert check_fails(project) == [
        f"templates/kit/handouts.html:4: template error: No filter named 'nofilter'. {fix}",
        f"templates/page.html:{page_line}: template error: Expected an expression, got 'end of statement block' {fix}",
        f"templates/report.md:{report_line}: template error: Expected an expression, got 'end of statement block' "
        f"{fix}"]


def test_check_renders_the_projects_templates_as_build_report_and_kit_do(tmp_path: Path) -> None:
    project = make(tmp_path)
    _override(project, "page.html", "{{ no_such_name }}\n", line=2)
    _override(project, "report.html", "{{ r.no_such_field.x }}\n", line=2)
    _override(project, "kit/answer-key.html", "{{ 1 / 0 }}\n", line=4)
    fix = "(fix the template, or delete your copy to use the built-in one)"
    lines = check_fails(project)
    assert lines == [
        f"templates/kit/answer-key.html:4: template error: ZeroDivisionError: division by zero {fix}",
        f"templates/page.html:2: template error: 'no_such_name' is undefined {fix}",
        f"templates/report.html:2: template error: 'builder.report.Report object' has no attribute 'no_such_field' "
        f"{fix}"]


def test_a_project_that_overrides_templates_soundly_still_passes_and_builds(tmp_path: Path) -> None:
    project = make(tmp_path)
    _override(project, "page.html", "{# this course's own page #}\n", line=1)
    _override(project, "kit/handouts.html", "{# own handouts #}\n", line=1)
    build_all(project)


def test_kit_folder_svgs_are_cleaned_as_the_packages_clean_them(tmp_path: Path) -> None:
    scripted = SVG.replace(b"<rect", b'<script>alert(1)</script><rect onclick="steal()"')
    project = make(tmp_path, files={"course/media/fire-door.svg": scripted})
    succeeds("build", project, "--target", "web", "--out", tmp_path / "out")
    succeeds("kit", project, "--out", tmp_path / "kit")
    packaged = {p.name: p.read_bytes() for p in (tmp_path / "out/fire-safety-1.0-web/media").glob("*.svg")}
    kit = {p.name: p.read_bytes() for p in (tmp_path / "kit/fire-safety-1.0-kit/media").glob("*.svg")}
    assert kit == packaged and len(kit) == 1
    (data,) = kit.values()
    assert b"script" not in data and b"onclick" not in data
    assert re.fullmatch(r"fire-door-[0-9a-f]{10}\.svg", next(iter(kit)))
    assert next(iter(kit)) == f"fire-door-{hashlib.sha256(data).hexdigest()[:10]}.svg"


# --- a link's problem is reported at the link, not at a mention of its path --------------------------

def test_a_link_problem_is_on_the_links_line_not_a_mention_or_a_stripped_attribute(tmp_path: Path) -> None:
    body = ("\nA <code>../../secret.txt</code> is a path, and so is `../../secret.txt`.\n\n"
            "See [n](../../secret.txt).\n\n"
            '<span style="background:url(gone.png)">styled</span>\n\n'
            "[ref link][r1] and more.\n\n[r1]: gone.png\n\nFootnote[^1].\n\n[^1]: See [n](gone.png).\n")
    project = make(tmp_path, extra_body=body)
    gone = ("`gone.png` not found (looked for course/pages/gone.png) (check the file name, its folder and its "
            "upper/lower case)")
    assert [line for line in check_fails(project) if ": warning: " not in line] == [
        "course/pages/intro.md:16: `../../secret.txt` points at secret.txt, outside course/ and quizzes/ (move the "
        "file into course/media/; only files in course/ and quizzes/ are packaged)",
        f"course/pages/intro.md:22: {gone}", f"course/pages/intro.md:26: {gone}"]


# --- symbolic links: the message names the link and where it leads --------------------------------------

def test_a_dangling_page_link_names_the_link_and_its_target(tmp_path: Path) -> None:
    project = make(tmp_path)
    (project / "course/pages/intro.md").unlink()
    (project / "course/pages/intro.md").symlink_to("nowhere.md")
    assert check_fails(project) == [
        "course/pages/intro.md:1: the file is a symbolic link to nowhere.md, which does not exist (point the link "
        "at an existing file, or replace it with the file itself)"]


def test_a_course_folder_linked_out_of_the_project_is_named_as_the_link(tmp_path: Path) -> None:
    project = make(tmp_path)
    outside = tmp_path / "elsewhere"
    (project / "course").rename(outside)
    (project / "course").symlink_to(outside)
    problem = (f"the folder `course` is a link to a folder outside the project ({outside}), which is not read "
               "(replace the link with the folder itself)")
    assert check_fails(project) == [f"course/competencies.yaml:1: {problem}", f"course/course.yaml:1: {problem}",
                                    f"course/pages:1: {problem}"]


# --- ids are ASCII: the message says so, and suggests the ASCII spelling when there is one ---------------

def test_a_non_ascii_id_is_told_ascii_with_its_transliteration_when_there_is_one(tmp_path: Path) -> None:
    project = make(tmp_path)
    bank = project / "quizzes/final.yaml"
    bank.write_text(bank.read_text("utf-8").replace("id: final-1", "id: café-frigo", 1), "utf-8")
    page = project / "course/pages/intro.md"
    page.write_text(page.read_text("utf-8").replace("id: intro", "id: אחסון", 1), "utf-8")
    hint = ("start with an ASCII letter, a-z or A-Z without accents, then ASCII letters, digits, '-' or '_', at most "
            "64 characters")
    lines = [line for line in check_fails(project) if "is not in the right form" in line]
    assert lines == [f"course/pages/intro.md:2: `id` value `אחסון` is not in the right form ({hint})",
                     f"quizzes/final.yaml:5: `id` value `café-frigo` is not in the right form ({hint}, e.g. "
                     "`cafe-frigo`)"]


def test_a_kit_template_may_render_only_what_weasyprint_lays_out_in_seconds(tmp_path: Path) -> None:
    """A 200-byte attendance sheet rendering 11 MB (under the 16 MB of any template) kept WeasyPrint busy for
    over 120 s at 1.1 GB, one just under 2 MB 67 s and 595 MB; a kit document is bounded to 256 KB, in `check` as
    in `kit`, before any PDF is made."""
    project = make(tmp_path)
    (project / "templates/kit").mkdir(parents=True)
    (project / "templates/kit/attendance-sheet.html").write_text(
        "<html><body>{% for i in range(17000) %}<p>{{ i }} " + "x" * 100 + "</p>{% endfor %}</body></html>\n",
        "utf-8")
    expected = ("templates/kit/attendance-sheet.html:1: template error: not allowed in a template: a template may "
                "not render more than 256 KB (fix the template, or delete your copy to use the built-in one)")
    assert check_fails(project) == [expected]
    assert _kit_fails(project, tmp_path / "out") == [expected]


def test_kit_images_refused_are_located_in_the_templates_read_once_and_at_most_so_many(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 18-verify20-A A1: each refused image read every kit template again (hours for a 16 MB one and many images)
    from builder import kit

    project = make(tmp_path)
    _override(project, "kit/handouts.html", '{% for i in range(30) %}<img src="../../n{{ i }}" alt="">{% endfor %}\n',
              line=4)  # no template line holds the rendered text: each is looked for in every kit template
    (project / "templates/kit/zz.html").write_text("a\n" * 1000, "utf-8")
    reads: list[Path] = []
    inside = kit.inside_templates
    monkeypatch.setattr(kit, "inside_templates", lambda own, path: reads.append(path) or inside(own, path))
    html = "".join(f'<img src="../../n{i}" alt="">' for i in range(30)) * 3 + '<img src="../../seen.png" alt="">'
    media = kit.KitMedia(project)
    problems = [str(p) for name in ("handouts", "questionnaire") for p in kit.with_media(html, project, name, media)[2]]
    fix = f"(move the file into course/media/; only files in course/ and quizzes/ are packaged; {KIT_FIX})"
    more = ("the kit's {} has 21 more images it cannot show than the 10 listed (only so many are looked for in the "
            "templates) (fix those listed first, then check again)")
    assert problems == [
        *(f"templates/kit/handouts.html:1: image `../../n{i}` points at n{i}, outside course/ and quizzes/, so the kit "
          f"cannot show it {fix}" for i in range(10)),
        f"templates/kit/handouts.html:1: {more.format('handouts')}",
        *(f"templates/kit/questionnaire.html:1: image `../../n{i}` points at n{i}, outside course/ and quizzes/, so "
          f"the kit cannot show it {fix}" for i in range(10)),
        f"course/course.yaml:1: {more.format('questionnaire')}"]  # the questionnaire's template is the built-in one
    assert sorted(reads) == [project / f"templates/kit/{name}.html" for name in ("handouts", "questionnaire", "zz")]


def test_kit_images_are_read_checked_and_hashed_once_a_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 18-verify20-A A2: each <img> of one 50 MB file read, checked and hashed it again (minutes for 100)
    from builder import kit

    project = make(tmp_path)
    _override(project, "kit/handouts.html", '{% for i in range(40) %}<img src="../media/fire-door.svg" alt="">'
              '{% endfor %}\n', line=4)
    _override(project, "kit/questionnaire.html", '<img src="../media/fire-door.svg" alt="">\n', line=4)
    read: list[str] = []
    packaged = kit.packaged_bytes
    monkeypatch.setattr(kit, "packaged_bytes", lambda root, path: read.append(path) or packaged(root, path))
    assert run("check", project).exit_code == 0
    assert read == ["course/media/fire-door.svg"]
    read.clear()
    assert run("kit", project, "--out", tmp_path / "kit").exit_code == 0
    assert read == ["course/media/fire-door.svg"]
    assert len(list((tmp_path / "kit").glob("*/media/fire-door-*.svg"))) == 1


def test_kit_images_are_bounded_in_size_each_and_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 18-verify20-A A2: what is left once each file is read once: a file larger than its kind may be, and the total
    from builder import kit

    project = make(tmp_path)
    with (project / "course/media/big.pdf").open("wb") as big:
        big.truncate(50 * 1024 ** 2 + 1)
    (project / "course/media/copy.svg").write_bytes((project / "course/media/fire-door.svg").read_bytes())
    _override(project, "kit/handouts.html", '<img src="../media/big.pdf" alt="">\n'
              '<img src="../media/fire-door.svg" alt=""><img src="../media/copy.svg" alt="">\n', line=4)
    monkeypatch.setattr(kit, "MAX_KIT_MEDIA_BYTES", (project / "course/media/copy.svg").stat().st_size * 3 // 2,
                        raising=False)
    assert check_fails(project) == [
        "templates/kit/handouts.html:4: image `../media/big.pdf` is larger than 50 MB (course/media/big.pdf), the "
        "most a linked file of its kind may be, so the kit cannot show it (compress it, make it shorter or split it "
        f"up; see docs/security.md; {KIT_FIX})",
        "templates/kit/handouts.html:5: image `../media/copy.svg` would take the images of the kit's documents past "
        "0 MB in all, so the kit cannot show it (show fewer or smaller images in the kit)"]


def test_kit_images_are_located_at_their_template_line_whatever_the_references_around(tmp_path: Path) -> None:
    from builder.kit import _written_at

    project = make(tmp_path)
    (project / "templates/kit").mkdir(parents=True)
    (project / "templates/kit/zz.html").write_text(
        'a&#10;b &amp\n<img src="x.png&amp;&#x1e;">\r<img src="y.png">\n&#30;z&NewLine;w\x1eQ\n', "utf-8")
    assert _written_at(project, "handouts", "x.png&\"") == ("templates/kit/zz.html", 2)
    assert _written_at(project, "handouts", "y.png") == ("templates/kit/zz.html", 3)
    assert _written_at(project, "handouts", "a\nb &") == ("templates/kit/zz.html", 1)
    assert _written_at(project, "handouts", "z\nw") == ("templates/kit/zz.html", 4)
    assert _written_at(project, "handouts", "Q") == ("templates/kit/zz.html", 5)
    for across in ("&<img", "&\n<img", "&\x1e<img", "wQ", "w\x1eQ"):  # a text is found within one line only
        assert _written_at(project, "handouts", across) == ("templates/kit/handouts.html", 1)


def test_kit_documents_show_so_many_different_image_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 18-verify20-A A2: what is left once each file is read once: how many different files a document reads
    from builder import kit

    project = make(tmp_path)
    for name in ("a", "b", "c"):
        (project / f"course/media/{name}.svg").write_bytes((project / "course/media/fire-door.svg").read_bytes())
    monkeypatch.setattr(kit, "MAX_KIT_IMAGES", 2, raising=False)
    html = "".join(f'<img src="../media/{name}.svg">' for name in ("a", "b", "a", "c", "c", "b"))
    saved, files, problems = kit.with_media(html, project, "handouts")
    assert [str(p) for p in problems] == [
        "course/course.yaml:1: the kit's handouts shows 3 different image files, more than the 2 a kit document may "
        "(show fewer different images in it)"]
    assert len(files) == 2 and saved.count('src="../media/c.svg"') == 2
