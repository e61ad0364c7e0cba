"""imsmanifest.xml for SCORM 1.2 (IMS CP 1.1.2, ADL CP 1.2, IMS MD 1.2.1), built with lxml."""

from __future__ import annotations

from lxml import etree

from builders.scorm.content import Metadata, PackageContent, iso_duration
from builders.xml import NS, qn, sub, to_bytes

SCHEMA_LOCATIONS = (
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd "
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
    "http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd"
)


def _langstring(parent: etree._Element, name: str, text: str, lang: str) -> etree._Element:
    element = sub(parent, f"imsmd:{name}")
    sub(element, "imsmd:langstring", text, xml__lang=lang)
    return element


def _vocabulary(parent: etree._Element, name: str, value: str) -> None:
    element = sub(parent, f"imsmd:{name}")
    _langstring(element, "source", "LOMv1.0", "x-none")
    _langstring(element, "value", value, "x-none")


def lom12(parent: etree._Element, meta: Metadata) -> None:
    lom = sub(parent, "imsmd:lom")
    general = sub(lom, "imsmd:general")
    _langstring(general, "title", meta.title, meta.lang)
    sub(general, "imsmd:language", meta.lang)
    _langstring(general, "description", meta.description, meta.lang)
    for keyword in meta.keywords:
        _langstring(general, "keyword", keyword, meta.lang)
    lifecycle = sub(lom, "imsmd:lifecycle")
    _langstring(lifecycle, "version", meta.version, "x-none")
    for author in meta.authors:
        contribute = sub(lifecycle, "imsmd:contribute")
        _vocabulary(contribute, "role", "Author")
        entity = sub(contribute, "imsmd:centity")
        sub(entity, "imsmd:vcard", f"BEGIN:VCARD\nVERSION:3.0\nFN:{author}\nEND:VCARD")
    technical = sub(lom, "imsmd:technical")
    sub(technical, "imsmd:format", "text/html")
    educational = sub(lom, "imsmd:educational")
    _langstring(educational, "typicalagerange", meta.audience, meta.lang)
    learning_time = sub(educational, "imsmd:typicallearningtime")
    sub(learning_time, "imsmd:datetime", iso_duration(meta.minutes))
    sub(educational, "imsmd:language", meta.lang)
    rights = sub(lom, "imsmd:rights")
    _vocabulary(rights, "cost", "no")
    _vocabulary(rights, "copyrightandotherrestrictions", "yes")
    _langstring(rights, "description", f"{meta.licence}. {meta.attribution}", meta.lang)


def manifest12(meta: Metadata, content: PackageContent, org_title: str) -> bytes:
    nsmap = {None: NS["cp12"], "adlcp": NS["adlcp12"], "imsmd": NS["imsmd"], "xsi": NS["xsi"]}
    root = etree.Element(qn("cp12:manifest"), nsmap=nsmap)
    root.set("identifier", meta.identifier)
    root.set("version", meta.version)
    root.set(qn("xsi:schemaLocation"), SCHEMA_LOCATIONS)
    metadata = sub(root, "cp12:metadata")
    sub(metadata, "cp12:schema", "ADL SCORM")
    sub(metadata, "cp12:schemaversion", "1.2")
    lom12(metadata, meta)
    organizations = sub(root, "cp12:organizations", default="ORG")
    organization = sub(organizations, "cp12:organization", identifier="ORG")
    sub(organization, "cp12:title", org_title)
    resources = sub(root, "cp12:resources")
    for sco in content.scos:
        item = sub(
            organization,
            "cp12:item",
            identifier=f"ITEM-{sco.module.id}",
            identifierref=f"RES-{sco.module.id}",
            isvisible="true",
        )
        sub(item, "cp12:title", sco.lesson.title)
        if sco.mastery:
            sub(item, "adlcp12:masteryscore", str(sco.mastery))
        resource = sub(
            resources,
            "cp12:resource",
            identifier=f"RES-{sco.module.id}",
            type="webcontent",
            href=sco.href,
        )
        resource.set(qn("adlcp12:scormtype"), "sco")
        for path in sco.files:
            sub(resource, "cp12:file", href=path)
        sub(resource, "cp12:dependency", identifierref="RES-SHARED")
    shared = sub(resources, "cp12:resource", identifier="RES-SHARED", type="webcontent")
    shared.set(qn("adlcp12:scormtype"), "asset")
    for path in content.shared:
        sub(shared, "cp12:file", href=path)
    return to_bytes(root)
