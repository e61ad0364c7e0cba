"""The registry of output formats: adding a format is one module and one line here."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from builders.diagnostics import did_you_mean

if TYPE_CHECKING:
    from builders.formats.base import Builder

# CLI name -> "module:Class", imported only when the format is used (keeps start-up fast).
REGISTRY: dict[str, str] = {
    "html": "builders.formats.html:HtmlBuilder",
    "scorm12": "builders.formats.scorm12:Scorm12Builder",
    "scorm2004": "builders.formats.scorm2004:Scorm2004Builder",
    "imscc": "builders.formats.imscc:ImsccBuilder",
    "pdf": "builders.formats.pdf:PdfBuilder",
    "notebook": "builders.formats.notebook:NotebookBuilder",
    "moodle_xml": "builders.formats.moodle_xml:MoodleXmlBuilder",
    "gift": "builders.formats.gift:GiftBuilder",
    "reports": "builders.formats.reports:ReportsBuilder",
}


class UnknownFormat(ValueError):
    pass


def get_builder(name: str, **options: str) -> Builder:
    """The builder registered as `name`, or UnknownFormat with a "did you mean" hint."""
    if name not in REGISTRY:
        raise UnknownFormat(f"unknown format '{name}'; {did_you_mean(name, REGISTRY)}")
    module_name, class_name = REGISTRY[name].split(":")
    return getattr(import_module(module_name), class_name)(**options)
