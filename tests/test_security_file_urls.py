"""`file:` URLs in the SVG, XML and HTML files a page links, against the twenty-fourth verification's H6 (issue 18,
18-verify24-H): the media cleaners removed `//host/…` and `\\\\host/…` as another site but kept `file://host/…` and
`file:////host/…`, the same network share spelled with its scheme, which Windows fetches over SMB with the learner's
sign-in when the web folder is opened from disk. Every `file:` URL, in any spelling, is removed from every cleaned
file, as a page's own `file:` picture or link is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from builder.active_content import script_in, without_script

from conftest import edit, run

#: What every URL below names, and nothing else in the files does.
SHARE = "share-h6"
#: One `file:` URL in each spelling a browser reads as one (`{}`: the rest of its path): a host, a host after `//`,
#: the upper case, backslashes and spaces (a URL parser reads `\\` as `/`, strips the ends), a tab inside (dropped),
#: a character reference, a percent-encoded host, and the learner's own disk, with and without `localhost`.
FILE_URLS = [
    "file://198.51.100.7/{}/a.png",
    "file:////198.51.100.7/{}/b.png",
    "FILE://Host/{}/c.png",
    " file:\\\\host\\{}\\d.png ",
    "fi\tle://host/{}/e.png",
    "&#102;ile://host/{}/f.png",
    "file://%68ost/{}/g.png",
    "file:///C:/Users/{}/h.png",
    "file://localhost/{}/i.png",
]
#: A file of each kind a cleaner reads around the URL `{url}`: (suffix, text). In an SVG a picture, a link (which
#: may name another site, but not a file), a style, a presentation attribute and an animation's value; in XML a flat
#: OpenDocument's XLink and `draw:` attributes (LibreOffice opens the file by content; no browser reads `draw:`); in
#: HTML (whose policy bars other sites, not `file:` in a file opened from disk) a picture, a `srcset`, a link,
#: `style=` and a sheet; in XHTML a picture.
FILES = [
    (".svg", '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><image href="{url}"/></svg>'),
    (".svg", '<svg xmlns="http://www.w3.org/2000/svg"><a href="{url}"><text>x</text></a></svg>'),
    (".svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(\'{url}\')"/></svg>'),
    (".svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url({url})"/></svg>'),
    (".svg", '<svg xmlns="http://www.w3.org/2000/svg"><image href="a.png"><set attributeName="href" to="{url}"/>'
             '</image></svg>'),
    (".xml", '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink">'
             '<draw:fill-image xlink:href="{url}"/><draw:image draw:href="{url}"/></office:document>'),
    (".html", '<!doctype html><p>x<img src="{url}" alt="a"></p>'),
    (".html", '<!doctype html><img src="a.png" srcset="a.png 1x, {url} 2x" alt="a">'),
    (".html", '<!doctype html><p><a href="{url}">the handout</a></p>'),
    (".html", '<!doctype html><div style="background: url(\'{url}\')">x</div>'),
    (".html", '<!doctype html><style>p {{ background: url("{url}") }}</style><p>x</p>'),
    (".xhtml", '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title></head><body>'
               '<img src="{url}" alt="a"/></body></html>'),
]


@pytest.mark.parametrize(("suffix", "text", "url"), [
    (suffix, text, url) for suffix, text in FILES for url in FILE_URLS
    if not ("<style>" in text and "&#" in url)  # a `<style>` sheet's text holds no character reference
    and not ("\t" in url and ("srcset" in text or "url({url})" in text))])  # where a tab ends a URL
def test_no_cleaned_file_names_a_file_of_the_learners_computer_or_network(suffix: str, text: str, url: str) -> None:
    """H6: each is reported where it is, and the file is packaged without it."""
    data = text.format(url=url.format(SHARE).replace("\t", "\t" if "<style>" in text else "&#9;")).encode()
    found = script_in(data, suffix)
    assert found, (suffix, text, url)
    assert SHARE.encode() not in without_script(data, suffix)


@pytest.mark.parametrize("text", [
    '<!doctype html><p><a href="https://example.org/more">more</a><img src="pictures/file-name.png" alt="File: the budget"></p>',
    '<!doctype html><p style="font-family: \'Open Sans\'"><img src="pictures/a.png" alt=""></p>',
])
def test_html_keeps_its_links_and_what_its_policy_bars(text: str) -> None:
    """An HTML file's link to another site, a path that merely holds `file`, a text that starts with `File: ` (a space
    after the colon names no host) and a style stay, as before (a picture of another site no longer does: every cleaned
    file loses what names another host, 18-verify25-K K3)."""
    assert script_in(text.encode(), ".html") == []


def test_a_share_named_in_a_linked_file_is_a_warning_of_check_and_gone_from_the_packages(project: Path,
                                                                                     tmp_path: Path) -> None:
    """H6 as found: `check --strict` said ok, and every package carried both files with their `file://` URLs."""
    media = project / "course/media"
    (media / "s.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image width="5" '
                                 f'height="5" href="file://198.51.100.7/{SHARE}/d.png"/></svg>\n', encoding="utf-8")
    (media / "h.html").write_text(f'<!doctype html><p>x<img src="file://198.51.100.7/{SHARE}/a.png">'
                                  f'<img src="file:////198.51.100.7/{SHARE}/b.png"></p>\n', encoding="utf-8")
    edit(project / "course/pages/baby-cues.md", "![A baby", "[h](../media/h.html)\n\n![s](../media/s.svg)\n\n![A baby")
    checked = run("check", project, "--strict")
    fix = " (media run inside the package, where script could change the learner's score; remove it from the file)"
    for name, attribute in (("h.html", "src"), ("h.html", "src"), ("s.svg", "href")):
        line = (f"course/media/{name}:1: warning: script removed from this file: `file:` URL (a file on the learner's "
                f"computer or network) in `{attribute}`{fix}")
        assert line in checked.stderr.splitlines(), checked.output
    assert checked.exit_code == 1
    built = run("build", project, "--out", tmp_path / "out")
    assert built.exit_code == 0, built.output
    files = [path for path in (tmp_path / "out").rglob("*") if path.is_file()]
    packaged = [zipfile.ZipFile(path).read(name) for path in files if path.suffix == ".zip"
                for name in zipfile.ZipFile(path).namelist()] + [path.read_bytes() for path in files]
    assert any(b"<svg" in data for data in packaged) and not any(SHARE.encode() in data for data in packaged)
