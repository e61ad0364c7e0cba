"""Jupyter notebooks of the university lessons, with an HTML preview rendered by nbconvert."""

from __future__ import annotations

import json
from functools import lru_cache

from builders.formats.base import Artifact, Builder, Job, lesson_job, lesson_of
from builders.model import Course
from builders.notebooks import lesson_notebook
from builders.render.html import HtmlFragments, PageState

AUDIENCES = ("university",)


@lru_cache(maxsize=1)
def _exporter():
    """nbconvert's HTML exporter, set up once (loading its templates is the slow part)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PreviewExporter(HTMLExporter):
        """HTMLExporter without the pass its `from_notebook_node` ends with: the page parsed
        again with BeautifulSoup and written out, to give alt text to images without one and
        tabindex to the lab template's cells. Our images always have alt text (`e4j check`)
        and the basic template has no such cells; the pass took 45 % of the preview's time."""

        def from_notebook_node(self, nb, resources=None, **kw):
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    exporter = PreviewExporter(template_name="basic")
    # Filters HTMLExporter registers on each call; ours hold no code cells nor outputs to use
    # them on, but the templates name them.
    exporter.register_filter("highlight_code", Highlight2HTML(parent=exporter))
    exporter.register_filter("filter_data_type", WidgetsDataTypeFilter(parent=exporter))
    return exporter


class NotebookBuilder(Builder):
    name = "notebook"
    description = "Jupyter notebooks of university lessons (+ HTML preview via nbconvert)"

    def warm_up(self) -> None:
        _exporter()

    def plan(self, course: Course) -> list[Job]:
        shared = (course.glossary.digest, course.sources.digest)
        return [
            lesson_job(module, lesson, shared)
            for module in course.modules
            for lesson in module.lessons
            if lesson.audience in AUDIENCES
        ]

    def render(self, course: Course, job: Job) -> Artifact:
        module, lesson = lesson_of(course, job)
        module_id, audience, lang = module.id, lesson.audience, lesson.lang
        notebook = lesson_notebook(course, module, lesson)
        name = f"{lang}/e4j-{module_id}-{audience}-{lang}"
        text = json.dumps(notebook, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return {
            f"{name}.ipynb": text.encode("utf-8"),
            f"{name}.html": self._preview(course, module_id, lang, notebook),
        }

    @staticmethod
    def _preview(course: Course, module_id: str, lang: str, notebook: dict) -> bytes:
        """nbconvert's rendering of the notebook, its Markdown cells pre-rendered by our own
        renderer (so raw HTML in a source can never pass through)."""
        import nbformat

        from builders.render.pages import render_page

        safe = json.loads(json.dumps(notebook))
        frags = HtmlFragments(course, PageState(lang, module_id, "media", self_contained=True))
        for cell in safe["cells"]:
            if "e4j-quiz" not in cell["metadata"]["tags"]:
                cell["source"] = frags.block(cell["source"])
        node = nbformat.from_dict(safe)
        body, _ = _exporter().from_notebook_node(node)
        title = next(c["source"] for c in notebook["cells"]).splitlines()[0].lstrip("# ")
        return render_page(
            "notebook.html.j2", course, lang, "../../html/", {"title": title, "body": body}
        )
