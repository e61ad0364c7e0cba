"""What each `e4j` subcommand does, printing with rich."""

from __future__ import annotations

import argparse
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from builders.cli import EXIT_CONTENT, EXIT_OK, EXIT_USAGE
from builders.cores import render_processes, usable_cores
from builders.diagnostics import CourseError, Diagnostic, SourceLoc, did_you_mean
from builders.input_files import read_at_most
from builders.source_files import SOURCE_FOLDERS, link_refusal
from builders.write import file_in_the_way


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    root = args.root.resolve()
    if args.command == "formats":
        return _formats(out)
    if args.command == "reference":
        from builders.reference import quiz_reference

        out.print(quiz_reference(), end="", markup=False)
        return EXIT_OK
    if args.command in ("build", "serve"):
        from builders.package import EpochError, source_date_epoch

        try:
            source_date_epoch()  # checked once here: the workers read the same variable
        except EpochError as exc:
            return _usage(err, str(exc))
    if args.command == "build":
        return _build(args, root, out, err)
    if args.command == "serve":
        from builders.serve import serve_forever

        if (refusal := _refused_out(args, root)) is not None:
            return _usage(err, refusal)
        serve_forever(
            root, _out_folder(args, root), args.port, out.print, args.overlay
        )
        return EXIT_OK
    if args.command == "new":
        return _new(args, root, out, err)
    if args.command == "results":
        return _results(args, root, out, err)
    if args.command == "import" and args.kind == "notebook":
        return _import_notebook(args, root, out, err)
    if args.command == "import":
        return _import_questions(args, root, out, err)
    if args.command == "check" and args.explain:
        return _explain(args.explain, out, err)
    from builders.load import load_course
    from builders.pipeline import kept_lessons

    try:
        course, warnings = load_course(root, getattr(args, "overlay", []),
                                       cache=kept_lessons(root / "exports"))
    except CourseError as exc:
        return _report(err, *exc.diagnostics)
    if args.command == "check":
        _print_diagnostics(warnings, err)
        if args.strict and warnings:
            err.print(f"{len(warnings)} warning(s) count as errors under --strict")
            return EXIT_CONTENT
        if not args.quiet:
            lessons = sum(len(m.lessons) for m in course.modules)
            out.print(
                f"OK: {len(course.modules)} module(s), {lessons} lesson(s), "
                f"{sum(len(m.quizzes) for m in course.modules)} quiz file(s)"
            )
        return EXIT_OK
    return _list(course, out)


def _print_diagnostics(diagnostics: list[Diagnostic], err: Console, notes: bool = True) -> None:
    """Errors and warnings one per line; notes too, or only counted by kind when `notes` is off."""
    if not notes:
        hidden = Counter(d.code for d in diagnostics if d.level == "note")
        diagnostics = [d for d in diagnostics if d.level != "note"]
        for code, count in sorted(hidden.items()):
            err.print(f"{count} note(s) \\[{code}] – e4j --verbose build lists them")
    for diag in diagnostics:
        colour = {"error": "red", "warning": "yellow"}.get(diag.level, "cyan")
        line = escape(diag.format())
        err.print(line.replace(f"{diag.level}[", f"[{colour}]{diag.level}[/]\\[", 1))
    errors = sum(d.level == "error" for d in diagnostics)
    warnings = sum(d.level == "warning" for d in diagnostics)
    noted = len(diagnostics) - errors - warnings
    if diagnostics:
        err.print(
            f"{errors} error(s), {warnings} warning(s)" + (f", {noted} note(s)" if noted else "")
        )


def _report(err: Console, *diagnostics: Diagnostic) -> int:
    """Problems in the sources or in a file given on the command line: exit code 1."""
    _print_diagnostics(list(diagnostics), err)
    return EXIT_CONTENT


def _not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError) -> Diagnostic:
    return Diagnostic("error", "import.encoding", "the file is not UTF-8",
                      SourceLoc.of_byte(str(path), data, exc.start), "save it as UTF-8")


def _out_folder(args: argparse.Namespace, root: Path) -> Path:
    """--out, else the course's exports/ folder."""
    return (args.out or root / "exports").resolve()


def _refused_out(args: argparse.Namespace, root: Path) -> str | None:
    """Why e4j will not build into the output folder asked for, if it will not: the course's own
    exports/ is a symbolic link (a course can bring one along, and a build replaces the folders
    html/, pdf/… wherever it points), or the folder is among the sources (each build would read
    the last one's files as sources), or a file stands where the folder would be."""
    exports = root / "exports"
    if args.out is None and exports.is_symlink():
        return (f"{exports} is a symbolic link (to {os.readlink(exports)}): e4j builds there "
                "only when --out names the folder")
    overlays = [folder.resolve() for folder in getattr(args, "overlay", [])]
    return _unusable_folder(_out_folder(args, root), args.out, [root, *overlays])


def _unusable_folder(target: Path, asked: Path | None, trees: list[Path]) -> str | None:
    """Why e4j will not write into `target` (`asked` with --out): a file stands where it would
    be, or it is among the sources of one of `trees`."""
    if (file := file_in_the_way(target)) is not None:
        return (f"the output folder {target} cannot be made: {file} is a file; choose a folder "
                "with --out (e4j makes it if it is missing)")
    for tree in trees:
        for name in SOURCE_FOLDERS:
            if target.is_relative_to(tree / name):
                return (f"--out {asked} is inside the sources ({tree / name}): choose a "
                        "folder outside modules/, quizzes/, branding/ and locales/")
    return None


def _usage(err: Console, message: str) -> int:
    err.print(f"e4j: error: {escape(message)}")
    return EXIT_USAGE


def _build(args: argparse.Namespace, root: Path, out: Console, err: Console) -> int:
    from builders.formats import REGISTRY
    from builders.pipeline import Selection, SelectionError, build

    formats = list(dict.fromkeys(args.format)) or list(REGISTRY)
    for name in formats:
        if name not in REGISTRY:
            return _usage(err, f"unknown format '{name}'; {did_you_mean(name, REGISTRY)}")
    if args.audience:
        from builders.model import AUDIENCES  # the model's import is kept off the no-op path
    for audience in args.audience:
        if audience not in AUDIENCES:
            return _usage(
                err, f"unknown audience '{audience}'; {did_you_mean(audience, AUDIENCES)}"
            )
    selection = Selection(frozenset(args.lang), frozenset(args.audience), frozenset(args.module))
    if (refusal := _refused_out(args, root)) is not None:
        return _usage(err, refusal)
    target = _out_folder(args, root)
    workers = None  # without --jobs, the renderer's default, known after the no-op check
    if args.jobs and (workers := render_processes(args.jobs)) < args.jobs:
        err.print(f"--jobs {args.jobs}: e4j may use {usable_cores()} core(s) here, so it renders "
                  f"on {workers} worker processes (more would only take more memory)")
    progress_bar = None
    if not args.quiet and out.is_terminal:
        from rich.progress import Progress

        progress_bar = Progress(console=out, transient=True)
    tasks: dict[str, Any] = {}

    def progress(name: str, done: int, total: int) -> None:
        if progress_bar is None:
            return
        if name not in tasks:
            tasks[name] = progress_bar.add_task(name, total=total)
        progress_bar.update(tasks[name], completed=done)

    try:
        if progress_bar:
            progress_bar.start()
        report = build(
            root,
            target,
            formats,
            selection,
            force=args.force,
            progress=progress,
            options={"paper": args.paper},
            overlays=args.overlay,
            workers=workers,
            waiting=lambda: err.print(f"Waiting for another e4j build into {target} to finish…"),
        )
    except CourseError as exc:
        if progress_bar:
            progress_bar.stop()
        _print_diagnostics(exc.diagnostics, err)
        err.print("Nothing was written; the previous exports are unchanged.")
        return EXIT_CONTENT
    except SelectionError as exc:
        return _usage(err, str(exc))
    finally:
        if progress_bar:
            progress_bar.stop()
    if report.up_to_date:
        if not args.quiet:
            out.print("Up to date: no source or builder changed since the last build.")
        return EXIT_OK
    if not args.quiet or any(d.level != "note" for d in report.warnings):
        _print_diagnostics(report.warnings, err, notes=args.verbose)
    strict_failures = [d for d in report.warnings if d.level == "warning"]
    if args.strict and strict_failures:
        err.print(f"{len(strict_failures)} warning(s) count as errors under --strict")
        return EXIT_CONTENT
    if not args.quiet:
        _summary(report, target, out, args.verbose)
    return EXIT_OK


def _summary(report, target: Path, out: Console, verbose: bool) -> None:
    from builders.render.templates import human_size

    table = Table(title=f"Built into {target}", title_justify="left")
    for column in ("format", "rebuilt", "reused", "files", "size", "time"):
        table.add_column(column, justify="left" if column == "format" else "right")
    for fmt in report.formats:
        table.add_row(
            fmt.name,
            str(fmt.built),
            str(fmt.reused),
            str(fmt.files),
            human_size(fmt.size),
            f"{fmt.seconds:.2f} s",
        )
    out.print(table)
    if verbose:
        for fmt in report.formats:
            for rel in fmt.written:
                out.print(f"  wrote {fmt.name}/{rel}")
    out.print(f"Open {target / 'index.html'}")


def _import_notebook(args: argparse.Namespace, root: Path, out: Console, err: Console) -> int:
    """Write the lesson a notebook holds back to its file in modules/, then check the course."""
    import json

    from builders.notebooks import MAX_NOTEBOOK_BYTES, NotebookError, notebook_lesson
    from builders.write import write_file_atomic

    try:
        data = read_at_most(args.file, MAX_NOTEBOOK_BYTES)
    except OSError as exc:
        return _usage(err, f"cannot read {args.file}: {exc.strerror}")
    if len(data) > MAX_NOTEBOOK_BYTES:
        return _usage(err, f"{args.file} is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB")
    start = SourceLoc(str(args.file), 1, 1)
    try:
        path, text = notebook_lesson(json.loads(data.decode("utf-8-sig")), str(args.file))
    except UnicodeDecodeError as exc:
        return _report(err, _not_utf8(args.file, data, exc))
    except json.JSONDecodeError as exc:
        return _report(err, Diagnostic("error", "notebook.json", f"not a notebook: {exc.msg}",
                                       replace(start, line=exc.lineno, col=exc.colno)))
    except RecursionError:
        return _report(err, Diagnostic("error", "notebook.json",
                                       "not a notebook: its JSON is nested too deeply", start))
    except NotebookError as exc:
        return _report(err, exc.diagnostic)
    except ValueError:  # Python reads no integer of more than 4,300 digits
        return _report(err, Diagnostic("error", "notebook.json",
                                       "not a notebook: a number in it has too many digits", start))
    if args.dry_run:
        out.print(text, markup=False, end="")
        return EXIT_OK
    target = root / path
    if not (target.parent / "module.yaml").is_file():
        return _report(err, Diagnostic(
            "error", "notebook.metadata",
            f"the notebook holds a lesson of module '{target.parent.name}', which this course "
            "does not have", start, "import it into the course it was built from (--root)"))
    if refusal := link_refusal(root, target):
        return _usage(err, refusal)
    before = target.read_text(encoding="utf-8") if target.exists() else None
    if before == text:
        out.print(f"{path} is already up to date")
        return EXIT_OK
    write_file_atomic(target, text.encode("utf-8"))
    out.print(f"updated {path}; run `e4j check` to validate it")
    return EXIT_OK


def _import_questions(args: argparse.Namespace, root: Path, out: Console, err: Console) -> int:
    """Moodle XML or GIFT questions into quiz YAML files, one per module and audience."""
    from builders.locales import UI
    from builders.qbank.gift_import import read_gift
    from builders.qbank.importing import MAX_BYTES, ImportError_, quiz_yaml, read_moodle_xml
    from builders.write import write_file_atomic

    try:
        data = read_at_most(args.file, MAX_BYTES)
    except OSError as exc:
        return _usage(err, f"cannot read {args.file}: {exc.strerror}")
    try:
        if args.kind == "gift":
            quizzes = read_gift(data.decode("utf-8-sig"), str(args.file), args.lang)
        else:
            quizzes = read_moodle_xml(data, str(args.file), args.lang)
    except UnicodeDecodeError as exc:
        return _report(err, _not_utf8(args.file, data, exc))
    except ImportError_ as exc:
        return _report(err, *exc.diagnostics)
    if not quizzes:
        return _report(err, Diagnostic(
            "error", "import.empty", "the file holds no questions: nothing was imported",
            SourceLoc(str(args.file), 1, 1),
            "check that it is the right file, exported from the question bank with its "
            "questions"))
    folder = args.out or root / "quizzes"
    if not args.dry_run and (refusal := _unusable_folder(folder.resolve(), args.out, [])):
        return _usage(err, refusal)
    targets = [Path(os.path.abspath(folder / q.module / f"{q.audience}.yaml")) for q in quizzes]
    if not args.dry_run and (refusal := link_refusal(root, *targets)):
        return _usage(err, refusal)
    for quiz in quizzes:
        langs = sorted({lang for q in quiz.questions.values() for lang in q.get("prompt", {})})
        title = {lang: f"{UI(lang)('quiz')} – {quiz.module}" for lang in langs or [args.lang]}
        text = quiz_yaml(quiz, title)
        target = folder / quiz.module / f"{quiz.audience}.yaml"
        if args.dry_run:
            out.print(f"# {target}", markup=False)
            out.print(text, markup=False, end="")
            continue
        if target.exists() and not args.force:
            err.print(f"{escape(str(target))} exists: pass --force to replace it, or --out DIR")
            return EXIT_CONTENT
        write_file_atomic(target, text.encode("utf-8"))
        missing = sum(1 for q in quiz.questions.values() if not q.get("outcome"))
        note = (
            f" ({missing} need an outcome and paragraphs: e4j check shows where)" if missing else ""
        )
        out.print(f"wrote {len(quiz.questions)} question(s) to {escape(str(target))}{note}")
    return EXIT_OK


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:  # reading them says what is wrong
        return False


def _results(args: argparse.Namespace, root: Path, out: Console, err: Console) -> int:
    """Pre/post figures and the report; bad input names the file, row and column."""
    from builders.results.analysis import analyse, write_outputs
    from builders.results.tables import TableError

    # Learners' results kept among the sources would go wherever the course is shared.
    if (refusal := _unusable_folder(args.out.resolve(), args.out, [root])) is not None:
        return _usage(err, refusal)
    try:
        summary = analyse(
            args.pre, args.post, args.learners, args.attempt, args.min_cell, args.pass_mark
        )
    except TableError as exc:
        return _report(err, exc.diagnostic)
    if _same_file(args.pre, args.post):
        return _usage(err, f"--pre and --post name the same file ({args.pre}): the report "
                      "compares the tests before and after the course")
    for path in write_outputs(summary, args.out, args.lang):
        out.print(f"wrote {escape(str(path))}")
    return EXIT_OK


def _new(args: argparse.Namespace, root: Path, out: Console, err: Console) -> int:
    from builders.scaffold import ScaffoldError, new_lessons, new_module, new_quizzes

    if not args.audience:
        return _usage(err, "say which audience with --audience (e.g. --audience secondary)")
    try:
        if args.kind == "module":
            created = new_module(root, args.module, args.audience)
        elif args.kind == "lesson":
            created = new_lessons(root, args.module, args.audience)
        else:
            created = new_quizzes(root, args.module, args.audience)
    except ScaffoldError as exc:
        return _usage(err, str(exc))
    except CourseError as exc:
        return _report(err, *exc.diagnostics)
    for path in created:
        out.print(f"created {escape(str(path.relative_to(root)))}")
    out.print(
        "Now run `e4j check`: it lists, file by file and line by line, what is left to write."
    )
    return EXIT_OK


def _explain(rule: str, out: Console, err: Console) -> int:
    from builders.quality import RULES

    if rule not in RULES:
        return _usage(err, f"no rule '{rule}'; {did_you_mean(rule, RULES)}")
    out.print(f"{rule}: {RULES[rule]}")
    out.print(
        "Waive it on one line with a reason: front matter (or quiz) 'waivers:' "
        f"- {{rule: {rule}, line: N, reason: …}}"
    )
    return EXIT_OK


def _formats(out: Console) -> int:
    from builders.formats import REGISTRY, get_builder

    table = Table(title="Formats")
    table.add_column("name")
    table.add_column("what it builds")
    for name in REGISTRY:
        table.add_row(name, get_builder(name).description)
    out.print(table)
    return EXIT_OK


def _list(course, out: Console) -> int:
    table = Table(title=course.title.get(course.languages[0]))
    table.add_column("module")
    table.add_column("audience")
    for lang in course.languages:
        table.add_column(lang, justify="center")
    table.add_column("quiz questions", justify="right")
    for module in course.modules:
        for audience in module.audiences:
            quiz = module.quiz(audience)
            marks = ["✓" if module.lesson(audience, lang) else "–" for lang in course.languages]
            table.add_row(module.id, audience, *marks, str(len(quiz.questions)) if quiz else "–")
    out.print(table)
    return EXIT_OK
