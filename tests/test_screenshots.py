"""Screenshots of the learner's view at phone and desktop widths, kept as test artefacts.

Each screenshot also checks the page does not scroll sideways at that width.
"""

from __future__ import annotations

from typing import Callable, Iterator

import pytest
from playwright.sync_api import Browser

from browser import lms_site, serve
from conftest import FIXTURES, REPO, run
from learner import Learner

pytestmark = pytest.mark.browser
ARTEFACTS = REPO / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def lms_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("dist")
    assert run("build", FIXTURES / "mini", "--out", out, "--target", "scorm12").exit_code == 0
    with serve(lms_site(out / "mini-course-1.0-scorm12.zip", out / "site")) as base:
        yield f"{base}/lms.html?v=1.2&mastery=80"


def content(learner: Learner) -> None:
    learner.next()


def knowledge_check(learner: Learner) -> None:
    learner.goto("check-cues")
    learner.check_questions(right=False)


def case_study(learner: Learner) -> None:
    learner.goto("case-amira")
    learner.check_questions()
    learner.view.locator(".next-stage").first.click()


def results(learner: Learner) -> None:
    for page in ("welcome", "baby-cues", "check-cues", "case-amira"):
        learner.goto(page)
    learner.goto("final-check")
    learner.take_assessment(right=False)


STATES: dict[str, Callable[[Learner], None]] = {
    "content": content, "knowledge-check": knowledge_check, "case-study": case_study, "results": results}


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("state", STATES)
def test_screenshot(browser: Browser, lms_url: str, state: str, width: int) -> None:
    learner = Learner(browser, lms_url, width=width)
    STATES[state](learner)
    frame = learner.frame
    overflow = frame.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{state} scrolls sideways by {overflow}px at {width}px"
    height = frame.evaluate("document.documentElement.scrollHeight")
    frame.evaluate("window.scrollTo(0, 0)")
    learner.page.set_viewport_size({"width": width, "height": max(900, height + 40)})
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{state}-{width}.png"
    learner.page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    assert learner.errors == []
    learner.close()
