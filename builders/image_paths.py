"""Image references in Markdown, and the module files they name.

markdown-it gives an image's target percent-encoded (`images/carte-r%C3%A9gion.png`,
`my%20map.png`), and a file system gives a file's name in Unicode, in whichever normal form the
system that made it wrote (macOS writes `é` as `e` and an accent). A reference and a file are
compared decoded and composed (NFC); a page's `src` is encoded again, as markdown-it encodes.
"""

from __future__ import annotations

import posixpath
import unicodedata

from mdurl import decode, encode


def composed(name: str) -> str:
    """A file name as the module's files are known by: its composed (NFC) form."""
    return unicodedata.normalize("NFC", name)


def image_path(src: str) -> str:
    """The module file an image target names: decoded, composed, normalised (`./` and `a/../`
    removed); "" for an empty target."""
    return posixpath.normpath(composed(decode(src))) if src else ""


def image_url(path: str) -> str:
    """A module-relative file path as a URL path: encoded as markdown-it encodes a target."""
    return encode(path)
