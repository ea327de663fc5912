"""The demo platform behind `jalon demo`: a database seeded with a fictitious operator, two
authorities with their inventories and one person per role (and five peer authorities without
inventory nor users, for the comparison with peers), then the task worker and the web server,
stopped together on Ctrl-C.

Seeding is idempotent: running it again keeps what exists (people keep the demo password,
inventories are only imported into an organisation that has none, strategies are only created
for an organisation that has none).

Strategies (issue 4): the operator publishes a template (a copy of the REEN guide's) and a
shared indicator definition; the agglomeration gets a published strategy from the "reen-guide"
template — computed indicators from its inventory, a few manual values for 2023-2025 with
targets so that statuses vary, the operator's shared indicator, and the introduction of the
previous year's annual report; the commune gets an unpublished strategy from "idf-2025".

Peers (operators/peers.py): five fictitious agglomerations of the same operator, kind (EPCI) and
population band (50,000 to 200,000) as Val-de-Lisière, so that its peers page shows an
anonymised comparison. Each has an unpublished strategy from the same "reen-guide" template with
the operator's shared indicator, and the same deterministic values for the last three complete
years (PEER_VALUES): manual values for the shared indicator, and for the computed ones values
stored directly (no inventory, no footprint computation: the demo starts fast) as if computed
from their current, empty, inventory version, the indicators marked up to date. Pages do not
recompute them; an import or a forced recomputation replaces them, as any computed value, and
the next `jalon demo` puts them back. Peers have no sign-in and no public page: they are only
ever seen as « Pair A », « Pair B »…
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.utils import timezone

DEMO_PASSWORD = "Lisiere-demo-2026"  # noqa: S105  # the demo's published password
OPERATOR = {"slug": "gip-val-de-lisiere", "name": "GIP Numérique Val-de-Lisière"}
AGGLOMERATION: dict[str, Any] = {
    "slug": "val-de-lisiere",
    "name": "Communauté d'agglomération Val-de-Lisière",
    "kind": "epci",
    "population": 150_000,
    "agents": 1_900,
}
COMMUNE: dict[str, Any] = {
    "slug": "saint-aubin-sur-lisiere",
    "name": "Commune de Saint-Aubin-sur-Lisière",
    "kind": "commune",
    "population": 3_000,
    "agents": 25,
}
COMMUNE_DEVICES = 60
OPERATOR_TEMPLATE = {"key": "gip-socle-reen", "base": "reen-guide",
                     "title": "Socle REEN du GIP Numérique Val-de-Lisière"}
OPERATOR_DEFINITION: dict[str, Any] = {
    "key": "deee-reemployes-filiere-locale",
    "name": "Part des équipements réformés confiés à la filière locale de réemploi",
    "unit": "%", "precision": 1, "direction": "up",
    "description": "Part, en nombre d'appareils, des équipements sortis du parc dans l'année "
                   "et confiés à la ressourcerie partenaire du GIP.",
    "method": "Appareils remis à la ressourcerie l'année N / appareils sortis du parc en N "
              "× 100 (bordereaux de remise).",
    "source": "GIP Numérique Val-de-Lisière, bordereaux de la ressourcerie partenaire",
}
AGGLOMERATION_STRATEGY = {
    "template": "reen-guide",
    "title": "Stratégie numérique responsable 2024-2030 de Val-de-Lisière",
    "period_start": 2024, "period_end": 2030, "adopted_on": dt.date(2024, 6, 27),
    "deliberation": "Délibération n° 2024-112 du conseil communautaire",
}
COMMUNE_STRATEGY = {
    "template": "idf-2025",
    "title": "Stratégie numérique et IA responsables de Saint-Aubin-sur-Lisière",
    "period_start": 2025, "period_end": 2030,
}
# Manual indicators of the agglomeration: (definition key, target or None, values of the last
# three complete years). Chosen so that the statuses differ: on track, at risk, off track,
# achieved, no target.
DEMO_VALUES: tuple[tuple[str, dict[str, Any] | None, tuple[float, float, float]], ...] = (
    ("ecodesign_trained_share", {"kind": "level", "value": 60, "date": dt.date(2028, 12, 31)},
     (10, 25, 40)),  # en bonne voie
    ("rgesn_score", {"kind": "level", "value": 75, "date": dt.date(2027, 12, 31)},
     (40, 48, 55)),  # à surveiller
    ("sustainable_clauses_spend_share",
     {"kind": "level", "value": 50, "date": dt.date(2027, 12, 31)}, (5, 7, 8)),  # hors trajectoire
    ("devices_repaired", {"kind": "floor", "value": 100, "date": dt.date(2024, 1, 1)},
     (80, 120, 150)),  # atteint
    ("internal_workshops", None, (2, 4, 6)),  # cible à définir
    (OPERATOR_DEFINITION["key"], {"kind": "level", "value": 80, "date": dt.date(2027, 12, 31)},
     (35, 48, 62)),  # the operator's shared indicator
)
# Peers of the agglomeration: same operator, kind and population band (peers.py), no users.
PEERS: tuple[dict[str, Any], ...] = (
    {"slug": "ca-trois-vallees", "name": "Communauté d'agglomération des Trois-Vallées",
     "kind": "epci", "population": 64_300, "agents": 780},
    {"slug": "ca-haut-val-d-orvanne", "name": "Communauté d'agglomération du Haut-Val-d'Orvanne",
     "kind": "epci", "population": 118_900, "agents": 1_420},
    {"slug": "ca-pays-de-montreval", "name": "Communauté d'agglomération du Pays de Montreval",
     "kind": "epci", "population": 97_500, "agents": 1_150},
    {"slug": "ca-rives-de-l-aubrelle", "name": "Communauté d'agglomération Rives-de-l'Aubrelle",
     "kind": "epci", "population": 71_200, "agents": 840},
    {"slug": "ca-coteaux-de-saint-firmin",
     "name": "Communauté d'agglomération des Coteaux de Saint-Firmin",
     "kind": "epci", "population": 168_000, "agents": 2_050},
)
# More members of the operator, for its dashboard (operators/dashboard.py): other kinds and
# population bands than the agglomeration's peers (so they are no one's peers in the demo's
# comparisons), each with a small inventory (the commune's fleet, `repeats` times) and no
# strategy yet — an operator's dashboard shows members at every stage.
MEMBERS: tuple[dict[str, Any], ...] = (
    {"slug": "ville-de-brevannes", "name": "Ville de Brévannes-sur-Lisière", "kind": "commune",
     "population": 12_400, "agents": 210, "repeats": 4},
    {"slug": "commune-de-lormeau", "name": "Commune de Lormeau", "kind": "commune",
     "population": 5_100, "agents": 60, "repeats": 2},
    {"slug": "ville-de-chantereine", "name": "Ville de Chantereine", "kind": "commune",
     "population": 27_800, "agents": 430, "repeats": 6},
    {"slug": "syndicat-des-eaux-lisiere", "name": "Syndicat des eaux de la Lisière",
     "kind": "other", "population": 45_000, "agents": 35, "repeats": 1},
)
PEER_STRATEGY = {"template": AGGLOMERATION_STRATEGY["template"],
                 "title": "Stratégie numérique responsable 2024-2030",
                 "period_start": 2024, "period_end": 2030}
PEER_SOURCE = "Tableau de suivi de la collectivité (démonstration)"
PEER_COMPUTED_SOURCE = ("Valeur de démonstration (inventaire de cette collectivité non importé "
                        "dans la démo)")
# Values of the last three complete years, per peer and definition key (the built-in computed
# indicators, and the operator's shared one): fixed, different from one peer to the next. A
# missing key is an indicator the peer does not follow up yet (then fewer peers are compared).
PEER_VALUES: dict[str, dict[str, tuple[float, float, float]]] = {
    "ca-trois-vallees": {
        "avg_lifespan_retired": (5.8, 6.1, 6.4), "footprint_per_agent": (112, 106, 98),
        "reuse_spend_share": (3.5, 5.2, 6.8), "refurbished_purchase_share": (4.0, 6.5, 9.0),
        "reuse_rate_retired": (12.0, 18.5, 24.0), OPERATOR_DEFINITION["key"]: (20, 31, 44)},
    "ca-haut-val-d-orvanne": {
        "avg_lifespan_retired": (7.2, 7.4, 7.9), "footprint_per_agent": (74, 71, 69),
        "reuse_spend_share": (11.0, 13.5, 15.2), "refurbished_purchase_share": (12.0, 15.0, 18.5),
        "reuse_rate_retired": (30.0, 34.0, 41.0), OPERATOR_DEFINITION["key"]: (55, 61, 70)},
    "ca-pays-de-montreval": {
        "avg_lifespan_retired": (5.1, 5.3, 5.6), "footprint_per_agent": (131, 127, 124),
        "reuse_spend_share": (1.2, 2.0, 2.4), "refurbished_purchase_share": (1.5, 2.2, 3.1),
        "reuse_rate_retired": (5.0, 6.5, 9.0), OPERATOR_DEFINITION["key"]: (12, 15, 22)},
    "ca-rives-de-l-aubrelle": {
        "avg_lifespan_retired": (6.4, 6.9, 7.1), "footprint_per_agent": (88, 90, 85),
        "reuse_spend_share": (6.1, 7.4, 8.9), "refurbished_purchase_share": (7.5, 8.0, 11.2),
        OPERATOR_DEFINITION["key"]: (38, 45, 51)},
    "ca-coteaux-de-saint-firmin": {
        "avg_lifespan_retired": (8.1, 8.3, 8.6), "footprint_per_agent": (61, 58, 52),
        "reuse_spend_share": (14.8, 17.9, 20.3), "refurbished_purchase_share": (16.0, 19.5, 23.0),
        "reuse_rate_retired": (44.0, 47.5, 52.0), OPERATOR_DEFINITION["key"]: (68, 74, 79)},
}
REPORT_INTRODUCTION = (
    "En {year}, la Communauté d'agglomération a poursuivi la mise en œuvre de sa stratégie "
    "numérique responsable adoptée en 2024 : allongement de la durée de vie des postes de "
    "travail, premiers achats reconditionnés, formation des équipes projets à l'écoconception. "
    "Ce rapport présente l'état d'avancement de chaque indicateur et les actions engagées.")


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str  # viewer, editor, admin (of the agglomeration), "dpo" or "operator"

    @property
    def description(self) -> str:
        return {
            "viewer": "lecture, Communauté d'agglomération",
            "editor": "édition, Communauté d'agglomération",
            "admin": "administration, Communauté d'agglomération",
            "dpo": "données personnelles seulement (sans l'inventaire), Communauté "
                   "d'agglomération",
            "operator": "administration de l'opérateur (toutes ses organisations)",
        }[self.role]


DEMO_USERS = (
    DemoUser("lecteur", "Louise", "Lecomte", "viewer"),
    DemoUser("editeur", "Étienne", "Durand", "editor"),
    DemoUser("admin", "Amina", "Benali", "admin"),
    DemoUser("dpo", "Delphine", "Poulain", "dpo"),
    DemoUser("operateur", "Olivier", "Perrin", "operator"),
)


def setup_django(settings_module: str = "jalon.settings") -> None:
    """Configure Django for a command-line process (once)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


# --------------------------------------------------------------------------------------------
# The small commune's inventory: generated, deterministic, Jalon's canonical columns
# --------------------------------------------------------------------------------------------

_COMMUNE_FLEET = (
    # (count, category, type, manufacturer, model, site)
    (12, "laptop", "Ordinateur portable", "Lenovo", "ThinkPad L14 Gen 3", "Mairie"),
    (6, "desktop", "Unité centrale", "Dell", "OptiPlex 7010", "Mairie"),
    (14, "monitor", "Écran", "Iiyama", "ProLite XUB2492HSU", "Mairie"),
    (8, "smartphone", "Téléphone mobile", "Samsung", "Galaxy A54", "Mairie"),
    (6, "ip_phone", "Téléphone IP", "Yealink", "T43U", "Mairie"),
    (2, "copier", "Copieur multifonction", "Canon", "imageRUNNER ADVANCE C3826i", "Mairie"),
    (2, "printer", "Imprimante", "Brother", "HL-L5210DN", "Médiathèque"),
    (3, "projector", "Vidéoprojecteur", "Epson", "EB-L210SF", "École"),
    (3, "tablet", "Tablette", "Apple", "iPad 10e génération", "École"),
    (1, "server", "Serveur", "Dell", "PowerEdge T150", "Mairie"),
    (2, "switch", "Commutateur", "HPE", "Aruba 2930F", "Mairie"),
    (1, "firewall", "Pare-feu", "Stormshield", "SN310", "Mairie"),
)


def commune_rows() -> list[dict[str, Any]]:
    """Sixty devices of a 25-agent commune, the same on every run."""
    rows: list[dict[str, Any]] = []
    number = 0
    for count, category, type_, manufacturer, model, site in _COMMUNE_FLEET:
        for i in range(count):
            number += 1
            # Purchases spread over 2017-2025, a stable function of the row number.
            year = 2017 + (number * 7 + i) % 9
            month = 1 + (number * 5) % 12
            purchase = dt.date(year, month, 1 + (number * 3) % 28)
            rows.append({
                "inventory_number": f"SAL-{number:04d}",
                "name": f"{category.upper()[:3]}-{number:03d}",
                "category": category,
                "type": type_,
                "manufacturer": manufacturer,
                "model": model,
                "quantity": 1,
                "purchase_date": purchase.isoformat(),
                "commissioning_date": (purchase + dt.timedelta(days=14)).isoformat(),
                "condition": "refurbished" if category == "laptop" and number % 4 == 0
                else "new",
                "status": "En service",
                "entity": "Commune de Saint-Aubin-sur-Lisière",
                "site": site,
                "country": "FRA",
                "cpu_units": 1 if category == "server" else "",
                "cpu_cores": 8 if category == "server" else "",
                "ram_gb": 32 if category == "server" else "",
                "ssd_count": 2 if category == "server" else "",
                "ssd_capacity_gb": 480 if category == "server" else "",
            })
    return rows


def write_commune_csv(path: Path) -> Path:
    from jalon.core.readers.base import CANONICAL_COLUMNS

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CANONICAL_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for row in commune_rows():
            writer.writerow(row)
    return path


def write_member_csv(path: Path, spec: dict[str, Any]) -> Path:
    """A member's inventory for the operator's dashboard: the commune's fleet `repeats` times,
    under the member's own numbers."""
    from jalon.core.readers.base import CANONICAL_COLUMNS

    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = spec["slug"][:3].upper()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CANONICAL_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for repeat in range(spec["repeats"]):
            for row in commune_rows():
                number = f"{prefix}-{repeat}-{row['inventory_number']}"
                writer.writerow({**row, "entity": spec["name"], "inventory_number": number})
    return path


# --------------------------------------------------------------------------------------------
# Importing an inventory into an organisation
# --------------------------------------------------------------------------------------------

def _upload_for(path: Path) -> Any:
    """A file as an upload; a folder of agent inventories as a zip archive."""
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    if path.is_file():
        return SimpleUploadedFile(path.name, path.read_bytes())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(path.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(path).as_posix())
    return SimpleUploadedFile(f"{path.name}.zip", buffer.getvalue(),
                              content_type="application/zip")


def import_inventory(organisation: Any, paths: Sequence[Path], user: Any) -> int:
    """Import as a person would: upload, analysis, confirmation (replace, then merge), through
    the inventory services, their tasks run inline. Returns the number of assets."""
    from django.test.utils import override_settings

    from jalon.inventory import services
    from jalon.inventory.models import Asset, ImportStatus

    inline = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                          "QUEUES": ["default"]}}
    with override_settings(TASKS=inline):
        for index, path in enumerate(paths):
            source = services.start_import(user, organisation, _upload_for(path))
            source.refresh_from_db()
            if source.status != ImportStatus.PREVIEW:
                raise RuntimeError(f"{path.name}: analysis ended as {source.status} "
                                   f"({source.error})")
            services.confirm_import(user, source, "replace" if index == 0 else "merge")
            source.refresh_from_db()
            if source.status != ImportStatus.DONE:
                raise RuntimeError(f"{path.name}: import ended as {source.status} "
                                   f"({source.error})")
        # Reviewed: the demo's public pages show the imported inventory.
        services.publish_inventory(user, organisation)
    return Asset.objects.filter(organisation=organisation).count()


# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------

@dataclass
class SeedReport:
    created: list[str]
    imported: dict[str, int]


def seed(*, data_dir: Path, say: Callable[[str], None] = lambda _m: None,
         agglomeration_paths: Sequence[Path] | None = None,
         strategies: bool = True) -> SeedReport:
    """Create the demo operator, organisations, people, inventories and (unless `strategies`
    is false) strategies when missing."""
    from django.contrib.auth import get_user_model

    from jalon.core.demo import demo_paths
    from jalon.inventory.models import Asset
    from jalon.tenancy.models import Membership, Operator, OperatorAdmin, Organisation

    report = SeedReport(created=[], imported={})
    operator, made = Operator.objects.get_or_create(slug=OPERATOR["slug"],
                                                    defaults={"name": OPERATOR["name"]})
    if made:
        report.created.append(f"opérateur {operator.name}")
    organisations = {}
    for spec in (AGGLOMERATION, COMMUNE, *PEERS, *MEMBERS):
        defaults = {k: v for k, v in spec.items() if k not in ("slug", "repeats")}
        organisation, made = Organisation.objects.get_or_create(
            slug=spec["slug"], defaults={**defaults, "operator": operator})
        if made:
            report.created.append(f"organisation {organisation.name}"
                                  + (" (pair de comparaison)" if spec in PEERS else ""))
        organisations[spec["slug"]] = organisation
    agglomeration = organisations[AGGLOMERATION["slug"]]

    User = get_user_model()
    people = {}
    for person in DEMO_USERS:
        user, made = User.objects.get_or_create(
            username=person.username,
            defaults={"first_name": person.first_name, "last_name": person.last_name,
                      "email": f"{person.username}@val-de-lisiere.example"})
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save()
            report.created.append(f"compte {person.username}")
        people[person.username] = user
        if person.role == "operator":
            OperatorAdmin.objects.get_or_create(user=user, operator=operator)
        else:
            # The DPO: a member holding one capability, managing personal data, and not READ.
            access = ({"role": "viewer", "capabilities": ["personal_data.manage"]}
                      if person.role == "dpo" else {"role": person.role})
            Membership.objects.get_or_create(user=user, organisation=agglomeration,
                                             defaults=access)

    inventories = {
        AGGLOMERATION["slug"]: list(agglomeration_paths or demo_paths()),
        COMMUNE["slug"]: [write_commune_csv(data_dir / "demo" / "saint-aubin-inventaire.csv")],
        **{spec["slug"]: [write_member_csv(data_dir / "demo" / f"{spec['slug']}.csv", spec)]
           for spec in MEMBERS},
    }
    for slug, paths in inventories.items():
        organisation = organisations[slug]
        if Asset.objects.filter(organisation=organisation).exists():
            continue
        say(f"Import de l'inventaire de {organisation.name}…")
        started = time.perf_counter()
        count = import_inventory(organisation, paths, people["admin"])
        report.imported[slug] = count
        say(f"  {count} équipements en {time.perf_counter() - started:.1f} s")
        if organisation == agglomeration:
            # Its public footprint page (/p/<slug>/) and the footprint in its open data are on
            # show; published once, with its first import: a later withdrawal is kept.
            from jalon.publishing.services import publish

            publish(people["admin"], organisation, "footprint")
            report.created.append("publication de l'empreinte de l'agglomération")
    from jalon.catalogue.demo import seed_services

    report.created.extend(seed_services(agglomeration, people["admin"]))
    seed_domains(agglomeration, people, report, say)
    if strategies:
        seed_strategies(operator, organisations, people, report, say)
        seed_domain_indicators(agglomeration, people["admin"], report, say)
        seed_scenarios(agglomeration, people["editeur"], report, say)
    return report


# Each domain's part of the demo: its demo.py has seed_demo(agglomeration, people, say) and
# DEMO_INDICATORS (computed indicators added to the agglomeration's strategy).
DOMAIN_DEMOS: Final = ("jalon.audits.demo", "jalon.algorithms.demo", "jalon.gdpr.demo",
                       "jalon.feedback.demo", "jalon.reports.demo", "jalon.budget.demo",
                       "jalon.datacentres.demo")


def seed_domains(agglomeration: Any, people: dict[str, Any], report: SeedReport,
                 say: Callable[[str], None] = lambda _m: None) -> None:
    for module_name in DOMAIN_DEMOS:
        module = importlib.import_module(module_name)
        report.created.extend(module.seed_demo(agglomeration, people, say))


def seed_scenarios(agglomeration: Any, actor: Any, report: SeedReport,
                   say: Callable[[str], None] = lambda _m: None) -> None:
    """Two saved scenarios of the agglomeration, linked to the action on workstations'
    lifespan (jalon.footprint.demo)."""
    from jalon.footprint.demo import seed_scenarios as seed_footprint_scenarios
    from jalon.strategy.models import Action

    action = (Action.objects.filter(objective__axis__strategy__organisation=agglomeration,
                                    title=DEMO_ACTIONS[0][1]["title"]).order_by("pk").first())
    report.created.extend(seed_footprint_scenarios(agglomeration, actor,
                                                   action.pk if action else None, say))


def seed_domain_indicators(agglomeration: Any, actor: Any, report: SeedReport,
                           say: Callable[[str], None] = lambda _m: None) -> None:
    """The domains' computed indicators in the agglomeration's strategy (once: an indicator
    whose computation is already followed is left as people changed it)."""
    from jalon.strategy import services
    from jalon.strategy.models import IndicatorDefinition, Strategy

    strategy = Strategy.objects.filter(organisation=agglomeration,
                                       template_key=AGGLOMERATION_STRATEGY["template"]).first()
    if strategy is None:
        return
    for module_name in DOMAIN_DEMOS:
        for spec in importlib.import_module(module_name).DEMO_INDICATORS:
            spec = dict(spec)
            computed = spec.pop("computed")
            if strategy.indicators.filter(definition__computed=computed).exists():
                continue
            definition = IndicatorDefinition.objects.filter(
                organisation=agglomeration, computed=computed).first()
            if definition is None:
                definition = services.create_definition(
                    actor, agglomeration, computed=computed,
                    **{k: spec.pop(k) for k in ("name", "unit", "precision", "direction",
                                                "description", "method", "source")
                       if k in spec})
            if "target_value" not in spec:
                # No target in the domain's demo: a placeholder the page shows as « à définir ».
                spec.update(target_kind="level", target_value=0.0, target_defined=False)
            spec.setdefault("target_kind", "level")
            services.add_indicator(actor, strategy, definition, **spec)
            report.created.append(f"indicateur « {definition.name} » de la stratégie")


def seed_strategies(operator: Any, organisations: dict[str, Any], people: dict[str, Any],
                    report: SeedReport, say: Callable[[str], None] = lambda _m: None) -> None:
    """The demo's strategies, through the strategy services. A missing or failing piece is
    reported and skipped: the rest of the demo still starts."""
    steps: tuple[tuple[str, Callable[[], None]], ...] = (
        ("modèle et indicateur de l'opérateur",
         lambda: _seed_operator(operator, people["operateur"], report)),
        ("stratégie de l'agglomération",
         lambda: _seed_agglomeration(organisations[AGGLOMERATION["slug"]], operator,
                                     people["admin"], report, say)),
        ("stratégie de la commune",
         lambda: _seed_commune(organisations[COMMUNE["slug"]], people["operateur"], report)),
        *((f"stratégie du pair {spec['name']}",
           lambda spec=spec: _seed_peer(organisations[spec["slug"]], operator,
                                        people["operateur"], report))
          for spec in PEERS),
    )
    for label, step in steps:
        try:
            step()
        except Exception as exc:  # the strategy app is young: the demo must still start
            say(f"  démo des stratégies — {label} non créée : {type(exc).__name__}: {exc}")


def _seed_operator(operator: Any, actor: Any, report: SeedReport) -> None:
    from jalon.operators import services as operator_services
    from jalon.strategy.models import IndicatorDefinition, StrategyTemplate

    spec = dict(OPERATOR_DEFINITION)
    if not IndicatorDefinition.objects.filter(operator=operator, organisation__isnull=True,
                                              key=spec["key"]).exists():
        operator_services.create_definition(actor, operator, key=spec.pop("key"), **spec)
        report.created.append("indicateur partagé de l'opérateur")
    if not StrategyTemplate.objects.filter(operator=operator,
                                           key=OPERATOR_TEMPLATE["key"]).exists():
        operator_services.create_template(actor, operator, OPERATOR_TEMPLATE["base"],
                                          OPERATOR_TEMPLATE["title"], OPERATOR_TEMPLATE["key"],
                                          published=True)
        report.created.append("modèle de stratégie de l'opérateur (publié)")


def _create_strategy(organisation: Any, actor: Any, spec: dict[str, Any]) -> tuple[Any, bool]:
    from jalon.strategy import services
    from jalon.strategy.models import Strategy

    existing = Strategy.objects.filter(organisation=organisation,
                                       template_key=spec["template"]).first()
    if existing is not None:
        return existing, False
    strategy = services.create_from_template(
        actor, organisation, spec["template"], title=spec["title"],
        period_start=spec["period_start"], period_end=spec["period_end"],
        adopted_on=spec.get("adopted_on"), deliberation=spec.get("deliberation", ""))
    return strategy, True


# Actions of the agglomeration's strategy, under the objective of the theme whose title starts
# with the key (the template gives the themes and objectives, the authority its actions).
DEMO_ACTIONS: Final = (
    ("Thème 2", {"title": "Allonger à 6 ans la durée de vie des postes de travail",
                 "status": "in_progress", "owner": "DSI — pôle parc", "budget_eur": 45000,
                 "start_date": dt.date(2024, 9, 1), "end_date": dt.date(2026, 12, 31)}),
    ("Thème 1", {"title": "Clause de matériel reconditionné dans le marché de postes de travail",
                 "status": "done", "owner": "Commande publique", "budget_eur": 0,
                 "start_date": dt.date(2025, 1, 1), "end_date": dt.date(2025, 6, 30)}),
    ("Thème 3", {"title": "Audit RGESN et RGAA des dix démarches en ligne les plus utilisées",
                 "status": "in_progress", "owner": "Direction de la relation aux usagers",
                 "budget_eur": 28000, "start_date": dt.date(2025, 3, 1),
                 "end_date": dt.date(2026, 6, 30)}),
    ("Thème 4", {"title": "Former les chefs de projet à l'écoconception",
                 "status": "planned", "owner": "Ressources humaines", "budget_eur": 12000,
                 "start_date": dt.date(2026, 2, 1), "end_date": dt.date(2026, 11, 30)}),
)


def _seed_actions(strategy: Any, actor: Any, report: SeedReport) -> None:
    from jalon.strategy import services
    from jalon.strategy.models import Action, Objective

    if Action.objects.filter(objective__axis__strategy=strategy).exists():
        return  # what people entered since is kept
    for theme, values in DEMO_ACTIONS:
        objective = (Objective.objects.filter(axis__strategy=strategy,
                                              axis__title__startswith=theme)
                     .order_by("position", "pk").first())
        if objective is not None:
            services.add_action(actor, objective, **values)
            report.created.append(f"action « {values['title']} »")


def _seed_agglomeration(organisation: Any, operator: Any, actor: Any, report: SeedReport,
                        say: Callable[[str], None]) -> None:
    from jalon.strategy import services
    from jalon.strategy.models import IndicatorDefinition

    strategy, made = _create_strategy(organisation, actor, AGGLOMERATION_STRATEGY)
    if made:
        report.created.append(f"stratégie {strategy.title}")
    _seed_actions(strategy, actor, report)
    say("Calcul des indicateurs de la stratégie depuis l'inventaire…")
    services.recompute_computed_indicators(organisation)

    shared = IndicatorDefinition.objects.filter(operator=operator, organisation__isnull=True,
                                                key=OPERATOR_DEFINITION["key"]).first()
    if shared is not None and not strategy.indicators.filter(definition=shared).exists():
        objective = strategy.indicators.filter(definition__key="reuse_rate_retired").first()
        services.add_indicator(actor, strategy, shared, target_kind="level", target_value=0,
                               objective=objective.objective if objective else None)

    years = [timezone.localdate().year - n for n in (3, 2, 1)]
    for key, target, values in DEMO_VALUES:
        indicator = strategy.indicators.filter(definition__key=key).first()
        if indicator is None or indicator.values.exists():
            continue  # what people entered since is kept
        if target is not None:
            services.update_indicator(actor, indicator, target_kind=target["kind"],
                                      target_value=float(target["value"]),
                                      target_date=target["date"], target_defined=True)
        for year, value in zip(years, values, strict=True):
            services.add_value(actor, indicator, dt.date(year, 12, 31), value, "result",
                               "Tableau de suivi de la DSI (démonstration)", "")

    from jalon.publishing.services import publish
    from jalon.tenancy.scope import is_published

    if not is_published(organisation, "strategy"):
        publish(actor, organisation, "strategy")
        report.created.append("publication de la stratégie de l'agglomération")

    from jalon.strategy import report as annual_report
    from jalon.strategy.models import AnnualReport

    year = timezone.localdate().year - 1
    if not AnnualReport.objects.filter(strategy=strategy, year=year).exists():
        annual_report.save_introduction(actor, strategy, year,
                                        REPORT_INTRODUCTION.format(year=year))
        report.created.append(f"introduction du rapport annuel {year}")
        if strategy.period_start <= year:
            # Its review was presented: its computed values stay as presented (issue 9,
            # item 5); a year reopened since is left open.
            today = timezone.localdate()
            annual_report.close_year(actor, strategy, year,
                                     min(dt.date(year + 1, 3, 31), today))
            report.created.append(f"année {year} close (bilan présenté)")


def _seed_commune(organisation: Any, actor: Any, report: SeedReport) -> None:
    strategy, made = _create_strategy(organisation, actor, COMMUNE_STRATEGY)
    if made:
        report.created.append(f"stratégie {strategy.title} (non publiée)")


def _seed_peer(organisation: Any, operator: Any, actor: Any, report: SeedReport) -> None:
    """A peer's strategy (unpublished), the operator's shared indicator and the values of
    PEER_VALUES for indicators that have none yet."""
    from jalon.strategy import services
    from jalon.strategy.models import Indicator, IndicatorDefinition, IndicatorValue, ValueKind

    spec = {**PEER_STRATEGY, "title": f"{PEER_STRATEGY['title']} – {organisation.name}"}
    strategy, made = _create_strategy(organisation, actor, spec)
    if made:
        report.created.append(f"stratégie {strategy.title} (pair, non publiée)")
    shared = IndicatorDefinition.objects.filter(operator=operator, organisation__isnull=True,
                                                key=OPERATOR_DEFINITION["key"]).first()
    if shared is not None and not strategy.indicators.filter(definition=shared).exists():
        objective = strategy.indicators.filter(definition__key="reuse_rate_retired").first()
        services.add_indicator(actor, strategy, shared, target_kind="level", target_value=80,
                               target_date=dt.date(2027, 12, 31),
                               objective=objective.objective if objective else None)

    years = [timezone.localdate().year - n for n in (3, 2, 1)]
    for key, values in PEER_VALUES.get(organisation.slug, {}).items():
        indicator = (strategy.indicators.filter(definition__key=key)
                     .select_related("definition").first())
        if indicator is None or indicator.values.exists():
            continue  # what people entered since is kept
        dated = [(dt.date(year, 12, 31), float(value))
                 for year, value in zip(years, values, strict=True)]
        if not indicator.definition.computed:
            for date, value in dated:
                services.add_value(actor, indicator, date, value, ValueKind.RESULT,
                                   PEER_SOURCE, "")
            continue
        # A computed indicator without an inventory: demo values stored as computed from the
        # current (empty) inventory version, the indicator marked up to date so that pages do
        # not recompute it (an import or a forced recomputation replaces them).
        organisation.refresh_from_db(fields=["inventory_version"])
        version = organisation.inventory_version
        IndicatorValue.objects.bulk_create([
            IndicatorValue(indicator=indicator, date=date, value=value, kind=ValueKind.RESULT,
                           source=PEER_COMPUTED_SOURCE, inventory_version=version)
            for date, value in dated])
        Indicator.objects.filter(pk=indicator.pk).update(computed_version=version)
    # The other computed indicators, from the empty inventory: no values, but up to date.
    services.recompute_computed_indicators(organisation)


# --------------------------------------------------------------------------------------------
# Running the worker and the server together
# --------------------------------------------------------------------------------------------

def jalon_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "jalon.cli", *args]


def run_processes(commands: dict[str, list[str]], env: dict[str, str],
                  say: Callable[[str], None], ready: Callable[[], None] | None = None,
                  grace: float = 10.0) -> int:
    """Start the commands, wait until one stops or Ctrl-C, then stop them all cleanly."""
    procs: dict[str, subprocess.Popen[bytes]] = {}
    code = 0

    def on_term(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        for name, command in commands.items():
            # Own process group: Ctrl-C reaches us only, and we stop the children in order.
            # S603: the commands are this module's own, no shell, no user input.
            procs[name] = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
        if ready is not None:
            ready()
        while True:
            for name, proc in procs.items():
                status = proc.poll()
                if status is not None:
                    say(f"{name} s'est arrêté (code {status}) ; arrêt des autres processus.")
                    code = status or 1
                    raise StopIteration
            time.sleep(0.5)
    except KeyboardInterrupt:
        say("Arrêt demandé : arrêt du serveur et du worker…")
    except StopIteration:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return code


def wait_for_http(url: str, timeout: float = 30.0) -> bool:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  # our own http:// URL
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.3)
    return False
