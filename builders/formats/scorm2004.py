"""SCORM 2004 4th edition packages: one per module and one course package per audience."""

from __future__ import annotations

from builders.formats.scorm_base import ScormBuilder
from builders.scorm.content import Metadata, PackageContent
from builders.scorm.manifest2004 import manifest2004


class Scorm2004Builder(ScormBuilder):
    name = "scorm2004"
    description = "SCORM 2004 4th edition packages: per module and per course"
    scorm = "2004"

    def manifest(self, meta: Metadata, content: PackageContent, title: str) -> bytes:
        return manifest2004(meta, content, title)
