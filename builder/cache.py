"""The project's cache folder, `.coursebuild-cache/`: work a build can reuse from the last one.

Nothing in it is needed: deleting it only makes the next build slower. It tells git to ignore
it, and a project that cannot be written to simply builds without it. Like Python's own
`__pycache__`, what it holds is trusted as this project's own: it is only ever read back by the
same version of coursebuild and its libraries that wrote it.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Generic, Hashable, Optional, TypeVar

from builder.packaging import replacing

CACHE_DIR = ".coursebuild-cache"
IGNORE_ALL = "# Made by coursebuild; safe to delete.\n*\n"
#: The libraries whose versions decide what a cached result looks like.
LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "markdown", "pymdown-extensions", "nh3")

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def folder(project: Path, *parts: str) -> Optional[Path]:
    """`.coursebuild-cache/<parts…>/` in `project`, made if need be; None if it cannot be made."""
    base = project / CACHE_DIR
    try:
        base.joinpath(*parts).mkdir(parents=True, exist_ok=True)
        if not (base / ".gitignore").exists():
            (base / ".gitignore").write_text(IGNORE_ALL, encoding="utf-8")
    except OSError:
        return None
    return base.joinpath(*parts)


@functools.cache
def fingerprint() -> str:
    """What every cached result depends on besides its key: coursebuild's code, its libraries and Python."""
    code = b"".join(path.read_bytes() for path in sorted(Path(__file__).parent.rglob("*.py")))
    versions = "".join(f"{name} {metadata.version(name)}\n" for name in LIBRARIES)
    return hashlib.sha256(code + f"{sys.version}\n{versions}".encode()).hexdigest()


def _header() -> bytes:
    """The first line of a kept file: the fingerprint of what wrote it."""
    return f"coursebuild cache {fingerprint()}\n".encode()


class Store(Generic[K, V]):
    """Results of one kind that a build can take from the last build, by a key that decides the result.

    A build starts with `start_build`, takes results with `get` and adds new ones with `put`; at its
    end `keep_for_next_build` saves the results this build used, so results no longer needed go.
    """

    def __init__(self, name: str):
        self.file = f"{name}.pickle"
        self.earlier: dict[K, V] = {}
        self.now: dict[K, V] = {}
        _STORES.append(self)

    def get(self, key: K) -> Optional[V]:
        """The result for `key` made in this build or kept from the last one; None if there is none."""
        if key not in self.now and key in self.earlier:
            self.now[key] = self.earlier[key]
        return self.now.get(key)

    def put(self, key: K, value: V) -> None:
        """Keep the result for `key`."""
        self.now[key] = value

    def start(self, project: Path) -> None:
        """Forget this build's results and read those kept by the last build of `project`."""
        self.now = {}
        self.earlier = self._read(project / CACHE_DIR / self.file)

    @staticmethod
    def _read(path: Path) -> dict[K, V]:
        """The results in `path`, if the same code and libraries kept them: they are read only then."""
        try:
            with path.open("rb") as stream:
                if stream.readline() != _header():
                    return {}
                results = pickle.load(stream)
        except Exception:  # missing, unreadable or damaged: any of these only means starting afresh
            return {}
        return results if isinstance(results, dict) else {}

    def keep(self, project: Path) -> None:
        """Save this build's results in `project`'s cache folder, unless they are the ones kept there."""
        if self.now.keys() == self.earlier.keys():
            return  # the same results as are kept already
        base = folder(project)
        if base is None:
            return
        try:
            with replacing(base / self.file) as stream:
                stream.write(_header())
                pickle.dump(self.now, stream, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass


_STORES: list[Store[Any, Any]] = []


def start_build(project: Path) -> None:
    """Start a build of `project`: forget the last build's results, except those kept in its cache folder.

    Each build starts afresh, so memory does not grow between builds (as in `coursebuild preview`).
    """
    for store in _STORES:
        store.start(project)


def keep_for_next_build(project: Path) -> None:
    """Keep this build's results in `project`'s cache folder, where they differ from those kept there."""
    for store in _STORES:
        store.keep(project)
