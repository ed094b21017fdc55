"""The project's cache folder, `.coursebuild-cache/`: work a build can reuse from the last one.

Nothing in it is needed: deleting it only makes the next build slower. It tells git to ignore
it, and a project that cannot be written to simply builds without it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from builder.packaging import write_file

CACHE_DIR = ".coursebuild-cache"
IGNORE_ALL = "# Made by coursebuild; safe to delete.\n*\n"


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


def read_json(project: Path, name: str) -> Any:
    """The JSON document `.coursebuild-cache/<name>`; None if it is missing or unreadable."""
    try:
        return json.loads((project / CACHE_DIR / name).read_bytes())
    except (OSError, ValueError):
        return None


def write_json(project: Path, name: str, document: Any) -> None:
    """Replace `.coursebuild-cache/<name>` with `document` in one step; skipped if it cannot be written."""
    base = folder(project)
    if base is None:
        return
    try:
        write_file(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), base / name)
    except OSError:
        pass
