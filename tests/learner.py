"""A learner driving a course package in Chromium, inside the scorm-again LMS harness."""

from __future__ import annotations

import json
from typing import Any, Optional

from playwright.sync_api import Browser, Frame, FrameLocator, Page

from browser import TIMEOUT_MS


class Learner:
    """One learner session: opens the harness, works through the course, closes the window."""

    def __init__(self, browser: Browser, url: str, *, resume: Optional[dict[str, Any]] = None,
                 stored: Optional[dict[str, str]] = None, width: int = 1280) -> None:
        """`resume` seeds scorm-again with a CMI snapshot; `stored` is what the Moodle profile
        (`&moodle=1`) kept from earlier sessions, re-entered as Moodle would."""
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.set_default_timeout(TIMEOUT_MS)
        if resume is not None:
            seed = json.dumps(json.dumps(resume))
            self.context.add_init_script(f"sessionStorage.setItem('harness-resume', {seed})")
        if stored is not None:
            self.context.add_init_script(f"sessionStorage.setItem('harness-stored', {json.dumps(json.dumps(stored))})")
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(url)
        self.view.locator("body[data-ready] main h1").wait_for()

    @property
    def view(self) -> FrameLocator:
        """The course page as shown (inside the LMS frame and the shell's frame)."""
        return self.page.frame_locator("#sco").frame_locator("#course-frame")

    @property
    def frame(self) -> Frame:
        """The course page's frame, for reading its state."""
        return next(f for f in self.page.frames if "/pages/" in f.url)

    def page_id(self) -> str:
        return self.view.locator("body").get_attribute("data-page") or ""

    def next(self) -> str:
        """Follow the Next link and wait for the new page; returns its id."""
        href = self.view.locator("a[rel=next]").get_attribute("href") or ""
        target = href.removesuffix(".html")
        self.view.locator("a[rel=next]").click()
        self.view.locator(f'body[data-page="{target}"][data-ready] main h1').wait_for()
        return target

    def goto(self, page_id: str) -> None:
        """Open a page by id, waiting for the new document (the old one may be the same page)."""
        frame = self.frame
        with frame.expect_navigation():
            frame.evaluate(f"location.href = {json.dumps(page_id + '.html')}")
        self.view.locator(f'body[data-page="{page_id}"][data-ready] main h1').wait_for()

    def course(self) -> dict[str, Any]:
        return self.frame.evaluate("COURSE")

    def correct(self, question_id: str) -> list[str]:
        course = self.course()
        for bank in course["banks"].values():
            if question_id in bank["questions"]:
                return bank["questions"][question_id]["correct"]
        return course["decisions"][question_id]["correct"]

    def wrong(self, question_id: str) -> list[str]:
        correct = self.correct(question_id)
        options = self.view.locator(f'form[data-question="{question_id}"] input')
        options.first.wait_for()  # count() does not wait: on a loaded machine the form may not be drawn yet
        return [next(v for v in (options.nth(i).get_attribute("value") for i in range(options.count()))
                     if v not in correct)]

    def choose(self, question_id: str, keys: list[str]) -> None:
        for key in keys:
            self.view.locator(f'form[data-question="{question_id}"] input[value="{key}"]').check()

    def check_questions(self, right: bool = True) -> None:
        """Answer and check every visible knowledge-check or decision question."""
        forms = self.view.locator("form.question:visible")
        for i in range(forms.count()):
            qid = forms.nth(i).get_attribute("data-question") or ""
            self.choose(qid, self.correct(qid) if right else self.wrong(qid))
            forms.nth(i).locator("button").click()
            forms.nth(i).locator(".feedback .verdict").wait_for()

    def reveal_stages(self) -> None:
        """Reveal every case-study stage, answering decisions on the way."""
        while True:
            self.check_questions()
            button = self.view.locator(".next-stage:visible")
            if button.count() == 0:
                return
            button.first.click()

    def drawn(self) -> list[str]:
        return self.frame.evaluate("parent.coursebuild.assessment().questions")

    def take_assessment(self, right: bool) -> str:
        """Answer every drawn question (all right or all wrong), submit; returns the results text."""
        for qid in self.drawn():
            self.choose(qid, self.correct(qid) if right else self.wrong(qid))
        self.view.locator(".submit-assessment").click()
        return self.view.locator(".results-body").inner_text()

    def harness(self) -> dict[str, Any]:
        return self.page.evaluate("({calls: __harness.calls, violations: __harness.violations, "
                                  "snapshot: __harness.snapshot, cmi: __harness.cmi(), stored: __harness.stored, "
                                  "bodies: __harness.bodies, dropped: __harness.dropped})")

    def close(self) -> dict[str, Any]:
        """Close the course window (its pagehide ends the session); returns what the LMS saw."""
        self.page.evaluate("__harness.leave()")
        self.page.wait_for_function("__harness.state === 'finished'", timeout=5000)
        result = self.harness()
        self.context.close()
        return result
