"""Comparing an organisation with anonymised peers of its operator.

Peers are the other organisations of the same operator, of the same kind (commune, EPCI…) and
in the same population band. They are compared on shared indicators: the definitions an
operator publishes to its members (`operator` set, `shared=True`) and Jalon's built-in computed
indicators (no owner, `computed` set: footprint per agent, share of reuse spending…).

Anonymity:
- peers are never named: they are « Pair A », « Pair B »…, in an order drawn per viewer and per
  indicator from a keyed hash (the site's secret), so that a position or a letter does not
  identify the same organisation from one indicator to the next, nor from one viewer to another;
- k-anonymity: an indicator is only compared when at least `K_ANONYMITY` peers have a value;
  otherwise nothing about the peers is shown, not even their extremes.

Population bands (lower bound included, upper bound excluded). 3,500, 20,000 and 50,000
inhabitants are thresholds of the CGCT and boundaries of the DGCL's strates démographiques:
budget orientation report from 3,500 inhabitants (CGCT L. 2312-1), report on equality between
women and men above 20,000 (L. 2311-1-2), sustainable development report above 50,000
(L. 2311-1-1) — the threshold of the REEN strategy obligation (loi 2021-1485 art. 35).
200,000 is Jalon's own cut, separating the large agglomerations, métropoles, départements and
régions from the rest.

Everything here takes plain arguments and returns plain data: `compare` reads the database,
`compare_rows` is pure and is what the tests exercise on edge cases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

K_ANONYMITY: Final = 3
# (lower bound included, upper bound excluded or None, label)
POPULATION_BANDS: Final = (
    (0, 3_500, gettext_lazy("moins de 3 500 habitants")),
    (3_500, 20_000, gettext_lazy("de 3 500 à 20 000 habitants")),
    (20_000, 50_000, gettext_lazy("de 20 000 à 50 000 habitants")),
    (50_000, 200_000, gettext_lazy("de 50 000 à 200 000 habitants")),
    (200_000, None, gettext_lazy("plus de 200 000 habitants")),
)


def population_band(population: int | None) -> int | None:
    """The index of the band of POPULATION_BANDS, None when the population is unknown."""
    if population is None:
        return None
    for index, (low, high, _label) in enumerate(POPULATION_BANDS):
        if population >= low and (high is None or population < high):
            return index
    return None


def band_label(band: int | None) -> str:
    return str(POPULATION_BANDS[band][2]) if band is not None else ""


def peer_label(position: int) -> str:
    """« Pair A »… « Pair Z », « Pair AA »… (spreadsheet-style letters)."""
    letters = ""
    n = position + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return gettext("Pair %(letters)s") % {"letters": letters}


def shuffle_key(salt: str, viewer: int, indicator: Any, peer: int) -> str:
    return hashlib.sha256(f"{salt}|{viewer}|{indicator}|{peer}".encode()).hexdigest()


@dataclass(frozen=True)
class Definition:
    key: Any  # what identifies the indicator across organisations (a definition id)
    name: str
    unit: str
    precision: int = 0
    direction: str = "up"
    computed: str = ""


@dataclass(frozen=True)
class Latest:
    value: float
    date: dt.date


@dataclass
class PeerValue:
    label: str
    value: float


@dataclass
class Row:
    definition: Definition
    own: Latest | None
    peers: list[PeerValue] = field(default_factory=list)  # empty when under K_ANONYMITY
    peer_count: int = 0  # peers with a value (shown only when >= K_ANONYMITY)
    minimum: float | None = None
    median: float | None = None
    maximum: float | None = None

    @property
    def compared(self) -> bool:
        return bool(self.peers)


@dataclass
class Comparison:
    band: int | None
    band_label: str
    kind: str
    peer_total: int  # organisations in the peer group (with or without values)
    rows: list[Row]
    k: int = K_ANONYMITY


def compare_rows(viewer: int, definitions: Sequence[Definition],
                 latest: Mapping[tuple[int, Any], Latest], peer_ids: Iterable[int],
                 salt: str = "", k: int = K_ANONYMITY) -> list[Row]:
    """One row per definition: the viewer's latest value and, when at least `k` peers have
    one, the peers' values under anonymous labels with their minimum, median and maximum.

    `latest` maps (organisation id, definition key) to the latest value.
    """
    peers = [p for p in peer_ids if p != viewer]
    rows = []
    for definition in definitions:
        row = Row(definition=definition, own=latest.get((viewer, definition.key)))
        found = [(p, latest[(p, definition.key)]) for p in peers
                 if (p, definition.key) in latest]
        row.peer_count = len(found)
        if len(found) >= k:
            found.sort(key=lambda item: shuffle_key(salt, viewer, definition.key, item[0]))
            row.peers = [PeerValue(peer_label(i), item.value)
                         for i, (_p, item) in enumerate(found)]
            values = [item.value for _p, item in found]
            row.minimum, row.median, row.maximum = (min(values), statistics.median(values),
                                                    max(values))
        else:
            row.peer_count = 0  # do not even say how many: "fewer than k"
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# Reading the database
# --------------------------------------------------------------------------------------------

def peer_group(organisation: Any) -> Any:
    """The other organisations of the same operator, kind and population band."""
    from jalon.tenancy.models import Organisation

    band = population_band(organisation.population)
    if band is None:
        return Organisation.objects.none()
    low, high, _label = POPULATION_BANDS[band]
    peers = Organisation.objects.filter(operator_id=organisation.operator_id,
                                        kind=organisation.kind, population__gte=low)
    if high is not None:
        peers = peers.filter(population__lt=high)
    return peers.exclude(pk=organisation.pk)


def shared_definitions(organisation: Any) -> list[Any]:
    """Definitions that mean the same thing for every member: published by the operator, or
    built into Jalon and computed from the inventory."""
    from django.db.models import Q

    from jalon.strategy.models import IndicatorDefinition

    return list(IndicatorDefinition.objects.filter(
        Q(operator_id=organisation.operator_id, organisation__isnull=True, shared=True)
        | (Q(operator__isnull=True, organisation__isnull=True) & ~Q(computed=""))
    ).order_by("operator_id", "name", "pk"))


def comparison_key(definition: Any) -> Any:
    """What makes two definitions comparable: the same computation from the inventory (a
    built-in definition and an operator's copy of it compute the same thing), else the same
    definition row."""
    return f"computed:{definition.computed}" if definition.computed else definition.pk


def latest_values(organisation_ids: Sequence[int], keys_by_definition: Mapping[int, Any],
                  today: dt.date) -> dict[tuple[int, Any], Latest]:
    """Latest result (not an estimate, not in the future) per organisation and comparison
    key, over all their strategies."""
    from jalon.strategy.models import IndicatorValue, ValueKind

    values = (IndicatorValue.objects
              .filter(indicator__strategy__organisation_id__in=list(organisation_ids),
                      indicator__definition_id__in=list(keys_by_definition),
                      kind=ValueKind.RESULT, date__lte=today)
              .order_by("date", "id")
              .values_list("indicator__strategy__organisation_id",
                           "indicator__definition_id", "date", "value"))
    latest: dict[tuple[int, Any], Latest] = {}
    for organisation_id, definition_id, date, value in values:
        # Later ones win.
        latest[(organisation_id, keys_by_definition[definition_id])] = Latest(value, date)
    return latest


def compare(organisation: Any, salt: str, today: dt.date | None = None,
            k: int = K_ANONYMITY) -> Comparison:
    today = today or timezone.localdate()
    band = population_band(organisation.population)
    peer_ids = list(peer_group(organisation).values_list("pk", flat=True))
    keys_by_definition: dict[int, Any] = {}
    definitions: dict[Any, Definition] = {}
    for row in shared_definitions(organisation):
        key = comparison_key(row)
        keys_by_definition[row.pk] = key
        definitions.setdefault(key, Definition(key, row.name, row.unit, row.precision,
                                               row.direction, row.computed))
    latest = latest_values([organisation.pk, *peer_ids], keys_by_definition, today)
    rows = compare_rows(organisation.pk, sorted(definitions.values(), key=lambda d: d.name), latest,
                        peer_ids, salt, k)
    return Comparison(band=band, band_label=band_label(band), kind=organisation.kind,
                      peer_total=len(peer_ids), rows=rows, k=k)
