"""`make bench`: how fast and how heavy the build is. Prints and writes bench/results.md.

A benchmark, never a test: it measures and reports, it does not pass or fail. Each build runs
`e4j` in a child process so start-up, imports and peak memory are measured as a user sees them.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import IO

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import PROJECT, make_catalogue  # noqa: E402

from builders.formats import REGISTRY  # noqa: E402

E4J = [sys.executable, "-m", "builders"]
SYNTH_FORMATS = ("html", "scorm12", "moodle_xml")
RESULTS = PROJECT / "bench" / "results.md"


def _tree_rss(root_pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * page
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree)


def _children_cpu() -> float:
    """CPU seconds (user + system) of the child processes ended and waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], root: Path) -> tuple[float, float, int, str]:
    """Wall time (s), CPU time of e4j and its worker processes (s), their peak memory together
    (MiB, sampled every 50 ms from /proc) and the output of one e4j run."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        [*E4J, "--root", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT,
        env={**os.environ, "COLUMNS": "200"},
    )
    peak, outputs = 0, {}

    def drain(name: str, stream: IO[str]) -> None:
        outputs[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(name, stream)) for name, stream in
               (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    for reader in readers:
        reader.join()
    if process.returncode != 0:
        raise SystemExit(f"e4j {' '.join(args)} failed:\n{outputs['out']}\n{outputs['err']}")
    return elapsed, cpu, peak // (1024 * 1024), outputs["out"]


def format_times(output: str) -> dict[str, str]:
    times = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) == 6 and cells[-1].endswith(" s"):
            times[cells[0]] = f"{cells[-1]} ({cells[1]} rebuilt, {cells[4]})"
    return times


def _seconds(times: dict[str, str]) -> dict[str, float]:
    return {name: float(text.split(" s")[0]) for name, text in times.items()}


def weights(out: Path, seconds: dict[str, float]) -> list[str]:
    rows = []
    packages = sorted((out / "scorm12").glob("e4j-*-scorm12.zip"))
    single = [p for p in packages if "-course-" not in p.name]
    if single:
        sizes = [p.stat().st_size for p in single]
        rows.append(
            f"| SCORM 1.2 one-module package | median {statistics.median(sizes) / 1000:.0f} kB, "
            f"largest {max(sizes) / 1000:.0f} kB ({len(sizes)} packages) |"
        )
        with zipfile.ZipFile(single[0]) as archive:
            files = len(archive.namelist())
        rows.append(f"| files in one package | {files} |")
    assets = out / "html" / "assets"
    if assets.is_dir():
        scripts = sum(p.stat().st_size for p in assets.iterdir())
        pages = [
            p.stat().st_size for p in (out / "html").glob("*/*/*.html") if p.name != "index.html"
        ]
        rows.append(
            f"| CSS + JavaScript per learner page | {scripts / 1000:.1f} kB (shared, cached) |"
        )
        if pages:
            rows.append(
                f"| learner page HTML | median {statistics.median(pages) / 1000:.0f} kB, "
                f"largest {max(pages) / 1000:.0f} kB |"
            )
    pdfs = [p.stat().st_size for p in (out / "pdf").rglob("*.pdf")]
    if pdfs and "pdf" in seconds:
        per_pdf = seconds["pdf"] / len(pdfs) * 1000
        rows.append(f"| wall time per PDF (full build, both cores) | {per_pdf:.0f} ms |")
    if pdfs:
        rows.append(
            f"| PDF documents | {len(pdfs)}, median {statistics.median(pdfs) / 1000:.0f} kB |"
        )
    return rows


def markdown_throughput(root: Path) -> list[str]:
    """Our Markdown→HTML rendering against pandoc's on the same lesson files, where installed."""
    from builders.load import load_course
    from builders.load.markdown import markdown_parser
    from builders.render.html import HtmlFragments, PageState

    course, _ = load_course(root)
    lessons = [(m, les) for m in course.modules for les in m.lessons]
    started = time.perf_counter()
    for lesson in (les for _, les in lessons):
        markdown_parser().parse(lesson.source)
    parsing = time.perf_counter() - started
    started = time.perf_counter()
    for module, lesson in lessons:
        HtmlFragments(course, PageState(lesson.lang, module.id, "media")).lesson_body(lesson, True)
    rendering = time.perf_counter() - started
    ours = parsing + rendering
    rows = [f"| e4j (markdown-it-py): parse {parsing:.3f} s + render {rendering:.3f} s | "
            f"{ours:.3f} s for {len(lessons)} lessons |"]
    pandoc = shutil.which("pandoc")
    if pandoc:
        # One pandoc process reads every lesson (as one document): its start-up counted once.
        files = [str(root / les.path) for _, les in lessons]
        started = time.perf_counter()
        subprocess.run([pandoc, "-f", "markdown", "-t", "html", *files], capture_output=True,
                       check=True)
        theirs = time.perf_counter() - started
        version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout
        rows.append(f"| pandoc {version.split()[1]}, one process for all | {theirs:.3f} s "
                    f"({theirs / ours:.1f}× e4j's time) |")
    else:
        rows.append("| pandoc | not installed here (`apt-get install pandoc` to compare) |")
    return rows


def reference_speed() -> float:
    """Seconds this machine takes for a fixed pure-Python task (best of three): the same code ran
    twice as fast on one day as on another here, so runs are compared through this figure."""
    def task() -> float:
        started = time.perf_counter()
        sum(i * i % 7 for i in range(3_000_000))
        return time.perf_counter() - started

    return min(task() for _ in range(3))


def print_edition(out: Path, seconds: float, cpu: float) -> str:
    """A table row: the PDFs built alone, with the typesetting work per page."""
    pdfs = sorted((out / "pdf").rglob("*.pdf"))
    pages = sum(len(PdfReader(pdf).pages) for pdf in pdfs)
    return (f"| print edition alone (cold, `--format pdf`) | {seconds:.2f} s (CPU {cpu:.1f} s): "
            f"{len(pdfs)} PDFs, {pages:,} pages, {cpu / max(pages, 1) * 1000:.1f} ms of CPU "
            "per page |")


def targets(full: float, full_cpu: float, noop: float, modules: int, largest: float,
            without_pdf: float) -> list[str]:
    """The project's speed targets for a 2-core machine beside what this run measured."""
    rows = [("full build of the shipped course, every format", 5.0, full),
            ("no-op rebuild", 0.3, noop)]
    if modules == 1000:
        rows.append(("synthetic catalogue of 1,000 modules", 60.0, largest))
    return [
        "## Targets (2 cores)",
        "",
        "| measure | target | measured | |",
        "|---|---|---|---|",
        *(f"| {name} | under {limit:g} s | {value:.2f} s "
          f"| {'met' if value < limit else 'not met'} |" for name, limit, value in rows),
        "",
        f"The full build without the PDFs (every other format, cold) took {without_pdf:.2f} s.",
        f"Two cores can at best halve a build's CPU time: the full build's {full_cpu:.1f} s of "
        f"CPU need {full_cpu / 2:.1f} s at least.",
    ]


def main() -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; reference task (a fixed pure-Python loop) "
        f"{reference_speed():.3f} s.",
        "Produced by `make bench` (bench/run.py); numbers vary with the machine and its load,",
        "by a quarter between runs on a shared machine: to judge a change, time the old and the",
        "new commit alternately. CPU is user + system time of e4j and its worker processes; near",
        "twice the wall time on two cores, a build is bound by CPU, not by waiting. The reference",
        "task shows how fast the machine was: divide a time by it to compare runs of two days.",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="e4j-bench-") as folder:
        work = Path(folder)
        course = work / "course"
        shutil.copytree(PROJECT / "modules", course / "modules")
        shutil.copytree(PROJECT / "quizzes", course / "quizzes")
        out = course / "exports"
        check_cold, _, _, _ = run(["check"], course)
        full, full_cpu, peak, output = run(["build", "--out", str(out)], course)
        noop, _, _, _ = run(["build", "--out", str(out)], course)
        no_pdf_args = ["build", "--out", str(work / "without-pdf")]
        for fmt in REGISTRY:
            no_pdf_args += ["--format", fmt] if fmt != "pdf" else []
        without_pdf, without_pdf_cpu, _, _ = run(no_pdf_args, course)
        pdf_only, pdf_only_cpu, _, _ = run(
            ["build", "--out", str(work / "pdf-only"), "--format", "pdf"], course
        )
        check_built, _, _, _ = run(["check"], course)
        lesson = next((course / "modules").glob("*/secondary.en.md"))

        def touch() -> None:
            lesson.write_text(
                lesson.read_text("utf-8") + "\nOne more sentence for the benchmark.\n", "utf-8"
            )

        touch()
        touched, _, _, touched_output = run(["build", "--out", str(out)], course)
        touch()
        check_touched, _, _, _ = run(["check"], course)
        lines += [
            "## The shipped course, every format",
            "",
            "| measure | value |",
            "|---|---|",
            f"| full build (cold) | {full:.2f} s (CPU {full_cpu:.1f} s), peak memory {peak} MiB "
            "(with worker processes) |",
            f"| no-op rebuild | {noop:.2f} s |",
            f"| full build (cold), every format but pdf | {without_pdf:.2f} s "
            f"(CPU {without_pdf_cpu:.1f} s) |",
            print_edition(work / "pdf-only", pdf_only, pdf_only_cpu),
            f"| rebuild after touching {lesson.parent.name}/{lesson.name} | {touched:.2f} s |",
            f"| `e4j check` before any build | {check_cold:.2f} s |",
            f"| `e4j check` after a build | {check_built:.2f} s |",
            f"| `e4j check` after touching that lesson again | {check_touched:.2f} s |",
            "",
            "Time per format (full build):",
            "",
            f"- reading and checking the sources, and what is not a format: "
            f"{full - sum(_seconds(format_times(output)).values()):.2f} s",
            *(f"- {name}: {value}" for name, value in format_times(output).items()),
            "",
            "After touching one lesson:",
            "",
            *(f"- {name}: {value}" for name, value in format_times(touched_output).items()),
            "",
            "## Weight",
            "",
            "| what | size |",
            "|---|---|",
            *weights(out, _seconds(format_times(output))),
            "",
            "## Markdown → HTML",
            "",
            "| engine | time |",
            "|---|---|",
            *markdown_throughput(course),
            "",
            f"## Synthetic catalogues ({', '.join(SYNTH_FORMATS)})",
            "",
            "| modules | lessons | build | CPU | per module | peak memory |",
            "|---|---|---|---|---|---|",
        ]
        sizes = [int(n) for n in os.environ.get("E4J_BENCH_SIZES", "10,100,1000").split(",")]
        # The largest catalogue once more in one process: slower, but holding the course once.
        runs = [(count, ()) for count in sizes] + [(max(sizes), ("--jobs", "1"))]
        largest = 0.0
        for count, extra in runs:
            root = make_catalogue(count, work / f"synthetic-{count}")
            args = ["build", "--out", str(work / f"out-{count}"), *extra]
            for fmt in SYNTH_FORMATS:
                args += ["--format", fmt]
            elapsed, cpu, peak, _ = run(args, root)
            if count == max(sizes) and not extra:
                largest = elapsed
            lessons = len(list((root / "modules").glob("*/*.md")))
            label = f"{count} ({' '.join(extra)})" if extra else str(count)
            lines.append(
                f"| {label} | {lessons} | {elapsed:.1f} s | {cpu:.1f} s "
                f"| {elapsed / count * 1000:.0f} ms | {peak} MiB |"
            )
            shutil.rmtree(root)
            shutil.rmtree(work / f"out-{count}")
        lines += ["", *targets(full, full_cpu, noop, max(sizes), largest, without_pdf)]
    text = "\n".join(lines) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
