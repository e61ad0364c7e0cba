"""HTML from question banks back to our Markdown: what our exporters write, and the plain HTML
that Moodle's editor produces. Parsed with lxml.html (no scripts run, no entities fetched)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from lxml import etree, html

from builders.image_paths import image_url

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
BLOCKS = ("p", "div", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table")


def _escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _inline(node: etree._Element) -> str:
    """Markdown of an element's inline content (text and children)."""
    parts = [_escape(node.text or "")]
    for child in node:
        parts.append(_element(child))
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


def _element(node: etree._Element) -> str:
    tag = node.tag if isinstance(node.tag, str) else ""
    classes = (node.get("class") or "").split()
    if tag == "span" and "cite" in classes:
        return node.text_content()  # [§8] written back as it was
    if tag == "span" and "multilang" in classes:
        return _inline(node)
    if tag == "abbr" and node.get("data-term"):
        label = node.text_content()
        return (
            f"[[{node.get('data-term')}|{label}]]"
            if node.get("data-label")
            else (f"[[{node.get('data-term')}]]")
        )
    if tag == "img":
        # our banks give the module file's name; another bank's src is a URL (percent-encoded)
        path = node.get("data-src") or unquote((node.get("src") or "").rsplit("/", 1)[-1])
        return f"![{_escape(node.get('alt') or '')}]({image_url(path)})"  # a space ends a target
    if tag in ("strong", "b"):  # nested inside another strong: the other delimiter
        mark = "__" if any(a.tag in ("strong", "b") for a in node.iterancestors()) else "**"
        return f"{mark}{_inline(node)}{mark}"
    if tag in ("em", "i"):
        mark = "_" if any(a.tag in ("em", "i") for a in node.iterancestors()) else "*"
        return f"{mark}{_inline(node)}{mark}"
    if tag == "code":
        return f"`{node.text_content()}`"
    if tag == "a" and node.get("href", "").startswith(("http:", "https:", "mailto:")):
        return f"[{_inline(node)}]({node.get('href')})"
    if tag == "br":
        return "  \n"
    return _inline(node)


def _block(node: etree._Element) -> list[str]:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in ("ul", "ol"):
        items = []
        for number, item in enumerate(node.iterfind("li"), start=1):
            marker = f"{number}." if tag == "ol" else "-"
            items.append(f"{marker} {_inline(item).strip()}")
        return ["\n".join(items)]
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return [f"{'#' * int(tag[1])} {_inline(node).strip()}"]
    if tag == "blockquote":
        return ["> " + "\n> ".join(_convert_children(node))]
    return [_protect(_inline(node).strip())]


def _protect(paragraph: str) -> str:
    """Keep a paragraph a paragraph: a leading '-', '+', '=', '~' or '1.' would start a list,
    a heading underline or a fence."""
    paragraph = re.sub(r"^([-+=~])", r"\\\1", paragraph)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", paragraph)


def _convert_children(root: etree._Element) -> list[str]:
    blocks: list[str] = []
    loose = _escape(root.text or "")
    for child in root:
        if isinstance(child.tag, str) and child.tag in BLOCKS:
            if loose.strip():
                blocks.append(_protect(loose.strip()))
            loose = ""
            blocks += [b for b in _block(child) if b]
            loose += _escape(child.tail or "")
        else:
            loose += _element(child) + _escape(child.tail or "")
    if loose.strip():
        blocks.append(_protect(loose.strip()))
    return blocks


def html_to_markdown(text: str) -> str:
    """Markdown for an HTML fragment: paragraphs separated by blank lines."""
    if not text or not text.strip():
        return ""
    root = html.fragment_fromstring(text, create_parent="div")
    return "\n\n".join(_convert_children(root))


def text_to_markdown(text: str) -> str:
    """Markdown for plain text (no markup in it): special characters escaped."""
    return _escape(text.strip())


def split_multilang(text: str) -> dict[str, str]:
    """{lang: html} from Moodle multi-language spans; {} when the text has none."""
    if 'class="multilang"' not in text:
        return {}
    root = html.fragment_fromstring(text, create_parent="div")
    found: dict[str, str] = {}
    for span in root.iterfind(".//span"):
        if "multilang" in (span.get("class") or "").split() and span.get("lang"):
            whole = etree.tostring(span, encoding="unicode", method="html", with_tail=False)
            found[span.get("lang")] = whole[whole.index(">") + 1 : whole.rindex("</span>")]
    return found
