"""The packages make no request outside their own origin: no CDN, fonts or analytics."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from browser import lms_site, serve
from conftest import FIXTURES, REPO, run

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=["fixture", "course"])
def dist(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    project = FIXTURES / "mini" if request.param == "fixture" else REPO
    assert run("build", project, "--out", out).exit_code == 0
    return out


def visit_every_page(page: Page, in_lms: bool = False) -> int:
    """Follow Next links from the first page to the last; returns how many pages were seen."""
    view = page.frame_locator("#sco").frame_locator("#course-frame") if in_lms else page
    view.locator("body[data-ready] main h1").wait_for()
    seen = 1
    while view.locator("a[rel=next]").count():
        target = (view.locator("a[rel=next]").get_attribute("href") or "").removesuffix(".html")
        view.locator("a[rel=next]").click()
        view.locator(f'body[data-page="{target}"][data-ready] main h1').wait_for()
        seen += 1
    return seen


@pytest.mark.parametrize("kind", ["scorm12", "scorm2004"])
def test_scorm_package_requests_only_its_own_origin(browser: Browser, dist: Path, kind: str, tmp_path: Path) -> None:
    package = next(dist.glob(f"*-{kind}.zip"))
    with serve(lms_site(package, tmp_path / "site")) as base:
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        version = "1.2" if kind == "scorm12" else "2004"
        page.goto(f"{base}/lms.html?v={version}&mastery=80")
        pages = visit_every_page(page, in_lms=True)
        page.close()
    assert pages >= 5
    outside = [url for url in requests if not url.startswith(base + "/")]
    assert requests and outside == []


def test_web_build_from_disk_requests_only_its_own_files(browser: Browser, dist: Path) -> None:
    web = next(dist.glob("*-web"))
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((web / "index.html").as_uri())
    page.locator(".start-link").click()
    pages = visit_every_page(page)
    page.close()
    assert pages >= 5
    assert {urlsplit(url).scheme for url in requests} == {"file"}
    assert all(urlsplit(url).path.startswith(str(web)) for url in requests)
