"""Large projects are read and rendered by pools of processes: the results must be the same as in order.

Each reading starts with empty caches, so that every file is read, in the pool or here.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path

import pytest

from builder import cache, loading, markup, media, parallel, sources
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


# Page bodies converted by a second process started with the command (`parallel.early`), while this one imports
# the pipeline: what the course loads as, and what the build writes, are the same as without it.


def early_load(project: Path, monkeypatch: pytest.MonkeyPatch,
               work: parallel.EarlyWork = sources.converted_pages) -> tuple[object, list, list[str]]:
    """Load `project` with `work` started early in a forked process; (course, problems, texts converted here)."""
    forget(monkeypatch)
    monkeypatch.setattr(parallel, "_may_fork", lambda: True)  # pytest runs threads of its own; the machine may be busy
    here: list[str] = []
    convert = markup._convert_uncached
    monkeypatch.setattr(markup, "_convert_uncached", lambda text, budget: here.append(text) or convert(text, budget))
    with parallel.early(project, work):
        course, problems = loading.load_project(project)
    return course, problems, here


def test_early_conversions_load_the_same_course(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "course/pages/extra.md").write_text("---\nid: extra\ntitle: [\n---\nBody with a [^1] *note*\n")
    (project / "course/pages/bare.md").write_text("No front matter, *emphasis*\n")
    sequential = load(project, monkeypatch, in_pool=False)
    course, problems, here = early_load(project, monkeypatch)
    assert (course, problems) == sequential and len(problems) == 2
    bodies = [page.body for page in course.pages]  # type: ignore[attr-defined]
    assert len(bodies) == 5 and not set(bodies) & set(here)  # every page body came from the other process
    assert markup._project_total.left < markup.PROJECT_MARKDOWN_TOTAL_SECONDS  # their time is charged here


def test_failed_early_work_is_done_here(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sequential = load(project, monkeypatch, in_pool=False)

    def failing(root: Path) -> bytes:
        raise MemoryError

    course, problems, here = early_load(project, monkeypatch, failing)
    assert (course, problems) == sequential
    bodies = {page.body for page in course.pages}  # type: ignore[attr-defined]
    assert {body for body in bodies if not markup.PLAIN_LINES.fullmatch(body)} <= set(here)  # plain: no converting


def test_early_work_is_taken_once_and_its_process_ended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_may_fork", lambda: True)
    with parallel.early(tmp_path, lambda root: str(root).encode() * 100_000):  # more than a pipe holds
        assert parallel.take_early(tmp_path) == str(tmp_path).encode() * 100_000
        assert parallel.take_early(tmp_path) is None
    with parallel.early(tmp_path, lambda root: time.sleep(60) or b""):
        pid = parallel._EARLY[tmp_path].pid
    assert pid and not parallel._EARLY
    with pytest.raises(ChildProcessError):  # not taken: stopped and waited for when the block ended
        os.waitpid(pid, os.WNOHANG)
    monkeypatch.setattr(parallel, "_may_fork", lambda: False)
    with parallel.early(tmp_path, lambda root: b"x"):
        assert parallel.take_early(tmp_path) is None


def test_early_work_ends_before_its_result_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A result larger than a pipe's default 64 KB (this course's page bodies: 174 KB) fits in the widened pipe: the
    process writes it and ends while this one works, instead of ending only once it is read (a build waited 4-7 ms)."""
    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        pytest.skip("pipes are widened on Linux only")
    monkeypatch.setattr(parallel, "_may_fork", lambda: True)
    data = b"x" * 200_000
    with parallel.early(tmp_path, lambda root: data):
        pid = parallel._EARLY[tmp_path].pid
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":  # ended, not yet waited for
            assert time.monotonic() < deadline, "the process still waits for its result to be read"
            time.sleep(0.01)
        assert parallel.take_early(tmp_path) == data


def test_early_work_without_a_wider_pipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A system that refuses to widen the pipe (a user past fs.pipe-user-pages-soft) leaves it as it is."""
    def refused(*args: object) -> int:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(parallel, "_may_fork", lambda: True)
    monkeypatch.setattr(fcntl, "fcntl", refused)
    with parallel.early(tmp_path, lambda root: b"y" * 200_000):
        assert parallel.take_early(tmp_path) == b"y" * 200_000


def test_a_second_core_is_idle_only_on_a_machine_with_room(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    for load, idle in ((0.2, True), (1.4, True), (1.6, False), (12.0, False)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert parallel.second_core_idle() is idle
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert not parallel.second_core_idle()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.delattr(os, "getloadavg")  # as on Windows
    assert not parallel.second_core_idle()


def test_conversions_made_elsewhere_are_kept_with_their_time(monkeypatch: pytest.MonkeyPatch) -> None:
    forget(monkeypatch)
    markup.new_project()
    texts = ["A [link](a.html) and ![a picture](p.png 'x')", "<script>x</script><b onclick='y'>z</b>",
             "Term\n: its definition\n\n| a | b |\n|---|---|\n| 1 | 2 |", "Intro.\n\n# x" + " {" * 4000]
    made = [(text, markup.convert(text)) for text in texts]
    made.append(("refused", markup.Converted("", (), markup.OVER_BUDGET)))
    data = markup.exported(made)
    spent = markup.PROJECT_MARKDOWN_TOTAL_SECONDS - markup._project_total.left
    assert spent > 0
    forget(monkeypatch)
    markup.new_project()
    markup.adopt(data)
    assert [markup._CONVERSIONS.get(text) for text, _ in made] == [converted for _, converted in made[:4]] + [None]
    assert markup.PROJECT_MARKDOWN_TOTAL_SECONDS - markup._project_total.left == pytest.approx(spent)


def test_an_early_build_writes_the_same_packages(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    from builder.cli import main

    first = {o.path.name: o.files for o in build(project, ("scorm12", "web"), tmp_path / "a").outputs}
    forget(monkeypatch)
    monkeypatch.setattr(parallel, "_may_fork", lambda: True)
    taken: list[bytes | None] = []
    take = parallel.take_early
    monkeypatch.setattr(parallel, "take_early", lambda root: taken.append(take(root)) or taken[-1])
    main(["build", str(project), "--target", "scorm12", "--target", "web", "--out", str(tmp_path / "b")],
         standalone_mode=False)
    assert len(taken) == 1 and taken[0]
    for name, files in first.items():
        path = tmp_path / "b" / name
        if path.suffix == ".zip":
            assert path.read_bytes() == (tmp_path / "a" / name).read_bytes()
        else:
            assert {f: (path / f).read_bytes() for f in files} == {f: media.whole(data) for f, data in files.items()}


def test_no_early_conversions_for_a_project_a_pool_reads(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = 1 + len(list((project / "quizzes").glob("*.yaml"))) + len(list((project / "course/pages").glob("*.md")))
    files += (project / "course/competencies.yaml").is_file()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # a pool needs two cores
    monkeypatch.setattr(parallel, "PARALLEL_FILES", files + 1)
    assert len(json.loads(sources.converted_pages(project))["conversions"]) == 5
    monkeypatch.setattr(parallel, "PARALLEL_FILES", files)  # load_project reads these in a pool
    assert json.loads(sources.converted_pages(project))["conversions"] == []


def test_no_early_work_when_no_process_can_be_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def out_of_processes() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel, "_may_fork", lambda: True)
    monkeypatch.setattr(os, "fork", out_of_processes)
    open_before = len(os.listdir("/proc/self/fd"))
    with parallel.early(tmp_path, lambda root: b"x"):
        assert parallel.take_early(tmp_path) is None
    assert len(os.listdir("/proc/self/fd")) == open_before  # the pipe was closed
