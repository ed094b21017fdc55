"""The `coursebuild` command: a thin layer over the library. The only module that prints."""

from __future__ import annotations

import atexit
import errno
import functools
import gc
import importlib.util
import os
import stat
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, Callable, ParamSpec, TypeVar

import click

from builder import TARGETS, __version__
from builder.errors import CoursebuildError, EnvironmentProblem, Problem, summarise
from builder.parallel import early
from builder.temporaries import file_kind


def _lazy(name: str) -> ModuleType:
    """The module `name`, imported when one of its attributes is first used (importlib's LazyLoader)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from builder import build as pipeline
    from builder.preview import Preview
else:  # `--version`, `--help` and `new` never need the pipeline and its libraries: import it on first use
    pipeline = _lazy("builder.build")

# Everything imported so far lives as long as the command: keep the cycle collector from rescanning it
# (about 3% of a small build), and let it run less often while a build makes its many small objects
# (a warm 1,000-page build takes a fifth less time).
gc.freeze()
gc.set_threshold(50_000, 20, 20)
# At exit the interpreter looks for cycles among everything left before it clears the modules, and again after (a
# pass that ignores this setting): skip the first, 0.4% of a cold build. The later pass skips frozen objects, so the
# objects the command made are frozen too (21 M of the exit's 34 M instructions in a cold build of this course): the
# process ends, and what they hold is the system's again, as Python promises no finalizer at exit. Every file a
# command writes is closed before it returns (`with`), output is flushed before exit handlers run, and coverage
# saves its data in an exit handler too.
atexit.register(gc.disable)
atexit.register(gc.freeze)

# Whether PROJECT is a course project's folder is decided by the library (`loading.require_project`), with one
# line and exit code 2 whether it is missing, a file or a folder without course/.
PROJECT = click.argument("project", default=".", type=click.Path(path_type=Path))
P = ParamSpec("P")
T = TypeVar("T")

STRICT = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def _unusable_folder(path: str, itself: bool = True) -> str | None:
    """Why nothing can be written into the folder `path` nor into one made there: it, or a folder on the way to it, is
    a symbolic link that leads to nothing or back to itself, or, with `itself`, it is not a folder (a file, a FIFO, a
    device or a socket, links followed); None if it may be used (made if missing). A file on the way is left to
    the writing, as the machine refusing to make the folder (exit 3, README's exit codes)."""
    for part in (path, *map(os.fspath, Path(path).parents)):
        try:
            mode = os.stat(part).st_mode
        except OSError as error:
            if os.path.islink(part):
                leads = "back to itself" if error.errno == errno.ELOOP else f"to nothing ({os.readlink(part)})"
                return f"{click.format_filename(part)!r} is a symbolic link that leads {leads}"
            continue
        except ValueError:  # a name holding NUL
            return f"{click.format_filename(part)!r} cannot be a file name (it holds a NUL character)"
        if itself and part == path and not stat.S_ISDIR(mode):
            return f"{click.format_filename(part)!r} is {file_kind(mode)}, not a folder"
        return None  # there: what is on the way to it is too
    return None


class OutFolder(click.Path):
    """`--out`: the output folder, made if it is not there. A command-line mistake (exit 2, before the project is
    read) for an empty name, which `Path` reads as the current folder, and for a folder that cannot be written into
    (`_unusable_folder`): anything there that is not a folder (a file, a FIFO, a device or a socket, links followed),
    and a link that leads to nothing or back to itself, there or on the way. Each failed only at the first output
    written, after the whole build, as "File exists" (exit 3; 18-verify24 J3, 18-verify32 V4)."""

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def convert(self, value: str | os.PathLike[str], param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if os.fspath(value) in ("", b""):
            self.fail("is empty: name a folder (. for the current one)", param, ctx)
        if problem := _unusable_folder(os.fsdecode(value)):
            self.fail(problem, param, ctx)
        return super().convert(value, param, ctx)


class OutFile(click.Path):
    """`-o`: the file to write, or `-` for standard output. A command-line mistake (exit 2, before the project is
    read) for an empty name and for a folder it would be written in that cannot be (`_unusable_folder`; 18-verify32
    V4: a link to nothing on the way failed after the whole work as "File exists", exit 3)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, allow_dash=True, path_type=Path)

    def convert(self, value: str | os.PathLike[str], param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        name = os.fsdecode(value)
        if name == "":
            self.fail("is empty: name a file (- for standard output)", param, ctx)
        if name != "-" and (problem := _unusable_folder(os.path.dirname(name) or ".", itself=False)):
            self.fail(problem, param, ctx)
        return super().convert(value, param, ctx)


OUT_DIR = click.option("--out", "out_dir", type=OutFolder(), default=None,
                       help="Output folder [default: PROJECT/dist].")


class ReportedError(click.ClickException):
    """Shows a coursebuild error as its own lines, with its own exit code."""

    def __init__(self, error: CoursebuildError):
        super().__init__(str(error))
        self.error = error
        self.exit_code = error.exit_code  # type: ignore[misc]  # click types it ClassVar but reads the instance's

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.error.lines():
            click.echo(line, err=True)


@functools.cache
def _freeze_pipeline() -> None:
    """The pipeline, imported since start-up (it is lazy), lives as long as the command too: freeze it, once."""
    gc.freeze()


def _run(action: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    _freeze_pipeline()
    try:
        return action(*args, **kwargs)
    except CoursebuildError as error:
        raise ReportedError(error) from None
    except MemoryError:
        pass  # reported once the handler ends, which frees the frames (and what they held) the error carries
    raise ReportedError(EnvironmentProblem(
        "out of memory: the machine had too little free memory for this command (close other programs and run it "
        "again; docs/security.md gives the most a project's files may take)"))


def _say(message: str | bytes, nl: bool = True, output: bool = False) -> None:
    """Write `message` to standard output (`click.echo`, which flushes it), or raise ReportedError of an
    EnvironmentProblem (exit 3) if it cannot be written there: a full disk (`> /dev/full`: a traceback and exit 1,
    18-verify31 S1), or, for a command's `output` (`-o -`), a closed standard output (`>&-`, where click writes
    nothing: the report was lost and the exit code 0, S2). A broken pipe (`| head`) is left to click, which ends
    the command quietly."""
    if output and sys.stdout is None:
        raise ReportedError(EnvironmentProblem("standard output: cannot write: it is closed (give a file with -o)"))
    try:
        click.echo(message, nl=nl)
    except OSError as error:
        if error.errno == errno.EPIPE:
            raise
        raise ReportedError(EnvironmentProblem(f"standard output: cannot write: {error.strerror or error} (free "
                                               "some disk space, or give a file with -o)")) from None


def _converted_pages(project: Path) -> bytes:
    """The project's page bodies converted, in a second process while this one imports the pipeline (`early`)."""
    from builder.sources import converted_pages

    return converted_pages(project)


def _targets(chosen: tuple[str, ...]) -> tuple[str, ...]:
    """The targets named with --target, in order, once each; all of them if none (or `all`) is named."""
    return TARGETS if not chosen or "all" in chosen else tuple(dict.fromkeys(chosen))


def _show_warnings(warnings: tuple[Problem, ...]) -> None:
    for warning in warnings:
        click.echo(str(warning), err=True)


class Interrupted(click.ClickException):
    """The command was interrupted (SIGINT: Ctrl+C): one line, `interrupted`, and exit code 130 (128 + SIGINT, as a
    shell reports a command SIGINT ended). Click said `Aborted!` with exit code 1, which is an invalid course's
    (18-verify32 V1)."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("interrupted")

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, err=True)


class _Commands(click.Group):
    """The commands: one interrupted ends with Interrupted, whatever it was doing. Its temporaries are removed as
    the KeyboardInterrupt unwinds (`packaging`), and the processes it started ended (`parallel`); `preview` once it
    serves takes Ctrl+C as its way to stop (exit code 0)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted() from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coursebuild")
def main() -> None:
    """Build e-learning packages (SCORM 1.2, SCORM 2004, web) from a course in Markdown and YAML."""


@main.command()
@click.argument("project", type=click.Path(path_type=Path))  # what is there: new_project says, in one line
def new(project: Path) -> None:
    """Create a small example course project in the folder PROJECT."""
    from builder.scaffolding import new_project  # shutil, tempfile, importlib.resources: only `new` needs them

    files = _run(new_project, project)
    _say(f"created {project} with {len(files)} files; try: coursebuild check {project}")


@main.command()
@PROJECT
@click.option("--target", "targets", type=click.Choice([*TARGETS, "all"]), multiple=True,
              help="Check for these packages only; repeat for several.  [default: all]")
@STRICT
def check(project: Path, targets: tuple[str, ...], strict: bool) -> None:
    """Validate the course in PROJECT (default: this folder) and write nothing."""
    with early(project, _converted_pages):
        checked = _run(pipeline.check, project, strict=strict, targets=_targets(targets), templates=True,
                       output=True, training_day=True)
    _show_warnings(checked.warnings)
    settings = checked.course.settings
    _say(f"{settings.id} {settings.version}: {len(checked.course.pages)} pages, "
         f"{len(checked.course.banks)} question banks, ok ({summarise(checked.warnings)})")


@main.command()
@PROJECT
@click.option("--target", "targets", type=click.Choice([*TARGETS, "all"]), multiple=True,
              help="Which package to build; repeat for several.  [default: all]")
@OUT_DIR
@STRICT
def build(project: Path, targets: tuple[str, ...], out_dir: Path | None, strict: bool) -> None:
    """Validate the course in PROJECT and build packages into dist/."""
    with early(project, _converted_pages):
        built = _run(pipeline.build, project, _targets(targets), out_dir, strict=strict)
    _show_warnings(built.checked.warnings)
    for output in built.outputs:
        _say(f"wrote {output.path} ({len(output.files)} files)")


@main.command()
@PROJECT
@click.option("--format", "format_", type=click.Choice(["moodle-xml", "gift"]), default="moodle-xml",
              show_default=True, help="Moodle XML (carries images and files) or GIFT (text only).")
@click.option("--bank", "bank_id", default=None, help="Export only this question bank (its id).")
@click.option("-o", "--output", type=OutFile(), default=None,
              help="File to write, or - for standard output [default: dist/<course>-<version>-questions.<ext>].")
def export(project: Path, format_: str, bank_id: str | None, output: Path | None) -> None:
    """Export the question banks for Moodle's question bank."""
    data, path, warnings = _run(pipeline.export_questions, project, format_, bank_id, output)
    _show_warnings(warnings)
    if path is None:
        _say(data, nl=False, output=True)  # the bytes as written to a file: no decoded copy, whatever the locale
    else:
        _say(f"wrote {path}")


@main.command()
@PROJECT
@OUT_DIR
def kit(project: Path, out_dir: Path | None) -> None:
    """Make the training-day kit: facilitator guide, handouts, questionnaire, cards, sheets (HTML, PDF), slides."""
    output, warnings = _run(pipeline.build_kit, project, out_dir)
    _show_warnings(warnings)
    _say(f"wrote {output.path} ({len(output.files)} files)")


@main.command()
@PROJECT
@OUT_DIR
def slides(project: Path, out_dir: Path | None) -> None:
    """Make the training day's slide deck (PowerPoint .pptx, with speaker notes)."""
    path, warnings = _run(pipeline.build_slides, project, out_dir)
    _show_warnings(warnings)
    _say(f"wrote {path}")


@main.command()
@PROJECT
@click.option("--format", "format_", type=click.Choice(["html", "md", "json"]), default="html", show_default=True,
              help="Report format.")
@click.option("-o", "--output", type=OutFile(), default=None,
              help="File to write, or - for standard output [default: dist/<course>-<version>-coverage.<ext>].")
def report(project: Path, format_: str, output: Path | None) -> None:
    """Report which outcomes and competency units the course teaches, practises and assesses."""
    text, path = _run(pipeline.coverage_report, project, format_, output)
    if path is None:
        _say(text, nl=False, output=True)
    else:
        _say(f"wrote {path}")


@main.command()
@PROJECT
@click.option("--target", type=click.Choice(["scorm12", "scorm2004"]), default="scorm12", show_default=True,
              help="Which SCORM version to run the course under.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
def preview(project: Path, target: str, port: int) -> None:
    """Serve the course in a local SCORM runtime with a debug panel, rebuilding on change."""
    from builder.loading import require_project
    from builder.preview import Preview, make_server, watch  # only this command needs a server

    _run(require_project, project)  # a preview of no project would serve nothing and watch a missing folder
    session = Preview(project, target)
    session.rebuild()
    _show_rebuild(session)
    server = _run(make_server, session, port)
    stop = threading.Event()
    threading.Thread(target=watch, args=(session, stop, _show_rebuild), daemon=True).start()
    _say(f"previewing {project} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        session.close()
        server.server_close()


def _show_rebuild(session: Preview) -> None:
    """Print a preview build's problems and the traceback of an unexpected exception, or that it is good."""
    if session.traceback:
        click.echo(session.traceback, err=True, nl=False)
    for line in session.problems:
        click.echo(line, err=True)
    if not session.problems:
        click.echo(f"build {session.generation}: ok")
