"""Splitting and joining the URLs a project writes (in pages, quiz fields and templates) without a traceback.

`urllib.parse.urlsplit` and `urljoin` raise ValueError for a URL whose host is a malformed IPv6 address
(`//[x/k.css`, `http://[x/`); every place that splits a project's URL goes through `split_url` or `join_url`,
which raise `InvalidURL` instead, and says what is wrong with `INVALID_URL` (issue 18, fourteenth verification,
D3).
"""

from __future__ import annotations

import posixpath
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

#: What is wrong with a URL `split_url` refuses, and how to fix it, for a problem's message and fix.
INVALID_URL = ("is not a valid URL (its host, between `//` and the next `/`, is not one)",
               "write a web address as https://host/path, or a file of the project as a path relative to this "
               "file, such as ../media/picture.png")


#: What is wrong with a path `hides_path_syntax` finds, and how to fix it, for a problem's message and fix.
ESCAPED_PATH_SYNTAX = ("has a `%2e` or `%2f` escape that decodes into `.`, `..` or `/`, which the kit's PDFs "
                       "(WeasyPrint) read as part of a name and browsers and the system as a folder",
                       "write `.`, `..` and `/` as they are, not escaped")


class InvalidURL(ValueError):
    """A URL that cannot be split: its argument is the URL as written."""


def split_url(url: str) -> SplitResult:
    """`urllib.parse.urlsplit(url)`; InvalidURL for a URL it refuses (a malformed IPv6 host)."""
    try:
        return urlsplit(url)
    except ValueError:
        raise InvalidURL(url) from None


def split_or_none(url: str) -> SplitResult | None:
    """`urllib.parse.urlsplit(url)`; None for a URL it refuses (a malformed IPv6 host), which the caller skips:
    validation reports it at its line (`split_url`)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def local_path(folder: str, url: str) -> str | None:
    """The project path (normalised, relative to the project's root, `..` kept where it leads out) that `url`, written
    in a file of the project folder `folder`, names: its path only, without its query and fragment, percent-decoded
    (`../media/a%20b.svg?x#y` in course/pages is course/media/a b.svg). None for a URL that names no file of the
    project: another site (a scheme or a host), a bare fragment or query, an absolute path, or one that cannot be
    split (validation reports those at their line). The one reading of a written path every command shares: the page,
    `check`, the packages, exports and the slides reach the same file (issue 18, twenty-fourth verification, I3)."""
    parts = split_or_none(url)
    if parts is None or parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(folder, unquote(parts.path)))


def join_url(base: str, url: str) -> str:
    """`urllib.parse.urljoin(base, url)`; InvalidURL for a URL it refuses (a malformed IPv6 host)."""
    try:
        return urljoin(base, url)
    except ValueError:
        raise InvalidURL(url) from None


def hides_path_syntax(path: str) -> bool:
    """Whether the URL path `path` has a percent-escape that decodes into a `/` or into a `.` or `..` segment
    (`%2e%2e/`, `..%2f`): WeasyPrint joins URLs to it as text, where the escape is part of a name, but a browser
    (WHATWG URL) and the file system read it as path syntax, so the two would reach different files
    (issue 18, fourteenth verification, D1(b))."""
    return any(("/" in name or name in (".", "..")) and name != segment
               for segment in path.split("/") for name in (unquote(segment),))
