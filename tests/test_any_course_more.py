"""More of issue 17 (any course an author writes), from a fresh-clone verification: pages and banks linked
out of their folders, block HTML in stems and options, follow-on errors, framework codes, line numbers,
Moodle XML categories. Each test asserts the exact message or the right output, on the generated course
of `any_course.py`."""

from __future__ import annotations

from pathlib import Path

from test_any_course import build_all, check_fails, make, succeeds


def errors(project: Path) -> list[str]:
    """The errors of a failing `check` (the generated course's item-writing warnings left out)."""
    return [line for line in check_fails(project) if ": warning: " not in line]

RECORD = "---\nid: record\ntitle: Your learning record\nminutes: 5\nkind: learning-record\n---\nSee [the intro](intro.md).\n"


# --- pages and banks linked out of course/ and quizzes/ -------------------------------------------

def test_a_page_linked_out_of_course_is_refused_even_inside_the_project(tmp_path: Path) -> None:
    project = make(tmp_path, files={"drafts/outside.md": "---\nid: evil\ntitle: Evil\nminutes: 5\n---\nCANARY\n"})
    (project / "course/pages/evil.md").symlink_to("../../drafts/outside.md")
    course_yaml = project / "course/course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("pages: [sa-start,", "pages: [evil, sa-start,"))
    assert errors(project) == [
        "course/pages/evil.md:1: the file is a symbolic link that leads out of course/ (copy the file itself into "
        "course/pages/ instead of linking to it)"]
    assert "CANARY" not in run_build_output(project)


def run_build_output(project: Path) -> str:
    """What `build` says (it refuses the course, so nothing is written)."""
    from conftest import run

    result = run("build", project, "--out", project.parent / "out", "--target", "all")
    assert result.exit_code == 1 and not (project.parent / "out").exists()
    return result.output


def test_a_bank_linked_out_of_quizzes_is_refused_even_inside_the_project(tmp_path: Path) -> None:
    project = make(tmp_path, files={"drafts.yaml": "id: kc-evil\ntitle: CANARY\nkind: knowledge-check\nquestions: []\n"})
    (project / "quizzes/evil.yaml").symlink_to("../drafts.yaml")
    assert errors(project) == [
        "quizzes/evil.yaml:1: the file is a symbolic link that leads out of quizzes/ (copy the file itself into "
        "quizzes/ instead of linking to it)"]


# --- no follow-on errors after a page or bank fails to load -----------------------------------------

def test_a_page_that_fails_to_load_is_not_also_unknown(tmp_path: Path) -> None:
    project = make(tmp_path, files={"course/pages/record.md": RECORD})
    intro = project / "course/pages/intro.md"
    intro.write_text(intro.read_text().replace("minutes: 5", "minutes: five"))
    assert errors(project) == [
        "course/pages/intro.md:4: `minutes` should be a whole number, not text `five` (write a whole number)"]


def test_a_page_that_is_not_utf8_is_not_also_unknown(tmp_path: Path) -> None:
    project = make(tmp_path, files={"course/pages/record.md": RECORD})
    intro = project / "course/pages/intro.md"
    intro.write_bytes(intro.read_bytes().replace(b"Close the door", b"Close the d\xfcr"))
    assert errors(project) == [
        "course/pages/intro.md:8: the file is not UTF-8 text (byte 0xfc) (save it with UTF-8 encoding)"]


def test_a_bank_that_cannot_be_read_is_not_also_unknown(tmp_path: Path) -> None:
    project = make(tmp_path)
    (project / "quizzes/final.yaml").write_bytes(b"id: final-bank\ntitle: Fin\xfcl\n")
    assert errors(project) == [
        "quizzes/final.yaml:2: the file is not UTF-8 text (byte 0xfc) (save it with UTF-8 encoding)"]
