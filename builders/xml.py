"""One namespace map, qualified names, a locked-down parser and deterministic serialisation."""

from __future__ import annotations

from lxml import etree

NS: dict[str, str] = {
    # SCORM 1.2
    "cp12": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp12": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "imsmd": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
    # SCORM 2004 4th edition
    "cp": "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
    "lom": "http://ltsc.ieee.org/xsd/LOM",
    # shared
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xml": "http://www.w3.org/XML/1998/namespace",
}


def qn(name: str) -> str:
    """'adlcp:scormType' -> '{http://www.adlnet.org/xsd/adlcp_v1p3}scormType'."""
    prefix, _, local = name.rpartition(":")
    return f"{{{NS[prefix]}}}{local}" if prefix else local


def sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    """Append a child element (attribute names may be prefixed, e.g. xml:lang=...)."""
    child = etree.SubElement(parent, qn(name))
    for key, value in attrs.items():
        child.set(qn(key.replace("__", ":")), value)
    if text is not None:
        child.text = text
    return child


def safe_parser() -> etree.XMLParser:
    """For XML from outside: no DTD, no entities, no network, bounded input."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=True,
    )


def to_bytes(root: etree._Element) -> bytes:
    """UTF-8 with an XML declaration, indented, byte-identical for identical trees."""
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
