"""Read inventory agent files: one computer per file, as the agent wrote it.

Two formats, told apart by content (first non-blank character), never by extension:

* GLPI-Agent JSON (``{"action": "inventory", "deviceid": ..., "content": {...}}``), the
  format described by glpi-project/inventory_format ``inventory.schema.json``; files converted
  from XML by GLPI carry ``"query": "INVENTORY"`` instead of ``action``, and are read too.
* FusionInventory / OCS Inventory XML (``<REQUEST><CONTENT>...</CONTENT><DEVICEID>...``
  ``<QUERY>INVENTORY</QUERY></REQUEST>``), plain or zlib-compressed (the ``.ocs`` files written
  by the OCS agent in local mode are compressed; FusionInventory writes plain XML).

Each file gives exactly one canonical record (``report.read == 1``), line 1:

=================  =====================================================================
canonical column   taken from (JSON key / XML element, same meaning in both formats)
=================  =====================================================================
name               hardware.name, else operatingsystem.fqdn
manufacturer       bios.smanufacturer, else bios.mmanufacturer (OEM placeholders dropped)
model              bios.smodel, else bios.mmodel
inventory_number   bios.assettag, when it is not a placeholder ("Not Specified", ...)
type               "Virtual Machine", "Server", "Workstation", "Laptop", "Desktop" or
                   "Tablet", built from hardware.vmsystem, hardware.chassis_type, the
                   model (PowerEdge, ProLiant...) and the operating system (Windows Server);
                   the classifier then turns it into a category. None when unknown.
is_virtual         hardware.vmsystem set and not "Physical", or a hypervisor vendor in bios
cpu_units          number of cpus entries (sockets)
cpu_cores          cores per CPU: the largest cpus[].core (else corecount)
ram_gb             sum of memories[].capacity (MB, binary: / 1024); when no module reports
                   a capacity, hardware.memory (MB) instead
ssd_*/hdd_*        storages[] with a disksize (MB, decimal: / 1000), removable media,
                   optical drives and USB disks left out; SSD when type, interface, model,
                   description or name says SSD/NVMe/flash or the model is a known SSD
                   reference, HDD otherwise. *_capacity_gb is the mean size of ONE disk
                   (so count x capacity is the installed total), rounded to 0.1 GB
quantity           1
purchase_date,     None: agents do not know them (the BIOS date is not a purchase date)
country, condition
=================  =====================================================================

Guests listed in a host's ``virtualmachines`` are not devices of their own here: each guest
that runs an agent sends its own file (read as a virtual machine); the list is ignored.

Values that cannot be used become Problems located in the file: ``column`` is the JSON path
(``memories[2].capacity``, 0-based as in JSONPath) or the XML path (``MEMORIES[3]/CAPACITY``,
1-based as in XPath); ``line`` is the line of the value (found by a cheap text search in JSON,
1 when not found; the element's line in XML). A file that cannot be read at all (too large,
empty, neither JSON nor XML, syntax error, DOCTYPE, not a computer inventory) gives no record
and one Problem whose line is the syntax error's line when there is one, else 0.
``read_agent_file`` never raises for the content of a file.

XML safety: only the stdlib is used, so entity expansion is prevented by refusing any
document with a DOCTYPE (checked in the prolog before parsing, and again by the parser), and
files (or decompressed ``.ocs`` content) above 20 MB are refused.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from xml.parsers import expat

import polars as pl

from jalon.core.model import Problem, ReadReport
from jalon.core.readers.base import ReaderError, ReadResult, empty_frame, frame_from_records

MAX_FILE_BYTES: Final[int] = 20 * 1024 * 1024
SNIFF_BYTES: Final[int] = 1024
AGENT_SUFFIXES: Final[frozenset[str]] = frozenset({".json", ".xml", ".ocs"})

FORMAT_JSON: Final[str] = "glpi-agent-json"
FORMAT_XML: Final[str] = "fusioninventory-xml"

_UTF16_BOMS: Final[tuple[bytes, ...]] = (b"\xff\xfe", b"\xfe\xff")
# XML sections that appear once: their paths carry no index.
_SINGLE_SECTIONS: Final[frozenset[str]] = frozenset(
    {"hardware", "bios", "operatingsystem", "accesslog", "accountinfo", "versionprovider"}
)
# Values meaning "nothing here" (an empty memory slot, a disk without size).
_EMPTY_VALUES: Final[frozenset[str]] = frozenset({"", "no", "none", "n/a", "na", "empty", "-"})
# What BIOSes say when the OEM filled nothing in.
_PLACEHOLDERS: Final[frozenset[str]] = frozenset(
    {
        "",
        "to be filled by o.e.m.",
        "to be filled by oem",
        "system manufacturer",
        "system product name",
        "system version",
        "default string",
        "not specified",
        "not applicable",
        "not available",
        "o.e.m.",
        "oem",
        "none",
        "n/a",
        "unknown",
        "no asset tag",
        "no asset information",
        "asset-1234567890",
        "chassis asset tag",
        "base board asset tag",
        "invalid",
        "empty",
    }
)

_VIRTUAL_BIOS = re.compile(
    r"vmware|virtualbox|innotek|qemu|\bkvm\b|bochs|\bxen\b|hvm domu|hyper-v|virtual machine"
    r"|parallels|openstack|google compute|amazon ec2|bhyve",
    re.IGNORECASE,
)
_SERVER_MODEL = re.compile(
    r"poweredge|proliant|thinksystem|system x|primergy|superserver|\bucs\b|synergy|apollo"
    r"|\bserver\b",
    re.IGNORECASE,
)
_WORKSTATION_MODEL = re.compile(r"precision|thinkstation|\bz[2468]\b|celsius", re.IGNORECASE)
_SERVER_OS = re.compile(r"\bserver\b|esxi|vmkernel", re.IGNORECASE)
_SSD = re.compile(
    r"ssd|nvme|solid.?state|flash|\bmz[0-9a-z]{3}|\bmtfd|\bkbg\d|\bkxg\d|\bhfs\d|\bsn[5-8]\d\d\b"
    r"|\bpm9\d\d|\bpc\s?[3-7]\d1\b|\bbc[5-9]\d1\b",
    re.IGNORECASE,
)
_NOT_A_DISK = re.compile(
    r"cd-?rom|dvd|blu-?ray|optical|floppy|removable|card reader|sd/mmc|\bcd\b|\brom\b",
    re.IGNORECASE,
)
_EXTERNAL_INTERFACES: Final[frozenset[str]] = frozenset({"usb", "1394"})

_CHASSIS_TYPES: Final[dict[str, str]] = {
    "portable": "Laptop",
    "laptop": "Laptop",
    "notebook": "Laptop",
    "sub notebook": "Laptop",
    "subnotebook": "Laptop",
    "convertible": "Laptop",
    "detachable": "Laptop",
    "tablet": "Tablet",
    "hand held": "Tablet",
    "desktop": "Desktop",
    "low profile desktop": "Desktop",
    "pizza box": "Desktop",
    "mini tower": "Desktop",
    "tower": "Desktop",
    "all in one": "Desktop",
    "all-in-one": "Desktop",
    "space-saving": "Desktop",
    "space saving": "Desktop",
    "lunch box": "Desktop",
    "sealed-case pc": "Desktop",
    "mini pc": "Desktop",
    "stick pc": "Desktop",
    "rack mount chassis": "Server",
    "main server chassis": "Server",
    "multi-system chassis": "Server",
    "blade": "Server",
    "blade enclosure": "Server",
}

Item = dict[str, object]


# --------------------------------------------------------------------------- public API


def looks_like_agent_file(path: Path) -> bool:
    """Cheap sniff of the first KB: a GLPI-Agent JSON or a FusionInventory/OCS XML inventory."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    if _is_zlib(head):
        try:
            head = zlib.decompressobj().decompress(head, 4 * SNIFF_BYTES)
        except zlib.error:
            return False
    text = _decode_loosely(head).lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        return '"content"' in text or '"deviceid"' in text
    if text.startswith("<"):
        return "<REQUEST" in text
    return False


def read_agent_file(path: Path) -> ReadResult:
    """Read ONE agent inventory file into one canonical record (see the module docstring).

    A file that cannot be read gives an empty frame and one Problem; bad values give a record
    plus Problems.
    """
    report = ReadReport()
    try:
        inventory = _load(path)
    except ReaderError as exc:
        report.problems.append(exc.problem)
        return ReadResult(empty_frame(), report)
    problems: list[Problem] = []
    record = _device_record(inventory, problems)
    report.read = 1
    report.problems.extend(problems)
    report.formats.append(inventory.fmt)
    return ReadResult(frame_from_records([record]), report)


def read_agent_folder(path: Path, *, recursive: bool = False) -> ReadResult:
    """Read every ``*.json``, ``*.xml`` and ``*.ocs`` file of a folder, in name order.

    Only the folder itself is read unless ``recursive`` is true (then sub-folders too, hidden
    files and folders excepted). A file that fails becomes a Problem; the others are read.
    """
    source = str(path)
    if not path.is_dir():
        problem = Problem(
            source,
            0,
            "",
            "",
            "This is not a folder: give the folder where the agents write their inventory "
            "files (.json, .xml or .ocs).",
        )
        return ReadResult(empty_frame(), ReadReport(problems=[problem]))
    candidates = path.rglob("*") if recursive else path.iterdir()
    files = sorted(
        p
        for p in candidates
        if p.suffix.lower() in AGENT_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and p.is_file()
    )
    report = ReadReport()
    if not files:
        report.problems.append(
            Problem(
                source,
                0,
                "",
                "",
                "No .json, .xml or .ocs file in this folder: point to the folder where the "
                "agents write their inventories (glpi-agent --local, fusioninventory-agent "
                "--local).",
            )
        )
        return ReadResult(empty_frame(), report)
    frames: list[pl.DataFrame] = []
    for file in files:
        result = read_agent_file(file)
        report.extend(result.report)
        if result.frame.height:
            frames.append(result.frame)
    frame = pl.concat(frames, how="vertical") if frames else empty_frame()
    return ReadResult(frame, report)


# --------------------------------------------------------------------------- loading


@dataclass(slots=True)
class _Inventory:
    """One agent file, both formats alike: section name -> items (dicts of leaf values)."""

    source: str
    fmt: str
    sections: dict[str, list[Item]]
    listed: frozenset[str]
    locate: Callable[[str, int, str, object], int]

    def items(self, section: str) -> list[Item]:
        return self.sections.get(section, [])

    def first(self, section: str) -> Item:
        items = self.sections.get(section)
        return items[0] if items else {}

    def path(self, section: str, index: int, key: str) -> str:
        if self.fmt == FORMAT_XML:
            position = f"[{index + 1}]" if section in self.listed else ""
            return f"{section.upper()}{position}/{key.upper()}"
        position = f"[{index}]" if section in self.listed else ""
        return f"{section}{position}.{key}"

    def problem(self, section: str, index: int, key: str, value: object, message: str
                ) -> Problem:
        """A bad value; `message` is a template whose {value} is the value as shown."""
        return Problem.of(self.source, self.locate(section, index, key, value),
                          self.path(section, index, key), _show(value), message,
                          value=_show(value))


def _fail(source: str, message: str, line: int = 0, **params: object) -> ReaderError:
    """A file that cannot be read; with params, `message` is a template (Problem.of)."""
    if params:
        return ReaderError(Problem.of(source, line, "", "", message, **params))
    return ReaderError(Problem(source, line, "", "", message))


def _load(path: Path) -> _Inventory:
    source = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise _fail(source, "This is not a file: give one agent inventory file.")
        if size > MAX_FILE_BYTES:
            raise _too_large(source, size)
        data = path.read_bytes()
    except OSError as exc:
        raise _fail(
            source,
            "The file cannot be opened ({error}): check the path and the permissions.",
            error=exc.strerror or exc,
        ) from exc
    if _is_zlib(data):
        data = _inflate(data, source)
    text_head = _decode_loosely(data[:64]).lstrip("\ufeff \t\r\n")
    if not text_head:
        raise _fail(source, "The file is empty: run the agent again on this computer.")
    if text_head.startswith("{"):
        return _load_json(data, source)
    if text_head.startswith("<"):
        return _load_xml(data, source)
    raise _fail(
        source,
        "This is neither a GLPI-Agent JSON inventory nor a FusionInventory/OCS XML one "
        "(they start with '{' or '<'): check that the file comes from an inventory agent.",
    )


def _too_large(source: str, size: int) -> ReaderError:
    return _fail(
        source,
        "The file holds {size} MB, more than the {limit} MB accepted for ONE agent inventory: "
        "check that it is a single computer's inventory (not an export of the whole estate), "
        "or remove the software and process lists from the agent output.",
        size=f"{size / 1_048_576:.1f}", limit=MAX_FILE_BYTES // 1_048_576)


def _is_zlib(data: bytes) -> bool:
    return len(data) >= 2 and data[0] == 0x78 and (data[0] * 256 + data[1]) % 31 == 0


def _inflate(data: bytes, source: str) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_FILE_BYTES + 1)
    except zlib.error as exc:
        raise _fail(
            source, "The compressed .ocs file is damaged ({error}): export the inventory again.",
            error=exc,
        ) from exc
    if len(out) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        raise _too_large(source, max(len(out), MAX_FILE_BYTES + 1))
    return out


def _decode_loosely(data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="ignore")
    return data.decode("utf-8", errors="ignore")


# --------------------------------------------------------------------------- JSON


def _load_json(data: bytes, source: str) -> _Inventory:
    try:
        text = data.decode("utf-16") if data.startswith(_UTF16_BOMS) else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(
            source,
            "The file is not UTF-8 text (byte {byte}): GLPI-Agent writes UTF-8; export "
            "the inventory again without converting it.",
            byte=exc.start,
        ) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(
            source,
            "This is not valid JSON ({error} at line {line_number}, column {column}): the "
            "file looks truncated or damaged; run the agent again on this computer "
            "(glpi-agent --local) and replace the file.",
            line=exc.lineno, line_number=exc.lineno, error=exc.msg, column=exc.colno,
        ) from exc
    except RecursionError as exc:
        raise _fail(source, "The JSON is nested too deeply to be an agent inventory.") from exc
    except ValueError as exc:
        # Python refuses integers over 4,300 digits (CVE-2020-10735); no agent writes one.
        raise _fail(
            source,
            "The JSON holds a number Python refuses to read ({error}): no agent writes such a "
            "number; run the agent again on this computer and replace the file.",
            error=exc,
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("content"), dict):
        raise _fail(
            source,
            "This JSON has no 'content' object, so it is not a GLPI-Agent inventory: give the "
            "files written by glpi-agent (--local) or exported from GLPI.",
        )
    action = document.get("action")
    if isinstance(action, str) and action.strip().lower() != "inventory":
        raise _fail(
            source,
            "This is a GLPI-Agent '{action}' message, not a computer inventory (action "
            "'inventory'): network devices and printers are read from the GLPI export instead.",
            action=action,
        )
    content: dict[str, object] = document["content"]
    if "network_device" in content:
        raise _fail(
            source,
            "This is a network-equipment inventory (SNMP), not a computer inventory: network "
            "devices and printers are read from the GLPI export instead.",
        )
    sections: dict[str, list[Item]] = {}
    listed: set[str] = set()
    for key, value in content.items():
        if isinstance(value, dict):
            sections[key] = [value]
        elif isinstance(value, list):
            sections[key] = [v for v in value if isinstance(v, dict)]
            listed.add(key)
    _require_computer(sections, source)
    return _Inventory(source, FORMAT_JSON, sections, frozenset(listed), _JsonLocator(text))


class _JsonLocator:
    """Finds the line of ``"key": value`` after ``"section":`` by a text search (else 1).

    Successive look-ups of the same section and key continue after the previous match, so
    two bad values in the same field get their own lines.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._cursors: dict[tuple[str, str], int] = {}

    def __call__(self, section: str, index: int, key: str, value: object) -> int:
        try:
            literal = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            return 1
        start = self._cursors.get((section, key))
        if start is None:
            anchor = re.search(rf'"{re.escape(section)}"\s*:', self._text)
            if anchor is None:
                return 1
            start = anchor.end()
        found = re.compile(rf'"{re.escape(key)}"\s*:\s*{re.escape(literal)}').search(
            self._text, start
        )
        if found is None:
            return 1
        self._cursors[(section, key)] = found.end()
        return self._text.count("\n", 0, found.start()) + 1


# --------------------------------------------------------------------------- XML


class _Refused(Exception):
    pass


def _refuse_doctype(*_args: object) -> None:
    raise _Refused("DOCTYPE")


def _load_xml(data: bytes, source: str) -> _Inventory:
    _refuse_doctype_in_prolog(data, source)
    try:
        root, lines = _parse_xml(data)
    except _Refused as exc:
        raise _doctype_problem(source) from exc
    except (LookupError, ValueError, UnicodeError, DeprecationWarning) as exc:
        # expat asks Python's codecs for an encoding it does not know itself ("x-unknown",
        # "UTF-7", "punycode"...): those that do not exist or do not decode text fail here
        # ("unicode_escape" warns, an error where warnings are errors, as in the tests).
        raise _fail(
            source,
            "The XML declares an encoding that cannot be read ({error}): agents write UTF-8; "
            "run the agent again on this computer and replace the file.",
            error=exc,
        ) from exc
    except expat.ExpatError as exc:
        retried = _retry_as_cp1252(data, exc)
        if retried is None:
            raise _fail(
                source,
                "This is not well-formed XML ({error} at line {line_number}, column {column}): the "
                "file looks truncated or damaged; run the agent again on this computer and "
                "replace the file.",
                line=exc.lineno, line_number=exc.lineno, error=expat.ErrorString(exc.code),
                column=exc.offset + 1,
            ) from exc
        root, lines = retried
    if root.tag != "REQUEST":
        raise _fail(
            source,
            "The XML root is <{tag}>, not <REQUEST>: this is not a FusionInventory/OCS "
            "inventory; give the files written by the agent (--local).",
            tag=root.tag,
        )
    query = (root.findtext("QUERY") or "").strip()
    if query and query.upper() != "INVENTORY":
        raise _fail(
            source,
            "This is a '{query}' message, not a computer inventory (QUERY INVENTORY): network "
            "discovery and SNMP inventories are read from the GLPI export instead.",
            query=query,
        )
    content = root.find("CONTENT")
    if content is None:
        raise _fail(
            source,
            "The XML has no <CONTENT> element: the inventory is empty or truncated; run the "
            "agent again on this computer.",
        )
    sections: dict[str, list[Item]] = {}
    positions: dict[tuple[str, int, str], int] = {}
    for section_element in content:
        if len(section_element) == 0:
            continue
        section = section_element.tag.lower()
        items = sections.setdefault(section, [])
        index = len(items)
        item: Item = {}
        for leaf in section_element:
            key = leaf.tag.lower()
            if len(leaf) or key in item:
                continue
            item[key] = (leaf.text or "").strip()
            positions[(section, index, key)] = lines.get(id(leaf), 0)
        items.append(item)
    _require_computer(sections, source)

    def locate(section: str, index: int, key: str, _value: object) -> int:
        return positions.get((section, index, key), 0)

    listed = frozenset(s for s in sections if s not in _SINGLE_SECTIONS)
    return _Inventory(source, FORMAT_XML, sections, listed, locate)


def _refuse_doctype_in_prolog(data: bytes, source: str) -> None:
    text = _decode_loosely(data)
    root_start = re.search(r"<[A-Za-z_:]", text)
    prolog = text[: root_start.start()] if root_start else text
    if re.search(r"<!DOCTYPE|<!ENTITY", prolog, re.IGNORECASE):
        raise _doctype_problem(source)


def _doctype_problem(source: str) -> ReaderError:
    return _fail(
        source,
        "The XML declares a DOCTYPE (or entities), which agent inventories never do; it is "
        "refused for safety (entity expansion): give the file exactly as the agent wrote it.",
    )


def _parse_xml(data: bytes | str) -> tuple[ET.Element, dict[int, int]]:
    """Parse with expat into an ElementTree, noting each element's line (keyed by id)."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    lines: dict[int, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(tag, attributes)
        lines[id(element)] = parser.CurrentLineNumber

    def end(tag: str) -> None:
        builder.end(tag)

    def data_handler(text: str) -> None:
        builder.data(text)

    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data_handler
    parser.Parse(data, True)
    return builder.close(), lines


def _retry_as_cp1252(
    data: bytes, error: expat.ExpatError
) -> tuple[ET.Element, dict[int, int]] | None:
    """Old Windows agents wrote Windows-1252 accents under an UTF-8 declaration."""
    if error.code != expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        return _parse_xml(data.decode("cp1252", errors="replace").encode("utf-8"))
    except (expat.ExpatError, _Refused, LookupError, ValueError, UnicodeError,
            DeprecationWarning):
        return None


def _require_computer(sections: dict[str, list[Item]], source: str) -> None:
    if "hardware" not in sections and "bios" not in sections:
        raise _fail(
            source,
            "The inventory has neither a hardware nor a bios section, so it describes no "
            "computer: run a full inventory with the agent (not a partial one).",
        )


# --------------------------------------------------------------------------- mapping


def _device_record(inv: _Inventory, problems: list[Problem]) -> dict[str, object]:
    hardware = inv.first("hardware")
    bios = inv.first("bios")
    system = inv.first("operatingsystem")
    manufacturer = _meaningful(bios.get("smanufacturer")) or _meaningful(bios.get("mmanufacturer"))
    model = _meaningful(bios.get("smodel")) or _meaningful(bios.get("mmodel"))
    is_virtual = _is_virtual(hardware, bios)
    os_name = " ".join(t for t in (_text(system.get("full_name")), _text(system.get("name"))) if t)
    cpu_units, cpu_cores = _cpus(inv, problems)
    ssd_count, ssd_gb, hdd_count, hdd_gb = _disks(inv, problems)
    return {
        "source": inv.source,
        "line": 1,
        "inventory_number": _meaningful(bios.get("assettag")),
        "name": _text(hardware.get("name")) or _text(system.get("fqdn")),
        "type": _device_type(is_virtual, _text(hardware.get("chassis_type")), model, os_name),
        "manufacturer": manufacturer,
        "model": model,
        "quantity": 1,
        "purchase_date": None,
        "condition": None,
        "country": None,
        "is_virtual": is_virtual,
        "cpu_units": cpu_units,
        "cpu_cores": cpu_cores,
        "ram_gb": _ram(inv, problems),
        "ssd_count": ssd_count,
        "ssd_capacity_gb": ssd_gb,
        "hdd_count": hdd_count,
        "hdd_capacity_gb": hdd_gb,
    }


def _text(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _meaningful(value: object) -> str | None:
    text = _text(value)
    if text is None or text.lower() in _PLACEHOLDERS or set(text) <= {"0", " ", "-", "."}:
        return None
    return text


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def _number(value: object) -> float | None:
    """The number in a value; None when absent or empty; ValueError when not a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        if value.strip().lower() in _EMPTY_VALUES:
            return None
        number = float(value.strip())
    else:
        raise ValueError(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _is_virtual(hardware: Item, bios: Item) -> bool:
    vmsystem = _text(hardware.get("vmsystem"))
    if vmsystem and vmsystem.lower() != "physical":
        return True
    signature = " ".join(
        t
        for t in (
            _text(bios.get(key))
            for key in ("smanufacturer", "smodel", "bmanufacturer", "mmanufacturer", "mmodel")
        )
        if t
    )
    return bool(_VIRTUAL_BIOS.search(signature))


def _device_type(
    is_virtual: bool, chassis: str | None, model: str | None, os_name: str
) -> str | None:
    if is_virtual:
        return "Virtual Machine"
    shape = _CHASSIS_TYPES.get((chassis or "").strip().lower())
    if shape in ("Laptop", "Tablet"):
        return shape
    if shape == "Server" or (model and _SERVER_MODEL.search(model)):
        return "Server"
    if _SERVER_OS.search(os_name):
        return "Server"
    if model and _WORKSTATION_MODEL.search(model):
        return "Workstation"
    return shape


def _cpus(inv: _Inventory, problems: list[Problem]) -> tuple[int | None, int | None]:
    items = inv.items("cpus")
    if not items:
        return None, None
    cores: list[int] = []
    for index, item in enumerate(items):
        key = "core" if item.get("core") not in (None, "") else "corecount"
        raw = item.get(key)
        try:
            number = _number(raw)
        except ValueError:
            number = -1.0
        if number is None:
            continue
        if number < 0 or not number.is_integer():
            problems.append(
                inv.problem(
                    "cpus",
                    index,
                    key,
                    raw,
                    "'{value}' is not a number of cores (a whole number, 0 or more): "
                    "this CPU is left out of cpu_cores; run the agent again or set cpu_cores "
                    "by hand in the inventory.",
                )
            )
            continue
        if number > 0:
            cores.append(int(number))
    return len(items), (max(cores) if cores else None)


def _ram(inv: _Inventory, problems: list[Problem]) -> float | None:
    total_mb = 0.0
    modules = 0
    for index, item in enumerate(inv.items("memories")):
        raw = item.get("capacity")
        try:
            capacity = _number(raw)
        except ValueError:
            capacity = -1.0
        if capacity is None:
            continue
        if capacity < 0:
            problems.append(
                inv.problem(
                    "memories",
                    index,
                    "capacity",
                    raw,
                    "'{value}' is not a memory capacity in MB (a number, 0 or more): "
                    "this module is left out of ram_gb; run the agent again or correct ram_gb "
                    "by hand.",
                )
            )
            continue
        total_mb += capacity
        modules += 1
    if modules and total_mb > 0:
        return round(total_mb / 1024, 3)
    hardware = inv.first("hardware")
    raw = hardware.get("memory")
    try:
        memory = _number(raw)
    except ValueError:
        memory = -1.0
    if memory is None:
        return None
    if memory < 0:
        problems.append(
            inv.problem(
                "hardware",
                0,
                "memory",
                raw,
                "'{value}' is not a memory size in MB (a number, 0 or more): ram_gb is "
                "left empty; run the agent again or fill ram_gb by hand.",
            )
        )
        return None
    return round(memory / 1024, 3) if memory else None


def _disks(
    inv: _Inventory, problems: list[Problem]
) -> tuple[int | None, float | None, int | None, float | None]:
    items = inv.items("storages")
    if not items:
        return None, None, None, None
    ssd: list[float] = []
    hdd: list[float] = []
    for index, item in enumerate(items):
        if _is_not_a_disk(item):
            continue
        raw = item.get("disksize")
        try:
            size = _number(raw)
        except ValueError:
            size = -1.0
        if size is None or size == 0:
            continue
        if size < 0:
            problems.append(
                inv.problem(
                    "storages",
                    index,
                    "disksize",
                    raw,
                    "'{value}' is not a disk size in MB (a number, 0 or more): this disk "
                    "is left out; run the agent again or correct the disk figures by hand.",
                )
            )
            continue
        (ssd if _is_ssd(item) else hdd).append(size)
    return (
        len(ssd),
        round(sum(ssd) / len(ssd) / 1000, 1) if ssd else None,
        len(hdd),
        round(sum(hdd) / len(hdd) / 1000, 1) if hdd else None,
    )


def _describe(item: Item, keys: tuple[str, ...]) -> str:
    return " ".join(t for t in (_text(item.get(k)) for k in keys) if t)


def _is_not_a_disk(item: Item) -> bool:
    interface = (_text(item.get("interface")) or "").lower()
    if interface in _EXTERNAL_INTERFACES:
        return True
    return bool(_NOT_A_DISK.search(_describe(item, ("type", "description", "name", "model"))))


def _is_ssd(item: Item) -> bool:
    return bool(_SSD.search(_describe(item, ("type", "interface", "model", "description", "name"))))
