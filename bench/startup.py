"""Start-up and a cold build, as whole processes: CPU time (user + system, from `wait4`) and wall time.

    python bench/startup.py [--runs 9]

Runs, interleaved so that a change in the machine's load touches every command alike: importing the
five libraries coursebuild is built on, `coursebuild --version`, `coursebuild check --help`, and a cold
`coursebuild build` of a copy of this course, all targets. Prints a Markdown table of medians (and
bests), each command's CPU time as a multiple of the libraries' import, the load average, and whether a build
would convert its page bodies in a second process (`parallel.early`: only when a core is idle).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import COURSEBUILD, REPO, byte_compile, course_copy

from builder.parallel import second_core_idle

LIBRARIES = [sys.executable, "-c", "import lxml.etree, lxml.html, jinja2, yaml, markdown, click"]


def timed(args: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of `args`, which must succeed."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return usage.ru_utime + usage.ru_stime, wall


def interleaved(commands: dict[str, list[str]], runs: int, out: Path) -> tuple[dict[str, list[float]],
                                                                             dict[str, list[float]],
                                                                             tuple[float, float, float]]:
    """Each of `commands` (name -> argv) run `runs` times, interleaved, `out` removed before each run: the processor
    times and wall times in seconds by name (`timed`), and the load average before the first run."""
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    wall: dict[str, list[float]] = {name: [] for name in commands}
    before = os.getloadavg()
    for _ in range(runs):
        for name, args in commands.items():
            shutil.rmtree(out, ignore_errors=True)
            used, taken = timed(args)
            cpu[name].append(used)
            wall[name].append(taken)
    return cpu, wall, before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    byte_compile()
    with tempfile.TemporaryDirectory() as temp:
        project, out = course_copy(Path(temp))
        commands = {"import lxml, jinja2, yaml, markdown, click": LIBRARIES,
                    "`coursebuild --version`": [*COURSEBUILD, "--version"],
                    "`coursebuild check --help`": [*COURSEBUILD, "check", "--help"],
                    "`coursebuild build` (this course, all targets, cold)": [*COURSEBUILD, "build", str(project),
                                                                            "--out", str(out)]}
        cpu, wall, before = interleaved(commands, options.runs, out)
    after = os.getloadavg()
    base = statistics.median(cpu[next(iter(commands))])
    print("| command | CPU (median, best) | wall (median, best) | CPU ÷ libraries |\n|---|---:|---:|---:|")
    for name in commands:
        print(f"| {name} | {statistics.median(cpu[name]) * 1000:.0f} ms ({min(cpu[name]) * 1000:.0f}) | "
              f"{statistics.median(wall[name]) * 1000:.0f} ms ({min(wall[name]) * 1000:.0f}) | "
              f"{statistics.median(cpu[name]) / base:.2f} |")
    print(f"\n{options.runs} runs each, interleaved; load average before "
          f"{' '.join(f'{x:.2f}' for x in before)}, after {' '.join(f'{x:.2f}' for x in after)}; a build converts "
          f"its page bodies in a second process when a core is idle (load under cores − 0.5): "
          f"{'yes' if second_core_idle() else 'no'} now")


if __name__ == "__main__":
    main()
