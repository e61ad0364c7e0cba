"""Heading ids: the anchors of HTML pages, and how overlays address a lesson's sections."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """A readable, deterministic id from a heading (accents folded, lowercase, hyphens)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or "section"


def heading_id(source: str) -> str:
    """The id of a heading from its Markdown text: citations and glossary brackets left out."""
    return slugify(re.sub(r"\[§[^\]]*\]|\[\[|\]\]", "", source))
