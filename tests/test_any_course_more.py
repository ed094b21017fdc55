"""More of issue 17 (any course an author writes), from a fresh-clone verification: pages and banks linked
out of their folders, block HTML in stems and options, follow-on errors, framework codes, line numbers,
Moodle XML categories. Each test asserts the exact message or the right output, on the generated course
of `any_course.py`."""

from __future__ import annotations

import re
from pathlib import Path

from any_course import SVG
from lxml import etree
from test_any_course import _digest, _svg_digest, build_all, check_fails, check_passes, make, succeeds

from builder.active_content import without_script


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


# --- block HTML in stems and options is shown as inline text -----------------------------------------

BLOCK_HTML = ("<div>block</div> right", "<h1>Big</h1> news", "<p>one</p><p>two</p>", "<ul><li>listed</li></ul>")
BLOCK_TAGS = "ul ol li h1 h2 h3 h4 h5 h6 blockquote hr p div table".split()


def test_block_html_in_stems_and_options_is_inline_text_everywhere(tmp_path: Path) -> None:
    from lxml import etree
    from lxml import html as lxml_html
    from test_any_course import check_passes, find, page

    project = make(tmp_path, options=BLOCK_HTML, stem="<h1>Big</h1> question?",
                   check_options=BLOCK_HTML, check_stem="<h1>Big</h1> question?")  # the page shows the knowledge check
    warnings = [line for line in check_passes(project) if "block HTML" in line]
    fix = "(remove the HTML tags; use **bold** or *italics* to stress words)"
    assert warnings[:5] == [
        f"quizzes/final.yaml:6: warning: block HTML (<h1>) in a question's stem or option is shown as inline text: "
        f"a stem or an option is one line of text {fix}",
        f"quizzes/final.yaml:10: warning: block HTML (<div>) in a question's stem or option is shown as inline "
        f"text: a stem or an option is one line of text {fix}",
        f"quizzes/final.yaml:11: warning: block HTML (<h1>) in a question's stem or option is shown as inline text: "
        f"a stem or an option is one line of text {fix}",
        f"quizzes/final.yaml:12: warning: block HTML (<p>) in a question's stem or option is shown as inline text: "
        f"a stem or an option is one line of text {fix}",
        f"quizzes/final.yaml:13: warning: block HTML (<ul>, <li>) in a question's stem or option is shown as "
        f"inline text: a stem or an option is one line of text {fix}"]
    shown = ["block right", "Big news", "one two", "listed"]
    packages = build_all(project)
    for html in (page(project, "check"), packages["scorm2004"].read("pages/check.html").decode()):
        form = find(lxml_html.fromstring(html), "form.question")[0]
        assert [label.text_content() for label in find(form, ".option label")] == shown
        assert find(form, "legend")[0].text_content().split("Question 1. ")[1].startswith("Big question?")
        for element in [*find(form, "label"), find(form, "legend")[0]]:
            assert not [e.tag for e in element.iterdescendants() if e.tag in BLOCK_TAGS]
    xml = etree.fromstring(succeeds("export", project, "--format", "moodle-xml", "-o", "-").encode())
    question = xml.find("question[@type='multichoice']")
    assert question.findtext("questiontext/text") == "<p>Big question?</p>"
    assert sorted(a.findtext("text") for a in question.iterfind("answer")) == sorted(shown)  # the bank's fixed order
    gift = succeeds("export", project, "--format", "gift", "-o", "-")
    assert "::final-1::[html]Big question? {" in gift
    assert "\t=block right#<p>" in gift and "\t~one two#" in gift
    assert not [tag for tag in BLOCK_TAGS if tag != "p" and f"<{tag}>" in gift]  # feedback may be paragraphs
    assert not re.search(r"[=~](?:block right|Big news|one two|listed)[^#]*<p>", gift)  # options never are


# --- framework codes: one clear line for a code that is not A-Z, none that differ only in case -----------

CASE_FIX = "(give it a different code: codes that differ only in case collide in some LMSs)"


def test_competency_codes_that_differ_only_in_case_are_refused(tmp_path: Path) -> None:
    project = make(tmp_path, domains=("A", "a"))
    assert errors(project) == [
        f"course/competencies.yaml:17: domain `a` differs only in upper/lower case from `A` {CASE_FIX}",
        f"course/competencies.yaml:20: unit code `a.01` differs only in upper/lower case from `A.01` {CASE_FIX}"]


def test_a_repeated_domain_is_refused(tmp_path: Path) -> None:
    project = make(tmp_path, domains=("4", "4"))
    assert errors(project) == ["course/competencies.yaml:17: duplicate domain `4` (give each domain its own code)",
                               "course/competencies.yaml:20: duplicate unit code `4.01` (give each unit its own code)"]


def test_a_non_ascii_domain_code_gets_one_clear_line(tmp_path: Path) -> None:
    project = make(tmp_path, domains=("Ä",))
    unit_hint = ("(a unit code such as 4.07 or A.01: the domain's code, a full stop, then letters A-Z (without "
                 "accents) or digits, e.g. `A.01`)")  # the ASCII spelling suggested
    assert errors(project) == [
        "course/competencies.yaml:8: `number` value `Ä` is not in the right form (a domain number or code such as "
        "4 or A: letters A-Z (without accents) and digits, at most 8, e.g. `A`)",
        f"course/competencies.yaml:11: `code` value `Ä.01` is not in the right form {unit_hint}",
        f"course/pages/intro.md:6: `competencies[1]` value `Ä.01` is not in the right form {unit_hint}",
        *(f"quizzes/final.yaml:{line}: `competencies[1]` value `Ä.01` is not in the right form {unit_hint}"
          for line in (8, 16, 24)),
        f"quizzes/kc.yaml:8: `competencies[1]` value `Ä.01` is not in the right form {unit_hint}"]


def test_a_numbered_domain_is_read_as_its_digits(tmp_path: Path) -> None:
    project = make(tmp_path, domains=("7",))
    framework = project / "course/competencies.yaml"
    framework.write_text(framework.read_text().replace('number: "7"', "number: 7"))
    assert errors_or_none(project) == []


def errors_or_none(project: Path) -> list[str]:
    from conftest import run

    result = run("check", project)
    return [line for line in result.stderr.splitlines()[:-1] if ": warning: " not in line]


# --- links: the line each is written on, folders, backslashes ---------------------------------------

def test_a_target_written_twice_is_reported_on_each_line(tmp_path: Path) -> None:
    body = ("\nSee [the media](../media/fire-door.svg).\n\nAll of it: [dir](../media/) and [here](./)\n\n"
            "Missing: [gone](gone.pdf) and again [gone](gone.pdf)\n")
    project = make(tmp_path, extra_body=body)
    assert errors(project) == [
        "course/pages/intro.md:16: `../media/` is a folder (course/media), not a file (point at a file in it)",
        "course/pages/intro.md:16: `./` is a folder (course/pages), not a file (point at a file in it)",
        "course/pages/intro.md:18: `gone.pdf` not found (looked for course/pages/gone.pdf) (check the file name, "
        "its folder and its upper/lower case)",
        "course/pages/intro.md:18: `gone.pdf` not found (looked for course/pages/gone.pdf) (check the file name, "
        "its folder and its upper/lower case)"]


def test_a_backslash_in_a_path_is_reported_on_its_line(tmp_path: Path) -> None:
    project = make(tmp_path, extra_body="\nA line.\n\n![s](..\\..\\secret.svg)\n")
    assert errors(project) == [
        "course/pages/intro.md:16: `....\\secret.svg` has a backslash (Markdown reads `\\.` as `.`) (use / between "
        "folders, as in ../media/picture.png)"]


def test_an_escaped_ampersand_is_found_on_its_line(tmp_path: Path) -> None:
    project = make(tmp_path, extra_body='\nfire&amp;smoke\n\n<a href="fire&amp;smoke.pdf">notes</a>\n')
    assert errors(project) == [
        "course/pages/intro.md:16: `fire&smoke.pdf` not found (looked for course/pages/fire&smoke.pdf) (check the "
        "file name, its folder and its upper/lower case)"]


# --- Moodle XML categories ------------------------------------------------------------------------

def test_moodle_xml_category_names_have_no_slash(tmp_path: Path) -> None:
    from lxml import etree

    project = make(tmp_path, title="Fire safety 24/7")
    bank = project / "quizzes/kc.yaml"
    bank.write_text(bank.read_text().replace("title: Practice", "title: Doors / alarms"))
    xml = etree.fromstring(succeeds("export", project, "--format", "moodle-xml", "-o", "-").encode())
    assert [c.text for c in xml.iterfind("question[@type='category']/category/text")] == [
        "$course$/top/Fire safety 24-7/Final", "$course$/top/Fire safety 24-7/Doors - alarms"]
    gift = succeeds("export", project, "--format", "gift", "-o", "-")
    assert "$CATEGORY: $course$/top/Fire safety 24-7/Doors - alarms\n" in gift


# --- minor: text direction by script, U+0085 -------------------------------------------------------

def test_a_script_subtag_decides_the_direction() -> None:
    from builder.theme import direction

    rtl = ("prs", "mzn", "glk", "lrc", "az-Arab", "ks-Arab", "bal", "skr", "sdh", "bqi", "sam-Samr", "ku-Yezi")
    assert [direction(tag) for tag in rtl] == ["rtl"] * len(rtl)
    assert [direction(tag) for tag in ("ks-Deva", "ar-Latn", "en-GB", "sr-Latn", "ar-001")] == [
        "ltr", "ltr", "ltr", "ltr", "rtl"]


def test_next_line_control_character_is_flagged_like_the_other_c1_controls(tmp_path: Path) -> None:
    project = make(tmp_path, extra_body="\nA pasted\x85line.\n")
    assert errors(project) == [
        "course/pages/intro.md:14: control character U+0085 in the text (delete it; it is often pasted in "
        "invisibly from a word processor or PDF)"]


def test_strict_with_only_warnings_does_not_say_0_errors(tmp_path: Path) -> None:
    from conftest import run

    project = make(tmp_path, evaluation=False)
    result = run("check", project, "--strict")
    assert result.exit_code == 1
    warnings = len(result.stderr.splitlines()) - 1
    noun = "warning" if warnings == 1 else "warnings"
    assert result.stderr.splitlines()[-1] == f"course invalid: {warnings} {noun}, which --strict treats as errors"


# --- a linked HTML file in another encoding keeps its text when its script is removed ----------------

def test_a_latin1_html_file_is_rewritten_as_utf8_that_says_so(tmp_path: Path) -> None:
    latin1 = ('<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body><p>Caf\xe9 & cr\xe8me</p>'
              '<script>alert(1)</script></body></html>').encode("latin-1")
    utf8 = "<p>Déjà vu</p><script>alert(1)</script>".encode()
    project = make(tmp_path, extra_body="\n[Notes](../media/notes.htm) and [more](../media/more.html)\n",
                   files={"course/media/notes.htm": latin1, "course/media/more.html": utf8})
    packages = build_all(project)
    files = {name.split("-")[0]: packages["scorm2004"].read(name) for name in packages["scorm2004"].namelist()
             if name.endswith((".htm", ".html")) and name.startswith("media/")}
    notes, more = files["media/notes"].decode("utf-8"), files["media/more"].decode("utf-8")
    assert "<p>Café &amp; crème</p>" in notes and "<title>Café</title>" in notes
    assert notes.count("charset") == 1 and '<meta charset="utf-8">' in notes and "<script" not in notes
    assert "<p>Déjà vu</p>" in more and '<meta charset="utf-8">' in more


# --- the kit's HTML documents show their images from the kit folder ---------------------------------

def test_kit_html_images_are_in_the_kit_folder(tmp_path: Path) -> None:
    import re

    project = make(tmp_path, media_name="Café door #1.svg")
    succeeds("kit", project, "--out", tmp_path / "kit")
    kit = tmp_path / "kit/fire-safety-1.0-kit"
    handouts = (kit / "handouts.html").read_text("utf-8")
    sources = re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', handouts)
    assert sources == [f"media/cafe-door-1-{_svg_digest(SVG)}.svg"]
    assert (kit / sources[0]).read_bytes() == without_script(SVG, ".svg") and handouts.startswith("<!doctype html>")
    assert "../media/" not in handouts


def test_a_video_on_its_own_line_is_a_figure_outside_any_paragraph(tmp_path: Path) -> None:
    from lxml import html as lxml_html
    from test_any_course import page

    project = make(tmp_path, extra_body="\n![Fire drill](../media/drill.mp4)\n",
                   files={"course/media/drill.mp4": b"\x00\x00\x00\x18ftypmp42", "course/media/drill.vtt": b"WEBVTT\n"})
    build_all(project)
    figures = lxml_html.fromstring(page(project, "intro")).xpath("//figure[video]")
    assert len(figures) == 1 and figures[0].getparent().tag != "p"


# --- GIFT cannot carry files: questions that use one are refused by the export, warned by check --------

def test_gift_export_refuses_questions_that_use_files_and_check_warns(tmp_path: Path) -> None:
    from conftest import run

    project = make(tmp_path, stem="Which sign is this? ![Exit sign](../course/media/Café%20sign%20%231.svg)",
                   options=("Raise the alarm, see [the plan](../course/media/plan.svg)", "Wait for help"),
                   files={"course/media/Café sign #1.svg": SVG, "course/media/plan.svg": SVG.replace(b"10", b"20")})
    problem = ("quizzes/final.yaml:{line}: {label}question `final-1` uses `../course/media/Café%20sign%20%231.svg`, "
               "`../course/media/plan.svg`, which `export --format gift` refuses: a GIFT file is text only and cannot "
               "carry files (export with --format moodle-xml, which carries the files, or remove the file from the "
               "question)")
    warning = problem.format(line=6, label="warning: ")
    assert warning in check_passes(project)
    assert warning in check_fails(project, "--strict")
    out = tmp_path / "q.gift"
    result = run("export", project, "--format", "gift", "-o", out)
    assert result.exit_code == 1 and not out.exists() and "Traceback" not in result.output
    assert result.stderr.splitlines() == [problem.format(line=6, label=""), "course invalid: 1 error"]
    # The other questions and banks are fine: the knowledge check's bank alone exports
    assert "::kc-1::" in succeeds("export", project, "--format", "gift", "--bank", "kc-bank", "-o", "-")


def test_moodle_xml_carries_linked_files_and_plays_video(tmp_path: Path) -> None:
    mp4 = b"\x00\x00\x00\x18ftypmp42"
    project = make(tmp_path, options=("Raise the alarm", "Read [the plan](../course/media/plan.svg) first"),
                   files={"course/media/drill 1.mp4": mp4,
                          "course/media/drill 1.vtt": b"WEBVTT\n", "course/media/plan.svg": SVG})
    bank = project / "quizzes/final.yaml"
    bank.write_text(bank.read_text().replace("explanation: Raise the alarm first.",
                                             'explanation: "Raise the alarm first.\\n\\n![A drill](../course/media/drill%201.mp4)"', 1))
    quiz = etree.fromstring(succeeds("export", project, "--format", "moodle-xml", "-o", "-").encode("utf-8"))
    question = quiz.find("question[@type='multichoice']")
    video, captions = f"drill-1-{_digest(mp4)}.mp4", f"drill-1-{_digest(b'WEBVTT' + bytes([10]))}.vtt"
    assert question.findtext("generalfeedback/text") == (
        f'<p>Raise the alarm first.</p>\n<p><video src="@@PLUGINFILE@@/{video}" controls="">A drill<track '
        f'kind="captions" default="" label="Captions" srclang="en" src="@@PLUGINFILE@@/{captions}"></track>'
        '</video></p>')  # the captions as the packages carry them
    assert [f.get("name") for f in question.iterfind("generalfeedback/file")] == [video, captions]
    second = next(a for a in question.iterfind("answer") if a.findtext("text").startswith("Read "))
    plan = f"plan-{_svg_digest(SVG)}.svg"
    assert second.findtext("text") == f'Read <a href="@@PLUGINFILE@@/{plan}">the plan</a> first'
    assert [f.get("name") for f in second.iterfind("file")] == [plan]


# --- folders of pages and banks that are symbolic links: followed inside, refused out, never skipped ------

EXTRA = "---\nid: extra\ntitle: Extra reading\nminutes: 5\n---\nCANARY of the linked folder.\n"


def _with_page(project: Path, page_id: str) -> None:
    course_yaml = project / "course/course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("pages: [sa-start,", f"pages: [{page_id}, sa-start,"))


def test_a_folder_of_pages_linked_from_inside_course_is_read_like_any_folder(tmp_path: Path) -> None:
    project = make(tmp_path, files={"course/extra/extra.md": EXTRA})
    (project / "course/pages/more").symlink_to("../extra", target_is_directory=True)
    _with_page(project, "extra")
    assert "CANARY of the linked folder." in build_all(project)["scorm12"].read("pages/extra.html").decode()


def test_folder_links_that_leave_lead_nowhere_or_loop_are_each_reported(tmp_path: Path) -> None:
    project = make(tmp_path, files={"drafts/extra.md": EXTRA, "drafts/bank.yaml": "id: kc-evil\n"})
    (project / "course/pages/drafts").symlink_to("../../drafts", target_is_directory=True)
    (project / "course/pages/gone").symlink_to("../nothing")
    (project / "course/pages/loop").symlink_to("loop")
    (project / "course/pages/again").symlink_to("..", target_is_directory=True)
    (project / "quizzes/drafts").symlink_to(project / "drafts", target_is_directory=True)
    _with_page(project, "extra")
    assert errors(project) == [
        "course/pages/again:1: the folder is a symbolic link to `..`, a folder that holds it (delete the link; "
        "its files are read already)",
        "course/pages/drafts:1: the folder is a symbolic link that leads out of course/ (to `../../drafts`) (copy "
        "the folder itself into course/pages/ instead of linking to it)",
        "course/pages/gone:1: a symbolic link to `../nothing`, which does not exist (point the link at a folder "
        "in the project, or delete it)",
        "course/pages/loop:1: a symbolic link that leads back to itself (point the link at a folder in the project, "
        "or delete it)",
        f"quizzes/drafts:1: the folder is a symbolic link that leads out of quizzes/ (to `{project / 'drafts'}`) "
        "(copy the folder itself into quizzes/ instead of linking to it)"]
    assert "CANARY" not in run_build_output(project)


def test_a_pages_folder_linked_out_of_the_project_is_named(tmp_path: Path) -> None:
    project = make(tmp_path)
    (project / "course/pages").rename(tmp_path / "pages")
    (project / "course/pages").symlink_to(tmp_path / "pages", target_is_directory=True)
    assert errors(project) == [f"course/pages:1: the folder is a symbolic link that leads out of the project "
                               f"(to `{(tmp_path / 'pages').resolve()}`) (make it an ordinary folder of the project)"]


# --- the kit: file names with '#', '?', '%' outside course/pages; video and file links on paper ------------

def test_kit_shows_a_question_image_named_with_hash_and_describes_video_and_file_links(tmp_path: Path) -> None:
    import re

    mp4 = b"\x00\x00\x00\x18ftypmp42"
    project = make(tmp_path, stem="Which sign is this? ![Exit sign](../course/media/Exit%20%231%3F%2050%25.svg)",
                   files={"course/media/Exit #1? 50%.svg": SVG, "course/media/drill 1.mp4": mp4,
                          "course/media/drill 1.vtt": b"WEBVTT\n", "course/media/plan (v2).pdf": b"%PDF-1.4\n"},
                   extra_body="\n![A fire drill](../media/drill%201.mp4)\n\nSee [the plan](../media/plan%20(v2).pdf) "
                              "and [the fire service](https://www.example.org/fire).\n")
    succeeds("kit", project, "--out", tmp_path / "kit")
    kit = tmp_path / "kit/fire-safety-1.0-kit"
    questionnaire = (kit / "questionnaire.html").read_text("utf-8")
    assert re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', questionnaire) == [f"media/exit-1-50-{_svg_digest(SVG)}.svg"]
    handouts = (kit / "handouts.html").read_text("utf-8")
    assert '<span class="media-note">Video: A fire drill</span>' in handouts
    assert "mp4" not in handouts and "plan%20(v2).pdf" not in handouts and "See the plan and " in handouts
    assert '<a href="https://www.example.org/fire"' in handouts


# --- raw HTML video: packaged under its safe name, with its captions, and captions required ---------------

def test_a_raw_html_video_plays_from_the_package_with_its_captions(tmp_path: Path) -> None:
    mp4 = b"\x00\x00\x00\x18ftypmp42"
    project = make(tmp_path, files={"course/media/drill #2.mp4": mp4, "course/media/drill #2.vtt": b"WEBVTT\n"},
                   extra_body='\n<video src="../media/drill%20%232.mp4" controls></video>\n')
    html = build_all(project)["scorm12"].read("pages/intro.html").decode("utf-8")
    video, vtt = f"drill-2-{_digest(mp4)}.mp4", f"drill-2-{_digest(b'WEBVTT' + bytes([10]))}.vtt"
    assert (f'<video src="../media/{video}" controls=""><track kind="captions" default="" label="Captions" '
            f'srclang="en" src="../media/{vtt}"></track></video>') in html
    (project / "course/media/drill #2.vtt").unlink()
    assert errors(project) == ["course/pages/intro.md:14: `../media/drill%20%232.mp4` has no captions or transcript "
                               "(add course/media/drill #2.vtt (WebVTT captions) or course/media/drill "
                               "#2.transcript.md)"]


def test_a_hash_in_a_written_file_name_gets_the_path_to_write(tmp_path: Path) -> None:
    project = make(tmp_path, files={"course/media/Hände #1.svg": SVG},
                   extra_body="\n![Hands](<../media/Hände #1.svg>)\n")
    assert errors(project) == [
        "course/pages/intro.md:14: `../media/Hände #1.svg` not found (looked for course/media/Hände ): in a path, "
        "`#` starts a fragment and `?` a query (write them as %23 and %3F, and a space as %20: "
        "`../media/Hände%20%231.svg`)"]


def test_a_path_written_from_the_wrong_folder_gets_the_path_to_write(tmp_path: Path) -> None:
    project = make(tmp_path, files={"course/media/exit 1.svg": SVG})
    course_yaml = project / "course/course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace(
        "description: What to do when the fire alarm sounds.",
        "description: \"What to do. ![Exit](../media/exit%201.svg)\""))
    assert errors(project) == [
        "course/course.yaml:7: `../media/exit%201.svg` points at media/exit 1.svg, outside course/ and quizzes/ "
        "(paths start from this file's folder, course/: write `media/exit%201.svg`)"]


def test_exports_show_a_link_to_a_course_page_as_its_text(tmp_path: Path) -> None:
    project = make(tmp_path, options=("Raise the alarm, as [the introduction](../course/pages/intro.md) says",
                                      "Wait for help"))
    assert not [line for line in check_passes(project) if "gift" in line]
    for format_ in ("gift", "moodle-xml"):
        exported = succeeds("export", project, "--format", format_, "-o", "-")
        assert "Raise the alarm, as the introduction says" in exported
        assert "intro.md" not in exported and "PLUGINFILE" not in exported


def test_a_video_in_a_sentence_follows_its_paragraph_and_is_refused_in_a_stem(tmp_path: Path) -> None:
    mp4 = b"\x00\x00\x00\x18ftypmp42"
    files = {"course/media/drill.mp4": mp4, "course/media/drill.vtt": b"WEBVTT\n"}
    project = make(tmp_path, files=files, extra_body="\nWatch ![A fire drill](../media/drill.mp4) closely.\n")
    html = build_all(project)["scorm12"].read("pages/intro.html").decode("utf-8")
    assert re.search(r'<p>Watch\s+closely\.</p><figure class="media"><video [^>]*>A fire drill<track ', html)
    project = make(tmp_path / "stem", files=files, stem="What happens here? ![A fire drill](../course/media/drill.mp4)")
    assert errors(project) == [
        "quizzes/final.yaml:6: `../course/media/drill.mp4` is a video or audio file in a question's stem or option, "
        "which is one line of text: its player, captions and transcript cannot go inside it (show it on the page "
        "before the questions, or in the explanation or an option's feedback)"]
