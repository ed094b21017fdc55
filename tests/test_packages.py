"""SCORM packages and the web build: manifests, file lists, determinism, atomic output."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

import scorm_schemas
from conftest import FIXTURES, REPO, edit, run

CP = {"scorm12": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "scorm2004": "http://www.imsglobal.org/xsd/imscp_v1p1"}
ADLCP = {"scorm12": "http://www.adlnet.org/xsd/adlcp_rootv1p2", "scorm2004": "http://www.adlnet.org/xsd/adlcp_v1p3"}


def build(project: Path, out: Path, *extra: str) -> None:
    result = run("build", project, "--out", out, *extra)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module", params=["fixture", "course"])
def packages(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both SCORM zips and the web folder, for the fixture course and the project's own course."""
    project = FIXTURES / "mini" if request.param == "fixture" else REPO
    out = tmp_path_factory.mktemp("dist")
    build(project, out)
    found = {p.name.rsplit("-", 1)[-1].removesuffix(".zip"): p for p in out.iterdir()}
    assert sorted(found) == ["scorm12", "scorm2004", "web"]
    return found


@pytest.mark.parametrize("kind", ["scorm12", "scorm2004"])
def test_manifest_is_valid_against_the_official_xsds(packages: dict[str, Path], kind: str) -> None:
    with zipfile.ZipFile(packages[kind]) as archive:
        assert scorm_schemas.validate(kind, archive.read("imsmanifest.xml")) == []


@pytest.mark.parametrize("kind", ["scorm12", "scorm2004"])
def test_the_official_xsds_reject_a_bad_manifest(packages: dict[str, Path], kind: str) -> None:
    with zipfile.ZipFile(packages[kind]) as archive:
        manifest = archive.read("imsmanifest.xml")
    attribute = b'scormtype="sco"' if kind == "scorm12" else b'scormType="sco"'
    assert manifest.count(attribute) == 1
    errors = scorm_schemas.validate(kind, manifest.replace(attribute, attribute.replace(b'"sco"', b'"lesson"')))
    assert len(errors) == 1 and "'lesson' is not an element of the set" in errors[0]


@pytest.mark.parametrize("kind", ["scorm12", "scorm2004"])
def test_manifest_is_valid_against_the_shared_schema_set(packages: dict[str, Path], kind: str, tmp_path: Path) -> None:
    """Where ../shared/schemas exists (it carries SCORM 2004's LOM schema too), its validator agrees."""
    with zipfile.ZipFile(packages[kind]) as archive:
        errors = scorm_schemas.validate_shared(kind, archive.read("imsmanifest.xml"), tmp_path)
    if errors is None:
        pytest.skip(f"{scorm_schemas.SHARED_VALIDATOR} not present (optional: the pinned schemas above always run)")
    assert errors == []


@pytest.mark.parametrize("kind", ["scorm12", "scorm2004"])
def test_manifest_references_and_files_agree_with_the_zip(packages: dict[str, Path], kind: str) -> None:
    with zipfile.ZipFile(packages[kind]) as archive:
        entries = archive.namelist()
        root = etree.fromstring(archive.read("imsmanifest.xml"))
    ns = {"cp": CP[kind]}
    assert "imsmanifest.xml" in entries, "the manifest is at the zip root (PKG-1)"
    schemaversion = root.findtext("cp:metadata/cp:schemaversion", namespaces=ns)
    assert schemaversion == {"scorm12": "1.2", "scorm2004": "2004 4th Edition"}[kind]
    organizations = root.find("cp:organizations", ns)
    default = organizations.get("default")
    assert [o.get("identifier") for o in organizations.findall("cp:organization", ns)] == [default]
    resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", ns)}
    items = root.findall(".//cp:item", ns)
    assert len(items) == 1 and len(resources) == 1, "one SCO for the whole course"
    resource = resources[items[0].get("identifierref")]
    scormtype = "scormtype" if kind == "scorm12" else "scormType"
    assert resource.get(f"{{{ADLCP[kind]}}}{scormtype}") == "sco"
    listed = [f.get("href") for f in resource.findall("cp:file", ns)]
    assert resource.get("href") in listed
    assert sorted(listed) == sorted(set(entries) - {"imsmanifest.xml"}), "every entry listed, every href present"
    prefixes = {el.prefix for el in root.iter() if isinstance(el.tag, str)}
    assert prefixes <= {None, "adlcp", "imsss"}, "conventional prefixes only (M12-5)"


def test_manifest_carries_course_settings(packages: dict[str, Path]) -> None:
    with zipfile.ZipFile(packages["scorm12"]) as archive:
        manifest = archive.read("imsmanifest.xml").decode()
        metadata = archive.read("metadata.xml").decode()
    assert "<adlcp:masteryscore>80</adlcp:masteryscore>" in manifest
    assert "<adlcp:location>metadata.xml</adlcp:location>" in manifest
    assert "<description>" in metadata and "<version>" in metadata
    with zipfile.ZipFile(packages["scorm2004"]) as archive:
        manifest = archive.read("imsmanifest.xml").decode()
    assert '<imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>' in manifest
    assert "<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>" in manifest
    assert 'completionThreshold completedByMeasure="false" minProgressMeasure="1.0"' in manifest


def test_identifiers_come_from_the_course_id_and_survive_a_new_version(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "v1", "--target", "scorm2004")
    edit(project / "course/course.yaml", 'version: "1.0"', 'version: "1.1"')
    build(project, tmp_path / "v2", "--target", "scorm2004")

    def identifiers(zip_path: Path) -> list[str]:
        with zipfile.ZipFile(zip_path) as archive:
            root = etree.fromstring(archive.read("imsmanifest.xml"))
        return [el.get("identifier") for el in root.iter() if el.get("identifier")]

    first = identifiers(tmp_path / "v1/mini-course-1.0-scorm2004.zip")
    assert first == identifiers(tmp_path / "v2/mini-course-1.1-scorm2004.zip")
    assert first == ["course.mini-course", "org.mini-course", "item.mini-course", "res.mini-course"]


def test_two_builds_are_byte_identical(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "a")
    (project / "course/pages/welcome.md").touch()
    build(project, tmp_path / "b")
    for name in ("mini-course-1.0-scorm12.zip", "mini-course-1.0-scorm2004.zip"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_zip_entries_are_sorted_with_fixed_times_and_modes(project: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    build(project, tmp_path, "--target", "scorm12")
    with zipfile.ZipFile(tmp_path / "mini-course-1.0-scorm12.zip") as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_only_referenced_media_are_copied(project: Path, tmp_path: Path) -> None:
    (project / "course/media/unused.png").write_bytes(b"\x89PNG not used")
    build(project, tmp_path, "--target", "scorm12")
    with zipfile.ZipFile(tmp_path / "mini-course-1.0-scorm12.zip") as archive:
        media = [n for n in archive.namelist() if n.startswith("media/")]
        page = archive.read("pages/baby-cues.html").decode()
    assert len(media) == 1 and media[0].startswith("media/cues-") and media[0].endswith(".svg")
    assert f'src="../{media[0]}"' in page


def test_links_between_pages_are_relative_html_paths(packages: dict[str, Path]) -> None:
    with zipfile.ZipFile(packages["scorm12"]) as archive:
        pages = {n: archive.read(n).decode() for n in archive.namelist() if n.startswith("pages/")}
    hrefs = {h for text in pages.values() for h in etree.HTML(text).xpath("//a/@href")}
    internal = {h for h in hrefs if not h.startswith(("http://", "https://", "mailto:", "#"))}
    assert internal and all(h.split("#")[0].endswith(".html") for h in internal)
    assert all(f"pages/{h.split('#')[0]}" in pages for h in internal)


def test_web_build_is_a_plain_folder_with_a_start_page(packages: dict[str, Path]) -> None:
    web = packages["web"]
    assert (web / "index.html").is_file() and not (web / "imsmanifest.xml").exists()
    assert "Start the course" in (web / "index.html").read_text()


def test_project_templates_override_built_in_ones(project: Path, tmp_path: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates/start.html").write_text("<!doctype html><title>{{ course_title }}</title><p>Our own start page")
    build(project, tmp_path, "--target", "web")
    assert "<p>Our own start page" in (tmp_path / "mini-course-1.0-web/index.html").read_text()


def test_broken_template_fails_cleanly_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates/start.html").write_text("line one\n{% if %}\n")
    result = run("build", project, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("templates/start.html:2: template error: ")
    assert not (tmp_path / "out").exists()


def test_rebuild_replaces_output_and_leaves_no_temporary_files(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "out")
    build(project, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "mini-course-1.0-scorm12.zip", "mini-course-1.0-scorm2004.zip", "mini-course-1.0-web"]


def test_targets_can_be_built_one_at_a_time(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "out", "--target", "scorm2004")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["mini-course-1.0-scorm2004.zip"]
