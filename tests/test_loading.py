"""Large projects are read and rendered by pools of processes: the results must be the same as in order.

Each reading starts with empty caches, so that every file is read, in the pool or here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builder import cache, loading, markup, parallel
from builder.build import build

from conftest import edit


def forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start with empty caches, as a new process does."""
    monkeypatch.setattr(loading, "_READ", cache.Store())
    monkeypatch.setattr(markup, "_CONVERSIONS", cache.Store())


def load(project: Path, monkeypatch: pytest.MonkeyPatch, in_pool: bool) -> tuple[object, list]:
    monkeypatch.setattr(parallel, "PARALLEL_FILES", 1 if in_pool else 10**9)
    forget(monkeypatch)
    return loading.load_project(project)


def test_parallel_and_sequential_reading_agree(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(project / "quizzes/final.yaml", "draw: 2", "draw: two")
    (project / "course/pages/extra.md").write_text("---\nid: extra\ntitle: [\n---\nBody\n")
    sequential = load(project, monkeypatch, in_pool=False)
    pooled = load(project, monkeypatch, in_pool=True)
    assert pooled == sequential
    assert [str(p) for p in pooled[1]] == [str(p) for p in sequential[1]] and len(pooled[1]) == 2


def test_parallel_build_gives_the_same_packages(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_FILES", 10**9)
    first = {o.path.name: o.files for o in build(project, ("scorm12",), tmp_path / "a").outputs}
    forget(monkeypatch)
    monkeypatch.setattr(parallel, "PARALLEL_FILES", 1)
    second = {o.path.name: o.files for o in build(project, ("scorm12",), tmp_path / "b").outputs}
    assert first == second
