"""IMS Common Cartridge course packages: 1.1 for Moodle, 1.3 for Canvas, Brightspace, Blackboard."""

from __future__ import annotations

from builders.cc.cartridge import Cartridge
from builders.cc.profiles import CC11, CC13
from builders.cc.qti import lost_in_cartridge
from builders.diagnostics import Diagnostic
from builders.formats.base import Artifact, Builder, Job, lesson_inputs
from builders.locales import UI
from builders.model import Course
from builders.package import zip_bytes

PROFILES = {"cc11": CC11, "cc13": CC13}


class ImsccBuilder(Builder):
    name = "imscc"
    description = "IMS Common Cartridge 1.1 (Moodle) and 1.3 (Canvas, Brightspace, Blackboard)"

    def plan(self, course: Course) -> list[Job]:
        jobs = []
        shared = (course.sources.digest, course.glossary.digest, repr(course.title))
        for lang, audience in course.editions():
            inputs = [
                digest
                for module, lesson in course.lessons_for(lang, audience)
                for digest in lesson_inputs(module, lesson)
            ]
            for version in PROFILES:
                jobs.append(
                    Job(
                        f"{version}/{audience}/{lang}",
                        (*shared, *inputs),
                        lang=lang,
                        audience=audience,
                    )
                )
        return jobs

    def render(self, course: Course, job: Job) -> Artifact:
        version, audience, lang = job.key.split("/")
        cartridge = Cartridge(course, lang, audience, PROFILES[version])
        pairs = course.lessons_for(lang, audience)
        for module, lesson in pairs:
            cartridge.add(module, lesson)
        ui = UI(lang)
        title = f"{course.title.get(lang)} – {ui('audience.' + audience)}"
        description = " ".join(f"{m.title.get(lang)}." for m, _ in pairs)
        keywords = list(dict.fromkeys(k for _, lesson in pairs for k in lesson.keywords))
        licences = ", ".join(sorted({m.licence for m, _ in pairs}))
        licence = f"{licences}. {ui('source_line', doc=course.sources.document)}"
        files = dict(cartridge.files)
        files["imsmanifest.xml"] = cartridge.manifest(
            f"e4j-{audience}-{lang}-{version}", title, description, keywords, licence
        )
        name = f"e4j-course-{audience}-{lang}-{version}.imscc"
        return {name: zip_bytes(files, ("imsmanifest.xml",))}

    def warnings(self, course: Course) -> list[Diagnostic]:
        return [d for m in course.modules for quiz in m.quizzes for d in lost_in_cartridge(quiz)]
