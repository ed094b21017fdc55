"""SCORM manifests (`imsmanifest.xml`), one module per standard, built with lxml."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from builder.model import CourseSettings

XSI = "http://www.w3.org/2001/XMLSchema-instance"
LAUNCH_FILE = "index.html"


@dataclass(frozen=True)
class Identifiers:
    """Manifest identifiers derived from the authored course id: stable across versions."""

    manifest: str
    organization: str
    item: str
    resource: str

    @classmethod
    def for_course(cls, settings: CourseSettings) -> "Identifiers":
        return cls(f"course.{settings.id}", f"org.{settings.id}", f"item.{settings.id}", f"res.{settings.id}")


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    """Append a child element with optional text and attributes."""
    child = etree.SubElement(parent, tag, attrib)
    if text is not None:
        child.text = text
    return child


def serialise(root: etree._Element) -> bytes:
    """The manifest as UTF-8 XML bytes with a declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def schema_location(pairs: list[tuple[str, str]]) -> str:
    """An xsi:schemaLocation value from (namespace, file) pairs."""
    return " ".join(f"{namespace} {filename}" for namespace, filename in pairs)
