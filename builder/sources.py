"""Finding and reading a course project's files: only regular files inside the project, of at most MAX_FILE_BYTES
(docs/security.md), and a page's front matter split from its body.

Light on purpose (no YAML, no pydantic): a second process started with `build` or `check` reads and converts the
page bodies with it (`converted_pages`) while the first imports the pipeline.
"""

from __future__ import annotations

import collections
import contextlib
import os
import posixpath
import stat
from pathlib import Path
from typing import Optional

from builder.cache import BuildStore
from builder.errors import Problem
from builder.markup import convert, exported, new_project
from builder.media import (
    PACKAGED_FOLDERS,
    leaves_folder,
    looping_link,
    no_permission,
    read_regular,
    real_path,
    unfollowed_link,
)
from builder.parallel import pool_size
from builder.sourcemap import YamlError

#: The folders of a project's sources: what every command reads, and no output may be written among.
SOURCE_FOLDERS = ("course", "quizzes", "templates")
COURSE_FILE = "course/course.yaml"
FRAMEWORK_FILE = "course/competencies.yaml"
PAGES_DIR = "course/pages"
QUIZZES_DIR = "quizzes"
#: The problem (what, fix) of a folder where coursebuild reads a file: a page, a bank, a template, the template deck.
A_FOLDER = ("this is a folder, not a file",
            "rename the folder so its name does not end in the file's extension, or remove it")
#: The largest course file read (the question bank of a 5,000-page course is about 8 MB).
MAX_FILE_BYTES = 16 * 1024 * 1024
#: The most entries (files and folders, at any depth) course/ and quizzes/ may hold together. A real course holds
#: tens to hundreds (this repository's: under 100); 200,000 empty folders, a 2 MB archive, took `check` 37 s and
#: `preview` every inotify watch of the user (18-verify24 J1, J2). Listing 10,000 takes about 0.1 s.
MAX_SOURCE_ENTRIES = 10_000

_LISTINGS: BuildStore[Path, tuple[tuple[str, ...], Optional[Problem]]] = BuildStore()


def has_framework(root: Path) -> bool:
    """Whether the project at `root` has anything at FRAMEWORK_FILE, to be read (a FIFO, a folder or a broken link
    there is one problem when it is: passed over, it made every page that names a unit say "create" the file)."""
    return os.path.lexists(root / FRAMEWORK_FILE)


def converted_pages(root: Path) -> bytes:
    """The page bodies of the project at `root` converted, as `markup.exported` data: for a second process started
    with the command (`parallel.early`), while the first imports the pipeline. Pages are found and read as
    `load_project` finds and reads them; a page that cannot be read or has no front matter is left to it.
    Nothing for a project whose files a pool reads (`pool_size`)."""
    new_project()
    if source_listing(root)[1] is not None:  # `load_project` says so
        return exported([])
    paths = project_files(root, PAGES_DIR, (".md",), [])
    banks = project_files(root, QUIZZES_DIR, (".yaml", ".yml"), [])
    if pool_size(1 + len(banks) + len(paths) + has_framework(root)):  # the files load_project reads
        return exported([])
    project, bodies = real_path(root), []
    for path in paths:
        content = read_bytes(root, path, project)
        if isinstance(content, bytes):
            with contextlib.suppress(YamlError):
                bodies.append(split_front_matter(decoded(path, content), path)[1])
    return exported((body, convert(body)) for body in bodies)


def source_listing(root: Path) -> tuple[tuple[str, ...], Optional[Problem]]:
    """The project paths of every entry (file, folder, link, special file) in course/ and quizzes/ of the project at
    `root`, at any depth, in breadth-first order, no symbolic link followed (a link to a folder inside its top
    folder leads to folders listed anyway; one out of it is refused where it is read), and the problem at `course:1`
    if there are more than MAX_SOURCE_ENTRIES: the listing stops there. The one walk of the whole source tree, made
    once a build (`cache.BuildStore`) for every command: `loading.load_project` refuses the project past the bound,
    `kit`, `own_templates` and `preview` go by the listing. A folder that cannot be listed is left out (the build
    says why when it reads it)."""
    return _LISTINGS.make(root, lambda: _listed(root))


def _listed(root: Path) -> tuple[tuple[str, ...], Optional[Problem]]:
    found: list[str] = []
    waiting = collections.deque(name for name in PACKAGED_FOLDERS if (root / name).is_dir())
    while waiting:
        folder = waiting.popleft()
        try:
            with os.scandir(root / folder) as entries:
                for entry in entries:
                    if len(found) == MAX_SOURCE_ENTRIES:
                        return tuple(found), Problem(
                            "course", 1, f"course/ and quizzes/ hold more than {MAX_SOURCE_ENTRIES:,} files and "
                            "folders (`sources.MAX_SOURCE_ENTRIES`)",
                            "keep only the pages, question banks and media the course uses")
                    found.append(f"{folder}/{entry.name}")
                    if entry.is_dir(follow_symlinks=False):
                        waiting.append(found[-1])
        except OSError:
            continue
    return tuple(found), None


def project_files(root: Path, folder: str, suffixes: tuple[str, ...], problems: list[Problem]) -> list[str]:
    """Project paths of the files named `*<suffix>` in `folder` and its subfolders, in order.

    A folder that is a symbolic link is followed like any folder while it stays inside its top folder
    (course/ or quizzes/); one that leads out of it, to nothing, or back into a folder that holds it is
    added to `problems`, never skipped in silence; so is `folder` itself when it is a link that leads to nothing
    or back to itself (`quizzes -> quizzes` read as no banks). (A file that is a link is checked when it is read.)
    """
    try:
        is_folder = (root / folder).is_dir()
    except PermissionError:  # `course` of mode 000: its `pages` cannot be looked at (a traceback, issue 18, s33)
        problems.append(Problem(folder, 1, *no_permission(folder)))
        return []
    if not is_folder:
        if (root / folder).is_symlink() and (problem := _folder_link_problem(root, folder, ())) is not None:
            problems.append(problem)
        return []
    real, project = real_path(root / folder), real_path(root)
    if not real.is_relative_to(project) and (link := _link_out_of(root, folder)) != folder:
        problems.append(_folder_out(root, folder, link))
        return []
    if not real.is_relative_to(project) or leaves_folder(root, folder):
        where = "the project" if not real.is_relative_to(project) else f"{folder.split('/')[0]}/"
        problems.append(Problem(folder, 1, f"the folder is a symbolic link that leads out of {where} "
                                           f"(to `{real}`)", "make it an ordinary folder of the project"))
        return []
    paths: list[str] = []
    try:
        _walk(root, folder, suffixes, problems, paths, (real,), [0])
    except _Crowded:
        problems.append(Problem(folder, 1, f"the folder holds more than {MAX_SOURCE_ENTRIES:,} files and folders, "
                                "counting those reached through links to its folders (`sources.MAX_SOURCE_ENTRIES`)",
                                "replace the links with the folders they lead to, or remove them"))
    return sorted(paths)


class _Crowded(Exception):
    """`_walk` passed MAX_SOURCE_ENTRIES."""


def _walk(root: Path, folder: str, suffixes: tuple[str, ...], problems: list[Problem], paths: list[str],
          holders: tuple[Path, ...], walked: list[int]) -> None:
    """Walk `folder` into `paths` and `problems` (`project_files`), `walked[0]` the entries walked so far: past
    MAX_SOURCE_ENTRIES, reached through links to folders inside the top folder (`source_listing` follows none, so
    50 links to one folder of 2,000 took `check` 31 s): raises _Crowded."""
    try:
        entries = sorted(os.scandir(root / folder), key=lambda entry: entry.name)
    except PermissionError:
        problems.append(Problem(folder, 1, *no_permission(folder)))
        return
    except OSError as exc:
        problems.append(Problem(folder, 1, f"the folder cannot be read ({exc.strerror})",
                                "check that it is a folder you can read"))
        return
    walked[0] += len(entries)
    if walked[0] > MAX_SOURCE_ENTRIES:
        raise _Crowded
    for entry in entries:
        path = f"{folder}/{entry.name}"
        link = entry.is_symlink()
        is_folder = os.path.isdir(root / path) if link else entry.is_dir()  # a loop: False (DirEntry raises)
        if entry.name.endswith(suffixes) and not (link and is_folder):
            paths.append(path)  # a file, a link to one (checked when read) or a folder named `*.md` (reported then)
        elif link and (problem := _folder_link_problem(root, path, holders)) is not None:
            problems.append(problem)
        elif is_folder:
            _walk(root, path, suffixes, problems, paths, (*holders, real_path(root / path)), walked)


def _folder_link_problem(root: Path, path: str, holders: tuple[Path, ...]) -> Optional[Problem]:
    """Why the symbolic link `path` (in course/pages or quizzes) is not read as a folder of pages or banks,
    or None if it is a folder inside its top folder, read like any other; a link to a file that is not a
    page or bank (`notes.txt`) is None too."""
    unfollowed = unfollowed_link(root, path)
    if unfollowed:
        return Problem(path, 1, unfollowed, "point the link at a folder in the project, or delete it")
    link, real = os.readlink(root / path), real_path(root / path)
    if not real.is_dir():
        return None
    folder = leaves_folder(root, path)
    if folder:
        return Problem(path, 1, f"the folder is a symbolic link that leads out of {folder}/ (to `{link}`)",
                       f"copy the folder itself into {posixpath.dirname(path)}/ instead of linking to it")
    if any(real == holder or holder.is_relative_to(real) for holder in holders):
        return Problem(path, 1, f"the folder is a symbolic link to `{link}`, a folder that holds it",
                       "delete the link; its files are read already")
    return None


def read_bytes(root: Path, path: str, project: Path) -> bytes | Problem:
    """The file's bytes, or the problem of reading them (`project`: the real location of `root`).

    Only a regular file inside the project, of at most MAX_FILE_BYTES, is read: a FIFO would block
    for ever, and a link to `/dev/zero` or to a file elsewhere on the machine would be read. Anything else is
    refused by one `stat`, never opened (`media.read_regular`: opening a device has effects). A page or
    bank that is a link out of course/ or quizzes/ is refused like a linked media file (`leaves_folder`).
    """
    try:
        real = real_path(root / path, strict=True)
        if not real.is_relative_to(project):
            link = _link_out_of(root, path)
            if link != path:
                return _folder_out(root, path, link)
            return Problem(path, 1, "the file is a link to a file outside the project",
                           "copy the file into the project instead of linking to it")
        folder = leaves_folder(root, path)
        if folder:
            return Problem(path, 1, f"the file is a symbolic link that leads out of {folder}/",
                           f"copy the file itself into {posixpath.dirname(path)}/ instead of linking to it")
        # one stat before any open: opening a device has effects (18-verify18 C6); `read_regular` checks again
        kind = os.stat(real).st_mode
        if stat.S_ISDIR(kind):
            return Problem(path, 1, *A_FOLDER)
        data = read_regular(real, MAX_FILE_BYTES + 1) if stat.S_ISREG(kind) else None
        if data is None:
            return Problem(path, 1, "not a regular file (a FIFO, a device, or a link to one)",
                           "replace it with an ordinary text file")
    except FileNotFoundError:
        if (root / path).is_symlink():
            return Problem(path, 1, f"the file is a symbolic link to {os.readlink(root / path)}, which does not exist",
                           "point the link at an existing file, or replace it with the file itself")
        return Problem(path, 1, "file not found", "create it, or run `coursebuild new` for an example")
    except PermissionError:
        return Problem(path, 1, *no_permission(path))
    except OSError as exc:
        if loop := looping_link(root, path):
            return Problem(path, 1, "the file is a link that leads back to itself" if loop == path else
                           f"the folder `{loop}` is a link that leads back to itself",
                           "replace it with an ordinary file" if loop == path else
                           "replace the link with the folder itself")
        return Problem(path, 1, f"the file cannot be read ({exc.strerror})", "check that it is a file you can read")
    if len(data) > MAX_FILE_BYTES:
        return Problem(path, 1, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB",
                       "split it into several files (question banks, pages)")
    return data


def _link_out_of(root: Path, path: str) -> str:
    """The first part of the project path `path` (a folder on the way, or the file) whose real location is
    outside the project; `path` itself if none is on its own (the file is the link)."""
    parts = path.split("/")
    project = real_path(root)
    for end in range(1, len(parts)):
        prefix = "/".join(parts[:end])
        if (root / prefix).is_symlink() and not real_path(root / prefix).is_relative_to(project):
            return prefix
    return path


def _folder_out(root: Path, path: str, link: str) -> Problem:
    """The problem of the project path `path`, read through `link`, a folder on the way that is a symbolic link
    out of the project (`course -> /elsewhere/course`)."""
    return Problem(path, 1, f"the folder `{link}` is a link to a folder outside the project "
                   f"({os.readlink(root / link)}), which is not read", "replace the link with the folder itself")


def decoded(path: str, content: bytes) -> str:
    """The file's text, without the byte-order marks it starts with; raises YamlError (carrying a problem) if it is
    not UTF-8. An editor that saves a BOM before text that already has one writes two: YAML read the second as part
    of the first key, and a page's `---` was not its first line."""
    try:
        return content.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise YamlError([Problem(path, line, f"the file is not UTF-8 text (byte 0x{content[exc.start]:02x})",
                                 "save it with UTF-8 encoding")]) from None


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """A page's text as (front matter, body, the file's line the body starts on); raises YamlError if it has no
    front matter, or its front matter is never closed."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise YamlError([Problem(path, 1, "the page has no front matter",
                                 "start the file with a line `---`, then `id:`, `title:`, `kind:` and "
                                 "`minutes:`, then a closing `---`")])
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise YamlError([Problem(path, 1, "the front matter is never closed",
                             "add a line `---` after the front matter")])
