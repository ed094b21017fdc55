"""The project's cache folder: a build that reuses the last build's Markdown conversions and compiled
templates gives the same packages as one that starts afresh; a missing, damaged or outdated cache is
never an error."""

from __future__ import annotations

import json
from pathlib import Path

from builder.build import build
from builder.cache import CACHE_DIR
from builder.markup import CACHE_FILE
from conftest import edit, run

CACHED = Path(CACHE_DIR) / CACHE_FILE


def packages(project: Path, out: Path) -> dict[str, dict[str, bytes]]:
    return {o.path.name: o.files for o in build(project, ("scorm12", "web"), out).outputs}


def test_a_cached_build_matches_a_fresh_one(project: Path, tmp_path: Path) -> None:
    fresh = packages(project, tmp_path / "fresh")
    kept = json.loads((project / CACHED).read_text(encoding="utf-8"))
    assert any("practice-tip" in text for text in kept["conversions"])
    assert (project / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert any((project / CACHE_DIR / "templates").iterdir())  # compiled templates
    assert packages(project, tmp_path / "cached") == fresh


def test_an_edited_page_is_converted_again(project: Path, tmp_path: Path) -> None:
    packages(project, tmp_path / "first")
    edit(project / "course/pages/baby-cues.md", "with their faces", "with their *faces*")
    second = packages(project, tmp_path / "second")
    page = second["mini-course-1.0-web"]["pages/baby-cues.html"].decode()
    assert "with their <em>faces</em>, voices" in page


def test_damaged_or_outdated_caches_are_ignored(project: Path, tmp_path: Path) -> None:
    fresh = packages(project, tmp_path / "fresh")
    kept = json.loads((project / CACHED).read_text(encoding="utf-8"))
    poisoned = {text: ["<p>stale</p>", [], []] for text in kept["conversions"]}
    for damage in ("{not json", json.dumps({"fingerprint": "older", "conversions": poisoned}),
                   json.dumps({"fingerprint": kept["fingerprint"], "conversions": {"x": [1]}})):
        (project / CACHED).write_text(damage, encoding="utf-8")
        assert packages(project, tmp_path / "again") == fresh


def test_a_project_whose_cache_cannot_be_written_still_builds(project: Path, tmp_path: Path) -> None:
    (project / CACHE_DIR).write_text("a file where the cache folder would go", encoding="utf-8")
    assert packages(project, tmp_path / "out")
    assert (project / CACHE_DIR).is_file()


def test_check_writes_nothing(project: Path) -> None:
    assert run("check", project).exit_code == 0
    assert not (project / CACHE_DIR).exists()
