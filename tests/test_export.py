"""Question banks exported as Moodle XML and GIFT, checked question by question against the banks."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from lxml import etree

from builder import active_content
from builder.export import fraction_text, fractions, moodle_xml
from builder.kit import fixed_order, paper_order
from builder.loading import load_project
from builder.markup import convert, convert_inline
from builder.model import Option, Question
from builder.theme import inline

from conftest import REPO, edit, run

SPECIAL = "Tricky & < > \" ' ~ = # { } : characters"


@pytest.fixture
def tricky(project: Path) -> Path:
    """The fixture course with every special character in a stem, an option, feedback and explanation."""
    bank = project / "quizzes/final.yaml"
    edit(bank, "stem: A new parent seems isolated. What do you do first?", f"stem: '{SPECIAL.replace(chr(39), chr(39) * 2)}?'")
    edit(bank, "text: Nothing, it is not your job.", f"text: '{SPECIAL.replace(chr(39), chr(39) * 2)}'")
    edit(bank, "feedback: No. Every practitioner can help a parent find support.",
         f"feedback: '{SPECIAL.replace(chr(39), chr(39) * 2)} in feedback'")
    edit(bank, "explanation: Asking first helps the parent feel heard.",
         f"explanation: '{SPECIAL.replace(chr(39), chr(39) * 2)} explained'")
    return project


def questions(project: Path) -> dict[str, tuple[str, Question, list[Option]]]:
    """Each question by id: its bank's title, the question, and its options in the exports' fixed order."""
    course, problems = load_project(project)
    assert course is not None and not [p for p in problems if p.is_error]
    return {q.id: (bank.settings.title, q, fixed_order(course.settings.id, bank, q))
            for bank in course.banks for q in bank.settings.questions}


def test_moodle_xml_matches_every_bank(tricky: Path) -> None:
    result = run("export", tricky, "--format", "moodle-xml")
    assert result.exit_code == 0, result.output
    path = tricky / "dist/mini-course-1.0-questions.xml"
    assert result.stdout.strip() == f"wrote {path}"
    root = etree.parse(str(path)).getroot()
    expected = questions(tricky)
    categories = [q.findtext("category/text") for q in root.iterfind("question[@type='category']")]
    assert categories == ["$course$/top/Mini fixture course/Final check", "$course$/top/Mini fixture course/Baby cues"]
    exported = root.findall("question[@type='multichoice']")
    assert sorted(q.findtext("name/text") for q in exported) == sorted(expected)
    for node in exported:
        _, question, order = expected[node.findtext("name/text")]
        assert node.findtext("questiontext/text") == convert_inline(question.stem).html
        assert node.findtext("generalfeedback/text") == convert(question.explanation).html
        assert node.findtext("single") == ("true" if question.type == "single" else "false")
        assert node.findtext("idnumber") == question.id
        answers = node.findall("answer")
        assert len(answers) == len(question.options)
        for answer, option, fraction in zip(answers, order, fractions(question, order), strict=True):
            assert answer.get("fraction") == fraction_text(fraction)
            assert answer.findtext("text") == str(inline(convert_inline(option.text).html))
            assert answer.findtext("feedback/text") == convert(option.feedback).html
        positive = sum(float(a.get("fraction")) for a in answers if float(a.get("fraction")) > 0)
        assert abs(positive - 100) < 0.001
        if question.type == "multiple":
            assert all(float(a.get("fraction")) < 0 for a, o in zip(answers, order, strict=True) if not o.correct)
        assert [t.text for t in node.iterfind("tags/tag/text")] == [*question.outcomes, *question.competencies]
    text = path.read_text(encoding="utf-8")
    assert "Tricky &amp; &lt; &gt;" in text and "~ = # { } :" in text


def read_gift(text: str) -> dict[str, dict]:
    """A small GIFT reader for multiple-choice questions, enough to check what we write."""
    def unescape(value: str) -> str:
        return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), value)

    def split_unescaped(value: str, mark: str) -> list[str]:
        return re.split(r"(?<!\\)" + re.escape(mark), value)

    found: dict[str, dict] = {}
    category = ""
    for block in text.strip().split("\n\n"):
        if block.startswith("$CATEGORY: "):
            category = block.removeprefix("$CATEGORY: ")
            continue
        comment, head, *body = block.split("\n")
        match = re.fullmatch(r"::(.+?)::\[html\](.*) \{", head)
        assert match and body[-1] == "}", block
        qid = unescape(match.group(1))
        options, general = [], None
        for line in body[:-1]:
            line = line.strip()
            if line.startswith("####"):
                general = unescape(line[4:])
                continue
            weight = re.match(r"^(=|~%(-?[\d.]+)%|~)", line)
            assert weight, line
            text_part, feedback = split_unescaped(line[weight.end():], "#")
            fraction = 100.0 if weight.group(1) == "=" else float(weight.group(2) or 0)
            options.append({"text": unescape(text_part), "feedback": unescape(feedback), "fraction": fraction})
        found[qid] = {"category": category, "stem": unescape(match.group(2)), "options": options,
                      "general": general, "labels": re.findall(r"\[(\w+):([^\]]+)\]", comment)}
    return found


def test_gift_matches_every_bank(tricky: Path) -> None:
    out = tricky / "questions.gift"
    assert run("export", tricky, "--format", "gift", "-o", out).exit_code == 0
    parsed = read_gift(out.read_text(encoding="utf-8"))
    expected = questions(tricky)
    assert sorted(parsed) == sorted(expected)
    for qid, (bank_title, question, order) in expected.items():
        got = parsed[qid]
        assert got["category"] == f"$course$/top/Mini fixture course/{bank_title}"
        assert got["stem"] == inline(convert_inline(question.stem).html)
        assert got["general"] == convert(question.explanation).html.strip()
        assert [o["text"] for o in got["options"]] == [inline(convert_inline(o.text).html) for o in order]
        assert [o["feedback"] for o in got["options"]] == [convert(o.feedback).html.strip() for o in order]
        assert [o["fraction"] for o in got["options"]] == pytest.approx(fractions(question, order), abs=0.001)
        assert got["labels"] == [("id", qid), *(("tag", t) for t in [*question.outcomes, *question.competencies])]
    assert parsed["fa-support"]["stem"] == SPECIAL.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "?"


def test_export_one_bank_to_standard_output(project: Path) -> None:
    result = run("export", project, "--format", "gift", "--bank", "kc-cues", "-o", "-")
    assert result.exit_code == 0
    assert list(read_gift(result.stdout)) == ["kc-cue-look-away"]
    assert not (project / "dist").exists()


def test_unknown_bank_is_reported(project: Path) -> None:
    result = run("export", project, "--bank", "kc-cue")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == "quizzes:1: no question bank `kc-cue` (did you mean `kc-cues`?)"


def test_the_course_exports_cleanly(tmp_path: Path) -> None:
    for format_, ext in (("moodle-xml", "xml"), ("gift", "gift")):
        assert run("export", REPO, "--format", format_, "-o", tmp_path / f"q.{ext}").exit_code == 0
    assert len(read_gift((tmp_path / "q.gift").read_text())) == len(questions(REPO))


def test_moodle_xml_shuffles_only_what_may_move(project: Path) -> None:
    """`<shuffleanswers>` is true only for a shuffling bank's question with no pinned option; any other question
    is not shuffled by Moodle and comes in the printed questionnaire's order, pinned options where written."""
    bank = project / "quizzes/final.yaml"
    edit(bank, "        feedback: No. Every practitioner can help a parent find support.\n",
         "        feedback: No. Every practitioner can help a parent find support.\n"
         "      - {text: Tell them to try harder., feedback: No. Blame pushes a parent away from help.}\n"
         "      - {text: Wait for the next visit., feedback: No. Isolation is worth asking about now.}\n"
         "      - {text: None of these., pinned: true, feedback: No. Asking what support they want is right.}\n")
    def exported() -> dict[str, tuple[str, list[str]]]:
        out = project / "questions.xml"
        result = run("export", project, "--format", "moodle-xml", "-o", out)
        assert result.exit_code == 0, result.output
        root = etree.parse(str(out)).getroot()
        return {q.findtext("name/text"): (q.findtext("shuffleanswers"), [a.findtext("text") for a in q.iter("answer")])
                for q in root.iterfind("question[@type='multichoice']")}
    course, _ = load_project(project)
    assert course is not None
    final = next(b for b in course.banks if b.source.path == "quizzes/final.yaml")
    pinned = next(q for q in final.settings.questions if any(o.pinned for o in q.options))
    got = exported()
    assert got[pinned.id][0] == "false"
    order = paper_order(course.settings.id, pinned)
    assert order != list(pinned.options)  # the fixed order really moves the other options...
    assert [i for i, o in enumerate(order) if o.pinned] == [i for i, o in enumerate(pinned.options) if o.pinned]
    assert got[pinned.id][1] == [str(inline(convert_inline(o.text).html)) for o in order]  # ...and Moodle gets it
    others = [q for q in final.settings.questions if q is not pinned]
    assert others and all(got[q.id][0] == "true" for q in others)
    edit(bank, "title: Final check", "title: Final check\nshuffle_options: false")
    got = exported()
    assert all(got[q.id] == ("false", [str(inline(convert_inline(o.text).html)) for o in q.options])
               for q in final.settings.questions)


# --- the files a Moodle XML export embeds (issue 18, eleventh attack A4) --------------------------------------

NOTES = b"%PDF-1.4\n" + bytes(991)  # 1,000 bytes
LINK = "[notes](../course/media/notes.pdf)"


@pytest.fixture
def linked_notes(project: Path) -> Path:
    """The fixture course with a 1,000-byte PDF linked from every field of three more questions, twice in each
    stem: 18 copies of it in a Moodle XML export, 18,000 bytes before base64."""
    (project / "course/media/notes.pdf").write_bytes(NOTES)
    return link_from_three_questions(project, LINK)


def link_from_three_questions(project: Path, link: str) -> Path:
    """`project` with three more questions, each linking to `link` from every field, twice in each stem."""
    with (project / "quizzes/kc-cues.yaml").open("a", encoding="utf-8") as bank:
        for n in range(3):
            bank.write(f'  - id: kc-notes-{n}\n    stem: "Question {n}: see {link} or {link}"\n    options:\n'
                       f'      - text: "A {link}"\n        correct: true\n        feedback: "Yes {link}"\n'
                       f'      - text: "B {link}"\n        feedback: "No {link}"\n    outcomes: [LO1]\n'
                       f'    explanation: "See {link}"\n')
    return project


def bound_line(project: Path, question: str, field: str, total_kb: float) -> str:
    """The line `check` and `export` give when the embedded files pass a bound of 10,000 bytes at `field` (as
    written, e.g. `- text: "B`) of `question`."""
    lines = (project / "quizzes/kc-cues.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  - id: {question}")
    line = next(n for n, text in enumerate(lines[start:], start + 1) if text.strip().startswith(field))
    return (f"quizzes/kc-cues.yaml:{line}: the files `export --format moodle-xml` would embed pass 0.009537 MB at "
            f"question `{question}` ({total_kb / 1024:.4g} MB so far; Moodle XML carries a copy of a file for each "
            "field that shows or links it, and Moodle's import holds the whole file in memory) (link large files "
            "from fewer fields, make them smaller, or export a bank at a time with --bank; see docs/security.md)")


def test_moodle_xml_export_refuses_more_embedded_files_than_its_bound(linked_notes: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound is on the export's total, counted before any file is read: `check` warns at the field where it
    is passed, `export` refuses with the same line and writes nothing; a bank under it alone still exports."""
    monkeypatch.setattr(moodle_xml, "MAX_EMBEDDED_BYTES", 10_000)
    problem = bound_line(linked_notes, "kc-notes-1", '- text: "B', 11_000 / 1024)
    result = run("check", linked_notes)
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "would embed" in line] == [
        problem.replace(": the files", ": warning: the files")]

    def unread(*args: object) -> bytes:
        raise AssertionError("a file was read before the bound was checked")

    monkeypatch.setattr(moodle_xml, "packaged_bytes", unread)
    out = linked_notes / "q.xml"
    result = run("export", linked_notes, "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [problem, "course invalid: 1 error"]
    assert not out.exists()
    monkeypatch.undo()
    monkeypatch.setattr(moodle_xml, "MAX_EMBEDDED_BYTES", 10_000)
    result = run("export", linked_notes, "--bank", "final", "-o", out)  # the other bank embeds nothing
    assert result.exit_code == 0 and "would embed" not in result.stderr


def test_moodle_xml_export_may_embed_up_to_its_bound(linked_notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18 copies of 1,000 bytes fit a bound of 18,000 bytes: a file a field links twice is embedded once in it."""
    monkeypatch.setattr(moodle_xml, "MAX_EMBEDDED_BYTES", 18_000)
    assert "would embed" not in run("check", linked_notes).stderr
    result = run("export", linked_notes, "-o", "-")
    assert result.exit_code == 0, result.output
    quiz = etree.fromstring(result.stdout.encode("utf-8"))
    files = quiz.findall(".//file")
    assert len(files) == 18 and {file.text for file in files} == {base64.b64encode(NOTES).decode("ascii")}


def test_moodle_xml_export_reads_and_encodes_each_file_once(linked_notes: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """However many fields embed a file, it is read, cleaned and encoded once (it was once per field, and lxml
    held a copy per field in its tree and another in the serialised document)."""
    read: list[str] = []
    real = moodle_xml.packaged_bytes

    def counted(root: Path, path: str) -> bytes:
        read.append(path)
        return real(root, path)

    monkeypatch.setattr(moodle_xml, "packaged_bytes", counted)
    out = linked_notes / "q.xml"
    assert run("export", linked_notes, "-o", out).exit_code == 0
    assert read == ["course/media/notes.pdf"]
    assert len(etree.parse(str(out)).findall(".//file")) == 18


def test_moodle_xml_export_counts_an_html_file_as_its_cleaned_copy(project: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """B4 (18-verify12), scaled down: the bound counted a file's size on disk, and the export embeds its cleaned copy:
    1,000 bytes of HTML, mostly `&`, embed about 5,000 (`&amp;`); 16 MB of `&` linked from 8 fields passed as 128 MB
    and exported 503 MB. Here a bound of 10,000 bytes is passed at the second field (on disk: the eleventh), and a
    bound of what the 18 copies embed lets the export through."""
    html = b"<p>" + b"&" * 993 + b"</p>"  # 1,000 bytes
    (project / "course/media/notes.html").write_bytes(html)
    link_from_three_questions(project, "[notes](../course/media/notes.html)")
    cleaned = active_content.without_script(html, ".html")
    assert len(cleaned) > 5_000
    monkeypatch.setattr(moodle_xml, "MAX_EMBEDDED_BYTES", 10_000)
    problem = bound_line(project, "kc-notes-0", "explanation:", 2 * len(cleaned) / 1024)
    result = run("check", project)
    assert [line for line in result.stderr.splitlines() if "would embed" in line] == [
        problem.replace(": the files", ": warning: the files")]
    result = run("export", project, "-o", "-")
    assert result.exit_code == 1 and result.stderr.splitlines() == [problem, "course invalid: 1 error"]
    monkeypatch.setattr(moodle_xml, "MAX_EMBEDDED_BYTES", 18 * len(cleaned))  # what it embeds: just fits
    result = run("export", project, "-o", "-")
    assert result.exit_code == 0, result.output
    files = etree.fromstring(result.stdout.encode("utf-8")).findall(".//file")
    assert len(files) == 18 and {base64.b64decode(file.text or "") for file in files} == {cleaned}


def test_running_out_of_memory_gives_one_line_and_exit_code_3(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A MemoryError is the machine's failure, not the course's: one line, exit code 3 (as a full disk), no
    traceback, nothing written."""
    def exhausted(*args: object) -> bytes:
        raise MemoryError

    monkeypatch.setattr(moodle_xml, "export", exhausted)
    result = run("export", project)
    assert result.exit_code == 3
    assert result.stderr == ("out of memory: the machine had too little free memory for this command (close other "
                             "programs and run it again; docs/security.md gives the most a project's files may take)\n")
    assert not (project / "dist").exists()
