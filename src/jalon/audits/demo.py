"""This domain's part of the demo (jalon demo), called by jalon.demo_site after the catalogue
of services is seeded and before the strategies; idempotent and fast.

The demo's audits were made against pages the demo serves itself on loopback (Jalon's own
public pages at http://127.0.0.1:8000, the demo's address), never the internet: the real
browser pass was run once and its results committed (`demo_audits.json`, with their protocol,
tool versions and date), so that seeding takes no browser (< 1 s). Re-record them with
`jalon manage shell -c "from jalon.audits.demo import record; record()"` while
`jalon demo` runs (same JALON_DATA_DIR). A campaign
launched from the demo's pages runs the real pass in `jalon worker` (`jalon demo` starts it
with JALON_AUDITS_ALLOW_LOOPBACK=1, since the demo's pages are on loopback).

Besides: the pages to audit of four services, an RGAA grid of 25 criteria partly filled by
hand, an RGESN grid partly filled, both declarations generated and published, the `audits`
domain published, and five computed indicators for the strategy (DEMO_INDICATORS).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from jalon.audits import publishing, services
from jalon.audits.models import Declaration, PageAudit, RgaaGrid, RgesnGrid, SamplePage
from jalon.catalogue.models import DigitalService
from jalon.tenancy.models import Organisation, Publication

BASE: Final = "http://127.0.0.1:8000"
RESULTS: Final = Path(__file__).resolve().parent / "demo_audits.json"
SLUG: Final = "val-de-lisiere"
# Service → its pages to audit (kind, path on the demo server).
PAGES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "Site de l'agglomération": (("home", f"/p/{SLUG}/"),
                                ("accessibility", f"/p/{SLUG}/audits/"),
                                ("other", f"/p/{SLUG}/strategy/")),
    "Demande d'acte d'état civil": (("sign_in", "/accounts/login/"),
                                    ("help", "/accounts/password/reset/")),
    "API des données ouvertes": (("document", f"/p/{SLUG}/data/services.csv"),),
    "Réseau des médiathèques": (("home", f"/p/{SLUG}/page-inexistante/"),),
}
# The RGAA grid filled by hand (criteria of the 25-criteria audit).
RGAA_STATUSES: Final = {
    "1.1": ("C", ""), "1.2": ("C", ""), "1.3": ("C", ""), "2.1": ("NA", "Aucun cadre."),
    "3.1": ("C", ""), "3.2": ("C", ""), "4.1": ("NA", "Aucun média temporel."),
    "4.3": ("NA", "Aucune vidéo."), "5.4": ("C", ""), "5.6": ("C", ""), "6.1": ("C", ""),
    "6.2": ("C", ""), "7.1": ("C", ""), "7.3": ("C", ""), "8.3": ("C", ""), "8.5": ("C", ""),
    "8.6": ("NC", "Le titre de la page d'accueil ne dit pas le nom du site."),
    "9.1": ("C", ""), "10.7": ("C", ""), "11.1": ("C", ""),
}
RGESN_STATUSES: Final = {
    "1.1": ("C", "Service public d'information obligatoire."),
    "1.2": ("C", "Habitants et entreprises du territoire."),
    "1.3": ("C", "Référent numérique responsable de la DSI."),
    "1.7": ("NA", "Pas de chiffrement propre au service (TLS de l'hébergeur)."),
    "4.1": ("C", ""), "4.8": ("C", "Polices système uniquement."),
    "5.1": ("NA", "Aucune image matricielle."), "6.1": ("C", "Budget : 200 kB, 10 requêtes."),
    "6.3": ("C", ""), "6.7": ("NC", "Servi en HTTP/1.1 dans la démonstration."),
    "8.6": ("C", "Hébergement en France."),
}

DEMO_INDICATORS: tuple[dict[str, Any], ...] = (
    {"computed": publishing.ACCESSIBILITY_AUDITED,
     "name": "Services publics audités pour l'accessibilité", "unit": "%", "precision": 0,
     "direction": "up", "target_kind": "level", "target_value": 100.0,
     "target_date": dt.date(2028, 12, 31),
     "description": "Part des services numériques publics en service ayant une grille "
                    "d'audit RGAA.", "source": "Jalon, audits des services"},
    {"computed": publishing.DECLARED,
     "name": "Services publics avec une déclaration d'accessibilité à jour", "unit": "%",
     "precision": 0, "direction": "up", "target_kind": "level", "target_value": 100.0,
     "target_date": dt.date(2028, 12, 31), "source": "Jalon, audits des services"},
    {"computed": publishing.RGAA_RATE, "name": "Taux moyen de conformité RGAA", "unit": "%",
     "precision": 1, "direction": "up", "target_kind": "level", "target_value": 75.0,
     "target_date": dt.date(2028, 12, 31), "source": "Jalon, déclarations d'accessibilité"},
    {"computed": publishing.ECODESIGN_AUDITED,
     "name": "Services publics audités en écoconception", "unit": "%", "precision": 0,
     "direction": "up", "target_kind": "level", "target_value": 100.0,
     "target_date": dt.date(2027, 12, 31), "source": "Jalon, audits des services"},
    {"computed": publishing.ECOINDEX, "name": "EcoIndex moyen des services publics",
     "unit": "/100", "precision": 1, "direction": "up", "target_kind": "level",
     "target_value": 75.0, "target_date": dt.date(2028, 12, 31),
     "source": "Jalon, audits des services (EcoIndex, ecoindex-compute)"},
)


def _load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8"))
    return data


def seed_demo(agglomeration: Organisation, people: dict[str, Any],
              say: Callable[[str], None]) -> list[str]:
    """What was created, as short French phrases for the demo's summary."""
    created: list[str] = []
    actor = people["admin"]
    if not Publication.objects.filter(organisation=agglomeration, domain="audits").exists():
        from jalon.publishing.services import publish

        publish(actor, agglomeration, "audits")
        created.append("publication des audits et déclarations")
    by_name = {s.name: s for s in DigitalService.objects.filter(
        organisation=agglomeration, name__in=list(PAGES))}
    for name, pages in PAGES.items():
        service = by_name.get(name)
        if service and not SamplePage.objects.filter(service=service).exists():
            services.save_sample(actor, service, [(kind, BASE + path) for kind, path in pages])
    if not PageAudit.objects.filter(organisation=agglomeration).exists():
        recorded = _load()
        measured = parse_datetime(recorded["recorded_at"]) or timezone.now()
        count = 0
        for page in recorded["pages"]:
            service = by_name.get(page["service"])
            if service is None:
                continue
            services.store_result(agglomeration, service, page["result"], page["kind"],
                                  measured_at=measured)
            count += 1
        created.append(f"{count} audits de pages (passage réel du navigateur, enregistré)")
    site = by_name.get("Site de l'agglomération")
    if site is not None and not RgaaGrid.objects.filter(service=site).exists():
        grid = services.create_rgaa_grid(actor, site, 25, "Audit interne (DSI)")
        services.save_rgaa_entries(actor, grid, "", {
            c: (status, note, False) for c, (status, note) in RGAA_STATUSES.items()})
        declaration = services.generate_rgaa_declaration(actor, grid, {
            "contact": "accessibilite@val-de-lisiere.example",
            "technologies": "HTML, CSS", "assistive": "NVDA 2024.4 avec Firefox",
            "out_of_scope": "Documents bureautiques publiés avant le 23 septembre 2018."})
        services.set_published(actor, declaration, True)
        created.append("grille RGAA (25 critères, partiellement remplie) et déclaration "
                       "d'accessibilité publiée")
    if site is not None and not RgesnGrid.objects.filter(service=site).exists():
        rgesn = services.create_rgesn_grid(actor, site)
        services.save_rgesn_entries(actor, rgesn, RGESN_STATUSES,
                                    referent="Référent numérique responsable, DSI",
                                    objective="75 % en 2028")
        declaration = services.generate_rgesn_declaration(actor, rgesn, {
            "plan": "Servir le site en HTTP/2 ; évaluer les critères d'hébergement.",
            "review_frequency": "annuelle"})
        services.set_published(actor, declaration, True)
        created.append("grille RGESN et déclaration d'écoconception publiée")
    say(f"  audits : {Declaration.objects.filter(organisation=agglomeration).count()} "
        "déclarations")
    return created


def record(base: str = BASE) -> None:
    """Run the real browser pass on the demo's pages (the demo must be running at `base`,
    loopback allowed here since the demo serves them itself) and write demo_audits.json."""
    from jalon.core.audits_browser import Settings, audit_pages

    pages = [(name, kind, base + path) for name, rows in PAGES.items() for kind, path in rows]
    results = audit_pages([url for _n, _k, url in pages],
                          Settings(runs=3, allow_loopback=True))
    out = {"recorded_at": timezone.now().isoformat(timespec="seconds"), "base": base,
           "pages": [{"service": name, "kind": kind, "result": result}
                     for (name, kind, _url), result in zip(pages, results, strict=True)]}
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
