"""Typography per language, shared by every renderer."""

from __future__ import annotations

import re

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
BEFORE = re.compile(r"(?<!\s)\s+([;:!?»])")  # from a run's first space: linear in its length
AFTER_OPENING = re.compile(r"«\s+")
MARKS = re.compile(r"[;:!?»«]")  # most strings have none: BEFORE tries every position


def french_spacing(text: str) -> str:
    """Non-breaking spaces before ; : ! ? and inside « », as French typography wants."""
    if not MARKS.search(text):
        return text
    text = BEFORE.sub(lambda m: (NBSP if m[1] == "»" else NARROW_NBSP) + m[1], text)
    return AFTER_OPENING.sub("«" + NBSP, text)


def typeset(text: str, lang: str) -> str:
    """`text` with the spacing rules of `lang` applied."""
    return french_spacing(text) if lang == "fr" else text
