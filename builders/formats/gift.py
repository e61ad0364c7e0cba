"""GIFT question files, per module and audience and per audience, in each language."""

from __future__ import annotations

from builders.diagnostics import Diagnostic
from builders.formats.base import Artifact, Builder, Job
from builders.formats.moodle_xml import bank_jobs, quizzes_of
from builders.model import Course
from builders.qbank.gift import lost_in_gift, quiz_gift
from builders.qbank.moodle_xml import category_path
from builders.qbank.text import BankText


class GiftBuilder(Builder):
    name = "gift"
    description = "GIFT question files for Moodle (plain text; Moodle XML keeps more)"

    def plan(self, course: Course) -> list[Job]:
        return bank_jobs(course, multilingual=False)

    def render(self, course: Course, job: Job) -> Artifact:
        scope, audience, lang = job.key.split("/")
        parts = []
        for quiz in quizzes_of(course, scope, audience):
            module = course.module(quiz.module_id)
            assert module is not None
            texts = BankText(course, module, (lang,))
            for part in ("pre-test", "post-test") if quiz.pre_post else ("",):
                parts.append(quiz_gift(quiz, texts, category_path(quiz, part)))
        return {f"{lang}/e4j-{scope}-{audience}-{lang}.gift.txt": "\n".join(parts).encode("utf-8")}

    def warnings(self, course: Course) -> list[Diagnostic]:
        return [d for m in course.modules for quiz in m.quizzes for d in lost_in_gift(quiz)]
