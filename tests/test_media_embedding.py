"""Video and audio in a page: a native player with its WebVTT captions and its transcript, packaged."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import html as lxml_html

from conftest import edit, run

CUES = "course/pages/baby-cues.md"


def _page(archive: zipfile.ZipFile, page_id: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(archive.read(f"pages/{page_id}.html"))


def test_video_with_captions_and_audio_with_transcript_are_embedded_and_packaged(project: Path,
                                                                                 tmp_path: Path) -> None:
    media = project / "course/media"
    (media / "talk.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    (media / "talk.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nLook at the baby's face.\n")
    (media / "song.mp3").write_bytes(b"ID3 not really audio")
    (media / "song.transcript.md").write_text("A parent sings *softly* to the baby.\n")
    edit(project / CUES, "Babies also use sounds.",
         "![A health visitor talks about cues](../media/talk.mp4)\n\n"
         "![A parent singing](../media/song.mp3)\n\nBabies also use sounds.")
    out = tmp_path / "out"
    result = run("check", project, "--strict")
    assert result.exit_code == 0, result.output
    result = run("build", project, "--out", out, "--target", "scorm12")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(next(out.glob("*.zip"))) as archive:
        names = set(archive.namelist())
        page = _page(archive, "baby-cues")

        def packaged(src: str) -> bytes:
            name = posixpath.normpath(posixpath.join("pages", src))
            assert name in names, f"{src} is not in the package"
            return archive.read(name)

        video, = page.iter("video")
        assert video.get("controls") is not None and video.get("preload") == "metadata"
        assert packaged(video.get("src")) == (media / "talk.mp4").read_bytes()
        track, = video.iter("track")
        assert (track.get("kind"), track.get("srclang"), track.get("label")) == ("captions", "en", "Captions")
        assert track.get("default") is not None
        assert packaged(track.get("src")) == (media / "talk.vtt").read_bytes()
        figure = video.getparent()
        assert figure.tag == "figure" and "media" in figure.get("class").split()
        assert figure.findtext("figcaption") == "A health visitor talks about cues"
        assert not figure.findall(".//details"), "the video has captions, no transcript"

        audio, = page.iter("audio")
        assert packaged(audio.get("src")) == (media / "song.mp3").read_bytes()
        assert not list(audio.iter("track")), "no captions file for the audio"
        details, = audio.getparent().iter("details")
        assert "transcript" in details.get("class").split()
        assert details.findtext("summary") == "Transcript"
        assert lxml_html.tostring(details.find("p"), encoding="unicode") == \
            "<p>A parent sings <em>softly</em> to the baby.</p>"


def test_audio_without_captions_or_transcript_fails_the_build(project: Path) -> None:
    (project / "course/media/song.mp3").write_bytes(b"ID3")
    edit(project / CUES, "Babies also use sounds.", "![A parent singing](../media/song.mp3)")
    result = run("check", project)
    assert result.exit_code == 1
    assert ("course/pages/baby-cues.md:22: `../media/song.mp3` has no captions or transcript (add "
            "course/media/song.vtt (WebVTT captions) or course/media/song.transcript.md)") in result.stderr.splitlines()
