"""Whether a module's image file is one every edition can show: PNG, JPEG, GIF, WebP or SVG, with
bytes that are what its name says (a renamed or damaged file would otherwise stop the PDF build
deep inside Typst)."""

from __future__ import annotations

import io
import re
import warnings
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
# SVG elements that run scripts or embed HTML (which may), by local name, lower-cased.
SCRIPTED = {"script", "foreignobject", "handler", "listener"}
INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.I)
# Typst holds a raster image's pixels in memory (4 bytes each) to put it in the PDF: a small file
# can claim 40,000 × 40,000 of them. A page needs about 2,000 across; a large photo has 50 million.
MAX_PIXELS = 50_000_000


def image_problem(path: str, data: bytes) -> str:
    """What is wrong with the image file `path` holding `data`, or "" when nothing is."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".svg":
        try:
            root = etree.fromstring(data, safe_parser())
        except etree.XMLSyntaxError as exc:
            return f"it is not well-formed SVG ({exc.msg})"
        if root.tag != SVG_ROOT:
            return "its root element is not an SVG <svg>"
        return _svg_problem(data, root)
    if suffix == ".webp":
        if not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
            return "it is not a WebP file"
    elif suffix in SIGNATURES:
        if not data.startswith(SIGNATURES[suffix]):
            return f"its bytes are not a {suffix.lstrip('.').upper()} file's"
    else:
        return f"'{suffix or path}' is not an image kind every edition can show ({KINDS})"
    return _size_problem(data)


def _svg_problem(data: bytes, root: etree._Element) -> str:
    """An SVG file is published as a file of its own in every package: a browser that opens it
    there runs its scripts on the LMS's site, and fetches what it refers to. It may hold
    neither."""
    if INTERNAL_SUBSET.search(data):  # a DOCTYPE naming the SVG 1.1 DTD, as editors write, is fine
        return "its DOCTYPE declares entities or attributes (they can hide a script)"
    if any(isinstance(node, etree._ProcessingInstruction)
           for node in [*root.itersiblings(preceding=True), *root.iter()]):
        return "it holds a processing instruction (a style sheet it would fetch)"
    for element in root.iter(etree.Element):
        name = etree.QName(element).localname.lower()
        if name in SCRIPTED:
            return f"it holds a <{name}> element, which can run a script"
        for attribute, value in element.attrib.items():
            attribute = etree.QName(attribute).localname.lower()
            if attribute.startswith("on") or "javascript:" in "".join(value.split()).lower():
                return f"its '{attribute}' attribute can run a script"  # <set to="javascript:…">
            if (attribute == "href" and not _inside(value)) or (
                    attribute == "style" and _fetches(value)):
                return f"it refers to something outside it ('{value.strip()[:40]}')"
        if name == "style" and _fetches(element.text or ""):
            return "its style sheet refers to something outside it"
    return ""


def _inside(reference: str) -> bool:
    """A reference an SVG resolves within itself: a #fragment or an embedded image."""
    return bool(re.match(r"\s*(#|data:image/(png|jpeg|gif|webp)[;,])", reference, re.I))


def _fetches(css: str) -> bool:
    return "@import" in css.lower() or any(not _inside(target) for target in CSS_URL.findall(css))


def _size_problem(data: bytes) -> str:
    """Too many pixels, read from the header (a file Pillow cannot read is left to the editions,
    which report a damaged image where it is used)."""
    from PIL import Image

    limit = f"more than the {MAX_PIXELS:,} pixels the print edition can hold in memory"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except Image.DecompressionBombError:  # past twice Pillow's own limit: it gives no size
            return f"it has {limit}"
        except Exception:  # noqa: BLE001 - Pillow raises many kinds for a damaged file
            return ""
    return f"it is {width:,} × {height:,} pixels, {limit}" if width * height > MAX_PIXELS else ""
