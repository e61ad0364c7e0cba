"""Print edition: learner handout, facilitator guide, printable quiz and answer sheet as PDF,
typeset with Typst (self-contained: fonts embedded, tagged PDF/UA-1); beside a printed pre/post
test, the score sheet `e4j results` reads."""

from __future__ import annotations

import csv
import io
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from builders.cores import usable_cores
from builders.formats.base import Artifact, Builder, Job, lesson_job, lesson_of
from builders.formats.typst_errors import typst_source_error
from builders.model import Course, Quiz
from builders.package import source_date_epoch
from builders.render.print_docs import LessonPrint, PrintDoc
from builders.write import naming_on_failure

PAPERS = {"a4": "a4", "letter": "us-letter"}


@lru_cache(maxsize=1)
def _typesetters() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(2, usable_cores()), thread_name_prefix="typst")


_per_thread = threading.local()


def _compiler():  # -> typst.Compiler
    """This thread's Typst compiler, kept for the next document with the fonts it has read and
    the rest of its set-up: a tenth less CPU than a new compiler per document (PDF-only build of
    the shipped course, 14.2 s → 12.7 s). One per thread: a compiler compiles one document at a
    time."""
    import typst  # heavy: imported only when PDFs are built

    if getattr(_per_thread, "compiler", None) is None:
        _per_thread.compiler = typst.Compiler(
            font_paths=_embedded_fonts(), ignore_system_fonts=True
        )
    return _per_thread.compiler


@lru_cache(maxsize=1)
def _embedded_fonts():  # -> typst.Fonts
    """The fonts Typst ships, read once: a build uses no system font, so PDFs do not depend on
    the machine."""
    import typst

    return typst.Fonts(include_system_fonts=False)


def compile_pdf(doc: PrintDoc, images: dict[str, bytes]) -> bytes:
    """Typeset one document; its images are laid out in a private folder Typst reads from."""
    epoch = source_date_epoch()
    with tempfile.TemporaryDirectory(prefix="e4j-typst-") as folder:
        root = Path(folder)
        for name, data in images.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            with naming_on_failure(root / name):
                (root / name).write_bytes(data)
        with naming_on_failure(root / "main.typ"):
            (root / "main.typ").write_text(doc.source, encoding="utf-8")
        return _compiler().compile(
            input=str(root / "main.typ"),
            root=str(root),
            pdf_standards=["ua-1"],
            timestamp=epoch,
        )


class PdfBuilder(Builder):
    name = "pdf"
    description = "print edition (PDF/UA): handout, facilitator guide, printable quiz, answers"

    def __init__(self, **options: str) -> None:
        super().__init__(**options)
        self.paper = PAPERS[options.get("paper", "a4")]

    def warm_up(self) -> None:
        import typst  # noqa: F401

    def plan(self, course: Course) -> list[Job]:
        shared = (course.sources.digest, course.glossary.digest, self.paper)
        return [lesson_job(m, lesson, shared) for m in course.modules for lesson in m.lessons]

    def render(self, course: Course, job: Job) -> Artifact:
        module, lesson = lesson_of(course, job)
        module_id, audience, lang = module.id, lesson.audience, lesson.lang
        printer = LessonPrint(course, module, lesson, self.paper)
        docs = [printer.handout(), printer.guide(), *printer.quiz_docs()]
        answers = printer.answers()
        if answers:
            docs.append(answers)

        def typeset(doc: PrintDoc) -> bytes:
            images = {
                name: asset.data
                for name, path in doc.images.items()
                if (asset := module.asset(path)) is not None
            }
            branding = course.branding
            if branding and branding.logo:  # module images are flat names: no clash
                images[f"branding/{branding.logo_name}"] = branding.logo
            try:
                return compile_pdf(doc, images)
            except Exception as exc:  # Typst's own error type
                source_error = typst_source_error(exc, lesson, doc, printer.quiz)
                if source_error is not None:
                    raise source_error from None
                raise

        # Typst releases the GIL: a lesson's documents are typeset side by side.
        pdfs = _typesetters().map(typeset, docs)
        stem = f"{lang}/{audience}/e4j-{module_id}-{audience}-{lang}"
        artifact = {f"{stem}-{doc.name}.pdf": pdf for doc, pdf in zip(docs, pdfs, strict=True)}
        if printer.quiz and printer.quiz.pre_post:
            artifact[f"{stem}-scores.csv"] = score_sheet(printer.quiz)
        return artifact


def score_sheet(quiz: Quiz) -> bytes:
    """An empty sheet for the marks of a printed pre- or post-test: one row per learner, one
    column per question as numbered on paper (1 right, 0 wrong), read by `e4j results`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["learner_code", "sex", "age_band",
                     *(f"Q{n}" for n in range(1, len(quiz.questions) + 1))])
    return out.getvalue().encode("utf-8")
