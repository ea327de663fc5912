"""The status of each indicator against its target, worded for people.

The one vocabulary of statuses (STATUS_LABELS) and the one target text (`target_text`): the
team pages, the API, the public page, the embeds, open data and the annual report use these.

`assess_indicator` feeds the indicator's values to `jalon.core.trajectory.assess` and words the
result in one French sentence (gettext). Used by the team pages, the API, and by the public
page, open data, annual report and peer comparison: keep the names and fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.core.trajectory import Assessment, Direction, Point, Status, Target, TargetKind, assess
from jalon.kit.formatting import THOUSANDS, fr_number
from jalon.strategy.models import Indicator, IndicatorDefinition, IndicatorValue, Strategy

if TYPE_CHECKING:
    from django.db.models import QuerySet

NO_TARGET = "no_target"  # reason code when the authority has not set the target yet
# Text and symbol of each status: never given by colour alone.
STATUS_LABELS = {
    Status.ACHIEVED: gettext_lazy("Atteint"),
    Status.ON_TRACK: gettext_lazy("En bonne voie"),
    Status.AT_RISK: gettext_lazy("À surveiller"),
    Status.OFF_TRACK: gettext_lazy("Hors trajectoire"),
    Status.NO_DATA: gettext_lazy("Pas de données"),
    Status.NO_TARGET: gettext_lazy("Sans cible"),
}
# CSS class of each status on the public page and the report (with its words, never alone).
STATUS_CLASSES = {Status.ACHIEVED: "status-ok", Status.ON_TRACK: "status-ok",
                  Status.AT_RISK: "status-warn", Status.OFF_TRACK: "status-bad",
                  Status.NO_DATA: "muted", Status.NO_TARGET: "muted"}
STATUS_SYMBOLS = {Status.ACHIEVED: "✓", Status.ON_TRACK: "↗", Status.AT_RISK: "!",
                  Status.OFF_TRACK: "✗", Status.NO_DATA: "–", Status.NO_TARGET: "○"}
# Order of the team view's sort by status: what needs attention first.
STATUS_ORDER = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.ACHIEVED: 3,
                Status.NO_TARGET: 4, Status.NO_DATA: 5}
KIND_LABELS = {
    TargetKind.LEVEL: gettext_lazy("Niveau à atteindre"),
    TargetKind.RATE: gettext_lazy("Évolution annuelle"),
    TargetKind.FLOOR: gettext_lazy("Plancher"),
    TargetKind.CEILING: gettext_lazy("Plafond"),
    TargetKind.MAX_DURATION: gettext_lazy("Durée maximale"),
}


@dataclass(frozen=True, slots=True)
class IndicatorStatus:
    indicator: Indicator
    definition: IndicatorDefinition
    assessment: Assessment
    values: list[IndicatorValue]
    explanation: str
    target_text: str = ""
    latest: IndicatorValue | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return self.assessment.status

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.assessment.status])

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS[self.assessment.status]

    @property
    def latest_text(self) -> str:
        return format_value(self.definition, self.latest.value if self.latest else None)

    @property
    def baseline_text(self) -> str:
        return baseline_text(self.indicator)


# --------------------------------------------------------------------------- wording


def _trim(text: str) -> str:
    """« 100,0 » → « 100 »: targets are round numbers, worded without useless decimals."""
    if "," in text and set(text.split(",")[1]) == {"0"}:
        return text.split(",")[0]
    return text


def format_value(definition: IndicatorDefinition, value: float | None,
                 trim: bool = False) -> str:
    """A value in the definition's unit and precision, French style: « 94,5 % », « 6,2 ans »
    (with trim, round values lose their decimals: « 100 % »)."""
    if value is None:
        return "–"
    text = fr_number(value, definition.precision)
    text = _trim(text) if trim else text
    unit = definition.unit.strip()
    if not unit:
        return text
    return f"{text}{THOUSANDS}{unit}" if unit.startswith(("%", "/")) else f"{text} {unit}"


def format_rate(rate: float) -> str:
    sign = "+" if rate >= 0 else "−"
    return f"{sign}{_trim(fr_number(abs(rate) * 100, 1))}{THOUSANDS}%/an"


def target_text(indicator: Indicator) -> str:
    """The target in words: « 100 % en 2027 », « +10 %/an », « ≥ 20 % », « ≤ 30 jours »."""
    if not indicator.target_defined:
        return _("à définir")
    definition = indicator.definition
    kind = TargetKind(indicator.target_kind)
    year = indicator.target_date.year if indicator.target_date else None
    if kind is TargetKind.RATE:
        text = format_rate(indicator.target_value)
        return _("%(rate)s jusqu'en %(year)s") % {"rate": text, "year": year} if year else text
    value = format_value(definition, indicator.target_value, trim=True)
    if kind is TargetKind.LEVEL:
        return _("%(value)s en %(year)s") % {"value": value, "year": year} if year else value
    sign = "≥" if kind is TargetKind.FLOOR else "≤"
    text = f"{sign} {value}"
    if year and kind in (TargetKind.FLOOR, TargetKind.CEILING):
        return _("%(bound)s à partir de %(year)s") % {"bound": text, "year": year}
    return text


def baseline_text(indicator: Indicator) -> str:
    if indicator.baseline_value is None:
        return "–"
    value = format_value(indicator.definition, indicator.baseline_value)
    if indicator.baseline_date:
        return _("%(value)s en %(year)s") % {"value": value, "year": indicator.baseline_date.year}
    return value


def explain(indicator: Indicator, assessment: Assessment) -> str:
    """One French sentence from the assessment's reason and figures."""
    definition = indicator.definition
    reason = assessment.reason
    latest = (format_value(definition, assessment.latest.value) if assessment.latest
              else None)
    if not indicator.target_defined:
        if latest:
            return _("Cible à définir ; dernière valeur : %(latest)s.") % {"latest": latest}
        return _("Cible à définir ; aucune valeur pour l'instant.")
    figures = {"latest": latest, "target": target_text(indicator),
               "projected": format_value(definition, assessment.projected),
               "year": _horizon_year(indicator, assessment),
               "rate": (format_rate(assessment.observed_rate)
                        if assessment.observed_rate is not None else "")}
    if reason == "no_data":
        if latest and TargetKind(indicator.target_kind) is TargetKind.RATE:
            return _("Une seule valeur (%(latest)s) : il en faut deux pour mesurer le rythme "
                     "annuel face à la cible de %(target)s.") % figures
        return _("Aucune valeur pour l'instant : la cible est %(target)s.") % figures
    sentences = {
        "reached": _("Dernière valeur : %(latest)s pour une cible de %(target)s — cible "
                     "atteinte."),
        "reached_late": _("Échéance passée : dernière valeur %(latest)s pour une cible de "
                          "%(target)s."),
        "projection_meets": _("Projection %(year)s : %(projected)s pour une cible de "
                              "%(target)s — en bonne voie."),
        "projection_close": _("Projection %(year)s : %(projected)s pour une cible de "
                              "%(target)s — à surveiller."),
        "projection_misses": _("Projection %(year)s : %(projected)s pour une cible de "
                               "%(target)s — la cible ne serait pas atteinte."),
        "rate_meets": _("Au rythme observé (%(rate)s), la cible de %(target)s est tenue."),
        "rate_close": _("Au rythme observé (%(rate)s), la cible de %(target)s est presque "
                        "tenue — à surveiller."),
        "rate_misses": _("Au rythme observé (%(rate)s), la cible de %(target)s ne serait pas "
                         "atteinte."),
        "bound_kept": _("Dernière valeur : %(latest)s, la limite %(target)s est respectée."),
        "bound_broken": _("Dernière valeur : %(latest)s, hors de la limite %(target)s, et la "
                          "tendance ne l'y ramène pas."),
        "bound_returning": _("Dernière valeur : %(latest)s, hors de la limite %(target)s, mais "
                             "la tendance l'y ramène."),
    }
    if reason == "projection_misses" and assessment.projected is None:
        return _("Dernière valeur : %(latest)s ; une seule valeur ne suffit pas à projeter vers "
                 "la cible de %(target)s.") % figures
    return sentences.get(reason, _("Dernière valeur : %(latest)s ; cible : %(target)s.")
                         ) % figures


def _horizon_year(indicator: Indicator, assessment: Assessment) -> str:
    if assessment.projection:
        return str(assessment.projection[-1].date.year)
    return str(indicator.target_date.year) if indicator.target_date else ""


# --------------------------------------------------------------------------- assessing


class TargetFields(Protocol):
    """What `target_of` reads: an Indicator, or a row of its values (operators.dashboard)."""

    @property
    def target_kind(self) -> str: ...
    @property
    def target_value(self) -> float: ...
    @property
    def target_date(self) -> dt.date | None: ...
    @property
    def baseline_date(self) -> dt.date | None: ...
    @property
    def baseline_value(self) -> float | None: ...


def target_of(indicator: TargetFields) -> Target:
    baseline = (Point(indicator.baseline_date, indicator.baseline_value)
                if indicator.baseline_date and indicator.baseline_value is not None else None)
    return Target(TargetKind(indicator.target_kind), indicator.target_value,
                  indicator.target_date, baseline)


def _values(indicator: Indicator) -> list[IndicatorValue]:
    cache = getattr(indicator, "_prefetched_objects_cache", {})
    if "values" in cache:
        return sorted(cache["values"], key=lambda v: (v.date, v.pk))
    return list(indicator.values.select_related("author", "source_import").order_by("date", "id"))


def assess_indicator(indicator: Indicator, today: dt.date | None = None) -> IndicatorStatus:
    """The indicator's status, with its values (oldest first) and the sentence explaining it."""
    today = today or timezone.localdate()
    values = _values(indicator)
    points = [Point(v.date, v.value) for v in values]
    if indicator.target_defined:
        assessment = assess(target_of(indicator), points,
                            Direction(indicator.definition.direction), today)
    else:
        latest = max(points, key=lambda p: p.date) if points else None
        # A value without a target is shown as such ("Sans cible"), not as missing data.
        assessment = Assessment(Status.NO_TARGET if latest else Status.NO_DATA, NO_TARGET,
                                latest)
    return IndicatorStatus(indicator=indicator, definition=indicator.definition,
                           assessment=assessment, values=values,
                           explanation=explain(indicator, assessment),
                           target_text=target_text(indicator),
                           latest=values[-1] if values else None)


def with_values(indicators: Iterable[Indicator]) -> list[Indicator]:
    rows = indicators if not hasattr(indicators, "prefetch_related") else (
        cast("QuerySet[Indicator]", indicators).select_related("definition", "objective")
        .prefetch_related("values"))
    return list(rows)


def strategy_statuses(strategy: Strategy, today: dt.date | None = None
                      ) -> list[IndicatorStatus]:
    """The status of every indicator of the strategy, in the strategy's order."""
    today = today or timezone.localdate()
    return [assess_indicator(i, today) for i in with_values(strategy.indicators.all())]
