"""This domain's part of the demo (jalon demo), called by jalon.demo_site after the catalogue
of services is seeded and before the strategies; idempotent.

The agglomeration gets the twelve demo categories and six teams, answer templates, a triage
model trained on the bundled training set and measured on the held-out evaluation set, a
hundred citizen reports over twelve months in every state (new ones waiting for a person to
confirm the AI's suggestion, confirmed, corrected, rejected with a reason, duplicates), a FAQ
of forty entries with a few questions asked to the assistant, and its reports published (the
public form, the FAQ and the Open311 interface are open).

Report texts are taken from the bundled *training* set, never from the evaluation set: the
reports validated in the demo become training examples when the model is retrained, and the
evaluation set must stay unseen.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils import timezone
from PIL import Image

from jalon.core import reportdata
from jalon.core import territory as geo
from jalon.publishing.services import publish
from jalon.reports import publishing, selectors, services
from jalon.reports.models import (
    CLOSED_STATUSES,
    AnswerTemplate,
    Category,
    FaqEntry,
    FaqExchange,
    Report,
    ReportPhoto,
    ReportStatus,
    ReportUpdate,
    Team,
    TriageSettings,
    TriageState,
)
from jalon.tenancy.models import Organisation

DEMO_INDICATORS: tuple[dict[str, Any], ...] = (
    {"computed": publishing.RESOLVED_KEY,
     "name": "Part des signalements résolus en 30 jours au plus", "unit": "%", "precision": 0,
     "direction": "up", "target_kind": "level", "target_value": 80,
     "target_date": dt.date(2027, 12, 31),
     "description": "Signalements des usagers reçus dans l'année (hors rejets et doublons) "
                    "résolus en 30 jours au plus.",
     "source": "Jalon, signalements"},
    {"computed": publishing.AGREEMENT_KEY,
     "name": "Part des suggestions de l'IA confirmées par un agent", "unit": "%",
     "precision": 0, "direction": "up", "target_kind": "level", "target_value": 85,
     "target_date": dt.date(2027, 12, 31),
     "description": "Qualité observée du tri automatique des signalements, là où une "
                    "personne l'a vérifié.",
     "source": "Jalon, signalements"},
)

TEAMS = {
    "Voirie et signalisation": ("voirie", "signalisation", "stationnement"),
    "Éclairage public": ("eclairage",),
    "Propreté urbaine": ("proprete", "graffitis", "collecte"),
    "Parcs et jardins": ("espaces_verts", "mobilier_urbain"),
    "Régie des eaux": ("eau_assainissement",),
    "Police municipale": ("bruit", "animaux"),
}
TEMPLATES = (
    ("Accusé de réception", ReportStatus.ACKNOWLEDGED,
     "Bonjour, votre signalement a bien été pris en compte et transmis au service concerné. "
     "Merci de votre vigilance."),
    ("Intervention programmée", ReportStatus.PLANNED,
     "Bonjour, une intervention est programmée dans les prochains jours. Merci de votre "
     "patience."),
    ("Problème résolu", ReportStatus.RESOLVED,
     "Bonjour, le problème que vous avez signalé a été traité. Merci de votre signalement."),
    ("Hors compétence : Département", ReportStatus.REJECTED,
     "Cette voie est une route départementale : votre signalement a été transmis au "
     "Département, qui en assure l'entretien."),
    ("Domaine privé", ReportStatus.REJECTED,
     "Le lieu signalé est une propriété privée : son entretien revient à son propriétaire."),
)
STREETS = ("rue des Lilas", "avenue de la Lisière", "rue du Moulin", "place du Marché",
           "rue Pasteur", "boulevard Voltaire", "chemin des Vignes", "rue de la Gare",
           "allée des Pins", "rue Jean Jaurès", "impasse du Lavoir", "rue des Écoles")
CENTRE = (47.3215, 1.6420)  # the fictitious Val-de-Lisière, somewhere in the Loire valley
# How many demo reports end in each status (100 in all).
STATUSES = ((ReportStatus.NEW, 18), (ReportStatus.ACKNOWLEDGED, 14),
            (ReportStatus.PLANNED, 12), (ReportStatus.IN_PROGRESS, 12),
            (ReportStatus.RESOLVED, 30), (ReportStatus.REJECTED, 7),
            (ReportStatus.DUPLICATE, 7))
QUESTIONS = ("horaires déchetterie dimanche", "ma poubelle n'a pas été ramassée",
             "comment avoir un nouveau bac", "quand passent les encombrants",
             "piscine ouverte le mercredi ?", "carte identité rendez-vous",
             "lampadaire en panne devant chez moi", "qui décide de la catégorie de mon "
             "signalement", "aide achat vélo électrique", "prix du ticket de bus",
             "je veux parler au maire", "mariage civil réservation de salle",
             "nid de frelon dans mon jardin", "tag sur mon mur", "horaires de la mairie annexe")


# Distance from the centre to the fictitious agglomeration's edge, in km, every 15° from the
# north, clockwise: an irregular outline that holds every demo report (within 3.2 km) and
# leaves room to place new ones.
OUTLINE_KM = (3.7, 4.1, 4.9, 5.3, 4.7, 4.2, 4.5, 5.6, 5.8, 5.0, 4.0, 3.6,
              3.7, 4.1, 4.6, 4.4, 3.8, 3.5, 3.9, 4.8, 5.2, 4.6, 4.0, 3.6)


def _outline() -> dict[str, Any]:
    """The demo's territory as a GeoJSON Feature (what an organisation would upload)."""
    outline = geo.regular_outline(CENTRE[1], CENTRE[0], OUTLINE_KM)
    return {"type": "Feature", "properties": {"nom": "Val-de-Lisière (fictif)"},
            "geometry": {"type": "Polygon", "coordinates": geo.to_json(outline)[0]}}


def _photo(colour: tuple[int, int, int]) -> services.CleanPhoto:
    image = Image.new("RGB", (320, 240), colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return services.clean_photo(out.getvalue(), "demo.jpg")


def _faq_rows() -> list[dict[str, str]]:
    text = resources.files("jalon.reports.demo_data").joinpath("faq.csv").read_text(
        encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter=";"))


def _reference(organisation: Organisation, actor: Any) -> dict[str, Category]:
    services.install_demo_categories(actor, organisation)
    for name, codes in TEAMS.items():
        team, _made = Team.objects.get_or_create(organisation=organisation, name=name)
        Category.objects.filter(organisation=organisation, code__in=codes,
                                team__isnull=True).update(team=team)
    for title, status, body in TEMPLATES:
        AnswerTemplate.objects.get_or_create(organisation=organisation, title=title,
                                             defaults={"status": status, "body": body})
    TriageSettings.objects.get_or_create(organisation=organisation, defaults={
        "human_contact": "Accueil de l'agglomération, 01 23 45 67 89, du lundi au vendredi "
                         "de 8 h 30 à 17 h 30"})
    return {c.code: c for c in selectors.categories(organisation).select_related("team")}


def _demo_rows() -> list[reportdata.Labelled]:
    """The hundred bundled training texts the demo's reports use (the same every time)."""
    rows = list(reportdata.training())
    random.Random(14).shuffle(rows)  # noqa: S311 — reproducible demo data
    return rows[:100]


def _reports(organisation: Organisation, categories: dict[str, Category], actor: Any,
             rng: random.Random) -> None:
    rows = _demo_rows()
    loaded = services.active_model(organisation)
    ranked = (loaded[1].suggest_many([r.text for r in rows], k=3) if loaded else
              [[] for _r in rows])
    version = loaded[0].version if loaded else ""
    labels = {code: c.label for code, c in categories.items()}
    statuses = [s for s, n in STATUSES for _i in range(n)]
    now = timezone.now()
    made: list[Report] = []
    updates: list[ReportUpdate] = []
    for i, (row, suggestion, status) in enumerate(zip(rows, ranked, statuses, strict=True)):
        # Older reports are more likely closed: spread over twelve months, open ones recent.
        age = rng.uniform(0, 20) if status == ReportStatus.NEW else rng.uniform(2, 360)
        received = now - dt.timedelta(days=age, minutes=rng.randint(0, 600))
        suggestions = [{"category": s.category, "label": labels.get(s.category, s.category),
                        "confidence": s.confidence} for s in suggestion]
        truth = categories[row.category]
        top = suggestions[0]["category"] if suggestions else ""
        triaged = status != ReportStatus.NEW
        state = (TriageState.PENDING if not triaged and suggestions else
                 TriageState.NONE if not suggestions else
                 TriageState.CONFIRMED if top == row.category else TriageState.CORRECTED)
        if not suggestions and triaged:
            state = TriageState.MANUAL
        closed = received + dt.timedelta(days=rng.uniform(1, 45)) \
            if status in CLOSED_STATUSES else None
        if closed and closed > now:
            closed = now
        report = Report(
            organisation=organisation, description=row.text,
            address=f"{rng.randint(1, 80)} {rng.choice(STREETS)}",
            latitude=Decimal(f"{CENTRE[0] + rng.uniform(-0.02, 0.02):.6f}"),
            longitude=Decimal(f"{CENTRE[1] + rng.uniform(-0.03, 0.03):.6f}"),
            email=f"habitant{i + 1}@exemple.fr" if i % 3 == 0 else "",
            follow_token_hash=services.token_hash(f"demo-{organisation.slug}-{i}"),
            citizen_category=truth if i % 4 == 0 else None, status=status,
            received_at=received, closed_at=closed, suggestions=suggestions,
            model_version=version, triage_state=state,
            category=truth if triaged else None,
            team=truth.team if triaged else None,
            triaged_by=actor if triaged else None,
            triaged_at=received + dt.timedelta(hours=4) if triaged else None,
            routed_at=received + dt.timedelta(hours=4) if triaged else None,
            status_reason=(TEMPLATES[3 + i % 2][2] if status == ReportStatus.REJECTED else ""))
        made.append(report)
    Report.objects.bulk_create(made)
    # Duplicates: each points to an earlier open or resolved report, at the same address.
    originals = [r for r in made if r.status in (ReportStatus.ACKNOWLEDGED,
                                                 ReportStatus.RESOLVED)]
    for duplicate, original in zip([r for r in made if r.status == ReportStatus.DUPLICATE],
                                   originals, strict=False):
        duplicate.duplicate_of = original
        duplicate.address, duplicate.latitude = original.address, original.latitude
        duplicate.longitude = original.longitude
        duplicate.category, duplicate.team = original.category, original.team
        duplicate.save(update_fields=["duplicate_of", "address", "latitude", "longitude",
                                      "category", "team"])
    templates = {t.status: t.body for t in selectors.answer_templates(organisation)}
    path = [ReportStatus.ACKNOWLEDGED, ReportStatus.PLANNED, ReportStatus.IN_PROGRESS,
            ReportStatus.RESOLVED]
    for report in made:
        updates.append(ReportUpdate(report=report, at=report.received_at,
                                    status=ReportStatus.NEW, message="Signalement reçu."))
        if report.status == ReportStatus.NEW:
            continue
        at = report.received_at + dt.timedelta(hours=4)
        updates.append(ReportUpdate(report=report, at=at, actor=actor, public=False,
                                    message=f"Catégorie « {report.category} » vérifiée."))
        if report.status in (ReportStatus.REJECTED, ReportStatus.DUPLICATE):
            message = (f"Motif : {report.status_reason}" if report.status == ReportStatus.REJECTED
                       else f"Déjà signalé ({report.duplicate_of.reference})."
                       if report.duplicate_of else "")
            updates.append(ReportUpdate(report=report, at=report.closed_at or at, actor=actor,
                                        status=report.status, message=message))
            continue
        for step in path[:path.index(ReportStatus(report.status)) + 1]:
            at = min(at + dt.timedelta(days=rng.uniform(0.5, 6)),
                     report.closed_at or now)
            updates.append(ReportUpdate(report=report, at=at, actor=actor, status=step,
                                        message=templates.get(step, "")))
    ReportUpdate.objects.bulk_create(updates)
    photos = [(made[0], (180, 90, 40)), (made[1], (90, 120, 60)), (made[5], (60, 60, 160))]
    ReportPhoto.objects.bulk_create(
        ReportPhoto(report=report, position=0, data=clean.data, width=clean.width,
                    height=clean.height)
        for report, colour in photos for clean in [_photo(colour)])


def _faq(organisation: Organisation, rng: random.Random) -> None:
    FaqEntry.objects.bulk_create(
        FaqEntry(organisation=organisation, question=row["question"], answer=row["answer"],
                 position=i) for i, row in enumerate(_faq_rows()))
    now = timezone.now()
    for i, question in enumerate(QUESTIONS):
        answer = services.ask(organisation, question, keep=False)
        FaqExchange.objects.create(
            organisation=organisation, question=question, entry=answer.entry,
            score=answer.score, answered=answer.answered,
            handed_to_human=not answer.answered,
            asked_at=now - dt.timedelta(days=rng.uniform(0, 80), minutes=i))


def seed_demo(agglomeration: Organisation, people: dict[str, Any],
              say: Callable[[str], None]) -> list[str]:
    """What was created, as short French phrases for the demo's summary."""
    created: list[str] = []
    actor = people.get("admin")
    rng = random.Random(14)  # noqa: S311 — reproducible demo data, not security
    with transaction.atomic():
        categories = _reference(agglomeration, actor)
        if selectors.active_model_record(agglomeration) is None:
            say("Entraînement du modèle de tri des signalements…")
            # Trained without the texts of the demo's reports: they arrive as new reports
            # and the people of the demo confirmed or corrected its suggestions.
            record = services.retrain(actor, agglomeration,
                                      without=frozenset(r.text for r in _demo_rows()))
            created.append(f"modèle de tri des signalements (F1 macro {record.macro_f1:.2f}, "
                           f"top 3 {100 * (record.top3_accuracy or 0):.0f} %)")
        if not selectors.reports(agglomeration).exists():
            _reports(agglomeration, categories, actor, rng)
            created.append("100 signalements d'usagers")
        if not selectors.faq(agglomeration).exists():
            _faq(agglomeration, rng)
            created.append("FAQ de 40 entrées et son assistant")
        if selectors.territory_record(agglomeration) is None:
            services.save_territory(actor, agglomeration, json.dumps(_outline()).encode(),
                                    "val-de-lisiere-contour-fictif.geojson")
            created.append("contour (fictif) du territoire")
    publish(actor, agglomeration, publishing.DOMAIN)
    return created
