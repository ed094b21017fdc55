"""Benchmark `coursebuild preview`: from a page's save to its new text on screen, in headless Chromium.

    python bench/preview.py [--edits 10] [--target scorm12]

Runs the real command on a copy of this course, opens the preview in Debian's Chromium (Playwright),
then saves the page shown in the course frame `--edits` times, each time adding a new sentence.
For each save it measures the time from just before the file is written to the first animation
frame in which the course frame's text holds the new sentence (both clocks are this machine's wall
clock, in milliseconds), and splits it in four: the watcher seeing the save (until the page is told a
rebuild starts), the rebuild (as the preview reports it: reading the sources to the rendered package),
telling (the rest until the page is told of the new build: publishing, the event reaching the page),
and the rest until the new text is shown (the browser starts reloading the page shown when told the
rebuild starts, so only the end of its reload is left; negative when the text showed before this
benchmark's own event stream was told of the build). Prints the median and the worst, the processor time the preview process used per
save (which, unlike wall time, a loaded machine barely changes), the process tree's peak memory (RSS)
and the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from tree_memory import PeakTreeMemory

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Seconds between saves, so that each is timed on its own.
SETTLE = 0.5

#: In the preview page: a second event stream that notes when (wall clock, ms) each rebuild starts, and
#: when each build is announced, and how long it took.
LISTEN = """() => {
  window.benchTold = [];
  window.benchStarts = [];
  const since = document.getElementById("generation").textContent;
  const events = new EventSource("/__preview/events?since=" + since);
  events.onmessage = event => window.benchTold.push([Date.now(), JSON.parse(event.data).milliseconds]);
  events.addEventListener("building", () => window.benchStarts.push(Date.now()));
}"""
#: In the preview page: the wall-clock time (ms) of the first frame whose course frame shows `text`.
SHOWN = """text => {
  const sco = document.getElementById("sco").contentDocument;
  const course = sco && sco.getElementById("course-frame");
  const body = course && course.contentDocument && course.contentDocument.body;
  return body && body.innerText.includes(text) ? Date.now() : false;
}"""


def processor_ms(pid: int) -> float:
    """Processor time (user + system, ms) a process has used so far, all its threads (in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def start_preview(project: Path, target: str) -> tuple[subprocess.Popen[str], str]:
    """`coursebuild preview` on a free port; the process and the preview's address."""
    process = subprocess.Popen([sys.executable, "-m", "builder", "preview", str(project), "--port", "0",
                                "--target", target], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:  # `build 1: ok`, then the address
        if found := re.search(r"http://127\.0\.0\.1:\d+/", line):
            return process, found.group(0)
    process.kill()
    raise SystemExit("preview did not start")


def shown_page(page: Page, project: Path) -> Path:
    """The source file of the page in the course frame, found by its id (`pages/<id>.html`)."""
    url = page.wait_for_function("""() => {
      const sco = document.getElementById("sco").contentDocument, course = sco && sco.getElementById("course-frame");
      const here = course && course.contentWindow.location.href;
      return here && here.includes("/pages/") && course.contentDocument.querySelector("main h1") ? here : false;
    }""").json_value()
    page_id = url.rsplit("/", 1)[1].removesuffix(".html")
    for path in sorted((project / "course/pages").glob("*.md")):
        if re.search(rf"^id: *{re.escape(page_id)} *$", path.read_text(encoding="utf-8"), re.MULTILINE):
            return path
    raise SystemExit(f"no source file has id {page_id}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--target", choices=["scorm12", "scorm2004"], default="scorm12")
    options = parser.parse_args()
    latencies: list[float] = []
    seeing: list[float] = []  # until the page is told a rebuild starts
    rebuilds: list[float] = []  # the rebuild, as the preview reports it
    telling: list[float] = []  # the rest until the page is told of the build: publishing, the event
    reloads: list[float] = []  # from the page being told of the build to the new text shown
    processor: list[float] = []  # the preview's processor time from the write to the new text shown
    with tempfile.TemporaryDirectory() as temp:
        project = Path(temp) / "course"
        for folder in ("course", "quizzes", "templates"):
            if (REPO / folder).is_dir():
                shutil.copytree(REPO / folder, project / folder)
        process, url = start_preview(project, options.target)
        try:
            with PeakTreeMemory(process.pid) as tree, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                page = browser.new_page()
                page.goto(url)
                source = shown_page(page, project)
                page.evaluate(LISTEN)
                original = source.read_text(encoding="utf-8")
                for edit in range(1, options.edits + 1):
                    time.sleep(SETTLE)
                    sentence = f"Saved edit number {edit} of the benchmark."
                    used = processor_ms(process.pid)
                    written = time.time() * 1000
                    source.write_text(f"{original.rstrip()}\n\n{sentence}\n", encoding="utf-8")
                    shown = page.wait_for_function(SHOWN, arg=sentence, polling="raf", timeout=10_000).json_value()
                    processor.append(processor_ms(process.pid) - used)
                    # the text may show before the bench's own event stream is told the build is done
                    page.wait_for_function("written => window.benchTold.some(t => t[0] >= written) && "
                                           "window.benchStarts.some(t => t >= written)", arg=written)
                    told, rebuild = min(tuple(t) for t in page.evaluate("window.benchTold") if t[0] >= written)
                    started = min(t for t in page.evaluate("window.benchStarts") if t >= written)
                    latencies.append(shown - written)
                    seeing.append(started - written)
                    rebuilds.append(rebuild)
                    telling.append(told - started - rebuild)
                    reloads.append(shown - told)
                    print(f"edit {edit}: {shown - written:.0f} ms = seeing {seeing[-1]:.0f} + rebuild {rebuild} + "
                          f"telling {telling[-1]:.0f} + rest of the reload {reloads[-1]:.0f}", file=sys.stderr, flush=True)
                browser.close()
        finally:
            process.terminate()
            process.wait()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{len(latencies)} saves of {source.relative_to(project)}: median {statistics.median(latencies):.0f} ms, "
          f"worst {max(latencies):.0f} ms, best {min(latencies):.0f} ms; medians of its parts: seeing the save "
          f"{statistics.median(seeing):.0f} ms, rebuild {statistics.median(rebuilds):.0f} ms, telling the page "
          f"{statistics.median(telling):.0f} ms, the rest of the course frame's reload {statistics.median(reloads):.0f} ms; "
          f"the preview's processor time per save: median {statistics.median(processor):.0f} ms; "
          f"preview's peak memory {tree.peak_mib:.0f} MiB (process tree); load average {load} on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
