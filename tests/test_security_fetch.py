"""The kit's file fetcher and the bounded children against the twelfth security attack (issue 18, 18-verify12): a
FIFO named by a kit style sheet hung `kit` for ever (B2); and against the fifteenth (18-verify15): the fetcher reads
exactly the project file `check` maps (E1, E3)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from test_security import fails_with
from test_security_urls import PROBE, pdf_text

from builder import bounded, kit

from conftest import FIXTURES

#: A kit document whose style sheet names `../media/f.woff` as a font and `../media/p.png` as a background.
FETCHING = ("<html><head><style>@font-face { font-family: X; src: url(../media/f.woff) } p { font-family: X }\n"
            "div.z { background: url(../media/p.png) no-repeat; height: 20px }</style></head>"
            "<body><div class='z'>x</div><p>y</p></body></html>\n")


def waiting() -> bytes:
    """Work that waits for ever without using processor time, as an open() of a FIFO with no writer does."""
    time.sleep(3600)
    return b""


def test_a_bounded_child_that_waits_is_killed_past_its_wall_clock_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify12 B2: a child blocked on a read uses no processor time, so RLIMIT_CPU never ends it and the parent
    waited for ever. Past `wall_seconds` (lowered here to 0.5 s) it is killed, with one line."""
    monkeypatch.setattr(bounded, "wall_seconds", lambda seconds: 0.5)
    start = time.monotonic()
    with pytest.raises(bounded.OverWallTime) as stopped:
        bounded.bounded(waiting, "Tool", 1, 2**30)
    assert time.monotonic() - start < 5
    assert re.fullmatch(r"Tool took more than 0\.5 s \(wall-clock time\) for it, working [0-9.]+ s of processor time in "
                        r"them: the machine may be too busy, or it waited \(for a FIFO or a device it was given to "
                        r"read\?\)", str(stopped.value)), stopped.value
    assert bounded.bounded(lambda: b"made", "Tool", 1, 2**30) == b"made"  # work that ends is not stopped


def working() -> bytes:
    """Work that uses processor time for ever, as a layout on a machine too busy to give it all it asks does."""
    while True:
        pass


def test_a_bounded_child_that_works_past_its_wall_clock_bound_is_not_said_to_wait(monkeypatch: pytest.MonkeyPatch
                                                                                   ) -> None:
    """18-verify20 B4: at a load of 8-10, a WeasyPrint child that had used 25 of its 30 s of processor time in 100 s
    was said to be "waiting rather than working (for a FIFO …?)". The line now says what it worked, and both
    causes."""
    monkeypatch.setattr(bounded, "wall_seconds", lambda seconds: 1.5)
    with pytest.raises(bounded.OverWallTime) as stopped:
        bounded.bounded(working, "Tool", 5, 2**30)
    worked = re.search(r"working ([0-9.]+) s of processor time in them: the machine may be too busy", str(stopped.value))
    assert worked and float(worked.group(1)) > 0, stopped.value


def test_the_kits_fetcher_never_opens_a_fifo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """18-verify12 B2: a FIFO as a kit style sheet's font or background made WeasyPrint's child wait for a writer
    for ever. The fetcher refuses anything not a regular file before it is opened: the PDF is made without them
    (with the wall-clock bound lowered to 3 s, which the old fetcher passed)."""
    monkeypatch.setattr(bounded, "wall_seconds", lambda seconds: 3)
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    os.mkfifo(record / "course/media/f.woff")
    os.mkfifo(record / "course/media/p.png")
    assert kit.to_pdf(FETCHING, record, "attendance-sheet").startswith(b"%PDF")


def own_attendance_sheet(tmp_path: Path, body: str) -> Path:
    """The record course with a kit template of its own for the attendance sheet, whose body is `body`."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    sheet = record / "templates/kit/attendance-sheet.html"
    sheet.parent.mkdir(parents=True, exist_ok=True)
    sheet.write_text('{% extends "kit/base.html" %}\n{% block title %}Attendance sheet{% endblock %}\n'
                     f"{{% block body %}}{body}\n{{% endblock %}}\n", encoding="utf-8")
    return record


def test_check_reports_a_fifo_a_kit_style_sheet_names(tmp_path: Path) -> None:
    """18-verify12 B2: `check` said ok for a FIFO as a kit style sheet's font (never read by check) or background:
    one line for each, at the template line or the sheet's, exit 1, and `kit` the same, writing nothing."""
    record = own_attendance_sheet(tmp_path, "<style>\n@font-face { font-family: X; src: url(../media/f.woff) }\n"
                                  "p { font-family: X }</style><link rel='stylesheet' href='../media/k.css'><p>y</p>")
    (record / "course/media/k.css").write_text("div { height: 2px }\n@color-profile --p { src: url(p.icc) }\n")
    os.mkfifo(record / "course/media/f.woff")
    os.mkfifo(record / "course/media/p.icc")
    expected = [
        "templates/kit/attendance-sheet.html:4: `../media/f.woff`, named by the kit's attendance-sheet, is not a "
        "regular file (course/media/f.woff is a FIFO, a device or a socket), so the kit cannot read it (replace it "
        "with the file itself)",
        "course/media/k.css:2: `p.icc`, named by the kit's attendance-sheet, is not a regular file "
        "(course/media/p.icc is a FIFO, a device or a socket), so the kit cannot read it (replace it with the file "
        "itself)"]
    for command, extra in (("check", ()), ("kit", ("--out", str(tmp_path / "out")))):
        lines = fails_with(record, expected[0], *extra, command=command)
        assert expected[1] in lines


def test_a_base_element_in_a_kit_template_is_refused(tmp_path: Path) -> None:
    """18-verify12 B1: `<base href>` moved where WeasyPrint resolved the document's links, so a sheet `check` never
    read (`../media/` + `k.css`) was laid out by `kit`. Refused by `check` and `kit`, one line at the template."""
    record = own_attendance_sheet(tmp_path, "<p>x</p>\n<BASE href='../media/'><link rel='stylesheet' href='k.css'>")
    (record / "course/media/k.css").write_text('p::after { content: "LOADED-VIA-BASE" }\n')
    expected = ("templates/kit/attendance-sheet.html:4: the kit's attendance-sheet has a `<base>` element, which would "
                "make its PDF read links, style sheets and pictures from elsewhere than `check` reads them (remove the "
                "`<base>` element: a kit template's paths start from course/pages/)")
    fails_with(record, expected, command="check")
    fails_with(record, expected, "--out", str(tmp_path / "out"), command="kit")


def test_a_child_killed_waiting_spends_what_is_left_of_an_allowance(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child killed past its wall-clock bound used almost no processor time, so the kit's next document (or the
    slides' next figure) would wait as long again: seven blocked documents would hold `kit` seven times as long.
    Once one is killed so, nothing is left of the allowance and no other child is started."""
    monkeypatch.setattr(bounded, "wall_seconds", lambda seconds: 0.5)
    allowance = bounded.Allowance(60, 30)
    with pytest.raises(bounded.OverWallTime):
        allowance.run(lambda seconds: bounded.bounded(waiting, "Tool", seconds, 2**30))
    assert allowance.spent


@pytest.mark.parametrize("other", ["link", "fifo"])
def test_the_kits_fetcher_reads_the_file_check_maps_for_a_url_with_two_fragments(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other: str) -> None:
    """18-verify15 E1: `check` maps `../media/k#a.css#b` to course/media/k (a URL ends at its first `#`), but the
    fetcher handed the URL to urllib, which cuts it at its last `#` and opened `k#a.css`: here a symbolic link to a
    sheet outside the project, which was applied, or a FIFO, which held the child until its wall-clock bound
    (lowered here to 3 s). The fetcher now reads the file `check` maps; a single fragment is read as before."""
    monkeypatch.setattr(bounded, "wall_seconds", lambda seconds: 3)
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (tmp_path / "outside.css").write_text(PROBE)
    (record / "course/media/k").write_text("b { color: red }\n")
    if other == "link":
        (record / "course/media/k#a.css").symlink_to(tmp_path / "outside.css")
    else:
        os.mkfifo(record / "course/media/k#a.css")
    assert "LOADED-PROBE" not in pdf_text(record, "../media/k#a.css#b")
    (record / "course/media/k.css").write_text(PROBE)
    assert "LOADED-PROBE" in pdf_text(record, "../media/k.css#a")


def test_the_kit_reads_from_a_symbolic_link_course_pages_as_check_does(tmp_path: Path) -> None:
    """18-verify15 E3: with `course/pages -> real/pages`, the kit's documents started from the resolved folder
    (`../media/k.css` read course/real/media/k.css) and `check` from course/pages as written (course/media/k.css).
    Both now start from the folder as written (`kit.project_url`)."""
    record = tmp_path / "record"
    shutil.copytree(FIXTURES / "record", record)
    (record / "course/real/media").mkdir(parents=True)
    (record / "course/pages").rename(record / "course/real/pages")
    (record / "course/pages").symlink_to("real/pages")
    (record / "course/media/k.css").write_text(PROBE)
    (record / "course/real/media/k.css").write_text('p::before { content: "OTHER-SHEET" }\n')
    text = pdf_text(record, "../media/k.css")
    assert "LOADED-PROBE" in text
    assert "OTHER-SHEET" not in text
