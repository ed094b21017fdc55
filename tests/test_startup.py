"""Start-up: commands that do not need the pipeline import none of its libraries (bench/README.md, Start-up)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO

HEAVY = ("builder.loading", "builder.rendering", "builder.model",
         "pydantic", "jinja2", "lxml", "yaml", "markdown", "nh3",
         # the bounded children's module, with tempfile (random), signal's enumerations and mmap: with shutil (bz2, lzma;
         # click's help needs shutil only for the terminal's width) 11% of `--version`'s instructions when `parallel`,
         # which `cli` imports, imported it at its top
         "builder.bounded", "tempfile", "signal")


def imported_after(args: list[str]) -> list[str]:
    """Which of HEAVY a fresh interpreter has imported after running `coursebuild <args>`."""
    code = ("import json, sys\nfrom builder.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return list(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"], ["build", "--help"],
                                  ["preview", "--help"]])
def test_commands_that_need_no_pipeline_import_none_of_it(args: list[str]) -> None:
    assert imported_after(args) == []


def test_a_command_that_needs_the_pipeline_imports_it_when_used() -> None:
    assert "builder.loading" in imported_after(["check", str(REPO / "tests/fixtures/mini")])
