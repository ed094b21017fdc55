"""`coursebuild new`: copy the example course project into a new folder."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from builder.errors import CoursebuildError

SCAFFOLD = resources.files("builder") / "scaffold"


class ProjectExists(CoursebuildError):
    """The folder for a new project already has files in it."""

    exit_code = 2


def new_project(target: Path) -> list[Path]:
    """Create a small working course project at `target`; return the files written."""
    if target.exists() and any(target.iterdir()):
        raise ProjectExists(f"{target}: the folder is not empty (choose a new folder name)")
    with resources.as_file(SCAFFOLD) as source:
        shutil.copytree(source, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return sorted(p for p in target.rglob("*") if p.is_file())
