"""What the budget domain publishes, declared in the publishing registry (BudgetConfig.ready):
a report section (the year's digital spending by axis and rating), an open dataset of the
green-budget figures by kind and axis (aggregates only: no supplier, no line), and the indicator
source of the AGEC purchase share.

The AGEC share (loi AGEC art. 58, décret n° 2024-134: a share of the annual amount excluding
VAT spent on a category of products; here IT and telephony, with the décret's target for the
year in the detail) is taken from the inventory when it has the
prices of every device bought that year (the inventory's source `reuse_spend_share`, read
through the registry: this domain never imports the inventory), else from these spending lines;
each value says in its detail which source was used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, cast

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from jalon.budget import selectors
from jalon.budget.services import TOPIC
from jalon.core import budget as core
from jalon.publishing import indicators
from jalon.publishing.indicators import yearly_value, years
from jalon.publishing.registry import (
    ComputedValue,
    Context,
    Dataset,
    DatasetGroup,
    Domain,
    IndicatorSource,
    ReportSection,
    Row,
    register,
)
from jalon.tenancy.models import Organisation

DOMAIN: Final = "budget"
AGEC_KEY: Final = "budget_reuse_purchase_share"
INVENTORY_KEY: Final = "reuse_spend_share"
SCHEMA: Final = Path(__file__).resolve().parent / "schemas" / "green_budget.schema.json"


def _lazy(text: Any) -> str:
    return cast(str, text)


def report_context(organisation: Organisation, year: int) -> Context | None:
    if not selectors.lines(organisation).filter(year=year).exists():
        return None
    return {"year": year, "summary": selectors.summary(organisation, year)}


def green_budget_rows(organisation: Organisation) -> Iterable[Row]:
    """Per year, kind and axis: amount TTC by rating, and whether the lines are in the annex."""
    for year in sorted(selectors.years(organisation)):
        rated = selectors.rated_lines(organisation, year)
        for in_annex in (True, False):
            for kind in core.KINDS:
                subset = [r for r in rated if r.kind == kind and r.in_annex == in_annex]
                if not subset:
                    continue
                table = core.by_axis(subset)
                for axis in core.AXES:
                    yield (year, kind, in_annex, core.AXIS_NUMBER[axis], axis,
                           *(float(table[axis][r]) for r in core.RATINGS))


def modified(organisation: Organisation) -> dt.datetime:
    latest = selectors.lines(organisation).aggregate(latest=Max("updated_at"))["latest"]
    return cast(dt.datetime, latest or organisation.created_at)


def has_lines(organisation: Organisation) -> bool:
    return selectors.lines(organisation).exists()


def _target_detail(target: core.AgecTarget | None) -> dict[str, Any]:
    """Which décret 2024-134 target applies, with its source and what is uncertain."""
    if target is None:
        return {"target_share": None}
    return {"target_share": target.share, "target_period": target.period,
            "target_basis": target.basis, "target_source": target.source,
            "target_checked_against": target.checked_against,
            "target_uncertainty": target.uncertainty}


def agec_purchase_share(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Per year: the inventory's priced purchases when complete, else the spending lines."""
    from_inventory = {v.year: v for v in indicators.compute(INVENTORY_KEY, organisation, today)
                      if not v.detail.get("units_without_price")}
    out = []
    for year in years(today):
        if year in from_inventory:
            value = from_inventory[year]
            out.append(yearly_value(year, value.value, {
                **value.detail, "source": "inventory",
                "source_label": "Inventaire (prix d'achat de chaque équipement)"}, today))
            continue
        shares = core.agec_shares(selectors.lines(organisation).filter(
            year=year, kind__in=core.EQUIPMENT_KINDS).values_list(
            "kind", "amount_ht", "amount_ttc", "label"))
        share = shares.get(core.AGEC_IT)
        if share is None:
            continue
        out.append(yearly_value(year, share.share, {
            "source": "budget", "source_label": "Dépenses numériques importées (montants HT)",
            "category": core.AGEC_IT,
            "reuse_ht_eur": float(share.reuse_ht), "equipment_ht_eur": float(share.equipment_ht),
            "lines_without_ht": share.lines_without_ht,
            **_target_detail(core.agec_target(core.AGEC_IT, year)),
            "other_categories": [
                {"category": category, "share": other.share,
                 "equipment_ht_eur": float(other.equipment_ht),
                 **_target_detail(core.agec_target(category, year))}
                for category, other in shares.items() if category != core.AGEC_IT]}, today))
    return out


def register_all() -> None:
    register(
        Domain(DOMAIN, _lazy(_("Budget vert du numérique")),
               _lazy(_("Les dépenses numériques notées sur les six axes de la taxonomie "
                       "européenne.")), order=70),
        DatasetGroup(
            "budget-vert-numerique", DOMAIN, "Budget vert du numérique",
            "Les dépenses numériques de la collectivité, par nature et par axe de la taxonomie "
            "européenne (règlement 2020/852), avec leur cotation (annexe « Impact du budget "
            "pour la transition écologique »).",
            keywords=("budget vert", "numérique", "taxonomie", "transition écologique"),
            order=70),
        Dataset(
            "budget-vert-numerique", "budget-vert-numerique",
            "Dépenses numériques par nature, axe et cotation",
            "Par exercice, nature de dépense et axe : montants TTC très favorables, favorables, "
            "neutres, défavorables et à approfondir ; dans l'annexe légale ou au-delà.",
            SCHEMA, green_budget_rows, modified, available=has_lines, order=70),
        ReportSection("budget", _lazy(_("Budget vert du numérique")),
                      "budget/report_section.html", report_context, domain=DOMAIN, order=70),
        IndicatorSource(
            AGEC_KEY, DOMAIN,
            _lazy(_("Part des achats informatiques issus du réemploi (AGEC)")), "%",
            agec_purchase_share, listens=(TOPIC, "inventory"),
            description=_lazy(_("Part du montant HT des achats de matériel informatique et "
                                "de téléphonie de l'année consacrée à du matériel "
                                "reconditionné ou réemployé (loi AGEC art. 58, décret "
                                "2024-134) : depuis l'inventaire quand chaque achat y a son "
                                "prix, sinon depuis les dépenses importées ; le détail dit "
                                "quelle source a servi et l'objectif du décret pour "
                                "l'année."))),
    )
