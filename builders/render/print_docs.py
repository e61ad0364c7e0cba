"""The printed documents of a lesson as Typst source: learner handout, facilitator guide,
printable quiz and its answer sheet."""

from __future__ import annotations

from dataclasses import dataclass

from builders.locales import UI
from builders.model import Course, Lesson, Module, Question, Quiz
from builders.render.templates import template_env
from builders.render.typst import TypstFragments, typ_string, typ_text

# Per-audience look: larger, airier type for children; compact for practitioners.
STYLES = {
    "primary": {"size": 13, "leading": "0.85em", "spacing": "1.3em", "margin": "2.2cm"},
    "secondary": {"size": 11, "leading": "0.72em", "spacing": "1.1em", "margin": "2.2cm"},
    "university": {"size": 10.5, "leading": "0.68em", "spacing": "1em", "margin": "2.3cm"},
    "labour-inspectors": {"size": 10, "leading": "0.62em", "spacing": "0.9em", "margin": "1.8cm"},
    "consular-staff": {"size": 10, "leading": "0.62em", "spacing": "0.9em", "margin": "1.8cm"},
}
PRACTITIONERS = ("labour-inspectors", "consular-staff")


@dataclass(frozen=True)
class PrintDoc:
    """One document to typeset: its Typst source and the module images it uses."""

    name: str
    source: str
    images: dict[str, str]  # embedded name -> module-relative path


def _env():
    env = template_env("pdf")
    env.filters["typ"] = typ_string
    return env


class LessonPrint:
    """Builds the printed documents of one lesson."""

    def __init__(self, course: Course, module: Module, lesson: Lesson, paper: str):
        self.course, self.module, self.lesson, self.paper = course, module, lesson, paper
        self.lang = lesson.lang
        self.ui = UI(self.lang)
        self.quiz = module.quiz(lesson.audience)

    def t(self, text: str) -> str:
        return typ_text(text, self.lang)

    def _preamble(self, title: str, subject: str) -> str:
        audience = self.ui(f"audience.{self.lesson.audience}")
        branding = self.course.branding
        footer = (f"{self.ui('licence')}{self.ui('colon')} {self.module.licence} · "
                  + self.ui("source_line", doc=self.course.sources.document))
        if branding and branding.attribution:
            footer = f"{branding.attribution.get(self.lang)} · {footer}"
        header_left = self.module.title.get(self.lang)
        if branding:
            header_left = f"{branding.institution.get(self.lang)} · {header_left}"
        return (
            _env()
            .get_template("preamble.typ.j2")
            .render(
                title=title,
                subject=subject,
                authors=self.module.authors or ("E4J",),
                keywords=self.lesson.keywords,
                paper=self.paper,
                language=self.lang.partition("-")[0],  # Typst takes pt-BR as pt and BR
                region=self.lang.partition("-")[2],
                style=STYLES[self.lesson.audience],
                header_left=header_left,
                header_right=f"{audience} · {self.lang.upper()}",
                footer_left=footer,
                accent=branding.colour if branding else "#005a8c",
                logo=f"branding/{branding.logo_name}" if branding and branding.logo else "",
                institution=branding.institution.get(self.lang) if branding else "",
            )
        )

    def _meta(self) -> str:
        audience = self.ui(f"audience.{self.lesson.audience}")
        duration = self.ui("minutes", n=self.lesson.duration)
        text = (
            f"{self.module.title.get(self.lang)} · {audience} · "
            f"{self.ui('duration')}{self.ui('colon')} {duration}"
        )
        return f"#e4jmeta[{self.t(text)}]\n\n"

    def _outcomes(self, with_paragraphs: bool) -> str:
        items = []
        for outcome in self.lesson.outcomes:
            extra = ""
            if with_paragraphs and outcome.paragraphs:
                extra = " " + self.t("(" + ", ".join(f"§{p}" for p in outcome.paragraphs) + ")")
            items.append(f"[{self.t(outcome.text)}{extra}]")
        return (
            f"#heading(level: 2)[{self.t(self.ui('learning_outcomes'))}]\n"
            f"{self.t(self.ui('outcomes_intro'))}\n#list({', '.join(items)})\n\n"
        )

    def _glossary_and_sources(self, frags: TypstFragments) -> str:
        out = []
        terms = [
            self.course.glossary.by_id[t] for t in frags.terms if t in self.course.glossary.by_id
        ]
        terms.sort(key=lambda term: term.term.get(self.lang).casefold())
        if terms:
            out.append(f"#heading(level: 2)[{self.t(self.ui('glossary'))}]\n#terms(")
            for term in terms:
                definition = frags.inline(term.definition.get(self.lang))
                out.append(f"terms.item[{self.t(term.term.get(self.lang))}][{definition}], ")
            out.append(")\n\n")
        cited = dict.fromkeys([*frags.cited, *self.lesson.paragraphs])
        paragraphs = sorted(
            (p for p in cited if p in self.course.sources.by_id), key=self.course.sources.order
        )
        out.append(f"#heading(level: 2)[{self.t(self.ui('sources'))}]\n")
        sources = self.course.sources
        paper = f"{sources.document} – {sources.title.get(self.lang)}"
        out.append(f"{self.t(self.ui('sources_intro'))} {self.t(paper)}\n")
        items = [
            f"[#strong[{self.t('§' + p)}] {self.t(sources.by_id[p].summary.get(self.lang))}]"
            for p in paragraphs
        ]
        if items:
            out.append(f"#list({', '.join(items)})\n")
        return "".join(out)

    # --- the four documents ---------------------------------------------------------------
    def handout(self) -> PrintDoc:
        frags = TypstFragments(self.course, self.lang, teacher=False)
        body = frags.lesson_body(self.lesson)
        source = (
            self._preamble(self.lesson.title, self.module.summary.get(self.lang))
            + f"#heading(level: 1)[{self.t(self.lesson.title)}]\n"
            + self._meta()
            + self._outcomes(with_paragraphs=False)
            + body
            + self._glossary_and_sources(frags)
        )
        return PrintDoc("handout", source, frags.images)

    def guide(self) -> PrintDoc:
        frags = TypstFragments(self.course, self.lang, teacher=True)
        body = frags.lesson_body(self.lesson)
        edition = (
            "edition_facilitator" if self.lesson.audience in PRACTITIONERS else "edition_teacher"
        )
        title = f"{self.ui(edition)}{self.ui('colon')} {self.lesson.title}"
        parts = [
            self._preamble(title, self.module.summary.get(self.lang)),
            f"#heading(level: 1)[{self.t(title)}]\n",
            self._meta(),
            self._outcomes(with_paragraphs=True),
            self._plan(),
            body,
        ]
        if self.quiz:
            parts.append(self._answer_key(frags, detailed=True))
        parts.append(self._glossary_and_sources(frags))
        return PrintDoc("guide", "".join(parts), frags.images)

    def _plan(self) -> str:
        if not self.lesson.plan:
            return ""
        rows, elapsed = [], 0
        for number, step in enumerate(self.lesson.plan, start=1):
            start = elapsed
            elapsed += step.minutes
            rows.append(
                f"[{number}], [{self.t(f'{start}–{elapsed}')}], "
                f"[{self.t(self.ui('minutes', n=step.minutes))}], [{self.t(step.activity)}],"
            )
        header = ", ".join(
            f"[{self.t(self.ui(key))}]"
            for key in ("plan_step", "plan_time", "duration", "plan_activity")
        )
        columns = "(auto, auto, auto, 1fr)"
        return (
            f"#heading(level: 2)[{self.t(self.ui('class_plan'))}]\n"
            f"#table(columns: {columns}, table.header({header}), {' '.join(rows)})\n\n"
        )

    def quiz_docs(self) -> list[PrintDoc]:
        if not self.quiz:
            return []
        parts = ("pre_test", "post_test") if self.quiz.pre_post else ("quiz",)
        return [self._printable_quiz(part) for part in parts]

    def _printable_quiz(self, part: str) -> PrintDoc:
        assert self.quiz is not None
        frags = TypstFragments(self.course, self.lang, teacher=False)
        label = self.ui(part) if part != "quiz" else self.ui("quiz")
        title = f"{self.quiz.title.get(self.lang)} – {label}"
        chunks = [
            self._preamble(title, self.module.title.get(self.lang)),
            f"#heading(level: 1)[{self.t(title)}]\n",
            self._meta(),
            f"{self.t(self.ui('name_line'))} #box(width: 1fr, line(length: 100%)) "
            f"#h(1em) {self.t(self.ui('date_line'))} #box(width: 8em, line(length: 100%))\n\n",
            f"{self.t(self.ui('pass_mark', n=self.quiz.pass_mark))}\n\n",
        ]
        for number, question in enumerate(self.quiz.questions, start=1):
            chunks.append(self._question(frags, number, question))
        return PrintDoc(part.replace("_", "-"), "".join(chunks), frags.images)

    def _question(self, frags: TypstFragments, number: int, q: Question) -> str:
        label = self.t(self.ui("question_n", n=number))
        head = (
            f"#block(breakable: false, above: 1.2em)[#strong[{label}.] "
            f"{frags.inline(q.prompt.get(self.lang))} "
            f"#e4jmeta[{self.t('(' + self.ui.plural('points', q.points) + ')')}]\n\n"
        )
        if q.type in ("single", "multiple", "truefalse"):
            mark = "○" if q.type != "multiple" else "☐"
            if q.type == "truefalse":
                labels = [self.t(self.ui("answer_true")), self.t(self.ui("answer_false"))]
            else:
                labels = [frags.inline(o.text.get(self.lang)) for o in q.options]
            letters = "abcdefghijklmnopqrstuvwxyz"
            lines = [
                f"#pad(left: 1em)[{self.t(mark)} {self.t(letters[i] + ')')} {label}]"
                for i, label in enumerate(labels)
            ]
            return head + "\n".join(lines) + "]\n\n"
        if q.type in ("short", "numerical"):
            return head + f"{self.t(self.ui('your_answer') + self.ui('colon'))} #e4jlines(1)]\n\n"
        if q.type == "matching":
            premises = [frags.inline(p.premise.get(self.lang)) for p in q.pairs]
            matches = sorted(
                range(len(q.pairs)), key=lambda i: (q.pairs[i].match.get(self.lang).casefold(), i)
            )
            rows = []
            for row in range(len(q.pairs)):
                letter = "abcdefghijklmnopqrstuvwxyz"[row]
                match = frags.inline(q.pairs[matches[row]].match.get(self.lang))
                blank = "#box(width: 2.5em, line(length: 100%))"
                rows.append(
                    f"[{self.t(str(row + 1))}. {premises[row]}], [{blank}], "
                    f"[{self.t(letter + ')')} {match}],"
                )
            return head + f"#table(columns: (1fr, auto, 1fr), stroke: none, {' '.join(rows)})]\n\n"
        line_count = max(8, min(24, (q.min_words or 120) // 12))
        hint = f"{self.t(self.ui('min_words', n=q.min_words))}\n" if q.min_words else ""
        return head + hint + f"#e4jlines({line_count})]\n\n"

    def answers(self) -> PrintDoc | None:
        if not self.quiz:
            return None
        frags = TypstFragments(self.course, self.lang, teacher=True)
        title = f"{self.ui('answer_key')} – {self.quiz.title.get(self.lang)}"
        source = (
            self._preamble(title, self.module.title.get(self.lang))
            + f"#heading(level: 1)[{self.t(title)}]\n"
            + self._meta()
            + self._answer_key(frags, detailed=False)
        )
        return PrintDoc("answers", source, frags.images)

    def _answer_key(self, frags: TypstFragments, detailed: bool) -> str:
        quiz: Quiz = self.quiz  # type: ignore[assignment]
        out = [f"#heading(level: 2)[{self.t(self.ui('answer_key'))}]\n"]
        intro = self.ui("pass_mark", n=quiz.pass_mark)
        if quiz.pre_post:
            intro += " " + self.ui("pre_post_note")
        out.append(f"{self.t(intro)}\n\n")
        outcomes = {o.id: o.text for o in self.lesson.outcomes}
        letters = "abcdefghijklmnopqrstuvwxyz"
        for number, q in enumerate(quiz.questions, start=1):
            label = self.t(self.ui("question_n", n=number))
            out.append(
                f"#block(breakable: true, above: 1em)[#strong[{label}.] "
                f"{frags.inline(q.prompt.get(self.lang))}\n\n"
            )
            if detailed:
                colon = self.ui("colon")
                meta = (
                    f"{self.ui.plural('points', q.points)} · {self.ui('outcome')}{colon} "
                    f"{outcomes.get(q.outcome, q.outcome)} · {self.ui('paragraphs_cited')}"
                    f"{colon} " + ", ".join(f"§{p}" for p in q.paragraphs)
                )
                out.append(f"#e4jmeta[{self.t(meta)}]\n\n")
            out.append(self._solution(frags, q, letters, detailed))
            if q.feedback.get(self.lang):
                out.append(
                    f"#strong[{self.t(self.ui('feedback_general') + self.ui('colon'))}] "
                    f"{frags.inline(q.feedback.get(self.lang))}\n\n"
                )
            out.append("]\n")
        return "".join(out)

    def _solution(self, frags: TypstFragments, q: Question, letters: str, detailed: bool) -> str:
        correct_label = self.t(self.ui("correct_answer") + self.ui("colon"))
        if q.type in ("single", "multiple"):
            items = []
            for index, option in enumerate(q.options):
                if not detailed and not option.correct:
                    continue
                mark = "✓" if option.correct else "✗"
                text = frags.inline(option.text.get(self.lang))
                feedback = f" — {frags.inline(option.feedback.get(self.lang))}" if detailed else ""
                items.append(f"[{self.t(mark + ' ' + letters[index] + ')')} {text}{feedback}]")
            return f"#list({', '.join(items)})\n\n"
        if q.type == "truefalse":
            answer = self.ui("answer_true" if q.answer else "answer_false")
            text = f"#strong[{correct_label}] {self.t(answer)}\n\n"
            if detailed:
                text += (
                    f"#list([{self.t(self.ui('if_true') + self.ui('colon'))} "
                    f"{frags.inline(q.feedback_true.get(self.lang))}], "
                    f"[{self.t(self.ui('if_false') + self.ui('colon'))} "
                    f"{frags.inline(q.feedback_false.get(self.lang))}])\n\n"
                )
            return text
        if q.type == "short":
            return (
                f"#strong[{self.t(self.ui('accepted_answers') + self.ui('colon'))}] "
                f"{self.t(' · '.join(q.accepted(self.lang)))}\n\n"
                + self._right_wrong(frags, q, detailed)
            )
        if q.type == "numerical":
            value = f"{float(q.answer or 0):g}"
            if q.tolerance:
                value += f" ({self.ui('tolerance', n=f'{q.tolerance:g}')})"
            return f"#strong[{correct_label}] {self.t(value)}\n\n" + self._right_wrong(
                frags, q, detailed
            )
        if q.type == "matching":
            matches = sorted(
                range(len(q.pairs)), key=lambda i: (q.pairs[i].match.get(self.lang).casefold(), i)
            )
            letter_of = {pair_index: letters[row] for row, pair_index in enumerate(matches)}
            items = [
                f"[{self.t(f'{i + 1} → {letter_of[i]})')} "
                f"{frags.inline(p.premise.get(self.lang))} — "
                f"{frags.inline(p.match.get(self.lang))}]"
                for i, p in enumerate(q.pairs)
            ]
            return f"#list({', '.join(items)})\n\n" + self._right_wrong(frags, q, detailed)
        guide = frags.block(q.marking_guide.get(self.lang)) if q.marking_guide else ""
        return f"#strong[{self.t(self.ui('marking_guide'))}]\n\n{guide}\n\n"

    def _right_wrong(self, frags: TypstFragments, q: Question, detailed: bool) -> str:
        if not detailed:
            return ""
        return (
            f"#list([{self.t(self.ui('when_correct') + self.ui('colon'))} "
            f"{frags.inline(q.feedback_correct.get(self.lang))}], "
            f"[{self.t(self.ui('when_incorrect') + self.ui('colon'))} "
            f"{frags.inline(q.feedback_incorrect.get(self.lang))}])\n\n"
        )
