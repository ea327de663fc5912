"""Background work of the feedback domain: training the comments' theme model and suggesting
themes (scikit-learn is slow to import and to fit: never in a page's request)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from jalon.feedback import themes
from jalon.tenancy.models import Organisation


@task()
def train_themes(organisation_id: int, user_id: int | None = None) -> int:
    """Train the organisation's theme model; returns how many comments got suggestions."""
    organisation = Organisation.objects.get(pk=organisation_id)
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return themes.train(actor, organisation).suggested


@task()
def suggest_themes(organisation_id: int) -> int:
    """Suggestions of the current model for the comments received since it was trained."""
    return themes.suggest_pending(Organisation.objects.get(pk=organisation_id))
