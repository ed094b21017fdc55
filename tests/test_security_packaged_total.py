"""Issue 18, 18-verify21 D7: the files a project packages have a total bound (`media.MAX_PACKAGED_BYTES`), checked
from their sizes before any is read, one line in every command; and a media or static file packaged as it is, is
hashed and copied in pieces (`media.OnDisk`), never held whole, in this process or the templates' child. The
attacker's 45 linked videos of 100 MB took `check` to 3.8 GB and out of memory; 260 static files of 16 MB failed
with a line blaming a template the project did not have. Files here are sparse (`truncate`): quick, and no disk."""

from __future__ import annotations

import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builder import cache, media, own_templates
from builder.media import MAX_PACKAGED_BYTES, NotPackaged, OnDisk
from builder.packaging import DEFLATE_LEVEL, write_zip

from conftest import REPO, run

PAGE = "course/pages/welcome.md"
VIDEO = 100 * 2**20  # the most a video may be (`media.MAX_VIDEO_BYTES`)


def _sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        file.truncate(size)


@pytest.fixture
def scaffolded(tmp_path: Path) -> Path:
    """A new project (`coursebuild new`: it has a kit, so `kit` and `slides` run)."""
    assert run("new", tmp_path / "p").exit_code == 0
    return tmp_path / "p"


def _videos(project: Path, count: int) -> None:
    """`count` linked videos of 100 MB, each with captions, on the welcome page."""
    for i in range(count):
        _sparse(project / f"course/media/v{i}.mp4", VIDEO)
        (project / f"course/media/v{i}.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", encoding="utf-8")
        with (project / PAGE).open("a", encoding="utf-8") as page:
            page.write(f"\n![Talk {i}](../media/v{i}.mp4)\n")


@pytest.mark.parametrize("command", [("check",), ("build", "--target", "web"), ("kit",), ("slides",), ("export",)])
def test_linked_files_past_the_total_are_one_line_in_every_command(scaffolded: Path, tmp_path: Path,
                                                                    command: tuple[str, ...]) -> None:
    count = MAX_PACKAGED_BYTES // VIDEO + 1  # 21 videos: 2.05 GiB; before, each command read them all
    _videos(scaffolded, count)
    out = ("-o", str(tmp_path / "q.xml")) if command[0] == "export" else () if command[0] == "check" else \
        ("--out", str(tmp_path / "out"))
    result = run(*command, scaffolded, *out)
    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.stderr.splitlines() if "MAX_PACKAGED_BYTES" in line]
    lines = (scaffolded / PAGE).read_text(encoding="utf-8").splitlines()
    last = lines.index(f"![Talk {count - 1}](../media/v{count - 1}.mp4)") + 1
    assert line.startswith(f"{PAGE}:{last}: `../media/v{count - 1}.mp4` takes the files the packages carry past "
                           "2 GB in all (2,")
    assert line.endswith(f"({media.PACKAGED_TOTAL_FIX})")
    assert not (tmp_path / "out").exists() and not (tmp_path / "q.xml").exists()


def test_static_files_past_the_total_are_one_line_at_the_file_not_a_template(scaffolded: Path) -> None:
    """With only templates/static/ of its own, past the command's address space, the line blamed
    `templates/page.html:1` and a memory bound (2 GB and twice the files) that was not what stopped it."""
    for i in range(MAX_PACKAGED_BYTES // 16_000_000 + 1):
        _sparse(scaffolded / f"templates/static/f{i:03}.css", 16_000_000)
    result = run("check", scaffolded)
    assert result.exit_code == 1, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("templates/static/f134.css:1: this static file takes the files the packages carry past "
                            "2 GB in all (2,16")
    assert first.endswith(f"`media.MAX_PACKAGED_BYTES`) ({media.STATIC_TOTAL_FIX})")


def test_check_holds_no_linked_video_in_memory(scaffolded: Path) -> None:
    """`check` renders the site as `build` does: it read each video whole and kept them all (45 of 100 MB: 3.8 GB).
    Its peak memory with three videos of 100 MB is within 100 MB of its peak with none (before: 2.2 GB more), each
    measured in a new process: a difference, so that what a loaded machine or coverage adds to both does not count."""
    script = ("import resource, sys\nfrom builder.cli import main\nsys.argv = ['coursebuild', 'check', sys.argv[1]]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")

    def peak() -> int:
        done = subprocess.run([sys.executable, "-c", script, str(scaffolded)], capture_output=True, text=True,
                              cwd=REPO)
        assert "ok (0 errors" in done.stdout, done.stderr
        return int(done.stdout.split()[-1])  # kB

    without = peak()
    _videos(scaffolded, 3)
    assert peak() - without < 100_000, without


def test_the_templates_child_memory_does_not_grow_with_static_files_or_videos(scaffolded: Path) -> None:
    """The child hashes them and hands them back by where they are (`media.OnDisk`): its bound was 2 GB and twice
    every file of course/, quizzes/ and templates/static/, so it bounded nothing. The SVG, XML and HTML files it holds
    whole, cleaned, still count."""
    before = own_templates.memory_bound(scaffolded)  # MAX_TEMPLATE_MEMORY, and twice the new project's figures
    _videos(scaffolded, 2)
    for i in range(4):
        _sparse(scaffolded / f"templates/static/f{i}.css", 16_000_000)
    (scaffolded / "course/media/a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    cache.start_build()  # a new command: the project's files are listed again (`sources.source_listing`)
    assert own_templates.memory_bound(scaffolded) == before + 2 * 41


def test_a_file_zipped_from_disk_in_pieces_is_zipped_as_the_same_bytes_held_whole(tmp_path: Path) -> None:
    """Byte-identical outputs: a file read in 1 MB pieces compresses to what `ZipFile.writestr` made of it whole."""
    data = random.Random(7).randbytes(3 * media.PIECE_BYTES + 12345) + bytes(2 * media.PIECE_BYTES)
    (tmp_path / "v.mp4").write_bytes(data)
    on_disk = OnDisk.of("course/media/v.mp4", tmp_path / "v.mp4", len(data))
    assert on_disk is not None and on_disk.size == len(data)
    with open(tmp_path / "pieces.zip", "wb") as stream:
        write_zip({"media/v.mp4": on_disk, "a.txt": b"text"}, stream, 315532800)
    with zipfile.ZipFile(tmp_path / "whole.zip", "w") as archive:
        for name, content in (("a.txt", b"text"), ("media/v.mp4", data)):
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 3, 0o100644 << 16
            archive.writestr(info, content, compresslevel=DEFLATE_LEVEL)
    assert (tmp_path / "pieces.zip").read_bytes() == (tmp_path / "whole.zip").read_bytes()
    assert media.archive_name("course/media/v.mp4", on_disk) == media.archive_name("course/media/v.mp4", data)


def test_a_file_changed_after_it_was_named_is_not_packaged(tmp_path: Path) -> None:
    (tmp_path / "v.mp4").write_bytes(b"a" * 5000)
    on_disk = OnDisk.of("course/media/v.mp4", tmp_path / "v.mp4", 10_000)
    assert on_disk is not None
    (tmp_path / "v.mp4").write_bytes(b"b" * 5000)  # the same size, another content: its name's hash is wrong now
    with open(tmp_path / "out.zip", "wb") as stream, pytest.raises(NotPackaged) as raised:
        write_zip({"media/v.mp4": on_disk}, stream, 315532800)
    assert str(raised.value) == ("course/media/v.mp4:1: `course/media/v.mp4` changed while it was read: it is no "
                                 "longer a regular file, or is larger than its kind may be, or not what it was when "
                                 "it was named, so it is not packaged (build again once nothing writes to it)")
