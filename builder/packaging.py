"""Write build output reproducibly and atomically: nothing half-written is ever left behind."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import stat
import tempfile
import time
import zipfile
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

from builder.errors import EnvironmentProblem, UsageProblem
from builder.media import OnDisk, Packaged, pieces
from builder.parallel import interrupts_held
from builder.temporaries import PART, clear_leftovers, environment_problems, remove, temporary_prefix

ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold
ZIP_EPOCH_MAX = 4354819198  # 2107-12-31T23:59:58Z, the latest (a DOS date's year is 1980 + 7 bits)
FILE_MODE = 0o644
FOLDER_MODE = 0o755


def source_date_epoch() -> int:
    """The timestamp for every zip entry, in seconds since 1970: $SOURCE_DATE_EPOCH if set, else 1980-01-01;
    brought within what a zip entry can hold (ZIP_EPOCH_MIN to ZIP_EPOCH_MAX), as for the earliest: `zipfile`
    refuses a year before 1980 (ValueError) and cannot pack one after 2107 (struct.error)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return min(max(int(value), ZIP_EPOCH_MIN), ZIP_EPOCH_MAX) if value.isdigit() else ZIP_EPOCH_MIN


#: How every zip entry is compressed: deflate (`zipfile.ZIP_DEFLATED`) at level 9.
DEFLATE_LEVEL = 9
_UNIX = 3  # made on Unix, so that the permissions in the external attributes are read as such
_FILE_ATTRIBUTES = (stat.S_IFREG | FILE_MODE) << 16  # a regular file, rw-r--r--


def write_zip(files: Mapping[str, Packaged], stream: BinaryIO, epoch: int) -> None:
    """Write a zip of `files` (name → bytes, or `media.OnDisk`: read and compressed a piece at a time, never held
    whole) to `stream` with `zipfile`: sorted entries, fixed timestamps (`epoch`, in seconds, within ZIP_EPOCH_MIN to
    ZIP_EPOCH_MAX) and permissions (0644, made on Unix), every member deflated at level 9, ZIP64 fields where the
    format needs them (zipfile's rules, APPNOTE.TXT 4.5, decided by the member's size, given before it is written).

    `stream` must be seekable (a file, `io.BytesIO`): zipfile then puts each member's CRC-32 and sizes in its
    local header, rather than in a data descriptor after it, so the same files always give the same bytes (zlib's
    output does not depend on how its input is cut into pieces).
    zlib releases the interpreter lock while it compresses: zips written on different threads run at once.
    Raises `media.NotPackaged` if an OnDisk file changed since it was named.
    """
    date_time = time.gmtime(epoch)[:6]
    with zipfile.ZipFile(stream, "w") as archive:
        for name in sorted(files):
            data = files[name]
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _UNIX
            info.external_attr = _FILE_ATTRIBUTES
            # what `ZipFile.writestr` sets, which only a ZipInfo's private field holds before Python 3.13
            info._compresslevel = DEFLATE_LEVEL  # type: ignore[attr-defined]
            info.file_size = data.size if isinstance(data, OnDisk) else len(data)
            with archive.open(info, "w") as member:
                for piece in pieces(data):
                    member.write(piece)


def zip_bytes(files: Mapping[str, Packaged], epoch: int) -> bytes:
    """A zip of `files` (name → bytes), as one bytes object: see `write_zip`."""
    buffer = io.BytesIO()
    write_zip(files, buffer, epoch)
    return buffer.getvalue()


class Together:
    """Outputs that appear together or not at all (a build's targets): writes given it leave their temporaries
    for it, which it renames into place when its block ends without an error, and removes if it ends with one,
    leaving the previous outputs as they were (a full disk at the second target would otherwise leave the first
    target of this build beside the others of an older one). Every destination is looked at before the first rename
    (`_refuse_in_the_way`): a folder put where a zip goes while the outputs were written stopped the renames halfway,
    the new web folder beside the old zips (18-verify18 C9).

    Raises EnvironmentProblem if the machine refuses a rename (the outputs renamed before it stay), or if something
    an output never replaces is at a destination (nothing renamed); UsageProblem for a destination the user named;
    KeyboardInterrupt once every output is in place if interrupted (Ctrl+C) while they were renamed
    (`parallel.interrupts_held`: all of them or none, here too; 18-verify32 V1).
    """

    def __init__(self) -> None:
        # (temporary, destination, named by the user); list.append is thread-safe
        self.written: list[tuple[Path, Path, bool]] = []

    def __enter__(self) -> Together:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        try:
            if kind is not None:
                return
            # an interrupt (Ctrl+C) that arrives once the renames start is handled when they are done (KeyboardInterrupt
            # from here): between a folder's two renames it left neither the old output nor the new (18-verify32 V1)
            with interrupts_held():
                for temporary, destination, named in self.written:
                    _refuse_in_the_way(destination, named, temporary.is_dir())
                while self.written:
                    temporary, destination, _ = self.written[0]
                    with environment_problems(destination):
                        _put_in_place(temporary, destination)
                    del self.written[0]
        finally:
            for temporary, _, _ in self.written:  # what was not renamed into place
                remove(temporary)


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
    _refuse_in_the_way(destination, named, folder=False)
    with environment_problems(destination):
        _prepare(destination)
        temporary = ""
        try:
            with interrupts_held():  # an interrupt (Ctrl+C) is raised once the temporary is named, so removed
                handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=temporary_prefix(destination),
                                                     suffix=PART)
            with os.fdopen(handle, "wb") as stream:
                yield stream
            os.chmod(temporary, FILE_MODE)
            if together is None:
                os.replace(temporary, destination)
            else:
                together.written.append((Path(temporary), destination, named))
        except BaseException:
            if temporary:
                Path(temporary).unlink(missing_ok=True)
            raise


def write_folder(files: Mapping[str, Packaged], destination: Path, together: Together | None = None) -> None:
    """Write `files` (name → bytes, or `media.OnDisk`: copied a piece at a time) into a temporary folder beside
    `destination`, then swap it into place (or leave that to `together`).

    Raises EnvironmentProblem if the machine stops it (full disk, read-only folder, permissions), `media.NotPackaged`
    if an OnDisk file changed since it was named (the temporary folder is removed).
    """
    _refuse_in_the_way(destination, named=False, folder=True)
    with environment_problems(destination):
        _prepare(destination)
        temporary: Path | None = None
        try:
            with interrupts_held():  # an interrupt (Ctrl+C) is raised once the temporary is named, so removed
                temporary = Path(tempfile.mkdtemp(dir=destination.parent, prefix=temporary_prefix(destination),
                                                  suffix=PART))
            os.chmod(temporary, FOLDER_MODE)
            for name in sorted(files):
                path = temporary / name
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("wb") as file:
                    for piece in pieces(files[name]):
                        file.write(piece)
            if together is None:
                _put_in_place(temporary, destination)
            else:
                together.written.append((temporary, destination, False))
        except BaseException:
            if temporary is not None:
                shutil.rmtree(temporary, ignore_errors=True)
            raise


#: The most times a folder output is swapped into place while other writers swap theirs into the same place
#: (`_put_in_place`): each time one of them succeeds, so a few writers at once need a few.
MAX_SWAPS = 100


def _put_in_place(temporary: Path, destination: Path) -> None:
    """Rename a written temporary file or folder to `destination`, replacing what was there (a folder is moved
    aside first, then removed: a folder cannot be renamed over another).

    Another process writing the same folder output (two builds into one `--out`) may move it away or put its own
    there between the two renames: what is there is moved aside again, up to MAX_SWAPS times, and the last writer's
    folder stays (it raised ENOENT or ENOTEMPTY, exit 3, and left its moved-aside folder, which failed each later
    swap of this process; 18-verify24 J5). Raises OSError if the machine refuses a rename, KeyboardInterrupt once
    the folder is in place if interrupted while it was swapped (`parallel.interrupts_held`)."""
    if not temporary.is_dir():
        os.replace(temporary, destination)
        return
    old = destination.with_name(f"{temporary_prefix(destination)}old{PART}")
    with interrupts_held():  # not between the two renames, which would leave neither folder (18-verify32 V1)
        for swap in range(MAX_SWAPS):
            remove(old)
            with contextlib.suppress(FileNotFoundError):  # nothing there, or another writer moved it away
                os.replace(destination, old)
            try:
                os.replace(temporary, destination)
                break
            except OSError as error:  # another writer's folder put there since: moved aside the next time round
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST) or swap == MAX_SWAPS - 1:
                    raise
    remove(old)


def _refuse_in_the_way(destination: Path, named: bool, folder: bool) -> None:
    """Raise if what is at `destination` is not what its output (a `folder`, or a file) may replace. An output
    replaces only what writing it leaves there, a folder for a folder and a file for a file, and a link where a
    build puts one of its outputs (replaced, not followed): nothing else is coursebuild's to remove. The last
    component is not followed (lstat).

    Raises UsageProblem (exit 2) for a device, FIFO, socket or link the user `named` (`-o /dev/null`,
    `-o /dev/stdout`): renaming a file onto it would replace it (as root, the machine's /dev/null or the
    /dev/stdout link) instead of writing to it. Raises EnvironmentProblem (exit 3) for anything else in the way in
    the output folder: a folder where a zip goes (it stopped a build halfway; 18-verify18 C9), a FIFO or socket
    where the web folder goes (replaced without a word), a file where a folder goes, or a FIFO where a zip goes
    (refused with advice for `-o`).
    """
    try:
        mode = os.lstat(destination).st_mode
    except OSError:
        return
    if (stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode)) or (stat.S_ISLNK(mode) and not named):
        return
    what = "a folder" if stat.S_ISDIR(mode) else "a file" if stat.S_ISREG(mode) else \
        "a link" if stat.S_ISLNK(mode) else "a device, FIFO or socket"
    if named and not stat.S_ISDIR(mode):  # `-o`: click refuses a folder
        raise UsageProblem(f"{destination}: is {what}, which an output never replaces (give the name of a file, or - "
                           "for standard output)")
    raise EnvironmentProblem(f"{destination}: cannot write: {what} is there, which this output never replaces (move "
                             "or delete it, or choose another output with --out or -o)")


def _prepare(destination: Path) -> None:
    """Make `destination`'s folder, and remove the temporaries that builds killed there left (`clear_leftovers`):
    every output's, not only `destination`'s, so a build of other targets into the same folder removes them too."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(destination.parent)
