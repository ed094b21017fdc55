"""Write build output reproducibly and atomically: nothing half-written is ever left behind."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import struct
import tempfile
import time
import zlib
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping

from builder.errors import EnvironmentProblem, UsageProblem

ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold
ZIP_EPOCH_MAX = 4354819198  # 2107-12-31T23:59:58Z, the latest (a DOS date's year is 1980 + 7 bits)
FILE_MODE = 0o644
FOLDER_MODE = 0o755

# The zip format's fields, as APPNOTE.TXT names them and zipfile writes them.
DEFAULT_VERSION = 20  # "version needed to extract" and "made by": 2.0, deflate
ZIP64_VERSION = 45  # 4.5, ZIP64
ZIP64_LIMIT = (1 << 31) - 1  # past this a size or an offset goes in a ZIP64 field (zipfile's limit)
ZIP_FILECOUNT_LIMIT = (1 << 16) - 1  # past this the entry count goes in the ZIP64 end record
_LOCAL_HEADER = "<4s2B4HL2L2H"  # signature, version needed, (0), flags, method, time, date, CRC, sizes, lengths
_LOCAL_HEADER_SIZE = struct.calcsize(_LOCAL_HEADER)
_CENTRAL_HEADER = "<4s4B4HL2L5H2L"  # and: version made by, system, comment length, disk, attributes, offset
_DEFLATED = 8
_UNIX = 3  # made on Unix, so that the permissions in the external attributes are read as such
_UTF8_NAME = 0x800  # flag bit 11: the name is UTF-8 (set only when it is not ASCII)
_FILE_ATTRIBUTES = (0o100000 | FILE_MODE) << 16  # a regular file, rw-r--r--
_MAX32 = 0xFFFFFFFF  # a 32-bit field that says "see the ZIP64 field"


def source_date_epoch() -> int:
    """The timestamp for every zip entry, in seconds since 1970: $SOURCE_DATE_EPOCH if set, else 1980-01-01;
    brought within what a zip entry can hold (ZIP_EPOCH_MIN to ZIP_EPOCH_MAX), as for the earliest."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return min(max(int(value), ZIP_EPOCH_MIN), ZIP_EPOCH_MAX) if value.isdigit() else ZIP_EPOCH_MIN


#: How every zip entry is compressed: deflate at level 9 (zipfile's ZIP_DEFLATED with compresslevel=9, which
#: built the packages before they were written here).
DEFLATE_LEVEL = 9

#: A member compressed once for every zip that holds it: its CRC-32 and its raw deflate stream.
Deflated = tuple[int, bytes]


def deflate(data: bytes) -> Deflated:
    """The CRC-32 and raw deflate stream (level 9, no zlib header) of a zip member, made as zipfile makes it
    (one `compress` of the whole member, then `flush`), so that the zip's bytes do not change."""
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


def deflated_members(archives: Iterable[Mapping[str, bytes]],
                     map_: Callable[[Callable[[bytes], Deflated], list[bytes]], Iterable[Deflated]] = map,
                     ) -> dict[bytes, Deflated]:
    """Each distinct member of the zips `archives` (name → bytes), compressed once: what two SCORM packages share
    (pages, scripts, styles, media) and what repeats within one. `map_` runs `deflate` over them, largest first:
    a thread pool's `map` compresses them at once (zlib releases the interpreter lock)."""
    distinct = sorted({data for files in archives for data in files.values()}, key=len, reverse=True)
    return dict(zip(distinct, map_(deflate, distinct), strict=True))


def zip_bytes(files: Mapping[str, bytes], epoch: int, deflated: Mapping[bytes, Deflated] | None = None) -> bytes:
    """A zip of `files` (name → bytes), as one bytes object: see `zip_parts`."""
    return b"".join(zip_parts(files, epoch, deflated))


def zip_parts(files: Mapping[str, bytes], epoch: int, deflated: Mapping[bytes, Deflated] | None = None,
              ) -> Iterator[bytes]:
    """A zip of `files` (name → bytes) in parts, to write one after the other (the zip is never held whole):
    sorted entries, fixed timestamps (`epoch`, in seconds) and permissions (0644, made on Unix), every member
    deflated at level 9, ZIP64 fields where the format needs them.

    `deflated` (from `deflated_members`) gives members already compressed; the others are compressed here. The
    bytes are those zipfile writes for the same entries (a `ZipInfo` with these fields, `writestr` into a
    seekable file), which tests/test_packaging.py checks: zipfile cannot write a member compressed beforehand,
    so the headers are written here as its `FileHeader` and `_write_end_record` write them (APPNOTE.TXT 4.3.7,
    4.3.12, 4.3.14–4.3.16, 4.5.3).
    """
    year, month, day, hour, minute, second = time.gmtime(epoch)[:6]
    stamp = (hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day)  # MS-DOS time, date
    known = deflated if deflated is not None else deflated_members([files])
    central: list[bytes] = []
    offset = 0
    for name in sorted(files):
        data = files[name]
        crc, stream = known.get(data) or deflate(data)
        header, record = _headers(name, crc, len(data), len(stream), offset, stamp)
        yield header
        yield stream
        central.append(record)
        offset += len(header) + len(stream)
    yield from _directory_end(b"".join(central), len(files), offset)


def _headers(name: str, crc: int, size: int, compressed: int, offset: int,
             stamp: tuple[int, int]) -> tuple[bytes, bytes]:
    """A deflated member's local header and central directory record (APPNOTE.TXT 4.3.7, 4.3.12), with the
    ZIP64 extra field (4.5.3) where zipfile writes one."""
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), _UTF8_NAME
    # zipfile decides before compressing: a member that may grow past the limit has its sizes in a ZIP64 field
    if size * 1.05 > ZIP64_LIMIT:
        version, local_extra, local_sizes = ZIP64_VERSION, struct.pack("<HHQQ", 1, 16, size, compressed), (_MAX32,) * 2
    else:
        version, local_extra, local_sizes = DEFAULT_VERSION, b"", (compressed, size)
    header = struct.pack(_LOCAL_HEADER, b"PK\x03\x04", version, 0, flags, _DEFLATED, *stamp, crc, *local_sizes,
                         len(encoded), len(local_extra)) + encoded + local_extra
    large = [size, compressed] if size > ZIP64_LIMIT or compressed > ZIP64_LIMIT else []
    sizes = (_MAX32, _MAX32) if large else (compressed, size)
    if offset > ZIP64_LIMIT:
        large.append(offset)
    extra = struct.pack(f"<HH{len(large)}Q", 1, 8 * len(large), *large) if large else b""
    version = ZIP64_VERSION if large else version
    record = struct.pack(_CENTRAL_HEADER, b"PK\x01\x02", version, _UNIX, version, 0, flags, _DEFLATED, *stamp, crc,
                         *sizes, len(encoded), len(extra), 0, 0, 0, _FILE_ATTRIBUTES,
                         _MAX32 if offset > ZIP64_LIMIT else offset) + encoded + extra
    return header, record


def _directory_end(directory: bytes, count: int, offset: int) -> tuple[bytes, ...]:
    """The central `directory` of `count` records starting at `offset`, then the end of central directory record
    (APPNOTE.TXT 4.3.16), after the ZIP64 end record and its locator (4.3.14, 4.3.15) where zipfile writes them."""
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                      min(len(directory), _MAX32), min(offset, _MAX32), 0)
    if count <= ZIP_FILECOUNT_LIMIT and offset <= ZIP64_LIMIT and len(directory) <= ZIP64_LIMIT:
        return directory, end
    zip64_end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, ZIP64_VERSION, ZIP64_VERSION, 0, 0, count, count,
                            len(directory), offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, offset + len(directory), 1)
    return directory, zip64_end, locator, end


class Together:
    """Outputs that appear together or not at all (a build's targets): writes given it leave their temporaries
    for it, which it renames into place when its block ends without an error, and removes if it ends with one,
    leaving the previous outputs as they were (a full disk at the second target would otherwise leave the first
    target of this build beside the others of an older one).

    Raises EnvironmentProblem if the machine refuses a rename (the outputs renamed before it stay).
    """

    def __init__(self) -> None:
        self.written: list[tuple[Path, Path]] = []  # (temporary, destination); list.append is thread-safe

    def __enter__(self) -> Together:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if kind is not None:
            for temporary, _ in self.written:
                _remove(temporary)
            return
        for number, (temporary, destination) in enumerate(self.written):
            try:
                with _environment_problems(destination):
                    _put_in_place(temporary, destination)
            except BaseException:
                for rest, _ in self.written[number:]:
                    _remove(rest)
                raise


def write_file(data: bytes, destination: Path, named: bool = False, together: Together | None = None) -> None:
    """Write to a temporary file beside `destination`, then rename it into place (or leave that to `together`);
    `named` if the user named `destination` (`-o`), so that a link there is refused rather than replaced.

    Raises EnvironmentProblem if the machine stops it (full disk, read-only folder, permissions).
    """
    with replacing(destination, named, together) as stream:
        stream.write(data)


@contextlib.contextmanager
def replacing(destination: Path, named: bool = False, together: Together | None = None) -> Iterator[BinaryIO]:
    """A stream to a temporary file beside `destination`, renamed into place if the block succeeds (by `together`
    when its block ends, if given).

    Raises EnvironmentProblem if the machine stops it (full disk, read-only folder, permissions).
    """
    _refuse_special(destination, named)
    with _environment_problems(destination):
        _prepare(destination)
        handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=_temporary_prefix(destination),
                                             suffix=PART)
        try:
            with os.fdopen(handle, "wb") as stream:
                yield stream
            os.chmod(temporary, FILE_MODE)
            if together is None:
                os.replace(temporary, destination)
            else:
                together.written.append((Path(temporary), destination))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def write_folder(files: Mapping[str, bytes], destination: Path, together: Together | None = None) -> None:
    """Write `files` into a temporary folder beside `destination`, then swap it into place (or leave that to
    `together`).

    Raises EnvironmentProblem if the machine stops it (full disk, read-only folder, permissions).
    """
    with _environment_problems(destination):
        _prepare(destination)
        temporary = Path(tempfile.mkdtemp(dir=destination.parent, prefix=_temporary_prefix(destination),
                                          suffix=PART))
        try:
            os.chmod(temporary, FOLDER_MODE)
            for name in sorted(files):
                path = temporary / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(files[name])
            if together is None:
                _put_in_place(temporary, destination)
            else:
                together.written.append((temporary, destination))
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise


def _put_in_place(temporary: Path, destination: Path) -> None:
    """Rename a written temporary file or folder to `destination`, replacing what was there (a folder is moved
    aside first, then removed: a folder cannot be renamed over another)."""
    old = None
    if temporary.is_dir() and os.path.lexists(destination):
        old = destination.with_name(f"{_temporary_prefix(destination)}old{PART}")
        os.replace(destination, old)
    os.replace(temporary, destination)
    if old is not None:
        _remove(old)


#: How the temporary files and folders of a write end: `.coursebuild.<name>.<process id>-<random>.part`.
PART = ".part"
#: How they start, so that only coursebuild's own are ever removed (a user's `.notes.99999-abc.part` is not).
TEMPORARY_START = ".coursebuild."


def _temporary_prefix(destination: Path) -> str:
    return f"{TEMPORARY_START}{destination.name}.{os.getpid()}-"


#: A temporary's name: `.coursebuild.<name>.<process id>-<mkstemp's letters, or "old">.part`.
_TEMPORARY = re.compile(re.escape(TEMPORARY_START) + r"(?P<name>.+)\.(?P<pid>[0-9]{1,9})-[a-z0-9_]+"
                        + re.escape(PART))


def _refuse_special(destination: Path, named: bool) -> None:
    """Raise UsageProblem if `destination` is a device, FIFO or socket (`-o /dev/null`), or a link the user
    `named` (`-o /dev/stdout`): renaming a file onto it would replace it (as root, the machine's /dev/null or
    the /dev/stdout link) instead of writing to it. The last component is not followed (lstat). A link where
    a build puts one of its own outputs, inside its output folder, is replaced, not followed."""
    try:
        mode = os.lstat(destination).st_mode
    except OSError:
        return
    if named and stat.S_ISLNK(mode):
        raise UsageProblem(f"{destination}: is a link, which an output never replaces (give the name of a file, "
                           "or - for standard output)")
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode)):
        raise UsageProblem(f"{destination}: is a device, FIFO or socket, which an output never replaces (give the "
                           "name of a file, or - for standard output)")


def _prepare(destination: Path) -> None:
    """Make `destination`'s folder, and remove the temporaries that builds killed there left (`kill -9`).

    Every output's temporaries go, not only `destination`'s: a build of other targets into the same
    folder removes them too. A temporary of a process still running (a build at the same time) stays, and
    so does anything not named as coursebuild names its temporaries (`TEMPORARY_START`).
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    for leftover in destination.parent.glob(f"{TEMPORARY_START}*{PART}"):
        match = _TEMPORARY.fullmatch(leftover.name)
        if match and not _is_running(int(match["pid"])):
            _remove(leftover)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove(path: Path) -> None:
    """Remove a file, a link (not what it points at) or a folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def _environment_problems(destination: Path) -> Iterator[None]:
    """Turn the machine's refusals to write `destination` into one clear line (EnvironmentProblem)."""
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            fix = "free some disk space, then run the command again"
        elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            fix = "choose a folder you can write to, with --out or -o"
        else:
            fix = "check the output folder, or choose another with --out or -o"
        raise EnvironmentProblem(f"{destination}: cannot write: {exc.strerror or exc} ({fix})") from None
