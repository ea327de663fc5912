"""A published strategy (strategy models directly; organisation, people and assets from the
factories), shared by the publishing tests.

No test here: test_opendata*.py, test_report*.py and test_public_strategy*.py import it.
"""

from __future__ import annotations

import datetime as dt

from tests import factories
from tests.factories import (
    BareAssetFactory,
    OperatorFactory,
    OrganisationFactory,
    PublicationFactory,
)

from jalon.strategy.models import (
    Action,
    Axis,
    Indicator,
    IndicatorDefinition,
    IndicatorValue,
    Objective,
    Strategy,
)
from jalon.tenancy.models import Organisation, Role

AUTHOR = "Zéphyrine Auteurdesvaleurs"  # a member who enters values: never published
DEVICE_USER = "Octave Utilisateurdupc"  # a device's user in the inventory: never published


def member(org: Organisation, username: str, role: Role = Role.VIEWER, **names: str):
    return factories.member(org, role, username=username, **names)


def publish(org: Organisation, domain: str, published: bool = True) -> None:
    """Set-up: what the organisation publishes (tenancy.Publication)."""
    publication = PublicationFactory(organisation=org, domain=domain, published=published)
    if publication.published != published:  # the row was there: switch it
        publication.published = published
        publication.save()


def build(public: bool = True, slug: str = "lisiere", public_footprint: bool = True) -> dict:
    operator = OperatorFactory(name="GIP", slug="gip")
    org = OrganisationFactory(operator=operator, name=f"Commune {slug}", slug=slug,
                              kind="commune", siren="213300015", insee_code="33063")
    publish(org, "footprint", public_footprint)
    first, last = AUTHOR.split()
    author = member(org, f"auteur-{slug}", Role.EDITOR, first_name=first, last_name=last)
    strategy = Strategy.objects.create(
        organisation=org, title="Stratégie NR 2024-2027", period_start=2024, period_end=2027,
        adopted_on=dt.date(2024, 3, 1), deliberation="DEL-2024-12")
    publish(org, "strategy", public)
    axis = Axis.objects.create(strategy=strategy, position=1, title="Sobriété du parc")
    axis2 = Axis.objects.create(strategy=strategy, position=2, title="Inclusion")
    objective = Objective.objects.create(axis=axis, position=1,
                                         title="Allonger la durée de vie")
    sub = Objective.objects.create(axis=axis, parent=objective, position=1,
                                   title="Réparer avant de remplacer")
    objective2 = Objective.objects.create(axis=axis2, position=1, title="Former les agents")
    Action.objects.create(objective=objective, position=1, title="=HYPERLINK(\"x\")",
                          status="in_progress", owner="DSI", start_date=dt.date(2024, 1, 1),
                          end_date=dt.date(2026, 12, 31), budget_eur=12000)
    Action.objects.create(objective=sub, position=1, title="Contrat de réparation",
                          status="done", owner="Achats")
    Action.objects.create(objective=objective2, position=1, title="Sensibiliser",
                          status="planned")
    lifespan = IndicatorDefinition.objects.create(
        key="duree-vie", name="Durée de vie des postes", unit="ans", precision=1,
        direction="up", source="Inventaire GLPI", method="Moyenne pondérée")
    reuse = IndicatorDefinition.objects.create(
        key="reemploi", name="Part du réemploi", unit="%", direction="up")
    delay = IndicatorDefinition.objects.create(
        key="delai-rgpd", name="Délai de réponse RGPD", unit="jours", direction="down")
    level = Indicator.objects.create(
        strategy=strategy, objective=objective, definition=lifespan, position=1,
        target_kind="level", target_value=7, target_date=dt.date(2027, 12, 31),
        baseline_date=dt.date(2023, 12, 31), baseline_value=5)
    floor = Indicator.objects.create(strategy=strategy, objective=objective2, definition=reuse,
                                     position=2, target_kind="floor", target_value=20)
    duration = Indicator.objects.create(strategy=strategy, definition=delay, position=3,
                                        target_kind="max_duration", target_value=30)
    for day, value in ((dt.date(2024, 12, 31), 5.5), (dt.date(2025, 6, 30), 5.8),
                       (dt.date(2025, 12, 31), 6.1)):
        IndicatorValue.objects.create(indicator=level, date=day, value=value, author=author,
                                      source="GLPI", comment="-moyenne annuelle")
    IndicatorValue.objects.create(indicator=floor, date=dt.date(2025, 12, 31), value=12,
                                  kind="estimate", author=author)
    BareAssetFactory(organisation=org, category="laptop", quantity=4, user=DEVICE_USER,
                     commissioning_date=dt.date(2021, 1, 1), condition="refurbished",
                     entity="DSI", site="Mairie")
    BareAssetFactory(organisation=org, category="laptop", quantity=6, user=DEVICE_USER,
                     commissioning_date=dt.date(2023, 1, 1), entity="DSI", site="Mairie")
    BareAssetFactory(organisation=org, category="monitor", quantity=5, user=DEVICE_USER,
                     purchase_date=dt.date(2022, 6, 1), entity="DSI", site="Mairie")
    BareAssetFactory(organisation=org, category="desktop", quantity=2, user=DEVICE_USER,
                     commissioning_date=dt.date(2015, 1, 1), retirement_date=dt.date(2020, 1, 1))
    return {"org": org, "strategy": strategy, "author": author, "indicators":
            [level, floor, duration], "axis": axis}


def no_personal_data(body: bytes | str) -> bool:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    names = [*AUTHOR.split(), *DEVICE_USER.split(), "auteur-"]
    return not any(name in text for name in names)
