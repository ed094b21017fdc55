"""A video's transcript (`talk.transcript.md`) is authored Markdown: checked, bounded, converted and shown as a page
body is, its problems at its own lines (issue 18, 18-verify22 E1, E2, E2b, E6, E7)."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from builder import parallel, theme
from builder.build import check
from builder.markup import MAX_MARKDOWN_CHARS, fragment
from builder.media import add_captions, rewrite_local_images
from builder.rendering import render_site
from builder.theme import MAX_RENDERED_BYTES, Theme

from conftest import edit, run

CUES = "course/pages/baby-cues.md"
TRANSCRIPT = "course/media/talk.transcript.md"
PLAYER = "![A health visitor talks about cues](../media/talk.mp4)"


def _with_transcript(project: Path, transcript: str, shown: str = PLAYER) -> None:
    """The page baby-cues shows `shown` (at line 22) of talk.mp4, whose only text alternative is `transcript`."""
    (project / "course/media/talk.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    (project / TRANSCRIPT).write_text(transcript, encoding="utf-8")
    edit(project / CUES, "Babies also use sounds.", f"{shown}\n\nBabies also use sounds.")


def _built_page(project: Path, out: Path) -> str:
    result = run("build", project, "--out", out, "--target", "scorm12")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(next(out.glob("*.zip"))) as archive:
        return archive.read("pages/baby-cues.html").decode("utf-8")


def test_a_transcript_is_checked_as_a_page_body_at_its_own_lines(project: Path) -> None:
    """E1: its links to other sites and out of the project are errors, its script a warning, each at its line."""
    _with_transcript(project, 'Hello <script>alert(1)</script> <img src="http://127.0.0.1:8769/t.png" alt="t">\n'
                              "[cfg](../../../../../etc/passwd) <a href=\"javascript:alert(2)\">j</a>\n"
                              '<img src="/abs/endpoint?x=1" alt="b">\n')
    result = run("check", project)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"{TRANSCRIPT}:1: `http://127.0.0.1:8769/t.png` loads a file from outside the package")
               for line in lines), result.output
    assert any(line.startswith(f"{TRANSCRIPT}:1: warning: unsafe HTML removed: <script> element") for line in lines)
    assert any(line.startswith(f"{TRANSCRIPT}:2: `../../../../../etc/passwd` points outside the project")
               for line in lines), result.output
    assert any(line.startswith(f"{TRANSCRIPT}:2: warning: unsafe HTML removed: `javascript:` URL") for line in lines)
    assert any(line.startswith(f"{TRANSCRIPT}:3: absolute path `/abs/endpoint?x=1`") for line in lines)


def test_a_transcripts_links_are_rewritten_from_its_folder_and_packaged(project: Path, tmp_path: Path) -> None:
    """E1: what a transcript links (a PDF beside it) is packaged, its link rewritten, as in a page."""
    (project / "course/media/notes.pdf").write_bytes(b"%PDF-1.4\n")
    _with_transcript(project, "She says *hello*; see [the notes](notes.pdf).\n")
    assert run("check", project, "--strict").exit_code == 0
    page = lxml_html.fromstring(_built_page(project, tmp_path / "out"))
    details, = page.find_class("transcript")
    link, = details.iter("a")
    assert link.get("href").startswith("../media/notes-") and link.get("href").endswith(".pdf")
    assert details.find(".//em").text == "hello"


def test_a_transcript_that_cannot_be_converted_is_an_error(project: Path) -> None:
    """E2: refused by the Markdown bounds of a page (here its length), it is an error at the transcript, where the
    build shipped an empty <details>."""
    _with_transcript(project, "Talk [" + "x" * MAX_MARKDOWN_CHARS + "\n")
    result = run("check", project)
    assert result.exit_code == 1
    assert (f"{TRANSCRIPT}:1: this Markdown cannot be converted: the text is longer than {MAX_MARKDOWN_CHARS:,} "
            "characters") in result.output


def test_a_long_plain_transcript_is_shown_whole(project: Path, tmp_path: Path) -> None:
    """E2b: plain text over libxml2's 10,000,000 characters a text node was dropped, leaving <p></p>."""
    words = "Word " * 2_050_000 + "end"
    _with_transcript(project, words)
    page = _built_page(project, tmp_path / "out")
    assert f"<details class=\"transcript\"><summary>Transcript</summary><p>{words}</p></details>" in page


def test_many_players_of_one_transcript_are_refused_before_they_are_copied(project: Path) -> None:
    """E6: each player copies its transcript into the page; the copies pass the page's bound at a player's line
    (the check's own, before any page is made), not after 7 GB of copies."""
    size = 300_000
    players = MAX_RENDERED_BYTES // (size + len("<p></p>")) + 1
    _with_transcript(project, "Word " * (size // 5), "\n\n".join([PLAYER] * players))
    result = run("check", project)
    assert result.exit_code == 1
    last = 22 + 2 * (players - 1)
    assert (f"{CUES}:{last}: the transcripts this file's players show pass {MAX_RENDERED_BYTES // 2**20} MB at this "
            f"one ({TRANSCRIPT}") in result.output, result.output


def test_a_raw_player_shows_its_transcript(project: Path, tmp_path: Path) -> None:
    """E7: `<video src>` with only a transcript beside it passed as having one, and the package had none."""
    _with_transcript(project, "The health visitor *talks*.\n",
                     'Watch <video src="../media/talk.mp4" controls></video> now.')
    assert run("check", project, "--strict").exit_code == 0
    page = lxml_html.fromstring(_built_page(project, tmp_path / "out"))
    video, = page.iter("video")
    paragraph = video.getparent()
    assert paragraph.tag == "p" and "now." in paragraph.text_content()
    details = paragraph.getnext()
    assert "transcript" in details.get("class").split() and details.find(".//em").text == "talks"


def test_a_source_players_captions_and_transcript_are_shown(project: Path, tmp_path: Path) -> None:
    """18-verify23 G4: `<video><source src>` counted in `check` as having the captions and transcript beside its
    file, and the package showed neither; now the player gets the track and one transcript, however many sources."""
    _with_transcript(project, "The health visitor *talks*.\n",
                     '<video controls><source src="../media/talk.mp4" type="video/mp4">'
                     '<source src="../media/talk.mp4#t=1" type="video/mp4"></video>')
    (project / "course/media/talk.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nWords.\n")
    assert run("check", project, "--strict").exit_code == 0
    page = lxml_html.fromstring(_built_page(project, tmp_path / "out"))
    video, = page.iter("video")
    track, = video.iter("track")
    assert track.get("kind") == "captions" and track.get("src", "").endswith(".vtt")
    details, = page.find_class("transcript")
    assert details.getprevious() is video and details.find(".//em").text == "talks"


def test_an_exported_source_player_gets_its_captions(tmp_path: Path) -> None:
    """G4 in the exports (Moodle XML): the player of a `<source src>` gets the captions of its file, once for the
    sources that share it (`add_captions`); a `<picture>`'s source is no player's."""
    asked: list[tuple[str, str]] = []
    (tmp_path / "course/media").mkdir(parents=True)
    (tmp_path / "course/media/talk.vtt").write_text("WEBVTT\n")

    def captions(player: Any, path: str) -> None:
        asked.append((player.tag, path))
        add_captions(player, tmp_path, path, "en", lambda captions: f"at/{captions}")

    html = ('<video controls><source src="../media/talk.mp4"><source src="../media/talk.webm"></video>'
            '<picture><source src="../media/pic.png"></picture>')
    located = rewrite_local_images(html, "course/pages", lambda path: f"at/{path}", files=True, captions=captions)
    assert asked == [("video", "course/media/talk.mp4"), ("video", "course/media/talk.webm")], located
    assert located.count("<track") == 1 and 'src="at/course/media/talk.vtt"></track></video>' in located


def test_a_questions_video_with_only_a_transcript_warns_of_moodle_xml(project: Path) -> None:
    """E7: the Moodle XML export carries a question's video and captions, not a transcript: a warning at the line."""
    (project / "course/media/talk.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    (project / TRANSCRIPT).write_text("Words.\n", encoding="utf-8")
    edit(project / "quizzes/final.yaml", "    explanation: Asking first helps the parent feel heard.",
         '    explanation: "Asking first helps. ![The talk](../course/media/talk.mp4)"')
    result = run("check", project)
    assert result.exit_code == 0, result.output
    assert (f"quizzes/final.yaml:32: warning: `export --format moodle-xml` shows this video or audio file without its "
            f"transcript ({TRANSCRIPT})") in result.output
    (project / "course/media/talk.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nWords.\n")
    assert "without its transcript" not in run("check", project).output


def test_a_transcript_may_not_play_a_video(project: Path) -> None:
    """A player in a transcript would need a transcript of its own (and could show its own)."""
    _with_transcript(project, "Words.\n\n![Again](talk.mp4)\n")
    result = run("check", project)
    assert result.exit_code == 1
    assert f"{TRANSCRIPT}:3: `talk.mp4` is a video or audio file in a transcript, which is the text of one" \
        in result.output


def test_a_rendered_page_is_held_once_as_the_bytes_packaged(project: Path) -> None:
    """G5 (18-verify23): a page showing a long transcript was held as its rendered text, its UTF-8 bytes and its body
    (the key of its kept HTML, for `preview`), each text 2 bytes a character once the page has a non-ASCII one (this
    page has): 5 times its size (1.1 GB for 16 pages of a 15 MB transcript). Now the rendered text is let go once
    encoded: the bytes packaged, and the body, are what is held (3 times its size)."""
    _with_transcript(project, "Word " * 200_000)
    course = check(project).course
    tracemalloc.start()
    try:
        site = render_site(course, Theme.for_project(project))
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    page = site.files["pages/baby-cues.html"]
    assert isinstance(page, bytes) and len(page) > 1_000_000
    assert held < 4 * len(page), (held, len(page))


@pytest.mark.parametrize("in_pool", [False, True])
def test_a_build_too_large_for_a_transcript_on_many_pages_names_it(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   in_pool: bool) -> None:
    """G5 (18-verify23): each page under its bound, but one transcript shown on many pages passes the build's bound of
    all pages together: the line names the transcript and says to shorten it or show it on fewer pages, where it
    said to shorten or split the page (which would not help). In a pool too, where the bound stops at a page a worker
    made."""
    monkeypatch.setattr(theme, "MAX_BUILD_RENDERED_BYTES", 1024 * 1024)
    monkeypatch.setattr(parallel, "PARALLEL_FILES", 1 if in_pool else 10**9)
    # 300 KB, on 4 pages; not the text of another test's pages, which this process kept (`preview`) and would not
    # render, nor count, again
    _with_transcript(project, "Word " * 60_000 + f"{in_pool}")
    for page in ("welcome", "case-amira", "check-cues"):
        with (project / f"course/pages/{page}.md").open("a", encoding="utf-8") as file:
            file.write(f"\n\n{PLAYER}\n")
    result = run("check", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.fullmatch(
        r"course/pages/[a-z-]+\.md:1: the page is too large for coursebuild's page template: a template may not "
        r"render more than 1 MB in one build, all pages together; most of it is the transcript "
        rf"{TRANSCRIPT} \(0\.286 MB here\), which every player of its video or audio file shows whole \(shorten the "
        r"transcript, or show its video or audio file on fewer pages\)", result.output.splitlines()[0]), result.output


TWO_SOURCES = ('<video controls><source src="../media/a.mp4" type="video/mp4">'
               '<source src="../media/b.webm" type="video/webm"></video>')


def _two_sources(project: Path, folder: str = "course/media") -> None:
    """a.mp4 and b.webm, each with its own captions and transcript, in `folder`."""
    for stem in ("a", "b"):
        (project / folder / f"{stem}.vtt").write_text(f"WEBVTT\n\n00:00.000 --> 00:01.000\n{stem} said\n")
        (project / folder / f"{stem}.transcript.md").write_text(f"{stem.upper()} *words*.\n", encoding="utf-8")
    (project / folder / "a.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    (project / folder / "b.webm").write_bytes(b"\x1a\x45\xdf\xa3 not really a video")


def test_each_source_of_a_player_shows_its_own_captions_and_transcript(project: Path, tmp_path: Path) -> None:
    """18-verify24 H8: libxml2 nested the second `<source>` in the first, so it had no player: `check` counted
    b.webm's captions and transcript, and the page showed only a's. Now every source's, in order, each once."""
    _two_sources(project)
    edit(project / CUES, "Babies also use sounds.", f"{TWO_SOURCES}\n\nBabies also use sounds.")
    assert run("check", project, "--strict").exit_code == 0
    page = lxml_html.fromstring(_built_page(project, tmp_path / "out"))
    video, = page.iter("video")
    assert [source.getparent() for source in page.iter("source")] == [video, video]
    tracks = [track.get("src", "") for track in page.iter("track")]
    assert len(tracks) == 2 and tracks[0].startswith("../media/a-") and tracks[1].startswith("../media/b-"), tracks
    assert all(track.getparent() is video for track in page.iter("track"))
    first, second = page.find_class("transcript")
    assert first.getprevious() is video and second.getprevious() is first
    assert [details.text_content() for details in (first, second)] == ["TranscriptA words.", "TranscriptB words."]


def test_each_source_of_an_exported_player_gets_its_own_captions(project: Path, tmp_path: Path) -> None:
    """H8 in the Moodle XML export: b.vtt, which `check` asked b.webm for, is embedded beside a.vtt."""
    _two_sources(project, "quizzes")
    explanation = TWO_SOURCES.replace("../media/", "").replace('"', "'")
    edit(project / "quizzes/final.yaml", "    explanation: Asking first helps the parent feel heard.",
         f'    explanation: "Asking first helps. {explanation}"')
    checked = run("check", project)
    assert checked.exit_code == 0 and "caption" not in checked.output, checked.output  # a warning of GIFT only
    out = tmp_path / "bank.xml"
    result = run("export", project, "--format", "moodle-xml", "-o", out)
    assert result.exit_code == 0, result.output
    xml = out.read_text(encoding="utf-8")
    names = sorted(name.split("-")[0] + "." + name.rsplit(".", 1)[1]
                   for name in re.findall(r'<file name="([^"]+)"', xml) if name[0] in "ab" and name[1] == "-")
    assert names == ["a.mp4", "a.vtt", "b.vtt", "b.webm"], xml


def test_a_players_sources_and_tracks_are_its_children() -> None:
    """H8: `source` and `track` are void in HTML (and so to the cleaner and browsers); every reader of converted
    HTML (`fragment`) sees them as the player's children, however many there are."""
    root = fragment('<video><source src="a.mp4"><source src="b.webm">x<track src="a.vtt"><track src="b.vtt"></video>'
                    '<p>a<wbr>b</p>')
    video, paragraph = root
    assert [child.tag for child in video] == ["source", "source", "track", "track"]
    assert all(not len(child) and not child.text for child in video) and video[1].tail == "x"
    assert paragraph.text_content() == "ab" and paragraph[0].tail == "b"
