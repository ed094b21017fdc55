"""Files the course links to or embeds: which may be packaged, what they are called in an archive,
and whether an image's bytes are what its name says.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import itertools
import json
import math
import operator
import os
import posixpath
import re
import stat
import struct
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, NamedTuple, TypeVar, Union
from urllib.parse import unquote
from xml.etree import ElementTree

from lxml import etree
from lxml import html as lxml_html

from builder import cache, media_time
from builder.active_content import (
    HTML_TYPES,
    MAX_MARKUP_ELEMENTS,
    SVG_TYPES,
    TOO_MANY_ELEMENTS,
    checked_data,
    emptied,
    keep_checked,
    local_name,
    too_many_elements,
    without_script,
)
from builder.errors import CoursebuildError, Problem
from builder.markup import MAY_REFER, fragment, linked
from builder.office import OFFICE_TYPES
from builder.project_urls import split_or_none

#: The only project folders whose files may be packaged (not templates/, dist/, .git/, the project root).
PACKAGED_FOLDERS = ("course", "quizzes")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SIGNATURES = {".png": (PNG_SIGNATURE, "PNG"), ".jpg": (b"\xff\xd8\xff", "JPEG"),
               ".jpeg": (b"\xff\xd8\xff", "JPEG")}
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
VIDEO_TYPES = {".mp4", ".webm"}
#: The transcript of `talk.mp4` is `talk.transcript.md` beside it: Markdown, checked and shown as a page body is
#: (`validation._check_transcripts`, `rendering._Renderer.transcript`).
TRANSCRIPT_SUFFIX = ".transcript.md"
AUDIO_TYPES = {".mp3"}
#: The only kinds of file a package carries, by suffix: each either shows in a browser without running
#: anything (pictures, players, captions, PDF, plain text), is cleaned of script first (HTML, SVG, XHTML,
#: XML: see builder.active_content), or is downloaded rather than shown (zip, and office documents, which link to
#: nothing outside themselves but hyperlinks: see builder.office). Any other
#: kind is refused: browsers render some as documents that run script (`.rss`, `.atom`, `.xsl`, `.mml`).
PACKAGED_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".mp4", ".webm", ".mp3", ".m4a",
                            ".ogg", ".wav", ".vtt", ".pdf", ".txt", ".csv", ".html", ".htm", ".shtml", ".xhtml",
                            ".xht", ".xml", ".zip", ".md", *OFFICE_TYPES})
#: The largest file a course may link to or embed, by kind; SVG, HTML, captions and transcripts are read whole and
#: parsed, and the kit, the slides and Moodle XML read what they show or embed whole (the packages read the others in
#: pieces: `OnDisk`), so a larger one is refused before it is opened. A 100 MB video is about an hour at 200 kbit/s;
#: LMSs often refuse uploads over 100-250 MB.
MAX_VIDEO_BYTES = 100 * 1024 * 1024
MAX_TEXT_MEDIA_BYTES = 16 * 1024 * 1024  # SVG, HTML, captions, transcripts: as for course files
MAX_OTHER_MEDIA_BYTES = 50 * 1024 * 1024  # images, PDFs and other downloads
TEXT_MEDIA_TYPES = {".svg", ".xhtml", ".xht", ".xml", ".html", ".htm", ".shtml", ".vtt", ".md"}


def media_size_limit(project_path: str) -> int:
    """The most bytes the linked file `project_path` may have (MAX_VIDEO_BYTES for video and audio...)."""
    suffix = posixpath.splitext(project_path)[1].lower()
    if suffix in VIDEO_TYPES | AUDIO_TYPES:
        return MAX_VIDEO_BYTES
    return MAX_TEXT_MEDIA_BYTES if suffix in TEXT_MEDIA_TYPES else MAX_OTHER_MEDIA_BYTES


#: The most bytes all the files a package carries from the project may have together: the files the course's texts
#: link (and the captions beside their videos) and the static files of templates/static/, counted from their sizes
#: (`stat`) before any is read (`validation._check_packaged_total`). A package must be uploaded whole to an LMS, most
#: of which refuse far less (Moodle's and many hosts' upload limits are set in hundreds of MB), and each build writes
#: it once a target: 2 GB is twenty videos at their bound (MAX_VIDEO_BYTES), and the most many zip readers (signed
#: 32-bit sizes, no ZIP64) open. Without it, a project of 45 sparse 100 MB videos (a 100 KB archive) took `check` to
#: 3.8 GB and out of memory, and 260 static files of 16 MB (4.2 GB) failed every command with a line blaming a template
#: the project did not have (18-verify21 D7).
MAX_PACKAGED_BYTES = 2 * 1024 ** 3
#: The fix said when the files a package carries pass MAX_PACKAGED_BYTES at a file the course links.
PACKAGED_TOTAL_FIX = ("link fewer or smaller files: compress or shorten the videos, or put them on a video site and "
                      "link to it; see docs/security.md")
#: The fix said when the static files alone pass MAX_PACKAGED_BYTES.
STATIC_TOTAL_FIX = "keep in templates/static/ only the files the site uses, and make the large ones smaller"


def size_problem(root: Path, project_path: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) if the linked file is larger than its kind may be, else None.
    Only the file's size is looked at (`stat`): it is not opened."""
    limit = media_size_limit(project_path)
    if (root / project_path).stat().st_size <= limit:
        return None
    return (f"is larger than {limit // 2**20} MB ({project_path}), the most a linked file of its kind may be",
            "compress it, make it shorter or split it up; see docs/security.md")


#: Suffixes a package never carries, by the one the file is packaged with instead: web servers are set to run Server
#: Side Includes in a `.shtml` file (Apache's `AddOutputFilter INCLUDES .shtml`), and a package is served by any web
#: server (18-verify20 C8; the cleaned file holds no directive either: `active_content.SSI_START`). Browsers show
#: either as HTML.
PACKAGED_SUFFIXES = {"shtml": "html"}


def archive_name(project_path: str, data: Packaged) -> str:
    """A name safe in every package and LMS: `[a-z0-9-]` slug of the file's stem, its content hash (sha256, of its
    bytes or `OnDisk.digest`), its suffix (or the one PACKAGED_SUFFIXES gives for it).

    `course/media/Café #2 (final).PNG` becomes `cafe-2-final-<10 hex digits>.png`. Names with `#`, `?` or
    `%` break URLs and both manifests' XSDs; some LMSs rename or strip spaces, `~` and non-ASCII letters.
    """
    stem, suffix = posixpath.splitext(posixpath.basename(project_path))
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_stem.lower()).strip("-")[:48].strip("-") or "file"
    clean_suffix = _NOT_SLUG.sub("", suffix.lower())
    clean_suffix = PACKAGED_SUFFIXES.get(clean_suffix, clean_suffix)
    digest = (data.digest if isinstance(data, OnDisk) else hashlib.sha256(data).hexdigest())[:10]
    return f"{slug}-{digest}.{clean_suffix}" if clean_suffix else f"{slug}-{digest}"


def containment_problem(root: Path, target: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) if the project file `target` may not be packaged, else None.

    `target` is a normalised project-relative path. Only files inside course/ and quizzes/ are packaged;
    hidden files and folders are refused, where a path names them or where its links lead (18-verify32 V3: a link
    `sec2.txt -> .secret.txt` packaged the hidden file), and so are symbolic links that lead out of those folders or
    back to themselves (`looping_link`), and a path holding NUL, which no file name may (`%00`: every command ended in
    a traceback at the first look at it, 18-verify32 V6).
    """
    if "\0" in target:
        return "holds a NUL character (%00), which no file name may hold", "remove it"
    parts = target.split("/")
    if parts[0] == "..":
        return "points outside the project", "keep files inside course/"
    if parts[0] not in PACKAGED_FOLDERS or len(parts) < 2:
        return (f"points at {target}, outside course/ and quizzes/",
                "move the file into course/media/; only files in course/ and quizzes/ are packaged")
    if any(part.startswith(".") for part in parts):
        return (f"points at the hidden file or folder {target}",
                "rename it without the leading '.'; hidden files are never packaged")
    loop = looping_link(root, target)
    if loop:
        return ((f"is a symbolic link that leads back to itself ({target})" if loop == target else
                 f"is in {loop}, a symbolic link that leads back to itself"),
                f"replace the link with the {'file' if loop == target else 'folder'} itself")
    folder = leaves_folder(root, target)
    if folder:
        return (f"is a symbolic link that leads out of {folder}/ ({target})",
                "copy the file itself into course/media/")
    top = parts[0]
    real = real_path(root / target).relative_to(real_path(root / top))  # inside it: `leaves_folder`
    if any(part.startswith(".") for part in real.parts):
        return (f"is a symbolic link to the hidden file or folder {top}/{real.as_posix()}",
                "link the file itself, renamed without the leading '.'; hidden files are never packaged")
    return None


class NotPackaged(CoursebuildError):
    """A project file `packaged_bytes` was asked for that `may_read` refuses: one line, `path:1: what (how to fix it)`.

    Validation reports each such file at the line that links it, so a build or export that checked the project first
    meets this only if the file changed since (or a reference escaped validation: 18-verify20 C2)."""


#: How much of a file is read at once where it is hashed or copied (`OnDisk`): memory does not grow with its size.
PIECE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class OnDisk:
    """A file packaged as it is on disk, read in pieces (PIECE_BYTES) only when it is hashed and when it is written
    (`pieces`), never held whole: `shown` its name in messages (`course/media/talk.mp4`, `templates/static/a.css`),
    `real` its real location, `size` its bytes and `digest` the sha256 of its content (hex) when it was named.
    Compared by those, so an unchanged file is equal to itself from one build to the next (`preview`)."""

    shown: str
    real: str
    size: int
    digest: str

    @classmethod
    def of(cls, shown: str, real: Path | str, limit: int) -> OnDisk | None:
        """The file at the real location `real` (no link on the way), hashed in pieces; None if it is not a regular
        file (`read_regular`) or has more than `limit` bytes. Raises OSError if it cannot be read."""
        digest, size = hashlib.sha256(), 0
        try:
            for piece in _pieces(real, limit):
                size += len(piece)
                digest.update(piece)
        except _NotRegular:
            return None
        return None if size > limit else cls(shown, str(real), size, digest.hexdigest())

    def pieces(self) -> Iterator[bytes]:
        """The file's bytes, a piece at a time. Raises NotPackaged, once they are read, if they were not what was
        named (another size or content: changed since) or the file is no longer a regular one; a writer then removes
        what it wrote (`packaging.replacing`)."""
        digest, size = hashlib.sha256(), 0
        try:
            for piece in _pieces(self.real, self.size):
                size += len(piece)
                digest.update(piece)
                if size > self.size:
                    break
                yield piece
        except _NotRegular:
            pass
        if size != self.size or digest.hexdigest() != self.digest:
            raise _not_packaged(self.shown, _CHANGED)

    @contextlib.contextmanager
    def checked(self) -> Iterator[Span]:
        """The file opened, read through once in pieces and found to be what was named, before any of it is given
        (for a reader that hands its bytes on as they come, `preview`); then its bytes from `start` to `stop`, a
        piece at a time, read from that same opening. Raises NotPackaged if it is not what was named (another size or
        content, no longer a regular file, a link or missing: changed since) and, while its bytes are given, if it is
        written to (its size or times, `os.fstat`, differ from when it was checked); OSError if it cannot be
        read. Memory: one piece (PIECE_BYTES), whatever the file's size."""
        with contextlib.ExitStack() as stack:
            try:
                file = stack.enter_context(_regular(self.real))
            except OSError:  # swapped for a link (ELOOP), removed, made unreadable
                raise _not_packaged(self.shown, _CHANGED) from None
            if file is None:
                raise _not_packaged(self.shown, _CHANGED)
            was = _identity(file)
            digest, size = hashlib.sha256(), 0
            while piece := file.read(min(PIECE_BYTES, self.size + 1 - size)):
                size += len(piece)
                digest.update(piece)
            if size != self.size or digest.hexdigest() != self.digest or _identity(file) != was:
                raise _not_packaged(self.shown, _CHANGED)

            def span(start: int, stop: int) -> Iterator[bytes]:
                file.seek(start)
                while start < stop:
                    piece = file.read(min(PIECE_BYTES, stop - start))
                    if not piece or _identity(file) != was:
                        raise _not_packaged(self.shown, _CHANGED)
                    start += len(piece)
                    yield piece

            yield span


#: The bytes of a packaged file from `start` to `stop` (offsets, stop excluded), a piece at a time (`checked`).
Span = Callable[[int, int], Iterator[bytes]]

Packaged = Union[bytes, OnDisk]


@contextlib.contextmanager
def checked(data: Packaged) -> Iterator[Span]:
    """A packaged file made ready to be given in spans (`Span`): bytes as they are, an OnDisk file checked first and
    read from one opening (`OnDisk.checked`, which says what it raises)."""
    if isinstance(data, OnDisk):
        with data.checked() as span:
            yield span
    else:
        yield lambda start, stop: iter((data[start:stop],))


def _identity(file: BinaryIO) -> tuple[int, ...]:
    """What changes when the open `file` is written to: its size, and its times of change (ns)."""
    found = os.fstat(file.fileno())
    return found.st_size, found.st_mtime_ns, found.st_ctime_ns


def pieces(data: Packaged) -> Iterator[bytes]:
    """The bytes of a packaged file, a piece at a time (bytes as one piece; `OnDisk.pieces`)."""
    if isinstance(data, OnDisk):
        yield from data.pieces()
    else:
        yield data


def whole(data: Packaged) -> bytes:
    """The bytes of a packaged file (`OnDisk`'s read whole: for a reader that needs them all at once)."""
    return data if isinstance(data, bytes) else b"".join(pieces(data))


def packaged_file(root: Path, project_path: str) -> Packaged:
    """What a package (or the kit's folder, or an export) holds for the project file `project_path`: an SVG, XML or
    HTML file as bytes, with any script taken out (`active_content.without_script`); any other file `OnDisk`, as it
    is, hashed in pieces and read again only when written.

    The only reader of a file to package, and it checks the file itself, whatever its caller did: a file `may_read`
    refuses (outside course/ and quizzes/, hidden, led out of its folder by a symbolic link, missing, a folder, FIFO
    or device, larger than its kind may be) is never opened, and raises NotPackaged. The file is opened at its real
    location without following a link or waiting on a FIFO swapped in since, and read up to its kind's bound
    (`read_regular`, `media_size_limit`); a file that is no longer regular, or has grown past the bound, raises
    NotPackaged too (no traceback, no read of another file).
    """
    refused = readable_problem(root, project_path) or size_problem(root, project_path)
    if refused is None:
        limit, suffix = media_size_limit(project_path), posixpath.splitext(project_path)[1]
        real = real_path(root / project_path)
        if suffix.lower() not in SVG_TYPES | HTML_TYPES:
            if (on_disk := OnDisk.of(project_path, real, limit)) is not None:
                return on_disk
        elif (data := read_regular(real, limit + 1)) is not None and len(data) <= limit:
            return without_script(data, suffix)
        refused = _CHANGED
    raise _not_packaged(project_path, refused)


def packaged_bytes(root: Path, project_path: str) -> bytes:
    """`packaged_file`, read whole (for the kit's folder and Moodle XML, each within its own bound on bytes)."""
    return whole(packaged_file(root, project_path))


#: (what is wrong, how to fix it) for a file that changed between being checked or named and being read.
_CHANGED = ("changed while it was read: it is no longer a regular file, or is larger than its kind may be, or not "
           "what it was when it was named", "build again once nothing writes to it")


def _not_packaged(project_path: str, refused: tuple[str, str]) -> NotPackaged:
    """NotPackaged's one line for the project file `project_path`, refused for (what is wrong, how to fix it)."""
    return NotPackaged(str(Problem(project_path, 1, f"`{project_path}` {refused[0]}, so it is not packaged",
                                   refused[1])))


def readable_problem(root: Path, target: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) if the project file `target` may not be packaged (`containment_problem`)
    or cannot be read there (`file_problem`); None if it may be read."""
    return containment_problem(root, target) or file_problem(root, target)


def file_problem(root: Path, target: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) if what is at the project path `target` is not a regular file this process may
    read: nothing there (`not_found`), a folder, a FIFO, device or socket, or a file or folder on its way that this
    process may not open (`no_permission`: a mode-000 picture, caption or folder was a PermissionError traceback in
    every command, issue 18, s33); None if it may be read. One `stat` and one `access`: never opened."""
    try:
        mode = (root / target).stat().st_mode
    except PermissionError:  # a folder on the way that may not be searched (its `x` bit), or listed at all
        return no_permission(target)
    except (OSError, ValueError):  # nothing there, a link to nothing, a name the system refuses (a NUL)
        return not_found(target)
    if stat.S_ISDIR(mode):
        return f"is a folder ({target}), not a file", "point at a file in it"
    if not stat.S_ISREG(mode):
        return f"is not a regular file ({target} is a FIFO, a device or a socket)", "replace it with the file itself"
    return None if os.access(root / target, os.R_OK) else no_permission(target)


def not_found(target: str) -> tuple[str, str]:
    """(what is wrong, how to fix it) for the project path `target` where nothing is."""
    return f"not found (looked for {target})", "check the file name, its folder and its upper/lower case"


def no_permission(target: str) -> tuple[str, str]:
    """(what is wrong, how to fix it) for the project path `target` (a file, or a folder of the project) that this
    process may not open: the file has no read permission, or a folder on its way no read or search (`x`)
    permission. The fix names the top folder (`course`, `quizzes`), which a `chmod -R` mends whole."""
    return (f"cannot be opened ({target}: permission denied)",
            f"give it and its folders read permission, e.g. `chmod -R u+rwX {target.split('/')[0]}`")


def may_read(root: Path, target: str) -> bool:
    """Whether the linked project file `target` may be read to be checked or packaged: `readable_problem` and
    `size_problem` find nothing (those that may not are reported by validation, and never opened)."""
    return readable_problem(root, target) is None and size_problem(root, target) is None


def file_mode(path: Path) -> int | None:
    """The file mode of `path` (links followed; `stat.S_ISREG` and the like tell its kind), by one `stat`, never
    opened; None if nothing is there (or the name is one the system refuses, such as one holding a NUL)."""
    try:
        return path.stat().st_mode
    except (OSError, ValueError):
        return None


def read_regular(real: Path | str, limit: int = -1) -> bytes | None:
    """At most `limit` bytes (all of it for -1) of the file at the real location `real` (no link on the way), or None
    if what is there now is not a regular file.

    For a file that one `stat` found regular (`file_mode`) a moment before: only then is it opened, as an open has
    effects on some devices (`/dev/watchdog` arms the machine's reboot timer, a tape rewinds; 18-verify18 C6). It is
    opened without following a link at its end (one swapped in since: OSError, ELOOP) and without waiting on a FIFO
    (one swapped in since), and its kind is checked again on the descriptor before anything is read.

    Raises OSError if it cannot be opened or read, ValueError for a name with a NUL.
    """
    with _regular(real) as file:
        return None if file is None else file.read(limit)


@contextlib.contextmanager
def _regular(real: Path | str) -> Iterator[BinaryIO | None]:
    """The file at `real` opened for reading as `read_regular` opens it, or None if it is not a regular file."""
    descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            yield None
            return
        with open(descriptor, "rb", closefd=False) as file:
            yield file
    finally:
        os.close(descriptor)


class _NotRegular(Exception):
    """What is at a real location is not a regular file (`_pieces`)."""


def _pieces(real: Path | str, limit: int) -> Iterator[bytes]:
    """The bytes of the file at `real`, opened as `read_regular` opens it, a piece (PIECE_BYTES) at a time, `limit`
    and one more at most (so that a larger file is seen to be larger). Raises _NotRegular if it is not a regular file,
    OSError if it cannot be read."""
    with _regular(real) as file:
        if file is None:
            raise _NotRegular
        read = 0
        while piece := file.read(min(PIECE_BYTES, limit + 1 - read)):
            read += len(piece)
            yield piece


def leaves_folder(root: Path, target: str) -> str | None:
    """The top project folder (`course`, `quizzes`) that the project path `target` leaves by a symbolic link
    (its own or a folder's on the way), or None if its real location is still inside that folder."""
    top = target.split("/")[0]
    return None if real_path(root / target).is_relative_to(real_path(root / top)) else top


def looping_link(root: Path, target: str) -> str | None:
    """The first part of the project path `target` (a folder on the way, or the file itself) that is a symbolic
    link the system gives up following (ELOOP: it leads back to itself, `m -> m`, or round a circle of links), or
    None if there is none. Only a path `real_path` cannot follow is looked at part by part."""
    if _loops(root / target):
        parts = target.split("/")
        return next(prefix for end in range(1, len(parts) + 1)
                    if _loops(root / (prefix := "/".join(parts[:end]))))
    return None


def unfollowed_link(root: Path, path: str) -> str | None:
    """Why the symbolic link at the project path `path` (`dist`, `templates`, `quizzes`, a folder of pages) cannot
    be followed: "a symbolic link that leads back to itself" (`looping_link`) or "a symbolic link to `<target>`,
    which does not exist"; None if it can be followed, or is no link. For a caller to say so in one line, where
    reading the link as "nothing there" would say something else (no question banks, no templates) or fail later
    (a traceback)."""
    if not os.path.islink(root / path):
        return None
    if looping_link(root, path):
        return "a symbolic link that leads back to itself"
    if not os.path.exists(root / path):
        return f"a symbolic link to `{os.readlink(root / path)}`, which does not exist"
    return None


def _loops(path: Path) -> bool:
    try:
        real_path(path, strict=True)
    except OSError as error:
        return error.errno == errno.ELOOP
    except ValueError:  # a name with a NUL
        return False
    return False


#: Real locations found in this build, by absolute path as written (links followed); forgotten at every build.
_REAL: cache.BuildStore[str, str] = cache.BuildStore()


def real_path(path: Path, strict: bool = False) -> Path:
    """`os.path.realpath(path, strict=strict)`: the real location of `path`, every symbolic link on it followed.
    The one place a project path is followed: never `Path.resolve`, which raises RuntimeError for a link that leads
    back to itself (`dist -> dist`), even when not `strict` (18-verify20 C4, C5).

    Not `strict`, it never raises: a part that is missing, or a link that loops, is left as written (so the path
    stays inside the project, where nothing is found: `file_mode` is None, `looping_link` names the link).
    `strict`: FileNotFoundError when nothing is there, OSError with errno ELOOP for a link loop.

    `os.path.realpath` looks at every part of the path with lstat; here each folder's real location is
    remembered for the rest of the build, so only the last part is looked at. A part that is a link,
    is missing, or is `.`/`..` is resolved by `os.path.realpath` itself, and only what exists is remembered.
    """
    written = os.fspath(path)
    return Path(_real(written if os.path.isabs(written) else os.path.join(os.getcwd(), written), strict))


def _real(path: str, strict: bool) -> str:
    """real_path of the absolute path `path`, as a string."""
    known = _REAL.get(path)
    if known is not None:
        return known
    folder, name = os.path.split(path)
    if name and name not in (".", "..") and folder != path:
        parent = _real(folder, strict)
        candidate = os.path.join(parent, name)
        try:
            is_link = stat.S_ISLNK(os.lstat(candidate).st_mode)
        except OSError:
            is_link = True  # missing or unreadable: Path.resolve gives the answer or the error
        if not is_link:
            _REAL.put(path, candidate)
            return candidate
    real = os.path.realpath(path, strict=strict)
    if strict or os.path.exists(real):
        _REAL.put(path, real)
    return real


#: The most pixels a PNG, JPEG, GIF or WebP picture may have, read from its header before it is decoded: a
#: 21 KB PNG of 13,300 by 13,300 pixels decodes to 177 MB (RGBA: 700 MB), and three of them on a handout
#: took the kit 130 s and 1.5 GB. 40 million is a photograph of 8,000 by 5,000; a page needs 2,000 across.
MAX_PICTURE_PIXELS = 40_000_000
RASTER_PICTURE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def picture_pixels(picture: bytes | Path) -> int | None:
    """How many pixels the PNG, JPEG, GIF or WebP `picture` (its bytes or its file) has, from its header only
    (Pillow opens lazily); None if Pillow cannot read it. One Pillow refuses even to open (over twice its
    own bomb limit) counts as over MAX_PICTURE_PIXELS, and so does a JPEG or PNG `decoding_problem` refuses, which
    is not opened: Pillow reads the segments before a JPEG's first scan in Python, about 2 µs each (a million
    comments, 4 MB, took it 2 s), and the chunks before a PNG's data, about 13 µs each."""
    from PIL import Image, UnidentifiedImageError

    if decoding_problem(picture if isinstance(picture, bytes) else picture.read_bytes()):
        return MAX_PICTURE_PIXELS + 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(picture) if isinstance(picture, bytes) else picture) as image:
                width, height = image.size
                return width * height
    except Image.DecompressionBombError:
        return MAX_PICTURE_PIXELS + 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


#: The processor time (s) a megapixel of a picture costs for each work the kit's PDFs and the slides do with one
#: (`picture_seconds`), the worst measured for its kind on the development machine (issue 18, twenty-sixth
#: verification, M2 to M4): a JPEG decoded and encoded again as JPEG, by WeasyPrint (one with EXIF data) or by the
#: slides (one turned upright), 0.01 s a megapixel for a white photograph, 0.04 s for colour noise at quality 100
#: and at most 0.14 s with MAX_JPEG_SCANS scans; each time WeasyPrint decodes a picture and writes it as PNG data,
#: 1.25 s (random bytes of 0 and 255, on which zlib searches longest: 0.056 s for a white PNG, 0.22 s for colour
#: noise; a picture written twice, as a palette PNG, takes twice as long, 1.55 s against 0.74 s); a PNG decoded,
#: turned upright and saved again by the slides (Pillow's default compression), 0.45 s (bytes of four values; 0.37 s
#: for 0 and 255, 0.031 s for a white one).
PICTURE_SECONDS_PER_MEGAPIXEL: dict[str, float] = {
    "jpeg again": 0.14,
    "png write": 1.25,
    "png turned": 0.45,
}


def picture_seconds(pixels: int, work: str) -> float:
    """The processor time (s) at worst that the work `work` (a key of PICTURE_SECONDS_PER_MEGAPIXEL) on a picture of
    `pixels` pixels takes: its megapixels by the rate measured for that work. The one price of a picture's pixels
    that the kit's bound per document (`kit.MAX_KIT_DOCUMENT_SECONDS`) and the slides' bound per deck
    (`slides.MAX_DECK_TURNING_SECONDS`) count; KeyError for another work."""
    return pixels / 1_000_000 * PICTURE_SECONDS_PER_MEGAPIXEL[work]


#: The most scans (SOS markers) a JPEG may have. A decoder makes a pass over every block of the components a scan codes,
#: however few bytes the scan takes: a 6,000-pixel-square progressive JPEG of 12,000 scans of one end-of-band run each
#: (766 KB) took `slides` 46 s of processor time to turn upright, 40,000 scans (2.4 MB) 150 s (18-verify18 C4), and
#: a learner's browser decodes it too. libjpeg's progressive script writes 10 scans for a colour picture (6 grey, 18
#: CMYK); libjpeg-turbo's own tools refuse more than 500 when asked to (`-limitscans`, for pictures of up to one
#: megapixel in its fuzzers). At 100 scans a 40-megapixel picture (`MAX_PICTURE_PIXELS`) took Pillow 0.5 s (grey) to
#: 0.7 s (CMYK) to decode, against 0.4 to 0.8 s for one of one scan; one of 100 full scans (4 components, one bit a
#: block: 31.5 MB) 4.2 s, which is what its bytes cost.
MAX_JPEG_SCANS = 100
#: The most segments (markers) a JPEG may have, scans included: counting them is a step in Python for each, and a
#: camera's or an editor's JPEG has a few dozen (an ICC profile in at most 255 `APP2` chunks, tables before each scan).
MAX_JPEG_SEGMENTS = 1_000
#: A marker that begins a segment or ends one's entropy-coded data: 0xFF followed by neither a stuffed zero, a fill
#: byte nor a restart marker (ITU-T T.81, B.1.1.2 and B.1.1.5), which appear inside the data of a scan.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xff\xd0-\xd7]")


class _JpegLayout(NamedTuple):
    """How many scans and segments a JPEG has up to its end (EOI); counting stops past MAX_JPEG_SCANS scans or
    MAX_JPEG_SEGMENTS segments (the count is then one more than its bound)."""

    scans: int
    segments: int


def _jpeg_layout(data: bytes) -> _JpegLayout | None:
    """The layout of the JPEG `data` (its markers, walked as a decoder walks them: a segment's payload, an EXIF
    thumbnail's markers with it, is skipped by its length; a scan's data is searched for the marker after it); None
    if `data` does not start with a JPEG's start of image. Takes a step for each segment and a pass over the bytes,
    in C, for the data of the scans."""
    if not data.startswith(b"\xff\xd8"):
        return None
    scans, segments, position = 0, 0, 2
    while scans <= MAX_JPEG_SCANS and segments <= MAX_JPEG_SEGMENTS \
            and (marker := _JPEG_MARKER.search(data, position)) is not None:
        kind, position = data[marker.start() + 1], marker.end()
        if kind == 0xD9:  # end of image: a decoder reads no further
            break
        segments += 1
        if kind == 0x01:  # TEM, the one marker without a length besides SOI, EOI and the restarts (T.81, table B.1)
            continue
        scans += kind == 0xDA  # its data, after its header, is searched for the marker that ends it
        position += int.from_bytes(data[position:position + 2], "big")
    return _JpegLayout(scans, segments)


def decoding_problem(data: bytes) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) if the JPEG `data` has more than MAX_JPEG_SCANS scans or MAX_JPEG_SEGMENTS
    segments (`_jpeg_layout`), which decoders would take a pass over the picture for each, or the PNG `data` more
    chunks than `png_chunk_bound` (`_png_chunks`), which Pillow reads one by one in Python; None for one within them,
    and for bytes that are neither (whatever the name they are shown by: browsers and Pillow go by the content)."""
    if data.startswith(PNG_SIGNATURE):
        if _png_chunks(data) > (bound := png_chunk_bound(data)):
            return (f"is a PNG of more than {bound:,} chunks ({MAX_PNG_CHUNKS:,} and one for each "
                    f"{PNG_CHUNK_BYTES // 1024} KB of the file), more than an editor writes",
                    "save it again from an image editor")
        return None
    layout = _jpeg_layout(data)
    if layout is None:
        return None
    fix = "save it again from an image editor, as a baseline JPEG or a progressive one of about 10 scans"
    if layout.scans > MAX_JPEG_SCANS:
        return (f"is a JPEG of more than {MAX_JPEG_SCANS} scans, each of which a browser and the slides decode as a "
                "pass over the whole picture", fix)
    if layout.segments > MAX_JPEG_SEGMENTS:
        return f"is a JPEG of more than {MAX_JPEG_SEGMENTS:,} segments (markers), more than an editor writes", fix
    return None


#: The most chunks a PNG may have besides one for each PNG_CHUNK_BYTES of the file (`png_chunk_bound`). Pillow reads
#: every chunk before the picture's data in Python each time it opens a PNG, and every one after it each time it
#: decodes one, about 13 µs for an empty ancillary chunk (3 µs an empty IDAT): a 1-pixel PNG of a million empty
#: chunks (12 MB) held `check` 15.7 s and `slides` 44.5 s of processor time, 4 million (48 MB) `check` 61 s
#: (18-verify23 G2). Editors write a few chunks of metadata and the picture's data in chunks of 4 KB (the page
#: screenshots in test-artifacts/: 402 chunks in 1.6 MB), 8 KB (libpng) or 64 KB (Pillow), or in one; an APNG adds
#: about two a frame.
MAX_PNG_CHUNKS = 10_000
#: The bytes of a PNG that allow it one chunk more than MAX_PNG_CHUNKS: a 50 MB PNG of 4 KB chunks has 12,200.
PNG_CHUNK_BYTES = 4096
_PNG_CHUNK_HEAD = struct.Struct(">I4s")


def png_chunk_bound(data: bytes) -> int:
    """The most chunks the PNG `data` may have: MAX_PNG_CHUNKS and one for each PNG_CHUNK_BYTES of it, so that
    reading them takes Pillow at most 0.15 s and 3 ms a megabyte more."""
    return MAX_PNG_CHUNKS + len(data) // PNG_CHUNK_BYTES


def _png_chunks(data: bytes) -> int:
    """How many chunks the PNG `data` has up to its end (IEND, or its bytes'), counted from their headers alone
    (length and type; the data and CRC are skipped by the length): a step for each chunk, up to one more than
    `png_chunk_bound`, where counting stops."""
    bound, position, end, chunks = png_chunk_bound(data), len(PNG_SIGNATURE), len(data) - 8, 0
    while chunks <= bound and position <= end:
        length, kind = _PNG_CHUNK_HEAD.unpack_from(data, position)
        chunks += 1
        if kind == b"IEND":
            break
        position += 12 + length
    return chunks


def drawable_picture(data: bytes) -> bool:
    """Whether the bytes `data`, which an SVG embeds, are a picture that may be drawn: a PNG, JPEG, GIF or WebP
    by its signature (never another kind Pillow would open: it runs Ghostscript for EPS), of at most
    MAX_PICTURE_PIXELS, that CairoSVG would not draw as an SVG document instead (it does for any bytes but a
    PNG's that hold `<svg`)."""
    signed = data.startswith((PNG_SIGNATURE, b"\xff\xd8\xff", b"GIF87a", b"GIF89a")) or (
        data.startswith(b"RIFF") and data[8:12] == b"WEBP")
    pixels = picture_pixels(data) if signed else None
    return pixels is not None and pixels <= MAX_PICTURE_PIXELS and (data.startswith(b"\x89PNG") or b"<svg" not in data)


def signed_picture(data: bytes) -> str | None:
    """The suffix (`.png`, `.jpg`) of the kind of picture `data` is by its first bytes (`_SIGNATURES`), whatever the
    name of its file; None if it is neither a PNG nor a JPEG."""
    return next((suffix for suffix, (signature, _) in _SIGNATURES.items() if data.startswith(signature)), None)


def file_content_problem(project_path: str, data: bytes) -> str | None:
    """Why an image file would show as a broken image (empty, not the format its name says, too large, or a PNG or
    JPEG that cannot be decoded: `undecodable`), or None. A PNG or JPEG by its content (`signed_picture`) under
    another name (`map.pdf`) is held to the same as one by its name: WeasyPrint opens what the kit shows by its
    content (18-verify23 notes). None too for
    an SVG `svg_drawing_problem` refuses without reading it (too many elements, or the project's media time spent),
    and for one past libxml2's limits (`active_content.xml_limit`: too deep, too long a text), which browsers draw
    and `active_content.emptied` refuses, an error."""
    suffix = posixpath.splitext(project_path)[1].lower()
    if not data:
        return "is an empty file (0 bytes)"
    if suffix == ".svg":
        if media_time.refusal():
            return None  # the project's media took too long to check: `svg_drawing_problem` refuses the file
        try:
            with media_time.charged():
                if too_many_elements(data, suffix):
                    return None  # never parsed into a tree: `svg_drawing_problem` refuses it
                root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            if emptied(data, suffix):
                return None  # well-formed, past libxml2's limits (`active_content.xml_limit`): an error there
            return f"is not a valid SVG file (not well-formed XML: {exc.msg})"
        if root.tag != f"{{{SVG_NAMESPACE}}}svg":
            return "is not a valid SVG file (its root element is not <svg> in the SVG namespace)"
    elif (named := suffix if suffix in _SIGNATURES else signed_picture(data)) is not None:
        signature, kind = _SIGNATURES[named]
        if not data.startswith(signature):
            return f"is not a {kind} file (its first bytes are not a {kind} signature)"
        if (pixels := picture_pixels(data) or 0) > MAX_PICTURE_PIXELS:
            return (f"is too large (over {MAX_PICTURE_PIXELS // 10**6} million pixels when decoded; the kit and "
                    "the slides leave it out)")
        if damage := undecodable(data, pixels):
            return f"is damaged: its picture cannot be decoded ({damage})"
    return None


#: What decoding each picture gave (`_decoding_error`), by a digest of its bytes: kept from a build to the next.
_DECODED: cache.Store[bytes, str] = cache.Store()


def undecodable(data: bytes, pixels: int) -> str | None:
    """What Pillow says of decoding the first frame of the PNG or JPEG picture `data`, whose header gives
    `pixels` (0 if it cannot be read), if it fails: a browser shows such a picture broken, whatever its signature and
    header (an IDAT that is not zlib data passed `check --strict` with no warning, 18-verify22 F6). None if it
    decodes, and if it is not decoded: once the project's pictures have used up PROJECT_DECODED_PIXELS
    (`media_time.decodes`). A picture decoded before in this process is not decoded again."""
    key = hashlib.blake2b(data, digest_size=16).digest()
    known = _DECODED.get(key)
    if known is None and media_time.decodes(pixels):
        known = _decoding_error(data)
        _DECODED.put(key, known)
    return known or None


def _decoding_error(data: bytes) -> str:
    """What Pillow says of decoding the first frame of the picture `data` (`Image.load`), or "" if it decodes.

    Decoded with Pillow's `ImageFile.LOAD_TRUNCATED_IMAGES` off for the while, whatever it was: WeasyPrint turns it on
    for the process when imported (the kit), and Pillow then fills what it cannot decode without a word, so the verdict
    would hang on whether the kit had been loaded before."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except UnidentifiedImageError:  # its message names the object read (an address: not the same from run to run)
        return "its header cannot be read"
    except Exception as error:  # noqa: BLE001 - Pillow's decoders raise many kinds (OSError, SyntaxError, struct.error…)
        return str(error) or type(error).__name__
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    return ""


#: The most copies drawing one SVG may make of its own elements, through `<use>` and `url(#…)` references
#: (each element drawn besides the file's own): nine levels of ten `<use>` of the level below are 10⁹ circles
#: in 1.9 KB, which CairoSVG (slides) and WeasyPrint (kit) would draw for years. A diagram makes a few hundred.
MAX_SVG_COPIES = 100_000
#: The most tiles the patterns of one SVG may be repeated in (`svg_tiles`). CairoSVG and WeasyPrint draw a
#: pattern's content once per use, but the kit's PDFs keep patterns as PDF tiling patterns, which a viewer
#: draws tile by tile: Poppler (pdftoppm, Evince) took 6 s for 10⁸ tiles of a 1.4 KB figure and 39 s for 10⁹.
#: At 1,000,000 a dot grid of 2-unit tiles over a 1,000-unit figure (250,000 tiles) is fine.
MAX_SVG_TILES = 1_000_000
#: The most dashes the dashed strokes of one SVG may be drawn in (`_Drawn.dashes`). The kit's PDFs keep the dash
#: array, and a viewer strokes each dash: pdftoppm took 742 MB and 2.2 s for a 7 KB PDF of 1,000,000, 2.2 GB ("Out of
#: memory") for 40,000,000 (18-verify9 Y2). A diagram's dashed connectors make a few hundred; 50,000 units of
#: dotted border in dots 2 units apart 25,000.
MAX_SVG_DASHES = 100_000
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_HREFS = ("href", _XLINK_HREF)


def svg_drawing_problem(data: bytes) -> tuple[int, str, str] | None:
    """(line, what is wrong, how to fix it) if drawing the SVG `data` makes more than MAX_SVG_COPIES copies
    (`svg_copies`), repeats its patterns in more than MAX_SVG_TILES tiles (`svg_tiles`), strokes more than
    MAX_SVG_DASHES dashes (`_Drawn.dashes`) or would take CairoSVG more
    than MAX_SVG_DRAWING_SECONDS (`svg_drawing_seconds`), else None; None too
    for a file that is not well-formed XML (reported elsewhere). Internal entities are expanded as the slides
    expand them (libxml2 bounds their amplification). Decided on the parsed tree, never on the bytes:
    `&#117;rl(` and `u\\72l(` are `url(` to the renderers.

    Not worked out, and refused, for a file of more than `active_content.MAX_MARKUP_ELEMENTS` elements
    (`too_many_elements`), or once the project's `media_time.PROJECT_MEDIA_SECONDS` are spent (`media_time.refusal`)
    unless it was worked out before."""
    key = hashlib.sha256(data).digest()
    if _DRAWINGS.get(key) is None and (refused := media_time.refusal()):
        return refused
    drawing = _DRAWINGS.make(key, lambda: (_worked_out(data),))[0]
    return None if drawing is None else _drawing_problem(*drawing)


def svg_drawing(data: bytes) -> tuple[int, _Drawn] | None:
    """The line of the SVG `data`'s root element and what drawing it makes (`_drawn`), worked out once for each
    content in a build (`check` asks for a figure, the deck's total and the kit's backgrounds; ask
    `svg_drawing_problem` first, which bounds the work); None if it is not well-formed XML."""
    return _DRAWINGS.make(hashlib.sha256(data).digest(), lambda: (_worked_out(data),))[0]


#: What drawing each SVG makes (`_worked_out`), by the sha256 of its content.
_DRAWINGS: cache.Store[bytes, tuple[tuple[int, _Drawn] | None]] = cache.Store()


def _worked_out(data: bytes) -> tuple[int, _Drawn] | None:
    """`svg_drawing` of `data`, worked out in a bounded child (`media_time.analysed`: cssselect2's time grows with the
    combinators of a selector, libxml2's with the attributes of a tag), its processor time taken off the project's;
    a file of more than `active_content.MAX_MARKUP_ELEMENTS` elements is not parsed into a tree
    (`too_many_elements`), and is taken to take forever, as is one whose analysis passed a bound (`_Drawn.overran`)."""
    with media_time.charged():
        if too_many_elements(data, ".svg"):
            return 1, _Drawn(0, 0, math.inf, MAX_MARKUP_ELEMENTS + 1)
        try:
            reply = media_time.analysed(
                lambda: json.dumps(_estimate(data)).encode() + b"\n" + checked_data(data, ".svg"), "the SVG estimate")
        except media_time.Overran as overran:
            return 1, _Drawn(0, 0, math.inf, 0, overran=overran.what)
    estimate, _, checked = reply.partition(b"\n")
    keep_checked(data, ".svg", checked)
    drawing = json.loads(estimate)
    return None if drawing is None else (drawing[0], _Drawn(*drawing[1]))


def _estimate(data: bytes) -> tuple[int, _Drawn] | None:
    """`svg_drawing` of `data` worked out in this process (`_worked_out` runs it in a bounded child, whose result
    comes back as JSON, null or `[line, [the fields of _Drawn]]`, then a newline and the file's search for script,
    `active_content.checked_data`: one child for both)."""
    root = svg_tree(data)
    if root is None:
        return None
    return root.sourceline or 1, _drawn(root)._replace(repeating=_repeating_gradient(root),
                                                       picture=_undecodable_picture(root))


def _repeating_gradient(root: Any) -> int:
    """The line of the first gradient of the SVG element `root` that WeasyPrint (the kit's PDFs) may repeat: one whose
    `spreadMethod` is `repeat` or `reflect`, or any gradient where a `style=` or `<style>` sheet names `spreadMethod`;
    0 if none. The attribute is refused on any element, in any case or namespace: WeasyPrint's cascade copies it from
    each element to its children (`<defs>` or the root `<svg>` made each gradient inside repeat; issue 18, tenth
    verification, Z3), and a gradient's `href` reads it from another gradient, which is then refused itself.
    WeasyPrint makes each repeat of such a gradient across the shape it fills as stops of one PDF shading,
    inserting those before the first stop one at a time (`svg/defs.py`, `spread_linear_gradient`), so its time grows
    with the square of the repeats: a 400-byte figure of 200,000 repeats would take it about 220 s, and one of stops
    only appended gave a page that needed 1 GB in pdftoppm (issue 18, ninth verification, Y3). How many repeats a
    `userSpaceOnUse` gradient makes depends on the size of each shape it fills, which the tree does not bound, so
    repeated gradients are refused whatever their vector (CairoSVG draws them cheaply, but the kit draws the same
    file)."""
    styled = any("spreadmethod" in ((element.text if local_name(element) == "style" else element.get("style")) or "")
                 .lower() for element in root.iter(etree.Element))
    for element in root.iter(etree.Element):
        if (styled and local_name(element) in ("lineargradient", "radialgradient")) or any(
                etree.QName(name).localname.lower() == "spreadmethod" and value.strip().lower() in ("repeat", "reflect")
                for name, value in element.items()):
            return int(element.sourceline or 1)
    return 0


def _drawing_problem(line: int, drawn: _Drawn) -> tuple[int, str, str] | None:
    """`svg_drawing_problem` of an SVG whose root element is at `line`, from what drawing it makes."""
    copies, tiles, seconds, elements, repeating, dashes, overran, picture = drawn
    if overran:
        return line, overran, media_time.OVERRAN_FIX
    if elements > MAX_MARKUP_ELEMENTS:
        return line, f"this figure {TOO_MANY_ELEMENTS[0]} and to draw", TOO_MANY_ELEMENTS[1]
    if elements > MAX_SVG_ELEMENTS:
        return (line, f"this figure has more than {MAX_SVG_ELEMENTS:,} elements, too many to draw on a slide or to "
                "count what drawing it takes", "make it simpler, or save it as a PNG picture")
    if copies > MAX_SVG_COPIES:
        return (line, f"drawing this figure makes more than {MAX_SVG_COPIES:,} copies of its shapes "
                "(its `<use>` elements and `url(#…)` references copy parts that copy others in turn)",
                "simplify the figure, or save it again from a drawing program with its copies made plain shapes")
    if tiles > MAX_SVG_TILES:
        return (line, f"drawing this figure repeats its patterns in more than {MAX_SVG_TILES:,} "
                "tiles (a `<pattern>` whose tiles are tiny beside the area it fills, or patterns inside patterns), "
                "which PDF viewers draw one by one",
                "make the pattern's tiles larger (`width`, `height`, `patternTransform`), or fill with a plain colour")
    if repeating:
        return (repeating, "this gradient repeats (`spreadMethod` `repeat` or `reflect`), which the kit's PDFs make "
                "in time that grows with the square of its repeats",
                "use `spreadMethod=\"pad\"` (the default), or draw the stripes as shapes or with a `<pattern>`")
    if picture:
        return (picture, f"the picture in this `<image>`'s `data:` URL is a JPEG of more than {MAX_JPEG_SCANS} scans "
                f"or {MAX_JPEG_SEGMENTS:,} segments, or a PNG of more than {MAX_PNG_CHUNKS:,} chunks (and one for each "
                f"{PNG_CHUNK_BYTES // 1024} KB), each of which a browser and the slides read as a pass",
                "save the picture again from an image editor, as a PNG or a baseline JPEG or a progressive "
                "one of about 10 scans, and embed that")
    if dashes > MAX_SVG_DASHES:
        return (line, f"drawing this figure strokes more than {MAX_SVG_DASHES:,} dashes (a `stroke-dasharray` whose "
                "dashes are tiny beside the length of what it strokes), which PDF viewers draw one by one",
                "make the dashes longer (`stroke-dasharray`), or the line solid")
    if seconds > MAX_SVG_DRAWING_SECONDS:
        return (line, "drawing this figure for a slide would take more than "
                f"{MAX_SVG_DRAWING_SECONDS:g} s (counted from what it draws: each copy of a shape, of a path's points "
                "and dashes, of text (and of the path it follows) and of a picture in a `data:` URL, and each group "
                "with opacity, a mask, a filter or a clip path)",
                "make it simpler: fewer copies through `<use>`, fewer points in its paths, longer dashes, less text "
                "along paths, smaller pictures, fewer groups with opacity, masks or filters")
    return None


def svg_tree(data: bytes) -> Any | None:
    """The parsed SVG `data`, its internal entities expanded as the slides expand them, never an external one;
    None if it is not well-formed XML."""
    parser = etree.XMLParser(resolve_entities="internal",  # type: ignore[arg-type] # lxml 5 takes "internal"
                             no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None


def svg_copies(root: Any) -> int:
    """How many elements drawing the SVG element `root` makes besides its own (`_drawn`)."""
    return _drawn(root).copies


def svg_tiles(root: Any) -> int:
    """How many tiles drawing the SVG element `root` repeats its patterns in (`_drawn`)."""
    return _drawn(root).tiles


def svg_drawing_seconds(root: Any) -> float:
    """At most how many seconds of processor time CairoSVG takes to draw the SVG element `root` for a slide
    (`_drawn`; an estimate from the costs measured: SVG_ELEMENT_SECONDS and the others)."""
    return _drawn(root).seconds


#: The most pixels across the slides draw an SVG figure at (its longer side; `slides._pixels`).
SVG_PIXELS = 1600
_CANVAS = SVG_PIXELS ** 2
#: What drawing an SVG figure on a slide costs CairoSVG, in seconds of processor time per unit named, measured with
#: CairoSVG 2.9.1 on the development machine (2 cores; 2026-11-30, best of three runs, the 0.16 s of an empty
#: figure's PNG taken off) at 1,600 pixels square; an estimate of a figure's cost adds them up (`_drawn`).
#: Each figure, for its canvas (mostly writing the PNG): 0.16 s for an empty one.
SVG_FIGURE_SECONDS = 0.16
#: Each element drawn, a copy or not: 2,000 small circles took 0.17 ms each, small paths 0.23 ms.
SVG_ELEMENT_SECONDS = 0.25e-3
#: Each pixel of the canvas a shape, text or picture paints; any is taken to paint the whole canvas (a stroke, a
#: marker or a `<use>` can take a small shape anywhere): a rectangle over the canvas took 1.15 ms, a path 1.25 ms,
#: a line of 90-pixel text 1.9 ms.
SVG_PAINT_SECONDS = 0.5e-9
#: Each pixel of the canvas an element with `opacity` under 1, or a `filter` or a `clip-path`, composites again
#: (CairoSVG draws it on a surface of its own): 7.0 ms for a full-canvas rectangle in a group with opacity (1.15 of
#: it the rectangle's), 2.8 ms with opacity on the rectangle itself, 6.8 ms under a blur filter, 2.8 ms clipped.
SVG_SURFACE_SECONDS = 2.5e-9
#: Each pixel of the canvas an element with a `mask` composites: 34 to 40 ms each, however small what is masked.
SVG_MASK_SECONDS = 16e-9
#: Each pixel of the canvas an element filled or stroked with a `<pattern>` paints from it: 4.5 to 12 ms for a
#: full-canvas rectangle, by the size of the tiles (a gradient costs no more than a colour).
SVG_PATTERN_SECONDS = 4e-9
#: Each vertex of a `<path>`, `<polyline>` or `<polygon>` (`_vertices`), which CairoSVG parses and draws one by one:
#: a path of 200,000 `l` commands (1.2 million vertices counted) took 1.9 s, one of 100,000 `c` 1.7 s; 40,000 points
#: of a `<polyline>` (80,000 counted) 1.1 s, of which about 0.26 s is this and the rest SVG_PATH_RUN_SECONDS.
SVG_VERTEX_SECONDS = 3e-6
#: Each byte of the numbers after one path command letter (a run: `L1 2 3 4 …`), or of a `points`, squared: CairoSVG
#: copies the rest of a run for each point it reads (`cairosvg.helpers.point`), so a long run costs its length
#: squared: a `<polyline>` of 230 KB took 1.1 s, of 1.16 MB 19 s; a path of one `L` and 1.2 MB of numbers 9.5 s.
SVG_PATH_RUN_SECONDS = 1.6e-11
#: Each character of text (`<text>`, `<tspan>`, `<textPath>`), which CairoSVG lays out one by one: a `<text>` of
#: 10,000 characters took 0.76 s, of 50,000 2.6 s.
SVG_CHARACTER_SECONDS = 50e-6
#: Each character of a `<textPath>` for each vertex of the path it follows (`_vertices`), which CairoSVG walks from
#: its start to place each character: 200 characters along a path of 260,000 counted vertices took 1.2 s (23 ns a
#: pair), 1,100 characters 11.5 s at a load of 8 (40 ns); priced at the latter (18-verify8 X3: such a figure was
#: estimated at 0.16 s, eight of them kept `slides` past 60 s).
SVG_TEXT_PATH_SECONDS = 40e-9
#: Each character of text that follows a path (a `<textPath>`, or a `<text>` or `<tspan>` whose `href`, or whose
#: holder's, names one: `cairosvg.text`) for each segment of that path flattened at the drawing scale
#: (`_flat_segments`): CairoSVG walks the flattened path from its start three times to place each character, to its
#: end for one placed past it (`startOffset="1000%"`): 100 characters along 20,000 `l` segments took 3.7 s (1.9 µs a
#: pair), 10 characters along 50 curves flattened into 204,800 segments 5.5 s (2.7 µs; 18-verify9 Y4).
SVG_TEXT_FLAT_SECONDS = 3e-6
#: Each dash of a dashed stroke (`stroke-dasharray`): the length of what is stroked over the dash period, both in
#: its user units (`_dashes`); cairo strokes each dash as a shape of its own: a path of 1,000,000 dashes of 0.3
#: pixels took 1.5 s and 157 MB, of 3 pixels 1.7 s, 100,000 dashes 0.05 s; 10,000,000 needed more than 1 GB, and a
#: PDF viewer (pdftoppm) 2.2 GB for 40,000,000 (18-verify9 Y2).
SVG_DASH_SECONDS = 1.7e-6
#: Each pixel of a PNG, JPEG, GIF or WebP picture in a `data:` URL, which CairoSVG decodes (and resamples) again for
#: each copy: 6,000 by 6,000 PNG 0.63 s a copy (18 ns a pixel), 3,000 by 3,000 PNG 0.22 s (25 ns), JPEG 0.46 s
#: (51 ns), each drawn over the canvas; the same PNG in a box of a hundredth of the canvas 0.11 s.
SVG_PICTURE_SECONDS = 50e-9
#: Each pixel of the canvas a picture paints, instead of SVG_PAINT_SECONDS: a 100-pixel PNG drawn over the canvas
#: took 20 ms a copy, a 1,000-pixel one 47 ms (12 of them decoding it).
SVG_PICTURE_PAINT_SECONDS = 14e-9
#: The most seconds an SVG's estimated cost may reach (`svg_drawing_seconds`): 6 s on a machine three times slower
#: than the one measured, under the slides' 10 s bound for one figure (`slides.MAX_FIGURE_SECONDS`). A diagram of
#: 300 shapes (circles, labels and arrows) is estimated at 0.5 s (0.2 to 0.3 s measured), one of 900 at 1.2 s (0.4
#: to 0.7 s); about 1,200 paths or texts, or 250 groups with opacity, reach it.
MAX_SVG_DRAWING_SECONDS = 2.0
#: The most elements an SVG figure may have (in `<defs>` too), of which CairoSVG makes a tree of its own before it
#: draws: working out what drawing one takes (`_drawn`) costs about 50 µs an element. A detailed map has 20,000.
MAX_SVG_ELEMENTS = 50_000
#: The elements that paint something (a shape, text or a picture).
_PAINTED = frozenset({"rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "text", "tspan", "textpath",
                      "image"})
#: The elements whose path data CairoSVG parses (`d`, `points`): SVG_VERTEX_SECONDS and SVG_PATH_RUN_SECONDS.
_PATHS = frozenset({"path", "polyline", "polygon"})
#: The shapes whose outline `_outline` measures: what a dashed stroke is drawn along, and what text may follow.
_OUTLINED = frozenset({"path", "polyline", "polygon", "line", "rect", "circle", "ellipse"})
#: The elements whose characters are laid out (their own text, and what follows each element they hold).
_TEXT = frozenset({"text", "tspan", "textpath"})
#: What CairoSVG does not draw where it is, only where it is referenced (`cairosvg.surface.INVISIBLE_TAGS`); nor does
#: it draw what a `<defs>` holds.
_NOT_DRAWN_IN_PLACE = frozenset({"clippath", "filter", "lineargradient", "marker", "mask", "pattern", "radialgradient",
                                 "symbol"})
#: What applying a referenced element costs besides drawing it, by its kind.
_APPLIED_SECONDS = {"mask": SVG_MASK_SECONDS * _CANVAS, "filter": SVG_SURFACE_SECONDS * _CANVAS,
                    "clippath": SVG_SURFACE_SECONDS * _CANVAS, "pattern": SVG_PATTERN_SECONDS * _CANVAS}


class _Drawn(NamedTuple):
    """What drawing an SVG makes (`_drawn`): elements besides its own, pattern tiles, and seconds of CairoSVG's time."""

    copies: int
    tiles: int
    seconds: float
    #: How many elements the SVG has (more than MAX_MARKUP_ELEMENTS: not counted further, and refused).
    elements: int
    #: The line of its first gradient that may repeat (`_repeating_gradient`), 0 if none.
    repeating: int = 0
    #: How many dashes its dashed strokes are drawn in (`_dashes`, `_text_length`), copies included.
    dashes: float = 0.0
    #: What `media_time.Overran` said if working this out passed a bound, or which selector of its sheets is too
    #: complex to match ("" if neither): then nothing else is known.
    overran: str = ""
    #: The line of its first `<image>` whose `data:` URL is a JPEG of too many scans (`_undecodable_picture`), or 0.
    picture: int = 0


def _drawn(root: Any) -> _Drawn:
    """What drawing the SVG element `root` makes: how many elements besides its own, how many tiles its patterns
    are repeated in, and at most how long CairoSVG takes.

    Copies: an element draws itself and its children, and a `<use>` (or an attribute's `url(#id)`) also a fresh
    copy of everything the element it references draws (SVG 2, 5.6 "The use element"); a reference to a
    `<marker>` draws it once at each vertex of the element and of all it holds (markers are inherited), counted
    by `_vertices` (SVG 2, 13.7 "Markers"). A reference back into itself draws nothing (renderers refuse it).
    References set by the rules of a `<style>` sheet count for the elements its selectors match (as CairoSVG
    and WeasyPrint apply them, with cssselect2).

    Tiles: a reference to a `<pattern>` (SVG 1.1, 13.3 "Patterns") draws its content once (a copy) and repeats
    it in `_pattern_tiles` tiles, at the least scale the tree gives the element that references it or any element
    it holds (`_geometry`; a `fill` or `stroke` is inherited, and tiles are in the user space of the shape painted);
    tiles of a pattern inside a pattern's content count once per tile of the outer one. What a `<use>` draws is drawn
    at the scale of the `<use>` (its own and its holders' `transform`s, and a `<symbol>`'s or `<svg>`'s viewBox
    fitted to its `width` and `height`), which may be smaller than the tree's: its tiles are multiplied by
    `through`, never divided (an upper bound); the same for a pattern that takes its content from another, and
    for a marker, drawn at its `markerWidth` and `markerHeight` times the stroke width of what it is drawn on
    (`_stroke_widths`; one that cannot be read counts as countless tiles).

    Seconds: a figure costs SVG_FIGURE_SECONDS, each element drawn SVG_ELEMENT_SECONDS, each shape or text
    SVG_PAINT_SECONDS for each pixel of the canvas it paints (`_painted_pixels`: where the tree holds it, its box if
    that is simply known, else the whole canvas; what a reference draws, the whole canvas), one with `opacity` under
    1 (attribute, `style` or a sheet's rule) SVG_SURFACE_SECONDS a pixel of the canvas, each reference to a mask, a
    filter, a clip path or a pattern what `_APPLIED_SECONDS` says, each character of text SVG_CHARACTER_SECONDS, and
    each `<image>` SVG_PICTURE_PAINT_SECONDS a pixel it paints and SVG_PICTURE_SECONDS for each pixel of its `data:`
    picture (`_picture_seconds`), each `<path>`, `<polyline>` or `<polygon>` SVG_VERTEX_SECONDS a vertex (`_vertices`)
    and SVG_PATH_RUN_SECONDS for each run of its data squared, each dash of a dashed stroke SVG_DASH_SECONDS
    (`_dash_periods`, `_dashes`, `_text_length`), each character of text that follows a path what
    `_text_path_seconds` says; copies cost what they copy, and what CairoSVG draws
    only where it is referenced (what `<defs>` holds, a `<mask>`, `<pattern>`, `<symbol>`…) costs nothing where it is.

    Linear in the size of the file, without recursion; each count stops past its bound. A figure of more than
    MAX_SVG_ELEMENTS elements, or whose elements drawn where they are cost more than twice MAX_SVG_DRAWING_SECONDS
    by a first count in C (`_drawn_in_place`: a 15.6 MB path in 0.02 s), or whose `<style>` sheets' rules need more
    than _MAX_SHEET_TESTS tests (`_sheet_matches`), is not counted further: it is refused all the same."""
    seconds_cap = MAX_SVG_DRAWING_SECONDS * 2  # more is refused all the same: counts stop there
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    if len(elements) > MAX_SVG_ELEMENTS:
        return _Drawn(0, 0, math.inf, len(elements))
    if _drawn_in_place(root, seconds_cap):
        return _Drawn(0, 0, SVG_FIGURE_SECONDS + seconds_cap, len(elements))
    index = {element: i for i, element in enumerate(elements)}
    by_id = {element.get("id"): i for i, element in enumerate(elements) if element.get("id") is not None}
    names = [local_name(element) for element in elements]
    own_vertices = [_vertices(element) for element in elements]
    vertices = own_vertices.copy()
    for i in range(len(elements) - 1, 0, -1):  # each element's vertices and those of all it holds
        vertices[index[elements[i].getparent()]] += vertices[i]
    patterns = {i for i, name in enumerate(names) if name == "pattern"}
    try:
        _cascaded(root)
        declared_by_sheets = _sheet_declarations(root, elements, index)
        from_sheets = _sheet_references(root, elements, index)
    except _TooManyTests as too_many:  # its sheets' rules alone would take too long to apply: refused all the same
        return _Drawn(0, 0, SVG_FIGURE_SECONDS + seconds_cap, len(elements),
                      overran=f"this figure {too_many.args[0]}" if too_many.args else "")
    geometry = _geometry(root, elements, index, patterns, declared_by_sheets)
    # the least scale in each element's subtree, relative to its own area: what it paints with a pattern (`fill` and
    # `stroke` are inherited) is painted by the shape in it that shrinks most
    least = [scale / area for scale, area in zip(geometry.scales, geometry.areas, strict=True)]
    for i in range(len(elements) - 1, 0, -1):
        holder = index[elements[i].getparent()]
        least[holder] = min(least[holder], least[i])
    painting = [ratio * area for ratio, area in zip(least, geometry.areas, strict=True)]
    strokes = _stroke_widths(elements, index, declared_by_sheets)
    dash_periods = _dash_periods(elements, index, declared_by_sheets, geometry.ports)
    flattened: dict[int, list[_Walked]] = {}  # what each path text follows draws (`_text_path_seconds`)
    font_sizes: list[float] | None = None  # worked out for the first dashed text (`_font_sizes`)
    tile_cap = MAX_SVG_TILES + 1
    dash_cap = MAX_SVG_DASHES + 1.0

    def through(i: int, part: int) -> float:
        """How many times the tiles the tree counts for `part` (and all it holds) the element `i` draws it in: the
        scale the tree gives what `part` holds over the one `i` draws it at, times the area `i` can cover over the
        area the tree gives `part`; at least 1, at most `tile_cap`."""
        scales, inner, own, areas, ports = geometry
        if names[i] == "use":
            fit = _fitted(elements[i], elements[part], ports[i])[0] if names[part] in _VIEWPORTS else 1.0
            drawn, covered = scales[i] * own[part] * fit, areas[i]
        elif names[part] == "marker":  # drawn at each vertex of `i`, in units of its stroke width by default
            stroke = 1.0 if elements[part].get("markerUnits") == "userSpaceOnUse" else strokes[i]
            if stroke is None:
                return tile_cap  # a stroke width that cannot be read: the worst is taken
            drawn, covered = scales[i] * own[part] * stroke ** 2 * _fitted(elements[part], elements[part],
                                                                           ports[part])[0], areas[i]
        else:  # a pattern drawing the content of the one its href names, in its own tile
            drawn, covered = 1.0, _tile_area(elements[i]) or areas[i]
        # a scale of 0 may be the product of unreadable ones (_UNREADABLE_SCALE): the worst is taken
        factor = inner[part] / drawn * covered / areas[part] if drawn > 0 else math.inf
        return min(max(factor, 1.0), tile_cap) if not math.isnan(factor) else tile_cap

    # (part, copies of it drawn, tiles it is repeated in: 0 for a part that is not a pattern, how many times the
    # tiles the tree counts for it are drawn, seconds applying it costs besides drawing it: None for a part the tree
    # holds where CairoSVG does not draw it, which is drawn only where it is referenced; whether the tree holds it)
    parts = [[(child, 1, 0, 1.0, None if names[i] == "defs" or names[child] in _NOT_DRAWN_IN_PLACE else 0.0, True)
              for child in (index[node] for node in element if isinstance(node.tag, str))]
             + [(part, 1, 0, through(i, part), 0.0, False)
                for name in _linked(element) if (part := by_id.get(name)) is not None]
             + [(part, max(vertices[i], 1) if names[part] == "marker" else 1,
                 _pattern_tiles(elements, by_id, part, painting[i], geometry.areas[i], tile_cap)
                 if part in patterns else 0, through(i, part) if names[part] == "marker" else 1.0,
                 _APPLIED_SECONDS.get(names[part], 0.0), False)
                for name in _url_references(element) + from_sheets.get(i, []) if (part := by_id.get(name)) is not None]
             for i, element in enumerate(elements)]
    painted = _painted_pixels(root, elements, names, geometry, strokes)
    cap = len(elements) + MAX_SVG_COPIES + 1
    drawn = [0] * len(elements)
    tiles = [0.0] * len(elements)
    seconds = [0.0] * len(elements)  # drawn where the tree holds it
    dashes = [0.0] * len(elements)
    anywhere = [0.0] * len(elements)  # drawn anywhere, at any scale: each shape paints the canvas
    state = bytearray(len(elements))  # 0 not reached, 1 on the path being counted, 2 counted
    stack = [0]
    while stack:
        i = stack[-1]
        if state[i] == 0:
            state[i] = 1
            stack.extend(part for part, *_ in parts[i] if state[part] == 0)
            continue
        stack.pop()
        if state[i] == 1:
            state[i] = 2
            counted = [edge for edge in parts[i] if state[edge[0]] == 2]
            drawn[i] = min(1 + sum(drawn[part] * times for part, times, *_ in counted), cap)
            tiles[i] = min(sum(repeats * (1 + tiles[part]) if repeats else tiles[part] * times * factor
                               for part, times, repeats, factor, *_ in counted), tile_cap)
            drawn_here = [(part, times, applied, tree) for part, times, _, _, applied, tree in counted
                          if applied is not None]
            own_anywhere, own_here = _own_seconds(elements[i], names[i], painted[i], own_vertices[i],
                                                  [value for name, value in declared_by_sheets.get(i, ())
                                                   if name == "opacity"])
            if names[i] in _TEXT:
                along = _text_path_seconds(elements, i, names, by_id, own_vertices, geometry, flattened)
                own_anywhere, own_here = own_anywhere + along, own_here + along
            own_dashes = 0.0
            if (period := dash_periods[i]) is not None and (names[i] in _OUTLINED or names[i] in _TEXT):
                if names[i] in _TEXT and font_sizes is None:
                    font_sizes = _font_sizes(root, elements, index, geometry.ports)
                own_dashes = _dashes(elements[i], names[i], period, geometry.ports[i]) if names[i] in _OUTLINED \
                    else _text_length(elements[i], font_sizes[i] if font_sizes else math.inf) / period
                own_anywhere, own_here = (own_anywhere + SVG_DASH_SECONDS * own_dashes,
                                          own_here + SVG_DASH_SECONDS * own_dashes)
            dashes[i] = min(own_dashes + sum(dashes[part] * times for part, times, _, _ in drawn_here), dash_cap)
            anywhere[i] = min(own_anywhere + sum((anywhere[part] + applied) * times
                                                 for part, times, applied, _ in drawn_here), seconds_cap)
            seconds[i] = min(own_here + sum(((seconds if tree else anywhere)[part] + applied) * times
                                   for part, times, applied, tree in drawn_here), seconds_cap)
    # tiles rounded up, forgiving the float error of scales multiplied and divided (a billionth)
    return _Drawn(max(drawn[0] - len(elements), 0), math.ceil(tiles[0] * (1 - 1e-9)), SVG_FIGURE_SECONDS + seconds[0],
                  len(elements), dashes=dashes[0])


def _drawn_in_place(root: Any, most: float) -> bool:
    """Whether drawing the SVG element `root` costs more than `most` seconds by what `_drawn` counts at the least for
    the elements CairoSVG draws where they are (not in a `<defs>`, not what `_NOT_DRAWN_IN_PLACE` names, nor in
    them): SVG_ELEMENT_SECONDS each, and SVG_VERTEX_SECONDS for two vertices at each command letter of a path (of
    `_vertices`), counted in C; the walk stops past `most`."""
    seconds, pending = 0.0, [root]
    while pending:
        element = pending.pop()
        name = local_name(element)
        seconds += SVG_ELEMENT_SECONDS
        if name in _PATHS:
            for value in (element.get("d"), element.get("points")):
                if value:
                    data = value.encode("utf-8", "replace")  # command letters are single bytes in it
                    seconds += SVG_VERTEX_SECONDS * 2 * (len(data) - len(data.translate(None, _PATH_LETTER_BYTES)))
        if seconds > most:
            return True
        if name != "defs":
            pending += [child for child in element
                        if isinstance(child.tag, str) and local_name(child) not in _NOT_DRAWN_IN_PLACE]
    return False


def _text_path_seconds(elements: list[Any], i: int, names: list[str], by_id: dict[str, int], vertices: list[int],
                       geometry: _Geometry, walked: dict[int, list[_Walked]]) -> float:
    """What laying the text of the text element `elements[i]` along a path costs CairoSVG, in seconds: a `<textPath>`
    (all its text), or a `<text>` or `<tspan>` (its own characters, not its children's) that follows the path its
    `href` names or, failing that, its holder's (`cairosvg.text`: `node.get_href() or node.parent.get_href()`; the
    children of a `<textPath>` are counted with it). For each character and each vertex of that path (`vertices`, by
    element), SVG_TEXT_PATH_SECONDS, or, if more, SVG_TEXT_FLAT_SECONDS for each segment cairo flattens the path and
    what it holds into at the scale the element draws it at (`_flat_segments`; CairoSVG walks the path from its start
    to place each character; `walked` keeps each path's `_outline`s). 0 if no path of the figure is named (nothing
    follows one)."""
    element = elements[i]
    holder = element.getparent()
    target = next((value.partition("#")[2] for node in (element, holder) if node is not None
                   for value in map(node.get, _HREFS) if value and "#" in value), None)
    path = by_id.get(target) if target is not None else None
    if path is None or names[i] != "textpath" and holder is not None and local_name(holder) == "textpath":
        return 0.0
    characters = len("".join(element.itertext())) if names[i] == "textpath" else \
        len(element.text or "") + sum(len(child.tail or "") for child in element)
    # pixels a user unit of the path where the element draws it: the areas' scale, as a length
    scale = math.sqrt(max(geometry.scales[i] * geometry.own[path] / geometry.areas[i] * _CANVAS, 0.0))
    if path not in walked:
        walked[path] = [_outline(node, local_name(node), geometry.ports[path]) for node in elements[path].iter()
                        if isinstance(node.tag, str) and local_name(node) in _OUTLINED]
    flat = sum(_flat_segments(outline, scale) for outline in walked[path])
    return characters * max(SVG_TEXT_PATH_SECONDS * vertices[path], SVG_TEXT_FLAT_SECONDS * flat)


#: At most how long the outline of one character's glyph is, in ems: measured with cairo's toy fonts, `x` 2.8, `W`
#: 5.9, `@` 7.6, a missing glyph's box 5.1; a CJK character of many strokes may reach about 40.
_GLYPH_OUTLINE_EMS = 50.0
#: CairoSVG's font size where none is set: 12 pt (`cairosvg.surface`), in user units.
_DEFAULT_FONT_SIZE = 16.0
def _text_length(element: Any, font_size: float) -> float:
    """At most how long the outlines of the glyphs of a text element's own characters are (its text and what follows
    each element it holds), at `font_size`: _GLYPH_OUTLINE_EMS each."""
    characters = len(element.text or "") + sum(len(child.tail or "") for child in element)
    return characters * _GLYPH_OUTLINE_EMS * font_size if characters else 0.0


def _dashes(element: Any, name: str, period: float, port: tuple[float, float]) -> float:
    """At most how many dashes a shape's stroke is drawn in: the length of its outline (`_outline`) over the
    period of its dashes (`_dash_periods`), both in its user units; infinite for one that cannot be read."""
    dashes = _outline(element, name, port).length / period
    return dashes if math.isfinite(dashes) else math.inf


def _own_seconds(element: Any, name: str, pixels: float, vertices: int, opacities: list[str]) -> tuple[float, float]:
    """What drawing the SVG element `element` (whose local name is `name`, with `vertices`: `_vertices`) costs
    CairoSVG itself, without what it holds or references (`_drawn`), in seconds: if it paints the whole canvas, and
    if it paints at most `pixels` of it; `opacities` are what `<style>` sheets' rules set its `opacity` to (any of
    them may win)."""
    seconds, rate = SVG_ELEMENT_SECONDS, 0.0
    if name in _PATHS:
        seconds += SVG_VERTEX_SECONDS * vertices
        if seconds < MAX_SVG_DRAWING_SECONDS * 2:  # `_drawn` counts no further: its runs would change nothing
            seconds += SVG_PATH_RUN_SECONDS * _path_run_squares(element)
    if name == "image":
        rate = SVG_PICTURE_PAINT_SECONDS
        seconds += _picture_seconds(element)
    elif name in _PAINTED:
        rate = SVG_PAINT_SECONDS
        if name in _TEXT:
            characters = len(element.text or "") + sum(len(child.tail or "") for child in element)
            seconds += SVG_CHARACTER_SECONDS * characters
    if any(map(_translucent, [_declared(element, "opacity"), *opacities])):
        seconds += SVG_SURFACE_SECONDS * _CANVAS
    return seconds + rate * _CANVAS, seconds + rate * pixels


def _translucent(opacity: str | None) -> bool:
    """Whether an `opacity` makes CairoSVG composite what it is set on: under 1, or a value that cannot be read (an
    upper bound); not if there is none."""
    if opacity is None:
        return False
    try:
        return float(opacity) < 1
    except ValueError:
        return True


def _painted_pixels(root: Any, elements: list[Any], names: list[str], geometry: _Geometry,
                    strokes: list[float | None]) -> list[float]:
    """At most how many pixels of the canvas (of SVG_PIXELS across) each element paints where the tree holds it: a
    `<rect>`, `<image>`, `<circle>` or `<ellipse>` whose size is given in plain numbers, its box widened on each side
    by half the `stroke-width` it takes (`strokes`: `_stroke_widths`), at the scale the tree gives it
    (`_geometry`: an area of the root's viewBox is a share of the canvas); the whole canvas for any other, and for
    all of them if a `<style>` sheet may set a size or a stroke, or the root's viewBox is sliced (drawn larger than
    the canvas)."""
    pixels = [float(_CANVAS)] * len(names)
    if "style" in names or "slice" in (root.get("preserveAspectRatio") or ""):
        return pixels
    for i, name in enumerate(names):
        box = _box(elements[i], name)
        stroke = strokes[i]
        if box is not None and stroke is not None:
            area = (box[0] + stroke) * (box[1] + stroke) * geometry.scales[i] / geometry.areas[i] * _CANVAS
            pixels[i] = min(area, _CANVAS) if math.isfinite(area) else float(_CANVAS)
    return pixels


def _stroke_widths(elements: list[Any], index: dict[Any, int],
                   declared_by_sheets: dict[int, list[tuple[str, str]]]) -> list[float | None]:
    """The `stroke-width` each element takes, in user units: its own (attribute or `style`; of those `<style>`
    sheets' rules set, the least), else its holder's, else 1 (the default); None for one that cannot be read or is a
    percentage (of the viewport's diagonal)."""
    strokes: list[float | None] = [1.0] * len(elements)
    for i, element in enumerate(elements):
        declared = [value for value in [_declared(element, "stroke-width")] if value is not None] + \
            [value for name, value in declared_by_sheets.get(i, ()) if name == "stroke-width"]
        if declared:
            widths = [_length(value) for value in declared]
            strokes[i] = min(abs(width[0]) for width in widths if width) \
                if all(width and not width[1] for width in widths) else None
        elif i:
            strokes[i] = strokes[index[element.getparent()]]
    return strokes


def _box(element: Any, name: str) -> tuple[float, float] | None:
    """The width and height of a `<rect>` or `<image>`, or the box of a `<circle>` or `<ellipse>`, in its user
    units, if they are plain numbers (no percentage); None for any other element or value."""
    sizes = {"rect": ("width", "height"), "image": ("width", "height"), "circle": ("r", "r"),
             "ellipse": ("rx", "ry")}.get(name)
    if sizes is None:
        return None
    lengths = [_length(element.get(size)) for size in sizes]
    if not all(length and not length[1] for length in lengths):
        return None
    width, height = (abs(length[0]) * (1 if name in ("rect", "image") else 2) for length in lengths if length)
    return width, height


def _picture_seconds(image: Any) -> float:
    """What decoding the picture of an `<image>` costs CairoSVG each time it is drawn: SVG_PICTURE_SECONDS for each
    pixel of a `data:` URL's PNG, JPEG, GIF or WebP picture that the slides draw (`drawable_picture`; the pixels read
    from its header); 0 for anything else (the slides load nothing else: `slides._figure_resource`)."""
    data = _data_url_picture(image)
    return SVG_PICTURE_SECONDS * (picture_pixels(data) or 0) if data and drawable_picture(data) else 0.0


def _data_url_picture(image: Any) -> bytes | None:
    """The bytes of the `data:` URL an `<image>` element shows (`href` or `xlink:href`); None for another URL or a
    `data:` URL that cannot be read."""
    url = next((value for value in map(image.get, _HREFS) if value), "").strip()
    if not url.startswith("data:"):
        return None
    import urllib.request  # noqa: PLC0415 - only for a figure with a data: URL

    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - a data: URL only, decoded in memory
            data: bytes = response.read()
    except (OSError, ValueError):
        return None
    return data


def _undecodable_picture(root: Any) -> int:
    """The line of the first `<image>` of the SVG element `root` whose `data:` URL holds a JPEG of more scans or
    segments, or a PNG of more chunks, than a decoder should be asked to read (`decoding_problem`): CairoSVG (the
    slides) and browsers decode it for every copy drawn; 0 if none."""
    for image in root.iter(etree.Element):
        if local_name(image) == "image" and (data := _data_url_picture(image)) and decoding_problem(data):
            return int(image.sourceline or 1)
    return 0


#: A length's number and unit; user units (px) per unit, as CSS 2 fixes them (96 px an inch). A font-relative length
#: (`em`, `ex`, `rem`) is not read: the renderers measure it against the SVG's own `font-size`, which may be 0.001.
_TRANSFORM_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LENGTH = re.compile(rf"\s*({_TRANSFORM_NUMBER.pattern})\s*(px|in|cm|mm|pt|pc|%)?\s*$")
_UNITS = {None: 1.0, "px": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "pt": 4 / 3, "pc": 16.0}
#: A length the counts cannot read (`1em`), where it decides a tile's size or a scale: the worst, its square
#: _UNREADABLE_SCALE.
_UNREADABLE_LENGTH = 1e-150
#: A transform function and its arguments, whatever its name (as CairoSVG's and WeasyPrint's `transform` read them).
_TRANSFORM = re.compile(r"(\w+)\s*\(([^)]*)\)")
#: The transform functions that keep areas as they are (WeasyPrint's `svg.utils.transform`; CairoSVG's
#: `helpers.transform` knows all but `skew`, `translateX` and `translateY`, and ignores them).
_AREA_KEEPING = frozenset({"translate", "translateX", "translateY", "rotate", "skew", "skewX", "skewY"})
#: How much a transform the counts cannot read is taken to multiply areas by: the worst, as a scale so small that
#: any pattern under it is countless tiles (but not 0, which draws nothing).
_UNREADABLE_SCALE = 1e-300
#: The size (in user units) an SVG whose size cannot be read is taken to show: CSS's default size of a replaced
#: element, 300 × 150; and its area.
_DEFAULT_SIZE = (300.0, 150.0)
_DEFAULT_AREA = _DEFAULT_SIZE[0] * _DEFAULT_SIZE[1]


def _length(value: str | None) -> tuple[float, bool] | None:
    """A length attribute in user units, and whether it was a percentage (then as a fraction); None if there
    is none or it cannot be read (or is not finite, or is font-relative: `_LENGTH`)."""
    match = _LENGTH.match(value) if value else None
    if match is None:
        return None
    number = float(match.group(1))
    if not math.isfinite(number):
        return None
    if match.group(2) == "%":
        return number / 100, True
    return number * _UNITS[match.group(2)], False


def _area(element: Any) -> float | None:
    """The area, in its own user units, that an `<svg>` or `<pattern>` element's `viewBox` (else its `width` and
    `height`) shows; None if it cannot be read."""
    box = _TRANSFORM_NUMBER.findall(element.get("viewBox") or "")
    if len(box) == 4 and math.isfinite(area := abs(float(box[2]) * float(box[3]))) and area > 0:
        return area
    width, height = _length(element.get("width")), _length(element.get("height"))
    if width and height and not width[1] and not height[1] and width[0] * height[0] > 0:
        return width[0] * height[0]
    return None


def _tile_area(pattern: Any) -> float | None:
    """The area of a pattern's tile in the units of its content: its viewBox's, or with `userSpaceOnUse` its
    `width` × `height`; None if that depends on what it fills (`objectBoundingBox`, the default)."""
    if pattern.get("viewBox") is not None or pattern.get("patternUnits") == "userSpaceOnUse":
        return _area(pattern)
    return None


def _scale(transform: str | None) -> float:
    """How much a `transform` (or `patternTransform`) attribute multiplies areas: the absolute determinant of
    its matrix (`matrix`, `scale`, and WeasyPrint's `scaleX` and `scaleY`; translations, rotations and skews keep
    areas); 0 for a transform that flattens everything, which draws nothing. A function of another name, or an
    argument of `matrix` or a scale that is not a plain number (`1em`, `50%`: WeasyPrint resolves them against the
    font size and the viewport), is taken as the worst, _UNREADABLE_SCALE."""
    scale = 1.0
    for kind, arguments in _TRANSFORM.findall(transform or ""):
        if kind in _AREA_KEEPING:
            continue
        values = [value for value in re.split(r"[\s,]+", arguments) if value]
        if not values or not all(_TRANSFORM_NUMBER.fullmatch(value) for value in values):
            return _UNREADABLE_SCALE
        numbers = [float(value) for value in values]
        if kind == "matrix" and len(numbers) == 6:
            scale *= abs(numbers[0] * numbers[3] - numbers[1] * numbers[2])
        elif kind == "scale" and len(numbers) <= 2:
            scale *= abs(numbers[0] * numbers[-1])
        elif kind in ("scaleX", "scaleY") and len(numbers) == 1:
            scale *= abs(numbers[0])
        else:
            return _UNREADABLE_SCALE
    return scale if math.isfinite(scale) else 1.0


class _Geometry(NamedTuple):
    """What each element of an SVG (by its number in document order) is drawn at, from the tree alone.

    `scales`: how much the `transform`s of it and of the elements holding it, and the viewBox of each nested `<svg>`
    or `<symbol>` holding it, multiply areas, up to the pattern it is drawn in (or the root); `inner`: the same for
    what it holds (with its own viewBox); `own`: its own `transform`'s alone; `areas`: the area its fills can cover,
    in the user units of that pattern or root (the root's viewBox or size, or the pattern's tile: an upper bound,
    whatever is outside is cut off); `ports`: the width and height of the viewport its children's percentages are of.
    """

    scales: list[float]
    inner: list[float]
    own: list[float]
    areas: list[float]
    ports: list[tuple[float, float]]


def _geometry(root: Any, elements: list[Any], index: dict[Any, int], patterns: set[int],
              declared_by_sheets: dict[int, list[tuple[str, str]]]) -> _Geometry:
    """The `_Geometry` of `elements` (all of `root`'s, `index` their numbers), `patterns` the numbers of its
    `<pattern>`s. Transforms are read as the renderers read them (`_declared`: a `style` declaration wins); of those
    `<style>` sheets' rules set (`declared_by_sheets`: any may win), the one that shrinks most is taken."""
    port = _view_box(root) or _plain_size(root) or _DEFAULT_SIZE
    geometry = _Geometry([1.0] * len(elements), [1.0] * len(elements), [1.0] * len(elements),
                         [_area(root) or _DEFAULT_AREA] * len(elements), [port] * len(elements))
    scales, inner, own, areas, ports = geometry
    for i, element in enumerate(elements):
        parent = element.getparent()
        if i and parent is not None and parent in index:
            holder = index[parent]
            scales[i], areas[i] = (1.0, _tile_area(parent) or areas[holder]) if holder in patterns else \
                (inner[holder], areas[holder])
            ports[i] = ports[holder]
        own[i] = min([_scale(_declared(element, "transform"))]
                     + [_scale(value) for name, value in declared_by_sheets.get(i, ()) if name == "transform"])
        scales[i] *= own[i]
        inner[i] = scales[i]
        if i and local_name(element) in _VIEWPORTS:
            fit, ports[i] = _fitted(element, element, ports[i])
            inner[i] *= fit
    return geometry


#: The elements that map a viewBox onto a viewport of their own: a nested `<svg>`, a `<symbol>` (drawn by `<use>`),
#: a `<marker>` (onto its `markerWidth` and `markerHeight`).
_VIEWPORTS = ("svg", "symbol", "marker")


def _fitted(sized: Any, boxed: Any, port: tuple[float, float]) -> tuple[float, tuple[float, float]]:
    """How much an `<svg>` or `<symbol>` `boxed` drawn at the `width` and `height` of `sized` (itself, or the `<use>`
    that draws it; else its own; a percentage of `port`, the viewport around it; the default 100%) multiplies the
    areas of what it holds, and the viewport that its content's percentages are of. With a viewBox that is
    min(width / its width, height / its height)²: the least of what `preserveAspectRatio` gives (`meet`, the
    default, takes the lesser scale; `slice` the greater; `none` one of each), so tiles are never undercounted;
    without one, 1, and 1 for a width or height of 0, which draws nothing (SVG 2, 8.2 "The viewBox attribute"; 5.6
    "The use element")."""
    if local_name(boxed) == "marker":  # 3 by default (SVG 2, 13.7.2), in the units of what it is drawn at
        width, height = (_UNREADABLE_LENGTH if (length := _length(boxed.get(name))) is None and boxed.get(name)
                         else length[0] if length and not length[1] else 3.0
                         for name in ("markerWidth", "markerHeight"))
    else:
        width, height = (_resolved(sized, boxed, name, extent)
                         for name, extent in zip(("width", "height"), port, strict=True))
    box = _view_box(boxed)
    if box is None:
        return 1.0, (width, height)
    return min(width / box[0], height / box[1]) ** 2 or 1.0, box


def _resolved(sized: Any, boxed: Any, name: str, extent: float) -> float:
    """The `width` or `height` (`name`) that `sized`, else `boxed`, declares, in user units: a percentage of
    `extent`, and `extent` (100%, the default) if neither declares one; _UNREADABLE_LENGTH (the worst) for a
    declared one that cannot be read (`1em`); at least 0."""
    declared = _declared(sized, name) or _declared(boxed, name)
    length = _length(declared) if declared else (1.0, True)
    if length is None:
        return _UNREADABLE_LENGTH
    return max(length[0] * extent if length[1] else length[0], 0.0)


def _view_box(element: Any) -> tuple[float, float] | None:
    """The width and height of an element's `viewBox`, None if it has none that renderers use (four numbers, the
    last two positive and finite)."""
    box = _TRANSFORM_NUMBER.findall(element.get("viewBox") or "")
    if len(box) != 4:
        return None
    width, height = float(box[2]), float(box[3])
    return (width, height) if 0 < width < math.inf and 0 < height < math.inf else None


def _plain_size(element: Any) -> tuple[float, float] | None:
    """An element's `width` and `height` in user units, None unless both are positive lengths that are not
    percentages."""
    width, height = _length(element.get("width")), _length(element.get("height"))
    if width and height and not width[1] and not height[1] and width[0] > 0 and height[0] > 0:
        return width[0], height[0]
    return None


def _declared(element: Any, name: str) -> str | None:
    """The presentation attribute `name` (`transform`, `width`, `opacity`) of an SVG element as CairoSVG and
    WeasyPrint take it: the last declaration of it in the element's `style` attribute (escapes decoded, as tinycss2
    reads them) wins over the attribute, as both renderers copy declarations onto attributes. Rules of a `<style>`
    sheet are not read here."""
    style = element.get("style")
    if not style or (name not in style.lower() and "\\" not in style):
        return element.get(name)  # type: ignore[no-any-return]
    declared = _style_declarations(style).get(name)
    return declared if declared is not None else element.get(name)


#: What a `style` attribute may hold that makes it more than `name: value` pairs split at `;` and `:` (escapes,
#: comments, strings, `!important`, blocks, a URL or function whose text may hold `;` or `:`, a CSS name that is not
#: plain letters, digits and `-`).
_CSS_SYNTAX = re.compile(r"[\\/\"'!{}\[\]@]|url\(|\([^)]*[;:]")


@functools.lru_cache(maxsize=256)
def _style_declarations(style: str) -> dict[str, str]:
    """The declarations of a `style` attribute by their lower-case names, as CairoSVG reads them (tinycss2; the last
    of a name wins, and an `!important` one over any other). Drawing programs give many elements the same `style`."""
    if not _CSS_SYNTAX.search(style):  # `fill:#fff;stroke-width:0.26`: what tinycss2 reads it as, without it
        pairs = (declaration.partition(":") for declaration in style.split(";"))
        return {name.strip().lower(): value.strip() for name, colon, value in pairs if colon and name.strip()}
    import tinycss2  # type: ignore[import-untyped]  # noqa: PLC0415 - only for a style that may declare one

    declarations = [declaration for declaration in tinycss2.parse_declaration_list(style)
                    if declaration.type == "declaration"]
    return {declaration.lower_name: tinycss2.serialize(declaration.value).strip()
            for declaration in sorted(declarations, key=lambda declaration: bool(declaration.important))}


def _pattern_attribute(elements: list[Any], by_id: dict[str, int], pattern: int, name: str) -> str | None:
    """A pattern's attribute, or the one it takes from the pattern its `href` names, and so on (SVG 1.1, 13.3:
    a pattern inherits the attributes it does not set); at most 16 patterns deep."""
    element = elements[pattern]
    for _ in range(16):
        if element.get(name) is not None:
            return str(element.get(name))
        target = element.get("href") or element.get(_XLINK_HREF) or ""
        if not target.startswith("#") or target[1:] not in by_id:
            return None
        element = elements[by_id[target[1:]]]
    return None


def _pattern_tiles(elements: list[Any], by_id: dict[str, int], pattern: int, scale: float, area: float,
                   cap: int) -> int:
    """At most how many tiles the pattern `pattern` repeats in, used as the fill or stroke of an element whose
    `transform`s multiply areas by `scale` and which can cover `area` (`_scales_and_areas`): with
    `patternUnits="userSpaceOnUse"`, `area` divided by the tile's area (`width` × `height` in the element's units,
    times its `patternTransform`'s scale); otherwise (`objectBoundingBox`, the default) 1 / (`width` × `height`)
    times that scale, the tiles over the element's bounding box. 0 for a `width` or `height` of 0 (nothing is
    drawn); at most `cap`, also for a tile whose area is too small for a float or a transform that flattens it, and
    for a `width` or `height` that cannot be read (`1em`: of the SVG's `font-size`, which may be 0.001)."""
    attribute = functools.partial(_pattern_attribute, elements, by_id, pattern)
    sizes = [attribute("width"), attribute("height")]
    width, height = (_length(size) for size in sizes)
    if any(size and _length(size) is None for size in sizes):
        return cap
    if not width or not height or width[0] <= 0 or height[0] <= 0:
        return 0
    tile = width[0] * height[0] * _scale(attribute("patternTransform"))
    if attribute("patternUnits") == "userSpaceOnUse" and not width[1] and not height[1]:
        tile *= scale
    else:
        area = 1.0  # the bounding box, with width and height as fractions of it
    tiles = area / tile if tile > 0 else math.inf  # a tile too small for a float (1e-200 squared): countless
    return cap if not math.isfinite(tiles) or tiles >= cap else max(math.ceil(tiles), 1)


#: CairoSVG's path command letters (`cairosvg.helpers.PATH_LETTERS`); a vertex is drawn at most twice for each
#: (the start of a subpath, and its own end even with no number: `h` alone draws a zero-length line).
_PATH_LETTERS = "achlmqstvzACHLMQSTVZ"
_PATH_LETTER_BYTES = _PATH_LETTERS.encode()
#: What separates the numbers of a path's data: a comma, or whitespace as Python's `str.isspace` (and `re`'s `\s`)
#: takes it: ASCII's, and these (`_ascii_path`).
_UNICODE_SPACES = ("\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029"
                   "\u202f\u205f\u3000")
#: Each byte of `_ascii_path` data as what it is in a path: `L` a command letter, a space a separator, `x` anything
#: else (a part of a number, or one character more of a run of them).
_PATH_CLASSES = bytes.maketrans(bytes(range(128)), bytes(
    ord("L") if chr(c) in _PATH_LETTERS else ord(" ") if chr(c).isspace() or chr(c) == "," else ord("x")
    for c in range(128)))
#: Each command letter as `L`, every other byte as it is: the runs between letters (SVG_PATH_RUN_SECONDS).
_LETTERS_AS_L = bytes.maketrans(_PATH_LETTERS.encode(), b"L" * len(_PATH_LETTERS))


def _ascii_path(value: str) -> bytes:
    """A path's `d` or `points` as one byte per character, for counting with bytes methods (linear, in C): ASCII as it
    is, another whitespace character as a space (a separator, as for `str.isspace`), any other character as `?`
    (part of a run, as any character that is neither a letter nor a separator)."""
    if not value.isascii():
        for space in _UNICODE_SPACES:
            value = value.replace(space, " ")
    return value.encode("ascii", "replace")


def _vertices(element: Any) -> int:
    """At most how many vertices an element has where markers are drawn: a `<line>` has two; its `points` or `d`
    two for each command letter and one for each number, a run between separators counted as one number more for
    each `-` and `.` in it (`1-2.5.5` may be three): CairoSVG (`cairosvg.path`) draws a vertex for each command,
    repeated while numbers are left, and one where each subpath starts, so `M0 0h1hhhh` has six, not three.
    Counted by a few passes of bytes methods over the data (a 15 MB path in about 0.05 s)."""
    if local_name(element) == "line":
        return 2
    count = 0
    for value in (element.get("points"), element.get("d")):
        if value:
            data = _ascii_path(value)
            classes = data.translate(_PATH_CLASSES)
            runs = classes.count(b" x") + classes.count(b"Lx") + classes.startswith(b"x")  # each run's first byte
            count += 2 * classes.count(b"L") + runs + data.count(b"-") + data.count(b".")
    return count


#: A path command letter, or a number, in path data (as `cairosvg.path` reads them).
_PATH_TOKEN = re.compile(rf"[{_PATH_LETTERS}]|{_TRANSFORM_NUMBER.pattern}")
#: How many numbers each path command takes.
_PATH_ARGUMENTS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}
#: Cairo's flattening tolerance, in pixels (`cairo_set_tolerance`'s default, which CairoSVG keeps).
_FLATTENING_TOLERANCE = 0.1


class _Walked(NamedTuple):
    """What a path's data draws (`_path_walk`), in its user units."""

    #: At most how long it is: each curve counted as its control polygon, each arc as the whole ellipse it is on.
    length: float
    #: How many segments it has besides its curves' and arcs' flattened ones: a straight segment 1, a curve or an
    #: arc 2 (cairo's flattening of one of length L pixels makes at most 2 + 2 √(L / tolerance) segments, measured:
    #: `_flat_segments`).
    segments: int
    #: The sum of the square roots of the lengths of its curves and arcs (as `length` counts them).
    curve_roots: float


def _path_walk(value: str) -> _Walked:
    """What the path data `value` (a `d`, or `M` and a `points`) draws (`_Walked`), read as CairoSVG reads it: a
    command repeated while numbers are left, `m` then as `l`, an arc's flags as one character each; an arc with a
    radius of 0 as a straight line, another as at most the ellipse CairoSVG draws, its x radius grown to reach the end
    point (`cairosvg.path`). An upper bound; infinite if a number or a length overflows."""
    tokens = _PATH_TOKEN.findall(value)
    tokens.reverse()
    length = roots = 0.0
    segments = 0
    x = y = start_x = start_y = 0.0
    control: tuple[float, float] | None = None  # the last curve's second control point, for `s` and `t`
    command, previous, numbers = "", "", list[float]()
    while tokens:
        token = tokens.pop()
        if token in _PATH_LETTERS:
            command, numbers = token, []
            if token in "zZ":
                length += math.hypot(start_x - x, start_y - y)
                segments += 1
                x, y, control = start_x, start_y, None
            continue
        kind = command.lower()
        if kind in ("", "z"):
            continue  # numbers after no command, or after `z`: CairoSVG skips them too
        if kind == "a" and len(numbers) in (3, 4) and len(token) > 1 and token[0] in "01":
            tokens.append(token[1:])  # `a1 1 0 11 2 2`: flags are one character each
            token = token[0]
        numbers.append(float(token))
        if len(numbers) < _PATH_ARGUMENTS[kind]:
            continue
        base_x, base_y = (x, y) if command.islower() else (0.0, 0.0)
        if kind == "h":
            numbers = [numbers[0], y - base_y]
        elif kind == "v":
            numbers = [x - base_x, numbers[0]]
        if kind == "a":
            rx, ry, _, _, _, end_x, end_y = numbers
            points = [(base_x + end_x, base_y + end_y)]
        else:
            points = [(base_x + numbers[j], base_y + numbers[j + 1]) for j in range(0, len(numbers), 2)]
        if kind in ("s", "t"):
            reflected = (2 * x - control[0], 2 * y - control[1]) if control and previous in (
                ("c", "s") if kind == "s" else ("q", "t")) else (x, y)
            points.insert(0, reflected)
        if kind == "m":
            start_x, start_y = points[0]
            command = "l" if command == "m" else "L"
        else:
            polygon = [(x, y), *points]
            drawn = sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(polygon))
            if kind == "a" and rx and ry:
                ratio = abs(ry / rx)
                drawn = 2 * math.pi * max(abs(rx), drawn / 2 / min(1.0, ratio)) * max(1.0, ratio)
            length += drawn
            if kind in ("c", "s", "q", "t") or (kind == "a" and rx and ry):
                roots += math.sqrt(drawn)
                segments += 2
            else:
                segments += 1
        control = points[-2] if kind in ("c", "s", "q", "t") and len(points) > 1 else None
        previous, numbers = kind, []
        x, y = points[-1]
    if not (math.isfinite(length) and math.isfinite(roots)):
        return _Walked(math.inf, segments, math.inf)
    return _Walked(length, segments, roots)


def _outline(element: Any, name: str, port: tuple[float, float]) -> _Walked:
    """What the outline of a shape draws (`_Walked`): a path's `d`, a `<polyline>`'s or `<polygon>`'s `points`, a
    `<line>`, and the perimeter of a `<rect>` (its box), `<circle>` or `<ellipse>` (the circle around it; a curve);
    lengths in percent of the viewport `port` (of its diagonal over √2 for a radius), infinite for one that cannot be
    read (`1em`: of the SVG's font size); nothing for any other element."""
    if name == "path":
        return _path_walk(element.get("d") or "")
    if name in ("polyline", "polygon"):
        return _path_walk("M" + (element.get("points") or "") + ("z" if name == "polygon" else ""))
    reference = {"x1": port[0], "x2": port[0], "width": port[0], "y1": port[1], "y2": port[1], "height": port[1]}
    sizes = {"line": ("x1", "y1", "x2", "y2"), "rect": ("width", "height"), "circle": ("r", "r"),
             "ellipse": ("rx", "ry")}.get(name, ())
    lengths = []
    for size in sizes:
        length = _length(element.get(size))
        if length is None and element.get(size):
            return _Walked(math.inf, 1, math.inf)
        extent = reference.get(size, math.hypot(*port) / math.sqrt(2))
        lengths.append(0.0 if length is None else abs(length[0]) * extent if length[1] else abs(length[0]))
    if name == "line":
        return _Walked(math.hypot(lengths[2] - lengths[0], lengths[3] - lengths[1]), 1, 0.0)
    if name == "rect":
        return _Walked(2 * (lengths[0] + lengths[1]), 4, 0.0)
    if name in ("circle", "ellipse"):
        perimeter = 2 * math.pi * max(lengths)
        return _Walked(perimeter, 2, math.sqrt(perimeter))
    return _Walked(0.0, 0, 0.0)


def _flat_segments(walked: _Walked, scale: float) -> float:
    """At most how many segments cairo flattens what `walked` draws into at `scale` pixels a user unit: its straight
    segments, and for a curve or arc of L pixels 2 + 2 √(L / _FLATTENING_TOLERANCE). Measured with cairo 1.16: a
    cubic curve of control polygon L made 0.6 to 0.94 √(L / 0.1) segments, a circle of circumference L 0.92."""
    return walked.segments + 2 * math.sqrt(scale / _FLATTENING_TOLERANCE) * walked.curve_roots


#: The elements that may declare a `stroke-dasharray` themselves: by attribute, or in a `style` (in any case, or
#: escaped).
_MAY_DASH = etree.XPath("boolean(//*[@stroke-dasharray or contains(translate(@style, 'ASDHRY', 'asdhry'), "
                        "'dasharray') or contains(@style, '\\')])")


def _dash_periods(elements: list[Any], index: dict[Any, int], declared_by_sheets: dict[int, list[tuple[str, str]]],
                  ports: list[tuple[float, float]]) -> list[float | None]:
    """The period of the dashes each element's stroke is drawn with, in its user units: the sum of its
    `stroke-dasharray` (inherited; attribute, `style`, or of those `<style>` sheets' rules set, the least), twice it
    for an odd count of values (SVG 2, 13.5.6); None for no dashes (`none`, no value, or all 0). A percentage is of
    the viewport's diagonal over √2, a value that cannot be read (`1em`) the worst: _UNREADABLE_LENGTH."""
    periods: list[float | None] = [None] * len(elements)
    # the least period of each distinct list of a sheet's declarations, in each viewport: past _MAX_SHEET_TESTS
    # every element shares one list of every rule's, which is read once, not once an element
    sheets: dict[tuple[int, tuple[float, float]], tuple[bool, float | None]] = {}

    def from_sheets(i: int) -> tuple[bool, float | None]:
        """Whether sheets' rules set the element's `stroke-dasharray`, and the least period they give (None: none)."""
        found = declared_by_sheets.get(i)
        if not found:
            return False, None
        key = (id(found), ports[i])
        if key not in sheets:
            values = dict.fromkeys(value for name, value in found if name == "stroke-dasharray")
            given = [period for value in values if (period := _dash_period(value, ports[i])) is not None]
            sheets[key] = (bool(values), min(given) if given else None)
        return sheets[key]

    if not _MAY_DASH(elements[0]) and not any(from_sheets(i)[0] for i in declared_by_sheets):
        return periods  # the common case: found in C
    for i, element in enumerate(elements):
        own = _declared(element, "stroke-dasharray")
        in_sheets, least = from_sheets(i)
        if own is None and not in_sheets:
            periods[i] = periods[index[element.getparent()]] if i else None
            continue
        given = [period for period in (_dash_period(own, ports[i]) if own is not None else None, least)
                 if period is not None]
        periods[i] = min(given) if given else None
    return periods


def _dash_period(value: str, port: tuple[float, float]) -> float | None:
    """The period of a `stroke-dasharray` value (`_dash_periods`), in user units, in the viewport `port`."""
    values = [part for part in re.split(r"[\s,]+", value.strip()) if part]
    if not values or values == ["none"]:
        return None
    total = 0.0
    for part in values:
        length = _length(part)
        if length is None:
            return _UNREADABLE_LENGTH
        total += abs(length[0]) * (math.hypot(*port) / math.sqrt(2) if length[1] else 1.0)
    return total * (2 if len(values) % 2 else 1) or None


def _path_run_squares(element: Any) -> int:
    """The sum of the squared lengths (characters) of the runs of numbers between the command letters of a path's
    `d` and of its `points` (SVG_PATH_RUN_SECONDS), counted with bytes methods."""
    total = 0
    for value in (element.get("d"), element.get("points")):
        if value:
            lengths = list(map(len, _ascii_path(value).translate(_LETTERS_AS_L).split(b"L")))
            total += sum(map(operator.mul, lengths, lengths))
    return total


#: What `_sheet_matches` finds in a rule: an id, or a declaration.
_Found = TypeVar("_Found")
#: The most (rule that matters, element) pairs whose match `_sheet_matches` tests, together with what the matches give
#: (the counts read each of those again): past that the figure is refused (`_TooManyTests`), as one that would take
#: too long to draw. Rules are tested only against the elements their key selector (an id, a class, a name) may
#: match, so a sheet of a rule for each class costs one test an element: 6,000 `.cN{transform:scale(1)}` rules over
#: 3,000 `<rect>`s took 4 µs a pair when each was taken to match every element (60 s, 18-verify9 Y8).
_MAX_SHEET_TESTS = 1_000_000


class _TooManyTests(Exception):
    """The rules of an SVG's `<style>` sheets need more than _MAX_SHEET_TESTS tests and matches (`_sheet_matches`), or
    hold a selector too complex to match: then its one argument is what `SelectorTooComplex` said is wrong."""


def _sheet_references(root: Any, elements: list[Any], index: dict[Any, int]) -> dict[int, list[str]]:
    """The ids each element (by its number in `elements`) references through the rules of the SVG's `<style>`
    sheets (`.k{mask:url(#m)}`), read as tinycss2 reads them (escapes such as `u\\72l(` decoded; `_css_references`;
    `_sheet_matches`)."""
    ids = {element.get("id") for element in elements}
    return _sheet_matches(root, elements, index, lambda text: "#" in text or "\\" in text,
                          lambda rule: [name for name in _css_references(rule.content) if name in ids])


#: The properties a `<style>` sheet's rules may set that the counts read (`_sheet_declarations`).
_SHEET_PROPERTIES = ("transform", "opacity", "stroke-width", "stroke-dasharray")


def _sheet_declarations(root: Any, elements: list[Any], index: dict[Any, int]) -> dict[int, list[tuple[str, str]]]:
    """The `transform`, `opacity`, `stroke-width` and `stroke-dasharray` declarations (name, value) the rules of the
    SVG's `<style>` sheets give each element (`_sheet_matches`), in no order: whichever wins, the counts take the worst
    of them."""
    def declarations(rule: Any) -> list[tuple[str, str]]:
        import tinycss2  # noqa: PLC0415 - imported by style_rules already

        return [(declaration.lower_name, tinycss2.serialize(declaration.value).strip())
                for declaration in tinycss2.parse_declaration_list(rule.content)
                if declaration.type == "declaration" and declaration.lower_name in _SHEET_PROPERTIES]

    return _sheet_matches(root, elements, index,
                          lambda text: "\\" in text or any(name in text.lower() for name in _SHEET_PROPERTIES),
                          declarations)


#: A font-relative length: its number and unit (CairoSVG takes 1 `ex` and 1 `ch` as half an `em`).
_FONT_RELATIVE = re.compile(rf"\s*({_TRANSFORM_NUMBER.pattern})\s*(em|ex|ch)\s*$")


def _font_sizes(root: Any, elements: list[Any], index: dict[Any, int],
                ports: list[tuple[float, float]]) -> list[float]:
    """The `font-size` each element takes, in user units, as CairoSVG resolves it: its own (attribute, `style`, or of
    those `<style>` sheets' rules set, the greatest), else its holder's, else 16 (12 pt); `em`, `ex` and `ch` of its
    holder's, a percentage of the viewport's diagonal over √2; infinite for one that cannot be read, and for all of them
    if the sheets' rules take more than _MAX_SHEET_TESTS tests to apply."""
    try:
        from_sheets = _sheet_matches(root, elements, index, lambda text: "font" in text.lower() or "\\" in text,
                                     functools.partial(_rule_values, "font-size"))
    except _TooManyTests:  # its sheets' rules would take too long to apply: every size unknown, so the worst
        return [math.inf] * len(elements)
    sizes = [_DEFAULT_FONT_SIZE] * len(elements)
    # the largest of each kind of size in each distinct list of values (`_font_size_kinds`), read once
    kinds: dict[int, tuple[float, float, float]] = {}
    for i, element in enumerate(elements):
        inherited = sizes[index[element.getparent()]] if i else _DEFAULT_FONT_SIZE
        own, found = _declared(element, "font-size"), from_sheets.get(i)
        if own is None and not found:
            sizes[i] = inherited
            continue
        if found and id(found) not in kinds:
            kinds[id(found)] = _font_size_kinds(dict.fromkeys(found))
        resolved = [kinds[id(found)] if found else (0.0, 0.0, 0.0)]
        if own is not None:
            resolved.append(_font_size_kinds([own]))
        plain, of_viewport, of_font = (max(kind) for kind in zip(*resolved, strict=True))
        sizes[i] = max(plain, of_viewport * math.hypot(*ports[i]) / math.sqrt(2), of_font * inherited)
    return sizes


def _font_size_kinds(values: Iterable[str]) -> tuple[float, float, float]:
    """The largest of the `font-size` values `values` in user units, as a fraction of the viewport's diagonal over
    √2 (a percentage), and as a fraction of the holder's font size (`em`, and half an `em` for `ex` and `ch`); 0 for
    none of a kind; an infinite size for a value that cannot be read."""
    plain = of_viewport = of_font = 0.0
    for value in values:
        length, relative = _length(value), _FONT_RELATIVE.match(value)
        if length and length[1]:
            of_viewport = max(of_viewport, abs(length[0]))
        elif length:
            plain = max(plain, abs(length[0]))
        elif relative:
            of_font = max(of_font, abs(float(relative.group(1))) * (1 if relative.group(2) == "em" else 0.5))
        else:
            plain = math.inf
    return plain, of_viewport, of_font


def _rule_values(name: str, rule: Any) -> list[str]:
    """The values a `<style>` sheet's rule declares for the property `name`."""
    import tinycss2  # noqa: PLC0415 - imported by style_rules already

    return [tinycss2.serialize(declaration.value).strip()
            for declaration in tinycss2.parse_declaration_list(rule.content)
            if declaration.type == "declaration" and declaration.lower_name == name]


def _sheet_matches(root: Any, elements: list[Any], index: dict[Any, int], may_hold: Callable[[str], bool],
                   found_in: Callable[[Any], list[_Found]]) -> dict[int, list[_Found]]:
    """What the rules of the SVG's `<style>` sheets give each element (by its number in `elements`): `found_in(rule)`
    for each rule whose selectors match it (as CairoSVG and WeasyPrint apply them, with cssselect2), also rules
    inside at-rules such as `@media`. Only sheets whose text `may_hold` something are read; a rule whose selector
    does not parse matches nothing (renderers skip it too). Raises `_TooManyTests` before testing past
    _MAX_SHEET_TESTS (rule, element) pairs and matches (`_tests`)."""
    texts = [text for element in elements if local_name(element) == "style"
             for text in ["".join(element.itertext())] if may_hold(text)]
    if not texts:
        return {}  # the common case, without importing tinycss2
    # imported only for the rare figure whose sheet may matter; they are CairoSVG's own (a core dependency)
    import cssselect2  # type: ignore[import-untyped]  # noqa: PLC0415

    rules = [(rule.prelude, found) for rule in style_rules(texts) if (found := found_in(rule))]
    matches: dict[int, list[_Found]] = {}
    try:
        matcher, tries = selector_matcher(rules, root)
    except SelectorTooComplex as too_complex:
        raise _TooManyTests(too_complex.args[0]) from None
    tests = 0
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        i = index.get(wrapper.etree_element)
        if i is not None:
            tests += _tests(matcher, wrapper, tries)
            if tests > _MAX_SHEET_TESTS:
                raise _TooManyTests
            for *_, found in matcher.match(wrapper):
                matches.setdefault(i, []).extend(found)
                tests += len(found)
    if tests > _MAX_SHEET_TESTS:
        raise _TooManyTests
    return matches


#: The most tries (`selector_matcher`'s) a renderer's cascade of every rule of one document's style sheets over its
#: elements may make (`cascade_tries`): cssselect2 makes about a million a second. WeasyPrint and CairoSVG match every
#: selector of a sheet against every element whatever the rule sets: `z div … div p { color: red }` with 13 `div`s
#: over 30 nested `<div>`s passed `check` and kept `kit`'s WeasyPrint busy past its 30 s bound.
MAX_CASCADE_TRIES = 1_000_000


def cascade_tries(rules: Iterable[tuple[Any, Any]], root: Any, wrappers: Iterable[Any],
                  refused: Callable[[Any, SelectorTooComplex], None] | None = None) -> int:
    """At most how many tries cssselect2 makes matching the selectors of `rules` (as `selector_matcher` takes them,
    `refused` too) against each element of `wrappers` (cssselect2's wrappers of the tree `root`), as a renderer's
    cascade matches each sheet (`_tests` of each element, added up); counted no further once past
    MAX_CASCADE_TRIES."""
    matcher, tries = selector_matcher(rules, root, refused)
    total = 0
    for wrapper in wrappers if tries else ():
        total += _tests(matcher, wrapper, tries)
        if total > MAX_CASCADE_TRIES:
            break
    return total


def _cascaded(root: Any) -> None:
    """Raises _TooManyTests if the renderers' own cascade of every rule of the SVG element `root`'s `<style>` sheets
    (CairoSVG and WeasyPrint match each selector against each element, whatever the rule sets: `fill` too) passes
    MAX_CASCADE_TRIES (`cascade_tries`), or holds a selector too complex to match (`selector_matcher`)."""
    texts = ["".join(element.itertext()) for element in root.iter(etree.Element) if local_name(element) == "style"]
    if not texts:
        return
    import cssselect2  # noqa: PLC0415 - only for a figure with a sheet

    try:
        tries = cascade_tries(((rule.prelude, None) for rule in style_rules(texts)), root,
                              cssselect2.ElementWrapper.from_xml_root(root).iter_subtree())
    except SelectorTooComplex as too_complex:
        raise _TooManyTests(too_complex.args[0]) from None
    if tries > MAX_CASCADE_TRIES:
        raise _TooManyTests(f"has style rules whose selectors take more than {MAX_CASCADE_TRIES:,} tries to match "
                            "against its elements (a test of a long attribute value counts by its length)")


def _tests(matcher: Any, wrapper: Any, tries: dict[Any, int]) -> int:
    """At most how many tries the cssselect2 (0.10) `matcher` makes testing the element `wrapper` in `match`
    (`tries` of each selector, from `selector_matcher`): of the selectors keyed by its id, each of its classes, its
    name and its namespace, those of `lang` if it has one, and the rest."""
    from cssselect2.compiler import ascii_lower  # type: ignore[import-untyped]  # noqa: PLC0415

    tested = [*matcher.id_selectors.get(wrapper.id, ()),
              *(entry for name in wrapper.classes for entry in matcher.class_selectors.get(name, ())),
              *matcher.lower_local_name_selectors.get(ascii_lower(wrapper.local_name), ()),
              *matcher.namespace_selectors.get(wrapper.namespace_url, ()),
              *(matcher.lang_attr_selectors if "lang" in wrapper.etree_element.attrib else ()),
              *matcher.other_selectors]
    return sum(tries[test] for test, *_ in tested)


def style_rules(sheets: Iterable[str]) -> Iterator[Any]:
    """The qualified rules (tinycss2's) of the CSS style sheets `sheets`, also those inside at-rules such as
    `@media`, comments and whitespace skipped, as CairoSVG and WeasyPrint read them."""
    # imported only for a sheet that may matter; tinycss2 and cssselect2 are CairoSVG's and WeasyPrint's own
    import tinycss2  # noqa: PLC0415

    pending = [rule for text in sheets for rule in tinycss2.parse_stylesheet(text, skip_comments=True,
                                                                             skip_whitespace=True)]
    while pending:
        rule = pending.pop()
        if rule.type == "at-rule" and rule.content is not None:
            pending += tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
        elif rule.type == "qualified-rule":
            yield rule


#: The most descendant (` `) and general-sibling (`~`) combinators, sibling loops (`_SIBLING_LOOPS`) and `:has()`
#: arguments, one selector may hold in all, also inside `:is()`, `:not()` and the like: cssselect2 matches each by
#: trying every ancestor or earlier sibling in turn, so a failing test of `z g g … g rect` makes C(depth, combinators)
#: tries. 13 of them over 30 nested elements held `check` for minutes (issue 18, tenth verification, Z2); real style
#: sheets use 2 or 3.
MAX_SELECTOR_COMBINATORS = 4
#: How deep one selector may nest functions and brackets (`:not(:is(…))`, `[a]`): cssselect2 parses and compiles them
#: recursively, and 300 nested `:not()` exceed Python's recursion limit (in `check` and in WeasyPrint).
MAX_SELECTOR_NESTING = 16


class SelectorTooComplex(Exception):
    """A style rule's selector holds more than MAX_SELECTOR_COMBINATORS backtracking combinators, nests past
    MAX_SELECTOR_NESTING, or is too long for cssselect2 to compile: its arguments are what is wrong and how to fix
    it, for a `Problem`."""


def selector_matcher(rules: Iterable[tuple[Any, Any]], root: Any = None,
                     refused: Callable[[Any, SelectorTooComplex], None] | None = None) -> tuple[Any, dict[Any, int]]:
    """A cssselect2 `Matcher` of the selectors of `rules` (each a rule's prelude, and what a match of it gives),
    and for each selector it holds (by its `test`), at most how many tries testing it against one element of the
    tree `root` makes, each try counted once for each part of the selector it may test: (depth of `root`)^(descendant
    combinators) × (most children of an element)^(`~` combinators and sibling loops) × (elements)^(`:has()`
    arguments) × (its simple selectors and combinators, an attribute selector with a value more by the length of its
    attribute's longest value in `root`: `_combinators`), or its parts without `root`. A selector list that does not
    parse adds none (the renderers skip it too). Raises SelectorTooComplex for a selector too complex to match
    (`_compiled`); with `refused`, calls `refused(what its rule gives, the exception)` instead, and leaves that
    rule out."""
    import cssselect2  # noqa: PLC0415
    from cssselect2 import parser  # noqa: PLC0415

    depth, width, size, longest = _tree_reach(root) if root is not None else (1, 1, 1, {})
    matcher, tries = cssselect2.Matcher(), {}
    for prelude, payload in rules:
        try:
            compiled = _compiled(parser, prelude, longest)
        except cssselect2.SelectorError:
            continue
        except SelectorTooComplex as too_complex:
            if refused is None:
                raise
            refused(payload, too_complex)
            continue
        for selector, (ancestors, siblings, subtrees, parts) in compiled:
            matcher.add_selector(selector, payload)
            if not selector.never_matches:
                tries[selector.test] = depth ** ancestors * width ** siblings * size ** subtrees * parts
    return matcher, tries


def _compiled(parser: Any, prelude: list[Any],
              longest: dict[str, int]) -> list[tuple[Any, tuple[int, int, int, int]]]:
    """Each selector of the selector list `prelude` (tinycss2 tokens) compiled by cssselect2, with its counts
    (`_combinators`, each attribute's longest value in `longest`). Raises cssselect2's SelectorError for a list that
    does not parse, and SelectorTooComplex for one whose functions and brackets nest past MAX_SELECTOR_NESTING, a
    selector past MAX_SELECTOR_COMBINATORS, or one cssselect2 cannot compile (its code for about 67 `>` combinators in
    a row nests more parentheses than Python reads, and it has none for `[*|a=v]`: WeasyPrint then fails the whole
    document)."""
    import cssselect2  # noqa: PLC0415

    if (nesting := token_reach(prelude)[1]) > MAX_SELECTOR_NESTING:
        raise SelectorTooComplex(f"has a style rule whose selector nests functions or brackets {nesting} deep, more "
                                 f"than {MAX_SELECTOR_NESTING}", "write the selector without nesting `:is()`, "
                                 "`:not()` and the like inside each other")
    written = selector_text(prelude)[:80]
    compiled = []
    for selector in list(parser.parse(prelude)):  # the whole list parsed first, as the renderers parse it
        counts = _combinators(parser, selector.parsed_tree, longest)
        if (combinators := sum(counts[:3])) > MAX_SELECTOR_COMBINATORS:
            raise SelectorTooComplex(
                f"has a style rule whose selector is too complex to match ({combinators} descendant, `~` or `:has()` "
                f"combinators and sibling loops, more than {MAX_SELECTOR_COMBINATORS}): {written}",
                "select the element with a class instead of a long chain of ancestors or siblings")
        try:
            compiled.append((cssselect2.compiler.CompiledSelector(selector), counts))
        except (SyntaxError, RecursionError):
            raise SelectorTooComplex(f"has a style rule whose selector is too long to match: {written}",
                                     "select the element with a class instead of a long chain") from None
        except NotImplementedError:  # cssselect2 0.10 compiles no `[*|a=v]`: WeasyPrint and CairoSVG then fail
            raise SelectorTooComplex(f"has a style rule whose selector cannot be matched (an attribute of any "
                                     f"namespace, `*|`, with a value): {written}",
                                     "write the attribute without `*|`") from None
    return compiled


def token_reach(tokens: list[Any]) -> tuple[int, int]:
    """How many tinycss2 tokens `tokens` holds, also inside its functions and blocks, and how deep those nest (0 for
    none); counted without recursion (tinycss2 parses any depth, but serialises recursively)."""
    count = nesting = 0
    pending = [(token, 1) for token in tokens]
    while pending:
        token, level = pending.pop()
        count += 1
        inner = getattr(token, "arguments", getattr(token, "content", None))
        if token.type in ("function", "() block", "[] block", "{} block"):
            nesting = max(nesting, level)
            pending += [(part, level + 1) for part in inner or ()]
    return count, nesting


def selector_text(prelude: list[Any]) -> str:
    """A selector list (tinycss2 tokens) as written, on one line; empty if it nests past MAX_SELECTOR_NESTING (too
    deep to serialise)."""
    import tinycss2  # noqa: PLC0415

    return " ".join(tinycss2.serialize(prelude).split()) if token_reach(prelude)[1] <= MAX_SELECTOR_NESTING else ""


#: The pseudo-classes cssselect2 (0.10) tests by going through the element's siblings (`cssselect2.compiler`).
_SIBLING_LOOPS = frozenset({"first-of-type", "last-of-type", "only-of-type", "nth-of-type", "nth-last-of-type"})


#: How many characters of an attribute's value cssselect2 (0.10) reads in the time of one try (about a microsecond)
#: testing an attribute selector with a value (`[a=v]`, `[a*=v]`, `[a=v i]` …): lxml copies the value out for each
#: test, the test scans it, and `i` lower-cases it (measured 1 to 2.6 ns a character over 50 KB values, 8 ns with
#: `i` over non-ASCII letters)...
_CHARS_PER_TRY = 64
#: ... and testing `[a~=v]`, which splits the value into a new list of its words each time (75 ns a character for
#: one-letter words): 3,000 such rules over 40 elements with 5 KB values took the kit's WeasyPrint past its 30 s
#: bound, counted as 120,000 tries (issue 18, twelfth verification, B3).
_WORD_CHARS_PER_TRY = 8


def _combinators(parser: Any, tree: Any, longest: dict[str, int]) -> tuple[int, int, int, int]:
    """How many descendant combinators, `~` combinators and sibling loops, `:has()` arguments, and parts (simple
    selectors and combinators) the cssselect2 selector tree `tree` holds, also inside `:is()`, `:not()`,
    `:nth-child(… of S)` and the like: each of the first three a loop cssselect2 nests (`cssselect2.compiler`), the
    last what one try may test. A sibling loop is a `*-of-type` pseudo-class, or an `:nth-*()` with `of S`, which
    tests S against each sibling (`:nth-child(n of :nth-child(n of …))` four deep over 40 siblings took 0.3 s, each
    level 40 times the last). An attribute selector with a value counts as 1 + as many parts as the longest value
    of its attribute (`longest`, by lower-case local name) has times _CHARS_PER_TRY characters
    (_WORD_CHARS_PER_TRY for `~=`)."""
    ancestors = siblings = subtrees = parts = 0
    pending = [tree]
    while pending:
        node = pending.pop()
        parts += not isinstance(node, parser.CompoundSelector)
        if isinstance(node, parser.AttributeSelector) and node.operator is not None:
            parts += longest.get(node.lower_name.lower(), 0) // (_WORD_CHARS_PER_TRY if node.operator == "~=" else
                                                          _CHARS_PER_TRY)
        elif isinstance(node, (parser.PseudoClassSelector, parser.FunctionalPseudoClassSelector)):
            words = [token.type == "ident" and token.value == "of" for token in getattr(node, "arguments", ())]
            siblings += node.name in _SIBLING_LOOPS or (node.name.startswith("nth-") and any(words))
            if node.name.startswith("nth-") and any(words):
                pending += [selector.parsed_tree for selector in parser.parse(node.arguments[words.index(True) + 1:])]
        elif isinstance(node, parser.CombinedSelector):
            ancestors, siblings = ancestors + (node.combinator == " "), siblings + (node.combinator == "~")
            pending += [node.left, node.right]
        elif isinstance(node, parser.CompoundSelector):
            pending += node.simple_selectors
        elif isinstance(node, parser.RelationalSelector):
            subtrees += len(node.selector_list)
            pending += [relative.selector.parsed_tree for relative in node.selector_list]
        elif hasattr(node, "selector_list"):  # :is(), :where(), :not()
            pending += [selector.parsed_tree for selector in node.selector_list]
    return ancestors, siblings, subtrees, parts


def _tree_reach(root: Any) -> tuple[int, int, int, dict[str, int]]:
    """The depth of the element tree `root` (1 for a lone element), the most children one element has, how many
    elements it holds, and the length (characters) of the longest value of each attribute in it, by its lower-case
    local name."""
    depth = width = size = 0
    longest: dict[str, int] = {}
    pending = [(root, 1)]
    while pending:
        element, level = pending.pop()
        depth, width, size = max(depth, level), max(width, len(element)), size + 1
        for written, value in element.attrib.items():
            name = written.rpartition("}")[2].lower()
            longest[name] = max(longest.get(name, 0), len(value))
        pending += [(child, level + 1) for child in element]
    return depth, max(width, 1), size, longest


def _linked(element: Any) -> list[str]:
    """The ids an SVG element draws a copy of through its `href`: the fragment of the `href` of a `<use>` (`#g`,
    and also `this-file.svg#g`, which WeasyPrint takes as the same document), or of a `<pattern>` (which may take
    its content from the pattern it names)."""
    return [value.partition("#")[2] for value in map(element.get, _HREFS)
            if value and "#" in value and local_name(element) in ("use", "pattern")]


def _url_references(element: Any) -> list[str]:
    """The ids an SVG element draws a copy of through its other attributes (a fill, a marker, a mask): any id a
    value may name (`_value_references`: `url(#m)`, a bare `#m`, which both renderers take too, or either written
    with CSS escapes). Values are read after XML parsing, so character references (`&#117;rl(`) are decoded."""
    return [name for attribute, value in element.attrib.items() if attribute not in _HREFS
            for name in _value_references(value)]


#: What ends an id in a reference (`url(#m)`, `#m;`): both renderers take everything after the `#` as the id, so
#: the text up to each of these is taken as an id as well (an upper bound: an id that is not there names nothing).
_ID_END = re.compile(r"[)'\"\s,;]")


def _value_references(value: str) -> list[str]:
    """Every id the attribute or CSS value `value` may name: after each `#`, the rest of the value and the text
    up to `_ID_END`; and, if it holds a CSS escape (`u\\72l(\\23m)`), those of its tinycss2 tokens."""
    names = _fragments(value)
    if "\\" in value:
        import tinycss2  # noqa: PLC0415 - only for a value with an escape

        names += _css_references(tinycss2.parse_component_value_list(value))
    return names


def _fragments(text: str) -> list[str]:
    """What each `#` in `text` may name: the rest of `text`, and the rest up to `_ID_END`."""
    return [name for rest in text.split("#")[1:] for name in dict.fromkeys((rest, _ID_END.split(rest, 1)[0]))]


def _css_references(tokens: list[Any]) -> list[str]:
    """Every id the tinycss2 tokens `tokens` (and the blocks and functions among them) may name: a `#m` hash, the
    fragment of a `url(…)` (as a URL token, or a function's string), and `_fragments` of any string or identifier
    (escapes are decoded in all of them: `\\23m` is the identifier `#m`)."""
    names: list[str] = []
    pending = list(tokens)
    while pending:
        token = pending.pop()
        if token.type == "hash":
            names.append(token.value)
        elif token.type in ("url", "string", "ident") and "#" in token.value:
            names += _fragments(token.value)
        elif token.type == "function":
            pending += token.arguments
        elif token.type in ("() block", "[] block", "{} block"):
            pending += token.content
    return names


def svg_for_drawing(data: bytes) -> bytes | None:
    """The file `data` as the kit's PDFs may draw it (WeasyPrint draws as SVG whatever Python's XML parser reads,
    whatever its name says): `data` itself if it is not XML; None if it is refused: XML that `svg_drawing_problem`
    refuses (too many copies or pattern tiles, or too long to draw, whatever the document that shows it and however
    it names it: one rule for every route into the kit's PDFs) or that this module cannot read; else the document
    without its `<image>` elements, written again only if it had any. An SVG drawn by the kit so never draws another
    document: SVG files that each show ten of the next through `<image href="next.svg">` (eight of 1 KB are 10⁷
    drawings) were counted one by one, and a `data:` URL holds a document of its own. A browser shows no file an SVG
    `<img>` loads either."""
    try:
        ElementTree.fromstring(data)  # noqa: S314 - as WeasyPrint reads it; expat bounds entity amplification
    except ElementTree.ParseError:
        return data  # WeasyPrint cannot draw it as SVG: a raster picture, a font, a style sheet
    if svg_drawing_problem(data) is not None:
        return None
    root = svg_tree(data)
    if root is None or local_name(root) == "image":
        return None
    images = [element for element in root.iter() if isinstance(element.tag, str) and local_name(element) == "image"]
    for image in images:
        image.getparent().remove(image)
    return etree.tostring(root) if images else data


def add_captions(player: Any, root: Path, target: str, language: str, locate: Callable[[str], str]) -> None:
    """A captions <track> in the <video> or <audio> `player` of the project file `target`, from the `.vtt` file
    beside it if there is one, its `src` `locate(project path of the captions)` (for packages and exports); once
    however many of the player's `<source>` files share it."""
    captions = f"{posixpath.splitext(target)[0]}.vtt"
    if (root / captions).is_file() and (src := locate(captions)) not in {track.get("src") for track in player}:
        etree.SubElement(player, "track", kind="captions", default="", label="Captions",
                         srclang=language.split("-")[0], src=src)


def player_of(element: Any) -> Any:
    """The raw `<video>` or `<audio>` player whose file `element`'s `src` gives: itself, or the player a `<source>` is
    in (each of them: `markup.fragment` reads `<source>` as void), which `validation.PLAYER_TAGS` asks captions or a
    transcript of as of the player itself, so the packages and exports add them to it (18-verify23 G4, 18-verify24
    H8); else None."""
    if element.tag in ("video", "audio"):
        return element
    parent = element.getparent()
    return parent if element.tag == "source" and parent is not None and parent.tag in ("video", "audio") else None


def captioned(root: Any) -> set[Any]:
    """The raw `<video>` and `<audio>` players of the parsed HTML `root` (`markup.fragment`) that hold a `<track>`
    as written: the author's captions, which the packages and exports keep, adding none from beside the player's
    files. Taken before any is added (a player with several `<source>` files gets the captions of each)."""
    return {player for track in root.iter("track") if (player := player_of(track.getparent())) is not None}


def rewrite_local_images(html: str, folder: str, locate: Callable[[str], str], files: bool = False,
                         captions: Callable[[Any, str], None] | None = None) -> str:
    """`html` (converted Markdown) with each local image's `src` replaced by `locate(project path)`.

    `folder` is the project folder the Markdown was written in, which its relative paths start from.
    With `files`, every other local file it names (`markup.linked`: links, the files of raw `<video>`, `<audio>`,
    `<source>` and `<track>`, a video's poster: those validation checked) is located too, and a video or audio file
    written as an image (`![talk](talk.mp4)`) becomes a `<video>` or `<audio>` player, its alt text the fallback;
    `captions(player, project path)` is then called for each player (and each raw one with no <track> for the file of
    its `src` or of a `<source>` in it: `player_of`). A path holding NUL (`%00`), which names no file and which
    validation refuses (`containment_problem`), is left as written (18-verify32 V6: the export's count of what a bank
    embeds, made while validating, ended in a traceback).
    """
    if not MAY_REFER.search(html):
        return html  # names no file: nothing to locate
    root = fragment(html)
    authored = captioned(root)
    located = [(element, attribute, parts) for element, attribute, value in linked(root)
               if (files or element.tag == "img") and (parts := split_or_none(value)) is not None and parts.path
               and not parts.scheme and not parts.netloc and "\0" not in unquote(parts.path)]
    if not located:
        return html  # as it is, not as lxml would write it again
    for element, attribute, parts in located:
        path = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        element.set(attribute, locate(path))
        suffix = posixpath.splitext(path)[1].lower()
        if files and element.tag == "img" and suffix in VIDEO_TYPES | AUDIO_TYPES:
            element.tag = "video" if suffix in VIDEO_TYPES else "audio"
            element.text = element.attrib.pop("alt", "")
            element.set("controls", "")
            if captions:
                captions(element, path)
        elif captions and attribute == "src" and (player := player_of(element)) is not None \
                and player not in authored:
            captions(player, path)
    return (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
