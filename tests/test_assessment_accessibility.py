"""The assessment as a screen reader and a keyboard meet it, and the course inside an LMS's player.

What is announced is read from Chromium's accessibility tree (the tree screen readers are given):
the focused node and its name, the description of each question, and every live region that
changes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest
from lxml import html as lxml_html
from playwright.sync_api import Browser, Page
from test_accessibility import axe
from test_fair_assessment import Attempts, first_option, web  # noqa: F401 - `web` is a fixture

from browser import lms_site, serve
from conftest import REPO, edit, run
from learner import Learner

pytestmark = pytest.mark.browser

#: Records the text of every live region that changes, from the moment it is installed.
WATCH_LIVE_REGIONS = """() => {
  window.__announced = [];
  const live = n => n.closest && n.closest('[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log]');
  new MutationObserver(records => records.forEach(r => {
    const node = r.target.nodeType === 1 ? r.target : r.target.parentElement, region = node && live(node);
    if (region && region.offsetParent !== null && region.textContent.trim()) {
      window.__announced.push(region.textContent.trim());
    }
  })).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def focused_node(page: Page) -> dict[str, Any]:
    """The focused node of the accessibility tree: role, name and description."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    focused = [n for n in nodes if n["role"]["value"] != "RootWebArea"  # the document has focus too
               and any(p["name"] == "focused" and p["value"]["value"] for p in n.get("properties", []))]
    assert len(focused) == 1, focused
    return {key: focused[0].get(key, {}).get("value", "") for key in ("role", "name", "description")}


def node_of(page: Page, selector: str) -> dict[str, Any]:
    """The accessibility-tree node of an element: role, name and description."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]
    node_id = cdp.send("DOM.querySelector", {"nodeId": root["nodeId"], "selector": selector})["nodeId"]
    nodes = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False})["nodes"]
    cdp.detach()
    return {key: nodes[0].get(key, {}).get("value", "") for key in ("role", "name", "description")}


@pytest.fixture
def attempts(browser: Browser, web: Path) -> Iterator[Attempts]:  # noqa: F811 - the imported fixture
    tab = Attempts(browser, web)
    yield tab
    tab.context.close()
    assert tab.errors == []


def test_on_submit_only_the_result_heading_is_announced(attempts: Attempts) -> None:
    attempts.open(11)
    attempts.answer(first_option)
    page = attempts.page
    page.evaluate(WATCH_LIVE_REGIONS)
    page.locator(".submit-assessment").click()
    page.locator(".results-body .score").wait_for()
    score = page.evaluate("coursebuild.result().score")
    assert focused_node(page) == {"role": "heading", "name": f"Your result: {score:g}%, not passed", "description": ""}
    assert page.evaluate("window.__announced") == [], "no feedback region speaks at once"
    # The review is there to read next: each question shows whether it was right, then the right answer and why.
    review = page.locator("form.question:visible .feedback")
    assert review.count() == 20 and all(text.startswith(("\u2713 Correct.", "\u2717 Not quite."))
                                        for text in review.all_inner_texts())
    assert "The right answer" in review.filter(has_text="Not quite").first.inner_text()
    failures: list[str] = []
    axe(page.main_frame, "assessment review", failures)
    assert failures == []


def test_unanswered_questions_are_flagged_next_to_each_and_in_a_summary(attempts: Attempts) -> None:
    attempts.open(12)
    page = attempts.page
    drawn = attempts.drawn()
    for qid in drawn[:17]:
        page.locator(f'form[data-question="{qid}"] input').first.check()
    page.evaluate(WATCH_LIVE_REGIONS)
    page.locator(".submit-assessment").click()
    summary = focused_node(page)
    assert summary["name"] == "3 questions have no answer"
    links = page.locator(".error-summary a")
    assert links.all_inner_texts() == ["Question 18 has no answer", "Question 19 has no answer",
                                       "Question 20 has no answer"]
    for number, qid in enumerate(drawn[17:], start=18):
        group = node_of(page, f'form[data-question="{qid}"] fieldset')
        assert group["description"] == f"Question {number} has no answer. Choose an answer.", group
    assert node_of(page, f'form[data-question="{drawn[0]}"] fieldset')["description"] == ""
    failures: list[str] = []
    axe(page.main_frame, "assessment errors", failures)
    assert failures == []
    links.first.press("Enter")
    assert page.evaluate("document.activeElement.name") == drawn[17], "the link takes focus to the question"
    page.keyboard.press("Space")
    assert node_of(page, f'form[data-question="{drawn[17]}"] fieldset')["description"] == ""
    assert links.count() == 2, "an answer clears its error"
    assert page.evaluate("window.__announced") == []


def test_a_wrong_answer_in_a_knowledge_check_shows_the_right_one_and_why(browser: Browser, web: Path) -> None:  # noqa: F811
    page = browser.new_page()
    page.goto((web / "pages/m1-check.html").as_uri())
    page.locator("body[data-ready]").wait_for()
    form = page.locator("form.question").first
    question = page.evaluate("qid => COURSE.banks['kc-m1'].questions[qid]", form.get_attribute("data-question"))
    wrong = next(key for key in question["options"] if key not in question["correct"])
    form.locator(f'input[value="{wrong}"]').check()
    form.locator("button").click()
    right = form.locator(f'.option[data-option="{question["correct"][0]}"]')
    feedback = form.locator(".feedback").inner_text()
    assert feedback.startswith("\u2717 Not quite.")
    assert f"The right answer: {right.locator('label').inner_text()}" in feedback
    assert right.locator(".option-feedback").inner_text() in feedback
    assert form.locator(".explanation").inner_text() in feedback
    page.close()


def test_review_can_show_only_whether_each_answer_was_right(browser: Browser, project: Path, tmp_path: Path) -> None:
    edit(project / "quizzes/final.yaml", "attempts: 3", "attempts: 3\nreview: correctness")
    assert run("build", project, "--out", tmp_path / "out", "--target", "web").exit_code == 0
    tab = Attempts(browser, next((tmp_path / "out").glob("*-web")), page="final-check")
    tab.open(5)
    tab.answer(first_option)
    tab.submit()
    review = tab.page.locator("form.question:visible .feedback").all_inner_texts()
    tab.context.close()
    assert review and set(review) <= {"\u2713 Correct.", "\u2717 Not quite."}, review


def test_titles_headings_labels_and_hints_are_not_repeated(web: Path) -> None:  # noqa: F811
    titles: Counter[str] = Counter()
    for path in sorted((web / "pages").glob("*.html")):
        doc = lxml_html.fromstring(path.read_bytes())
        titles[doc.findtext(".//title")] += 1
        assert doc.findtext(".//title").startswith(doc.xpath("string(//h1)")), path.name
        labels = Counter(" ".join(label.text_content().split()) for label in doc.xpath("//label[@for]"))
        assert [text for text, n in labels.items() if n > 1 and "Evidence" in text] == [], path.name
        for legend in doc.xpath("//legend"):
            assert legend.text_content().lower().count("all that apply") <= 1, path.name
    assert [title for title, n in titles.items() if n > 1] == []
    check = lxml_html.fromstring((web / "pages/m2-check.html").read_bytes())
    assert check.xpath("string(//h1)") == "Check your understanding: Attachment, attunement and sensitive care"


@pytest.mark.xfail(strict=True, reason="the second edition's longest domain (13 units, each with an evidence box) is "
                   "11 screens at 375 px; one domain per step is not enough: long domains need shorter steps "
                   "(issue 15 stays open for this)")
def test_self_assessment_shows_one_domain_at_a_time_on_a_phone(browser: Browser, web: Path) -> None:  # noqa: F811
    page = browser.new_page(viewport={"width": 375, "height": 700})
    page.goto((web / "pages/self-assessment-start.html").as_uri())
    page.locator("body[data-ready]").wait_for()
    steps = page.locator(".sa-domain")
    assert steps.count() >= 5 and page.locator(".sa-domain:visible").count() == 1
    page.locator("#sa-level-1").check()
    first = page.locator(".sa-domain:visible")
    first.locator(".ratings input").first.check()
    assert first.locator(".sa-rated").inner_text().startswith("1 of ")
    first.locator(".sa-go").click()
    assert page.evaluate("document.activeElement.id") == "sa-domain-2" and page.locator(".sa-domain:visible").count() == 1
    failures: list[str] = []
    axe(page.main_frame, "self-assessment step 2", failures)
    longest = max(page.evaluate(f"""() => {{ document.querySelectorAll('.sa-domain').forEach((s, j) => s.hidden = j !== {i});
                                             return document.documentElement.scrollHeight / 700; }}""")
                  for i in range(steps.count()))
    whole = page.evaluate("() => { document.querySelectorAll('.sa-domain').forEach(s => s.hidden = false); "
                          "return document.documentElement.scrollHeight / 700; }")
    page.close()
    assert failures == []
    assert longest < 10 and longest < whole / 3, (longest, whole)  # measured: 9.1 screens of 26


def test_inside_the_lms_player_the_course_fills_the_frame(browser: Browser, tmp_path: Path) -> None:
    """At 1280x720 in the LMS frame: one scrollbar (the page's), no course title (the LMS shows it),
    and Finish does not ask the learner to close a window."""
    out = tmp_path / "dist"
    assert run("build", REPO, "--out", out, "--target", "scorm12").exit_code == 0
    with serve(lms_site(next(out.glob("*-scorm12.zip")), tmp_path / "site")) as base:
        learner = Learner(browser, f"{base}/lms.html?v=1.2&mastery=80")
        learner.page.set_viewport_size({"width": 1280, "height": 720})
        shell = learner.page.frame_locator("#sco").locator("body")
        assert shell.evaluate("b => [document.documentElement.scrollHeight <= innerHeight, "
                              "document.documentElement.scrollWidth <= innerWidth]") == [True, True]
        assert learner.view.locator(".course-title").is_hidden()
        assert learner.frame.evaluate("document.documentElement.scrollWidth <= innerWidth")
        learner.goto("learning-record")
        learner.view.locator(".finish").click()
        assert learner.view.locator(".finished").inner_text() == "Your progress has been saved."
        learner.close()
