"""What the register publishes, declared in the publishing registry (AlgorithmsConfig.ready):
the register as open data (CSV + Table Schema in the DCAT catalogue), a section of the public
home, a section of the annual report, and the strategy's computed indicators.

Only systems past the idea stage are published, and no person's name (the oversight role,
not the person).
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

from jalon.algorithms import selectors
from jalon.algorithms.models import Stage
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

DOMAIN: Final = "algorithms"
TOPIC: Final = "algorithms"  # same as services.TOPIC (kept here to avoid an import cycle)
SCHEMA: Final = Path(__file__).resolve().parent / "data" / "register.schema.json"
COUNT_KEY: Final = "algorithms_registered"
EVALUATED_KEY: Final = "algorithms_evaluated_before_deployment_share"
BIAS_KEY: Final = "algorithms_recent_bias_measurement_share"
ENERGY_KEY: Final = "ai_energy_kwh_per_year"
GWP_KEY: Final = "ai_gwp_kg_per_year"


def _lazy(text: Any) -> str:
    return cast(str, text)


# --- Open data ---------------------------------------------------------------------------------

def register_rows(organisation: Organisation) -> Iterable[Row]:
    for s in selectors.public_systems(organisation):
        bias = selectors.latest_bias(s)
        yield (s.pk, s.name, s.purpose, s.decision, s.automation, s.is_ai, s.is_generative,
               s.data_used, s.data_sources, s.model_type, s.provider, s.hosting,
               s.open_source, s.source_url, s.oversight_role, s.contest, s.stage,
               s.in_service_on.isoformat() if s.in_service_on else "",
               s.retired_on.isoformat() if s.retired_on else "", s.category,
               selectors.evaluated_before_deployment(s),
               bias.created_at.date().isoformat() if bias else "",
               bias.result.get("demographic_parity_difference") if bias else "",
               " | ".join(x.name for x in s.services.all()))


def modified(organisation: Organisation) -> dt.datetime:
    latest = selectors.systems(organisation).aggregate(latest=Max("updated_at"))["latest"]
    return cast(dt.datetime, latest or organisation.created_at)


def has_public_systems(organisation: Organisation) -> bool:
    return selectors.public_systems(organisation).exists()


# --- Public home and report --------------------------------------------------------------------

def public_context(organisation: Organisation, request: HttpRequest) -> Context | None:
    rows = list(selectors.public_systems(organisation))
    return {"rows": rows, "slug": organisation.slug} if rows else None


def report_context(organisation: Organisation, year: int) -> Context | None:
    day = as_of(year, timezone.localdate())
    rows = selectors.deployed_on(organisation, day)
    if not rows:
        return None
    evaluated = sum(1 for s in rows if selectors.evaluated_before_deployment(s))
    return {"rows": rows, "as_of": day, "year": year, "evaluated": evaluated,
            "total": len(rows)}


# --- Indicators --------------------------------------------------------------------------------

def _per_year(organisation: Organisation, today: dt.date, value: Any) -> list[ComputedValue]:
    out = []
    for year in years(today):
        day = as_of(year, today)
        rows = selectors.deployed_on(organisation, day)
        computed = value(rows, day)
        if computed is None:
            continue
        number, detail = computed
        out.append(yearly_value(year, number, detail, today))
    return out


def registered(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Systems in the register created by the end of the year (any stage but retired)."""
    out = []
    for year in years(today):
        day = as_of(year, today)
        end = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        rows = selectors.systems(organisation).filter(created_at__lte=end).exclude(
            stage=Stage.RETIRED, retired_on__lte=day)
        count = rows.count()
        if count:
            out.append(yearly_value(year, float(count), {"registered": count}, today))
    return out


def evaluated_share(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    def value(rows: list[Any], day: dt.date) -> tuple[float, dict[str, Any]] | None:
        if not rows:
            return None
        done = sum(1 for s in rows if selectors.evaluated_before_deployment(s))
        return 100.0 * done / len(rows), {"deployed": len(rows), "evaluated": done}
    return _per_year(organisation, today, value)


def bias_share(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Among deployed systems that take or inform decisions (not « information »), the share
    with a bias measurement in the 12 months before the day."""
    def value(rows: list[Any], day: dt.date) -> tuple[float, dict[str, Any]] | None:
        deciding = [s for s in rows if s.automation != "information"]
        if not deciding:
            return None
        since = day - dt.timedelta(days=selectors.RECENT_BIAS_DAYS)
        recent = sum(1 for s in deciding if any(
            since <= r.created_at.date() <= day for r in s.bias_reports.all()))
        return 100.0 * recent / len(deciding), {"deciding": len(deciding), "recent": recent}
    return _per_year(organisation, today, value)


def _cost_total(key: str) -> Any:
    def compute(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
        def value(rows: list[Any], day: dt.date) -> tuple[float, dict[str, Any]] | None:
            costs = [s.cost.result for s in rows if getattr(s, "cost", None) is not None
                     and s.cost.result]
            if not costs:
                return None
            total = sum(c[key]["value"] for c in costs)
            return total, {"systems": len(costs),
                           "low": sum(c[key]["low"] for c in costs),
                           "high": sum(c[key]["high"] for c in costs)}
        return _per_year(organisation, today, value)
    return compute


def register_all() -> None:
    register(
        Domain(DOMAIN, _lazy(_("Registre des algorithmes")),
               _lazy(_("Les algorithmes et systèmes d'IA utilisés, leur contrôle humain et "
                       "comment contester une décision.")), order=50),
        DatasetGroup(
            "algorithmes", DOMAIN, "Algorithmes publics",
            "Le registre des algorithmes et systèmes d'intelligence artificielle de la "
            "collectivité (CRPA L312-1-3) : finalité, décision, données, contrôle humain, "
            "contestation, classification selon le règlement (UE) 2024/1689.",
            keywords=("algorithmes publics", "intelligence artificielle", "transparence",
                      "AI Act"), order=50),
        Dataset(
            "algorithms", "algorithmes", "Registre des algorithmes et systèmes d'IA",
            "Une ligne par algorithme ou système d'IA en évaluation, en expérimentation, en "
            "service ou retiré.", SCHEMA, register_rows, modified,
            available=has_public_systems, order=50),
        PublicSection("algorithms", DOMAIN, _lazy(_("Nos algorithmes et systèmes d'IA")),
                      "algorithms/public_section.html", public_context,
                      url_name="algorithms_public:register", order=50),
        ReportSection("algorithms", _lazy(_("Algorithmes et intelligence artificielle")),
                      "algorithms/report_section.html", report_context, domain=DOMAIN,
                      order=50),
        IndicatorSource(
            COUNT_KEY, DOMAIN, _lazy(_("Algorithmes et systèmes d'IA enregistrés")),
            "algorithmes", registered, listens=(TOPIC,),
            description=_lazy(_("Fiches du registre créées à la fin de l'année, hors "
                                "systèmes retirés."))),
        IndicatorSource(
            EVALUATED_KEY, DOMAIN,
            _lazy(_("Part des algorithmes évalués avant leur déploiement")), "%",
            evaluated_share, listens=(TOPIC,),
            description=_lazy(_("Parmi les systèmes en expérimentation ou en service, part "
                                "de ceux dont une décision « go » signée précède le "
                                "déploiement."))),
        IndicatorSource(
            BIAS_KEY, DOMAIN,
            _lazy(_("Part des algorithmes de décision avec une mesure des biais récente")),
            "%", bias_share, listens=(TOPIC,),
            description=_lazy(_("Parmi les systèmes déployés qui éclairent ou prennent des "
                                "décisions, part de ceux mesurés dans les 12 derniers mois."))),
        IndicatorSource(
            ENERGY_KEY, DOMAIN, _lazy(_("Énergie de l'IA par an")), "kWh",
            _cost_total("energy_kwh_per_year"), listens=(TOPIC,),
            description=_lazy(_("Somme des estimations des systèmes déployés (EcoLogits pour "
                                "l'IA générative par API, énergie × mix pour un modèle "
                                "hébergé)."))),
        IndicatorSource(
            GWP_KEY, DOMAIN, _lazy(_("Émissions de l'IA par an")), "kg CO2e",
            _cost_total("gwp_kg_per_year"), listens=(TOPIC,),
            description=_lazy(_("Somme des estimations des systèmes déployés ; une ligne à "
                                "part de l'empreinte du parc."))),
    )
