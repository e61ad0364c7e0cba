"""What goes into a package: one SCO page per module, shared assets, the modules' images."""

from __future__ import annotations

from dataclasses import dataclass, field

from builders.locales import UI
from builders.model import Course, Lesson, Module
from builders.render.pages import Runtime, branding_files, lesson_page, static_file

PACKAGE_ASSETS = ("e4j.css", "quiz.js", "sco.js")


@dataclass(frozen=True)
class Sco:
    module: Module
    lesson: Lesson
    href: str  # the launch page, e.g. "root-causes/index.html"
    files: tuple[str, ...]  # the page and the module's images
    mastery: int  # percent; 0 when the lesson has no quiz


@dataclass
class PackageContent:
    """Files by path, the SCOs in order and the shared asset files."""

    files: dict[str, bytes] = field(default_factory=dict)
    scos: list[Sco] = field(default_factory=list)
    shared: tuple[str, ...] = ()


PageKey = tuple[str, str, str, str]  # course digest, module id, audience, language


def page_key(course: Course, module: Module, lesson: Lesson) -> PageKey:
    return course.digest, module.id, lesson.audience, lesson.lang


def package_content(
    course: Course,
    pairs: list[tuple[Module, Lesson]],
    scorm: str,
    rendered: dict[PageKey, bytes] | None = None,
) -> PackageContent:
    """The files of a package of `pairs`; a page found in `rendered` (the same page, made for a
    one-lesson package of this build) is taken from there instead of rendered again."""
    content = PackageContent()
    for name in PACKAGE_ASSETS:
        content.files[f"assets/{name}"] = static_file(name)
    content.files |= branding_files(course)
    content.shared = tuple(f"assets/{name}" for name in PACKAGE_ASSETS) + tuple(
        branding_files(course)
    )
    for module, lesson in pairs:
        quiz = module.quiz(lesson.audience)
        mastery = quiz.pass_mark if quiz else 0
        href = f"{module.id}/index.html"
        page = (rendered or {}).pop(page_key(course, module, lesson), None)
        content.files[href] = page or lesson_page(
            course,
            module,
            lesson,
            teacher=False,
            root="../",
            media="../media",
            runtime=Runtime(scorm, mastery),
        )
        media = []
        for asset in module.assets:
            if asset.path in lesson.images or (quiz and asset.path in quiz.images):
                path = f"media/{module.id}/{asset.path}"
                content.files[path] = asset.data
                media.append(path)
        content.scos.append(Sco(module, lesson, href, (href, *media), mastery))
    return content


@dataclass(frozen=True)
class Metadata:
    """What the manifest says about the package, in the package's language."""

    identifier: str
    title: str
    description: str
    lang: str
    keywords: tuple[str, ...]
    audience: str
    minutes: int
    version: str
    licence: str
    authors: tuple[str, ...]
    attribution: str


def package_metadata(
    course: Course, pairs: list[tuple[Module, Lesson]], identifier: str, whole_course: bool
) -> Metadata:
    module, lesson = pairs[0]
    ui = UI(lesson.lang)
    if whole_course:
        title = f"{course.title.get(lesson.lang)} – {ui('audience.' + lesson.audience)}"
        description = " ".join(m.title.get(lesson.lang) + "." for m, _ in pairs)
    else:
        title = f"{lesson.title} ({module.title.get(lesson.lang)})"
        description = module.summary.get(lesson.lang)
    keywords = tuple(dict.fromkeys(k for _, les in pairs for k in les.keywords))
    authors = tuple(dict.fromkeys(a for m, _ in pairs for a in m.authors))
    licences = sorted({m.licence for m, _ in pairs})
    return Metadata(
        identifier=identifier,
        title=title,
        description=description,
        lang=lesson.lang,
        keywords=keywords,
        audience=ui("audience." + lesson.audience),
        minutes=sum(les.duration for _, les in pairs),
        version=module.version if not whole_course else "1.0.0",
        licence=", ".join(licences),
        authors=authors,
        attribution=ui("source_line", doc=course.sources.document),
    )


def iso_duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")
