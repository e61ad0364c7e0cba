"""The `e4j` command: build, check, list. Exit 0 ok, 1 content errors, 2 usage, 3 internal."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from concurrent.futures import BrokenExecutor
from pathlib import Path
from typing import NoReturn

from builders.interrupts import handle_termination

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
# Each format is swapped into exports/ whole once built, one after the other.
EXPORTS_WHOLE = ("every format in exports/ is whole: those finished before the stop are new, "
                 "the others as they were")


def _positive(text: str) -> int:
    """A whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return int(text)


def _language(text: str) -> str:
    """A language code such as en, fr or fr-CA (a file name of the interface strings too)."""
    from builders.model import LANG_CODE

    if not LANG_CODE.match(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a language code (en, fr, fr-CA…)")
    return text


def _port(text: str) -> int:
    """A TCP port (0: any free one)."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port (0 to 65535)")
    return int(text)


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:  # NaN fails too
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage (0 to 100)")
    return value


def _parser() -> argparse.ArgumentParser:
    from builders.formats import REGISTRY

    parser = argparse.ArgumentParser(
        prog="e4j",
        description="Build the E4J prevention course kit from modules/ and quizzes/.",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        help="project folder holding modules/ and quizzes/ (default: here)",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    output.add_argument("-v", "--verbose", action="store_true", help="list every file written")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="check the sources, then build the exports")
    build.add_argument("--out", type=Path, help="output folder (default: ROOT/exports)")
    build.add_argument(
        "--lang", action="append", default=[], metavar="L", help="only this language (repeatable)"
    )
    build.add_argument(
        "--audience",
        action="append",
        default=[],
        metavar="A",
        help="only this audience (repeatable)",
    )
    build.add_argument(
        "--module", action="append", default=[], metavar="M", help="only this module (repeatable)"
    )
    build.add_argument(
        "--format",
        action="append",
        default=[],
        metavar="F",
        help=f"only this format (repeatable): {', '.join(REGISTRY)}",
    )
    build.add_argument(
        "--force", action="store_true", help="rebuild everything, ignoring the cache"
    )
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument(
        "--overlay", action="append", default=[], type=Path, metavar="DIR",
        help="apply a local adaptation kept in DIR (repeatable; later ones win)",
    )
    build.add_argument(
        "--paper", choices=("a4", "letter"), default="a4", help="paper size of PDFs (default a4)"
    )
    build.add_argument(
        "--jobs", "-j", type=_positive, metavar="N",
        help="worker processes that render (default and most: one per core e4j may use, at "
        "least 2); 1 renders in one process, holding the course in memory once",
    )

    check = commands.add_parser("check", help="validate the sources without building")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--overlay", action="append", default=[], type=Path, metavar="DIR",
        help="check with a local adaptation kept in DIR applied (repeatable)",
    )
    check.add_argument("--explain", metavar="RULE", help="say what a rule checks, then stop")

    commands.add_parser("list", help="modules × audiences × languages, with quiz sizes")

    imports = commands.add_parser("import", help="bring edited material back into the sources")
    imports.add_argument("kind", choices=("notebook", "moodle-xml", "gift"), help="what FILE is")
    imports.add_argument("file", type=Path, metavar="FILE")
    imports.add_argument(
        "--lang", default="en", type=_language,
        help="language of a question file (multi-language spans win)",
    )
    imports.add_argument(
        "--out", type=Path, help="folder for imported quiz files (default: ROOT/quizzes)"
    )
    imports.add_argument("--force", action="store_true", help="replace quiz files that exist")
    imports.add_argument(
        "--dry-run", action="store_true", help="print what would be written, write nothing"
    )
    commands.add_parser("formats", help="the output formats this version can build")
    reference = commands.add_parser("reference", help="print a source-format reference (Markdown)")
    reference.add_argument("kind", choices=("quiz",))

    serve = commands.add_parser("serve", help="preview the HTML edition, rebuilt as you edit")
    serve.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1 (default 8000)")
    serve.add_argument("--out", type=Path, help="output folder (default: ROOT/exports)")
    serve.add_argument(
        "--overlay", action="append", default=[], type=Path, metavar="DIR",
        help="preview with a local adaptation kept in DIR applied (repeatable)",
    )

    new = commands.add_parser("new", help="start a module, lesson or quiz for e4j check to guide")
    new.add_argument("kind", choices=("module", "lesson", "quiz"))
    new.add_argument("module", metavar="MODULE", help="module id, e.g. safe-migration")
    new.add_argument(
        "--audience",
        action="append",
        default=[],
        metavar="A",
        help="audience (repeatable; a lesson or quiz takes one)",
    )

    results = commands.add_parser("results", help="pre/post evaluation report from test exports")
    results.add_argument("--pre", type=Path, required=True, help="pre-test export or template")
    results.add_argument("--post", type=Path, required=True, help="post-test export or template")
    results.add_argument("--learners", type=Path, help="CSV: identity key, sex, age_band")
    results.add_argument("--attempt", choices=("first", "last", "best"), default="last")
    results.add_argument("--min-cell", type=_positive, default=5, help="smallest group shown (5)")
    results.add_argument("--pass-mark", type=_percent, default=70, help="percent (70)")
    results.add_argument("--lang", choices=("en", "fr"), default="en",
                         help="language of the report (en, fr)")
    results.add_argument("--out", type=Path, required=True, help="folder for the report")
    return parser


MIN_WIDTH = 40  # columns: narrower, the report's tables have no room for a word


def _narrowest_width() -> int | None:
    """The width to print at when COLUMNS asks for fewer than MIN_WIDTH columns (at 0, rich
    printed nothing at all, not even the errors), else None: the terminal's or COLUMNS'."""
    given = os.environ.get("COLUMNS", "").strip()
    return MIN_WIDTH if given.lstrip("-").isdigit() and int(given) < MIN_WIDTH else None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from rich.console import Console
    from rich.markup import escape

    width = _narrowest_width()
    out = Console(highlight=False, soft_wrap=True, width=width)
    err = Console(stderr=True, highlight=False, soft_wrap=True, width=width)
    debugging = args.verbose or bool(os.environ.get("E4J_DEBUG"))  # show tracebacks
    restore = handle_termination()
    try:
        from builders.commands import run

        return run(args, out, err)
    except KeyboardInterrupt:
        err.print(f"interrupted; {EXPORTS_WHOLE}")
        return EXIT_CONTENT
    except BrokenExecutor:  # the system stopped a worker process: out of memory, or killed
        if debugging:
            raise
        err.print(f"e4j: error: a worker process ended abruptly (out of memory, or killed); "
                  f"{EXPORTS_WHOLE}. Run again, or with --jobs 1 to use less memory.")
        return EXIT_USAGE
    except OSError as exc:  # the system refused: a folder it cannot make, a full disk, a port
        if debugging:
            raise
        where = f": {exc.filename}" if exc.filename else ""
        advice = "; free some space on that disk and run again" if exc.errno in DISK_FULL else ""
        whole = f"; {EXPORTS_WHOLE}" if args.command == "build" else ""
        err.print(f"e4j: error: {escape(exc.strerror or str(exc))}{escape(str(where))}"
                  f"{advice}{whole}")
        return EXIT_USAGE
    except Exception as exc:  # a bug in e4j, not in the sources
        if debugging:
            raise
        err.print(f"[bold red]internal error[/]: {type(exc).__name__}: {escape(str(exc))}")
        err.print(f"{EXPORTS_WHOLE.capitalize()}. Run again with --verbose for the traceback "
                  "and report it.")
        return EXIT_INTERNAL
    finally:
        restore()


def console() -> NoReturn:
    """The `e4j` command: `main()`. After a successful run, which has shut its worker pools down
    and waited for them, it exits without freeing the course object by object (seconds for a
    large course). After a failure, worker pools may have been stopped without waiting (to
    report at once), so the interpreter's own exit winds them up."""
    code = main()
    if code == EXIT_OK:
        from builders.quick_exit import quick_exit

        quick_exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
