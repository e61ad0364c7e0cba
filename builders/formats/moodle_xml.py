"""Moodle XML question banks: per module and per audience, in each language and multilingual."""

from __future__ import annotations

from builders.formats.base import Artifact, Builder, Job
from builders.locales import UI
from builders.model import Course, Quiz
from builders.qbank.moodle_xml import quiz_document
from builders.qbank.text import BankText

MULTILANG = "multilang"
COURSE = "course"


def bank_jobs(course: Course, multilingual: bool) -> list[Job]:
    """Jobs of a question-bank format: (scope, audience, language) with scope a module or all."""
    jobs = []
    shared = (course.sources.digest, course.glossary.digest)
    audiences = sorted({q.audience for m in course.modules for q in m.quizzes})
    langs = [*course.languages, *([MULTILANG] if multilingual else [])]
    for audience in audiences:
        quizzes = [q for m in course.modules if (q := m.quiz(audience))]
        for lang in langs:
            scope_lang = None if lang == MULTILANG else lang
            # a multilingual bank holds the course's languages, in the course's order
            in_file = shared if scope_lang else (*shared, repr(course.languages))
            for quiz in quizzes:
                module = course.module(quiz.module_id)
                # module.yaml: the module's title names the bank's category
                own = (module.meta_digest, *(a.digest for a in module.assets)) if module else ()
                jobs.append(
                    Job(
                        f"{quiz.module_id}/{audience}/{lang}",
                        (*in_file, quiz.digest, *own),
                        lang=scope_lang,
                        audience=audience,
                        module=quiz.module_id,
                    )
                )
            jobs.append(
                Job(
                    f"{COURSE}/{audience}/{lang}",
                    (
                        *in_file,
                        *(q.digest for q in quizzes),
                        *(m.meta_digest for m in course.modules),
                        *(a.digest for m in course.modules for a in m.assets),
                    ),
                    lang=scope_lang,
                    audience=audience,
                )
            )
    return jobs


def quizzes_of(course: Course, scope: str, audience: str) -> list[Quiz]:
    """The quizzes of a bank: the `scope` module's, or every module's for the course bank."""
    modules = course.modules if scope == COURSE else [m for m in [course.module(scope)] if m]
    return [quiz for m in modules if (quiz := m.quiz(audience))]


class MoodleXmlBuilder(Builder):
    name = "moodle_xml"
    description = "Moodle XML question banks (every question type, feedback and images kept)"
    hands_over = True  # `handed`: rendered questions, shared by the files of one build

    def plan(self, course: Course) -> list[Job]:
        return bank_jobs(course, multilingual=True)

    def render(self, course: Course, job: Job) -> Artifact:
        scope, audience, lang = job.key.split("/")
        langs = course.languages if lang == MULTILANG else (lang,)
        ui = UI(langs[0])
        entries = []
        for quiz in quizzes_of(course, scope, audience):
            module = course.module(quiz.module_id)
            assert module is not None
            entries.append((quiz, BankText(course, module, langs)))

        def info(quiz: Quiz, part: str) -> str:
            module = course.module(quiz.module_id)
            title = " / ".join(module.title.get(x) for x in langs) if module else quiz.module_id
            suffix = f" ({part})" if part else ""
            return f"E4J – {title} – {ui('audience.' + audience)}{suffix}"

        name = f"{lang}/e4j-{scope}-{audience}-{lang}.xml"
        return {name: quiz_document(entries, ui, info, self.handed, last_use=scope == COURSE)}
