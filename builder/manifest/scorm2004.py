"""SCORM 2004 4th Edition manifest: one SCO, content sets completion and success (checklist §4)."""

from __future__ import annotations

from lxml import etree

from builder.manifest import LAUNCH_FILE, XSI, Identifiers, lom_texts, schema_location, serialise, sub
from builder.model import CourseSettings

IMSCP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
LOM = "http://ltsc.ieee.org/xsd/LOM"


def package_files(settings: CourseSettings, content: list[str]) -> dict[str, bytes]:
    """The manifest for a package holding `content`."""
    return {"imsmanifest.xml": manifest(settings, content)}


def manifest(settings: CourseSettings, files: list[str]) -> bytes:
    """`imsmanifest.xml` listing every file of the package."""
    ids = Identifiers.for_course(settings)
    cp, ss = f"{{{IMSCP}}}", f"{{{IMSSS}}}"
    root = etree.Element(cp + "manifest", identifier=ids.manifest, version=settings.version,
                         nsmap={None: IMSCP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV,  # type: ignore[dict-item]  # lxml-stubs: no None key
                                "imsss": IMSSS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", schema_location(
        [(IMSCP, "imscp_v1p1.xsd"), (ADLCP, "adlcp_v1p3.xsd"), (ADLSEQ, "adlseq_v1p3.xsd"),
         (ADLNAV, "adlnav_v1p3.xsd"), (IMSSS, "imsss_v1p0.xsd"), (LOM, "lom.xsd")]))
    metadata = sub(root, cp + "metadata")
    sub(metadata, cp + "schema", "ADL SCORM")
    sub(metadata, cp + "schemaversion", "2004 4th Edition")
    metadata.append(_lom(settings))
    organizations = sub(root, cp + "organizations", default=ids.organization)
    organization = sub(organizations, cp + "organization", identifier=ids.organization)
    sub(organization, cp + "title", settings.title)
    item = sub(organization, cp + "item", identifier=ids.item, identifierref=ids.resource)
    sub(item, cp + "title", settings.title)
    sub(item, f"{{{ADLCP}}}completionThreshold", completedByMeasure="false",
        minProgressMeasure="1.0" if settings.completion.pages == "all" else "0.0")
    sequencing = sub(item, ss + "sequencing")
    if settings.pass_mark is not None:
        objectives = sub(sequencing, ss + "objectives")
        primary = sub(objectives, ss + "primaryObjective", objectiveID=f"{settings.id}.pass",
                      satisfiedByMeasure="true")
        sub(primary, ss + "minNormalizedMeasure", _decimal(settings.pass_mark / 100))
    sub(sequencing, ss + "deliveryControls", completionSetByContent="true", objectiveSetByContent="true")
    resources = sub(root, cp + "resources")
    resource = sub(resources, cp + "resource", identifier=ids.resource, type="webcontent", href=LAUNCH_FILE)
    resource.set(f"{{{ADLCP}}}scormType", "sco")
    for path in sorted(files):
        sub(resource, cp + "file", href=path)
    return serialise(root)


def _lom(settings: CourseSettings) -> etree._Element:
    """Inline IEEE LOM: title, description and version."""
    lom = f"{{{LOM}}}"
    root = etree.Element(lom + "lom", nsmap={None: LOM})  # type: ignore[dict-item]  # lxml-stubs: no None key
    general = sub(root, lom + "general")
    for tag, text in lom_texts(settings):
        sub(sub(general, lom + tag), lom + "string", text, language=settings.language)
    sub(sub(sub(root, lom + "lifeCycle"), lom + "version"), lom + "string", settings.version, language="x-none")
    return root


def _decimal(value: float) -> str:
    """A plain decimal string, never exponent notation (checklist R04-10)."""
    return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"
