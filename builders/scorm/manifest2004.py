"""imsmanifest.xml for SCORM 2004 4th edition (IMS CP, ADL CP/SEQ/NAV, IMS SS, IEEE LOM)."""

from __future__ import annotations

from lxml import etree

from builders.scorm.content import Metadata, PackageContent, iso_duration
from builders.xml import NS, qn, sub, to_bytes

SCHEMA_LOCATIONS = (
    "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd "
    "http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd "
    "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd "
    "http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd "
    "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd "
    "http://ltsc.ieee.org/xsd/LOM lom.xsd"
)


def _string(parent: etree._Element, name: str, text: str, lang: str) -> etree._Element:
    element = sub(parent, f"lom:{name}")
    sub(element, "lom:string", text, language=lang)
    return element


def _vocabulary(parent: etree._Element, name: str, value: str) -> None:
    element = sub(parent, f"lom:{name}")
    sub(element, "lom:source", "LOMv1.0")
    sub(element, "lom:value", value)


def lom2004(parent: etree._Element, meta: Metadata) -> None:
    lom = sub(parent, "lom:lom")
    general = sub(lom, "lom:general")
    _string(general, "title", meta.title, meta.lang)
    sub(general, "lom:language", meta.lang)
    _string(general, "description", meta.description, meta.lang)
    for keyword in meta.keywords:
        _string(general, "keyword", keyword, meta.lang)
    lifecycle = sub(lom, "lom:lifeCycle")
    _string(lifecycle, "version", meta.version, "x-none")
    for author in meta.authors:
        contribute = sub(lifecycle, "lom:contribute")
        _vocabulary(contribute, "role", "author")
        sub(contribute, "lom:entity", f"BEGIN:VCARD\nVERSION:3.0\nFN:{author}\nEND:VCARD")
    technical = sub(lom, "lom:technical")
    sub(technical, "lom:format", "text/html")
    educational = sub(lom, "lom:educational")
    _string(educational, "typicalAgeRange", meta.audience, meta.lang)
    learning_time = sub(educational, "lom:typicalLearningTime")
    sub(learning_time, "lom:duration", iso_duration(meta.minutes))
    sub(educational, "lom:language", meta.lang)
    rights = sub(lom, "lom:rights")
    _vocabulary(rights, "cost", "no")
    _vocabulary(rights, "copyrightAndOtherRestrictions", "yes")
    _string(rights, "description", f"{meta.licence}. {meta.attribution}", meta.lang)


def manifest2004(meta: Metadata, content: PackageContent, org_title: str) -> bytes:
    nsmap = {
        None: NS["cp"],
        "adlcp": NS["adlcp"],
        "adlseq": NS["adlseq"],
        "adlnav": NS["adlnav"],
        "imsss": NS["imsss"],
        "lom": NS["lom"],
        "xsi": NS["xsi"],
    }
    root = etree.Element(qn("cp:manifest"), nsmap=nsmap)
    root.set("identifier", meta.identifier)
    root.set("version", meta.version)
    root.set(qn("xsi:schemaLocation"), SCHEMA_LOCATIONS)
    metadata = sub(root, "cp:metadata")
    sub(metadata, "cp:schema", "ADL SCORM")
    sub(metadata, "cp:schemaversion", "2004 4th Edition")
    lom2004(metadata, meta)
    organizations = sub(root, "cp:organizations", default="ORG")
    organization = sub(organizations, "cp:organization", identifier="ORG")
    sub(organization, "cp:title", org_title)
    resources = sub(root, "cp:resources")
    for sco in content.scos:
        item = sub(
            organization,
            "cp:item",
            identifier=f"ITEM-{sco.module.id}",
            identifierref=f"RES-{sco.module.id}",
            isvisible="true",
        )
        sub(item, "cp:title", sco.lesson.title)
        sequencing = sub(item, "imsss:sequencing")
        objectives = sub(sequencing, "imsss:objectives")
        primary = sub(
            objectives,
            "imsss:primaryObjective",
            objectiveID=f"{sco.module.id}-mastery",
            satisfiedByMeasure="true" if sco.mastery else "false",
        )
        if sco.mastery:
            sub(primary, "imsss:minNormalizedMeasure", f"{sco.mastery / 100:.2f}")
        for outcome in sco.lesson.outcomes:
            sub(objectives, "imsss:objective", objectiveID=outcome.id)
        sub(
            sequencing,
            "imsss:deliveryControls",
            completionSetByContent="true",
            objectiveSetByContent="true",
        )
        resource = sub(
            resources,
            "cp:resource",
            identifier=f"RES-{sco.module.id}",
            type="webcontent",
            href=sco.href,
        )
        resource.set(qn("adlcp:scormType"), "sco")
        for path in sco.files:
            sub(resource, "cp:file", href=path)
        sub(resource, "cp:dependency", identifierref="RES-SHARED")
    org_sequencing = sub(organization, "imsss:sequencing")
    sub(org_sequencing, "imsss:controlMode", choice="true", flow="true")
    shared = sub(resources, "cp:resource", identifier="RES-SHARED", type="webcontent")
    shared.set(qn("adlcp:scormType"), "asset")
    for path in content.shared:
        sub(shared, "cp:file", href=path)
    return to_bytes(root)
