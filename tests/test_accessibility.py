"""Accessibility gates: axe-core on every page and state, semantics, reflow, keyboard, offline.

The web build and the SCORM 1.2 package (inside the scorm-again LMS harness) are both checked,
for the fixture course (table, image, multiple-answer question, case study) and this course.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html
from playwright.sync_api import Browser, Frame, Page

from browser import TIMEOUT_MS, lms_site, serve
from conftest import FIXTURES, REPO, run
from learner import Learner

#: One worker runs the whole module under pytest-xdist (`make test`): CHECKED is counted in that process,
#: and test_report_checked_states, last, must see every state counted before it.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("accessibility")]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTEFACTS = REPO / "test-artifacts" / "accessibility"
COURSES = {"fixture": FIXTURES / "mini", "record": FIXTURES / "record", "course": REPO}
CHECKED: dict[str, int] = {}  # states checked by axe, per run, for the closing report


@pytest.fixture(scope="module", params=list(COURSES))
def dist(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    assert run("build", COURSES[request.param], "--out", out).exit_code == 0
    return request.param, out


class WebView:
    """The web build, opened from disk."""

    def __init__(self, browser: Browser, folder: Path, width: int = 1280):
        self.folder = folder
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page: Page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))

    @property
    def view(self) -> Page:
        return self.page

    @property
    def frame(self) -> Frame:
        return self.page.main_frame

    def goto(self, page_id: str) -> None:
        self.page.goto((self.folder / "pages" / f"{page_id}.html").as_uri())
        self.page.locator("body[data-ready] main h1").wait_for()


def axe(frame: Frame, label: str, failures: list[str]) -> None:
    """Run axe-core on the frame's document; add one line per violating element to `failures`."""
    if not frame.evaluate("typeof axe !== 'undefined'"):
        frame.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script>: the pages' CSP runs only their own
    result = frame.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    for violation in result["violations"]:
        for node in violation["nodes"]:
            failures.append(f"{label}: {violation['id']} ({violation['help']}) at {', '.join(node['target'])}")
    CHECKED[label.split(" ")[0]] = CHECKED.get(label.split(" ")[0], 0) + 1


def exercise(viewer: Any, pages: list[dict[str, Any]], check: Callable[[str], None]) -> None:
    """Visit every page in order and check every state that shows new content."""
    for page in pages + [{"id": "accessibility", "kind": "extra"}, {"id": "contents", "kind": "extra"}]:
        viewer.goto(page["id"])
        check(f"{page['id']}")
        view = viewer.view
        if page["kind"] == "knowledge-check":
            forms = view.locator("form.question")
            for i in range(forms.count()):
                forms.nth(i).locator("input").first.check()
                forms.nth(i).locator("button").click()
            check(f"{page['id']} after Check answer")
        elif page["kind"] == "case-study":
            stage = 1
            while view.locator(".next-stage:visible").count():
                view.locator(".next-stage:visible").first.click()
                stage += 1
                check(f"{page['id']} stage {stage}")
            view.locator("form.question").first.locator("input").first.check()
            view.locator("form.question").first.locator("button").click()
            check(f"{page['id']} after a decision")
        elif page["kind"] == "self-assessment":
            if view.locator("input[name=sa-level]:visible").count():
                view.locator("input[name=sa-level]").first.check()
            view.locator(".unit-rating .ratings input").first.check()
            check(f"{page['id']} after a rating")
        elif page["kind"] == "assessment":
            for form in view.locator("form.question:visible").all():
                form.locator("input").first.check()
            view.locator(".submit-assessment").click()
            view.locator(".results-body .score").wait_for()
            check(f"{page['id']} results")


def course_pages(frame: Frame) -> list[dict[str, Any]]:
    return frame.evaluate("COURSE.pages")


def test_web_build_passes_axe_in_every_state_and_stays_offline(browser: Browser, dist: tuple[str, Path]) -> None:
    name, out = dist
    viewer = WebView(browser, next(out.glob("*-web")))
    viewer.page.goto((viewer.folder / "index.html").as_uri())
    failures: list[str] = []
    exercise(viewer, course_pages(viewer.frame), lambda label: axe(viewer.frame, f"web:{name} {label}", failures))
    viewer.context.close()
    assert failures == [], "\n".join(failures)
    assert {urlsplit(u).scheme for u in viewer.requests} == {"file"}
    assert all(urlsplit(u).path.startswith(str(viewer.folder)) for u in viewer.requests), "offline: own files only"


def test_scorm12_package_passes_axe_in_every_state_and_stays_offline(browser: Browser, dist: tuple[str, Path],
                                                                     tmp_path: Path) -> None:
    name, out = dist
    site = lms_site(next(out.glob("*-scorm12.zip")), tmp_path / "site")
    with serve(site) as base:
        learner = Learner(browser, f"{base}/lms.html?v=1.2&mastery=80")
        requests: list[str] = []
        learner.page.on("request", lambda r: requests.append(r.url))
        failures: list[str] = []
        exercise(learner, course_pages(learner.frame), lambda label: axe(learner.frame, f"scorm12:{name} {label}", failures))
        result = learner.close()
    assert failures == [], "\n".join(failures)
    assert result["violations"] == [] and learner.errors == []
    assert requests and all(u.startswith(base + "/") for u in requests), "offline: own origin only"


def built_pages(out: Path) -> Iterator[tuple[str, lxml_html.HtmlElement]]:
    folder = next(out.glob("*-web")) / "pages"
    for path in sorted(folder.glob("*.html")):
        yield path.name, lxml_html.fromstring(path.read_bytes())


def test_page_semantics(dist: tuple[str, Path]) -> None:
    """lang, one h1, no skipped heading levels, landmarks, skip link, labels, live regions, alt text."""
    _, out = dist
    problems = []
    for name, doc in built_pages(out):
        if not doc.get("lang"):
            problems.append(f"{name}: no lang")
        if len(doc.xpath("//h1")) != 1:
            problems.append(f"{name}: {len(doc.xpath('//h1'))} h1 elements")
        levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        problems += [f"{name}: heading jumps from h{a} to h{b}" for a, b in pairwise(levels) if b > a + 1]
        for landmark in ("header", "nav", "main", "footer"):
            if not doc.xpath(f"//{landmark}"):
                problems.append(f"{name}: no <{landmark}>")
        first_link = doc.xpath("//body//a")[0]
        if first_link.get("class") != "skip-link" or not doc.xpath(f"//*[@id='{first_link.get('href')[1:]}']"):
            problems.append(f"{name}: the first link is not a working skip link")
        for control in doc.xpath("//input|//textarea|//select"):
            if not doc.xpath(f"//label[@for='{control.get('id')}']"):
                problems.append(f"{name}: control {control.get('id')} has no label")
        for form in doc.xpath("//form[contains(@class, 'question')]"):
            checked_at_once = not form.xpath("ancestor::*[contains(@class, 'assessment')]")  # assessment: see below
            if not form.xpath(".//fieldset/legend") or (
                    checked_at_once and not form.xpath(".//*[@role='status'][@aria-live='polite']")):
                problems.append(f"{name}: question {form.get('data-question')} lacks a legend or live region")
        problems += [f"{name}: image without alt" for img in doc.xpath("//img") if not img.get("alt", "").strip()]
        if not doc.xpath("//footer//a[@href='accessibility.html']"):
            problems.append(f"{name}: no link to the accessibility statement")
    assert problems == []


def test_reflow_at_320px_and_text_at_200_percent(browser: Browser, dist: tuple[str, Path]) -> None:
    name, out = dist
    folder = ARTEFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    viewer = WebView(browser, next(out.glob("*-web")), width=320)
    viewer.context.close()
    context = browser.new_context(viewport={"width": 320, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    problems = []
    web = next(out.glob("*-web"))
    for path in sorted((web / "pages").glob("*.html")):
        page.set_viewport_size({"width": 320, "height": 800})
        page.goto(path.as_uri())
        page.locator("body[data-ready]").wait_for()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{path.name}: scrolls sideways by {overflow}px at 320px")
        page.screenshot(path=str(folder / f"{path.stem}-320.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        clipped = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
            const s = getComputedStyle(e);
            if (e.closest('.visually-hidden, .skip-link, [hidden], details:not([open]) > :not(summary)')) return false;
            const hides = v => v === 'hidden' || v === 'clip';
            return (hides(s.overflowX) && e.scrollWidth > e.clientWidth + 1) ||
                   (hides(s.overflowY) && e.scrollHeight > e.clientHeight + 1);
          }).map(e => e.tagName + '.' + e.className)""")
        problems += [f"{path.name}: clipped at 200% text: {c}" for c in clipped]
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            problems.append(f"{path.name}: scrolls sideways at 200% text")
        page.screenshot(path=str(folder / f"{path.stem}-text200.png"), full_page=True)
        moving = page.evaluate("""() => [...document.querySelectorAll('*')].filter(e => {
            const s = getComputedStyle(e);
            return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0;
          }).length""")
        if moving:
            problems.append(f"{path.name}: {moving} elements animate with reduced motion on")
    context.close()
    assert problems == []


class Keyboard:
    """Moves through a page with keys only, checking focus is always visible."""

    def __init__(self, page: Page):
        self.page = page
        self.seen: list[str] = []

    def focused(self) -> dict[str, Any]:
        return self.page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {tag: e.tagName, text: (e.innerText || '').trim().slice(0, 60), type: e.type || '',
                    name: e.name || '', value: e.value || '', cls: String(e.className),
                    visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'}; }""")

    def press(self, key: str) -> dict[str, Any]:
        self.page.keyboard.press(key)
        focus = self.focused()
        if focus["tag"] != "BODY":
            assert focus["visible"], f"focus not visible on {focus}"
            self.seen.append(f"{focus['tag']}.{focus['cls']}:{focus['text'] or focus['value']}")
        return focus

    def tab_to(self, wanted: Callable[[dict[str, Any]], bool], limit: int = 120) -> dict[str, Any]:
        for _ in range(limit):
            focus = self.press("Tab")
            if wanted(focus):
                return focus
        raise AssertionError(f"never reached the element by Tab; seen {self.seen[-10:]}")

    def heading_has_focus(self) -> bool:
        return self.page.evaluate("document.activeElement.tagName") == "H1"


def test_whole_course_by_keyboard_alone(browser: Browser, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run("build", FIXTURES / "mini", "--out", out, "--target", "web").exit_code == 0
    web = out / "mini-course-1.0-web"
    page = browser.new_page()
    page.goto((web / "index.html").as_uri())
    keys = Keyboard(page)
    keys.tab_to(lambda f: f["text"] == "Start the course")
    page.keyboard.press("Enter")
    course = None
    while True:
        page.locator("body[data-ready]").wait_for()
        assert keys.heading_has_focus(), f"focus is not on the heading of {page.url}"
        course = course or page.evaluate("COURSE")
        kind = page.locator("body").get_attribute("data-kind")
        questions = {**course["decisions"], **{k: v for b in course["banks"].values() for k, v in b["questions"].items()}}

        def answer(qid: str, questions: dict[str, Any] = questions) -> None:
            correct = questions[qid]["correct"]
            shown = page.locator(f'form[data-question="{qid}"] input').evaluate_all("inputs => inputs.map(i => i.value)")
            if questions[qid]["type"] == "single":
                keys.tab_to(lambda f: f["name"] == qid)
                page.keyboard.press("Space")
                for _ in range(shown.index(correct[0])):
                    keys.press("ArrowDown")
            else:
                for key in shown:
                    keys.tab_to(lambda f, key=key: f["name"] == qid and f["value"] == key)
                    if key in correct:
                        page.keyboard.press("Space")

        if kind == "knowledge-check" or kind == "case-study":
            for form in page.locator("form.question:visible").all():
                answer(form.get_attribute("data-question") or "")
                keys.tab_to(lambda f: f["text"] == "Check answer")
                page.keyboard.press("Enter")
                assert "Correct" in form.locator(".feedback").inner_text()
            while page.locator(".next-stage:visible").count():
                keys.tab_to(lambda f: "next-stage" in f["cls"])
                page.keyboard.press("Enter")
                assert page.evaluate("document.activeElement.tagName") == "H2", "focus moves to the new stage"
        if kind == "case-study":
            before = keys.focused()
            after = keys.press("Shift+Tab")
            assert after != before, "Shift+Tab moves focus back"
        if kind == "assessment":
            for form in page.locator("form.question:visible").all():
                answer(form.get_attribute("data-question") or "")
            keys.tab_to(lambda f: f["text"] == "Submit answers")
            page.keyboard.press("Enter")
            assert "You passed" in page.locator(".results-body").inner_text()
            keys.tab_to(lambda f: f["text"] == "Finish")
            page.keyboard.press("Enter")
            assert "progress has been saved" in page.locator(".finished").inner_text()
            break
        keys.tab_to(lambda f: f["text"].startswith("Next"))
        here = page.url
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url, here=here: url != here)
    # Nothing traps focus: a full cycle of Tab reaches the end of the page and comes round to the start.
    first = keys.tab_to(lambda f: "skip-link" in f["cls"])
    assert first["text"] == "Skip to main content"
    keys.tab_to(lambda f: f["text"] == "Accessibility statement")
    keys.tab_to(lambda f: "skip-link" in f["cls"])
    page.close()


def test_accessibility_statement_comes_from_the_course_settings(tmp_path: Path) -> None:
    project = tmp_path / "p"
    import shutil
    shutil.copytree(FIXTURES / "mini", project)
    with (project / "course/course.yaml").open("a", encoding="utf-8") as handle:
        handle.write("accessibility:\n  contact: learning@example.org\n  limitations:\n    - The video has no audio description.\n")
    assert run("build", project, "--out", tmp_path / "out", "--target", "web").exit_code == 0
    text = (tmp_path / "out/mini-course-1.0-web/pages/accessibility.html").read_text()
    assert "<li>The video has no audio description.</li>" in text
    assert "please contact\nlearning@example.org" in text
    assert "WCAG) 2.2 at level AA" in text


def test_the_axe_gate_catches_violations(browser: Browser, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html><head><title>x</title></head><body>"
                   "<img src='x.png'><input type='text'><p style='color:#bbb;background:#fff'>faint</p></body></html>")
    page = browser.new_page()
    page.goto(bad.as_uri())
    failures: list[str] = []
    axe(page.main_frame, "gate-check bad", failures)
    page.close()
    rules = {line.split(": ")[1].split(" ")[0] for line in failures}
    assert {"html-has-lang", "image-alt", "label", "color-contrast"} <= rules


def test_report_checked_states() -> None:
    """Runs last in this module: writes how many states axe checked, for the closing report."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "axe-states.json").write_text(json.dumps(CHECKED, indent=1, sort_keys=True))
