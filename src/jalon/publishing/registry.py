"""What each domain publishes, declared once, iterated by the publishing app.

A domain (footprint, strategy, the catalogue of services, ...) declares in its
`AppConfig.ready()` what it contributes:

- a `Domain`: the unit an organisation chooses to publish or not (one `Publication` row each);
- `DatasetGroup`s and `Dataset`s: open-data CSV resources with their Table Schema, listed in the
  organisation's DCAT catalogue when their domain is published;
- `PublicSection`s: parts of the organisation's public home (`/p/<org_slug>/`);
- `ReportSection`s: parts of the annual report;
- `IndicatorSource`s: formulas that compute indicator values from a domain's data, recomputed
  when one of the change topics they listen to is announced (`jalon.events`).
- `TargetReader`s: what a domain that follows indicators (the strategy) says of the targets set
  on computed indicators, so that the domain computing them can show its figures against those
  targets without importing the strategy.

The publishing app (DCAT catalogue, public home, report, indicator computation) iterates this
registry and imports no domain; a domain imports this module and never another domain's
publishing code. Registration is idempotent on `key` so that a re-run `ready()` (tests) does not
duplicate entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

    from jalon.tenancy.models import Organisation

# Where the shipped Table Schemas of the datasets live (jalon/data/schemas/opendata/).
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "schemas" / "opendata"

Row = Sequence[Any]
Context = dict[str, Any]


@dataclass(frozen=True)
class Domain:
    """A publishable domain: what `Publication(organisation, domain)` switches on or off."""

    key: str  # "footprint", "strategy", "catalogue"...
    label: StrOrPromise  # shown to the organisation's admins (a lazily translated string)
    description: StrOrPromise = ""
    order: int = 100


@dataclass(frozen=True)
class DatasetGroup:
    """A DCAT dataset: a group of CSV distributions of one domain."""

    key: str  # the dataset's fragment in the catalogue (#strategie, #empreinte, #services)
    domain: str
    title: str
    description: str
    keywords: tuple[str, ...] = ()
    # EU frequency vocabulary: ANNUAL, IRREG, CONT, ...
    frequency: str = "http://publications.europa.eu/resource/authority/frequency/IRREG"
    order: int = 100
    # dcat:theme: codes of the EU data-theme vocabulary (GOVE government and public sector,
    # ENVI environment, TECH science and technology...).
    themes: tuple[str, ...] = ("GOVE",)
    # dct:temporal: the first and last day the data covers (None: a snapshot of today).
    temporal: Callable[[Organisation], tuple[dt.date, dt.date] | None] | None = None


@dataclass(frozen=True)
class Dataset:
    """One CSV distribution, served at /p/<org_slug>/data/<key>.csv with its Table Schema."""

    key: str  # the resource name, unique across domains (a slug)
    group: str  # DatasetGroup.key
    title: str
    description: str
    schema: Path  # the Table Schema (JSON) that every CSV conforms to
    rows: Callable[[Organisation], Iterable[Row]]  # cells in the schema's field order
    modified: Callable[[Organisation], dt.datetime]  # dct:modified of the distribution
    # Extra condition besides the domain's publication (e.g. "a current strategy exists").
    available: Callable[[Organisation], bool] = lambda organisation: True
    order: int = 100


@dataclass(frozen=True)
class PublicSection:
    """A part of the organisation's public home: a template and its context.

    `context` returns None when the section has nothing to show (then it is left out).
    `url_name` is the section's own full page, if any (reversed with org_slug).
    """

    key: str
    domain: str
    title: StrOrPromise
    template: str
    context: Callable[[Organisation, HttpRequest], Context | None]
    url_name: str = ""
    order: int = 100


@dataclass(frozen=True)
class ReportSection:
    """A part of the annual report of year `year`: a template and its context (None: left out).

    `domain` is "" for sections that are always part of the report (the strategy's own parts);
    otherwise the section appears only when that domain is published.

    The context may give "modified" (when its data last changed: the report's date is the
    latest), "created" (the earliest is the document's creation date) and "sources" (a list
    of (name, source, method) gathered into `report_sources` for every section's template).
    On screen the report is shown one part at a time: consecutive sections with the same `part`
    title share a part; a long section gives `items` (e.g. its indicators), shown a few per
    part, each prepared by `item(entry, year)` only when shown (charts are not cheap); its
    template then receives `items`, and `first`, `last`, `count` on screen.
    """

    key: str
    title: StrOrPromise
    template: str
    context: Callable[[Organisation, int], Context | None]
    domain: str = ""
    order: int = 100
    part: StrOrPromise = ""
    items: Callable[[Organisation, int], Sequence[Any]] | None = None
    item: Callable[[Any, int], Any] | None = None


@dataclass(frozen=True, slots=True)
class ComputedValue:
    """One value of a computed indicator: a result for a past year, an estimate for the current."""

    year: int
    date: dt.date
    value: float
    kind: str  # "result" | "estimate"
    detail: dict[str, Any] = field(default_factory=dict)
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a source's values come from, stored with them: a label ("Calculé depuis
    l'inventaire (version 4, import ...)") and the inventory import behind them, if any."""

    label: str
    import_id: int | None = None


@dataclass(frozen=True)
class IndicatorSource:
    """A formula computing an indicator's values from a domain's data.

    `key` is what an indicator definition names in `computed`; `listens` are the change topics
    (jalon.events) after which values are recomputed.
    """

    key: str
    domain: str
    label: StrOrPromise
    unit: str
    compute: Callable[[Organisation, dt.date], list[ComputedValue]]
    listens: tuple[str, ...] = ()
    description: str = ""
    # What the values are stored with (default: the source's label, no import).
    provenance: Callable[[Organisation], Provenance] | None = None


@dataclass(frozen=True, slots=True)
class TrackedTarget:
    """A target set on a computed indicator, as the domain following it words and assesses it:
    « 100 % en 2028 », its year, the latest stored value and the status against the target
    ("achieved", "on_track", "at_risk", "off_track", "no_data", "no_target") with its label,
    symbol and the sentence explaining it."""

    source: str  # the IndicatorSource key the indicator is computed from
    indicator: str  # the indicator's name where it is followed
    follower: str  # where: « Stratégie numérique responsable 2024–2028 »
    target: str
    year: int | None
    latest: str
    status: str
    status_label: str
    symbol: str
    explanation: str
    url: str = ""


@dataclass(frozen=True)
class TargetReader:
    """Reads the targets set on computed indicators: `read(organisation, source_keys)` gives a
    TrackedTarget per followed indicator computed from one of those keys."""

    key: str
    read: Callable[[Organisation, Sequence[str]], list[TrackedTarget]]
    order: int = 100


@dataclass(frozen=True, slots=True)
class HeadlineFigure:
    """One figure of the annual report's summary, worded by its domain: "Empreinte carbone du
    parc en 2025" — "164 tCO2e" — "−4 % par rapport à 2024" — its source."""

    label: str
    value: str
    change: str = ""
    source: str = ""


@dataclass(frozen=True)
class Headline:
    """A headline figure a domain contributes to the summary that opens the annual report of
    year N (`compute(organisation, N)`, None when it has nothing to say). Like report sections,
    `domain` "" is always shown; otherwise only when that domain is published."""

    key: str
    compute: Callable[[Organisation, int], HeadlineFigure | None]
    domain: str = ""
    order: int = 100


T = TypeVar("T", Domain, DatasetGroup, Dataset, PublicSection, ReportSection, IndicatorSource,
            Headline, TargetReader)
Entry = (Domain | DatasetGroup | Dataset | PublicSection | ReportSection | IndicatorSource
         | Headline | TargetReader)


class _Registry:
    def __init__(self) -> None:
        self._entries: dict[type, dict[str, Any]] = {}

    def add(self, entry: Entry) -> None:
        self._entries.setdefault(type(entry), {})[entry.key] = entry

    def remove(self, entry: Entry) -> None:
        self._entries.get(type(entry), {}).pop(entry.key, None)

    def all(self, kind: type[T]) -> list[T]:
        entries: list[T] = list(self._entries.get(kind, {}).values())
        return sorted(entries, key=lambda e: (getattr(e, "order", 100), e.key))

    def get(self, kind: type[T], key: str) -> T | None:
        entry: T | None = self._entries.get(kind, {}).get(key)
        return entry


registry = _Registry()


def register(*entries: Entry) -> None:
    """Declare contributions (call from the domain's AppConfig.ready())."""
    for entry in entries:
        registry.add(entry)


def unregister(*entries: Entry) -> None:
    """Withdraw declarations (tests that register a domain of their own)."""
    for entry in entries:
        registry.remove(entry)


def domains() -> list[Domain]:
    return registry.all(Domain)


def dataset_groups() -> list[DatasetGroup]:
    return registry.all(DatasetGroup)


def datasets() -> list[Dataset]:
    return registry.all(Dataset)


def dataset_group(key: str) -> DatasetGroup | None:
    return registry.get(DatasetGroup, key)


def dataset(key: str) -> Dataset | None:
    return registry.get(Dataset, key)


def public_sections() -> list[PublicSection]:
    return registry.all(PublicSection)


def report_sections() -> list[ReportSection]:
    return registry.all(ReportSection)


def indicator_sources() -> list[IndicatorSource]:
    return registry.all(IndicatorSource)


def indicator_source(key: str) -> IndicatorSource | None:
    return registry.get(IndicatorSource, key)


def headlines() -> list[Headline]:
    return registry.all(Headline)


def target_readers() -> list[TargetReader]:
    return registry.all(TargetReader)
