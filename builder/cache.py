"""Work a build can reuse from the build before it in the same process, as `coursebuild preview` does.

Nothing is kept on disk. A cache in the project folder travels with the project (in a zip, or in a
git repository that forgot to ignore it), and reading back a pickled or marshalled file runs
whatever code its author put in it; a cache elsewhere would still need a data-only format and
integrity checks. A first build of this course, all targets, takes well under 0.5 s without
one (bench/README.md), so there is none. The folder earlier versions kept, `.coursebuild-cache/`,
is never read: a project that still has one builds exactly as one without it.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Generic, Hashable, Optional, ParamSpec, TypeVar

#: Where earlier versions of coursebuild kept a pickled cache; never read, never written.
CACHE_DIR = ".coursebuild-cache"

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
P = ParamSpec("P")
T = TypeVar("T")


class Same(Generic[T]):
    """A key part that matches only the very object it holds (by identity, not by value).

    For frozen data loaded from a file: a file whose bytes did not change is loaded as the same objects
    (loading keeps them by path and content), so a result they alone decide can be taken from the last
    build without hashing them (slow, and impossible for models holding lists). Equal objects loaded
    afresh do not match: the result is made again. The key holds its object, so the object's id
    cannot be reused by another while the key is kept.
    """

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value


class Store(Generic[K, V]):
    """Results of one kind that a build can take from the last build in this process, by a key that decides the result.

    A build starts with `start_build`, takes results with `get` and adds new ones with `put`. The
    next build can take only the results this one used, so results no longer needed go.
    """

    def __init__(self) -> None:
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

    def make(self, key: K, compute: Callable[[], V], keep: Callable[[V], bool] = lambda value: True) -> V:
        """The result for `key`: kept from this build or the last, else `compute()`d (and kept if `keep` says so)."""
        known = self.get(key)
        if known is None:
            known = compute()
            if keep(known):
                self.put(key, known)
        return known

    def start(self) -> None:
        """Start a build: the results of the last build are offered to this one, and no others."""
        if self.now:
            self.earlier, self.now = self.now, {}


class BuildStore(Store[K, V]):
    """Results good for one build only, forgotten when the next starts (where a path's links lead: a link
    can change between two preview builds)."""

    def start(self) -> None:
        """Start a build: nothing is offered from the last one."""
        self.earlier, self.now = {}, {}


def kept(key: Callable[P, K], keep: Callable[[V], bool] = lambda value: True
         ) -> Callable[[Callable[P, V]], Callable[P, V]]:
    """Decorate a function whose result is decided by `key(*its arguments)`: the result is kept in a `Store`,
    so a build takes it from this build or the last instead of computing it again (unless `keep` refuses it)."""
    def decorate(function: Callable[P, V]) -> Callable[P, V]:
        store: Store[K, V] = Store()

        @functools.wraps(function)
        def remembered(*args: P.args, **kwargs: P.kwargs) -> V:
            return store.make(key(*args, **kwargs), lambda: function(*args, **kwargs), keep)

        return remembered

    return decorate


_STORES: list[Store[Any, Any]] = []


def start_build() -> None:
    """Start a build: each store offers the results the last build in this process used.

    So memory does not grow from build to build (as in `coursebuild preview`).
    """
    for store in _STORES:
        store.start()
