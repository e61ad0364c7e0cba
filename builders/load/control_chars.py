"""Control characters in source text: no edition can show them, and XML cannot hold most of them,
so the loader reports them where they stand (tab and line ends are text, not control). A
byte-order mark inside the text (left where files were joined) is reported too: PDF/UA forbids
it. One at the start of a file is not text; the reader drops it."""

from __future__ import annotations

import re
import unicodedata

from builders.diagnostics import Diagnostics, SourceLoc

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")


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
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    more = len(CONTROL.findall(text)) - 1
    also = f" ({more} more in this file)" if more else ""
    diags.error("source.control-character",
                f"the text holds the invisible character {describe(found[0])}{also}",
                SourceLoc(shown, line, column),
                "delete it: such characters come with text pasted from another program")


def report_in_value(value: str, loc: SourceLoc, diags: Diagnostics) -> None:
    """An error at a YAML string whose escapes make a control character."""
    found = CONTROL.search(value)
    if found is not None:
        diags.error("source.control-character",
                    f"this string holds the invisible character {describe(found[0])}", loc,
                    "delete the escape (\\x…, \\u…) that makes it")
