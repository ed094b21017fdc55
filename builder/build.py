"""The build pipeline: load and validate everything, render everything, then write output last."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

from builder import TARGETS
from builder.cache import start_build
from builder.errors import CourseInvalid, Problem, Severity
from builder.kit import drawing_problems, layout_problems, page_depth_problems
from builder.loading import load_project
from builder.manifest import LAUNCH_FILE, scorm12, scorm2004
from builder.media import Packaged, file_mode, real_path, unfollowed_link
from builder.model import Course
from builder.own_templates import Made, decoded_text, encoded_text, run
from builder.packaging import Together, replacing, source_date_epoch, write_file, write_folder, write_zip
from builder.parallel import interrupts_held
from builder.rendering import render_site
from builder.slides import deck_problems
from builder.sources import SOURCE_FOLDERS
from builder.theme import TemplateProblem, Theme, compile_problems, problem_of, template_problems
from builder.tracking import saved_progress_problem
from builder.validation import validate

MANIFESTS: dict[str, ModuleType] = {"scorm12": scorm12, "scorm2004": scorm2004}


@dataclass(frozen=True)
class Checked:
    """A course that passed validation, with the warnings it raised."""

    course: Course
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class Output:
    """One thing a build writes: a zip or a folder, and its files (bytes, or `media.OnDisk`: read when written)."""

    path: Path
    files: dict[str, Packaged]

    @property
    def is_zip(self) -> bool:
        return self.path.suffix == ".zip"


@dataclass(frozen=True)
class Built:
    """The result of a build."""

    checked: Checked
    outputs: tuple[Output, ...]


def check(project: Path, strict: bool = False, targets: tuple[str, ...] = TARGETS,
          templates: bool = False, output: bool = False, training_day: bool = False) -> Checked:
    """Load and validate the project for `targets`; raise CourseInvalid listing every problem if it has errors.

    Everything that would make building those targets fail is found here. With `strict`, warnings count as errors.
    With `templates` (the `check` command), the project's own templates are compiled, and the site, the reports and
    the kit are rendered as `build`, `report` and `kit` render them, with the project's templates or the built-in ones
    (`rendering_problems`); those commands render them themselves, and stop at the first template that fails. With
    `training_day` (the `check`, `kit` and `slides` commands), once no error is found, the slide deck is planned for
    its size (`slides.deck_problems`) and the kit's figures drawn (`kit.drawing_problems`): neither stops `build`,
    `report`, `export` or `preview`, which make neither (each build planned a deck it did not make). Then, if no
    error was found and a kit document is rendered from a template of the project's own, the kit's documents are laid
    out as `kit` lays them out, nothing written (`kit.layout_problems`).
    With `output` (the `check` command), the project's `dist/` is checked as the output folder that `build`, `kit`,
    `slides`, `report` and `export` write into without --out (`output_problems`): a project may carry a `dist` that
    is a file or a link (18-verify31 S4: `check` said ok, then each of them refused it).
    """
    start_build()
    course, problems = load_project(project)
    if output:
        problems += output_problems(project)
    unusable = template_problems(project)
    problems += unusable
    if course is not None:
        problems += validate(course)
        problems += [problem for target in targets if (problem := saved_progress_problem(course, target))]
        problems += page_depth_problems(course)
    kit_documents = None
    if templates and not unusable:
        found, kit_documents = rendering_problems(project, targets,
                                                  None if any(p.is_error for p in problems) else course)
        problems += found
    if training_day and course is not None and not any(p.is_error for p in problems):
        problems += deck_problems(course)
        problems += drawing_problems(course, kit_documents)
    if course is not None and kit_documents is not None and not any(p.is_error for p in problems):
        problems += layout_problems(course, kit_documents)
    if course is None or any(p.is_error or strict for p in problems):
        raise CourseInvalid(problems)
    return Checked(course, tuple(sorted(problems)))


def rendering_problems(project: Path, targets: tuple[str, ...],
                       course: Course | None) -> tuple[list[Problem], dict[str, str] | None]:
    """What makes `build` (of `targets`), `report` or `kit` fail in their templates, for `check`: the project's own
    templates that do not compile (`compile_problems`), and when all do and `course` (a course without errors so far)
    is given, what rendering makes them fail on (`_rendered`), all in the one bounded child of `own_templates.run` if
    the project has templates of its own (in this process if not); then the kit's documents rendered are checked
    here: kit images that may not be read (`kit.with_media`) and documents WeasyPrint may not be asked to lay out
    (`kit.document_problems`), all reported. With the problems, the kit's documents (name -> HTML) if they were
    rendered, for `kit.drawing_problems`, which would otherwise render them again."""
    from builder.kit import KitMedia, document_problems, with_media

    def work() -> Made:
        problems = compile_problems(project)
        return Made(problems=problems) if course is None or problems else _rendered(course, targets)

    try:
        made = run(project, work, len(course.pages) if course else 0)
    except TemplateProblem as exc:  # the child passed a bound
        return [problem_of(exc)], None
    problems = made.problems
    if course is None or "kit" not in made.groups:
        return problems, None
    documents = {name: decoded_text(html) for name, html in made.groups["kit"].items()}
    media = KitMedia(course.root, course)  # each image and text of the seven documents read and located once
    for name, html in documents.items():
        problems.extend(with_media(html, course.root, name, media)[2])
        problems.extend(document_problems(course, name, html))
    return problems, documents


def _rendered(course: Course, targets: tuple[str, ...]) -> Made:
    """What makes `build` (of `targets`), `report` or `kit` fail in their templates, found by rendering both reports,
    the site with each target's launch file as `build` renders them (`plan`: 18-verify18 A7) and the kit's documents
    in memory, with the kit's documents (group `kit`: name -> HTML) for `rendering_problems` to check: a mistake in
    the project's own templates, or a bound of what a rendering may do that the course's content takes a template
    past (a built-in one at the author's file: a page, `rendering._Renderer.too_large`; a kit document,
    `kit.render_kit`). A course's content alone took the built-in templates past their bounds after `check` said ok,
    when `check` rendered only a project's own (18-verify18 C8).

    The first failing template of each is reported (a render stops at it).
    """
    from builder.kit import kit_made
    from builder.report import build_report, render_report

    made = Made()
    report = build_report(course)

    def kit() -> None:
        made.groups.update(kit_made(course).groups)

    renders: list[Callable[[], object]] = [
        lambda: render_report(course, report, "md"), lambda: render_report(course, report, "html"),
        lambda: plan(course, targets, Path())]  # the outputs' folder only names them: nothing is written
    if course.settings.kit is not None:
        renders.append(kit)
    for render in renders:
        try:
            render()
        except TemplateProblem as exc:
            made.problems.append(problem_of(exc))
        except CourseInvalid as invalid:  # a built-in kit document past a bound, at the author's line
            made.problems.extend(invalid.problems)
    return made


def output_folder(project: Path, out_dir: Path | None = None) -> Path:
    """`out_dir` if given (the user chose it), else the project's `dist/`.

    Raises CourseInvalid if `dist` is a link: out of the project, a project someone sent you would make
    the build write into your other folders; inside it, among the project's sources (`dist -> course`); to
    nothing, to what is not a folder (`/dev/null`), or back to itself. Also if `dist` is there and is not a folder
    (a file, a FIFO), which nothing could be written into; and if the output folder, whichever it is, and a source
    folder overlap (`_among_sources`).
    """
    if problems := output_problems(project, out_dir):
        raise CourseInvalid(problems)
    return project / "dist" if out_dir is None else out_dir


def output_problems(project: Path, out_dir: Path | None = None) -> list[Problem]:
    """The problems `output_folder` raises for the output folder `out_dir`, or the project's `dist/` if None: those
    of `dist` itself (`_dist_problem`), else those of the folder and the sources (`_among_sources`)."""
    if out_dir is None and (problem := _dist_problem(project)):
        return [problem]
    return _among_sources(project, project / "dist" if out_dir is None else out_dir)


def _among_sources(project: Path, folder: Path) -> list[Problem]:
    """One problem for each source folder of the project (`sources.SOURCE_FOLDERS`) that the output folder `folder`
    is, or is inside (`--out course/pages`), or that leads into it (`templates -> dist`, `quizzes -> dist/banks`)
    while the project itself is not in it (`--out ..` holds every source folder, which is fine). The outputs would be
    written among the sources, which every later command reads again (a web folder of HTML in templates/ compiled
    as the project's own templates), or the sources kept among the outputs (18-verify24 J7). Links followed."""
    out, whole = real_path(folder), real_path(project)
    problems = []
    for name in SOURCE_FOLDERS:
        source, link = real_path(project / name), (project / name).is_symlink()
        if out.is_relative_to(source):  # there or not yet: the outputs would make it (`--out templates`)
            what = (f"`{name}` is the output folder `{folder}`" if out == source else
                    f"the output folder `{folder}` is inside `{name}`") + ": the outputs would be written among the " \
                "sources"
        elif source.is_relative_to(out) and not whole.is_relative_to(out):
            what = f"`{name}` leads into the output folder `{folder}`: the sources would be kept among the outputs"
        else:
            continue
        problems.append(Problem(name, 1, what, "replace the link with the folder itself, or choose another output "
                                "folder with --out" if link else "choose an output folder outside course/, quizzes/ "
                                "and templates/ with --out"))
    return problems


def _dist_problem(project: Path) -> Problem | None:
    """The problem of the project's `dist/` as the output folder (`output_folder`'s rules of `dist`); None if it
    may be one."""
    dist = project / "dist"
    mode = file_mode(dist)
    if dist.is_symlink():
        unfollowed = unfollowed_link(project, "dist")
        if unfollowed:
            what = unfollowed
        elif mode is None or not stat.S_ISDIR(mode):
            what = f"a symbolic link to `{os.readlink(dist)}`, which is not a folder"
        elif not real_path(dist).is_relative_to(real_path(project)):
            what = "a link to a folder outside the project"
        else:
            what = "a link to a folder inside the project, whose sources the build would write among"
        return Problem("dist", 1, f"`dist` is {what}", "delete the link, or choose an output folder with --out")
    if mode is not None and not stat.S_ISDIR(mode):
        return Problem("dist", 1, "`dist` is not a folder (a file, a FIFO or a device)",
                       "move it away, or choose an output folder with --out")
    return None


def output_name(course: Course, target: str) -> str:
    """`<course-id>-<version>-<target>` plus `.zip` for SCORM packages."""
    base = f"{course.settings.id}-{course.settings.version}-{target}"
    return f"{base}.zip" if target in MANIFESTS else base


def plan(course: Course, targets: tuple[str, ...], out_dir: Path) -> tuple[Output, ...]:
    """Render every requested target of a checked course in memory (with the project's own templates, in the child
    of `own_templates.run`)."""
    def work() -> Made:
        site = render_site(course, Theme.for_project(course.root))
        return Made({"site": site.files, "launch": {target: site.launch_file(target) for target in targets}})

    made = run(course.root, work, len(course.pages))
    outputs = []
    for target in targets:
        files = {**made.groups["site"], LAUNCH_FILE: made.groups["launch"][target]}
        if target in MANIFESTS:
            files.update(MANIFESTS[target].package_files(course.settings, sorted(files)))
        outputs.append(Output(out_dir / output_name(course, target), files))
    return tuple(outputs)


def build(project: Path, targets: tuple[str, ...] = TARGETS, out_dir: Path | None = None,
          strict: bool = False) -> Built:
    """Validate the project, render the targets, then write them into `out_dir` (default `dist/`): all of them
    or, if the machine stops one (a full disk), none, the previous build's outputs left as they were."""
    checked = check(project, strict, targets)
    outputs = plan(checked.course, targets, output_folder(project, out_dir))
    epoch = source_date_epoch()

    # one output a thread: compressing and writing release the interpreter lock; the pool ends (every write
    # done) before `together`
    with Together() as together, ThreadPoolExecutor() as pool:
        def write(output: Output) -> None:
            if output.is_zip:
                with replacing(output.path, together=together) as stream:  # straight to the file: never held whole
                    write_zip(output.files, stream, epoch)
            else:
                write_folder(output.files, output.path, together)

        # every thread started before an interrupt (Ctrl+C) is raised: one raised while a thread started left it
        # unknown to the pool, which did not wait for it, and its output's temporary stayed (18-verify32 V1)
        with interrupts_held():
            written = pool.map(write, outputs)
        list(written)
    return Built(checked, outputs)


def _write_or_return(data: bytes, output: Path | None, default: Path) -> Path | None:
    """Write `data` to `output` (or `default`); None when `output` is `-` (standard output)."""
    if output is not None and str(output) == "-":
        return None
    path = output or default
    write_file(data, path, named=output is not None)
    return path


def coverage_report(project: Path, format_: str, output: Path | None = None) -> tuple[str, Path | None]:
    """The coverage report as html, md or json; written unless `output` is `-`."""
    from builder.report import build_report, render_report  # here, as below: `build` and `check` need none of these

    course = check(project, targets=()).course
    if format_ == "json":  # no template
        text = render_report(course, build_report(course), format_)  # type: ignore[arg-type]
    else:
        made = run(project, lambda: Made({"report": {format_: encoded_text(render_report(
            course, build_report(course), format_))}}), len(course.pages))  # type: ignore[arg-type]
        text = decoded_text(made.groups["report"][format_])
    base = f"{course.settings.id}-{course.settings.version}-coverage.{format_}"
    return text, _write_or_return(text.encode("utf-8"), output, output_folder(project) / base)


def export_questions(project: Path, format_: str, bank_id: str | None = None,
                     output: Path | None = None) -> tuple[bytes, Path | None, tuple[Problem, ...]]:
    """Export question banks as Moodle XML or GIFT; write them unless `output` is `-`.

    Returns the data, the path written (None for standard output) and the course's warnings (as `build` shows
    them: script removed from a file the export embeds is one), but not the one about Moodle XML's bound on
    embedded files (`moodle_xml.embedding_problems`, an error here if these banks pass it), nor for Moodle XML
    those about files a GIFT file cannot carry.
    """
    from builder.export import FORMATS, gift, moodle_xml, selected_banks
    from builder.schema_errors import did_you_mean

    checked = check(project, targets=())
    course = checked.course
    banks = selected_banks(course, bank_id)
    if not banks:
        known = [bank.settings.id for bank in course.banks]
        hint = did_you_mean(str(bank_id), known) or f"use one of: {', '.join(known)}"
        raise CourseInvalid([Problem("quizzes", 1, f"no question bank `{bank_id}`", hint)]) from None
    # what the format cannot carry: GIFT, any file; Moodle XML, more than its bound on embedded files
    if problems := gift.file_problems(banks) if format_ == "gift" else moodle_xml.embedding_problems(course, banks):
        raise CourseInvalid(problems)
    data = (moodle_xml if format_ == "moodle-xml" else gift).export(course, banks)
    base = f"{course.settings.id}-{course.settings.version}-questions.{FORMATS[format_]}"
    # `check`'s warnings about what GIFT cannot carry advise Moodle XML: no advice for an export in that format; and
    # whether these banks' files pass Moodle XML's bound is decided above, whatever all the banks' files do
    unfit = {*moodle_xml.embedding_problems(course, course.banks, Severity.WARNING),
             *(gift.file_problems(course.banks, Severity.WARNING) if format_ != "gift" else ())}
    warnings = tuple(warning for warning in checked.warnings if warning not in unfit)
    return data, _write_or_return(data, output, output_folder(project) / base), warnings


def build_kit(project: Path, out_dir: Path | None = None) -> tuple[Output, tuple[Problem, ...]]:
    """The training-day kit as HTML and PDF in `<out>/<course-id>-<version>-kit/`, written last; with the
    course's warnings and those about figures left out of the slides."""
    from builder.kit import KitMedia, document_problems, pdfs, rendered_kit, with_media
    from builder.slides import render_slides

    checked = check(project, targets=(), training_day=True)
    course = checked.course
    files: dict[str, Packaged] = {}
    documents = rendered_kit(course)
    problems: list[Problem] = []
    read = KitMedia(course.root, course)  # each image and text of the seven documents read and located once
    for name, html in documents.items():
        saved, media, refused = with_media(html, course.root, name, read)
        files[f"{name}.html"] = saved.encode("utf-8")
        files.update(media)
        problems += refused + document_problems(course, name, html)
    if problems:
        raise CourseInvalid(problems)
    files.update((f"{name}.pdf", pdf) for name, pdf in pdfs(documents, course.root).items())
    files["slides.pptx"], left_out = render_slides(course)
    output = Output(output_folder(project, out_dir) / output_name(course, "kit"), files)
    write_folder(output.files, output.path)
    return output, (*checked.warnings, *left_out)


def build_slides(project: Path, out_dir: Path | None = None) -> tuple[Path, tuple[Problem, ...]]:
    """The training-day deck, written last as `<out>/<course-id>-<version>-slides.pptx`; returns its path,
    with the course's warnings and those about figures left out of the deck.

    Checked without package targets: the deck does not depend on what SCORM 1.2 or 2004 can store.
    """
    from builder.slides import render_slides

    checked = check(project, targets=(), training_day=True)
    data, left_out = render_slides(checked.course)
    path = output_folder(project, out_dir) / f"{output_name(checked.course, 'slides')}.pptx"
    write_file(data, path)
    return path, (*checked.warnings, *left_out)
