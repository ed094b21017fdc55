"""Read a course project from disk into the model, collecting every problem on the way."""

from __future__ import annotations

import functools
import hashlib
import html
import os
import posixpath
import re
import stat
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, TypeVar

from pydantic import BaseModel, ValidationError

from builder import cache, parallel
from builder.errors import MAX_SHOWN_PER_FILE, Problem, ProjectNotFound, Severity
from builder.markup import Converted, adopt, convert, new_project, remember
from builder.media import real_path, unfollowed_link
from builder.model import Bank, BankSettings, Course, CourseSettings, Framework, Page, PageMeta
from builder.parallel import chunk_size, fork_pool, pool_size
from builder.schema_errors import schema_problems
from builder.sourcemap import SourceFile, YamlError
from builder.sources import COURSE_FILE as COURSE_FILE  # kit names the course file after loading
from builder.sources import (
    FRAMEWORK_FILE,
    PAGES_DIR,
    QUIZZES_DIR,
    decoded,
    has_framework,
    project_files,
    read_bytes,
    source_listing,
    split_front_matter,
)

M = TypeVar("M", bound=BaseModel)
#: Characters XML 1.0 cannot hold (C0 controls other than tab and line breaks, U+FFFE, U+FFFF), so manifests,
#: pages and the Moodle XML export cannot be written with them; and DEL and the C1 controls, which YAML
#: refuses or (U+0085, "next line") reads as a line break, and XML discourages. All are invisible in an editor.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
CONTROL_FIX = "delete it; it is often pasted in invisibly from a word processor or PDF"
#: Unicode's bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069; Unicode's UAX #9):
#: invisible, they make the text after them show in another order than it is written ("Trojan Source",
#: CVE-2021-42574), so a title or an option can read one way to learners and another to whoever reviewed the
#: file. Right-to-left letters (Arabic, Hebrew) need none of them; the marks U+200E, U+200F and U+061C, which
#: only give the punctuation beside them a direction and are typed by right-to-left keyboards, are allowed.
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: The same characters raw, or written as HTML character references (`&#x202E;`, `&#8238;`; HTML has no names for
#: them), which Markdown turns into the raw characters in the page. Each character is its own alternative: `re` then
#: scans a text for the first character of a match in C, where a class as the first alternative makes it try every
#: position in turn (2.5 times as long over this course's 230,000 characters).
BIDI_WRITTEN = re.compile("|".join("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") +
                          "|&#(?:[xX]0*(?:202[a-eA-E]|206[6-9])|0*(?:823[4-8]|829[4-7]));")
BIDI_FIX = ("delete it: invisible, it makes what follows show in another order than it is written, so learners "
            "could read something other than what a reviewer of the file read; right-to-left text shows correctly "
            "without it")


@dataclass(frozen=True)
class _Loaded:
    """One file read and checked on its own, so files can be read in parallel."""

    kind: str
    value: Any
    source: Optional[SourceFile]
    problems: tuple[Problem, ...]
    unloaded: Optional[str]
    body: Optional[Converted] = None

    def located(self) -> SourceFile:
        """The source of a file that loaded (only a file that could not be read has none)."""
        assert self.source is not None
        return self.source


def require_project(root: Path) -> None:
    """Raise ProjectNotFound (a command-line mistake, exit code 2) if `root` is not the folder of a course
    project: it does not exist, is not a folder, or has no `course/` folder."""
    try:
        is_folder = stat.S_ISDIR(os.stat(root).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        raise ProjectNotFound(f"{root}: no such folder (give the folder of a course project, the one that holds "
                              f"course/; `coursebuild new {root}` starts one)") from None
    except OSError as error:
        raise ProjectNotFound(f"{root}: cannot be read ({error.strerror}; give the folder of a course project, "
                              "the one that holds course/)") from None
    if not is_folder:
        raise ProjectNotFound(f"{root}: is not a folder (give the folder of a course project, the one that "
                              "holds course/)")
    if unfollowed := unfollowed_link(root, "course"):
        raise ProjectNotFound(f"{root}: its course/ folder is {unfollowed} (make it the folder itself)")
    if not (root / "course").is_dir():
        raise ProjectNotFound(f"{root}: not a course project, it has no course/ folder "
                              f"(run `coursebuild new {root}` to start one)")


def load_project(root: Path) -> tuple[Optional[Course], list[Problem]]:
    """Load every file of the project at `root`.

    Returns the course (None if `course.yaml` could not be loaded, or a folder of pages or banks could not
    be read, so that what it holds is not reported as unknown) and all problems found.
    Raises ProjectNotFound if `root` is not a course project.
    """
    require_project(root)
    new_project()
    if (crowded := source_listing(root)[1]) is not None:  # before any other walk of the tree
        return None, [crowded]
    found: list[Problem] = []
    jobs = [(COURSE_FILE, "settings"),
            *((path, "bank") for path in project_files(root, QUIZZES_DIR, (".yaml", ".yml"), found)),
            *((path, "page") for path in project_files(root, PAGES_DIR, (".md",), found))]
    if has_framework(root):
        jobs.append((FRAMEWORK_FILE, "framework"))
    results = _load_all(root, jobs)

    problems = found + [problem for result in results for problem in result.problems]
    # A file that failed to load is known by its id if it got that far, and by its file name if not, so
    # what names it (a module, a kit's handouts, a link, a page's `bank`) is not reported as well.
    failed = [path for (path, _), result in zip(jobs, results, strict=True) if result.value is None]
    unloaded = frozenset({r.unloaded for r in results if r.unloaded} |
                         {posixpath.splitext(posixpath.basename(path))[0] for path in failed})
    by_kind: dict[str, list[_Loaded]] = {"settings": [], "page": [], "bank": [], "framework": []}
    for result in results:
        if result.body is not None:
            remember(result.value.body, result.body)
        if result.value is not None:
            by_kind[result.kind].append(result)
    if not by_kind["settings"] or found:  # a folder of pages or banks not read: cross-file checks would mislead
        return None, problems
    settings = by_kind["settings"][0]
    framework = by_kind["framework"][0] if by_kind["framework"] else None
    course = Course(root=root, settings=settings.value, source=settings.located(),
                    pages=tuple(r.value for r in by_kind["page"]),
                    banks=tuple(Bank(r.value, r.located()) for r in by_kind["bank"]),
                    framework=framework.value if framework else None,
                    framework_source=framework.source if framework else None, unloaded_ids=unloaded,
                    unloaded_files=frozenset(failed),
                    unloaded_kinds=frozenset(r.kind for r in results if r.value is None))
    return course, problems


#: Files read by earlier builds, by path and content: a file that has not changed is not read again.
_READ: cache.Store[tuple[str, bytes], _Loaded] = cache.Store()


def _load_all(root: Path, jobs: list[tuple[str, str]]) -> list[_Loaded]:
    """Read every file, in the order of `jobs`, taking unchanged files from the last build.

    Each file's bytes are read once: what is kept for the next build is what was read from them.
    """
    project = real_path(root)
    contents = {path: read_bytes(root, path, project) for path, _ in jobs}
    keys = {path: (path, hashlib.sha256(raw).digest()) for path, raw in contents.items() if isinstance(raw, bytes)}
    loaded = {path: kept for path, key in keys.items() if (kept := _READ.get(key))}
    read = _read_files(root, [(path, kind, contents[path]) for path, kind in jobs if path not in loaded])
    for path, result in read.items():
        if not result.problems:  # kept without the page's body: conversions are kept apart
            _READ.put(keys[path], replace(result, body=None))
    loaded.update(read)
    return [loaded[path] for path, _ in jobs]


def _read_files(root: Path, jobs: list[tuple[str, str, bytes | Problem]]) -> dict[str, _Loaded]:
    """Read the files of `jobs` (path, kind, content) of the project at `root`, by path.

    A large project's pages are read by a pool of processes while this process reads the YAML
    files: a question bank is often the largest file, and the slowest to hand between processes.
    A small project's page bodies are converted once every file is read, in order, taking the conversions
    a second process made meanwhile, if the command started one (`sources.converted_pages`).
    """
    workers = pool_size(len(jobs))
    if not workers:
        read = {path: _load_file(path, content, kind, convert_body=False) for path, kind, content in jobs}
        if (early := parallel.take_early(root)) is not None:
            adopt(early)
        for result in read.values():
            if result.kind == "page" and result.value is not None:
                convert(result.value.body)
        return read
    pages = {path: content for path, kind, content in jobs if kind == "page"}
    with fork_pool(workers) as pool:
        read_pages = pool.map(functools.partial(_load_file, kind="page"), pages, pages.values(),
                              chunksize=chunk_size(len(pages), workers))
        others = {path: _load_file(path, content, kind) for path, kind, content in jobs if kind != "page"}
        return {**others, **dict(zip(pages, read_pages, strict=True))}


#: The model each kind of YAML file is read into.
_YAML_MODELS: dict[str, type[BaseModel]] = {"settings": CourseSettings, "bank": BankSettings, "framework": Framework}


def _load_file(path: str, content: bytes | Problem, kind: str, convert_body: bool = True) -> _Loaded:
    if isinstance(content, Problem):  # the file could not be read
        return _Loaded(kind, None, None, (content,), None)
    problems: list[Problem] = []
    unloaded: set[str] = set()
    if kind == "page":
        page = _load_page(path, content, problems, unloaded)
        body = convert(page.body) if page is not None and convert_body else None
        return _Loaded(kind, page, page.source if page else None, tuple(problems),
                       _unloaded_id(unloaded, content) if page is None else None, body)
    model = _YAML_MODELS[kind]
    value, source = _load_yaml_model(path, content, model, problems, unloaded)
    return _Loaded(kind, value, source, tuple(problems), _unloaded_id(unloaded, content) if value is None else None)


#: An `id:` line of a file that could not be decoded or parsed, read as well as it can be.
_ID_LINE = re.compile(rb"^id:[ \t]*[\"']?([A-Za-z][A-Za-z0-9_-]{0,63})", re.M)


def _unloaded_id(found: set[str], content: bytes) -> Optional[str]:
    """The id of a file that did not load: as validated, else its `id:` line's (a file that is not UTF-8)."""
    if found:
        return next(iter(found))
    match = _ID_LINE.search(content)
    return match.group(1).decode("ascii") if match else None


def _controls(path: str, text: str, first_line: int = 1) -> list[Problem]:
    """One problem per control character in `text`, whose first line is `first_line` of the file."""
    return _each(path, text, CONTROL_CHARACTER, first_line,
                 lambda char: Problem(path, 0, f"control character {_codepoint(char)} in the text", CONTROL_FIX))


def _bidi_controls(path: str, text: str, first_line: int = 1) -> list[Problem]:
    """A warning per bidirectional control character in `text`, raw or as a character reference (BIDI_WRITTEN),
    whose first line is `first_line`."""
    return _each(path, text, BIDI_WRITTEN, first_line, lambda written: _bidi_problem(path, 0, html.unescape(written)))


def _bidi_problem(path: str, line: int, char: str) -> Problem:
    return Problem(path, line, f"bidirectional control character {_codepoint(char)} ({unicodedata.name(char)}) in "
                   "the text", BIDI_FIX, Severity.WARNING)


def _each(path: str, text: str, pattern: re.Pattern[str], first_line: int,
          problem: Callable[[str], Problem]) -> list[Problem]:
    """`problem(character)` at its line for each match of `pattern` in `text`, whose first line is `first_line` of
    the file; after MAX_SHOWN_PER_FILE - 1 of them, the next says how many more follow. Linear in the length of
    `text` (a file of 16 MB of them takes seconds, not hours) and in memory, whatever the number of matches."""
    found: list[Problem] = []
    line, counted = first_line, 0
    matches = pattern.finditer(text)
    for match in matches:
        line += text.count("\n", counted, match.start())
        counted = match.start()
        found.append(replace(problem(match.group()), line=line))
        if len(found) == MAX_SHOWN_PER_FILE:
            found[-1] = replace(found[-1], more=sum(1 for _ in matches))
            break
    return found


def _without_controls(path: str, text: str, problems: list[Problem], first_line: int = 1) -> str:
    """The text with its control characters reported and removed, so the rest of the file still loads."""
    found = _controls(path, text, first_line)
    problems.extend(found)
    return CONTROL_CHARACTER.sub("", text) if found else text


def read_text(path: str, content: bytes) -> str | list[Problem]:
    """The text of a file the course links to (a transcript, captions), or its problems."""
    try:
        text = decoded(path, content)
    except YamlError as exc:
        return exc.problems
    return _controls(path, text) or text


def _codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def _texts(data: Any, location: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Each text in the YAML `data` with its location (keys and indexes from the top), in document order."""
    if isinstance(data, str):
        yield location, data
        return
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from _texts(value, (*location, key))


def _escaped_controls(data: Any, source: SourceFile) -> list[Problem]:
    """Control characters written as YAML escapes (`"\\u0001"`), which the raw text does not show."""
    return [source.problem(location, f"control character {_codepoint(match.group())} in the text", CONTROL_FIX)
            for location, text in _texts(data) for match in CONTROL_CHARACTER.finditer(text)]


def _escaped_bidi(data: Any, source: SourceFile, found: list[Problem]) -> list[Problem]:
    """A warning for each value holding bidirectional control characters written as YAML escapes (`"\\u202e"`),
    which the raw text does not show: one per value, at its line, naming the first; none on a line `found` (the
    raw text's) has one already."""
    lines = {problem.line for problem in found}
    return [_bidi_problem(source.path, line, match.group()) for location, text in _texts(data)
            if (match := BIDI_CONTROL.search(text)) and (line := source.line(*location)) not in lines]


def _parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, SourceFile]:
    from builder.yaml_reader import parse_yaml  # here: a build whose files are all unchanged never needs it

    return parse_yaml(text, path, first_line)


def _load_yaml_model(path: str, content: bytes, model: type[M], problems: list[Problem],
                     unloaded: set[str]) -> tuple[Optional[M], Optional[SourceFile]]:
    try:
        text = _without_controls(path, decoded(path, content), problems)
        bidi = _bidi_controls(path, text)
        problems.extend(bidi)
        data, source = _parse_yaml(text, path)
    except YamlError as exc:
        problems.extend(exc.problems)
        return None, None
    if "\\" in text:
        problems.extend(_escaped_bidi(data, source, bidi))
    return _validate(data, model, source, problems, unloaded, "\\" in text), source


def _load_page(path: str, content: bytes, problems: list[Problem], unloaded: set[str]) -> Optional[Page]:
    try:
        text = decoded(path, content)
        bidi = _bidi_controls(path, text)
        problems.extend(bidi)
        front, body, body_line = split_front_matter(text, path)
        data, source = _parse_yaml(_without_controls(path, front, problems, first_line=2), path, first_line=2)
    except YamlError as exc:
        problems.extend(exc.problems)
        return None
    if "\\" in front:
        problems.extend(_escaped_bidi(data, source, bidi))
    problems.extend(_controls(path, body, body_line))  # reported, but the page still loads
    meta = _validate(data, PageMeta, source, problems, unloaded, "\\" in front)
    return Page(meta, body, source, body_line) if meta is not None else None


def _validate(data: Any, model: type[M], source: SourceFile, problems: list[Problem],
              unloaded: set[str], escapes: bool) -> Optional[M]:
    """`data` as `model`, or None with its problems added to `problems`.

    `escapes`: whether the YAML text has a backslash. Its own control characters were removed before it
    was parsed (`_without_controls`), so only a double-quoted escape (`"\\u0001"`) can put one in a value:
    without a backslash there is none to look for.
    """
    if not isinstance(data, dict):
        problems.append(source.problem((), "expected a block of `key: value` fields",
                                       "see docs/authoring.md for the fields this file takes"))
        return None
    try:
        found = _escaped_controls(data, source) if escapes else []
        if not found:
            return model.model_validate(data)
    except ValidationError as exc:
        found = schema_problems(exc, model, data, source)
    problems.extend(found)
    if isinstance(data.get("id"), str):
        unloaded.add(data["id"])
    return None
