"""The project's cache folder: a build that reuses the last build's files read, Markdown conversions
and compiled templates gives the same packages as one that starts afresh, reads again whatever
changed, and never fails because of a missing, damaged or outdated cache."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from builder.build import build
from builder.cache import CACHE_DIR
from builder.errors import CourseInvalid
from builder.markup import Converted

from conftest import REPO, edit, run

STORES = ("files.pickle", "markdown.pickle")


def packages(project: Path, out: Path) -> dict[str, dict[str, bytes]]:
    return {o.path.name: o.files for o in build(project, ("scorm12", "web"), out).outputs}


def kept(project: Path, store: str) -> tuple[bytes, dict]:
    """The header line and the results of a kept store."""
    header, results = (project / CACHE_DIR / store).read_bytes().split(b"\n", 1)
    return header + b"\n", pickle.loads(results)


def test_a_cached_build_matches_a_fresh_one(project: Path, tmp_path: Path) -> None:
    fresh = packages(project, tmp_path / "fresh")
    _, files = kept(project, "files.pickle")
    assert {path for path, _ in files} >= {"course/course.yaml", "quizzes/final.yaml", "course/pages/baby-cues.md"}
    _, conversions = kept(project, "markdown.pickle")
    assert any("practice-tip" in text for text in conversions)
    assert (project / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert any((project / CACHE_DIR / "templates").iterdir())  # compiled templates
    assert packages(project, tmp_path / "cached") == fresh


def test_an_edited_page_is_converted_again(project: Path, tmp_path: Path) -> None:
    packages(project, tmp_path / "first")
    edit(project / "course/pages/baby-cues.md", "with their faces", "with their *faces*")
    second = packages(project, tmp_path / "second")
    page = second["mini-course-1.0-web"]["pages/baby-cues.html"].decode()
    assert "with their <em>faces</em>, voices" in page


def test_an_edited_bank_is_read_again(project: Path, tmp_path: Path) -> None:
    packages(project, tmp_path / "first")
    edit(project / "quizzes/final.yaml", "A new parent seems isolated.", "A new parent seems lonely.")
    second = packages(project, tmp_path / "second")
    assert b"A new parent seems lonely." in second["mini-course-1.0-web"]["pages/final-check.html"]


def test_a_file_broken_after_a_build_is_reported(project: Path, tmp_path: Path) -> None:
    packages(project, tmp_path / "first")
    edit(project / "quizzes/kc-cues.yaml", "kind: knowledge-check", "kind: knowledge-chek")
    with pytest.raises(CourseInvalid) as raised:
        packages(project, tmp_path / "second")
    assert any(p.path == "quizzes/kc-cues.yaml" and "knowledge-chek" in p.message for p in raised.value.problems)


def test_damaged_or_outdated_caches_are_ignored(project: Path, tmp_path: Path) -> None:
    fresh = packages(project, tmp_path / "fresh")
    header, conversions = kept(project, "markdown.pickle")
    poisoned = pickle.dumps({text: Converted("<p>stale</p>", (), ()) for text in conversions})
    for store in STORES:
        for damage in (b"", header, header + b"not a pickle", b"coursebuild cache older\n" + poisoned,
                       header + pickle.dumps(["a list"])):
            (project / CACHE_DIR / store).write_bytes(damage)
            assert packages(project, tmp_path / "again") == fresh


def test_a_project_whose_cache_cannot_be_written_still_builds(project: Path, tmp_path: Path) -> None:
    (project / CACHE_DIR).write_text("a file where the cache folder would go", encoding="utf-8")
    assert packages(project, tmp_path / "out")
    assert (project / CACHE_DIR).is_file()


def test_check_writes_nothing(project: Path) -> None:
    assert run("check", project).exit_code == 0
    assert not (project / CACHE_DIR).exists()


def test_a_rebuild_of_unchanged_files_reads_no_yaml_and_converts_no_markdown(project: Path) -> None:
    script = ("import sys; from builder.cli import main; main(['build', sys.argv[1], '--target', 'web'], "
              "standalone_mode=False); print(sorted({'yaml', 'markdown'} & set(sys.modules)))")
    first, second = (subprocess.run([sys.executable, "-c", script, str(project)], cwd=REPO, check=True,
                                    capture_output=True, text=True).stdout.splitlines()[-1] for _ in range(2))
    assert (first, second) == ("['markdown', 'yaml']", "[]")
