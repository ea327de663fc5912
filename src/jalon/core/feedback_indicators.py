"""The five indicators of the State's observatory of online procedures, computed from users'
answers to the feedback questionnaire ("Je donne mon avis", DINUM).

Definitions, as the observatory computes them (DISIC/jedonnemonavis.numerique.gouv.fr,
`webapp-backoffice/src/server/routers/answer/get-observatoire-stats.ts`, and the explanations
shown beside each figure in
`webapp-backoffice/src/components/dashboard/Stats/ObservatoireStats.tsx`):

- **Satisfaction (/10)**: the mean of the answers to "De façon générale, comment ça s'est
  passé ?", each answer given a mark out of 10. The State's smiley has three levels (good 10,
  medium 5, bad 0); ours has five, marked on the same linear scale as its clarity and help
  questions: 10, 7.5, 5, 2.5, 0.
- **Simplicité du langage (/10)**: the mean of the answers to "Qu'avez-vous pensé des
  informations et des instructions fournies ?" (1 to 5), marked 0, 2.5, 5, 7.5, 10.
- **Aide joignable (%)**: among the answers to "Quand vous avez cherché de l'aide, avez-vous
  réussi à joindre l'administration ?", the share of "Oui".
- **Aide efficace (/10)**: the mean of the answers to "Comment évaluez-vous la qualité de l'aide
  que vous avez obtenue de la part de l'administration ?" (five levels from "Très mauvaise" to
  "Excellente"), marked 0, 2.5, 5, 7.5, 10.
- **Niveau d'autonomie (%)**: among the respondents who answered "Durant votre parcours,
  avez-vous tenté d'obtenir de l'aide… ?", the share who answered "Je n'ai pas eu besoin
  d'aide".

An indicator without any answer behind it is None (shown as "no data", never as 0, where the
observatory shows 0). The observatory's reading grid is kept: below 5/10 "pas bien", below 8
"moyen", else "bien"; for reachable help below 70 % "faible", below 85 % "moyen", else
"optimal". The month-on-month change is the difference, in points, between a month's value and
the previous month's.

Answers are coded 1 (worst) to 5 (best) for the three five-level questions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

LEVELS: Final = (1, 2, 3, 4, 5)
KEYS: Final = ("satisfaction", "simplicity", "help_reachable", "help_effective", "autonomy")
UNITS: Final = {"satisfaction": "/10", "simplicity": "/10", "help_reachable": "%",
                "help_effective": "/10", "autonomy": "%"}

Assessment = Literal["good", "medium", "bad"]


def mark(level: int) -> float:
    """The mark out of 10 of a five-level answer (1 worst → 0, 5 best → 10)."""
    if level not in LEVELS:
        raise ValueError(f"answer level out of 1..5: {level!r}")
    return (level - 1) * 2.5


@dataclass(slots=True)
class Tally:
    """Counts of answers over a set of responses (a month, a service, an organisation)."""

    responses: int = 0
    satisfaction: Counter[int] = field(default_factory=Counter)
    comprehension: Counter[int] = field(default_factory=Counter)
    help_answered: int = 0  # respondents who answered the "help used" question
    no_help_needed: int = 0  # … and ticked "I did not need help"
    reached_yes: int = 0
    reached_no: int = 0
    help_quality: Counter[int] = field(default_factory=Counter)

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.responses + other.responses, self.satisfaction + other.satisfaction,
                     self.comprehension + other.comprehension,
                     self.help_answered + other.help_answered,
                     self.no_help_needed + other.no_help_needed,
                     self.reached_yes + other.reached_yes, self.reached_no + other.reached_no,
                     self.help_quality + other.help_quality)


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """Identical answers to the five indicator questions and how many responses gave them
    (a grouped query's row). None: the question was not answered (or not asked)."""

    satisfaction: int | None
    comprehension: int | None
    no_help: bool | None
    reached: bool | None
    help_quality: int | None
    count: int = 1


def tally(rows: Iterable[AnswerRow]) -> Tally:
    out = Tally()
    for row in rows:
        n = row.count
        out.responses += n
        if row.satisfaction is not None:
            out.satisfaction[row.satisfaction] += n
        if row.comprehension is not None:
            out.comprehension[row.comprehension] += n
        if row.no_help is not None:
            out.help_answered += n
            out.no_help_needed += n if row.no_help else 0
        if row.reached is True:
            out.reached_yes += n
        elif row.reached is False:
            out.reached_no += n
        if row.help_quality is not None:
            out.help_quality[row.help_quality] += n
    return out


def _mean_mark(counts: Counter[int]) -> float | None:
    total = sum(counts.values())
    if not total:
        return None
    return sum(mark(level) * n for level, n in counts.items()) / total


def _share(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Indicators:
    """The five indicators (None: no answer) and the number of answers behind each."""

    satisfaction: float | None
    simplicity: float | None
    help_reachable: float | None
    help_effective: float | None
    autonomy: float | None
    counts: Mapping[str, int]
    responses: int

    def value(self, key: str) -> float | None:
        if key not in KEYS:
            raise KeyError(key)
        result: float | None = getattr(self, key)
        return result


def indicators(t: Tally) -> Indicators:
    reached = t.reached_yes + t.reached_no
    return Indicators(
        satisfaction=_mean_mark(t.satisfaction),
        simplicity=_mean_mark(t.comprehension),
        help_reachable=_share(t.reached_yes, reached),
        help_effective=_mean_mark(t.help_quality),
        autonomy=_share(t.no_help_needed, t.help_answered),
        counts={"satisfaction": sum(t.satisfaction.values()),
                "simplicity": sum(t.comprehension.values()),
                "help_reachable": reached,
                "help_effective": sum(t.help_quality.values()),
                "autonomy": t.help_answered},
        responses=t.responses)


def change(current: float | None, previous: float | None) -> float | None:
    """Month-on-month change in points (/10 or %), None when either month has no value."""
    if current is None or previous is None:
        return None
    return current - previous


def assessment(key: str, value: float | None) -> Assessment | None:
    """The observatory's reading of a value (none for autonomy, which it does not grade)."""
    if value is None or key == "autonomy":
        return None
    if key == "help_reachable":
        return "bad" if value < 70 else "medium" if value < 85 else "good"
    if key not in KEYS:
        raise KeyError(key)
    return "bad" if value < 5 else "medium" if value < 8 else "good"


Month = tuple[int, int]  # (year, month)


def months_ending(last: dt.date, count: int) -> list[Month]:
    """The `count` calendar months ending with `last`'s month, oldest first."""
    year, month = last.year, last.month
    out: list[Month] = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


@dataclass(frozen=True, slots=True)
class MonthPoint:
    month: Month
    indicators: Indicators
    changes: Mapping[str, float | None]  # vs the previous month


def series(by_month: Mapping[Month, Tally], months: Sequence[Month],
           before: Tally | None = None) -> list[MonthPoint]:
    """Indicators month by month over `months` with each month's change; `before` is the
    month preceding the first one (for its change), when known."""
    out: list[MonthPoint] = []
    previous = indicators(before) if before is not None else None
    for month in months:
        current = indicators(by_month.get(month, Tally()))
        changes = {key: change(current.value(key),
                               previous.value(key) if previous is not None else None)
                   for key in KEYS}
        out.append(MonthPoint(month, current, changes))
        previous = current
    return out


def total(tallies: Iterable[Tally]) -> Tally:
    out = Tally()
    for t in tallies:
        out = out + t
    return out
