"""Image references in Markdown, and the module files they name.

markdown-it gives an image's target percent-encoded (`images/carte-r%C3%A9gion.png`,
`my%20map.png`), and a file system gives a file's name in Unicode, in whichever normal form the
system that made it wrote (macOS writes `é` as `e` and an accent). A reference and a file are
compared decoded and composed (NFC); a page's `src` is encoded again.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import quote, unquote

# What a page's src keeps as it is, besides letters, digits and _.-~: markdown-it's set, less
# `?` and `#` (in a file name they are not a query or a fragment) and `%` (always encoded here).
URL_SAFE = ";/:@&=+$,!*'()"


def composed(name: str) -> str:
    """A file name as the module's files are known by: its composed (NFC) form."""
    return unicodedata.normalize("NFC", name)


def image_path(src: str) -> str:
    """The module file an image target names: decoded, composed, normalised (`./` and `a/../`
    removed); "" for an empty target."""
    return posixpath.normpath(composed(unquote(src))) if src else ""


def image_url(path: str) -> str:
    """A module-relative file path as a URL path."""
    return quote(path, safe=URL_SAFE)


# Names Windows cannot give a file: an LMS on a Windows server unpacks packages there, and
# teachers copy the HTML edition there.
WINDOWS_FORBIDDEN = set('<>:"|?*')
WINDOWS_DEVICE = "(?:con|prn|aux|nul|com[0-9]|lpt[0-9])"  # with any extension, in any case
WINDOWS_DEVICES = re.compile(rf"^{WINDOWS_DEVICE}(\.|$)", re.IGNORECASE)


def unpublishable(path: str) -> str | None:
    """Why a module file of this name cannot go into packages and pages, if it cannot."""
    if "\\" in path:
        return "a backslash, which packages and web servers read as a folder separator"
    if any(unicodedata.category(char) == "Cc" for char in path):
        return "a control character (a line break, a tab…)"
    if found := sorted(WINDOWS_FORBIDDEN & set(path)):
        shown_chars = " ".join(f"'{char}'" for char in found)
        return f"{shown_chars}, which Windows refuses in file names (an LMS may unpack there)"
    for part in path.split("/"):
        if WINDOWS_DEVICES.match(part) or part.endswith((".", " ")):
            return (f"a part '{part}' that Windows cannot name a file (a device name, or a dot or "
                    "space at the end)")
    return None
