"""Whether a module's image file is one every edition can show: PNG, JPEG, GIF, WebP or SVG, with
bytes that are what its name says (a renamed or damaged file would otherwise stop the PDF build
deep inside Typst)."""

from __future__ import annotations

from pathlib import PurePosixPath

from lxml import etree

from builders.xml import safe_parser

SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
}
SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
KINDS = "PNG, JPEG, GIF, WebP or SVG"


def image_problem(path: str, data: bytes) -> str:
    """What is wrong with the image file `path` holding `data`, or "" when nothing is."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".svg":
        try:
            root = etree.fromstring(data, safe_parser())
        except etree.XMLSyntaxError as exc:
            return f"it is not well-formed SVG ({exc.msg})"
        return "" if root.tag == SVG_ROOT else "its root element is not an SVG <svg>"
    if suffix == ".webp":
        return "" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else "it is not a WebP file"
    if suffix in SIGNATURES:
        if data.startswith(SIGNATURES[suffix]):
            return ""
        return f"its bytes are not a {suffix.lstrip('.').upper()} file's"
    return f"'{suffix or path}' is not an image kind every edition can show ({KINDS})"
