"""The indicators as pages show them: labels, units, formatted values and changes, the
observatory's reading, the trend charts with their tables."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any, Final

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.core import feedback_indicators as fi
from jalon.feedback.charts import trend_chart
from jalon.kit.formatting import THOUSANDS, fr_number

LABELS: Final = {
    "satisfaction": gettext_lazy("Satisfaction"),
    "simplicity": gettext_lazy("Simplicité du langage"),
    "help_reachable": gettext_lazy("Aide joignable"),
    "help_effective": gettext_lazy("Aide efficace"),
    "autonomy": gettext_lazy("Autonomie"),
}
DEFINITIONS: Final = {
    "satisfaction": gettext_lazy(
        "Moyenne des réponses à « De façon générale, comment ça s'est passé ? », notées de 0 "
        "(très mal) à 10 (très bien)."),
    "simplicity": gettext_lazy(
        "Moyenne des réponses à « Qu'avez-vous pensé des informations et des instructions "
        "fournies ? », de 1 à 5, notées de 0 à 10."),
    "help_reachable": gettext_lazy(
        "Part des réponses « Oui » à « Quand vous avez cherché de l'aide, avez-vous réussi à "
        "joindre l'administration ? »."),
    "help_effective": gettext_lazy(
        "Moyenne des réponses à « Comment évaluez-vous la qualité de l'aide obtenue ? », "
        "notées de 0 (très mauvaise) à 10 (excellente)."),
    "autonomy": gettext_lazy(
        "Part des personnes ayant répondu à la question sur l'aide qui n'en ont pas eu "
        "besoin."),
}
ASSESSMENTS: Final = {"good": gettext_lazy("bien"), "medium": gettext_lazy("moyen"),
                      "bad": gettext_lazy("pas bien")}
REACHABLE_ASSESSMENTS: Final = {"good": gettext_lazy("optimal"),
                                "medium": gettext_lazy("moyen"),
                                "bad": gettext_lazy("faible")}


def value_text(key: str, value: float | None) -> str:
    if value is None:
        return _("pas de réponse")
    if fi.UNITS[key] == "%":
        return fr_number(value, 0) + THOUSANDS + "%"
    return fr_number(value, 1) + THOUSANDS + "/" + THOUSANDS + "10"


def change_text(key: str, delta: float | None) -> str:
    if delta is None:
        return "–"
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    unit = _("pts") if fi.UNITS[key] == "%" else ""
    decimals = 0 if fi.UNITS[key] == "%" else 1
    text = sign + fr_number(abs(delta), decimals)
    return f"{text}{THOUSANDS}{unit}" if unit else text


def assessment_text(key: str, value: float | None) -> str:
    grade = fi.assessment(key, value)
    if grade is None:
        return ""
    return str((REACHABLE_ASSESSMENTS if key == "help_reachable" else ASSESSMENTS)[grade])


def month_label(month: fi.Month) -> str:
    return formats.date_format(dt.date(month[0], month[1], 1), "M Y")


def cards(indicators: fi.Indicators, changes: dict[str, float | None] | None = None
          ) -> list[dict[str, Any]]:
    """One card per indicator: label, value, change from last month, reading, answers."""
    out = []
    for key in fi.KEYS:
        value = indicators.value(key)
        out.append({"key": key, "label": LABELS[key], "value": value_text(key, value),
                    "change": change_text(key, (changes or {}).get(key)),
                    "assessment": assessment_text(key, value),
                    "count": indicators.counts[key], "definition": DEFINITIONS[key]})
    return out


GROUPS: Final = (("marks", ("satisfaction", "simplicity", "help_effective"), 10.0),
                 ("shares", ("help_reachable", "autonomy"), 100.0))


def trend_context(points: list[fi.MonthPoint], prefix: str) -> dict[str, Any]:
    """Two charts (the marks out of 10, the shares in %) and the month-by-month table."""
    labels = [month_label(p.month) for p in points]
    charts = []
    for group, keys, top in GROUPS:
        unit_key = keys[0]
        names = ", ".join(str(LABELS[key]) for key in keys)
        charts.append({"key": group, "svg": trend_chart(
            f"{prefix}-{group}", labels,
            [(str(LABELS[key]), [p.indicators.value(key) for p in points]) for key in keys],
            top=top,
            title=(_("Notes sur 10, mois par mois : %(names)s") if top == 10.0
                   else _("Parts en %%, mois par mois : %(names)s")) % {"names": names},
            desc=_("Valeur mensuelle sur douze mois ; un mois sans réponse interrompt la "
                   "ligne. Les valeurs sont dans le tableau qui suit."),
            fmt=partial(value_text, unit_key))})
    rows = [{"month": label, "responses": p.indicators.responses,
             "cells": [{"value": value_text(key, p.indicators.value(key)),
                        "change": change_text(key, p.changes[key])} for key in fi.KEYS]}
            for label, p in zip(labels, points, strict=True)]
    return {"charts": charts, "trend_rows": rows,
            "indicator_labels": [LABELS[key] for key in fi.KEYS]}
