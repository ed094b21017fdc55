"""Benchmark `coursebuild build` as a whole process on synthetic courses and on this course.

    python bench/run.py [--sizes 10 100 1000 5000] [--runs 5] [--slides-only]

Prints a Markdown table per course: the median (and best) wall time of a build (each a new process,
which keeps nothing from the build before it), peak memory (summed RSS of the whole process tree, worker
processes included) and package sizes. Synthetic
courses have modules of 10 pages, 5 questions per page in banks, an image on every page, a
knowledge check on the ninth page of every module and a three-stage case study every 25th page.
Then a table of `coursebuild slides` (the training-day deck) on this course and the fixture course.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from tree_memory import PeakTreeMemory

REPO = Path(__file__).resolve().parent.parent
COURSEBUILD = [sys.executable, "-m", "builder"]
OUTCOMES = [f"LO{i}" for i in range(1, 8)]
WORDS = ("Babies communicate from birth through their faces, voices and bodies, and sensitive carers "
         "notice these cues and respond warmly, which helps the baby learn that feelings can be managed. ").split()


def question(qid: str, outcome: str) -> str:
    return (f"  - id: {qid}\n    stem: Which response best supports the baby in situation {qid}?\n"
            f"    outcomes: [{outcome}]\n    explanation: Responding to cues builds trust.\n    options:\n"
            "      - {text: Notice the cue and respond warmly, correct: true, feedback: Yes.}\n"
            "      - {text: Wait until the baby stops crying, feedback: Not quite.}\n"
            "      - {text: Leave the baby alone for longer, feedback: No.}\n")


def generate(root: Path, pages: int) -> Path:
    """Write a synthetic course project of `pages` pages under `root`."""
    (root / "course/pages").mkdir(parents=True)
    (root / "course/media").mkdir()
    (root / "quizzes").mkdir()
    for i in range(10):
        (root / f"course/media/figure{i}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40"><rect width="{10 + i * 9}" height="40"/></svg>')
    ids = [f"p{i:04d}" for i in range(pages - 1)] + ["final"]
    body = " ".join(WORDS * 6)
    for index, pid in enumerate(ids[:-1]):
        outcome = OUTCOMES[index % 7]
        head = f"---\nid: {pid}\ntitle: Page {index}\nminutes: 3\noutcomes: [{outcome}]\n"
        if index % 25 == 24:
            stages = "".join(
                f"  - id: s{s}\n    title: Stage {s}\n    content: |\n      {body[:400]}\n    prompts: [What next?]\n"
                f"    decisions:\n" + question(f"d{index:04d}{s}", outcome).replace("\n  ", "\n      ").replace("  - id", "      - id", 1)
                for s in range(1, 4))
            head += f"kind: case-study\nstages:\n{stages}"
        elif index % 10 == 8:  # the ninth page of each module, so a 10-page course has one too
            head += "kind: knowledge-check\nbank: kc\n"
        text = f"{head}---\n## Part {index}\n\n{body}\n\n![Figure {index % 10}](../media/figure{index % 10}.svg)\n\n{body}\n"
        (root / f"course/pages/{pid}.md").write_text(text)
    (root / "course/pages/final.md").write_text("---\nid: final\ntitle: Final assessment\nkind: assessment\n"
                                                 "minutes: 20\nbank: fa\n---\nAnswer every question.\n")
    kc = "".join(question(f"k{i}", OUTCOMES[i % 7]) for i in range(5))
    (root / "quizzes/kc.yaml").write_text(f"id: kc\ntitle: Checks\nkind: knowledge-check\nquestions:\n{kc}")
    count = 5 * pages - 5
    fa = "".join(question(f"q{i:05d}", OUTCOMES[i % 7]) for i in range(count))
    (root / "quizzes/fa.yaml").write_text(f"id: fa\ntitle: Final\nkind: assessment\ndraw: 20\nattempts: 3\n"
                                          f"shuffle: true\nquestions:\n{fa}")
    modules = "".join(f"  - id: m{m}\n    title: Module {m}\n    pages: [{', '.join(ids[m * 10:(m + 1) * 10])}]\n"
                      for m in range((pages + 9) // 10))
    outcomes = "".join(f"  - id: {o}\n    text: Outcome {o}.\n" for o in OUTCOMES)
    (root / "course/course.yaml").write_text(
        f"id: bench-{pages}\ntitle: Benchmark {pages}\nversion: \"1\"\naudience: [Everyone]\nduration: 1 day\n"
        f"description: Synthetic.\npass_mark: 80\noutcomes:\n{outcomes}modules:\n{modules}")
    return root


Times = list[float]
Peaks = tuple[float, float]  # MiB: the whole process tree, and its largest single process
Result = tuple[Times, Peaks, dict[str, int]]


def measure(project: Path, targets: list[str], runs: int) -> Result:
    """Wall seconds of each run of `coursebuild build`, the peak RSS of its whole process tree (worker
    processes included) and of its largest process (MiB), and the zip sizes."""
    out = project / "dist"
    times, trees, largest = [], [], []
    args = [*COURSEBUILD, "build", str(project), "--out", str(out), *[a for t in targets for a in ("--target", t)]]
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a build cannot stall on a full pipe
            start = time.perf_counter()
            process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors)
            with PeakTreeMemory(process.pid) as tree:
                _, status, usage = os.wait4(process.pid, 0)
            times.append(time.perf_counter() - start)
            largest.append(usage.ru_maxrss / 1024)  # wait4: the largest single process of the tree
            trees.append(max(largest[-1], tree.peak_mib))
            if os.waitstatus_to_exitcode(status) != 0:
                errors.seek(0)
                raise SystemExit(f"build of {project} failed:\n{errors.read().decode()}")
    sizes = {p.name.rsplit("-", 1)[-1].removesuffix(".zip"): p.stat().st_size for p in out.glob("*.zip")}
    return times, (max(trees), max(largest)), sizes


def slides_row(name: str, project: Path, runs: int) -> str:
    """A Markdown row for `coursebuild slides` (after one warm-up run): wall and CPU
    (user + system) seconds, the number of slides and the deck's size."""
    from pptx import Presentation

    with tempfile.TemporaryDirectory() as out:
        args = [*COURSEBUILD, "slides", str(project), "--out", out]
        subprocess.run(args, cwd=REPO, stdout=subprocess.DEVNULL, check=True)
        wall, cpu = [], []
        for _ in range(runs):
            start = time.perf_counter()
            process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
            wall.append(time.perf_counter() - start)
            cpu.append(usage.ru_utime + usage.ru_stime)
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"coursebuild slides {project} failed")
        (deck,) = Path(out).glob("*.pptx")
        return (f"| {name} | {len(Presentation(str(deck)).slides)} | {seconds(wall)} | {seconds(cpu)} | "
                f"{deck.stat().st_size / 1024:,.0f} KiB |")


def seconds(times: Times) -> str:
    """Median wall time, and the best run in brackets (this machine's timings vary a lot)."""
    return f"{statistics.median(times):.3f} s ({min(times):.3f})"


def byte_compile() -> None:
    """Byte-compile coursebuild and the libraries it runs on, as installing them does (pip does; uv does
    with `--compile-bytecode`): otherwise every command compiles each module it imports from source,
    which is most of its time when PYTHONDONTWRITEBYTECODE is set (a build of this course executed
    5,421 M instructions uncompiled, 3,189 M compiled)."""
    compileall.compile_dir(REPO / "builder", quiet=1)
    compileall.compile_dir(sysconfig.get_paths()["purelib"], quiet=1)


def course_copy(folder: Path) -> tuple[Path, Path]:
    """This course's `course/` and `quizzes/` copied into `folder/course`: (that project, `folder/dist` for its
    builds)."""
    project = folder / "course"
    shutil.copytree(REPO / "course", project / "course")
    shutil.copytree(REPO / "quizzes", project / "quizzes")
    return project, folder / "dist"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slides-only", action="store_true", help="Time only the slide deck.")
    options = parser.parse_args()
    byte_compile()
    with tempfile.TemporaryDirectory() as temp:
        course, _ = course_copy(Path(temp))
        slides = ["| course | slides | coursebuild slides (wall) | (CPU) | deck size |", "|---|---:|---:|---:|---:|",
                  slides_row("this course", course, options.runs),
                  slides_row("fixture (record)", REPO / "tests/fixtures/record", options.runs)]
    print("\n".join(slides), flush=True)
    if options.slides_only:
        return
    rows = ["| course | pages | targets | build | peak memory: tree (largest process) | SCORM 1.2 zip | SCORM 2004 zip |",
            "|---|---:|---|---:|---:|---:|---:|"]

    def row(name: str, pages: int, targets: list[str], result: Result) -> None:
        times, (tree, largest), sizes = result
        kib = {k: f"{v / 1024:,.0f} KiB" for k, v in sizes.items()}
        rows.append(f"| {name} | {pages} | {' + '.join(targets)} | {seconds(times)} | {tree:.0f} MiB ({largest:.0f}) | "
                    f"{kib.get('scorm12', '–')} | {kib.get('scorm2004', '–')} |")
        print(rows[-1], file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as temp:
        course, _ = course_copy(Path(temp))
        row("this course", len(list((course / "course/pages").glob("*.md"))), ["all"],
            measure(course, ["all"], options.runs))
        for pages in options.sizes:
            project = generate(Path(temp) / f"bench-{pages}", pages)
            runs = options.runs if pages <= 1000 else max(1, options.runs // 2)
            if pages <= 100:
                row("synthetic", pages, ["all"], measure(project, ["all"], runs))
            row("synthetic", pages, ["scorm2004", "web"], measure(project, ["scorm2004", "web"], runs))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
