"""SCORM 1.2 packages: one per module and one course package per audience and language."""

from __future__ import annotations

from builders.formats.scorm_base import ScormBuilder
from builders.scorm.content import Metadata, PackageContent
from builders.scorm.manifest12 import manifest12


class Scorm12Builder(ScormBuilder):
    name = "scorm12"
    description = "SCORM 1.2 packages (recommended for Moodle): per module and per course"
    scorm = "1.2"

    def manifest(self, meta: Metadata, content: PackageContent, title: str) -> bytes:
        return manifest12(meta, content, title)
