"""A test-only domain that uses the public form component ("testvoice": feedback from the
public), wired in front of Jalon's own URLs. Its service keeps submissions in a list."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import include, path

from jalon import privacy
from jalon.kit.forms import Accessible
from jalon.publicforms.base import PublicForm
from jalon.publicforms.services import Submission
from jalon.tenancy.models import Organisation
from jalon.urls import urlpatterns as jalon_urlpatterns

DOMAIN = "testvoice"
ACTION = "testvoice.feedback_received"
RETENTION = dt.timedelta(days=30)
STORED: list[dict[str, Any]] = []


class FeedbackForm(Accessible, forms.Form):
    email = forms.EmailField(label="Adresse électronique", required=False, max_length=254)
    message = forms.CharField(label="Votre message", widget=forms.Textarea, max_length=20000)


def receive(organisation: Organisation, data: dict[str, Any], submission: Submission
            ) -> SimpleNamespace:
    if data["message"] == "refusé":
        raise ValidationError("Le service n'accepte pas ce message.")
    STORED.append({"organisation": organisation.slug, **data,
                   "address_hash": submission.address_hash})
    return SimpleNamespace(pk=len(STORED))


if not privacy.is_declared_audit_action(ACTION):
    privacy.register_audit((ACTION,), name="test.voice", subject="email", retention=RETENTION,
                           purpose="Avis du public (domaine de test)")

feedback = PublicForm(domain=DOMAIN, form_class=FeedbackForm, service=receive, action=ACTION,
                      title="Donner votre avis")

urlpatterns = [
    path("p/<slug:org_slug>/avis/", include((feedback.urls(name="feedback"), "testvoice"))),
    *jalon_urlpatterns,
]
