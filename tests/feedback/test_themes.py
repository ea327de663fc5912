"""Themes of comments: closed tree with an "other" bucket, AI suggestions (jalon.core.triage)
confirmed or corrected by a person, quality measured on held-out comments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from tests import factories
from tests.factories import DigitalServiceFactory, OrganisationFactory
from tests.feedback.factories import answer, form_with_version

from jalon.feedback import themes
from jalon.feedback.models import CommentTheme, Theme, ThemeModel, Triage
from jalon.tenancy.models import AuditEvent

pytestmark = pytest.mark.django_db

PAYMENT = ["Paiement refusé avec ma carte bancaire", "La carte est refusée au paiement",
           "Impossible de payer, carte rejetée", "Le paiement par carte échoue",
           "Paiement bloqué, carte bancaire refusée", "Erreur de paiement carte",
           "Ma carte ne passe pas au moment de payer", "Échec du paiement en ligne",
           "Refus de paiement sans explication", "Le paiement n'aboutit jamais",
           "Carte refusée trois fois", "Payer en ligne est impossible, carte refusée",
           "Transaction refusée par le site", "Paiement rejeté malgré une carte valide",
           "Le site refuse ma carte bleue", "Paiement impossible sur le portail famille"]
APPOINTMENT = ["Aucun créneau de rendez-vous disponible", "Pas de rendez-vous avant deux mois",
               "Impossible de trouver un rendez-vous", "Tous les créneaux sont pris",
               "Plus aucun rendez-vous ce mois-ci", "Rendez-vous introuvable en mairie",
               "Les créneaux partent en quelques minutes", "Délai de rendez-vous trop long",
               "Aucune date de rendez-vous proposée", "Rendez-vous complets partout",
               "Je n'arrive pas à réserver un créneau", "Pas de créneau libre cette semaine",
               "Créneaux de rendez-vous insuffisants", "Attente de rendez-vous interminable",
               "Rendez-vous passeport introuvable", "Aucun rendez-vous pour la carte d'identité"]


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a")


@pytest.fixture
def form(org):
    return form_with_version(service=DigitalServiceFactory(organisation=org))


@pytest.fixture
def manager(org):
    client = Client()
    client.force_login(factories.member(org, "editor"))
    return client


def url(org, tail=""):
    return f"/o/{org.slug}/feedback/themes/{tail}"


def test_default_tree_is_closed_with_an_other_bucket(org, manager):
    assert manager.get(url(org)).status_code == 200
    assert manager.post(url(org, "creer/")).status_code == 302
    assert Theme.objects.filter(organisation=org, code="autre", is_other=True).exists()
    count = Theme.objects.filter(organisation=org).count()
    assert manager.post(url(org, "creer/")).status_code == 302
    assert Theme.objects.filter(organisation=org).count() == count
    codes = [t.code for t in themes.categories(org)]
    assert "refus" in codes and "paiement" not in codes and codes[-1] == "autre"
    manager.post(url(org, "ajouter/"), {"label": "Stationnement", "parent": ""})
    assert Theme.objects.filter(organisation=org, label="Stationnement").exists()
    other = Theme.objects.get(organisation=org, code="autre")
    manager.post(url(org, "ajouter/"), {"label": "Sous autre", "parent": other.pk})
    assert not Theme.objects.filter(organisation=org, label="Sous autre").exists()


def test_a_person_classifies_and_a_parent_with_children_is_refused(org, form, manager):
    themes.ensure_tree(None, org)
    response = answer(form, satisfaction="2", verbatim="Carte refusée")
    parent = Theme.objects.get(organisation=org, code="paiement")
    manager.post(url(org, f"commentaires/{response.pk}/"), {"theme": parent.pk})
    assert not CommentTheme.objects.filter(response=response).exists()
    leaf = Theme.objects.get(organisation=org, code="refus")
    assert manager.post(url(org, f"commentaires/{response.pk}/"),
                        {"theme": leaf.pk}).status_code == 302
    row = CommentTheme.objects.get(response=response)
    assert (row.theme, row.status) == (leaf, Triage.MANUAL)


def test_viewer_cannot_classify_or_train(org, form):
    themes.ensure_tree(None, org)
    response = answer(form, satisfaction="2", verbatim="Carte refusée")
    viewer = Client()
    viewer.force_login(factories.member(org, "viewer"))
    leaf = Theme.objects.get(organisation=org, code="refus")
    assert viewer.post(url(org, f"commentaires/{response.pk}/"),
                       {"theme": leaf.pk}).status_code == 403
    assert viewer.post(url(org, "entrainer/")).status_code == 403
    assert viewer.get(url(org, "a-trier/")).status_code == 200


def test_training_needs_enough_classified_comments(org, form, manager):
    themes.ensure_tree(None, org)
    response = manager.post(url(org, "entrainer/"), follow=True)
    assert "Pas assez de commentaires classés" in response.content.decode()
    assert not ThemeModel.objects.exists()


def test_model_suggests_a_person_confirms_or_corrects_and_quality_is_measured(org, form,
                                                                               manager):
    themes.ensure_tree(None, org)
    refus = Theme.objects.get(organisation=org, code="refus")
    slots = Theme.objects.get(organisation=org, code="rendez-vous")
    when = timezone.now() - dt.timedelta(days=30)
    for text in PAYMENT:
        themes.classify(None, answer(form, when, satisfaction="1", verbatim=text), refus)
    for text in APPOINTMENT:
        themes.classify(None, answer(form, when, satisfaction="2", verbatim=text), slots)
    new_payment = answer(form, satisfaction="1", verbatim="On m'a refusé le paiement par carte")
    new_slot = answer(form, satisfaction="2", verbatim="Pas un seul créneau de rendez-vous")
    response = manager.post(url(org, "entrainer/"), follow=True)
    assert response.status_code == 200
    model = ThemeModel.objects.get(organisation=org)
    assert model.n_evaluated > 0 and model.macro_f1 is not None
    assert model.n_examples + model.n_evaluated == len(PAYMENT) + len(APPOINTMENT)
    html = response.content.decode()
    assert "macro-F1" in html
    suggestion = CommentTheme.objects.get(response=new_payment)
    assert suggestion.status == Triage.SUGGESTED and suggestion.model_version == model.version
    assert suggestion.suggestions[0]["theme"] == "refus"
    assert 0 < suggestion.suggestions[0]["confidence"] <= 1
    queue = manager.get(url(org, "a-trier/")).content.decode()
    assert "Suggestion de l'IA" in queue and "modèle automatique" in queue
    # Nothing counts before a person decides.
    assert themes.counts_by_theme(org)["refus"] == len(PAYMENT)
    manager.post(url(org, f"commentaires/{new_payment.pk}/"), {"theme": refus.pk})
    manager.post(url(org, f"commentaires/{new_slot.pk}/"),
                 {"theme": Theme.objects.get(organisation=org, code="autre").pk})
    assert CommentTheme.objects.get(response=new_payment).status == Triage.CONFIRMED
    corrected = CommentTheme.objects.get(response=new_slot)
    assert corrected.status == Triage.CORRECTED and corrected.suggestions
    event = AuditEvent.objects.get(action="feedback.comment_classified", target=str(new_slot.pk))
    assert event.details["model"] == model.version
    assert AuditEvent.objects.filter(action="feedback.theme_model_trained").exists()


def test_a_tampered_model_is_refused(org, form):
    from jalon.core.triage import TriageError

    themes.ensure_tree(None, org)
    refus = Theme.objects.get(organisation=org, code="refus")
    slots = Theme.objects.get(organisation=org, code="rendez-vous")
    for text in PAYMENT:
        themes.classify(None, answer(form, satisfaction="1", verbatim=text), refus)
    for text in APPOINTMENT:
        themes.classify(None, answer(form, satisfaction="2", verbatim=text), slots)
    model = themes.train(None, org).model
    data = bytearray(model.data)
    data[-1] ^= 1
    ThemeModel.objects.filter(pk=model.pk).update(data=bytes(data))
    answer(form, satisfaction="1", verbatim="Carte refusée encore")
    with pytest.raises(TriageError):
        themes.suggest_pending(org)
