"""Templates and static assets: the built-in set, overridden file by file by the project's own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional

import jinja2
from markupsafe import Markup

from builder import cache
from builder.errors import CoursebuildError

STATIC_DIR = "static"
#: Languages written right to left (primary subtags), and scripts that are, for tags such as `ks-Arab`.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "khw", "ks", "nqo", "ps", "sd",
                           "syr", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})


class TemplateProblem(CoursebuildError):
    """A template could not be read or rendered."""


def builtin_templates() -> Path:
    """The built-in templates and static assets, shipped inside the `builder` package."""
    return Path(str(resources.files("builder") / "templates"))


@dataclass(frozen=True)
class Theme:
    """Where templates come from: the project's `templates/` first, then the built-in ones."""

    folders: tuple[Path, ...]
    #: The project whose cache folder keeps compiled templates, so builds skip recompiling them.
    project: Path

    @classmethod
    def for_project(cls, project: Path) -> "Theme":
        own = project / "templates"
        builtin = builtin_templates()
        folders = (own, builtin) if own.is_dir() and own.resolve() != builtin.resolve() else (builtin,)
        return cls(folders, project)

    def environment(self) -> jinja2.Environment:
        """One Jinja2 environment, autoescaping, strict about undefined names."""
        env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(f) for f in self.folders]),
                                 autoescape=True, undefined=jinja2.StrictUndefined,
                                 bytecode_cache=self._bytecode_cache(),
                                 trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        env.filters["inline"] = inline
        env.filters["direction"] = direction
        env.filters["css_string"] = css_string
        return env

    def _bytecode_cache(self) -> Optional[jinja2.BytecodeCache]:
        compiled = cache.folder(self.project, "templates")
        return jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None

    def static_files(self) -> dict[str, bytes]:
        """Static assets by name (e.g. `course.css`), the project's copy winning over the built-in."""
        files: dict[str, bytes] = {}
        for folder in reversed(self.folders):
            base = folder / STATIC_DIR
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file():
                        files[path.relative_to(base).as_posix()] = path.read_bytes()
        return files


def render_template(env: jinja2.Environment, name: str, **context: object) -> str:
    """Render one template, turning template mistakes into a reported error.

    The fix names the project's copy of the template only when the project has one.
    """
    template: Optional[jinja2.Template] = None
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"{exc.filename or name}:{exc.lineno}: template error: {exc.message} "
                              f"({_template_fix(exc.filename)})") from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"templates/{name}: template error: {exc} "
                              f"({_template_fix(template.filename if template else None)})") from None


def _template_fix(filename: Optional[str]) -> str:
    if filename and Path(filename).resolve().is_relative_to(builtin_templates().resolve()):
        return "this is a mistake in coursebuild's built-in template, not in your course: please report it"
    return "fix the template, or delete your copy to use the built-in one"


_SINGLE_PARAGRAPH = re.compile(r"^\s*<p>((?:(?!<p[ >]).)*)</p>\s*$", re.DOTALL)


def inline(html: str) -> Markup:
    """Unwrap HTML that is one paragraph, for places that take phrasing content (legend, label)."""
    match = _SINGLE_PARAGRAPH.match(str(html))
    return Markup(match.group(1) if match else html)


def direction(language: str) -> str:
    """`rtl` for a BCP 47 tag of a right-to-left language or script (`ar`, `he-IL`, `ks-Arab`), else `ltr`."""
    subtags = language.lower().split("-")
    return "rtl" if subtags[0] in RTL_LANGUAGES or RTL_SCRIPTS.intersection(subtags[1:]) else "ltr"


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, for `content:` in a <style> element (not HTML-escaped: CSS shows
    `&amp;` as it is). Quotes, backslashes, line breaks and `<` are CSS escapes, so nothing ends the style."""
    escaped = "".join(f"\\{ord(char):x} " if char in "\\\"<>\n\r" else char for char in text)
    return Markup(f'"{escaped}"')
