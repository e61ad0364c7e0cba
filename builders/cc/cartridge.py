"""A course cartridge for one audience and language: lesson pages as web content, quizzes as
QTI assessments, discussions as discussion topics, references as web links, LOM metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from markdown_it.token import Token

from builders.cc.profiles import Profile
from builders.cc.qti import QtiWriter
from builders.locales import UI
from builders.model import Course, Lesson, Module
from builders.render.html import HtmlFragments, PageState, drop_teacher_notes
from builders.render.pages import branding_files, lesson_page, static_file
from builders.xml import to_bytes

XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass
class Entry:
    """One organisation item and the resource behind it."""

    title: str
    identifier: str
    kind: str  # resource type
    href: str
    files: list[str]
    dependencies: list[str] = field(default_factory=list)


def _xml_id(module_id: str) -> str:
    """The base of a module's identifiers: they are XML IDs, which cannot start with a digit as
    a module id may (an underscore cannot start a module id, so no two modules share one)."""
    return module_id if module_id[:1].isalpha() else f"_{module_id}"


def _discussions(course: Course, module: Module, lesson: Lesson) -> list[tuple[str, str]]:
    """(title, HTML) of each discussion block of the learner edition."""
    ui = UI(lesson.lang)
    found: list[tuple[str, str]] = []
    current: list[Token] = []
    depth, title = 0, ""
    for token in drop_teacher_notes(lesson.tokens):
        if token.type == "container_discussion_open":
            depth, current = 1, []
            title = token.info.strip().partition(" ")[2].strip() or ui("container.discussion")
            continue
        if depth and token.type == "container_discussion_close":
            frags = HtmlFragments(
                course, PageState(lesson.lang, module.id, "media", self_contained=True)
            )
            found.append((title, frags.renderer.render(current, frags.options, {})))
            depth = 0
            continue
        if depth:
            current.append(token)
    return found


def _links(lesson: Lesson) -> list[tuple[str, str]]:
    """(text, url) of each web link in the learner edition, first occurrence only."""
    links: dict[str, str] = {}
    for token in drop_teacher_notes(lesson.tokens):
        children: list[Token] = token.children or []
        for index, child in enumerate(children):
            href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
            if href.startswith(("http://", "https://")) and href not in links:
                words = []
                for follower in children[index + 1 :]:
                    if follower.type == "link_close":
                        break
                    words.append(follower.content)
                links[href] = " ".join("".join(words).split()) or href
    return [(text, url) for url, text in links.items()]


def _small_doc(namespace: str, root_tag: str, build) -> bytes:
    root = etree.Element(f"{{{namespace}}}{root_tag}", nsmap={None: namespace})
    build(root, lambda parent, tag, text=None, **attrs: _el(parent, namespace, tag, text, **attrs))
    return to_bytes(root)


def _el(parent, namespace, tag, text=None, **attrs):
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", **attrs)
    if text is not None:
        element.text = text
    return element


class Cartridge:
    """Everything one cartridge holds, then its manifest."""

    def __init__(self, course: Course, lang: str, audience: str, profile: Profile):
        self.course, self.lang, self.audience, self.profile = course, lang, audience, profile
        self.ui = UI(lang)
        self.files: dict[str, bytes] = {"assets/e4j.css": static_file("e4j.css")}
        self.files |= branding_files(course)
        self.modules: list[tuple[Module, list[Entry]]] = []

    def add(self, module: Module, lesson: Lesson) -> None:
        entries = []
        ident = _xml_id(module.id)
        page = f"{module.id}/index.html"
        self.files[page] = lesson_page(
            self.course,
            module,
            lesson,
            teacher=False,
            root="../",
            media="../media",
            standalone=True,
            with_quiz=False,
        )
        page_files = [page]
        for path in lesson.images:
            target = f"media/{module.id}/{path}"
            self.files[target] = module.asset(path).data  # type: ignore[union-attr]
            page_files.append(target)
        entries.append(
            Entry(
                lesson.title,
                f"{ident}-lesson",
                "webcontent",
                page,
                page_files,
                ["shared-assets"],
            )
        )
        quiz = module.quiz(lesson.audience)
        if quiz:
            writer = QtiWriter(self.course, module, self.lang)
            href = f"{module.id}/assessment.xml"
            self.files[href] = writer.assessment(quiz, f"{ident}-quiz")
            files = [href]
            for path in writer.images:
                target = f"media/{module.id}/{path.replace('/', '-')}"
                self.files[target] = module.asset(path).data  # type: ignore[union-attr]
                files.append(target)
            entries.append(
                Entry(
                    quiz.title.get(self.lang),
                    f"{ident}-quiz",
                    self.profile.assessment_type,
                    "",
                    files,
                )
            )
        for number, (title, html) in enumerate(_discussions(self.course, module, lesson), 1):
            href = f"{module.id}/discussion-{number}.xml"

            def topic(root, el, title=title, html=html):
                el(root, "title", title)
                el(root, "text", html, texttype="text/html")

            self.files[href] = _small_doc(self.profile.discussion_ns, "topic", topic)
            entries.append(
                Entry(
                    title,
                    f"{ident}-discussion-{number}",
                    self.profile.discussion_type,
                    "",
                    [href],
                )
            )
        for number, (text, url) in enumerate(_links(lesson), 1):
            href = f"{module.id}/weblink-{number}.xml"

            def link(root, el, text=text, url=url):
                el(root, "title", text)
                el(root, "url", href=url, target="_blank")

            self.files[href] = _small_doc(self.profile.weblink_ns, "webLink", link)
            entries.append(
                Entry(text, f"{ident}-weblink-{number}", self.profile.weblink_type, "", [href])
            )
        self.modules.append((module, entries))

    def manifest(
        self, identifier: str, title: str, description: str, keywords: list[str], licence: str
    ) -> bytes:
        p = self.profile
        nsmap = {None: p.cp, "lomimscc": p.lom_manifest, "lom": p.lom_resource, "xsi": XSI}
        root = etree.Element(f"{{{p.cp}}}manifest", nsmap=nsmap, identifier=identifier)

        def cp(parent, tag, text=None, **attrs):
            return _el(parent, p.cp, tag, text, **attrs)

        def lom(parent, tag, text=None, **attrs):
            return _el(parent, p.lom_manifest, tag, text, **attrs)

        metadata = cp(root, "metadata")
        cp(metadata, "schema", "IMS Common Cartridge")
        cp(metadata, "schemaversion", p.schemaversion)
        record = lom(metadata, "lom")
        general = lom(record, "general")
        lom(lom(general, "title"), "string", title, language=self.lang)
        lom(general, "language", self.lang)
        lom(lom(general, "description"), "string", description, language=self.lang)
        for keyword in keywords:
            lom(lom(general, "keyword"), "string", keyword, language=self.lang)
        rights = lom(record, "rights")
        lom(lom(rights, "copyrightAndOtherRestrictions"), "value", "yes")
        lom(lom(rights, "description"), "string", licence, language=self.lang)
        organization = cp(
            cp(root, "organizations"),
            "organization",
            identifier="org",
            structure="rooted-hierarchy",
        )
        top = cp(organization, "item", identifier="root")
        resources = cp(root, "resources")
        for module, entries in self.modules:
            folder = cp(top, "item", identifier=f"{_xml_id(module.id)}-module")
            cp(folder, "title", module.title.get(self.lang))
            for entry in entries:
                item = cp(
                    folder,
                    "item",
                    identifier=f"{entry.identifier}-item",
                    identifierref=entry.identifier,
                )
                cp(item, "title", entry.title)
                attrs = {"identifier": entry.identifier, "type": entry.kind}
                if entry.href:
                    attrs["href"] = entry.href
                resource = cp(resources, "resource", **attrs)
                for path in entry.files:
                    cp(resource, "file", href=path)
                for dependency in entry.dependencies:
                    cp(resource, "dependency", identifierref=dependency)
        shared = cp(resources, "resource", identifier="shared-assets", type="webcontent")
        for path in ("assets/e4j.css", *branding_files(self.course)):
            cp(shared, "file", href=path)
        return to_bytes(root)
