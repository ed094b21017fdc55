"""Large projects are read by a pool of processes: the result must be the same as reading in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder import loading
from builder.build import build
from conftest import edit


def load(project: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> tuple[object, list]:
    monkeypatch.setattr(loading, "PARALLEL_FILES", 1 if parallel else 10**9)
    return loading.load_project(project)


def test_parallel_and_sequential_reading_agree(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(project / "quizzes/final.yaml", "draw: 2", "draw: two")
    (project / "course/pages/extra.md").write_text("---\nid: extra\ntitle: [\n---\nBody\n")
    sequential = load(project, monkeypatch, parallel=False)
    parallel = load(project, monkeypatch, parallel=True)
    assert parallel == sequential
    assert [str(p) for p in parallel[1]] == [str(p) for p in sequential[1]] and len(parallel[1]) == 2


def test_parallel_build_gives_the_same_packages(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setattr(loading, "PARALLEL_FILES", 10**9)
    first = {o.path.name: o.files for o in build(project, ("scorm12",), tmp_path / "a").outputs}
    monkeypatch.setattr(loading, "PARALLEL_FILES", 1)
    second = {o.path.name: o.files for o in build(project, ("scorm12",), tmp_path / "b").outputs}
    assert first == second
