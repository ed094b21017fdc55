"""The zips coursebuild writes (with zipfile): valid, deterministic, each entry as the packages need it."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import threading
import time
import types
import zipfile
import zlib
from pathlib import Path
from typing import IO

import pytest

from builder import temporaries
from builder.packaging import DEFLATE_LEVEL, ZIP_EPOCH_MIN, write_zip, zip_bytes

from conftest import run


def members(seed: int) -> dict[str, bytes]:
    """Text that compresses, bytes that do not, an empty file, a repeated file and names that are not ASCII."""
    rng = random.Random(seed)
    words = [bytes(rng.choices(b"abcdefghij <>/=\"", k=rng.randint(1, 9))) for _ in range(200)]
    page = b" ".join(rng.choices(words, k=30_000))
    return {"index.html": page[:5000], "pages/long.html": page, "pages/copy.html": page,
            "media/photo.jpg": rng.randbytes(70_000), "media/empty.txt": b"",
            "media/café-menü.svg": b"<svg/>" * 300, "assets/日本.css": page[1000:1300]}


def unzip_tests_clean(path: Path) -> None:
    """Info-ZIP's `unzip -t` (as LMSs and authors' machines unpack them) finds no error, where it is installed."""
    if shutil.which("unzip"):
        tested = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
        assert tested.returncode == 0 and "No errors detected" in tested.stdout, tested.stdout


def raw_deflate(data: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize("epoch", [ZIP_EPOCH_MIN, 1_700_000_001, 4_102_444_799])  # 1980, an odd second, 2099
@pytest.mark.parametrize("seed", [1, 2])
def test_a_zip_holds_its_members_sorted_deflated_with_fixed_times_and_modes(epoch: int, seed: int) -> None:
    files = members(seed)
    written = zip_bytes(files, epoch)
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert {info.filename: archive.read(info) for info in infos} == files
    assert [info.filename for info in infos] == sorted(files)
    stamp = time.gmtime(epoch - epoch % 2)[:6]  # a zip entry's time is in steps of 2 seconds
    for info in infos:
        assert (info.date_time, info.compress_type, info.create_system, info.external_attr >> 16) == \
            (stamp, zipfile.ZIP_DEFLATED, 3, 0o100644), info.filename
        assert info.flag_bits == (0 if info.filename.isascii() else 0x800), info.filename  # no data descriptor
        assert info.compress_size == len(raw_deflate(files[info.filename], DEFLATE_LEVEL)), info.filename
    # the members tell level 9 from zlib's default, and cover the names and contents zipfile branches on
    assert len(raw_deflate(files["pages/long.html"], DEFLATE_LEVEL)) != len(raw_deflate(files["pages/long.html"], 6))
    assert any(not name.isascii() for name in files) and b"" in files.values()
    assert len(raw_deflate(files["media/photo.jpg"], DEFLATE_LEVEL)) > len(files["media/photo.jpg"])  # grows


def test_a_zip_is_the_same_bytes_whatever_the_order_of_its_members_and_where_it_is_written(tmp_path: Path) -> None:
    files = members(3)
    shuffled = list(files.items())
    random.Random(3).shuffle(shuffled)
    written = zip_bytes(files, ZIP_EPOCH_MIN)
    assert zip_bytes(dict(shuffled), ZIP_EPOCH_MIN) == written
    with (tmp_path / "a.zip").open("wb") as stream:  # the build writes straight into a temporary file
        write_zip(dict(reversed(shuffled)), stream, ZIP_EPOCH_MIN)
    assert (tmp_path / "a.zip").read_bytes() == written
    unzip_tests_clean(tmp_path / "a.zip")
    assert zip_bytes(files, ZIP_EPOCH_MIN + 2) != written  # the time is in the bytes, so it must be fixed


@pytest.mark.parametrize(("size_limit", "count_limit"), [
    (100, 65535),  # every member's sizes in a ZIP64 field
    (20_000, 65535),  # members' offsets past the limit, and the central directory's: ZIP64 end records
    (10_000_000, 3),  # more entries than the end record counts
])
def test_a_zip_past_the_zip_limits_gets_zip64_records_and_still_reads_back(
        size_limit: int, count_limit: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real ZIP64 archives take more than 2 GiB or 65,535 entries (a course with large videos, or very many
    files); with zipfile's limits lowered, its ZIP64 records appear where the format needs them, deterministically,
    and the zip reads back in zipfile and Info-ZIP."""
    files = members(4)
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", size_limit)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", count_limit)
    written = zip_bytes(files, ZIP_EPOCH_MIN)
    assert zip_bytes(files, ZIP_EPOCH_MIN) == written
    monkeypatch.undo()
    assert written != zip_bytes(files, ZIP_EPOCH_MIN)
    if size_limit > 100:
        assert b"PK\x06\x06" in written and b"PK\x06\x07" in written  # the ZIP64 end record and its locator
    (tmp_path / "large.zip").write_bytes(written)
    with zipfile.ZipFile(tmp_path / "large.zip") as archive:
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in archive.namelist()} == files
    unzip_tests_clean(tmp_path / "large.zip")


def test_two_builds_give_the_same_zips_whatever_the_files_times_and_the_umask(project: Path, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch,
                                                                               ) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run("build", project, "--out", tmp_path / "one").exit_code == 0
    for path in project.rglob("*"):
        os.utime(path, (1_234_567_890, 1_234_567_890))
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    old_umask = os.umask(0o077)
    try:
        assert run("build", project, "--out", tmp_path / "two").exit_code == 0
    finally:
        os.umask(old_umask)
        monkeypatch.delenv("TZ")
        time.tzset()
    zips = sorted((tmp_path / "one").glob("*.zip"))
    assert [path.name.rsplit("-", 1)[1] for path in zips] == ["scorm12.zip", "scorm2004.zip"]
    for path in zips:
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes(), path.name
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
            assert {info.external_attr >> 16 for info in archive.infolist()} == {0o100644}
        unzip_tests_clean(path)


def test_a_build_stopped_while_compressing_leaves_the_last_build_and_nothing_half_written(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run("build", project, "--out", out).exit_code == 0
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    with (project / "course/pages/welcome.md").open("a", encoding="utf-8") as page:
        page.write("\nA sentence the next build adds.\n")
    compressed: list[str] = []
    opened, counting = zipfile.ZipFile.open, threading.Lock()  # the two zips are written on two threads

    def interrupted(archive: zipfile.ZipFile, info: zipfile.ZipInfo, mode: str = "r", **options: object) -> IO[bytes]:
        with counting:
            if len(compressed) == 3:
                raise KeyboardInterrupt  # Ctrl+C, a few members in
            compressed.append(info.filename)
        return opened(archive, info, mode, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", interrupted)
    result = run("build", project, "--out", out)
    assert (result.exit_code, result.stderr) == (130, "interrupted\n")  # 18-verify32 V1: not `Aborted!`, exit 1
    assert len(compressed) == 3
    after = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert after == before
    assert not [name for name in os.listdir(out) if name.endswith(".part")]


@pytest.mark.parametrize(("value", "stamp"), [("4417977600", (2107, 12, 31, 23, 59, 58)),
                                               ("99999999999999999999", (2107, 12, 31, 23, 59, 58)),
                                               ("100", (1980, 1, 1, 0, 0, 0))])
def test_a_source_date_epoch_beyond_what_a_zip_holds_is_brought_within_it(project: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          value: str,
                                                                          stamp: tuple[int, ...]) -> None:
    # a date after 2107 made the build stop with a traceback (struct.error) when the zip's headers were packed;
    # zipfile refuses one before 1980 (ValueError)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = run("build", project, "--target", "scorm12", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "out").glob("*.zip")
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {stamp}


def test_a_killed_builds_temporaries_are_removed_whatever_another_writer_removes_first(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify12 B5: after `kill -9`, each of the next build's writer threads removed the stale temporary folder,
    and one that met a file another had just removed failed the build with exit 3. Here the first removal meets
    that (half the files gone under it, then FileNotFoundError, as shutil.rmtree raises it): the build still
    writes everything, and the temporary is gone."""
    out = tmp_path / "out"
    stale = out / ".coursebuild.x-web.999999-abc.part"
    stale.mkdir(parents=True)
    for number in range(20):
        (stale / f"f{number}").write_bytes(b"x")
    rmtree, raced = shutil.rmtree, []

    def racing(path: Path) -> None:
        if not raced:
            raced.append(path)
            for file in sorted(Path(path).iterdir())[:10]:
                file.unlink()
            raise FileNotFoundError(2, "No such file or directory")
        rmtree(path)

    # the temporaries' own rmtree only: the bounded children's scratch folders are removed with shutil's too
    monkeypatch.setattr(temporaries, "shutil", types.SimpleNamespace(rmtree=racing))
    result = run("build", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert raced and not stale.exists()
    assert not [name for name in os.listdir(out) if name.endswith(".part")]


_WRITER = """
import sys, time
from pathlib import Path
from builder.errors import CoursebuildError
from builder.packaging import write_folder
failures, end = [], time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    try:
        write_folder({"a.txt": sys.argv[3].encode()}, Path(sys.argv[1]))
    except CoursebuildError as error:
        failures.append(str(error))
print(len(failures), failures[-1] if failures else "")
"""


def test_writers_swapping_the_same_folder_output_at_once_all_succeed(tmp_path: Path) -> None:
    """18-verify24 J5: two builds into one folder: between one writer's two renames (the old folder aside, the new
    one into place) another moved the folder away (ENOENT) or put its own there (ENOTEMPTY), exit 3; its folder
    moved aside then stayed, and failed each of its later swaps. Three processes swap one folder in for 1 s each:
    none fails, one writer's whole folder is there, and no temporary is left."""
    import sys

    destination = tmp_path / "out" / "web"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(destination), "1", f"writer {number}"],
                                stdout=subprocess.PIPE, text=True) for number in range(3)]
    outputs = [writer.communicate(timeout=60)[0] for writer in writers]
    assert [output.split(" ")[0] for output in outputs] == ["0", "0", "0"], outputs
    assert os.listdir(destination) == ["a.txt"]
    assert (destination / "a.txt").read_text().startswith("writer ")
    assert os.listdir(destination.parent) == ["web"]
