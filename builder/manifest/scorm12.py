"""SCORM 1.2 (CAM 1.2) manifest: one SCO with navigation inside it (checklist §2)."""

from __future__ import annotations

from lxml import etree

from builder.manifest import LAUNCH_FILE, XSI, Identifiers, lom_texts, schema_location, serialise, sub
from builder.model import CourseSettings

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
METADATA_FILE = "metadata.xml"


def package_files(settings: CourseSettings, content: list[str]) -> dict[str, bytes]:
    """The manifest and the metadata file it points to, for a package holding `content`."""
    return {"imsmanifest.xml": manifest(settings, [*content, METADATA_FILE]), METADATA_FILE: metadata(settings)}


def manifest(settings: CourseSettings, files: list[str]) -> bytes:
    """`imsmanifest.xml` listing every file of the package."""
    ids = Identifiers.for_course(settings)
    cp = f"{{{IMSCP}}}"
    root = etree.Element(cp + "manifest", nsmap={None: IMSCP, "adlcp": ADLCP, "xsi": XSI},  # type: ignore[dict-item]  # lxml-stubs: no None key
                         identifier=ids.manifest, version=settings.version)
    root.set(f"{{{XSI}}}schemaLocation", schema_location(
        [(IMSCP, "imscp_rootv1p1p2.xsd"), (IMSMD, "imsmd_rootv1p2p1.xsd"), (ADLCP, "adlcp_rootv1p2.xsd")]))
    metadata = sub(root, cp + "metadata")
    sub(metadata, cp + "schema", "ADL SCORM")
    sub(metadata, cp + "schemaversion", "1.2")
    sub(metadata, f"{{{ADLCP}}}location", METADATA_FILE)
    organizations = sub(root, cp + "organizations", default=ids.organization)
    organization = sub(organizations, cp + "organization", identifier=ids.organization)
    sub(organization, cp + "title", settings.title)
    item = sub(organization, cp + "item", identifier=ids.item, identifierref=ids.resource, isvisible="true")
    sub(item, cp + "title", settings.title)
    if settings.pass_mark is not None:
        sub(item, f"{{{ADLCP}}}masteryscore", str(settings.pass_mark))
    resources = sub(root, cp + "resources")
    resource = sub(resources, cp + "resource", identifier=ids.resource, type="webcontent", href=LAUNCH_FILE)
    resource.set(f"{{{ADLCP}}}scormtype", "sco")
    for path in sorted(files):
        sub(resource, cp + "file", href=path)
    return serialise(root)


def metadata(settings: CourseSettings) -> bytes:
    """External IMS metadata (title, description, version): inline metadata fails 1.2 validators."""
    md = f"{{{IMSMD}}}"
    root = etree.Element(md + "lom", nsmap={None: IMSMD})  # type: ignore[dict-item]  # lxml-stubs: no None key
    general = sub(root, md + "general")
    for tag, text in lom_texts(settings):
        sub(sub(general, md + tag), md + "langstring", text).set(
            "{http://www.w3.org/XML/1998/namespace}lang", settings.language)
    version = sub(sub(root, md + "lifecycle"), md + "version")
    sub(version, md + "langstring", settings.version).set("{http://www.w3.org/XML/1998/namespace}lang", "x-none")
    return serialise(root)
