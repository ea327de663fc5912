"""This domain's part of the demo (jalon demo), called by jalon.demo_site after the catalogue
of services is seeded and before the strategies; idempotent and fast (one bulk insert).

The agglomeration opens a feedback form on its public services in service, places the button
on most of them (two are left without, so the "100 %" target is not met yet), rewords and
extends the questionnaire of one service (version 2), and receives a few hundred answers over
the last twelve months, drawn from a seeded random generator (the same answers every run,
dated relative to today so that the trend always covers the last twelve months).

DEMO_INDICATORS lists computed indicators (keys of this domain's IndicatorSource entries) that
jalon.demo_site adds to the demo agglomeration's strategy once the strategies exist.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from jalon.catalogue.models import Audience, DigitalService, ServiceStatus
from jalon.feedback import questions as q
from jalon.feedback import services, themes
from jalon.feedback.models import CommentTheme, FeedbackForm, Response, Source, Triage
from jalon.feedback.publishing import BUTTON_SHARE_KEY, SATISFACTION_KEY
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation, Publication

SEED: Final = 20260314
ANSWERS: Final = 480
DEMO_INDICATORS: tuple[dict[str, Any], ...] = (
    {"computed": BUTTON_SHARE_KEY,
     "name": "Part des services numériques publics équipés d'un bouton d'avis", "unit": "%",
     "direction": "up", "precision": 0,
     "description": "Services ouverts au public et en service dont le formulaire « Je donne "
                    "mon avis » est ouvert et le bouton placé sur le service.",
     "method": "Calculé depuis les formulaires d'avis de Jalon, en fin d'année.",
     "source": "Jalon — avis des usagers",
     "target_kind": "level", "target_value": 100.0, "target_date": dt.date(2027, 12, 31)},
    {"computed": SATISFACTION_KEY, "name": "Satisfaction des usagers des services numériques",
     "unit": "/10", "direction": "up", "precision": 1,
     "description": "Moyenne des réponses à « De façon générale, comment ça s'est passé ? », "
                    "notées de 0 à 10, tous services confondus.",
     "method": "Définition de l'observatoire des démarches en ligne de l'État (« Je donne mon "
               "avis », DINUM), calculée sur les avis de l'année.",
     "source": "Jalon — avis des usagers",
     "target_kind": "level", "target_value": 8.0, "target_date": dt.date(2027, 12, 31)},
)

# Services left without a button: the strategy's "100 %" target is not met yet.
WITHOUT_BUTTON: Final = ("Application « Val-de-Lisière & moi »", "API des données ouvertes")
# How well each service goes, on average (0 poor … 1 excellent); others 0.6.
QUALITY: Final = {"Paiement de la cantine": 0.8, "Rendez-vous passeport et carte d'identité": 0.4,
                  "Demande de badge d'accès aux déchèteries": 0.75,
                  "Assistant conversationnel « Lisa »": 0.35}
CUSTOMISED: Final = "Paiement de la cantine"

# Comments by satisfaction level, each with the theme a person of the agglomeration gave it.
COMMENTS: Final[dict[int, tuple[tuple[str, str], ...]]] = {
    5: (("Très simple, paiement fait en deux minutes.", "compliments"),
        ("Rien à redire, merci !", "compliments"),
        ("Enfin une démarche claire, bravo à l'équipe.", "compliments"),
        ("Rapide et efficace, j'ai reçu la confirmation tout de suite.", "compliments"),
        ("Parfait depuis mon téléphone, merci.", "compliments"),
        ("Merci pour ce service, tout s'est bien passé.", "compliments"),
        ("Super pratique de pouvoir le faire le dimanche soir.", "compliments")),
    4: (("Bien, mais il faudrait pouvoir enregistrer sa carte bancaire.", "moyens"),
        ("Pratique. Le lien vers la démarche est difficile à trouver sur le site.", "trouver"),
        ("Correct, un peu long à charger le soir.", "lenteur"),
        ("Bonne démarche, mais le courriel de confirmation arrive dans les indésirables.",
         "recu"),
        ("J'aurais aimé payer par prélèvement automatique.", "moyens"),
        ("Le menu est un peu confus, j'ai cherché le bon onglet.", "navigation"),
        ("Bien, mais le reçu n'est pas téléchargeable en PDF.", "recu"),
        ("Les pages mettent du temps à s'afficher sur la 4G.", "lenteur")),
    3: (("Je n'ai pas compris quel justificatif fournir.", "justificatifs"),
        ("Moyen : le formulaire se vide quand on revient en arrière.", "blocage"),
        ("Les horaires affichés ne correspondent pas à ceux de la mairie.", "infos-pratiques"),
        ("Le vocabulaire administratif n'est pas clair (« pièce justificative de domicile » ?).",
         "vocabulaire"),
        ("Quels documents faut-il scanner ? Ce n'est écrit nulle part.", "justificatifs"),
        ("Sur mobile les boutons se chevauchent.", "telephone"),
        ("Impossible de trouver la page depuis l'accueil du site.", "trouver"),
        ("Des mots compliqués, j'ai dû demander à ma fille.", "vocabulaire"),
        ("L'adresse de la déchèterie indiquée est fausse.", "infos-pratiques")),
    2: (("Impossible de trouver un créneau avant deux mois.", "rendez-vous"),
        ("J'ai dû appeler trois fois avant d'avoir quelqu'un.", "joindre"),
        ("Le site plante au moment de valider, j'ai recommencé deux fois.", "blocage"),
        ("Pas accessible avec mon lecteur d'écran : les boutons n'ont pas de nom.",
         "accessibilite"),
        ("Plus aucun rendez-vous disponible ce mois-ci.", "rendez-vous"),
        ("Ma demande est en attente depuis six semaines.", "traitement"),
        ("Texte trop petit et contrastes faibles, difficile à lire.", "accessibilite"),
        ("Le formulaire ne s'affiche pas en entier sur mon téléphone.", "telephone"),
        ("Toujours pas de réponse après un mois d'instruction.", "traitement")),
    1: (("Aucune réponse à mon courriel depuis trois semaines.", "reponse"),
        ("Démarche abandonnée, je suis allé au guichet.", "autre"),
        ("Le chatbot ne comprend rien, et aucun moyen de parler à une personne.", "assistant"),
        ("Paiement refusé sans explication, et personne au téléphone.", "refus"),
        ("Ma carte est refusée à chaque tentative.", "refus"),
        ("Le standard ne répond jamais.", "joindre"),
        ("L'assistant automatique tourne en rond.", "assistant"),
        ("Message envoyé via le formulaire de contact, jamais de retour.", "reponse"),
        ("Pourquoi faut-il encore imprimer ce document en 2026 ?", "autre")),
}
CHANNELS: Final = ("counter", "phone", "email", "chat", "relative", "websites")


def _public_services(organisation: Organisation) -> list[DigitalService]:
    return list(DigitalService.objects.filter(
        organisation=organisation, audience=Audience.PUBLIC,
        status__in=[ServiceStatus.IN_SERVICE, ServiceStatus.BEING_RETIRED]).order_by("name"))


def _level(rng: random.Random, quality: float) -> int:
    """A five-level answer around `quality` (0…1)."""
    value = quality * 4 + 1 + rng.gauss(0, 0.9)
    return max(1, min(5, round(value)))


def _answers(rng: random.Random, quality: float, custom: bool) -> dict[str, Any]:
    satisfaction = _level(rng, quality)
    answers: dict[str, Any] = {q.SATISFACTION: str(satisfaction)}
    if rng.random() < 0.85:
        answers[q.COMPREHENSION] = str(_level(rng, quality * 0.9 + 0.05))
    if rng.random() < 0.8:
        if rng.random() < 0.35 + 0.4 * quality:
            answers[q.CONTACT_TRIED] = [q.NO_HELP]
        else:
            tried = rng.sample(CHANNELS, rng.choice((1, 1, 2)))
            answers[q.CONTACT_TRIED] = tried
            if q.ADMINISTRATION_CHANNELS & set(tried):
                reached = rng.random() < 0.45 + 0.5 * quality
                answers[q.CONTACT_REACHED] = "yes" if reached else "no"
                if reached:
                    answers[q.CONTACT_SATISFACTION] = str(_level(rng, quality))
    if rng.random() < 0.3:
        answers[q.VERBATIM] = rng.choice(COMMENTS[satisfaction])[0]
    if custom and rng.random() < 0.7:
        answers["q1"] = rng.choice(("1", "2", "3"))
    return answers


def _seed_themes(agglomeration: Organisation, actor: Any) -> list[str]:
    """The default theme tree, and the comments of the first nine months classified by a
    person (the model is trained from the back office: "Entraîner le modèle", a background
    task — never in the demo's own time)."""
    if not themes.ensure_tree(actor, agglomeration):
        return []
    by_code = {t.code: t for t in themes.themes(agglomeration)}
    label = {text: code for level in COMMENTS.values() for text, code in level}
    cutoff = timezone.now() - dt.timedelta(days=90)
    rows = [CommentTheme(response=r, organisation=agglomeration, theme=by_code[label[r.comment]],
                         status=Triage.MANUAL, decided_by=getattr(actor, "username", ""),
                         decided_at=r.received_at + dt.timedelta(days=2))
            for r in Response.objects.filter(organisation=agglomeration,
                                             received_at__lt=cutoff).exclude(comment="")
            if r.comment in label]
    CommentTheme.objects.bulk_create(rows)
    return [f"arborescence de thèmes et {len(rows)} commentaires classés par une personne"]


def seed_demo(agglomeration: Organisation, people: dict[str, Any],
              say: Callable[[str], None]) -> list[str]:
    """What was created, as short French phrases for the demo's summary."""
    created: list[str] = []
    actor = people["admin"]
    today = timezone.localdate()
    with transaction.atomic():
        public = _public_services(agglomeration)
        existing = set(FeedbackForm.objects.filter(organisation=agglomeration)
                       .values_list("service_id", flat=True))
        opened = 0
        for index, service in enumerate(public):
            if service.pk in existing:
                continue
            form = services.enable_form(actor, service)
            placed = None if service.name in WITHOUT_BUTTON else today - dt.timedelta(
                days=500 - 25 * index)
            services.update_settings(actor, form, {
                "button_placed_on": placed,
                "button_location": f"{service.url}/confirmation" if placed and service.url
                else ""})
            if service.name == CUSTOMISED:
                current = services.current_version(form).questions
                reworded = [{**question, "label": "Comment s'est passé le paiement de la "
                                                  "cantine ?"}
                            if question["code"] == q.SATISFACTION else question
                            for question in current]
                reworded.append({"kind": q.CHOICE, "label": "Pour combien d'enfants "
                                 "payez-vous la cantine ?", "help": "",
                                 "options": ["Un", "Deux", "Trois ou plus"]})
                services.save_questions(actor, form, reworded)
            opened += 1
        if opened:
            created.append(f"{opened} formulaires d'avis sur les services de l'agglomération")
        forms = list(FeedbackForm.objects.filter(organisation=agglomeration)
                     .select_related("service"))
        if forms and not Response.objects.filter(organisation=agglomeration).exists():
            rng = random.Random(SEED)  # noqa: S311  # demo data, not security
            versions = {f.pk: services.current_version(f) for f in forms}
            weights = [3 if f.service.kind == "online_procedure" else 1 for f in forms]
            start = timezone.now() - dt.timedelta(days=365)
            rows = []
            for _ in range(ANSWERS):
                form = rng.choices(forms, weights)[0]
                # More answers in recent months (the button spreads) and a slow improvement.
                age = 1 - rng.random() ** 0.8
                when = start + dt.timedelta(seconds=int((1 - age) * 365 * 86400))
                quality = QUALITY.get(form.service.name, 0.6) + 0.15 * (1 - age) - 0.05
                version = versions[form.pk]
                answers = _answers(rng, min(max(quality, 0.0), 1.0), version.number > 1)
                rows.append(Response(
                    organisation=agglomeration, form=form, version=version, received_at=when,
                    source=rng.choice((Source.BUTTON, Source.BUTTON, Source.LINK,
                                       Source.WIDGET)),
                    answers=answers, **services.typed_answers(answers)))
            Response.objects.bulk_create(rows, batch_size=500)
            record(actor, "feedback.demo_seeded", agglomeration, target="demo",
                   responses=len(rows))
            created.append(f"{len(rows)} avis d'usagers sur douze mois")
        created.extend(_seed_themes(agglomeration, actor))
        _publication, made = Publication.objects.get_or_create(
            organisation=agglomeration, domain="feedback",
            defaults={"published": True, "changed_by": actor})
        if made:
            record(actor, "publishing.publish", agglomeration, target="feedback",
                   domain="feedback", published=True)
            created.append("publication des avis des usagers de l'agglomération")
    return created
