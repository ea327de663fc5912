"""What the feedback domain publishes, declared in the publishing registry (FeedbackConfig.ready):
the monthly indicators per service and the services' buttons as open data, a section of the
public home, a section of the annual report, and two indicators for the strategy (share of
public services carrying a feedback button; users' satisfaction).

Never published: the comments and the individual answers (free text may hold personal data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, cast

from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon import events
from jalon.core import feedback_indicators as fi
from jalon.core.exports import date_cell, number_cell
from jalon.feedback import presentation, selectors
from jalon.feedback.services import TOPIC
from jalon.publishing.indicators import as_of, yearly_value, years
from jalon.publishing.registry import (
    ComputedValue,
    Context,
    Dataset,
    DatasetGroup,
    Domain,
    IndicatorSource,
    PublicSection,
    ReportSection,
    Row,
    register,
)
from jalon.tenancy.models import Organisation

DOMAIN: Final = "feedback"
SCHEMAS: Final = Path(__file__).resolve().parent / "schemas"
BUTTON_SHARE_KEY: Final = "feedback_button_share"
SATISFACTION_KEY: Final = "feedback_satisfaction"


def _lazy(text: Any) -> str:
    return cast(str, text)


def _window(today: dt.date | None = None) -> list[fi.Month]:
    """The twelve last complete months."""
    today = today or timezone.localdate()
    return fi.months_ending(today.replace(day=1) - dt.timedelta(days=1), 12)


def _round(value: float | None, decimals: int) -> object:
    return number_cell(None if value is None else round(value, decimals))


# --- Open data ---------------------------------------------------------------------------------

def monthly_rows(organisation: Organisation) -> Iterable[Row]:
    months = _window()
    start = dt.date(months[0][0], months[0][1], 1)
    end = months[-1]
    for form in selectors.forms(organisation).order_by("service__name", "id"):
        by_month = selectors.monthly_tallies(
            selectors.responses(organisation).filter(form=form), start)
        for month in months:
            t = by_month.get(month)
            if t is None or not t.responses or month > end:
                continue
            ind = fi.indicators(t)
            yield (f"{month[0]:04d}-{month[1]:02d}", form.service_id, form.service.name,
                   t.responses, _round(ind.satisfaction, 2), _round(ind.simplicity, 2),
                   _round(ind.help_reachable, 1), _round(ind.help_effective, 2),
                   _round(ind.autonomy, 1))


def button_rows(organisation: Organisation) -> Iterable[Row]:
    months = _window()
    since = dt.date(months[0][0], months[0][1], 1)
    for row in selectors.service_rows(organisation, since):
        if row.service.audience != "public":
            continue
        form = row.form
        has = bool(form and form.has_button)
        yield (row.service.pk, row.service.name, "true" if has else "false",
               date_cell(form.button_placed_on if form and has else None), row.responses)


def modified(organisation: Organisation) -> dt.datetime:
    latest = selectors.responses(organisation).aggregate(latest=Max("received_at"))["latest"]
    forms = selectors.forms(organisation).aggregate(latest=Max("updated_at"))["latest"]
    stamps = [s for s in (latest, forms) if s is not None]
    return max(stamps) if stamps else organisation.created_at


def has_forms(organisation: Organisation) -> bool:
    return selectors.forms(organisation).exists()


# --- Public home and results page --------------------------------------------------------------

def public_context(organisation: Organisation, request: HttpRequest | None) -> Context | None:
    if not has_forms(organisation):
        return None
    months = _window()
    start = dt.date(months[0][0], months[0][1], 1)
    rows = selectors.responses(organisation).filter(received_at__date__gte=start,
                                                    received_at__date__lte=timezone.localdate()
                                                    .replace(day=1) - dt.timedelta(days=1))
    overall = fi.indicators(selectors.tally(rows))
    services = []
    for row in selectors.service_rows(organisation, start):
        if row.form is None or not row.form.active or row.service.audience != "public":
            continue
        services.append({"name": row.service.name, "responses": row.responses,
                         "service_id": row.service.pk,
                         "values": [presentation.value_text(key, row.indicators.value(key)
                                                            if row.indicators else None)
                                    for key in fi.KEYS]})
    coverage = selectors.coverage(organisation)
    return {"cards": presentation.cards(overall), "services": services,
            "labels": [presentation.LABELS[key] for key in fi.KEYS],
            "first_month": presentation.month_label(months[0]),
            "last_month": presentation.month_label(months[-1]),
            "coverage": coverage,
            "coverage_text": presentation.value_text("autonomy", coverage.share)}


# --- Annual report -----------------------------------------------------------------------------

def report_context(organisation: Organisation, year: int) -> Context | None:
    today = timezone.localdate()
    if year > today.year or not has_forms(organisation):
        return None
    rows = selectors.responses(organisation).filter(received_at__year=year)
    t = selectors.tally(rows)
    if not t.responses:
        return None
    coverage = selectors.coverage(organisation, as_of(year, today))
    return {"year": year, "responses": t.responses,
            "cards": presentation.cards(fi.indicators(t)), "coverage": coverage,
            "coverage_text": presentation.value_text("autonomy", coverage.share),
            "modified": modified(organisation)}


# --- Indicators for the strategy ---------------------------------------------------------------

def button_share(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Per year of the last five: share (%) of the public services in service at the end of
    the year (today for the current year) whose feedback button was placed by then."""
    out = []
    for year in years(today):
        coverage = selectors.coverage(organisation, as_of(year, today))
        if coverage.share is None:
            continue
        out.append(yearly_value(year, coverage.share, {
            "public_services": coverage.services, "with_button": coverage.with_button,
            "without_button": coverage.missing[:50]}, today))
    return out


def satisfaction(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Per year of the last five: users' satisfaction (/10) over the year's answers, every
    service together (the observatory's definition, jalon.core.feedback_indicators)."""
    out = []
    for year in years(today):
        t = selectors.tally(selectors.responses(organisation).filter(received_at__year=year))
        value = fi.indicators(t).satisfaction
        if value is None:
            continue
        out.append(yearly_value(year, round(value, 2), {
            "answers": sum(t.satisfaction.values()), "responses": t.responses}, today))
    return out


def register_all() -> None:
    register(
        Domain(DOMAIN, _lazy(_("Avis des usagers")),
               _lazy(_("Les formulaires « Je donne mon avis » des services et leurs "
                       "indicateurs ; les commentaires ne sont jamais publiés.")), order=40),
        DatasetGroup(
            "avis", DOMAIN, "Avis des usagers sur les services numériques",
            "Ce que les usagers disent des services numériques de la collectivité : les cinq "
            "indicateurs de l'observatoire de l'État par service et par mois, et les services "
            "qui portent un bouton « Je donne mon avis ».",
            keywords=("avis des usagers", "satisfaction", "je donne mon avis",
                      "services numériques"),
            frequency="http://publications.europa.eu/resource/authority/frequency/MONTHLY",
            order=40),
        Dataset("feedback-monthly", "avis", "Indicateurs d'avis par service et par mois",
                "Une ligne par service et par mois des douze derniers mois complets : nombre "
                "d'avis, satisfaction, simplicité du langage, aide joignable, aide efficace, "
                "autonomie.", SCHEMAS / "feedback-monthly.schema.json", monthly_rows,
                modified, available=has_forms, order=40),
        Dataset("feedback-buttons", "avis", "Boutons « Je donne mon avis » des services",
                "Une ligne par service ouvert au public : bouton d'avis en place ou non, date "
                "de mise en ligne, nombre d'avis sur douze mois.",
                SCHEMAS / "feedback-buttons.schema.json", button_rows, modified,
                available=has_forms, order=41),
        PublicSection("feedback", DOMAIN, _lazy(_("Avis des usagers")),
                      "feedback/public_section.html", public_context,
                      url_name="feedback_public:results", order=40),
        ReportSection("feedback", _lazy(_("Avis des usagers")), "feedback/report_section.html",
                      report_context, domain=DOMAIN, order=40),
        IndicatorSource(
            BUTTON_SHARE_KEY, DOMAIN,
            _lazy(_("Part des services numériques publics équipés d'un bouton d'avis")), "%",
            button_share, listens=(TOPIC, events.CATALOGUE),
            description=_lazy(_("Services ouverts au public et en service en fin d'année dont "
                                "le formulaire d'avis est ouvert et le bouton placé sur le "
                                "service à cette date."))),
        IndicatorSource(
            SATISFACTION_KEY, DOMAIN, _lazy(_("Satisfaction des usagers (sur 10)")), "/10",
            satisfaction, listens=(TOPIC,),
            description=_lazy(_("Moyenne sur l'année des réponses à « De façon générale, "
                                "comment ça s'est passé ? », notées de 0 à 10 (définition de "
                                "l'observatoire « Je donne mon avis »)."))),
    )
