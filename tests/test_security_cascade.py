"""Issue 18, tenth verification Z2, for every rule: WeasyPrint (the kit's PDFs) and CairoSVG (the slides' figures)
match every selector of every style sheet they cascade against every element, whatever the rule sets. A rule that
coursebuild itself never matched (`color`, `fill`) backtracked as exponentially as the background and break rules
that Z2 named: `check` said ok, and `kit` or `slides` ran into its child's bound. Each is refused by `check`, and by
`kit` and `slides` before their renderer starts, at the rule.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import cssselect2
import pytest
from test_security import KIT_SHEET, kit_sheet
from test_security_backgrounds import refused

from builder import backgrounds, kit, media
from builder.loading import load_project
from builder.model import Course

from conftest import FIXTURES, REPO, run

#: A chain of 9 descendant combinators (more than media.MAX_SELECTOR_COMBINATORS), and what each document says of it.
CHAIN = "z " + "div " * 8 + "p"
TOO_COMPLEX = ("the kit's attendance-sheet has a style rule whose selector is too complex to match (9 descendant, `~` "
               "or `:has()` combinators and sibling loops, more than 4): {} (select the element with a class instead "
               "of a long chain of ancestors or siblings)")
TOO_MANY_TRIES = (f"{KIT_SHEET}:1: matching the selectors of the style rules of the kit's attendance-sheet against its "
                  f"elements takes more than {media.MAX_CASCADE_TRIES:,} tries (select elements with classes, not with "
                  "chains of ancestors or siblings, and write fewer rules)")


def nested(depth: int, inner: str = "<p>x</p>") -> str:
    return "<div>" * depth + inner + "</div>" * depth


@pytest.fixture
def record(tmp_path: Path) -> Path:
    target = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", target)
    return target


@pytest.mark.parametrize("command", ["check", "kit"])
def test_a_colour_rule_whose_selector_backtracks_is_refused_at_its_line(record: Path, command: str) -> None:
    """Z2(b) with `color` instead of `background` (13 `div`s over 30 levels: `check` ok, `kit` killed at WeasyPrint's
    30 s bound), scaled down: refused at the template's line that writes the rule."""
    (record / "templates/kit").mkdir(parents=True)
    (record / KIT_SHEET).write_text(f"<html><head><style>\n  h1 {{ color: navy }}\n  {CHAIN} {{ color: red }}\n"
                                    f"</style></head><body>{nested(20)}</body></html>\n")
    refused(record, command, f"{KIT_SHEET}:3: {TOO_COMPLEX.format(CHAIN)}")


@pytest.mark.parametrize(("sheet", "line"), [
    (f"p {{ color: navy }}\n{CHAIN} {{ color: red }}\n", 2),
    (f"@media print {{\n  @supports (color: red) {{\n    {CHAIN} {{ color: red }}\n  }}\n}}\n", 3),
    ('@import "deep.css";\n', 4),  # a sheet the linked one imports, at its own line
])
def test_a_rule_of_a_linked_or_imported_sheet_is_refused_at_its_file_and_line(record: Path, sheet: str,
                                                                               line: int) -> None:
    (record / "course/media/kit.css").write_text(sheet)
    (record / "course/media/deep.css").write_text(f"p {{ color: navy }}\n\n\n{CHAIN} {{ color: red }}\n")
    kit_sheet(record, '<link rel="stylesheet" href="../media/kit.css">' + nested(20))
    file = "course/media/deep.css" if "@import" in sheet else "course/media/kit.css"
    refused(record, "check", f"{file}:{line}: {TOO_COMPLEX.format(CHAIN)}")


@pytest.mark.parametrize("href", [
    "../../../record/course/media/kit.css",  # climbs out of the project and back in
    "{root}/course/media/kit.css",  # an absolute path
])
def test_a_sheet_named_by_a_path_that_leaves_the_project_and_comes_back_is_read(record: Path, href: str) -> None:
    """18-verify13 C1: `check` resolved these outside the project and skipped the sheet, which WeasyPrint resolves
    (against the file: URL of course/pages) to the project's own file and the kit's fetcher reads: `check` said ok and
    `kit` ran 32 s into WeasyPrint's bound. They are resolved as WeasyPrint resolves them."""
    (record / "course/media/kit.css").write_text(f"p {{ color: navy }}\n{CHAIN} {{ color: red }}\n")
    kit_sheet(record, f'<link rel="stylesheet" href="{href.format(root=record.resolve().as_posix())}">' + nested(20))
    refused(record, "check", f"course/media/kit.css:2: {TOO_COMPLEX.format(CHAIN)}")


def test_a_sheet_named_by_a_network_path_to_this_computer_is_refused(record: Path) -> None:
    """18-verify13 C1's `//localhost/<project>/…`: the kit's fetcher reads only URLs under the project folder's own
    `file:///…/` (18-verify14 D1), so `check` refuses this one with one line instead of reading the sheet."""
    (record / "course/media/kit.css").write_text(f"p {{ color: navy }}\n{CHAIN} {{ color: red }}\n")
    href = f"//localhost{record.resolve().as_posix()}/course/media/kit.css"
    kit_sheet(record, f'<link rel="stylesheet" href="{href}">' + nested(20))
    refused(record, "check", f"{KIT_SHEET}:1: `{href}`, named by the kit's attendance-sheet, names a file of the "
            "project otherwise than by its path in the project folder (another host, escapes or case), which the kit "
            f"does not read ({kit.WRITE_IT_RELATIVE})")


def test_a_rule_in_the_projects_base_template_is_refused_at_its_line_for_each_document(record: Path) -> None:
    (record / "templates/kit").mkdir(parents=True)
    base = (REPO / "builder/templates/kit/base.html").read_text()
    (record / "templates/kit/base.html").write_text(base.replace("</style>", f"  {CHAIN} {{ color: red }}\n</style>"))
    line = base[:base.index("</style>")].count("\n") + 1
    result = run("check", record)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"templates/kit/base.html:{line}: {TOO_COMPLEX.format(CHAIN).replace('attendance-sheet', name)}"
        for name in sorted(kit.DOCUMENTS)] + [f"course invalid: {len(kit.DOCUMENTS)} errors"]


def test_every_complex_rule_is_reported_once_each(record: Path) -> None:
    (record / "templates/kit").mkdir(parents=True)
    (record / KIT_SHEET).write_text(f"<html><head><style>\n{CHAIN} {{ color: red }}\n"
                                    f"{CHAIN.replace('z ', 'y ')} {{ color: blue }}\n</style></head><body>"
                                    f"{nested(20)}</body></html>\n")
    result = run("check", record)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"{KIT_SHEET}:2: {TOO_COMPLEX.format(CHAIN)}",
                                          f"{KIT_SHEET}:3: {TOO_COMPLEX.format(CHAIN.replace('z ', 'y '))}",
                                          "course invalid: 2 errors"]


@pytest.mark.parametrize(("style", "combinators"), [
    # CSS Nesting: WeasyPrint gives each nested rule its holder's selector in `:is()` before its own
    ("z div { div { div { div { div { div p { color: red } } } } } }", 7),
    # `&` outside any rule is `:root`
    ("& div div div div div p { color: red }", 6),
    # `:nth-child(… of S)` tests S against each earlier sibling: five levels are 40⁵ tries over 40 siblings
    (":nth-child(n of :nth-child(n of :nth-child(n of :nth-child(n of :nth-child(n of p))))) { color: red }", 5),
    ("p:first-of-type:last-of-type:only-of-type:nth-of-type(n):nth-last-of-type(n) { color: red }", 5),
])
def test_selectors_that_backtrack_in_other_ways_are_refused(record: Path, style: str, combinators: int) -> None:
    kit_sheet(record, nested(20) + "<p>x</p>" * 40, style)
    problems = kit.document_problems(_course(record), "attendance-sheet",
                                     (record / KIT_SHEET).read_text())
    assert any(f"too complex to match ({combinators} descendant" in problem.message for problem in problems), problems


@pytest.mark.parametrize(("selector", "reason"), [
    # cssselect2's code for it nests more parentheses than Python compiles: WeasyPrint fails with a SyntaxError
    ("p" + " > p" * 70, "has a style rule whose selector is too long to match: p > p > p"),
    # cssselect2 parses and compiles it recursively: WeasyPrint fails with a RecursionError
    (":not(" * 400 + "p" + ")" * 400, "has a style rule whose selector nests functions or brackets 400 deep, more than "
                                      f"{media.MAX_SELECTOR_NESTING}"),
    # cssselect2 compiles no attribute of any namespace with a value: WeasyPrint fails with a NotImplementedError
    ("p, [*|a=x]", "has a style rule whose selector cannot be matched (an attribute of any namespace, `*|`, with a "
                   "value): p, [*|a=x]"),
])
def test_a_selector_that_makes_weasyprint_fail_is_refused(record: Path, selector: str, reason: str) -> None:
    """Neither backtracks, but WeasyPrint fails the whole document on either (`check` said ok)."""
    kit_sheet(record, "<p>x</p>", f"{selector} {{ color: red }}")
    problems = kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text())
    assert [reason in problem.message for problem in problems] == [True], problems


def test_rules_nested_too_deep_or_too_long_are_refused(record: Path) -> None:
    deep = "p { " * 10 + "color: red" + " }" * 10
    grown = "p { " + "&&&&&&&&&& { " * 5 + "color: red" + " }" * 6
    for style, reason in ((deep, "nests style rules more than 8 deep"), (grown, "would be more than 2,000 tokens")):
        kit_sheet(record, "<p>x</p>", style)
        problems = kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text())
        assert [reason in problem.message for problem in problems] == [True], problems


def test_many_cheap_rules_over_many_elements_are_refused_by_their_tries(record: Path) -> None:
    """No selector backtracks, but 300 rules that every element is tested against, over 4,000 elements, are 1.2
    million tries: WeasyPrint makes each."""
    kit_sheet(record, "<p>x</p>" * 4000, "".join(f"*:nth-child(n+{i}) {{ color: red }}" for i in range(300)))
    refused(record, "check", TOO_MANY_TRIES)


def test_a_long_selector_tested_against_every_element_is_charged_for_its_length(record: Path) -> None:
    """One `:is()` of 1,000 names is tested against each of 1,500 elements, each test up to 1,000 comparisons
    (1.5 million); a 256 KB sheet of them over 5,000 elements is about 10 s of WeasyPrint's time."""
    kit_sheet(record, "<p>x</p>" * 1500, f":is({', '.join(f'x{i}' for i in range(1000))}) {{ color: red }}")
    refused(record, "check", TOO_MANY_TRIES)


#: Issue 18, twelfth verification, B3: cssselect2 tests `[a~=v]` by splitting the attribute's value into a new list of
#: words, and any attribute selector with a value by copying it out (lower-cased for `i`): 3,000 rules over 40
#: elements with 5 KB values were 120,000 tries, and took the kit's WeasyPrint past its 30 s bound. Scaled down:
#: these rules over `LONG` values are about 5 s of WeasyPrint's time.
LONG = "x " * 2500


@pytest.mark.parametrize("rule", ["[a~=z{}] {{ color: red }}", ":not([a~=z{}]) {{ color: red }}",
                                  ":is(i[a~=z{}], b) {{ color: red }}"])
def test_word_tests_of_long_attribute_values_are_charged_for_their_length(record: Path, rule: str) -> None:
    """B3 (s1) as reported, in a sheet the template links to: `check` said ok (13,200 tries), `kit` took 34 s."""
    (record / "course/media/a.css").write_text("\n".join(rule.format(i) for i in range(300)) + "\n")
    kit_sheet(record, '<link rel="stylesheet" href="../media/a.css">' + f'<i a="{LONG}">x</i>' * 40)
    refused(record, "check", TOO_MANY_TRIES)


def test_attribute_tests_are_charged_by_the_longest_value_of_their_attribute(record: Path) -> None:
    """Every test of `[a=v i]` copies and lower-cases the value (8 ns a character for these): 180 KB of them are
    1.4 million tries. The same rules over short values, or over long values of another attribute, stay cheap."""
    rules = "".join(f"[a=z{i} i] {{ color: red }}" for i in range(1000))
    for body, problems in ((f'<i a="{"É" * 3000}">x</i>' * 30, 1), ('<i a="x y">x</i>' * 30, 0),
                           (f'<i b="{"É" * 3000}">x</i>' * 30, 0)):
        kit_sheet(record, body, rules)
        found = kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text())
        assert len(found) == problems and all("tries" in problem.message for problem in found), found


def test_what_a_kit_template_may_well_write_is_accepted(record: Path) -> None:
    kit_sheet(record, nested(20, '<table class="t"><tr><td><p class="a">x</p></td></tr></table>') + "<p>x</p>" * 200,
              ".t td p.a { color: red } main > h1 + p { margin: 0 } p:first-of-type { font-weight: bold } "
              "div { &.x { color: blue } p { color: green } } @media print { li ~ li { margin: 0 } }")
    assert kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text()) == []


def _course(record: Path) -> Course:
    course, problems = load_project(record)
    assert course is not None and not problems, problems
    return course


def test_the_background_matcher_still_bounds_its_own_rules(record: Path) -> None:
    """250 background rules of one class each are 250 tries an element for the cascade, but the background count
    takes each against every element."""
    html = ("<html><head><style>" + "".join(f".c{i} {{ background: url(x.png) no-repeat }}" for i in range(250))
            + "</style></head><body>" + "<p>x</p>" * 4000 + "</body></html>")
    problem = backgrounds.tiling_problem(html, record, "attendance-sheet", KIT_SHEET)
    assert problem is not None and "are more than can be matched quickly" in problem.message, problem


SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100"><title>t</title>'


@pytest.mark.parametrize("style", [
    "z " + "g " * 8 + "rect { fill: red }",  # Z2(a) with `fill`: only rules setting what the estimate reads were tried
    "z" + " ~ rect" * 6 + " { stroke: blue }",
    ":nth-child(n of :nth-child(n of :nth-child(n of :nth-child(n of :nth-child(n of rect))))) { fill: red }",
    ":not(" * 400 + "rect" + ")" * 400 + " { fill: red }",  # a RecursionError out of `check` itself
])
def test_an_svg_rule_that_sets_anything_is_matched_within_the_bound(style: str) -> None:
    """CairoSVG and WeasyPrint cascade every rule of a figure's `<style>`: `z g … g rect { fill: red }` with 13 `g`s
    over 30 nested `<g>`s passed `check` (0.5 s) and took `slides` 10.5 s, to its child's bound."""
    svg = (f"{SVG_HEAD}<style>{style}</style>" + "<g>" * 20 + "<rect width='1' height='1'/>" * 40 + "</g>" * 20
           + "</svg>")
    assert media.svg_drawing_problem(svg.encode()) is not None
    assert media.svg_drawing_problem(svg.replace(style, "g rect { fill: red }").encode()) is None


@pytest.mark.parametrize("command", ["check", "slides"])
def test_a_figure_whose_fill_rule_backtracks_is_refused_before_cairosvg_runs(record: Path, command: str) -> None:
    (record / "course/media/cues.svg").write_text(f"{SVG_HEAD}<style>z {'g ' * 8}rect {{ fill: red }}</style>"
                                                  + "<g>" * 20 + "<rect width='1' height='1'/>" + "</g>" * 20
                                                  + "</svg>")
    result = run(command, record, *(["--out", record.parent / "out"] if command == "slides" else []))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert result.stderr.splitlines()[0].startswith("course/media/cues.svg:1: this figure has a style rule whose "
                                                    "selector is too complex to match (9 descendant"), result.stderr


def _attribute_figure(value: str) -> str:
    return (f"{SVG_HEAD}<style>{''.join(f'[a~=z{i}]{{fill:red}}' for i in range(300))}</style>"
            + f'<rect width="1" height="1" a="{value}"/>' * 40 + "</svg>")


@pytest.mark.parametrize("command", ["check", "slides"])
def test_a_figure_whose_rules_split_long_attribute_values_is_refused(record: Path, command: str) -> None:
    """B3 (s2) as reported, a page figure with no template: `check` said ok, `slides` ran into CairoSVG's 10 s bound."""
    (record / "course/media/cues.svg").write_text(_attribute_figure(LONG))
    result = run(command, record, *(["--out", record.parent / "out"] if command == "slides" else []))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert result.stderr.splitlines()[0].startswith(
        f"course/media/cues.svg:1: this figure has style rules whose selectors take more than "
        f"{media.MAX_CASCADE_TRIES:,} tries to match against its elements"), result.stderr
    assert media.svg_drawing_problem(_attribute_figure("x y").encode()) is None


def test_the_built_in_kit_documents_cascade_within_the_bounds() -> None:
    """A document the project writes no template of is not read for this (`kit._cascade_problems`): the built-in
    templates must extend `kit/base.html` alone, and their rules stay within the bounds over this course's
    documents, its largest (the questionnaire) taking 231 tries."""
    for template in (REPO / "builder/templates/kit").glob("*.html"):
        assert re.findall(r"{%-?\s*(?:extends|include|import|from)\s+([^\s%]+)", template.read_text()) == (
            [] if template.name == "base.html" else ['"kit/base.html"']), template
    course = _course(REPO)
    for name, html in kit.render_kit(course).items():
        root, styles = backgrounds.cascaded_rules(html, REPO)
        rules = styles.selectors
        tries = media.cascade_tries(((prelude, None) for prelude, *_ in rules), root,
                                    cssselect2.ElementWrapper.from_html_root(root).iter_subtree())
        assert 0 < tries < media.MAX_CASCADE_TRIES // 100, (name, tries)


#: What a kit's style sheets may not use (18-verify18 B5, B6, B8), scaled down: (style, body, (what, its line)).
UNNEEDED: dict[str, tuple[str, str, list[tuple[str, int]]]] = {
    "counter style": ('@counter-style stars { system: symbolic; symbols: "*"; }\np.x::before { content: counter(c, '
                      "stars) }", '<p class="x">hi</p>', [("`@counter-style`", 2)]),
    "symbols()": ("p.x { counter-reset: c 1000 }\np.x::before { content: counter(c, symbols(symbolic '*')) }",
                  '<p class="x">hi</p>', [("`symbols()`", 3)]),
    "leader": ('p.x::after { content: leader(".") }', '<p class="x">hi</p>', [("`leader()`", 2)]),
    "leader, escaped, through var()": (':root { --l: le\\61 der(".") }\np.x::after { content: var(--l) }',
                                       '<p class="x">hi</p>', [("`leader()`", 2),  # 18-verify20 B8: at its line
                                                                 ("`content: var(--l)`", 3)]),  # 18-verify19 D2
    "string-set": ("@page { @top-center { content: string(s) } }\ndiv.s { string-set: s content() }",
                   '<div class="s">word</div>', [("`string()`", 2), ("`string-set`", 3)]),
    "running": ("div.f { position: running(top) }\n@page { @top-center { content: element(top) } }",
                '<div class="f">x</div>', [("`running()`", 2), ("`element()`", 3)]),
    "target-text": ("a::after { content: target-text(attr(href)) }", '<a href="#t">x</a><p id="t">y</p>',
                    [("`target-text()`", 2)]),
    # 18-verify20 B7: WeasyPrint lays the pages out again for the numbers of links' targets
    "target-counter": ('a.t::after { content: target-counter(attr(href), page) }\n'
                       "a.u::after { content: TARGET-COUNTERS(attr(href), c, '.') }",
                       '<a class="t" href="#t">x</a><a class="u" href="#t">x</a><p id="t">y</p>',
                       [("`target-counter()`", 2), ("`TARGET-COUNTERS()`", 3)]),
    # B6: text added at each hyphenated line's end, laid out again for each place the line may break
    "long hyphenate-character": ('p.h { hyphenate-character: "' + "A" * 20 + '" }\n:root { --h: "-" }\n'
                                 "p.i { -weasy-hyphenate-character: var(--h) }",
                                 '<p class="h">xy&shy;xy</p><p class="i">xy&shy;xy</p>',
                                 [('`hyphenate-character: "' + "A" * 20 + '"`', 2),
                                  ("`-weasy-hyphenate-character: var(--h)`", 4)]),
    # B8: each at the template's line that writes it, however written (they were at line 1)
    "written otherwise": ("div.g{d\\69 splay: gr\\69 d}\n@media print{@supports (color:red){@layer l{\n"
                          "div.h{/**/display/**/:/**/grid}}}}\ndiv.k { color: red;\n  display:table-cell }",
                          '<div class="g">x</div><div class="h">x</div><div class="k">x</div>\n'
                          '<noscript><style>\n.n { display: grid }</style></noscript>\n<div style="display:GRID">y'
                          "</div>", [("`display: grid`", 2), ("`display: grid`", 4),
                                     ("`display: table-cell`", 6), ("`display: grid`", 9), ("`display: GRID`", 10)]),
    # 18-verify19 D1: elements made columns, column groups or cells by CSS, whose `span`/`colspan` went uncounted
    "table parts": (".g { display: table-column-group }\n.c { display: TABLE-CELL }",
                    '<div class="g" span="9"></div><div class="c">y</div>', [("`display: table-column-group`", 2),
                                                                              ("`display: TABLE-CELL`", 3)]),
    "rows merged": ("tr { display: contents }", "<table><tr><td>y</td></tr></table>", [("`display: contents`", 2)]),
    "a cell's display inherited": ("", '<table><tr><td><div style="display: inherit" colspan="900">y</div></td>'
                                   "</tr></table>", [("`display: inherit`", 3)]),
    "through var()": (":root { --d: table-column }\ndiv { display: var(--d) }", "<div>x</div>",
                      [("`--d: table-column`", 2)]),
    "inherit through var()": (":root { --d: inherit }\ndiv { display: var(--d) }", "<div>x</div>",
                              [("`--d: inherit`", 2)]),
    # D3: a grid of a million tracks, or lines
    "grid": ("div.g { display: inline grid; grid-template-columns: repeat(1000000, 1px) }", '<div class="g">x</div>',
             [("`display: inline grid`", 2)]),
    # D2: generated text known only once laid out
    "content through var()": (":root { --t: 'A' }\np::before { content: var(--t) }", "<p>x</p>",
                              [("`content: var(--t)`", 3)]),
    # 18-verify20 B3: line breaking WeasyPrint prices badly: a dictionary's hyphens, breaks inside words, footnotes
    "hyphens: auto": ("p.w { -weasy-hyphens: AUTO }\nq { hyphens: manual }", '<p class="w" lang="en">x</p>',
                      [("`-weasy-hyphens: AUTO`", 2)]),
    "breaks inside words": ("p { word-break: break-all }\ntd { overflow-wrap: anywhere }\nli { word-wrap: "
                            "break-word }", "<p>x</p>", [("`word-break: break-all`", 2), ("`overflow-wrap: anywhere`", 3),
                                                         ("`word-wrap: break-word`", 4)]),
    "footnotes": ("span.f { float: footnote }\nimg { float: left }", '<p>a <span class="f">x</span></p>',
                  [("`float: footnote`", 2)]),
    "line breaking through var()": (":root { --h: auto }\np { hyphens: var(--h) }", "<p>x</p>",
                                    [("`hyphens: var(--h)`", 3)]),
    "content through nested var()": (":root { --t: attr(title); --u: var(--t) var(--t) }\np::before { content: "
                                     "var(--u) }", "<p>x</p>", [("`content: var(--u)`", 3)]),
}


@pytest.mark.parametrize("form", UNNEEDED)
def test_a_kit_style_sheet_may_not_multiply_text(record: Path, form: str) -> None:
    """B5: a 100-byte `@counter-style` (or `symbols()`) wrote a counter as 100,000,000 symbols; B6: `leader()` in a
    tiny font; B8: a 200 KB `string-set` copied onto 190 pages: `check` ok, `kit` out of memory or past its time.
    Refused at the template's line that writes it, however written."""
    style, body, expected = UNNEEDED[form]
    (record / "templates/kit").mkdir(parents=True)
    (record / KIT_SHEET).write_text(f"<html><head><style>\n{style}\n</style></head><body>{body}</body></html>\n")
    problems = kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text())
    assert [(re.findall(r"uses (`[^`]*`), which a kit may not", p.message)[0], p.line) for p in problems] == expected
    assert {p.path for p in problems} == {KIT_SHEET}


def test_a_linked_sheet_may_not_define_a_counter_style(record: Path) -> None:
    (record / "course/media/k.css").write_text("p { color: red }\n@counter-style s { system: symbolic; symbols: x }\n")
    (record / "templates/kit").mkdir(parents=True)
    (record / KIT_SHEET).write_text('<html><head><link rel="stylesheet" href="../media/k.css"></head><body>x</body>'
                                    "</html>\n")
    refused(record, "check", "course/media/k.css:2: the kit's attendance-sheet uses `@counter-style`, which a kit may "
            "not: it defines a counter style of its own, which may write one number as text of any length (a "
            "`symbolic` style writes 100,000,000 as that many symbols) (use a built-in counter style, such as "
            "`decimal`, `lower-alpha`, `lower-roman` or `disc`)")


@pytest.mark.parametrize(("style", "body", "multi_column"), [
    ("div.c { column-count: 3 }", nested(2).replace("<div>", '<div class="c">'), True),  # B12, scaled down
    ("div.c { columns: 2 auto }", '<div class="c"><p style="column-width: 5em">x</p></div>', True),
    ("div { display: flex }", nested(4), False),
    ("div { display: inline flex }", nested(2, '<div style="display: flex"><p class="c">x</p></div>')
     + '<style>.c { column-count: 2 }</style>', False),
])
def test_nested_flex_grid_and_multi_column_boxes_are_refused(record: Path, style: str, body: str,
                                                             multi_column: bool) -> None:
    """B12: six nested `column-count: 3` boxes (40 elements) passed `check`; `kit` ran past WeasyPrint's 30 s.
    Two multi-column boxes nested, or more than MAX_KIT_RELAYOUT_DEPTH flex, grid or multi-column ones, are refused."""
    kit_sheet(record, body, style)
    problems = kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text())
    assert len(problems) == 1 and problems[0].path == KIT_SHEET, problems
    assert ("nests a multi-column box inside another" in problems[0].message) is multi_column, problems


def test_what_a_kit_may_lay_out_in_columns_and_flex_is_accepted(record: Path) -> None:
    kit_sheet(record, nested(2, '<div class="c"><p>x</p></div>').replace("<div>", '<div class="f">')
              + '<div class="c">y</div>' * 3 + nested(20), ".f { display: flex } .c { column-count: 2 } p { columns: auto; display: block } ol { "
              "list-style: lower-roman } @page { @top-center { content: 'Sheet ' counter(page) } } "
              "p { hyphenate-character: '\\2010' } .h { hyphenate-character: auto; -weasy-hyphenate-character: "
              "'-' } .i { hyphenate-character: inherit }")
    assert kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text()) == []


@pytest.mark.parametrize("table", [
    "<table>" + '<col span="1000">' * 3 + "<tr><td>y</td></tr></table>",  # B7, scaled down
    '<table><colgroup span="300"></colgroup><tr><td>y</td></tr></table>',
    "<table><tr>" + '<td colspan=" 100x">y</td>' * 3 + "</tr></table>",
    '<table><tr><td rowspan="2" colspan="150">a</td><td>b</td></tr><tr><td colspan="60">c</td></tr></table>',
    '<table><col span="00000000000000000000000000000300"><tr><td>y</td></tr></table>',  # D1 (a)
    '<table><tr><td colspan="+0000300">y</td></tr></table>',
    "<table>" + '<td colspan="100x">y</td>' * 3 + "</table>",  # D1 (c): no <tr>, put in by the HTML parser
])
def test_a_kit_table_of_too_many_columns_is_refused(record: Path, table: str) -> None:
    """B7: 1,000 `<col span="1000">` (17 KB) made a million columns: `check` ok, `kit` out of memory. 18-verify19
    D1: spans read as WeasyPrint reads them (all their digits), on the tree it builds (a `<tr>` put in)."""
    kit_sheet(record, f"<div><table><tr><td>{table}</td></tr></table></div>")
    problems = kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text())
    assert len(problems) == 1 and f"more than the {kit.MAX_KIT_TABLE_COLUMNS} a page can show" in problems[0].message
    kit_sheet(record, table.replace('"1000"', '"50"').replace("300", "200").replace("100x", "60")
              .replace("150", "90"))
    assert kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text()) == []


@pytest.mark.parametrize(("style", "body"), [
    # 18-verify19 D2, scaled down: a long separator once per level of nesting, a long string on many elements
    ('div { counter-reset: c 1 } div::before { content: counters(c, "' + "A" * 1000 + '") }',
     nested(50, "x") * 10),
    ('p.x::before { content: "' + "A" * 2000 + '" }', '<p class="x">a</p>' * 200),
    ('li { list-style-type: "' + "A" * 2000 + '" }', "<ul>" + "<li>a</li>" * 200 + "</ul>"),
    ('ul { list-style: "' + "A" * 2000 + '" inside }', "<ul>" + "<li>a</li>" * 200 + "</ul>"),  # inherited
    ("p::after { content: attr(title) attr(title) attr(title) }", '<p title="' + "A" * 9000 + '">a</p>' * 10),
    ('@page { @top-center { content: "' + "A" * 2000 + '" } }', "<p>a</p>"),
    ("p { counter-reset: c 1" + "0" * 1000 + " } p::before { content: counter(c) }", "<p>a</p>" * 300),
])
def test_text_a_kit_style_sheet_writes_is_bounded(record: Path, style: str, body: str) -> None:
    """D2: `counters(c, "<100 KB>")` on 20 × 55 nested `<div>`, or a 200 KB `content` on 3,000 paragraphs, passed
    `check`; `kit` ran out of memory or past its 30 s. The text a kit's sheets write over every box they may reach
    is bounded by MAX_KIT_GENERATED_TEXT, at the document's line."""
    kit_sheet(record, body, style)
    problems = kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text())
    assert len(problems) == 1 and problems[0].path == KIT_SHEET, problems
    assert f"more than the {kit.MAX_KIT_GENERATED_TEXT:,} a kit document may write itself" in problems[0].message


def test_text_a_kit_may_well_write_is_accepted(record: Path) -> None:
    kit_sheet(record, nested(30, '<p class="n" title="Signed">x</p>') * 10 + "<ol>" + "<li>a</li>" * 300 + "</ol>",
              'div { counter-increment: d } div::before { content: counters(d, ".") " " }'
              ' p.n::after { content: "Name: " attr(title) open-quote close-quote } li { list-style-type: "- " }'
              ' @page { @bottom-right { content: "Page " counter(page) " of " counter(pages) } } q { quotes: "«" "»" }')
    assert kit.document_problems(_course(record), "attendance-sheet", (record / KIT_SHEET).read_text()) == []
