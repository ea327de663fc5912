"""Write the committed corpus of malformed inventory files the readers must survive.

    python tests/fuzz/make_corpus.py [OUT_DIR] [--seed 10]

Deterministic for a seed (no timestamps, no randomness outside `random.Random(seed)`): the
committed corpus (tests/fuzz/corpus/) is exactly what this script writes, so a change to it is
reviewable. Every format the readers take is covered — delimited text (CSV variants), XLSX
workbooks, GLPI-Agent JSON and FusionInventory XML — in two kinds of files:

- hand-made cases, one per failure seen in the field or in issue 10 (damaged and sheet-less
  workbooks, quantities beyond 64 bits, NaN and infinite lifespans, unknown XML encodings,
  JSON integers over 4,300 digits, lone surrogates, declared huge sheet dimensions, zip bombs,
  thousands of columns...);
- mutations of valid seeds (bytes flipped, inserted, deleted, duplicated, truncated; cells
  replaced by hostile values), so that the readers meet what a damaged copy looks like.

The files stay small (a few KB each, the whole corpus a few MB): the pathological *large*
inputs (a 14 MB single line, a workbook inflating to gigabytes) are built at test time by
tests/fuzz/test_memory.py, which measures the peak memory of a reading subprocess.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
ZIP_DATE = (2024, 1, 1, 0, 0, 0)

# Values that broke typed parsing: beyond 64 bits, not finite, absurd dates, control chars.
HOSTILE_VALUES = [
    "", " ", "NaN", "nan", "inf", "-inf", "Infinity", "-Infinity", "1e400", "-1e400", "1e308",
    "99999999999999999999", "-99999999999999999999", "9" * 400, "1" * 5000, "0x1F", "1_000",
    "١٢٣", "½", "1,2,3", "1.2.3", "--1", "+-3", "1e", "e5", ".", ",", "-", "€", "1 234,56 €",
    "31/02/2024", "00/00/0000", "99/99/9999", "0000-00-00", "9999-12-31", "0001-01-01",
    "2024-13-45", "1900-02-29", "29/02/2023", "10000-01-01", "-2024-01-01", "2024-01-01T25:61:61",
    "\x00", "\x00\x00\x00", "\ufeff", "\u202e", "\ud800", "\udfff", "\U0001f4bb", "a\nb",
    "a\rb", '"', '""', '"""', "'", "=1+1", "@SUM(A1)", "\t", ";", ",", "|", "TOTAL",
    "Total général", "Sous-total", "-0", "0", "-1", "1.5", "2147483648", "9223372036854775808",
    "-9223372036854775809", "18446744073709551616", "1e-400", "0.0000000001",
]

CANONICAL_HEADER = [
    "inventory_number", "name", "category", "type", "manufacturer", "model", "quantity",
    "purchase_date", "commissioning_date", "retirement_date", "lifespan_years",
    "purchase_price_eur", "condition", "status", "entity", "site", "country", "annual_kwh",
    "is_virtual", "cpu_units", "cpu_cores", "ram_gb", "pue", "disposal", "weight_kg",
]
CANONICAL_ROW = [
    "PC-1", "pc-dsi-1", "laptop", "Portable", "Dell", "Latitude 5440", "1", "2023-03-14",
    "2023-03-20", "", "5", "1089.00", "new", "En service", "DSI", "Mairie", "FRA", "30",
    "non", "1", "4", "16", "1.5", "", "1.8",
]
FRENCH_HEADER = ["Nom", "Type d'équipement", "N° inventaire", "Fabricant", "Modèle",
                 "Date d'achat", "Prix HT", "Service", "État"]
FRENCH_ROW = ["PC-01", "Portable", "INV-1", "Dell", "Latitude", "14/03/2023", "1 089,00 €",
              "DSI", "En service"]


# --------------------------------------------------------------------------- mutations


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """One to four random byte-level edits of the kinds a damaged copy shows."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(7)
        pos = rng.randrange(len(out) + 1) if out else 0
        if kind == 0 and out:  # flip a bit
            i = min(pos, len(out) - 1)
            out[i] ^= 1 << rng.randrange(8)
        elif kind == 1:  # insert random bytes
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif kind == 2 and out:  # delete a span
            del out[pos:pos + rng.randint(1, 32)]
        elif kind == 3 and out:  # duplicate a span
            span = out[pos:pos + rng.randint(1, 64)]
            out[pos:pos] = span * rng.randint(1, 5)
        elif kind == 4:  # truncate
            del out[pos:]
        elif kind == 5:  # insert an interesting token
            token = rng.choice([b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xed\xa0\x80",
                                b'"', b";", b",", b"\r", b"\n", b"\t", b"9" * 40,
                                b"NaN", b"1e999", b"<", b">", b"&", b"{", b"}", b"[", b"]"])
            out[pos:pos] = token
        else:  # overwrite a byte with a delimiter-ish one
            if out:
                out[min(pos, len(out) - 1)] = rng.choice(b";,\"\n\r\t|\\")
    return bytes(out)


# --------------------------------------------------------------------------- CSV

# Named, not globbed: a fixture added later must not change the committed corpus.
CSV_SEEDS = ("canonical.csv", "canonical_bad_values.csv", "custom_export.csv",
             "glpi_agglomeration_sample.csv", "glpi_computers_excel_cp1252.csv",
             "glpi_global_utf8bom.csv", "numecoeval_equipement_physique.csv",
             "unmapped_export.csv")


def csv_text(rows: list[list[str]], delimiter: str = ";", newline: str = "\r\n") -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value
    return newline.join(delimiter.join(cell(v) for v in row) for row in rows) + newline


def csv_cases(rng: random.Random) -> list[tuple[str, bytes]]:
    cases: list[tuple[str, bytes]] = []
    add = cases.append
    add(("empty", b""))
    add(("spaces", b"   \r\n\t\n"))
    add(("bom-only", b"\xef\xbb\xbf"))
    add(("utf16-bom-only", b"\xff\xfe"))
    add(("nul-bytes", b"\x00" * 300))
    add(("header-only", (",".join(CANONICAL_HEADER) + "\n").encode()))
    add(("no-type-column", b"a;b;c\n1;2;3\n"))
    add(("one-cell", b"laptop"))
    add(("one-column-category", b"category\nlaptop\nlaptop\n"))
    add(("unbalanced-quote", b'category;quantity\n"laptop;1\nlaptop;2\n'))
    add(("quote-storm", b'category,quantity\n' + b'"' * 3000 + b"\n"))
    add(("ragged", b"category;quantity;model\nlaptop\nlaptop;1;x;y;z;w\n;;;;;;;;\n"))
    add(("cr-only", b"category;quantity\rlaptop;1\rdesktop;2\r"))
    add(("mixed-newlines", b"category;quantity\r\nlaptop;1\ndesktop;2\rmonitor;3\n\r"))
    add(("utf16-no-bom", "category;quantity\nlaptop;1\n".encode("utf-16-le")))
    add(("utf16-be-bom", b"\xfe\xff" + "category\tquantity\nlaptop\t1\n".encode("utf-16-be")))
    add(("utf16-odd-bytes", b"\xff\xfe" + "category\tquantity\n".encode("utf-16-le") + b"\x00"))
    add(("utf32", "category;quantity\nlaptop;1\n".encode("utf-32")))
    add(("lone-surrogate-utf8", b"category;model\nlaptop;\xed\xa0\x80\n"))
    add(("lone-surrogate-escape", b"category;model\nlaptop;\\ud800\n"))
    add(("invalid-utf8-far", b"category;model\n" + b"laptop;x\n" * 9000 + b"laptop;\xff\xfe\n"))
    add(("cp1252-undefined-bytes", b"category;model\nlaptop;\x81\x8d\x8f\x90\x9d\n"))
    add(("duplicate-headers", b"category;category;quantity;quantity\nlaptop;desktop;1;2\n"))
    add(("empty-headers", b";;category;;\n;;laptop;;\n"))
    add(("many-columns-header", (";".join(f"c{i}" for i in range(3000)) + ";category\n"
                                  + ";" * 3000 + "laptop\n").encode()))
    add(("many-delimiters", b"category;" + b";" * 20000 + b"\nlaptop\n"))
    add(("many-empty-lines", b"category;quantity\n" + b"\n" * 20000 + b"laptop;1\n"))
    add(("title-lines-only", b"Inventaire 2024\nMairie\n\n"))
    add(("only-delimiters", b";;;;\n;;;;\n;;;;\n"))
    add(("tab-separated", b"category\tquantity\nlaptop\t1\n"))
    add(("pipe-separated", b"category|quantity\nlaptop|1\n"))
    add(("html", b"<html><body><table><tr><td>category</td></tr></table></body></html>"))
    add(("binary-zip-as-csv", b"PK\x03\x04" + bytes(range(256))))
    add(("pdf-as-csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"))
    add(("json-as-csv", b'{"category": "laptop"}'))
    add(("header-quoted-newlines", b'"cate\ngory";"quan\r\ntity"\nlaptop;1\n'))
    add(("mapping-like", b"[columns]\nType = \"type\"\n"))
    add(("long-cell", b"category;model\nlaptop;" + b"x" * 60000 + b"\n"))
    add(("long-quoted-cell", b'category;model\nlaptop;"' + b"y\n" * 20000 + b'"\n'))
    add(("backslashes", b"category;model\nlaptop;\\\\\\\"\\\n"))
    add(("formula-cells", b"category;model\n=cmd|' /C calc'!A0;@SUM(1)\n"))
    # Typed values one by one, in the canonical format and in the French spreadsheet shape.
    for column in ("quantity", "lifespan_years", "purchase_price_eur", "purchase_date",
                   "retirement_date", "annual_kwh", "cpu_cores", "ram_gb", "pue", "is_virtual",
                   "condition", "country", "disposal", "category", "weight_kg",
                   "commissioning_date", "cpu_units"):
        index = CANONICAL_HEADER.index(column)
        for n, value in enumerate(HOSTILE_VALUES):
            if (n + index) % 2:  # half the values per column, all values over two columns
                continue
            row = list(CANONICAL_ROW)
            row[index] = value
            text = csv_text([CANONICAL_HEADER, row, CANONICAL_ROW], ",", "\n")
            data = text.encode("utf-8", errors="surrogatepass")
            add((f"canonical-{column}-{n}", data))
    for index, _column in enumerate(FRENCH_HEADER):
        for n, value in enumerate(HOSTILE_VALUES[::3]):
            row = list(FRENCH_ROW)
            row[index] = value
            text = csv_text([["Inventaire du parc"], FRENCH_HEADER, row, FRENCH_ROW])
            add((f"french-{index}-{n}", text.encode("cp1252", errors="replace")))
    # Whole rows of hostile values.
    for n in range(40):
        rows = [CANONICAL_HEADER] + [[rng.choice(HOSTILE_VALUES) for _ in CANONICAL_HEADER]
                                     for _ in range(rng.randint(1, 6))]
        add((f"hostile-rows-{n}", csv_text(rows, rng.choice(";,\t|"), rng.choice(
            ["\n", "\r\n"])).encode("utf-8", errors="surrogatepass")))
    # Mutations of the real fixtures and of the rows above.
    seeds = [(FIXTURES / name).read_bytes()[:6000] for name in CSV_SEEDS]
    seeds.append(csv_text([["Inventaire"], FRENCH_HEADER, FRENCH_ROW, FRENCH_ROW]).encode(
        "cp1252"))
    for n in range(300):
        add((f"mutated-{n}", mutate_bytes(rng.choice(seeds), rng)))
    return cases


# --------------------------------------------------------------------------- XLSX

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets>{sheets}</sheets></workbook>')
SHEET_ENTRY = '<sheet name="Parc" sheetId="1" r:id="rId1"/>'
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(rows: list[list[object]], dimension: str | None = None) -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{column_letter(c)}{r}"
            if value is None:
                continue
            if isinstance(value, tuple):  # (type attribute, raw value): a hostile typed cell
                cells.append(f'<c r="{ref}" t="{value[0]}"><v>{escape(str(value[1]))}</v></c>'
                             if value[0] else f'<c r="{ref}"><v>{escape(str(value[1]))}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is>'
                             "</c>")
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    width = max((len(r) for r in rows), default=1)
    dim = dimension or f"A1:{column_letter(max(width, 1) - 1)}{max(len(rows), 1)}"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dim}"/><sheetData>{"".join(body)}</sheetData></worksheet>')


def xlsx_bytes(parts: dict[str, str | bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = compress
            archive.writestr(info, content if isinstance(content, bytes)
                             else content.encode("utf-8", errors="surrogatepass"))
    return buffer.getvalue()


def workbook_parts(sheet: str, sheets: str = SHEET_ENTRY) -> dict[str, str | bytes]:
    return {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(sheets=sheets),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
    }


def xlsx_cases(rng: random.Random) -> list[tuple[str, bytes]]:
    cases: list[tuple[str, bytes]] = []
    add = cases.append
    valid = sheet_xml([FRENCH_HEADER, FRENCH_ROW, FRENCH_ROW])
    add(("valid-french", xlsx_bytes(workbook_parts(valid))))
    add(("valid-canonical", xlsx_bytes(workbook_parts(sheet_xml([CANONICAL_HEADER,
                                                                   CANONICAL_ROW])))))
    add(("empty-file", b""))
    add(("not-a-zip", b"category;quantity\nlaptop;1\n"))
    add(("zip-empty", xlsx_bytes({})))
    add(("zip-no-workbook", xlsx_bytes({"hello.txt": "hi"})))
    add(("sheetless", xlsx_bytes(workbook_parts(valid, sheets=""))))
    parts = workbook_parts(valid)
    del parts["xl/worksheets/sheet1.xml"]
    add(("sheet-part-missing", xlsx_bytes(parts)))
    add(("empty-sheet", xlsx_bytes(workbook_parts(sheet_xml([])))))
    add(("huge-dimension", xlsx_bytes(workbook_parts(sheet_xml(
        [FRENCH_HEADER, FRENCH_ROW], dimension="A1:XFD1048576")))))
    add(("huge-dimension-no-rows", xlsx_bytes(workbook_parts(sheet_xml(
        [], dimension="A1:XFD1048576")))))
    add(("bad-dimension", xlsx_bytes(workbook_parts(sheet_xml(
        [FRENCH_HEADER, FRENCH_ROW], dimension="ZZZZZZ9999999999999")))))
    add(("far-cell", xlsx_bytes(workbook_parts(
        sheet_xml([FRENCH_HEADER, FRENCH_ROW]).replace(
            "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
            "</is></c></row></sheetData>")))))
    add(("row-number-overflow", xlsx_bytes(workbook_parts(
        sheet_xml([FRENCH_HEADER]).replace(
            "</sheetData>", '<row r="99999999999999999999"><c r="A99999999999999999999" '
            't="inlineStr"><is><t>x</t></is></c></row></sheetData>')))))
    add(("sheet-not-xml", xlsx_bytes(workbook_parts("this is not xml <<<"))))
    add(("sheet-doctype", xlsx_bytes(workbook_parts(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet/>'))))
    add(("bomb-sheet", xlsx_bytes(workbook_parts(
        sheet_xml([FRENCH_HEADER]).replace("</sheetData>", "</sheetData>" + " " * 3_000_000)))))
    # Hostile typed cells: numbers beyond floats, errors, booleans, shared strings missing.
    for n, value in enumerate(HOSTILE_VALUES):
        for kind in ("n", "", "s", "b", "e", "d", "str"):
            row: list[object] = list(FRENCH_ROW)
            row[rng.randrange(len(row))] = (kind, value)
            add((f"typed-{kind or 'none'}-{n}",
                 xlsx_bytes(workbook_parts(sheet_xml([FRENCH_HEADER, row])))))
    for n, value in enumerate(HOSTILE_VALUES):
        row = list(CANONICAL_ROW)
        row[rng.randrange(len(row))] = value.encode("utf-8", "replace").decode("utf-8")
        add((f"string-{n}", xlsx_bytes(workbook_parts(sheet_xml([CANONICAL_HEADER, row])))))
    seeds = [xlsx_bytes(workbook_parts(valid)), (FIXTURES / "canonical.xlsx").read_bytes()]
    for n in range(60):
        add((f"mutated-{n}", mutate_bytes(rng.choice(seeds), rng)))
    # Mutations inside the sheet XML, re-zipped (the zip is fine, the content is not).
    for n in range(60):
        sheet = mutate_bytes(valid.encode(), rng)
        add((f"mutated-sheet-{n}", xlsx_bytes(workbook_parts(sheet.decode("latin-1")))))
    return cases


# --------------------------------------------------------------------------- agent JSON


def json_cases(rng: random.Random) -> list[tuple[str, bytes]]:
    cases: list[tuple[str, bytes]] = []
    add = cases.append
    base = json.loads((FIXTURES / "agent" / "glpi-agent-laptop.json").read_text())
    server = json.loads((FIXTURES / "agent" / "glpi-agent-server.json").read_text())
    add(("big-int-5000", b'{"action":"inventory","content":{"hardware":{"memory":'
         + b"9" * 5000 + b"},\"bios\":{}}}"))
    add(("big-int-key", b'{"action":"inventory","content":{"cpus":[{"core":' + b"1" * 4400
         + b"}],\"hardware\":{}}}"))
    add(("lone-surrogate", b'{"action":"inventory","content":{"hardware":{"name":"\\ud800"},'
         b'"bios":{"smodel":"\\udfff"}}}'))
    add(("nan", b'{"action":"inventory","content":{"hardware":{"memory":NaN},"bios":{}}}'))
    add(("infinity", b'{"action":"inventory","content":{"memories":[{"capacity":Infinity}],'
         b'"hardware":{},"bios":{}}}'))
    add(("neg-infinity", b'{"action":"inventory","content":{"storages":[{"disksize":'
         b'-Infinity}],"hardware":{},"bios":{}}}'))
    add(("huge-float", b'{"action":"inventory","content":{"cpus":[{"core":1e999}],'
         b'"hardware":{},"bios":{}}}'))
    add(("deep", b'{"content":' + b"[" * 100000 + b"]" * 100000 + b"}"))
    add(("deep-objects", b'{"a":' * 5000 + b"1" + b"}" * 5000))
    add(("empty", b""))
    add(("array", b"[]"))
    add(("string", b'"inventory"'))
    add(("null", b"null"))
    add(("content-null", b'{"action":"inventory","content":null}'))
    add(("content-list", b'{"action":"inventory","content":[1,2]}'))
    add(("content-string", b'{"action":"inventory","content":"x"}'))
    add(("utf16", '{"action":"inventory","content":{"hardware":{}}}'.encode("utf-16")))
    add(("utf8-bom", b'\xef\xbb\xbf{"action":"inventory","content":{"hardware":{}}}'))
    add(("latin1", '{"action":"inventory","content":{"hardware":{"name":"é"}}}'.encode(
        "latin-1")))
    add(("nul", b'{"action":"inventory","content":{"hardware":{"name":"\\u0000\x00"}}}'))
    add(("duplicate-keys", b'{"content":{"hardware":{}},"content":{"bios":{}}}'))
    add(("trailing-garbage", b'{"content":{"hardware":{}}} {"x":1}'))
    add(("zlib-ocs", __import__("zlib").compress(b'{"content":{"hardware":{}}}')))
    add(("zlib-truncated", __import__("zlib").compress(b'{"content":{"hardware":{}}}')[:10]))
    # Every section and key given hostile types.
    hostile_json: list[object] = [None, True, False, 0, -1, 1.5, 1e308, -1e308, "", "x",
                                  "9" * 50, [], {}, [None], [{}], {"a": []}, [[[]]], "NaN",
                                  "-5", 2 ** 80, -(2 ** 80), "1e999", "\u0000", "\ud800"]
    for n in range(220):
        doc = json.loads(json.dumps(rng.choice([base, server])))
        content = doc["content"]
        for _ in range(rng.randint(1, 4)):
            section = rng.choice(sorted(content))
            value = content[section]
            if isinstance(value, dict) and value and rng.random() < 0.7:
                value[rng.choice(sorted(value))] = rng.choice(hostile_json)
            elif isinstance(value, list) and value and isinstance(value[0], dict) \
                    and rng.random() < 0.7:
                item = rng.choice(value)
                if item:
                    item[rng.choice(sorted(item))] = rng.choice(hostile_json)
            else:
                content[section] = rng.choice(hostile_json)
        text = json.dumps(doc, allow_nan=True, ensure_ascii=rng.random() < 0.5)
        add((f"hostile-{n}", text.encode("utf-8", errors="surrogatepass")))
    seeds = [json.dumps(base).encode(), json.dumps(server).encode(),
             (FIXTURES / "agent" / "glpi-agent-vm.json").read_bytes()]
    for n in range(200):
        add((f"mutated-{n}", mutate_bytes(rng.choice(seeds), rng)))
    return cases


# --------------------------------------------------------------------------- agent XML


def xml_cases(rng: random.Random) -> list[tuple[str, bytes]]:
    cases: list[tuple[str, bytes]] = []
    add = cases.append
    desktop = (FIXTURES / "agent" / "fusioninventory-desktop.xml").read_bytes()
    server = (FIXTURES / "agent" / "fusioninventory-server.xml").read_bytes()
    body = desktop.split(b"?>", 1)[1]
    for encoding in ("x-unknown", "UTF-7", "utf-32", "EBCDIC", "ISO-8859-1", "windows-1252",
                     "UTF-16", "utf-8-sig", "", "\x00", "a" * 300, "ascii", "big5",
                     "cp037", "idna", "rot13", "base64", "zip", "hex", "punycode",
                     "unicode_escape", "raw_unicode_escape", "mbcs", "undefined"):
        add((f"encoding-{encoding[:20].strip(chr(0)) or 'empty'}",
             f'<?xml version="1.0" encoding="{encoding}"?>'.encode("latin-1", "replace") + body))
    add(("utf16-declared-utf8", desktop.decode().encode("utf-16")))
    add(("doctype", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><REQUEST/>'))
    add(("billion-laughs", b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
         b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
         b"<REQUEST><CONTENT>&lol2;</CONTENT></REQUEST>"))
    add(("external-entity", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM '
         b'"file:///etc/passwd">]><REQUEST><CONTENT>&x;</CONTENT></REQUEST>'))
    add(("wrong-root", b"<html><body/></html>"))
    add(("empty-request", b"<REQUEST/>"))
    add(("empty-content", b"<REQUEST><CONTENT/></REQUEST>"))
    add(("deep", b"<REQUEST><CONTENT>" + b"<A>" * 50000 + b"</A>" * 50000
         + b"</CONTENT></REQUEST>"))
    add(("huge-numbers", b"<REQUEST><QUERY>INVENTORY</QUERY><CONTENT><HARDWARE><MEMORY>"
         + b"9" * 5000 + b"</MEMORY></HARDWARE><CPUS><CORE>" + b"9" * 5000
         + b"</CORE></CPUS><MEMORIES><CAPACITY>NaN</CAPACITY></MEMORIES><STORAGES><DISKSIZE>"
         b"inf</DISKSIZE></STORAGES><BIOS/></CONTENT></REQUEST>"))
    add(("bad-char-ref", b"<REQUEST><CONTENT><HARDWARE><NAME>&#xD800;&#0;</NAME></HARDWARE>"
         b"</CONTENT></REQUEST>"))
    add(("cdata", b"<REQUEST><CONTENT><HARDWARE><NAME><![CDATA[x]]></NAME></HARDWARE>"
         b"<BIOS/></CONTENT></REQUEST>"))
    add(("processing-instruction", b"<?xml-stylesheet href='x'?><REQUEST><CONTENT><BIOS/>"
         b"</CONTENT></REQUEST>"))
    add(("namespaced", b'<r:REQUEST xmlns:r="urn:x"><r:CONTENT><r:BIOS/></r:CONTENT>'
         b"</r:REQUEST>"))
    add(("zlib-ocs", __import__("zlib").compress(desktop)))
    hostile_text = ["", "NaN", "inf", "-1", "9" * 4400, "1e999", "0x10", "½", "&amp;",
                    "<![CDATA[]]>", "&#1;", "\u00e9", "1,5", " 12 ", "-0"]
    tags = [b"CORE", b"CAPACITY", b"DISKSIZE", b"MEMORY", b"NAME", b"SMODEL",
            b"SMANUFACTURER", b"ASSETTAG", b"CHASSIS_TYPE", b"VMSYSTEM", b"TYPE", b"SPEED"]
    for n in range(180):
        data = rng.choice([desktop, server])
        for _ in range(rng.randint(1, 3)):
            tag = rng.choice(tags)
            start = data.find(b"<" + tag + b">")
            if start == -1:
                continue
            end = data.find(b"</" + tag + b">", start)
            value = rng.choice(hostile_text).encode("utf-8")
            data = data[:start + len(tag) + 2] + value + data[end:]
        add((f"hostile-{n}", data))
    for n in range(180):
        add((f"mutated-{n}", mutate_bytes(rng.choice([desktop, server]), rng)))
    return cases


# --------------------------------------------------------------------------- writing

FORMATS: dict[str, tuple[str, Callable[[random.Random], list[tuple[str, bytes]]]]] = {
    "csv": (".csv", csv_cases),
    "xlsx": (".xlsx", xlsx_cases),
    "json": (".json", json_cases),
    "xml": (".xml", xml_cases),
}


def write_corpus(out: Path, seed: int) -> int:
    if out.exists():
        shutil.rmtree(out)
    total = 0
    for name, (suffix, make) in FORMATS.items():
        folder = out / name
        folder.mkdir(parents=True)
        for index, (label, data) in enumerate(make(random.Random(f"{seed}-{name}"))):
            safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label)
            (folder / f"{index:04d}-{safe}{suffix}").write_bytes(data)
            total += 1
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=HERE / "corpus")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    total = write_corpus(args.out, args.seed)
    print(f"{total} files written to {args.out}")


if __name__ == "__main__":
    main()
