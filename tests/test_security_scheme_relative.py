"""URLs of another host without a scheme in the HTML (and SVG) files a page links, against the twenty-fifth
verification's K3 (issue 18, 18-verify25-K): the HTML cleaner removed only `file:` URLs, its policy's `'self'` being
taken to bar other sites; but `//host/…`, `\\\\host\\…` and `/\\host/…` take the document's scheme, so in the web folder
opened from disk they are `file://host/…`, a network share, which Chromium loaded under that policy (on Windows an SMB
fetch with the learner's sign-in). Every cleaned file now loses what names another host, HTML as SVG and XML; a link
to another site with its scheme stays."""

from __future__ import annotations

import pytest

from builder.active_content import script_in, without_script

#: What every URL below names, and nothing else in the files does.
SHARE = "share-k3"
#: One URL of another host without a scheme in each spelling a browser reads as one (`{}`: the rest of its path):
#: slashes, backslashes and their mixes (a URL parser reads `\\` as `/`), spaces and controls at its ends (stripped),
#: a tab or newline inside (dropped), character references, and with a scheme of another site, in any case.
URLS = [
    "//198.51.100.7/{}/a.png",
    "\\\\198.51.100.7\\{}\\b.png",
    "/\\198.51.100.7/{}/c.png",
    "\\/198.51.100.7/{}/d.png",
    " \x0c//Host/{}/e.png ",
    "/&#9;/host/{}/f.png",
    "&#47;&#x2f;host/{}/g.png",
    "&#92;&#x5C;host&#92;{}&#92;h.png",
    "HTTPS://host/{}/i.png",
    "http:\\\\host\\{}\\j.png",
]
#: An HTML file holding `{url}` where a browser loads it on opening: pictures, a poster, a background, a `srcset`, a
#: `<link>` (an icon, a style sheet), `style=` and a `<style>` sheet (`url()`, `@import`, `image-set`); and a link.
HTML = [
    '<!doctype html><p>x<img src="{url}" alt="a"></p>',
    '<!doctype html><video poster="{url}"></video>',
    '<!doctype html><table background="{url}"><tr><td>t</td></tr></table>',
    '<!doctype html><img src="a.png" srcset="a.png 1x, {url} 2x" alt="a">',
    '<!doctype html><link rel="icon" href="{url}"><p>x</p>',
    '<!doctype html><link rel="stylesheet" href="{url}"><p>x</p>',
    '<!doctype html><div style="background:url({url})">y</div>',
    '<!doctype html><div style="background-image: image-set(\'{url}\' 1x)">y</div>',
    '<!doctype html><style>p {{ background: url("{url}") }}</style><p>x</p>',
    '<!doctype html><style>@import "{url}";</style><p>x</p>',
    '<!doctype html><p><svg><image href="{url}"/></svg></p>',
]


@pytest.mark.parametrize(("text", "url"), [
    (text, url) for text in HTML for url in URLS
    # CSS has no character references, its `\\` escapes the next character, and a form feed ends a string: below
    if not ("style" in text and ("&#" in url or "\\" in url or "\x0c" in url))
    and not ("srcset" in text and ("&#9;" in url or url != url.strip()))])  # whitespace ends a `srcset` candidate
def test_no_cleaned_html_file_loads_from_another_host(text: str, url: str) -> None:
    """K3: each is reported, and the file is packaged without it."""
    data = text.format(url=url.format(SHARE)).encode()
    assert script_in(data, ".html"), data
    assert SHARE.encode() not in without_script(data, ".html"), data


@pytest.mark.parametrize("css", [
    "background:url(//h/{s}/a.png)", "background:url(\\\\\\\\h\\\\{s}\\\\b.png)", "background:url(/\\\\h/{s}/c.png)",
    "background:url('\\2f\\2f h/{s}/d.png')", "background:url(\\2f\\2f h/{s}/e.png)", "background:u\\72l(//h/{s}/f)",
    "background:url(HTTP://h/{s}/g.png)", "--x:url(//h/{s}/h.png)", "background:url(fIlE:////h/{s}/i.png)",
])
def test_no_html_style_loads_from_another_host(css: str) -> None:
    """K3 in CSS, escapes decoded as a browser decodes them, in `style=` and in a `<style>` sheet."""
    for data in (f'<!doctype html><div style="{css.format(s=SHARE)}">y</div>'.encode(),
                 f"<!doctype html><style>p {{ {css.format(s=SHARE)} }}</style><p>x</p>".encode()):
        assert script_in(data, ".html"), data
        assert SHARE.encode() not in without_script(data, ".html"), data


@pytest.mark.parametrize(("suffix", "text"), [
    (".html", '<!doctype html><p><a href="//host/{s}/x">x</a></p>'),
    (".html", '<!doctype html><p><a href="\\\\host\\{s}\\x">x</a></p>'),
    (".svg", '<svg xmlns="http://www.w3.org/2000/svg"><a href="/\\host/{s}/x"><text>x</text></a></svg>'),
])
def test_a_link_without_a_scheme_is_removed_as_a_file_url_is(suffix: str, text: str) -> None:
    """From disk `<a href="//host/…">` opens `file://host/…`, a share, as `<a href="file://host/…">` (removed since
    18-verify24 H6) does: it is removed from a link too, with its own line."""
    data = text.format(s=SHARE).encode()
    assert [what for _, what in script_in(data, suffix)] == [
        "URL of another host without a scheme (a network share when the web folder is opened from disk; a link to "
        "another site says `https://`) in `href`"]
    assert SHARE.encode() not in without_script(data, suffix)


def test_html_keeps_its_own_files_data_and_links_to_other_sites() -> None:
    """What loads from the package (relative paths, `/`-rooted ones, a `data:` picture), a link to another site with
    its scheme, and text that merely holds a slash or a colon stay, byte for byte in what is packaged."""
    text = ('<p><a href="https://example.org/more">more</a> <a href="mailto:a@example.org">mail</a> '
            '<a href="other.html#s2">next</a><img src="pictures/a.png" alt="Slide 2/3: the plan" '
            'srcset="pictures/a.png 1x, pictures/a@2x.png 2x"><img src="/media/b.png" alt="">'
            '<img src="data:image/png;base64,iVBORw0KGgo=" alt=""></p>'
            '<div style="background: url(pictures/c.png); font-family: \'Open Sans\'">y</div>'
            '<style>p { background: url("pictures/d.png") }</style>')
    data = f"<!doctype html>{text}".encode()
    assert script_in(data, ".html") == []
    for part in ('href="https://example.org/more"', 'src="pictures/a.png"', 'src="/media/b.png"', "data:image/png",
                 "url(pictures/c.png)", 'url("pictures/d.png")', 'alt="Slide 2/3: the plan"'):
        assert part.encode() in without_script(data, ".html"), part
