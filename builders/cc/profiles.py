"""What differs between Common Cartridge 1.1 and 1.3: namespaces, versions, resource types."""

from __future__ import annotations

from dataclasses import dataclass

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"


@dataclass(frozen=True)
class Profile:
    version: str  # "1.1" | "1.3"
    tag: str  # "1p1" | "1p3"

    @property
    def schemaversion(self) -> str:
        return f"{self.version}.0"

    @property
    def cp(self) -> str:
        return f"http://www.imsglobal.org/xsd/imscc{self.tagged}/imscp_v1p1"

    @property
    def tagged(self) -> str:
        return f"v{self.tag}"

    @property
    def lom_manifest(self) -> str:
        return f"http://ltsc.ieee.org/xsd/imscc{self.tagged}/LOM/manifest"

    @property
    def lom_resource(self) -> str:
        return f"http://ltsc.ieee.org/xsd/imscc{self.tagged}/LOM/resource"

    @property
    def discussion_ns(self) -> str:
        return f"http://www.imsglobal.org/xsd/imscc{self.tagged}/imsdt_{self.tagged}"

    @property
    def weblink_ns(self) -> str:
        return f"http://www.imsglobal.org/xsd/imscc{self.tagged}/imswl_{self.tagged}"

    @property
    def assessment_type(self) -> str:
        return f"imsqti_xmlv1p2/imscc_xml{self.tagged}/assessment"

    @property
    def discussion_type(self) -> str:
        return f"imsdt_xml{self.tagged}"

    @property
    def weblink_type(self) -> str:
        return f"imswl_xml{self.tagged}"


CC11 = Profile("1.1", "1p1")
CC13 = Profile("1.3", "1p3")
