"""The zip writer: byte for byte what zipfile writes for the same members, each member compressed once."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from builder import packaging
from builder.packaging import FILE_MODE, ZIP_EPOCH_MIN, deflated_members, zip_bytes

from conftest import run


def zipfile_bytes(files: dict[str, bytes], epoch: int) -> bytes:
    """The zip that plain zipfile writes: how the packages were made before the members were compressed once."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=time.gmtime(epoch)[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | FILE_MODE) << 16
            info.create_system = 3
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def members(seed: int) -> dict[str, bytes]:
    """Text that compresses, bytes that do not, an empty file, a repeated file and names that are not ASCII."""
    rng = random.Random(seed)
    words = [bytes(rng.choices(b"abcdefghij <>/=\"", k=rng.randint(1, 9))) for _ in range(200)]
    page = b" ".join(rng.choices(words, k=30_000))
    return {"index.html": page[:5000], "pages/long.html": page, "pages/copy.html": page,
            "media/photo.jpg": rng.randbytes(70_000), "media/empty.txt": b"",
            "media/café-menü.svg": b"<svg/>" * 300, "assets/日本.css": page[1000:1300]}


def test_test_members_cover_what_the_writer_branches_on() -> None:
    files = members(1)
    assert any(not name.isascii() for name in files) and b"" in files.values()
    assert len(set(files.values())) < len(files)  # one member repeats
    assert len(zipfile_bytes({"x": files["media/photo.jpg"]}, ZIP_EPOCH_MIN)) > 70_000  # one does not compress


@pytest.mark.parametrize("epoch", [ZIP_EPOCH_MIN, 1_700_000_001, 4_102_444_799])  # 1980, an odd second, 2099
@pytest.mark.parametrize("seed", [1, 2])
def test_a_zip_is_byte_for_byte_what_zipfile_writes(epoch: int, seed: int) -> None:
    files = members(seed)
    assert zip_bytes(files, epoch) == zipfile_bytes(files, epoch)


def test_zips_sharing_members_compressed_once_are_what_zipfile_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    first = members(3)
    second = {**first, "index.html": b"<p>another launch page</p>", "imsmanifest.xml": b"<manifest/>"}
    del second["media/photo.jpg"]
    calls: list[bytes] = []
    real_deflate = packaging.deflate
    monkeypatch.setattr(packaging, "deflate", lambda data: (calls.append(data), real_deflate(data))[1])
    deflated = deflated_members([first, second])
    assert sorted(calls, key=len) == sorted(set(first.values()) | set(second.values()), key=len)  # each once
    calls.clear()
    assert zip_bytes(first, ZIP_EPOCH_MIN, deflated) == zipfile_bytes(first, ZIP_EPOCH_MIN)
    assert zip_bytes(second, ZIP_EPOCH_MIN, deflated) == zipfile_bytes(second, ZIP_EPOCH_MIN)
    assert calls == []  # nothing compressed again
    assert zip_bytes({"new.txt": b"not given"}, ZIP_EPOCH_MIN, deflated) == \
        zipfile_bytes({"new.txt": b"not given"}, ZIP_EPOCH_MIN)  # a member not given is compressed there


@pytest.mark.parametrize(("size_limit", "count_limit"), [
    (100, 65535),  # every member's sizes in a ZIP64 field, as zipfile decides before compressing (size × 1.05)
    (20_000, 65535),  # members' offsets past the limit, and the central directory's: ZIP64 end records
    (10_000_000, 3),  # more entries than the end record counts
])
def test_zip64_fields_are_where_zipfile_writes_them(size_limit: int, count_limit: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Real ZIP64 archives take more than 2 GiB; with the limits lowered in both writers, the same fields
    appear, and the archive still reads back."""
    files = members(4)
    for module in (packaging, zipfile):
        monkeypatch.setattr(module, "ZIP64_LIMIT", size_limit)
        monkeypatch.setattr(module, "ZIP_FILECOUNT_LIMIT", count_limit)
    written = zip_bytes(files, ZIP_EPOCH_MIN)
    assert written == zipfile_bytes(files, ZIP_EPOCH_MIN)
    assert b"PK\x06\x06" in written or size_limit == 100
    monkeypatch.undo()
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in archive.namelist()} == files


def test_a_builds_zips_are_what_zipfile_writes_and_test_clean(project: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    zips = sorted((tmp_path / "out").glob("*.zip"))
    assert [path.name.rsplit("-", 1)[1] for path in zips] == ["scorm12.zip", "scorm2004.zip"]
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            files = {name: archive.read(name) for name in archive.namelist()}
        assert path.read_bytes() == zipfile_bytes(files, 1_700_000_000)
        if shutil.which("unzip"):  # Info-ZIP, as LMSs and authors' machines unpack them
            tested = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
            assert tested.returncode == 0 and "No errors detected" in tested.stdout, tested.stdout


def test_a_build_stopped_while_compressing_leaves_the_last_build_and_nothing_half_written(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run("build", project, "--out", out).exit_code == 0
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    with (project / "course/pages/welcome.md").open("a", encoding="utf-8") as page:
        page.write("\nA sentence the next build adds.\n")
    compressed: list[int] = []

    def interrupted(data: bytes) -> packaging.Deflated:
        if len(compressed) == 3:
            raise KeyboardInterrupt  # Ctrl+C, a few members in
        compressed.append(len(data))
        return packaging.deflate(data)

    monkeypatch.setattr(packaging, "deflate", interrupted)
    assert run("build", project, "--out", out).exit_code != 0
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
    # a date after 2107 made the build stop with a traceback (struct.error) when the zip's headers were packed
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = run("build", project, "--target", "scorm12", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "out").glob("*.zip")
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {stamp}
