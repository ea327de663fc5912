"""Likely duplicates of a citizen report: reports nearby and with a similar text.

A pair is a likely duplicate when it is close on the ground (great-circle distance under
`NEAR_METRES`, or the same normalised address when coordinates are missing) or when its text
is very similar (cosine similarity of the triage features over `TEXT_ALONE`). The score mixes
both, so that "lampadaire éteint" 30 m away ranks above the same words across the town. The
list is a suggestion for a person, who marks the duplicate or not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from jalon.core.triage import RetrievalIndex, normalise

EARTH_RADIUS_M: Final = 6_371_008.8  # mean Earth radius (IUGG)
NEAR_METRES: Final = 150.0
TEXT_ALONE: Final = 0.6
TEXT_WITH_PLACE: Final = 0.15
MAX_RESULTS: Final = 5


@dataclass(frozen=True, slots=True)
class Candidate:
    key: int
    text: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    category: str = ""


@dataclass(frozen=True, slots=True)
class Likely:
    key: int
    score: float
    text_similarity: float
    distance_m: float | None
    same_address: bool


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def address_key(address: str) -> str:
    """'12, Rue des Lilas' and '12 rue des lilas' are the same place."""
    return re.sub(r"[^a-z0-9]+", " ", normalise(address)).strip()


def likely_duplicates(target: Candidate, others: Sequence[Candidate]) -> list[Likely]:
    others = [o for o in others if o.key != target.key]
    if not others:
        return []
    index = RetrievalIndex.build([target.text, *[o.text for o in others]])
    similarity = {m.position - 1: m.score
                  for m in index.search(target.text, k=len(others) + 1) if m.position > 0}
    out = []
    here = address_key(target.address)
    for position, other in enumerate(others):
        text = similarity.get(position, 0.0)
        distance = None
        if None not in (target.latitude, target.longitude, other.latitude, other.longitude):
            distance = distance_m(float(target.latitude), float(target.longitude),  # type: ignore[arg-type]
                                  float(other.latitude), float(other.longitude))  # type: ignore[arg-type]
        same_address = bool(here) and here == address_key(other.address)
        near = same_address or (distance is not None and distance <= NEAR_METRES)
        if not ((near and text >= TEXT_WITH_PLACE) or text >= TEXT_ALONE):
            continue
        closeness = 1.0 if same_address else (
            max(0.0, 1 - distance / (2 * NEAR_METRES)) if distance is not None else 0.0)
        bonus = 0.1 if target.category and target.category == other.category else 0.0
        score = round(min(1.0, 0.6 * text + 0.3 * closeness + bonus), 4)
        out.append(Likely(other.key, score, round(text, 4),
                          round(distance, 1) if distance is not None else None, same_address))
    out.sort(key=lambda item: (-item.score, item.key))
    return out[:MAX_RESULTS]
