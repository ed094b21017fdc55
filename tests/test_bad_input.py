"""One test per class of bad input: exact file, line and message; exit 1; nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit, run

COURSE = "course/course.yaml"
CUES = "course/pages/baby-cues.md"
CASE = "course/pages/case-amira.md"
FINAL = "quizzes/final.yaml"


def build_fails(project: Path, *extra: str) -> list[str]:
    """Build the project, expect exit 1 with nothing written; return the reported lines."""
    out = project.parent / "out"
    result = run("build", project, "--out", out, *extra)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not (project / "dist").exists()
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("course invalid: ")
    return lines[:-1]


def assert_reports(project: Path, expected: str, *extra: str) -> None:
    lines = build_fails(project, *extra)
    assert expected in lines, "\n".join(lines)


CASES = {
    "yaml-syntax": (FINAL, "title: Final check", "title: [Final check",
                    "quizzes/final.yaml:3: YAML syntax error: did not find expected ',' or ']' "
                    "(check the indentation, and put text containing ': ' or '#' in quotes)"),
    "yaml-duplicate-key": (COURSE, "language: en-GB", "language: en-GB\ntitle: Again",
                           "course/course.yaml:6: `title` is given twice in the same block (remove one of them)"),
    "unknown-key": (COURSE, "duration:", "duraton:",
                    "course/course.yaml:9: unknown field `duraton` (did you mean `duration`?)"),
    "unknown-key-no-match": (CUES, "minutes: 10", "minutes: 10\nflavour: lemon",
                             "course/pages/baby-cues.md:6: unknown field `flavour` (remove it; allowed fields: "
                             "analysis, bank, comments, competencies, id, kind, minutes, outcomes, phase, prompts, ratings, stages, title)"),
    "missing-field": (CUES, "minutes: 10\n", "",
                      "course/pages/baby-cues.md:2: missing required field `minutes` (add `minutes: ...`)"),
    "missing-nested-field": (FINAL, "    explanation: Asking first helps the parent feel heard.\n", "",
                             "quizzes/final.yaml:23: missing required field `explanation` (add `explanation: ...`)"),
    "wrong-type-number": (COURSE, "pass_mark: 80", "pass_mark: eighty",
                          "course/course.yaml:24: `pass_mark` should be a whole number, not text `eighty` "
                          "(write a whole number)"),
    "wrong-type-text": (COURSE, 'version: "1.0"', "version: 1.0",
                        "course/course.yaml:4: `version` should be text, not a number `1.0` (put it in quotes)"),
    "yes-no-read-as-boolean": (FINAL, "      - text: Crying", "      - text: Yes",
                               'quizzes/final.yaml:12: `text` was read as true, not text: YAML treats yes, no, '
                               'on, off, true and false as true/false (put the text in quotes, e.g. "Yes")'),
    "wrong-type-list": (CUES, "outcomes: [LO1]", "outcomes: {a: 1}",
                        "course/pages/baby-cues.md:6: `outcomes` should be a list, not a block of fields "
                        "(write each item on its own line starting with '- ')"),
    "bad-choice": (CUES, "kind: content", "kind: contnet",
                   "course/pages/baby-cues.md:4: `kind` cannot be `contnet` (did you mean `content`?)"),
    "bad-id-form": (CUES, "id: baby-cues", "id: baby cues",
                    "course/pages/baby-cues.md:2: `id` value `baby cues` is not in the right form (start with an "
                    "ASCII letter, a-z or A-Z without accents, then ASCII letters, digits, '-' or '_', at most 64 "
                    "characters)"),
    "duplicate-id-page-question": (FINAL, "id: fa-cues", "id: welcome",
                                   "quizzes/final.yaml:8: duplicate id `welcome`: page at "
                                   "course/pages/welcome.md:2 has it too (give each page, question, outcome, "
                                   "module and bank its own id)"),
    "duplicate-id-outcome": (CUES, "id: baby-cues", "id: LO2",
                             "course/pages/baby-cues.md:2: duplicate id `LO2`: outcome at course/course.yaml:15 "
                             "has it too (give each page, question, outcome, module and bank its own id)"),
    "unknown-page": (COURSE, "[welcome, baby-cues, check-cues]", "[welcome, baby-cue, check-cues]",
                     "course/course.yaml:20: module `m-communication` lists unknown page `baby-cue` "
                     "(did you mean `baby-cues`?)"),
    "unknown-outcome": (FINAL, "    outcomes: [LO1]\n    competencies", "    outcomes: [LO9]\n    competencies",
                        "quizzes/final.yaml:20: unknown learning outcome `LO9` (did you mean `LO2`?)"),
    "unknown-bank": ("course/pages/check-cues.md", "bank: kc-cues", "bank: kc-cue",
                     "course/pages/check-cues.md:7: unknown bank `kc-cue` (did you mean `kc-cues`?)"),
    "unknown-competency": (CUES, 'competencies: ["1.01"]', 'competencies: ["7.09"]',
                           "course/pages/baby-cues.md:7: unknown competency unit `7.09` "
                           "(use a unit code from course/competencies.yaml)"),
    "no-correct-option": (FINAL, "        correct: true\n        feedback: Yes. Start", "        feedback: Yes. Start",
                          "quizzes/final.yaml:25: question `fa-support` has no correct option "
                          "(mark the right answer with `correct: true`)"),
    "single-with-several-correct": (FINAL, "        feedback: No. Every", "        correct: true\n        feedback: No. Every",
                                    "quizzes/final.yaml:25: single-answer question `fa-support` has 2 correct "
                                    "options (set `type: multiple`, or mark only one option `correct: true`)"),
    "fewer-than-two-options": (CASE, "          - text: Refer her to children's social care straight away.\n"
                               "            feedback: Nothing here suggests a risk of harm; a referral could damage trust.\n", "",
                               "course/pages/case-amira.md:17: question `amira-first-step` has 1 option "
                               "(give it 2 to 8 options)"),
    "no-options": (CASE, "        options:\n          - text: Ask Amira what support she would like.\n"
                   "            correct: true\n            feedback: Yes. Starting from her own view builds trust.\n"
                   "          - text: Refer her to children's social care straight away.\n"
                   "            feedback: Nothing here suggests a risk of harm; a referral could damage trust.\n",
                   "        options: []\n",
                   "course/pages/case-amira.md:17: question `amira-first-step` has 0 options "
                   "(give it 2 to 8 options)"),
    "draw-larger-than-bank": (FINAL, "draw: 2", "draw: 5",
                              "quizzes/final.yaml:4: `draw` is 5, but the bank has only 2 questions "
                              "(add questions or set `draw` to 2 or fewer)"),
    "missing-image": (CUES, "../media/cues.svg", "../media/cue.svg",
                      "course/pages/baby-cues.md:11: `../media/cue.svg` not found (looked for course/media/cue.svg) "
                      "(check the file name, its folder and its upper/lower case)"),
    "missing-link": (CUES, "Babies also use sounds.", "Babies also use [sounds](sounds.md).",
                     "course/pages/baby-cues.md:22: `sounds.md` not found (looked for course/pages/sounds.md) "
                     "(check the file name, its folder and its upper/lower case)"),
    "path-escapes-project": (CUES, "../media/cues.svg", "../../../secret.svg",
                             "course/pages/baby-cues.md:11: `../../../secret.svg` points outside the project "
                             "(keep files inside course/)"),
    "absolute-path": (CUES, "../media/cues.svg", "/etc/cues.svg",
                      "course/pages/baby-cues.md:11: absolute path `/etc/cues.svg` (use a path relative to this file)"),
    "remote-image": (CUES, "../media/cues.svg", "https://example.org/cues.svg",
                     "course/pages/baby-cues.md:11: `https://example.org/cues.svg` loads a file from outside the "
                     "package, which fails offline (copy the file into course/media/ and use a relative path)"),
    "image-without-alt": (CUES, "![A baby turning towards a parent's face]", "![]",
                          "course/pages/baby-cues.md:11: `../media/cues.svg` has no alt text "
                          "(describe it in the brackets: ![what the picture shows](path))"),
    "outcome-not-taught": (CASE, "outcomes: [LO2]\nstages", "outcomes: []\nstages", None),
    "outcome-not-assessed": (FINAL, "    outcomes: [LO2]", "    outcomes: [LO1]",
                             "course/course.yaml:15: learning outcome `LO2` is not assessed by any assessment "
                             "question (add `LO2` to the `outcomes` of the questions that assess it)"),
    "bank-kind-mismatch": ("course/pages/check-cues.md", "bank: kc-cues", "bank: final",
                           "course/pages/check-cues.md:7: bank `final` is a assessment bank, but this is a "
                           "knowledge-check page (use a bank with `kind: knowledge-check`)"),
    "option-id-pattern": (FINAL, "      - text: Crying", "      - id: cry-ing\n        text: Crying",
                          "quizzes/final.yaml:12: `id` value `cry-ing` is not in the right form (1 to 16 ASCII "
                          "letters (a-z or A-Z without accents), digits or '_', e.g. break)"),
    "option-codes-repeated": (FINAL, "      - text: Crying\n        correct: true\n",
                              "      - id: aoz\n        text: Crying\n        correct: true\n        feedback: Yes.\n"
                              "      - id: ebe\n        text: Crying too\n",
                              "quizzes/final.yaml:16: options `aoz` and `ebe` of question `fa-cues` would be saved "
                              "under the same code (give this option a different `id:`)"),
    "option-ids-repeated": (FINAL, "        feedback: Yes, crying is communication.\n      - text: Eye contact",
                            "        feedback: Yes, crying is communication.\n      - id: crying_d6fc\n"
                            "        text: Eye contact",
                            "quizzes/final.yaml:15: question `fa-cues` has two options with the id `crying_d6fc` "
                            "(options without an `id` get one from their first words) "
                            "(give this option its own `id:` (letters, digits or '_'))"),
    "draw-per-outcome-boolean": (FINAL, "attempts: 3", "attempts: 3\ndraw_per_outcome: true",
                                 "quizzes/final.yaml:7: `draw_per_outcome` should be a whole number, not `true` "
                                 "(write a whole number)"),
    "attempts-boolean": (FINAL, "attempts: 3", "attempts: yes",
                         "quizzes/final.yaml:6: `attempts` should be a whole number, not `true` (write a whole number)"),
}
CASES["outcome-not-taught"] = CASES["outcome-not-taught"][:3] + (
    "course/course.yaml:15: learning outcome `LO2` is not taught by any page "
    "(add `LO2` to the `outcomes` of the pages that teach it)",)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_reported_precisely(project: Path, name: str) -> None:
    path, old, new, expected = CASES[name]
    edit(project / path, old, new)
    assert_reports(project, expected)


def test_non_utf8_file(project: Path) -> None:
    path = project / CUES
    path.write_bytes(path.read_bytes().replace(b"Reading a baby's cues", "Caf\u00e9".encode("latin-1")))
    assert_reports(project, "course/pages/baby-cues.md:3: the file is not UTF-8 text (byte 0xe9) "
                            "(save it with UTF-8 encoding)")


def test_missing_or_unreadable_course_file(project: Path) -> None:
    (project / COURSE).unlink()
    assert_reports(project, "course/course.yaml:1: file not found (create it, or run `coursebuild new` for an example)")
    (project / COURSE).mkdir()
    assert_reports(project, "course/course.yaml:1: this is a folder, not a file (rename the folder so its name "
                            "does not end in the file's extension, or remove it)")


def test_page_without_front_matter(project: Path) -> None:
    (project / "course/pages/loose.md").write_text("# Just text\n", encoding="utf-8")
    assert_reports(project, "course/pages/loose.md:1: the page has no front matter (start the file with a line "
                            "`---`, then `id:`, `title:`, `kind:` and `minutes:`, then a closing `---`)")


def test_empty_course(project: Path) -> None:
    for page in (project / "course/pages").glob("*.md"):
        page.unlink()
    edit(project / COURSE, "modules:\n", "modules: []\nold_modules:\n")
    edit(project / COURSE, "old_modules:", "# old_modules:")
    text = (project / COURSE).read_text()
    (project / COURSE).write_text("\n".join(line if not line.startswith("  ") or "id: LO" in line or "text:" in line
                                            or line.startswith("  - Family") or line.startswith("  - Health")
                                            or line.startswith("  A short") or line.startswith("  pages: all")
                                            or line.startswith("  assessment") else "#" + line
                                            for line in text.split("\n")))
    assert_reports(project, "course/course.yaml:17: the course is empty: it has no modules with pages "
                            "(add pages to course/pages/ and list their ids under a module's `pages`)")


def test_page_outside_the_order_warns_and_fails_only_when_strict(project: Path) -> None:
    (project / "course/pages/extra.md").write_text("---\nid: extra\ntitle: Extra\nminutes: 1\n---\nText.\n")
    warning = ("course/pages/extra.md:2: warning: page `extra` is not in any module, so learners never see it "
               "(add its id to a module's `pages` in course/course.yaml, or delete the file)")
    result = run("check", project)
    assert result.exit_code == 0
    assert warning in result.stderr.splitlines()
    assert_reports(project, warning, "--strict")


def test_unsafe_html_is_removed_with_a_warning(project: Path) -> None:
    edit(project / CUES, "Babies also use sounds.",
         'Babies also use sounds.\n\n<script>alert(1)</script>\n\n<p onclick="steal()">Hi</p>\n\n[x](javascript:alert(1))')
    result = run("check", project)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    fix = ("(use plain Markdown; scripts, event handlers, javascript: links and lists numbered from a number of more "
           "than 9 digits are not allowed)")
    assert f"course/pages/baby-cues.md:24: warning: unsafe HTML removed: <script> element {fix}" in lines
    assert f"course/pages/baby-cues.md:26: warning: unsafe HTML removed: event-handler attribute `onclick` {fix}" in lines
    assert f"course/pages/baby-cues.md:28: warning: unsafe HTML removed: `javascript:` URL {fix}" in lines


def test_unsafe_html_deep_in_an_html_block_is_reported_at_its_own_line(project: Path) -> None:
    """In a block of raw HTML, `java&#09;script:` was reported at the page's first line, `<SCRIPT>` and `onError`
    at the body's, and every `javascript:` URL of the block at the first one's line (issue 18, F10)."""
    edit(project / CUES, "Babies also use sounds.", """Babies also use sounds.

Do not write `<script>` or `javascript:`; <!-- <iframe src="x"> --> is a comment.

```
<a href="javascript:x" onclick="y()">in code</a>
```

<div class="box">
<p>First line of the block.</p>
<SCRIPT>alert(1)</SCRIPT>
<img src="../media/cues.svg" alt="A baby"
     onError="alert(2)">
<a href="JavaScript:alert(3)">x</a>
<a title="a > b" href="java&#115;cript:alert(4)">y</a>
<a href=" java&#09;script:alert(5)">z</a>
<iframe src="../media/cues.svg"></iframe>
<p onclick="x()">click</p>
<script>again()</script>
</div>

A [link](JAVASCRIPT:alert(6)).""")
    result = run("check", project)
    assert result.exit_code == 0, result.output
    fix = ("(use plain Markdown; scripts, event handlers, javascript: links and lists numbered from a number of more "
           "than 9 digits are not allowed)")
    assert [line for line in result.stderr.splitlines() if "unsafe HTML" in line] == [
        f"{CUES}:{line}: warning: unsafe HTML removed: {what} {fix}" for line, what in [
            (32, "<script> element"), (34, "event-handler attribute `onerror`"), (35, "`javascript:` URL"),
            (36, "`javascript:` URL"), (37, "`javascript:` URL"), (38, "<iframe> element"),
            (39, "event-handler attribute `onclick`"), (40, "<script> element"), (43, "`javascript:` URL")]]


def test_video_needs_captions_and_large_files_warn(project: Path) -> None:
    video = project / "course/media/talk.mp4"
    with video.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    edit(project / CUES, "Babies also use sounds.", "![A talk about cues](../media/talk.mp4)")
    lines = build_fails(project)
    assert ("course/pages/baby-cues.md:22: `../media/talk.mp4` has no captions or transcript "
            "(add course/media/talk.vtt (WebVTT captions) or course/media/talk.transcript.md)") in lines
    assert ("course/pages/baby-cues.md:22: warning: `../media/talk.mp4` is larger than 20 MB, which is slow "
            "for learners to load (compress it or make it shorter)") in lines
    (project / "course/media/talk.vtt").write_text("WEBVTT\n")
    assert run("check", project).exit_code == 0


def test_every_problem_is_reported_at_once(project: Path) -> None:
    edit(project / FINAL, "draw: 2", "draw: 5")
    edit(project / CUES, "../media/cues.svg", "../media/cue.svg")
    edit(project / "course/pages/check-cues.md", "bank: kc-cues", "bank: kc-cue")
    (project / "quizzes/broken.yaml").write_text("id: [\n")
    lines = build_fails(project)
    assert [line.split(":")[0] for line in lines] == [
        "course/pages/baby-cues.md", "course/pages/check-cues.md", "quizzes/broken.yaml", "quizzes/final.yaml",
        "quizzes/kc-cues.yaml"]  # the last: a warning that the bank is no longer used


def test_saved_progress_that_could_overflow_scorm12_fails_the_build(project: Path) -> None:
    long_id = "q-" + "x" * 58
    questions = "".join(
        f"  - id: {long_id}{i:03d}\n    stem: Question {i}?\n    options:\n"
        f"      - {{text: Agree, correct: true, feedback: Right.}}\n      - {{text: Disagree, feedback: Wrong.}}\n"
        f"    explanation: Because.\n" for i in range(60))
    (project / "quizzes/kc-cues.yaml").write_text(
        "id: kc-cues\ntitle: Many checks\nkind: knowledge-check\nquestions:\n" + questions, encoding="utf-8")
    lines = build_fails(project)
    assert any(line.startswith("course/course.yaml:1: a learner's saved progress could reach ") and
               "over the 4096 that SCORM 1.2 allows (use fewer or shorter page and question ids" in line
               for line in lines), "\n".join(lines)
    result = run("build", project, "--out", project.parent / "out", "--target", "scorm2004", "--target", "web")
    assert result.exit_code == 0, "SCORM 2004 and the web build hold far more"


HOSTILE = {
    "empty": b"",
    "a list": b"- a\n- b\n",
    "a number": b"42\n",
    "binary junk": bytes(range(256)),
    "python tag": b"id: !!python/object/apply:os.system ['true']\n",
    "tabs": b"id:\tx\n\ttitle: y\n",
    "list key": b"? [a, b]\n: c\n",
    "number keys": b"1: a\n2: b\n",
    "deep nesting": b"a: " + b"[" * 200 + b"]" * 200 + b"\n",
    "huge number": b"minutes: 1" + b"0" * 400 + b"\n",
    "null id": b"id:\ntitle:\n",
    "two documents": b"id: a\n---\nid: b\n",
    "unclosed quote": b'title: "never closed\n',
    "anchor loop": b"a: &x [*x]\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("target", ["course/course.yaml", "quizzes/final.yaml", "course/competencies.yaml"])
def test_hostile_yaml_is_reported_not_raised(project: Path, name: str, target: str) -> None:
    (project / target).write_bytes(HOSTILE[name])
    lines = build_fails(project)
    assert lines and all(line.startswith(f"{target}:") or ":" in line for line in lines)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_front_matter_is_reported_not_raised(project: Path, name: str) -> None:
    (project / "course/pages/welcome.md").write_bytes(b"---\n" + HOSTILE[name] + b"\n---\nBody\n")
    lines = build_fails(project)
    assert any(line.startswith("course/pages/welcome.md:") or "welcome" in line for line in lines)


def test_a_scorm2004_commit_that_could_outgrow_its_target_fails_the_build(project: Path) -> None:
    """Moodle's 2004 runtime re-sends every element set in the session with each commit: a course whose
    worst-case commit (every question an attempt can draw, with every option ticked) cannot fit the target
    even without notes is refused, with the fix; the same course builds for the other targets' limits."""
    options = "".join(f"      - {{id: o{j}_{'x' * 13}, text: Option {j}, correct: true, feedback: Yes.}}\n"
                      for j in range(8))
    questions = "".join(f"  - id: fa-{'x' * 50}{i:03d}\n    stem: Question {i}?\n    type: multiple\n"
                        f"    options:\n{options}    outcomes: [LO1, LO2]\n    explanation: Because.\n" for i in range(60))
    (project / FINAL).write_text("id: final\ntitle: Final check\nkind: assessment\ndraw: 60\nattempts: 3\n"
                                 "questions:\n" + questions, encoding="utf-8")
    lines = build_fails(project, "--target", "scorm2004")
    assert any(line.startswith("course/course.yaml:1: one SCORM 2004 commit could reach ") and
               "over the 15000 the course keeps to (allow fewer attempts or a smaller `draw`" in line
               for line in lines), "\n".join(lines)
    result = run("check", project, "--target", "web")
    assert result.exit_code == 0, result.output
