"""Data centres and server rooms: the pure rules (no Django).

- The sustainability indicators of Commission Delegated Regulation (EU) 2024/1364, Annex III
  (PUE = EDC / EIT, WUE = WIN / EIT in litres per kWh, ERF = EREUSE / EDC,
  REF = ERES-TOT / EDC), from the key performance indicators of its Annex II.
- The reporting threshold of Directive (EU) 2023/1791, art. 12(1): installed information
  technology power demand of at least 500 kW.
- The European Code of Conduct on Data Centre Energy Efficiency (JRC Best Practice
  Guidelines): the practices Jalon checks (reference file
  `data/reference/datacentres/coc_practices.csv`) and a site's conformity rate: the share of
  the expected practices that apply to it that are implemented.
- The annual KPI report: the Annex I information and Annex II indicators in the order of the
  delegated regulation, each with its value or « missing ».
- Energy estimated when not metered: EIT from the average IT load over the hours of the year,
  EDC = EIT x the site's PUE.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

# Directive (EU) 2023/1791, art. 12(1): owners and operators of data centres whose installed
# IT power demand is at least 500 kW make the Annex VII information public each year.
EED_THRESHOLD_KW: Final = 500.0

PRACTICES_PATH: Final = (Path(__file__).resolve().parent.parent / "data" / "reference"
                         / "datacentres" / "coc_practices.csv")

# When the Best Practice Guidelines expect a practice from a participant ("optional" aside).
EXPECTED_KINDS: Final = ("entire_dc", "new_it_equipment", "new_software",
                         "new_build_or_retrofit")
OPTIONAL: Final = "optional"
SECTIONS: Final = ("management", "it", "cooling", "power", "other", "building", "monitoring")

# Statuses of a practice on a site's checklist.
NOT_STARTED: Final = "not_started"
IN_PROGRESS: Final = "in_progress"
IMPLEMENTED: Final = "implemented"
NOT_APPLICABLE: Final = "not_applicable"
STATUSES: Final = (NOT_STARTED, IN_PROGRESS, IMPLEMENTED, NOT_APPLICABLE)

HOURS_PER_YEAR: Final = 8760.0
# A PUE below 1 is impossible (EDC includes EIT); above 5 it is almost surely a typing error
# (the Uptime Institute's surveys find averages of 1.5 to 1.6 and poor rooms above 2.5).
PUE_MIN: Final = 1.0
PUE_MAX: Final = 5.0


@dataclass(frozen=True, slots=True)
class Practice:
    number: str
    section: str
    expected: str  # one of EXPECTED_KINDS or OPTIONAL
    title: str
    description: str
    link: str
    version: str

    @property
    def is_expected(self) -> bool:
        return self.expected != OPTIONAL

    @property
    def order(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.number.split("."))


class PracticesFileError(ValueError):
    """The shipped practices file is malformed (a packaging error, not a user's)."""


def parse_practices(text: str) -> tuple[Practice, ...]:
    """Practices from the reference CSV, in the guidelines' order; refuses a malformed file."""
    rows = list(csv.DictReader(text.splitlines()))
    out: list[Practice] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        number = (row.get("number") or "").strip()
        expected = (row.get("expected") or "").strip()
        section = (row.get("section") or "").strip()
        if not number or number in seen:
            raise PracticesFileError(f"line {line}: missing or duplicate number {number!r}")
        if expected not in (*EXPECTED_KINDS, OPTIONAL):
            raise PracticesFileError(f"line {line}: unknown expected status {expected!r}")
        if section not in SECTIONS:
            raise PracticesFileError(f"line {line}: unknown section {section!r}")
        seen.add(number)
        out.append(Practice(number=number, section=section, expected=expected,
                            title=row["title"].strip(), description=row["description"].strip(),
                            link=row["link"].strip(), version=row["version"].strip()))
    return tuple(sorted(out, key=lambda p: p.order))


@functools.cache
def load_practices(path: Path = PRACTICES_PATH) -> tuple[Practice, ...]:
    return parse_practices(path.read_text(encoding="utf-8"))


def practices_version(practices: Sequence[Practice]) -> str:
    versions = sorted({p.version for p in practices})
    return ", ".join(versions)


# --- Conformity with the Code of Conduct ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    status: str = NOT_STARTED
    due_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Conformity:
    """Where a site stands against the expected practices.

    `applicable` = expected practices not declared not applicable; `rate` = implemented /
    applicable (None when nothing applies). A site is conformant when every applicable expected
    practice is implemented: the commitment of a Code of Conduct participant.
    """

    expected: int
    applicable: int
    implemented: int
    in_progress: int
    not_started: int
    not_applicable: int
    overdue: int  # applicable expected practices not implemented whose due date has passed
    optional_implemented: int
    missing: tuple[str, ...] = field(default=())  # numbers of applicable, not implemented

    @property
    def rate(self) -> float | None:
        return self.implemented / self.applicable if self.applicable else None

    @property
    def conformant(self) -> bool:
        return self.applicable > 0 and self.implemented == self.applicable


def conformity(practices: Iterable[Practice], checklist: Mapping[str, ChecklistEntry],
               today: dt.date) -> Conformity:
    """The conformity of one site; a practice absent from its checklist is not started."""
    counts = {status: 0 for status in STATUSES}
    overdue = optional_implemented = expected = 0
    missing: list[str] = []
    for practice in practices:
        entry = checklist.get(practice.number, ChecklistEntry())
        status = entry.status if entry.status in STATUSES else NOT_STARTED
        if not practice.is_expected:
            optional_implemented += status == IMPLEMENTED
            continue
        expected += 1
        counts[status] += 1
        if status in (NOT_STARTED, IN_PROGRESS):
            missing.append(practice.number)
            if entry.due_date is not None and entry.due_date < today:
                overdue += 1
    return Conformity(
        expected=expected, applicable=expected - counts[NOT_APPLICABLE],
        implemented=counts[IMPLEMENTED], in_progress=counts[IN_PROGRESS],
        not_started=counts[NOT_STARTED], not_applicable=counts[NOT_APPLICABLE],
        overdue=overdue, optional_implemented=optional_implemented, missing=tuple(missing))


# --- Indicators (Delegated Regulation 2024/1364, Annex III) ---------------------------------

def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def pue(total_kwh: float | None, it_kwh: float | None) -> float | None:
    """Power usage effectiveness = EDC / EIT (EN 50600-4-2)."""
    return _ratio(total_kwh, it_kwh)


def wue(water_m3: float | None, it_kwh: float | None) -> float | None:
    """Water usage effectiveness = WIN / EIT, in litres per kWh (EN 50600-4-9)."""
    value = _ratio(water_m3, it_kwh)
    return None if value is None else value * 1000.0


def erf(reused_kwh: float | None, total_kwh: float | None) -> float | None:
    """Energy reuse factor = EREUSE / EDC (EN 50600-4-6), between 0 and 1."""
    return _ratio(reused_kwh, total_kwh)


def ref(renewable_kwh: float | None, total_kwh: float | None) -> float | None:
    """Renewable energy factor = ERES-TOT / EDC (EN 50600-4-3), between 0 and 1."""
    return _ratio(renewable_kwh, total_kwh)


def in_eed_scope(it_power_kw: float | None) -> bool:
    """Whether a site must report under Directive 2023/1791 art. 12 (installed IT power demand
    of at least 500 kW)."""
    return it_power_kw is not None and it_power_kw >= EED_THRESHOLD_KW


@dataclass(frozen=True, slots=True)
class Energy:
    it_kwh: float | None
    total_kwh: float | None
    estimated: bool  # True when computed from the IT load and a PUE rather than metered


def energy(*, metered_it_kwh: float | None, metered_total_kwh: float | None,
           average_it_load_kw: float | None, pue_value: float | None,
           hours: float = HOURS_PER_YEAR) -> Energy:
    """Metered energy when both meters were read; otherwise an estimate: EIT = average IT load x
    hours of the year (or the metered EIT), EDC = EIT x PUE (or the metered EDC)."""
    if metered_it_kwh is not None and metered_total_kwh is not None:
        return Energy(metered_it_kwh, metered_total_kwh, estimated=False)
    it_kwh = metered_it_kwh
    if it_kwh is None and average_it_load_kw is not None:
        it_kwh = average_it_load_kw * hours
    total_kwh = metered_total_kwh
    if total_kwh is None and it_kwh is not None and pue_value is not None:
        total_kwh = it_kwh * pue_value
    if it_kwh is None and total_kwh is not None and pue_value:
        it_kwh = total_kwh / pue_value
    return Energy(it_kwh, total_kwh, estimated=True)


# Checks on a year's figures: (field, code). The application turns codes into messages.
@dataclass(frozen=True, slots=True)
class YearFigures:
    total_kwh: float | None = None
    it_kwh: float | None = None
    average_it_load_kw: float | None = None
    declared_pue: float | None = None
    water_m3: float | None = None
    potable_water_m3: float | None = None
    reused_kwh: float | None = None
    renewable_kwh: float | None = None
    renewable_goo_kwh: float | None = None
    renewable_ppa_kwh: float | None = None
    renewable_onsite_kwh: float | None = None


def check_year(figures: YearFigures) -> list[tuple[str, str]]:
    """Impossible combinations of a year's figures, as (field, code)."""
    problems: list[tuple[str, str]] = []
    for name in ("total_kwh", "it_kwh", "average_it_load_kw", "water_m3", "potable_water_m3",
                 "reused_kwh", "renewable_kwh", "renewable_goo_kwh", "renewable_ppa_kwh",
                 "renewable_onsite_kwh"):
        value = getattr(figures, name)
        if value is not None and value < 0:
            problems.append((name, "negative"))
    if figures.declared_pue is not None and not PUE_MIN <= figures.declared_pue <= PUE_MAX:
        problems.append(("declared_pue", "pue_range"))
    total, it = figures.total_kwh, figures.it_kwh
    if total is not None and it is not None and it > total:
        problems.append(("it_kwh", "it_above_total"))
    elif total is not None and it is not None and it > 0 and total / it > PUE_MAX:
        problems.append(("total_kwh", "pue_range"))
    if (figures.potable_water_m3 is not None and figures.water_m3 is not None
            and figures.potable_water_m3 > figures.water_m3):
        problems.append(("potable_water_m3", "potable_above_total"))
    for name in ("reused_kwh", "renewable_kwh"):
        value = getattr(figures, name)
        if value is not None and total is not None and value > total:
            problems.append((name, "above_total"))
    parts = [figures.renewable_goo_kwh, figures.renewable_ppa_kwh, figures.renewable_onsite_kwh]
    if (figures.renewable_kwh is not None and any(p is not None for p in parts)
            and sum(p or 0.0 for p in parts) > figures.renewable_kwh * 1.001):
        problems.append(("renewable_kwh", "parts_above_total"))
    return problems


# --- Annex I information: formats (Delegated Regulation 2024/1364, Annex I) ------------------

# Annex I 1(c): the site's local administrative unit code, as in Eurostat's latest LAU tables.
# For France the LAU is the commune and its code the INSEE code of the commune: five
# characters, digits, or 2A/2B and three digits in Corsica (e.g. 75056 Paris, 2A004 Ajaccio).
_LAU_FR: Final = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
# Annex I 2(a)/(b): redundancy levels, one per level (e.g. « 2N / N+1 / N ») written as the
# trade writes them: N, N+1, 2N, 2N+1, 2(N+1).
_REDUNDANCY: Final = re.compile(r"^(?:\d?N(?:\+\d)?|\d\(N\+\d\))$")
MAX_REDUNDANCY_LEVELS: Final = 3
_PHONE: Final = re.compile(r"^\+?[0-9 .()\-]{6,25}$")


def normalise_lau_code(text: str) -> str:
    """The LAU code as Eurostat writes it for France (upper case, no spaces); raise ValueError
    when it is not a commune code."""
    code = re.sub(r"[\s\u00a0\u202f]", "", text or "").upper()
    if code.startswith("FR") and len(code) > 5:
        code = code[2:].lstrip("-_")
    if not _LAU_FR.match(code):
        raise ValueError(code)
    return code


def normalise_redundancy(text: str) -> str:
    """« 2n/n+1 » → « 2N / N+1 »; raise ValueError on anything else."""
    parts = [re.sub(r"\s+", "", part).upper() for part in (text or "").split("/")]
    if not parts or len(parts) > MAX_REDUNDANCY_LEVELS or not all(
            _REDUNDANCY.match(part) for part in parts):
        raise ValueError(text)
    return " / ".join(parts)


def normalise_phone(text: str) -> str:
    """A telephone number as typed (spaces tidied); raise ValueError without 6 to 15 digits."""
    phone = re.sub(r"\s+", " ", (text or "").strip())
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.match(phone) or not 6 <= digits <= 15:
        raise ValueError(text)
    return phone


def year_month(value: dt.date | None) -> str | None:
    """Annex I 1(e) asks for the year and month of entry into operation."""
    return None if value is None else f"{value.year:04d}-{value.month:02d}"


# --- Trend of the PUE -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Trend:
    first_year: int
    last_year: int
    first: float
    last: float

    @property
    def change(self) -> float:
        return self.last - self.first

    @property
    def yearly_change(self) -> float:
        years = self.last_year - self.first_year
        return self.change / years if years else 0.0


def trend(values: Mapping[int, float | None]) -> Trend | None:
    """From the first to the last year with a value; None with fewer than two."""
    known = sorted((year, value) for year, value in values.items() if value is not None)
    if len(known) < 2:
        return None
    (first_year, first), (last_year, last) = known[0], known[-1]
    return Trend(first_year, last_year, first, last)


def weighted_pue(sites: Iterable[tuple[float | None, float | None]]) -> float | None:
    """The PUE of several sites together: sum of EDC / sum of EIT over the sites that have both
    (an average of ratios would let a tiny room weigh as much as a large one)."""
    total = it = 0.0
    for total_kwh, it_kwh in sites:
        if total_kwh is not None and it_kwh is not None and it_kwh > 0:
            total += total_kwh
            it += it_kwh
    return total / it if it else None


# --- The annual KPI report (Delegated Regulation 2024/1364, Annexes I to III) ----------------

@dataclass(frozen=True, slots=True)
class KpiField:
    code: str  # our key (the attribute read from the site or the year)
    annex: str  # "I", "II" or "III" of Delegated Regulation 2024/1364
    reference: str  # the regulation's symbol or point
    name: str  # the regulation's English wording
    unit: str


# The order and wording of the delegated regulation. Annex I: information about the data
# centre; Annex II: key performance indicators of the reporting year; Annex III: the
# sustainability indicators computed from them.
KPI_FIELDS: Final[tuple[KpiField, ...]] = (
    KpiField("name", "I", "1(a)", "Name of the data centre", ""),
    KpiField("owner", "I", "1(b)", "Owner of the data centre: name", ""),
    KpiField("owner_email", "I", "1(b)", "Owner of the data centre: contact details (e-mail)",
             ""),
    KpiField("owner_phone", "I", "1(b)", "Owner of the data centre: contact details "
             "(telephone)", ""),
    KpiField("operator", "I", "1(b)", "Operator of the data centre: name", ""),
    KpiField("operator_email", "I", "1(b)", "Operator of the data centre: contact details "
             "(e-mail)", ""),
    KpiField("operator_phone", "I", "1(b)", "Operator of the data centre: contact details "
             "(telephone)", ""),
    KpiField("lau_code", "I", "1(c)", "Location of the data centre: local administrative unit "
             "(LAU) code (Eurostat)", ""),
    KpiField("municipality", "I", "1(c)", "Location: municipality (Directive (EU) 2023/1791, "
             "Annex VII(a))", ""),
    KpiField("kind", "I", "1(d)", "Type of data centre (enterprise, colocation, co-hosting)",
             ""),
    KpiField("structure", "I", "1(d)", "Type of data centre: a structure or a group of "
             "structures", ""),
    KpiField("mixed_services", "I", "1(d)", "Colocation data centre also providing co-hosting "
             "services, or the reverse", ""),
    KpiField("commissioned_on", "I", "1(e)", "Year and month of entry into operation",
             "YYYY-MM"),
    KpiField("electrical_redundancy", "I", "2(a)", "Redundancy level of the electrical "
             "infrastructure", ""),
    KpiField("cooling_redundancy", "I", "2(b)", "Redundancy level of the cooling "
             "infrastructure", ""),
    # Annex II opens with the size of the data centre (PDIT and the floor areas are key
    # performance indicators, not Annex I information).
    KpiField("it_power_kw", "II", "PDIT", "Installed information technology power demand",
             "kW"),
    KpiField("total_floor_m2", "II", "", "Total floor area", "m2"),
    KpiField("computer_room_m2", "II", "", "Computer room floor area", "m2"),
    KpiField("total_kwh", "II", "EDC", "Total energy consumption", "kWh"),
    KpiField("it_kwh", "II", "EIT", "Total energy consumption of information technology "
             "equipment", "kWh"),
    KpiField("water_m3", "II", "WIN", "Total water input", "m3"),
    KpiField("potable_water_m3", "II", "WIN-POT", "Total potable water input", "m3"),
    KpiField("reused_kwh", "II", "EREUSE", "Waste heat reused", "kWh"),
    KpiField("waste_heat_temperature_c", "II", "TWH", "Average waste heat temperature", "°C"),
    KpiField("intake_temperature_c", "II", "TIN",
             "Average setpoint information technology equipment intake air temperature", "°C"),
    KpiField("refrigerants", "II", "", "Types of refrigerants used in the cooling and "
             "air-conditioning systems", ""),
    KpiField("cooling_degree_days", "II", "CDD", "Cooling degree days", "°C·day"),
    KpiField("renewable_kwh", "II", "ERES-TOT", "Total renewable energy consumption", "kWh"),
    KpiField("renewable_goo_kwh", "II", "ERES-GOO", "Renewable energy consumption from "
             "Guarantees of Origin", "kWh"),
    KpiField("renewable_ppa_kwh", "II", "ERES-PPA", "Renewable energy consumption from power "
             "purchase agreements", "kWh"),
    KpiField("renewable_onsite_kwh", "II", "ERES-OS", "Renewable energy consumption from "
             "on-site renewables", "kWh"),
    KpiField("server_capacity", "II", "CSERV", "ICT capacity for servers", ""),
    KpiField("storage_capacity_pb", "II", "CSTOR", "ICT capacity for storage equipment", "PB"),
    KpiField("traffic_in_bandwidth_gbps", "II", "", "Incoming traffic bandwidth", "Gbit/s"),
    KpiField("traffic_out_bandwidth_gbps", "II", "", "Outgoing traffic bandwidth", "Gbit/s"),
    KpiField("traffic_in_eb", "II", "", "Incoming data traffic", "EB"),
    KpiField("traffic_out_eb", "II", "", "Outgoing data traffic", "EB"),
    KpiField("pue", "III", "PUE", "Power usage effectiveness (EDC / EIT)", ""),
    KpiField("wue", "III", "WUE", "Water usage effectiveness (WIN / EIT)", "L/kWh"),
    KpiField("erf", "III", "ERF", "Energy reuse factor (EREUSE / EDC)", ""),
    KpiField("ref", "III", "REF", "Renewable energy factor (ERES-TOT / EDC)", ""),
)
KPI_CODES: Final = frozenset(f.code for f in KPI_FIELDS)


@dataclass(frozen=True, slots=True)
class KpiLine:
    field: KpiField
    value: object  # str, float, int, date or None (missing)

    @property
    def missing(self) -> bool:
        return self.value is None or self.value == ""


@dataclass(frozen=True, slots=True)
class KpiReport:
    year: int
    lines: tuple[KpiLine, ...]
    estimated_energy: bool
    in_scope: bool

    @property
    def missing(self) -> tuple[KpiLine, ...]:
        return tuple(line for line in self.lines if line.missing)

    @property
    def complete(self) -> bool:
        return not self.missing


def kpi_report(year: int, values: Mapping[str, object], *, estimated_energy: bool
               ) -> KpiReport:
    """The report of one site for one year from its values keyed by KpiField.code; the
    Annex III indicators are computed here (any given value for them is ignored)."""
    def number(code: str) -> float | None:
        value = values.get(code)
        return float(value) if isinstance(value, (int, float)) else None

    computed: dict[str, object] = {
        "pue": pue(number("total_kwh"), number("it_kwh")),
        "wue": wue(number("water_m3"), number("it_kwh")),
        "erf": erf(number("reused_kwh"), number("total_kwh")),
        "ref": ref(number("renewable_kwh"), number("total_kwh")),
    }
    lines = tuple(KpiLine(f, computed[f.code] if f.annex == "III" else values.get(f.code))
                  for f in KPI_FIELDS)
    return KpiReport(year=year, lines=lines, estimated_energy=estimated_energy,
                     in_scope=in_eed_scope(number("it_power_kw")))


def share(part: int, whole: int) -> float | None:
    """part / whole as a percentage; None for an empty whole."""
    return 100.0 * part / whole if whole else None
