"""Control characters in source text: no edition can show them, and XML cannot hold most of them,
so the loader reports them where they stand (tab and line ends are text, not control). A
byte-order mark inside the text (left where files were joined) is reported too: PDF/UA forbids
it. One at the start of a file is not text; the reader drops it."""

from __future__ import annotations

import html
import re
import unicodedata

from builders.diagnostics import Diagnostics, SourceLoc

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
CHAR_REFERENCE = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});")


def describe(char: str) -> str:
    """`U+000B (LINE TABULATION)`: the code point and its name or, lacking one, its kind."""
    code = ord(char)
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        kind = "not a character"
    else:
        kind = "unassigned" if unicodedata.category(char) == "Cn" else "a control character"
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(code, kind)
    return f"U+{code:04X} ({name})"


_CONTROL_NAMES = {0x00: "NULL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED",
                  0x1B: "ESCAPE", 0x7F: "DELETE"}


def report_in_file(text: str, shown: str, diags: Diagnostics) -> None:
    """An error at the first control character of a file's text, counting the others."""
    found = CONTROL.search(text)
    if found is None:
        return
    more = len(CONTROL.findall(text)) - 1
    also = f" ({more} more in this file)" if more else ""
    diags.error("source.control-character",
                f"the text holds the invisible character {describe(found[0])}{also}",
                SourceLoc.of_index(shown, text, found.start()),
                "delete it: such characters come with text pasted from another program")


def report_in_value(value: str, loc: SourceLoc, diags: Diagnostics) -> None:
    """An error at a YAML string whose escapes make a control character."""
    found = CONTROL.search(value)
    if found is not None:
        diags.error("source.control-character",
                    f"this string holds the invisible character {describe(found[0])}", loc,
                    "delete the escape (\\x…, \\u…) that makes it")


def spelled(text: str, char: str) -> str:
    """How `char` is first written in Markdown source `text`: itself, or a character reference
    (`&#xFEFF;`, `&#65279;`, a named one) that makes it; "" when neither is found."""
    at = text.find(char)
    for reference in CHAR_REFERENCE.finditer(text, 0, at if at >= 0 else len(text)):
        if html.unescape(reference[0]) == char:
            return reference[0]
    return char if at >= 0 else ""


def invisible_reference(markdown: str, text: str) -> str | None:
    """The character reference of `markdown` that makes an invisible character of its decoded
    `text`, or None (characters written as themselves are reported where the file is read)."""
    found = CONTROL.search(text)
    written = spelled(markdown, found[0]) if found else ""
    return written if written.startswith("&") else None


def report_reference(reference: str, loc: SourceLoc, diags: Diagnostics) -> None:
    diags.error("source.control-character",
                f"the character reference {reference} makes the invisible character "
                f"{describe(html.unescape(reference))}", loc, "delete it")
