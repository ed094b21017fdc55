"""The floor of a cold build of this course: the least its fixed libraries take for it, as whole processes.

    python bench/floor.py [--runs 9]

Builds a copy of this course once in this process to learn what a build asks of the libraries (the YAML texts it
parses, the Markdown texts it gives Python-Markdown with the extensions each needs, the distinct members of its two
zips), then times, interleaved, as whole processes (wall time, and processor time from `wait4`, the forked process's
included): `bench/floor_work.py` in its modes (Python starting; the imports; the floor in one process; the floor in
two processes, Markdown in a process forked at the start, as a build does when a core is idle) and a cold
`coursebuild build` of the copy, all targets. Prints a Markdown table of medians (and bests) and the load average.
The floor leaves out all of coursebuild's own work: pydantic's model classes and validation, the checks, rendering
the pages with Jinja2, the second zip's compression and writing the files.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import zipfile
from pathlib import Path

from run import COURSEBUILD, byte_compile, course_copy
from startup import interleaved

from builder import markup
from builder.build import build
from builder.sources import COURSE_FILE, FRAMEWORK_FILE, PAGES_DIR, QUIZZES_DIR, project_files, split_front_matter

WORKER = str(Path(__file__).with_name("floor_work.py"))


def work_file(project: Path, folder: Path) -> Path:
    """What a build of `project` asks of the libraries, as `floor_work.py` reads it (written to `folder`)."""
    built = build(project, out_dir=folder / "dist")  # in this process: every conversion is made here
    markdown = [[text, list(markup.extensions_for(text))] for text in markup._CONVERSIONS.now]
    yaml = [(project / path).read_text(encoding="utf-8") for path in (COURSE_FILE, FRAMEWORK_FILE)
            if (project / path).is_file()]
    yaml += [(project / path).read_text(encoding="utf-8") for path in project_files(project, QUIZZES_DIR,
                                                                                     (".yaml", ".yml"), [])]
    yaml += [split_front_matter((project / path).read_text(encoding="utf-8"), path)[0]
             for path in project_files(project, PAGES_DIR, (".md",), [])]
    members: dict[bytes, str] = {}
    for output in built.outputs:
        if output.is_zip:
            with zipfile.ZipFile(output.path) as package:
                for name in package.namelist():
                    members.setdefault(package.read(name), "")
    paths = []
    for index, data in enumerate(members):
        (folder / f"member-{index}").write_bytes(data)
        paths.append(str(folder / f"member-{index}"))
    path = folder / "work.json"
    path.write_text(json.dumps({"yaml": yaml, "markdown": markdown, "members": paths}), encoding="utf-8")
    print(f"{len(yaml)} YAML texts, {len(markdown)} Markdown texts ({sum(len(t) for t, _ in markdown):,} characters), "
          f"{len(paths)} distinct zip members ({sum(len(d) for d in members):,} bytes)\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    byte_compile()
    with tempfile.TemporaryDirectory() as temp:
        project, out = course_copy(Path(temp))
        work = str(work_file(project, Path(temp)))
        commands = {f"`floor_work.py {mode}`": [sys.executable, WORKER, mode, work]
                    for mode in ("pass", "imports", "one", "two")}
        commands["`coursebuild build` (this course, all targets, cold)"] = [*COURSEBUILD, "build", str(project),
                                                                           "--out", str(out)]
        cpu, wall, before = interleaved(commands, options.runs, out)
    after = os.getloadavg()
    print("| process | CPU (median, best) | wall (median, best) |\n|---|---:|---:|")
    for name in commands:
        print(f"| {name} | {statistics.median(cpu[name]) * 1000:.0f} ms ({min(cpu[name]) * 1000:.0f}) | "
              f"{statistics.median(wall[name]) * 1000:.0f} ms ({min(wall[name]) * 1000:.0f}) |")
    print(f"\n{options.runs} runs each, interleaved; load average before {' '.join(f'{x:.2f}' for x in before)}, "
          f"after {' '.join(f'{x:.2f}' for x in after)}")


if __name__ == "__main__":
    main()
