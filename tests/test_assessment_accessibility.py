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
from test_accessibility import Keyboard, axe
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


def test_a_multiple_answer_check_lists_the_right_answers_and_labels_each_missed_one(browser: Browser, web: Path) -> None:  # noqa: F811
    page = browser.new_page()
    page.goto((web / "pages/m4-check.html").as_uri())
    page.locator("body[data-ready]").wait_for()
    question = page.evaluate("COURSE.banks['kc-m4'].questions['kc4-effects']")
    form = page.locator('form[data-question="kc4-effects"]')
    chosen = question["correct"][0]
    form.locator(f'input[value="{chosen}"]').check()
    form.locator("button").click()
    def text(key: str, part: str) -> str:
        return form.locator(f'.option[data-option="{key}"] {part}').inner_text().strip()
    answer = form.locator(".right-answer")
    assert answer.locator("p.mark").first.inner_text() == "The right answers:"
    assert answer.locator("ul.right-answers li").all_inner_texts() == [text(k, "label") for k in question["correct"]]
    assert ".;" not in form.locator(".feedback").inner_text()
    missed = answer.locator(".option-response")
    assert missed.count() == len(question["correct"]) - 1
    for i, key in enumerate(k for k in question["correct"] if k != chosen):
        block = missed.nth(i).inner_text()
        assert block.startswith(f"You did not choose: {text(key, 'label')}") and text(key, ".option-feedback") in block
    failures: list[str] = []
    axe(page.main_frame, "multiple-answer feedback", failures)
    assert failures == []
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


#: A phone of 375x667 CSS px (iPhone SE), and the most screens of it one self-assessment step may take,
#: from its heading to its buttons, once the learner's level is chosen: a few units, not a whole long domain.
PHONE = {"width": 375, "height": 667}
SCREENS_PER_STEP = 3
#: What the page script shows and the learner scrolls through: the step, from its heading to its buttons.
STEP_SCREENS = "() => document.querySelector('.sa-domain:not([hidden])').getBoundingClientRect().height / innerHeight"


def test_self_assessment_steps_fit_a_phone(browser: Browser, web: Path) -> None:  # noqa: F811
    """One step at a time, each at most three screens of a 375x667 phone (measured: 2.8 at most, in 19 steps;
    with one whole domain per step the longest, 13 units, was 9.3); every step passes axe and reflows at
    320 px; Next moves focus to the new step's heading, which names the domain and its part."""
    page = browser.new_page(viewport=PHONE)
    page.goto((web / "pages/self-assessment-start.html").as_uri())
    page.locator("body[data-ready]").wait_for()
    steps = page.locator(".sa-domain")
    headings = page.locator(".sa-domain h2").all_inner_texts()
    units = page.evaluate("[...document.querySelectorAll('.sa-domain')].map(s => "
                          "[...s.querySelectorAll('.unit-rating')].map(u => u.dataset.unit))")
    assert [code for step in units for code in step] == [u["code"] for u in page.evaluate("COURSE.units")]
    assert max(len(step) for step in units) <= 4 and len(set(headings)) == len(headings) == steps.count()
    assert [h for h in headings if h.startswith("Domain 2.")] == [  # the longest domain: 13 units in 4, 3, 3, 3
        f"Domain 2. Normal and atypical development (part {n} of 4)" for n in range(1, 5)]
    assert [len(step) for step, h in zip(units, headings, strict=True) if h.startswith("Domain 2.")] == [4, 3, 3, 3]
    assert page.locator(".sa-domain:visible").count() == 1
    # Before a level is chosen (rating works without one), each step must fit too: the level descriptions
    # wait in a closed <details> per unit.
    assert page.locator("#sa-level-1").is_checked() is False
    no_level = page.evaluate("""() => [...document.querySelectorAll('.sa-domain')].map((s, i, all) => {
        all.forEach(t => t.hidden = t !== s);
        const screens = s.getBoundingClientRect().height / innerHeight;
        all.forEach((t, j) => t.hidden = j !== 0);
        return screens; })""")
    assert max(no_level) <= SCREENS_PER_STEP, no_level
    page.locator(".sa-domain:visible .descriptors summary").first.click()
    assert page.locator(".sa-domain:visible .descriptor").first.is_visible()
    page.locator("#sa-level-1").check()
    assert page.locator(".sa-domain:visible .descriptors summary").first.is_hidden()
    failures: list[str] = []
    screens: list[float] = []
    keys = Keyboard(page)
    for number, heading in enumerate(headings, start=1):
        step = page.locator(".sa-domain:visible")
        assert step.locator("h2").inner_text() == heading and page.locator(".sa-domain:visible").count() == 1
        assert step.locator(".sa-step").inner_text() == f"Step {number} of {len(headings)}: 0 of {len(units[number - 1])} units rated"
        screens.append(page.evaluate(STEP_SCREENS))
        axe(page.main_frame, f"self-assessment step {number}", failures)
        if number == len(headings):
            break
        # By keyboard: rate the step's first unit, then go on; focus (and a screen reader) moves to the new heading.
        if number == 1:
            keys.tab_to(lambda f: f["name"] == f"sa-before-{units[0][0]}")
            page.keyboard.press("Space")
            keys.press("ArrowDown")
            assert step.locator(".sa-rated").inner_text() == f"1 of {len(units[0])} units rated"
            page.locator(".sa-status", has_text=f"Saved your rating for {units[0][0]}.").wait_for()
            keys.tab_to(lambda f: f["text"].startswith("Next part"))
            page.keyboard.press("Enter")
        else:
            step.locator(".sa-go:not(.secondary)").click()
        assert focused_node(page) == {"role": "heading", "name": headings[number], "description": ""}
    page.set_viewport_size({"width": 320, "height": 667})
    sideways = page.evaluate("""() => [...document.querySelectorAll('.sa-domain')].map((s, i, all) => {
        all.forEach(t => t.hidden = t !== s);
        return document.documentElement.scrollWidth > document.documentElement.clientWidth; })""")
    page.close()
    assert failures == []
    assert max(screens) <= SCREENS_PER_STEP, screens
    assert not any(sideways), "a step scrolls sideways at 320 px"


def test_self_assessment_reopens_at_the_first_step_left_to_rate(browser: Browser, web: Path) -> None:  # noqa: F811
    """Ratings come back by unit code, so a learner who rated a whole step returns to the next."""
    page = browser.new_page(viewport=PHONE)
    with serve(web) as base:  # over http: Chromium may drop a file:// page's localStorage on a reload (test_fair_assessment)
        page.goto(base + "/pages/self-assessment-start.html")
        page.locator("body[data-ready]").wait_for()
        first = page.locator(".sa-domain:visible")
        for unit in first.locator(".unit-rating").all():
            unit.locator(".ratings input").nth(1).check()
        page.reload()
        page.locator("body[data-ready]").wait_for()
        assert page.locator(".sa-domain:visible h2").inner_text() == ("Domain 1. Relationship-based practice "
                                                                      "(part 2 of 3)")
        page.locator(".sa-domain:visible .sa-go.secondary").click()
        assert page.locator(".sa-domain:visible .sa-rated").inner_text() == "4 of 4 units rated"
    assert page.locator(".sa-domain:visible .ratings input:checked").evaluate_all("i => i.map(e => e.value)") == ["w"] * 4
    page.close()


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
