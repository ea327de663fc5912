"""Pure rules of the audits of digital services (no Django, no browser).

- EcoIndex (ecoindex.fr) through `ecoindex-compute`, the reference implementation: score,
  grade, GHG and water of one page view; the partial score of each metric and a "what if"
  (how far each metric alone must go for the next grade); the median and spread of N runs.
- RGAA 4.1.2 compliance rate (DINUM, "évaluation de la conformité"): a criterion is applicable
  when it applies to at least one page of the sample, validated only when it is validated on
  every page where it applies; rate = validated / applicable; state of compliance
  totalement (100 %) / partiellement (≥ 50 %) / non conforme (< 50 % or no valid audit).
- RGESN 2024 *score d'avancement*: Σ weights of the validated criteria / Σ weights of the
  applicable ones × 100 (weights 1.5 / 1.25 / 1 for prioritaire / recommandé / modéré).
- Validity of a declaration: 3 years, or until a substantial change of the service, or 18
  months after a new version of the RGAA is published (DINUM, "déclaration d'accessibilité").
- SSRF guard: which resolved addresses a shared server may fetch.
- axe-core results → RGAA criteria, through axe's `RGAA-<theme>.<criterion>.<test>` tags.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import re
import statistics
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeVar

from ecoindex.compute import get_quantile, get_score
from ecoindex.data import grades as grade_data
from ecoindex.data import quantiles_dom, quantiles_req, quantiles_size

T = TypeVar("T")

# --- EcoIndex ----------------------------------------------------------------------------------

GRADES: Final = ("A", "B", "C", "D", "E", "F", "G")
# Lower bound (strict) of each grade, from ecoindex.data.grades (A > 80, B > 70 …, G ≥ 0).
GRADE_FLOOR: Final[dict[str, int]] = {g: int(getattr(grade_data, g)) for g in GRADES}
WEIGHTS: Final = {"dom": 3, "requests": 2, "size": 1}  # ecoindex.fr: DOM first
QUANTILES: Final[dict[str, list[float]]] = {
    "dom": [float(q) for q in quantiles_dom], "requests": [float(q) for q in quantiles_req],
    "size": [float(q) for q in quantiles_size]}


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Drive one of ecoindex-compute's coroutines to its end. They await nothing (plain
    arithmetic declared `async`), so no event loop is needed: this works in any thread,
    including one where Playwright's sync API already runs a loop."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("an ecoindex-compute coroutine awaited something")


def grade_of(score: float) -> str:
    for grade in GRADES[:-1]:
        if score > GRADE_FLOOR[grade]:
            return grade
    return "G"


def ghg_of(score: float) -> float:
    """gCO2e per page view (ecoindex.fr's conventional factor, not a measured impact)."""
    return round(100 * (2 + 2 * (50 - score) / 100)) / 100


def water_of(score: float) -> float:
    """Centilitres of water per page view (same convention)."""
    return round(100 * (3 + 3 * (50 - score) / 100)) / 100


def quantile(metric: str, value: float) -> float:
    return float(run_sync(get_quantile(QUANTILES[metric], value)))


def score_of(dom: int, requests: int, size_kb: float) -> int:
    return int(run_sync(get_score(dom=dom, size=size_kb, requests=requests)))


@dataclass(frozen=True, slots=True)
class WhatIf:
    """What one metric alone (the others unchanged) must reach for the next grade."""

    metric: str
    current: float
    needed: float | None  # None: out of reach with this metric alone
    grade: str


@dataclass(frozen=True, slots=True)
class EcoIndex:
    dom: int
    requests: int
    size_kb: float
    score: int
    grade: str
    ghg: float
    water: float
    partial: dict[str, float]  # 100 − 5 × quantile of each metric (its own score, 0–100)
    what_if: list[WhatIf] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "grade": self.grade, "dom_nodes": self.dom,
                "requests": self.requests, "size_kb": round(self.size_kb, 2),
                "ghg_g": self.ghg, "water_cl": self.water,
                "partial_scores": {k: round(v, 1) for k, v in self.partial.items()},
                "what_if": [{"metric": w.metric, "current": w.current, "needed": w.needed,
                             "grade": w.grade} for w in self.what_if]}


def what_if(dom: int, requests: int, size_kb: float) -> list[WhatIf]:
    """For each metric, the largest value (the others unchanged) that gives the next grade
    up; empty when the page is already A."""
    score = score_of(dom, requests, size_kb)
    grade = grade_of(score)
    if grade == "A":
        return []
    target = GRADES[GRADES.index(grade) - 1]
    needed_score = GRADE_FLOOR[target] + 1  # grades are strict: 80 is B, 81 is A
    values: dict[str, float] = {"dom": dom, "requests": requests, "size": size_kb}
    out = []
    for metric in WEIGHTS:
        # The score falls as a metric grows: search the largest value (whole elements and
        # requests, hundredths of kB) whose score, by the library, reaches the next grade.
        scale = 100 if metric == "size" else 1

        def reaches(units: int, metric: str = metric, scale: int = scale) -> bool:
            trial = dict(values, **{metric: units / scale})
            return score_of(int(trial["dom"]), int(trial["requests"]),
                            trial["size"]) >= needed_score

        low, high = 0, math.floor(values[metric] * scale)
        if not reaches(low):
            out.append(WhatIf(metric, values[metric], None, target))
            continue
        while low < high:
            middle = (low + high + 1) // 2
            if reaches(middle):
                low = middle
            else:
                high = middle - 1
        out.append(WhatIf(metric, values[metric], low / scale, target))
    return out


def ecoindex(dom: int, requests: int, size_kb: float) -> EcoIndex:
    """EcoIndex of one page view: DOM elements, requests, transferred kB (bytes / 1000)."""
    if dom < 0 or requests < 0 or size_kb < 0:
        raise ValueError("EcoIndex metrics are non-negative")
    score = score_of(dom, requests, size_kb)
    values: dict[str, float] = {"dom": dom, "requests": requests, "size": size_kb}
    partial = {m: 100 - 5 * quantile(m, values[m]) for m in WEIGHTS}
    return EcoIndex(dom, requests, size_kb, score, grade_of(score), ghg_of(score),
                    water_of(score), partial, what_if(dom, requests, size_kb))


@dataclass(frozen=True, slots=True)
class Spread:
    median: float
    minimum: float
    maximum: float
    runs: int

    @property
    def range(self) -> float:
        return self.maximum - self.minimum

    def as_dict(self) -> dict[str, float | int]:
        return {"median": self.median, "min": self.minimum, "max": self.maximum,
                "range": self.range, "runs": self.runs}


def spread(values: Sequence[float]) -> Spread:
    if not values:
        raise ValueError("no run")
    return Spread(float(statistics.median(values)), float(min(values)), float(max(values)),
                  len(values))


def median_run(runs: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """The median of each metric over N runs (dom, requests, size)."""
    return {m: float(statistics.median([r[m] for r in runs])) for m in ("dom", "requests",
                                                                          "size")}


# --- RGAA --------------------------------------------------------------------------------------

Status = Literal["C", "NC", "NA", ""]  # conforme, non conforme, non applicable, not tested
COMPLIANT: Final = "C"
NOT_COMPLIANT: Final = "NC"
NOT_APPLICABLE: Final = "NA"
TOTAL: Final = "total"
PARTIAL: Final = "partial"
NONE: Final = "none"
STATE_LABELS_FR: Final = {TOTAL: "totalement conforme", PARTIAL: "partiellement conforme",
                          NONE: "non conforme"}


@dataclass(frozen=True, slots=True)
class Rate:
    """Outcome of a grid: per criterion its cross-page result."""

    applicable: int
    validated: int
    not_validated: int
    not_applicable: int
    untested: int
    rate: float | None  # percent; None when nothing applicable
    state: str
    failed: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.untested == 0


def criterion_result(statuses: Iterable[str]) -> str:
    """Cross-page result of one criterion from its status on each page: NC if any page is
    NC; untested ("") if any page is untested; NA if NA everywhere; C otherwise."""
    values = list(statuses)
    if not values:
        return ""
    if NOT_COMPLIANT in values:
        return NOT_COMPLIANT
    if "" in values:
        return ""
    if all(v == NOT_APPLICABLE for v in values):
        return NOT_APPLICABLE
    return COMPLIANT


def compliance_state(rate: float | None) -> str:
    if rate is None:
        return NONE
    if rate >= 100:
        return TOTAL
    if rate >= 50:
        return PARTIAL
    return NONE


def rgaa_rate(grid: Mapping[str, Mapping[str, str]]) -> Rate:
    """grid: criterion → page → status. The DINUM rule: validated / applicable."""
    results = {criterion: criterion_result(pages.values()) for criterion, pages in grid.items()}
    validated = sum(1 for r in results.values() if r == COMPLIANT)
    failed = tuple(sorted((c for c, r in results.items() if r == NOT_COMPLIANT),
                          key=criterion_key))
    na = sum(1 for r in results.values() if r == NOT_APPLICABLE)
    untested = sum(1 for r in results.values() if r == "")
    applicable = validated + len(failed)
    rate = round(100.0 * validated / applicable, 2) if applicable else None
    return Rate(applicable, validated, len(failed), na, untested, rate,
                compliance_state(rate), failed)


def criterion_key(number: str) -> tuple[int, ...]:
    """'10.4' sorts after '9.3'."""
    return tuple(int(part) for part in number.split(".") if part.isdigit())


AXE_RGAA_TAG: Final = re.compile(r"^RGAA-(\d+)\.(\d+)(?:\.(\d+))?$")


def rgaa_criteria_of(tags: Iterable[str]) -> list[str]:
    """RGAA criteria ('1.1') named by an axe rule's tags ('RGAA-1.1.1')."""
    found = {f"{m.group(1)}.{m.group(2)}" for tag in tags if (m := AXE_RGAA_TAG.match(tag))}
    return sorted(found, key=criterion_key)


def rgaa_tests_of(tags: Iterable[str]) -> list[str]:
    found = {tag[5:] for tag in tags if AXE_RGAA_TAG.match(tag)}
    return sorted(found, key=criterion_key)


# --- RGESN -------------------------------------------------------------------------------------

RGESN_WEIGHTS: Final = {"prioritaire": 1.5, "recommandé": 1.25, "modéré": 1.0}


@dataclass(frozen=True, slots=True)
class Progress:
    score: float | None  # score d'avancement, percent
    validated: int
    not_validated: int
    not_applicable: int
    untested: int
    unjustified_na: tuple[str, ...] = ()


def rgesn_score(entries: Iterable[tuple[str, str, str, str]]) -> Progress:
    """entries: (criterion, priority, status C/NC/NA/"", justification). A non-applicable
    criterion without a justification is listed (the declaration requires one); "partial"
    does not exist: anything but C counts as not validated."""
    total = done = 0.0
    counts = {COMPLIANT: 0, NOT_COMPLIANT: 0, NOT_APPLICABLE: 0, "": 0}
    unjustified = []
    for criterion, priority, status, justification in entries:
        counts[status if status in counts else ""] += 1
        if status == NOT_APPLICABLE:
            if not justification.strip():
                unjustified.append(criterion)
            continue
        if status not in (COMPLIANT, NOT_COMPLIANT):
            continue
        weight = RGESN_WEIGHTS.get(priority.casefold(), 1.0)
        total += weight
        if status == COMPLIANT:
            done += weight
    score = round(100 * done / total, 1) if total else None
    return Progress(score, counts[COMPLIANT], counts[NOT_COMPLIANT], counts[NOT_APPLICABLE],
                    counts[""], tuple(unjustified))


# --- Declarations ------------------------------------------------------------------------------

VALIDITY_YEARS: Final = 3
NEW_VERSION_GRACE_MONTHS: Final = 18
CURRENT: Final = "current"
EXPIRED: Final = "expired"
SUPERSEDED: Final = "superseded"  # a substantial change since
MISSING: Final = "missing"


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def valid_until(established: dt.date, new_referential_on: dt.date | None = None) -> dt.date:
    """3 years after the audit; earlier when a new RGAA version was published (+18 months)."""
    end = add_months(established, 12 * VALIDITY_YEARS)
    if new_referential_on and new_referential_on > established:
        end = min(end, add_months(new_referential_on, NEW_VERSION_GRACE_MONTHS))
    return end


def declaration_status(established: dt.date | None, today: dt.date,
                       substantial_change: dt.date | None = None,
                       new_referential_on: dt.date | None = None) -> str:
    if established is None:
        return MISSING
    if substantial_change and substantial_change > established:
        return SUPERSEDED
    if today > valid_until(established, new_referential_on):
        return EXPIRED
    return CURRENT


def homepage_mention(state: str | None, status: str) -> str:
    """The text the homepage must show ("Accessibilité : …"); without a current declaration
    the service is non conforme."""
    if status != CURRENT or state not in STATE_LABELS_FR:
        return "Accessibilité : non conforme"
    return f"Accessibilité : {STATE_LABELS_FR[state]}"


# --- SSRF guard --------------------------------------------------------------------------------

class RefusedAddress(ValueError):
    """The target resolves to an address a shared server must not fetch."""


def address_refusal(address: str, *, allow_private: bool = False,
                    allow_loopback: bool = False) -> str | None:
    """Why `address` (an IP literal) must not be fetched, or None. Private, loopback,
    link-local (cloud metadata 169.254.169.254), unspecified, multicast and reserved ranges
    are refused, IPv4-mapped IPv6 addresses by their IPv4 form."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%")[0])
    except ValueError:
        return "adresse IP invalide"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback or allow_private else "adresse de bouclage (loopback)"
    if ip.is_link_local:
        return None if allow_private else "adresse lien-local"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "adresse réservée"
    if ip.is_private or (isinstance(ip, ipaddress.IPv4Address)
                         and ip in ipaddress.ip_network("100.64.0.0/10")):
        return None if allow_private else "adresse privée"
    return None


def check_addresses(addresses: Iterable[str], *, allow_private: bool = False,
                    allow_loopback: bool = False) -> None:
    """Raise RefusedAddress when any resolved address is refused (a name resolving to one
    public and one private address is refused: DNS rebinding)."""
    listed = list(addresses)
    if not listed:
        raise RefusedAddress("nom d'hôte sans adresse")
    for address in listed:
        reason = address_refusal(address, allow_private=allow_private,
                                 allow_loopback=allow_loopback)
        if reason:
            raise RefusedAddress(f"{address} : {reason}")


# --- Gates (command line) ----------------------------------------------------------------------

def gate_failures(results: Sequence[Mapping[str, Any]], *, min_ecoindex: float | None,
                  max_axe_violations: int | None) -> list[str]:
    """Why a CI gate fails (empty: it passes). A page that could not be audited fails."""
    failures = []
    for r in results:
        if r.get("status") != "ok":
            failures.append(f"{r['url']}: {r.get('status')}")
            continue
        score = r["ecoindex"]["score"]
        if min_ecoindex is not None and score < min_ecoindex:
            failures.append(f"{r['url']}: EcoIndex {score} < {min_ecoindex:g}")
        count = len(r["axe"]["violations"])
        if max_axe_violations is not None and count > max_axe_violations:
            failures.append(f"{r['url']}: {count} axe violations > {max_axe_violations}")
    return failures
