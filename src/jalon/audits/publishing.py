"""What the audits domain publishes, declared in the publishing registry (AuditsConfig.ready):
the `audits` Domain, the per-service audit results as open data (Table Schema
`schemas/audits.schema.json`), a section of the public home listing the published
declarations with the homepage mention, a section of the annual report, and five computed
indicators for the strategy.

Indicators, per year of the last five, over the public services in service at the end of the
year (today for the current year) that have an address (catalogue.selectors.in_service_on):
- share audited for accessibility: with an RGAA grid created by then;
- share with a current accessibility declaration: a declaration published, established by
  then, valid on that day (3 years, no substantial change before that day);
- average RGAA compliance rate: mean rate of the latest declaration established by then;
- share audited for eco-design: with a successful page audit (EcoIndex and RGESN checks) or
  an RGESN grid in the three years before that day;
- average EcoIndex: mean over services of the mean score of their pages' latest successful
  audit measured by then.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon import events
from jalon.audits import selectors
from jalon.audits.models import Declaration, DeclarationKind, PageAudit, RgaaGrid, RgesnGrid
from jalon.audits.services import TOPIC
from jalon.catalogue import selectors as catalogue
from jalon.catalogue.models import Audience, DigitalService
from jalon.core import audits as rules
from jalon.publishing import indicators
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
    TrackedTarget,
    indicator_source,
    register,
)
from jalon.tenancy.models import Organisation

DOMAIN: Final = "audits"
SCHEMA: Final = Path(__file__).resolve().parent / "schemas" / "audits.schema.json"
ACCESSIBILITY_AUDITED: Final = "services_accessibility_audited_share"
DECLARED: Final = "services_accessibility_declared_share"
RGAA_RATE: Final = "services_rgaa_rate_average"
ECODESIGN_AUDITED: Final = "services_ecodesign_audited_share"
ECOINDEX: Final = "services_ecoindex_average"
ECODESIGN_WINDOW_DAYS: Final = 3 * 365


def _lazy(text: Any) -> str:
    return cast(str, text)


# --- Open data ---------------------------------------------------------------------------------

def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def audit_rows(organisation: Organisation) -> Iterable[Row]:
    for r in selectors.portfolio(organisation):
        if r.service.audience != Audience.PUBLIC:
            continue
        yield (r.service.pk, r.service.name, r.service.url,
               timezone.localdate(r.last_audit).isoformat() if r.last_audit else "",
               r.pages - r.failed_pages, _number(r.ecoindex), r.grade,
               "" if r.axe_violations is None else r.axe_violations, _number(r.rgaa_rate),
               r.rgaa_declaration, _number(r.rgesn_score), r.rgesn_declaration)


def modified(organisation: Organisation) -> dt.datetime:
    latest = PageAudit.objects.filter(organisation=organisation).aggregate(
        latest=Max("measured_at"))["latest"]
    return cast(dt.datetime, latest or organisation.created_at)


def has_audits(organisation: Organisation) -> bool:
    return PageAudit.objects.filter(organisation=organisation).exists()


# --- Public home and report --------------------------------------------------------------------

def public_context(organisation: Organisation, request: HttpRequest) -> Context | None:
    rows = []
    for declaration in selectors.public_declarations(organisation):
        status = selectors.declaration_status(declaration)
        rows.append({"d": declaration, "status": status,
                     "mention": rules.homepage_mention(declaration.state, status)})
    return {"rows": rows} if rows else None


def report_context(organisation: Organisation, year: int) -> Context | None:
    values = {key: {v.year: v.value for v in formula(organisation, timezone.localdate())}
              for key, formula in FORMULAS.items()}
    if not any(year in v for v in values.values()):
        return None
    return {"year": year, **{key: v.get(year) for key, v in values.items()}}


# --- Indicators --------------------------------------------------------------------------------

def _population(organisation: Organisation, day: dt.date) -> list[DigitalService]:
    return list(catalogue.in_service_on(organisation, day).filter(audience=Audience.PUBLIC)
                .exclude(url=""))


def _share(organisation: Organisation, today: dt.date,
           counts: Any) -> list[ComputedValue]:
    out = []
    for year in years(today):
        day = as_of(year, today)
        population = _population(organisation, day)
        if not population:
            continue
        ids = {s.pk for s in population}
        counted = counts(ids, day) & ids
        out.append(yearly_value(year, 100.0 * len(counted) / len(ids),
                                {"services": len(ids), "counted": len(counted)}, today))
    return out


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def accessibility_audited(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    return _share(organisation, today, lambda ids, day: set(
        RgaaGrid.objects.filter(service_id__in=ids, created_at__lte=_end_of(day))
        .values_list("service_id", flat=True)))


def declared(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    def current(ids: set[int], day: dt.date) -> set[int]:
        found = set()
        for d in Declaration.objects.filter(service_id__in=ids, kind=DeclarationKind.RGAA,
                                            published=True, established_on__lte=day):
            if rules.declaration_status(d.established_on, day,
                                        d.substantial_change_on) == rules.CURRENT:
                found.add(d.service_id)
        return found
    return _share(organisation, today, current)


def ecodesign_audited(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    def audited(ids: set[int], day: dt.date) -> set[int]:
        since = _end_of(day) - dt.timedelta(days=ECODESIGN_WINDOW_DAYS)
        pages = set(PageAudit.objects.filter(
            service_id__in=ids, status="ok", measured_at__lte=_end_of(day),
            measured_at__gte=since).values_list("service_id", flat=True))
        grids = set(RgesnGrid.objects.filter(service_id__in=ids, created_at__lte=_end_of(day))
                    .values_list("service_id", flat=True))
        return pages | grids
    return _share(organisation, today, audited)


def rgaa_rate_average(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    out = []
    for year in years(today):
        day = as_of(year, today)
        ids = {s.pk for s in _population(organisation, day)}
        latest: dict[int, float] = {}
        for d in (Declaration.objects.filter(service_id__in=ids, kind=DeclarationKind.RGAA,
                                             established_on__lte=day, rate__isnull=False)
                  .order_by("service_id", "-established_on", "-version")):
            latest.setdefault(d.service_id, d.rate or 0.0)
        if latest:
            out.append(yearly_value(year, statistics.mean(latest.values()),
                                    {"services": len(latest)}, today))
    return out


def ecoindex_average(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    out = []
    for year in years(today):
        day = as_of(year, today)
        ids = {s.pk for s in _population(organisation, day)}
        per_page: dict[tuple[int, str], float] = {}
        for a in (PageAudit.objects.filter(service_id__in=ids, status="ok",
                                           measured_at__lte=_end_of(day),
                                           ecoindex__isnull=False)
                  .order_by("-measured_at", "-id").values_list("service_id", "url",
                                                               "ecoindex")):
            per_page.setdefault((a[0], a[1]), float(a[2] or 0))
        by_service: dict[int, list[float]] = {}
        for (service_id, _url), score in per_page.items():
            by_service.setdefault(service_id, []).append(score)
        if by_service:
            means = [statistics.mean(v) for v in by_service.values()]
            out.append(yearly_value(year, statistics.mean(means),
                                    {"services": len(means), "pages": len(per_page)}, today))
    return out


FORMULAS: Final = {ACCESSIBILITY_AUDITED: accessibility_audited, DECLARED: declared,
                   RGAA_RATE: rgaa_rate_average, ECODESIGN_AUDITED: ecodesign_audited,
                   ECOINDEX: ecoindex_average}


INDICATORS: Final = (ACCESSIBILITY_AUDITED, DECLARED, RGAA_RATE, ECODESIGN_AUDITED, ECOINDEX)


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One of the five indicators: its value computed now, and the targets the strategy set
    on it (read through the publishing spine: the audits never import the strategy)."""

    key: str
    label: str
    unit: str
    value: float | None
    detail: dict[str, Any]
    targets: list[TrackedTarget]


def strategy_targets(organisation: Organisation, today: dt.date | None = None
                     ) -> list[TargetRow]:
    today = today or timezone.localdate()
    followed: dict[str, list[TrackedTarget]] = {}
    for target in indicators.targets(organisation, INDICATORS):
        followed.setdefault(target.source, []).append(target)
    rows = []
    for key in INDICATORS:
        source = indicator_source(key)
        values = [v for v in indicators.compute(key, organisation, today) if v.year == today.year]
        rows.append(TargetRow(key, str(source.label) if source else key,
                              source.unit if source else "",
                              values[-1].value if values else None,
                              values[-1].detail if values else {}, followed.get(key, [])))
    return rows


def register_all() -> None:
    listens = (TOPIC, events.CATALOGUE)
    register(
        Domain(DOMAIN, _lazy(_("Audits et déclarations des services")),
               _lazy(_("Les déclarations d'accessibilité et d'écoconception publiées, et les "
                       "résultats des audits des services numériques.")), order=40),
        DatasetGroup(
            "audits", DOMAIN, "Audits des services numériques",
            "EcoIndex, accessibilité (RGAA 4.1.2) et écoconception (RGESN 2024) des services "
            "numériques de la collectivité, avec l'état de leurs déclarations.",
            keywords=("accessibilité", "RGAA", "écoconception", "RGESN", "EcoIndex"),
            order=40),
        Dataset("audits", "audits", "Audits des services numériques",
                "Une ligne par service numérique public en service ayant une adresse : "
                "EcoIndex moyen, règles axe-core en échec, taux RGAA, score RGESN, état des "
                "déclarations.", SCHEMA, audit_rows, modified, available=has_audits, order=40),
        PublicSection("audits", DOMAIN, _lazy(_("Accessibilité et écoconception")),
                      "audits/public_section.html", public_context,
                      url_name="audits_public:index", order=40),
        ReportSection("audits", _lazy(_("Accessibilité et écoconception des services")),
                      "audits/report_section.html", report_context, domain=DOMAIN, order=40),
        IndicatorSource(
            ACCESSIBILITY_AUDITED, DOMAIN,
            _lazy(_("Part des services numériques publics audités pour l'accessibilité")), "%",
            accessibility_audited, listens=listens,
            description=_lazy(_("Services publics en service ayant une grille d'audit RGAA."))),
        IndicatorSource(
            DECLARED, DOMAIN,
            _lazy(_("Part des services numériques publics ayant une déclaration "
                    "d'accessibilité en cours de validité")), "%", declared, listens=listens,
            description=_lazy(_("Déclaration publiée, de moins de trois ans, sans "
                                "modification substantielle depuis."))),
        IndicatorSource(
            RGAA_RATE, DOMAIN, _lazy(_("Taux moyen de conformité RGAA des services")), "%",
            rgaa_rate_average, listens=listens,
            description=_lazy(_("Moyenne des taux de la dernière déclaration d'accessibilité "
                                "de chaque service."))),
        IndicatorSource(
            ECODESIGN_AUDITED, DOMAIN,
            _lazy(_("Part des services numériques publics audités pour l'écoconception")),
            "%", ecodesign_audited, listens=listens,
            description=_lazy(_("Audit EcoIndex et RGESN de moins de trois ans, ou grille "
                                "RGESN."))),
        IndicatorSource(
            ECOINDEX, DOMAIN, _lazy(_("EcoIndex moyen des services numériques publics")),
            "/100", ecoindex_average, listens=listens,
            description=_lazy(_("Moyenne par service de l'EcoIndex du dernier audit de "
                                "chaque page."))),
    )
