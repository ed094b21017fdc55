"""Shared helpers: a fresh copy of the fixture course per test, and the CLI runner.

builder is imported inside the helpers, not at the top: under pytest-xdist (`make test`), coverage starts
in each worker only after this file is imported, so a top-level import would leave the lines builder runs
on import (definitions, constants) unmeasured.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
#: The project's shared folder beside the checkout, where it exists (richer official schemas with their
#: validator, used in addition to the pinned ones in node_modules); the tests pass without it.
SHARED = Path(os.environ.get("COURSEBUILD_SHARED", REPO.parent / "shared"))


@pytest.fixture(autouse=True)
def _own_media_time() -> None:
    """Each test starts with a whole project's media time (`media_time.new_project`, as each command does). Tests that
    analyse figures directly, outside a command, took what the tests before them in the same worker left: spent,
    or a budget a test had lowered (CI of 1e4308d: two such tests of test_security_parse refused their figure)."""
    from builder import media_time

    media_time.new_project()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the small fixture course."""
    from builder.cache import CACHE_DIR

    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target, ignore=shutil.ignore_patterns(CACHE_DIR))
    return target


def run(*args: str) -> Result:
    """Run the coursebuild command in-process, letting real exceptions through."""
    from builder.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def cannot_read_an_unreadable_file(folder: Path) -> bool:
    """Whether this process is refused a file of mode 000 (not so for root, unless it lacks CAP_DAC_OVERRIDE)."""
    probe = folder / "probe"
    probe.write_text("x")
    probe.chmod(0)
    try:
        probe.read_bytes()
    except PermissionError:
        return True
    finally:
        probe.chmod(0o644)
        probe.unlink()
    return False


def growth(work: Callable[[int], object], size: int, times: int = 8) -> float:
    """How many times the processor time of `work(size * times)` is that of `work(size)`, each the least of three
    runs: about `times` for work linear in the size, `times` squared for quadratic. A ratio, not a time, so that a
    loaded machine does not fail a test of it."""
    def seconds(count: int) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            work(count)
            best = min(best, time.process_time() - start)
        return best

    return seconds(size * times) / seconds(size)


def edit(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of `old` in a file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 - playwright type imported lazily
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()
