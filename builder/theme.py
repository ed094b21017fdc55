"""Templates and static assets: the built-in set, overridden file by file by the project's own."""

from __future__ import annotations

import functools
import os
import re
import stat
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Optional

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from pydantic import BaseModel

from builder import cache
from builder.errors import CoursebuildError

STATIC_DIR = "static"
#: The largest template or static file read from a templates folder (a 16 MB file is a mistake, or an attack).
MAX_TEMPLATE_BYTES = 16 * 1024 * 1024
#: The longest string or list a template may make with `*`, and the largest exponent of `**`.
MAX_TEMPLATE_PRODUCT, MAX_EXPONENT = 1_000_000, 64
FIX = "fix the template, or delete your copy to use the built-in one"
#: Languages written right to left (primary subtags), and scripts that are, for tags such as `ks-Arab`.
RTL_LANGUAGES = frozenset({"ar", "arc", "azb", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "khw", "ks", "lrc", "mzn",
                           "nqo", "pnb", "prs", "ps", "sd", "syr", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})


class TemplateProblem(CoursebuildError):
    """A template could not be read or rendered."""


def _inside(folder: Path, path: Path) -> Optional[Path]:
    """`path` if it is a regular file whose real location is inside `folder` (symlinks followed); else None."""
    try:
        real = path.resolve(strict=True)
        is_regular = stat.S_ISREG(real.stat().st_mode)
    except (OSError, RuntimeError):  # missing, unreadable, or a symlink loop
        return None
    return real if is_regular and real.is_relative_to(folder.resolve()) else None


def _read_limited(path: Path, shown: str) -> bytes:
    """The bytes of a regular file of a templates folder; TemplateProblem if it is too large."""
    if path.stat().st_size > MAX_TEMPLATE_BYTES:
        raise TemplateProblem(f"{shown}: the file is larger than {MAX_TEMPLATE_BYTES // 2**20} MB "
                              f"({FIX})")
    return path.read_bytes()


class _FolderLoader(jinja2.BaseLoader):
    """Templates by name from the project's `templates/`, then the built-in ones, and from nowhere else.

    A name is a relative path of plain parts (`kit/cards.html`): absolute paths, `..` and
    backslashes are refused, and so is a file that is not a regular file inside its folder
    (a symlink to `/etc/passwd`, a FIFO, a device).
    """

    def __init__(self, folders: tuple[Path, ...]):
        self.folders = folders

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        parts = template.split("/")
        if "\\" in template or any(part in ("", ".", "..") for part in parts):
            raise TemplateProblem(f"templates: `{template}` is not a template name "
                                  "(include templates by their name in templates/, such as `head.html`; "
                                  "absolute paths and `..` are not allowed)")
        found = self._find(parts)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        folder, path = found
        real = _inside(folder, path)
        if real is None:
            raise TemplateProblem(f"templates/{template}: not a regular file inside the templates folder "
                                  "(replace the link or special file with an ordinary file)")
        try:
            source = _read_limited(real, f"templates/{template}").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateProblem(f"templates/{template}: the file is not UTF-8 text (byte "
                                  f"0x{exc.object[exc.start]:02x}) (save it with UTF-8 encoding)") from None
        return source, str(path), functools.partial(self._unchanged, parts, folder, real, source)

    def _find(self, parts: list[str]) -> Optional[tuple[Path, Path]]:
        """The first of the folders that has the template, and its path there; None if none has it."""
        for folder in self.folders:
            path = folder.joinpath(*parts)
            if os.path.lexists(path):
                return folder, path
        return None

    def _unchanged(self, parts: list[str], folder: Path, real: Path, source: str) -> bool:
        """Whether the template would still be read from the same file, with the same text (Jinja's `uptodate`).

        By content, not modification time: two saves within the file system's clock tick (a few ms) have
        the same time, and `preview` keeps compiled templates from one build to the next; and by place, so
        a project's new copy of a built-in template is seen.
        """
        found = self._find(parts)
        if found is None or found[0] != folder or _inside(folder, found[1]) != real:
            return False
        try:
            return real.read_bytes() == source.encode("utf-8")
        except OSError:
            return False


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox (no access to Python internals), which also bounds what `*` and `**` can make."""

    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        """A field of one of coursebuild's own dataclasses (the views given to templates) straight away: it is
        plain data, and reading fields is most of what templates do (the sandbox's checks cost a twentieth of
        a build). Everything else goes through the sandbox's checks."""
        fields = getattr(type(obj), "__dataclass_fields__", None)
        if fields is not None and attribute in fields and not attribute.startswith("_"):
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Of a model object (pydantic), only its fields and its own computed values: never a method, so
        no template can call `parse_file`, `model_validate_json`, `copy` and the like (pydantic's
        `parse_file(..., allow_pickle=True)` unpickles a file, which runs code)."""
        if isinstance(obj, BaseModel) or (isinstance(obj, type) and issubclass(obj, BaseModel)):
            if attr.startswith("_") or callable(value) or isinstance(obj, type):
                return False
            if attr not in type(obj).model_fields and hasattr(BaseModel, attr):
                return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"an exponent above {MAX_EXPONENT} is not allowed in templates")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if (isinstance(sequence, (str, list, tuple)) and isinstance(times, int)
                        and len(sequence) * times > MAX_TEMPLATE_PRODUCT):
                    raise SecurityError(f"a template may not make a text or list longer than {MAX_TEMPLATE_PRODUCT:,}")
        return super().call_binop(context, operator, left, right)


def builtin_templates() -> Path:
    """The built-in templates and static assets, shipped inside the `builder` package."""
    return Path(str(resources.files("builder") / "templates"))


@dataclass(frozen=True)
class Theme:
    """Where templates come from: the project's `templates/` first, then the built-in ones."""

    folders: tuple[Path, ...]

    @classmethod
    def for_project(cls, project: Path) -> "Theme":
        """The project's templates, then the built-in ones.

        Raises TemplateProblem if `templates` is a link to a folder outside the project (its files
        would be packaged).
        """
        own = project / "templates"
        if own.is_symlink() and not own.resolve().is_relative_to(project.resolve()):
            raise TemplateProblem("templates:1: `templates` is a link to a folder outside the project (replace "
                                  "the link with a folder of the project's own templates)")
        builtin = builtin_templates()
        folders = (own, builtin) if own.is_dir() and own.resolve() != builtin.resolve() else (builtin,)
        return cls(folders)

    def environment(self) -> jinja2.Environment:
        """One sandboxed Jinja2 environment, autoescaping, strict about undefined names.

        Templates compile in memory only: nothing compiled is read from or written to disk. The
        environment, with the templates it compiled, is kept for the next build in this process
        (`preview`), and made anew when a template it compiled changed. Templates are not checked for
        changes during a build.
        """
        env = _ENVIRONMENTS.get(self.folders)
        if env is None or env.cache is None or not all(template.is_up_to_date for template in env.cache.values()):
            env = self._new_environment()
        _ENVIRONMENTS.put(self.folders, env)
        return env

    def _new_environment(self) -> jinja2.Environment:
        env = _Sandbox(loader=_FolderLoader(self.folders), autoescape=True, undefined=jinja2.StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
        env.filters["inline"] = inline
        env.filters["direction"] = direction
        env.filters["css_string"] = css_string
        return env

    def static_files(self) -> dict[str, bytes]:
        """Static assets by name (e.g. `course.css`), the project's copy winning over the built-in.

        Raises TemplateProblem for a file that is not a regular file inside its folder, or is too large.
        """
        files: dict[str, bytes] = {}
        for folder in reversed(self.folders):
            base = folder / STATIC_DIR
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_dir() and not path.is_symlink():
                        continue
                    name = path.relative_to(base).as_posix()
                    real = _inside(folder, path)
                    if real is None:
                        raise TemplateProblem(f"templates/{STATIC_DIR}/{name}: not a regular file inside the "
                                              "templates folder (replace the link or special file with an "
                                              "ordinary file)")
                    files[name] = _read_limited(real, f"templates/{STATIC_DIR}/{name}")
        return files


#: Jinja2 environments by template folders, kept from one build to the next in the same process.
_ENVIRONMENTS: cache.Store[tuple[Path, ...], jinja2.Environment] = cache.Store()


def render_template(env: jinja2.Environment, name: str, **context: object) -> str:
    """Render one template, turning any mistake in it into one reported line.

    Every exception a template raises (a Jinja error, a sandbox refusal, `{{ 1/0 }}`, a recursive macro,
    running out of memory) becomes `templates/NAME:LINE: template error: …`, naming the template and
    line where it happened (an included one, not the one rendered), and blaming coursebuild only when
    that template is a built-in one.
    """
    try:
        return env.get_template(name).render(**context)
    except CoursebuildError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        where = f"templates/{exc.name or name}:{exc.lineno}"
        raise TemplateProblem(f"{where}: template error: {exc.message} ({_template_fix(exc.filename)})") from None
    except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001 - a template may raise anything
        shown, filename, line = _where(env, name, exc)
        if isinstance(exc, SecurityError):
            what = f"not allowed in a template: {exc}"
        elif isinstance(exc, jinja2.TemplateError):
            what = str(exc)
        else:
            what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise TemplateProblem(f"templates/{shown}{f':{line}' if line else ''}: template error: {what} "
                              f"({_template_fix(filename)})") from None


def _where(env: jinja2.Environment, name: str, exc: BaseException) -> tuple[str, Optional[str], Optional[int]]:
    """(template name, file, line) of the innermost template frame of `exc`'s traceback (Jinja rewrites
    tracebacks so that template frames carry the template's file and line); `name` and no line if none."""
    folders = getattr(env.loader, "folders", ())
    found: tuple[str, Optional[str], Optional[int]] = (name, None, None)
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        for folder in folders:
            if filename.startswith(f"{folder}{os.sep}"):
                found = (Path(filename).relative_to(folder).as_posix(), filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def _template_fix(filename: Optional[str]) -> str:
    if filename and Path(filename).resolve().is_relative_to(builtin_templates().resolve()):
        return "this is a mistake in coursebuild's built-in template, not in your course: please report it"
    return FIX


_SINGLE_PARAGRAPH = re.compile(r"^\s*<p>((?:(?!<p[ >]).)*)</p>\s*$", re.DOTALL)


def inline(html: str) -> Markup:
    """Unwrap HTML that is one paragraph, for places that take phrasing content (legend, label)."""
    match = _SINGLE_PARAGRAPH.match(str(html))
    return Markup(match.group(1) if match else html)


def direction(language: str) -> str:
    """`rtl` for a BCP 47 tag of a right-to-left language or script (`ar`, `he-IL`, `ks-Arab`), else `ltr`.

    A script subtag (4 letters, right after the language) decides: `ks-Deva` and `ar-Latn` are `ltr`.
    """
    subtags = language.lower().split("-")
    if len(subtags) > 1 and len(subtags[1]) == 4 and subtags[1].isalpha():
        return "rtl" if subtags[1] in RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, for `content:` in a <style> element (not HTML-escaped: CSS shows
    `&amp;` as it is). Quotes, backslashes, line breaks and `<` are CSS escapes, so nothing ends the style."""
    escaped = "".join(f"\\{ord(char):x} " if char in "\\\"<>\n\r" else char for char in text)
    return Markup(f'"{escaped}"')
