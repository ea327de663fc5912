"""GLPI-Agent JSON and FusionInventory/OCS XML inventories, through the public functions."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from tests import paths

from jalon.core.readers.agent import (
    looks_like_agent_file,
    read_agent_file,
    read_agent_folder,
)
from jalon.core.readers.base import CANONICAL_COLUMNS

FIXTURES = paths.FIXTURES / "agent"


def _one(name: str) -> dict[str, object]:
    result = read_agent_file(FIXTURES / name)
    assert result.problems == []
    assert result.report.read == 1
    assert result.frame.height == 1
    row = result.frame.row(0, named=True)
    assert row["source"] == str(FIXTURES / name)
    assert row["line"] == 1
    assert row["quantity"] == 1
    assert row["purchase_date"] is None
    assert row["country"] is None
    assert row["condition"] is None
    assert row["category"] is None
    return row


def test_frame_has_canonical_columns() -> None:
    frame = read_agent_file(FIXTURES / "glpi-agent-server.json").frame
    assert list(frame.columns) == ["source", "line", *CANONICAL_COLUMNS]


def test_glpi_agent_server() -> None:
    row = _one("glpi-agent-server.json")
    assert row["name"] == "srv-hyp-01"
    assert row["manufacturer"] == "Dell Inc."
    assert row["model"] == "PowerEdge R740"
    assert row["inventory_number"] == "CA-SRV-2021-014"
    assert row["type"] == "Server"
    assert row["is_virtual"] is False
    assert row["cpu_units"] == 2
    assert row["cpu_cores"] == 20
    assert row["ram_gb"] == 384.0  # 12 x 32768 MB, empty slots skipped
    assert row["ssd_count"] == 2
    assert row["ssd_capacity_gb"] == 480.1  # 480103 MB each
    assert row["hdd_count"] == 4
    assert row["hdd_capacity_gb"] == 2400.5  # 2400476 MB each; the virtual CD is skipped


def test_guests_of_a_host_are_not_devices() -> None:
    result = read_agent_file(FIXTURES / "glpi-agent-server.json")
    assert result.frame.height == 1
    assert result.report.formats == ["glpi-agent-json"]


def test_glpi_agent_laptop() -> None:
    row = _one("glpi-agent-laptop.json")
    assert row["name"] == "PC-PORT-0231"
    assert row["manufacturer"] == "Dell Inc."
    assert row["model"] == "Latitude 5540"
    assert row["inventory_number"] is None  # empty asset tag
    assert row["type"] == "Laptop"
    assert row["is_virtual"] is False
    assert row["cpu_units"] == 1
    assert row["cpu_cores"] == 10
    assert row["ram_gb"] == 16.0
    assert row["ssd_count"] == 1  # NVMe; the USB stick is skipped
    assert row["ssd_capacity_gb"] == 512.1
    assert row["hdd_count"] == 0
    assert row["hdd_capacity_gb"] is None


def test_glpi_agent_vm() -> None:
    row = _one("glpi-agent-vm.json")
    assert row["name"] == "srv-app-rh"
    assert row["type"] == "Virtual Machine"
    assert row["is_virtual"] is True
    assert row["manufacturer"] == "VMware, Inc."
    assert row["inventory_number"] is None  # "No Asset Tag"
    assert row["cpu_units"] == 2
    assert row["cpu_cores"] == 1
    assert row["ram_gb"] == 8.0
    assert row["hdd_count"] == 1  # the virtual disk; the CD-ROM is skipped
    assert row["hdd_capacity_gb"] == 85.9
    assert row["ssd_count"] == 0


def test_fusioninventory_server() -> None:
    result = read_agent_file(FIXTURES / "fusioninventory-server.xml")
    assert result.report.formats == ["fusioninventory-xml"]
    row = _one("fusioninventory-server.xml")
    assert row["name"] == "SRV-FICHIERS"
    assert row["manufacturer"] == "HP"
    assert row["model"] == "ProLiant DL380 Gen9"
    assert row["inventory_number"] == "MAIRIE-SRV-007"
    assert row["type"] == "Server"
    assert row["is_virtual"] is False
    assert row["cpu_units"] == 2
    assert row["cpu_cores"] == 8
    assert row["ram_gb"] == 128.0
    assert row["ssd_count"] == 2
    assert row["ssd_capacity_gb"] == 240.1
    assert row["hdd_count"] == 2
    assert row["hdd_capacity_gb"] == 600.1


def test_fusioninventory_desktop() -> None:
    row = _one("fusioninventory-desktop.xml")
    assert row["name"] == "PC-ECOLE-JAURES-03"
    assert row["manufacturer"] == "HP"
    assert row["model"] == "HP EliteDesk 800 G4 SFF"
    assert row["inventory_number"] == "2019-PC-0457"
    assert row["type"] == "Desktop"
    assert row["is_virtual"] is False
    assert row["cpu_units"] == 1
    assert row["cpu_cores"] == 6
    assert row["ram_gb"] == 16.0
    assert row["ssd_count"] == 1  # Samsung MZVLB... NVMe
    assert row["ssd_capacity_gb"] == 256.1
    assert row["hdd_count"] == 1
    assert row["hdd_capacity_gb"] == 1000.2


def test_broken_json_is_a_problem_with_its_line() -> None:
    path = FIXTURES / "broken.json"
    result = read_agent_file(path)
    assert result.report.read == 0
    assert result.frame.height == 0
    [problem] = result.problems
    assert problem.source == str(path)
    assert problem.line == path.read_text(encoding="utf-8").count("\n") + 1
    assert problem.column == ""
    assert problem.value == ""
    assert "not valid JSON" in problem.message
    assert "agent again" in problem.message


def test_bad_values_are_located_and_the_device_is_kept() -> None:
    path = FIXTURES / "bad-values.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    result = read_agent_file(path)
    assert result.report.read == 1
    row = result.frame.row(0, named=True)
    assert row["ram_gb"] == 16.0  # the two readable modules
    assert row["cpu_cores"] is None
    assert row["cpu_units"] == 1
    assert row["type"] == "Desktop"
    by_column = {p.column: p for p in result.problems}
    assert set(by_column) == {"memories[2].capacity", "cpus[0].core"}
    memory = by_column["memories[2].capacity"]
    assert memory.value == "huge"
    assert memory.source == str(path)
    assert '"huge"' in lines[memory.line - 1]
    assert "ram_gb" in memory.message
    core = by_column["cpus[0].core"]
    assert core.value == "-4"
    assert '"core": -4' in lines[core.line - 1]


def test_xml_bad_value_gets_element_line_and_xpath(tmp_path: Path) -> None:
    text = (FIXTURES / "fusioninventory-desktop.xml").read_text(encoding="utf-8")
    head, _, tail = text.rpartition("<CAPACITY>8192</CAPACITY>")  # the second module
    text = head + "<CAPACITY>huge</CAPACITY>" + tail
    path = tmp_path / "desktop.xml"
    path.write_text(text, encoding="utf-8")
    result = read_agent_file(path)
    assert result.report.read == 1
    assert result.frame.row(0, named=True)["ram_gb"] == 8.0
    [problem] = result.problems
    assert problem.column == "MEMORIES[2]/CAPACITY"
    assert problem.value == "huge"
    assert "<CAPACITY>huge</CAPACITY>" in text.splitlines()[problem.line - 1]


def test_folder_reads_every_file_and_reports_the_broken_one() -> None:
    folder = FIXTURES / "folder"
    result = read_agent_folder(folder)
    assert result.report.read == 2
    assert result.frame.height == 2
    assert result.frame["name"].to_list() == ["PC-ECOLE-JAURES-03", "srv-app-rh"]
    assert set(result.report.formats) == {"glpi-agent-json", "fusioninventory-xml"}
    [problem] = result.problems
    assert problem.source == str(folder / "broken.json")
    assert problem.column == ""
    assert problem.value == ""


def test_folder_is_not_recursive_unless_asked() -> None:
    flat = read_agent_folder(FIXTURES)
    assert flat.report.read == 6  # 5 good files + bad-values.json; broken.json fails
    assert sum(p.column == "" for p in flat.problems) == 1
    deep = read_agent_folder(FIXTURES, recursive=True)
    assert deep.report.read == 8
    assert deep.frame.height == 8


def test_folder_ignores_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "inventaire.csv").write_text("Nom;Type\nPC1;Portable\n", encoding="utf-8")
    empty = read_agent_folder(tmp_path)
    assert empty.report.read == 0
    assert len(empty.problems) == 1
    (tmp_path / "PC.JSON").write_bytes((FIXTURES / "glpi-agent-laptop.json").read_bytes())
    result = read_agent_folder(tmp_path)
    assert result.report.read == 1
    assert result.problems == []


def test_not_a_folder(tmp_path: Path) -> None:
    result = read_agent_folder(tmp_path / "missing")
    assert result.report.read == 0
    assert len(result.problems) == 1


def test_doctype_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE REQUEST [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<REQUEST><CONTENT><HARDWARE><NAME>&b;</NAME></HARDWARE></CONTENT>"
        "<QUERY>INVENTORY</QUERY></REQUEST>\n",
        encoding="utf-8",
    )
    assert looks_like_agent_file(path)
    result = read_agent_file(path)
    assert result.report.read == 0
    [problem] = result.problems
    assert "DOCTYPE" in problem.message
    assert problem.source == str(path)


def test_broken_xml_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    text = (FIXTURES / "fusioninventory-server.xml").read_text(encoding="utf-8")
    path.write_text(text[:2000], encoding="utf-8")
    result = read_agent_file(path)
    assert result.report.read == 0
    [problem] = result.problems
    assert "not well-formed XML" in problem.message
    assert problem.line > 0


def test_network_inventory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "switch.xml"
    path.write_text(
        "<?xml version='1.0'?><REQUEST><CONTENT><DEVICE><INFO><TYPE>NETWORKING</TYPE></INFO>"
        "</DEVICE></CONTENT><QUERY>SNMPQUERY</QUERY></REQUEST>",
        encoding="utf-8",
    )
    [problem] = read_agent_file(path).problems
    assert "SNMPQUERY" in problem.message


def test_compressed_ocs_file(tmp_path: Path) -> None:
    path = tmp_path / "PC-ECOLE.ocs"
    path.write_bytes(zlib.compress((FIXTURES / "fusioninventory-desktop.xml").read_bytes()))
    assert looks_like_agent_file(path)
    result = read_agent_file(path)
    assert result.problems == []
    assert result.frame.row(0, named=True)["name"] == "PC-ECOLE-JAURES-03"


def test_format_detected_by_content_not_extension(tmp_path: Path) -> None:
    path = tmp_path / "inventory.xml"
    path.write_bytes((FIXTURES / "glpi-agent-vm.json").read_bytes())
    result = read_agent_file(path)
    assert result.report.formats == ["glpi-agent-json"]
    assert result.report.read == 1


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b"{")
        handle.truncate(21 * 1024 * 1024)
    result = read_agent_file(path)
    assert result.report.read == 0
    [problem] = result.problems
    assert "20 MB" in problem.message


def test_windows_1252_accents_under_utf8_declaration(tmp_path: Path) -> None:
    text = (FIXTURES / "fusioninventory-desktop.xml").read_text(encoding="utf-8")
    path = tmp_path / "old-agent.xml"
    path.write_bytes(text.encode("cp1252"))
    result = read_agent_file(path)
    assert result.problems == []
    assert result.report.read == 1


@pytest.mark.parametrize(
    "name",
    [
        "glpi-agent-server.json",
        "glpi-agent-laptop.json",
        "glpi-agent-vm.json",
        "fusioninventory-server.xml",
        "fusioninventory-desktop.xml",
        "broken.json",
        "bad-values.json",
    ],
)
def test_looks_like_agent_file_true(name: str) -> None:
    assert looks_like_agent_file(FIXTURES / name)


def test_looks_like_agent_file_false(tmp_path: Path) -> None:
    glpi_csv = tmp_path / "glpi.csv"
    glpi_csv.write_text(
        '"Nom";"Entité";"Statut";"Fabricant";"Type";"Modèle"\n'
        '"PC-PORT-0231";"Mairie";"En service";"Dell Inc.";"Portable";"Latitude 5540"\n',
        encoding="utf-8",
    )
    other_json = tmp_path / "config.json"
    other_json.write_text('{"name": "x", "items": [1, 2]}', encoding="utf-8")
    other_xml = tmp_path / "feed.xml"
    other_xml.write_text('<?xml version="1.0"?><rss><channel/></rss>', encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    for path in (glpi_csv, other_json, other_xml, empty, tmp_path / "missing.json", tmp_path):
        assert not looks_like_agent_file(path), path
