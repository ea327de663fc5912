"""Property tests over every format the readers take: whatever the bytes, `read_path` returns a
result or raises a ReaderError with a located message, never anything else.

Strategies build files the way exports go wrong: delimited text from real header names
(French, GLPI, canonical, NumEcoEval) with hostile cells, delimiters, encodings, title lines
and summary rows; workbooks with typed cells of any kind and any declared dimension; agent
JSON with any value in any section; agent XML with any text in any element and any declared
encoding. A few dozen examples per format run with `make test`; `make fuzz` runs hundreds.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz.make_corpus import (
    CANONICAL_HEADER,
    FRENCH_HEADER,
    HOSTILE_VALUES,
    column_letter,
    sheet_xml,
    workbook_parts,
    xlsx_bytes,
)

from jalon.core.readers import ReaderError, read_path
from jalon.core.readers.tabular import ASSET_TOOL_HEADERS

FULL = os.environ.get("JALON_FUZZ") == "1"
settings.register_profile("sample", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = "fuzz" if FULL else "sample"

HEADER_NAMES = sorted({h for names in ASSET_TOOL_HEADERS.values() for h in names}
                      | set(CANONICAL_HEADER) | set(FRENCH_HEADER)
                      | {"nomEquipementPhysique", "dateAchat", "quantite", "statut", "Entité",
                         "Numéro de série", "Dernière modification", "TOTAL", ""})
cells = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=30),
                  st.from_regex(r"-?[0-9]{1,25}([.,][0-9]{0,5})?(e-?[0-9]{1,4})?",
                                fullmatch=True),
                  st.from_regex(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,5}", fullmatch=True))


def read(data: bytes, suffix: str) -> None:
    """Write the bytes to a file of that suffix and read it; the property's assertion."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        try:
            read_path(path)
        except ReaderError as exc:
            assert not exc.internal, exc.problem.message
            assert exc.problem.message


@st.composite
def delimited(draw: st.DrawFn) -> bytes:
    headers = draw(st.lists(st.sampled_from(HEADER_NAMES), min_size=1, max_size=12))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(headers) + 2), max_size=12))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote = draw(st.booleans())

    def cell(value: str) -> str:
        if quote or any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(cell(v) for v in row) for row in [headers, *rows]]
    if draw(st.booleans()):
        lines.insert(0, draw(st.sampled_from(["Inventaire 2024", "", "Mairie;;;"])))
    if draw(st.booleans()):
        lines.append(delimiter.join(["TOTAL", *[""] * (len(headers) - 1)]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace") if encoding != "utf-8" else \
        text.encode("utf-8", errors="surrogatepass")


@st.composite
def workbook(draw: st.DrawFn) -> bytes:
    headers: list[object] = list(draw(st.lists(st.sampled_from(HEADER_NAMES), min_size=1,
                                               max_size=10)))
    typed = st.tuples(st.sampled_from(["n", "", "s", "b", "e", "d", "str"]), cells)
    rows = draw(st.lists(st.lists(st.one_of(st.none(), cells, typed), max_size=12),
                         max_size=10))
    dimension = draw(st.one_of(
        st.none(), st.builds(lambda c, r: f"A1:{column_letter(c)}{r}",
                             st.integers(0, 20000), st.integers(1, 2_000_000)),
        st.text(max_size=12)))
    sheet = sheet_xml([headers, *rows], dimension=dimension)
    return xlsx_bytes(workbook_parts(sheet))


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
              st.text(max_size=20), st.sampled_from(HOSTILE_VALUES)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20)
SECTIONS = ["hardware", "bios", "cpus", "memories", "storages", "drives", "chassis",
            "operatingsystem", "virtualmachines", "accountinfo"]
KEYS = ["name", "smodel", "smanufacturer", "assettag", "core", "corecount", "capacity",
        "disksize", "memory", "type", "vmsystem", "chassis_type", "interface", "model"]


@st.composite
def agent_json(draw: st.DrawFn) -> bytes:
    content = {}
    for section in draw(st.lists(st.sampled_from(SECTIONS), max_size=6)):
        item = draw(st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6))
        content[section] = draw(st.sampled_from([item, [item], [item, item]]))
    document = {"action": draw(st.sampled_from(["inventory", "INVENTORY", "netinventory", 1])),
                "content": draw(st.one_of(st.just(content), json_values))}
    text = json.dumps(document, allow_nan=True, ensure_ascii=draw(st.booleans()))
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def agent_xml(draw: st.DrawFn) -> bytes:
    texts = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=20))
    sections = []
    for section in draw(st.lists(st.sampled_from(SECTIONS), max_size=6)):
        leaves = draw(st.dictionaries(st.sampled_from(KEYS), texts, max_size=5))
        body = "".join(f"<{k.upper()}>{_xml_text(v)}</{k.upper()}>" for k, v in leaves.items())
        sections.append(f"<{section.upper()}>{body}</{section.upper()}>")
    encoding = draw(st.sampled_from(["UTF-8", "ISO-8859-1", "windows-1252", "x-unknown",
                                     "UTF-16", "utf-7", ""]))
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if draw(st.booleans()) else ""
    query = draw(st.sampled_from(["INVENTORY", "PROLOG", "SNMPQUERY", ""]))
    text = (f"{declaration}<REQUEST><QUERY>{query}</QUERY><CONTENT>{''.join(sections)}"
            "</CONTENT></REQUEST>")
    return text.encode(draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])),
                       errors="replace")


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@settings.get_profile(PROFILE)
@given(delimited())
def test_delimited_text_never_escapes(data: bytes):
    read(data, ".csv")


@settings.get_profile(PROFILE)
@given(workbook())
def test_workbooks_never_escape(data: bytes):
    read(data, ".xlsx")


@settings.get_profile(PROFILE)
@given(agent_json())
def test_agent_json_never_escapes(data: bytes):
    read(data, ".json")


@settings.get_profile(PROFILE)
@given(agent_xml())
def test_agent_xml_never_escapes(data: bytes):
    read(data, ".xml")


@settings.get_profile(PROFILE)
@given(st.binary(max_size=4000), st.sampled_from([".csv", ".xlsx", ".json", ".xml", ".txt"]))
def test_any_bytes_never_escape(data: bytes, suffix: str):
    read(data, suffix)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".xml"])
def test_a_directory_named_like_a_file_is_read_as_a_folder(tmp_path, suffix):
    folder = tmp_path / f"inventory{suffix}"
    folder.mkdir()
    try:
        read_path(folder)
    except ReaderError as exc:
        assert not exc.internal
