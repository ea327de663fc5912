"""Every write of the feedback domain: each in a transaction, each audited.

Callers pass objects obtained through `selectors` (scoped to the request's organisation). The
public answer (`receive`) is called by jalon.publicforms, which audits it and counts it for the
throttling in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon import events
from jalon.catalogue.models import DigitalService
from jalon.feedback import questions as q
from jalon.feedback.models import FeedbackForm, FormVersion, Response, Source
from jalon.publicforms.services import Submission
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

# Change topic (jalon.events) after which the feedback indicators are recomputed.
TOPIC: Final = "feedback"
SETTINGS: Final = ("active", "intro", "button_placed_on", "button_location")


def _actor_name(actor: Any) -> str:
    return str(getattr(actor, "username", "") or getattr(actor, "name", "") or "")


def current_version(form: FeedbackForm) -> FormVersion:
    version = form.versions.order_by("-number").first()
    if version is None:  # every form is created with its first version
        raise FormVersion.DoesNotExist(f"form {form.pk} has no version")
    return version


def enable_form(actor: Any, service: DigitalService) -> FeedbackForm:
    """Open a feedback form on a service (the standard questionnaire), or reopen it."""
    with transaction.atomic():
        form = FeedbackForm.objects.select_for_update().filter(service=service).first()
        if form is None:
            form = FeedbackForm.objects.create(organisation_id=service.organisation_id,
                                               service=service)
            FormVersion.objects.create(form=form, number=1, questions=q.standard_questions(),
                                       created_by=_actor_name(actor))
            record(actor, "feedback.form_created", service.organisation, target=service.name,
                   service_id=service.pk)
        elif not form.active:
            form.active = True
            form.save(update_fields=["active", "updated_at"])
            record(actor, "feedback.form_reopened", service.organisation, target=service.name,
                   service_id=service.pk)
        events.announce(TOPIC, service.organisation_id)
    return form


def clean_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise ValidationError({name: _("Champ inconnu.") for name in sorted(unknown)})
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "active":
            out[name] = bool(value)
        elif name == "button_placed_on":
            if value is not None and not isinstance(value, dt.date):
                raise ValidationError({name: _("Date attendue (AAAA-MM-JJ).")})
            if value is not None and value > timezone.localdate():
                raise ValidationError({name: _("Cette date est dans le futur : indiquez la "
                                                "date de mise en ligne du bouton.")})
            out[name] = value
        else:
            text = (value or "").strip()
            most = 1000 if name == "intro" else 500
            if len(text) > most:
                raise ValidationError({name: _("%(most)d caractères au plus.") % {"most": most}})
            if name == "button_location" and text and not text.startswith(("http://",
                                                                           "https://")):
                raise ValidationError({name: _("Adresse web attendue, commençant par "
                                                "https://.")})
            out[name] = text
    return out


def update_settings(actor: Any, form: FeedbackForm, values: Mapping[str, Any]) -> FeedbackForm:
    cleaned = clean_settings(values)
    changed = {k: v for k, v in cleaned.items() if getattr(form, k) != v}
    if not changed:
        return form
    with transaction.atomic():
        for name, value in changed.items():
            setattr(form, name, value)
        form.save()
        record(actor, "feedback.form_updated", form.organisation, target=form.service.name,
               service_id=form.service_id, fields=sorted(changed))
        events.announce(TOPIC, form.organisation_id)
    return form


def save_questions(actor: Any, form: FeedbackForm, questions: list[Any]) -> FormVersion:
    """A new version of the form when its questions change (the previous one stays, with its
    responses); the same version when nothing changed."""
    cleaned = q.clean_questions(questions)
    with transaction.atomic():
        FeedbackForm.objects.select_for_update().filter(pk=form.pk).first()
        current = current_version(form)
        if current.questions == cleaned:
            return current
        version = FormVersion.objects.create(form=form, number=current.number + 1,
                                             questions=cleaned, created_by=_actor_name(actor))
        record(actor, "feedback.questions_changed", form.organisation, target=form.service.name,
               service_id=form.service_id, version=version.number,
               questions=[question["code"] for question in cleaned])
    return version


def _level(value: Any) -> int | None:
    try:
        level = int(value)
    except (TypeError, ValueError):
        return None
    return level if 1 <= level <= 5 else None


def typed_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The indicator columns of a response from its answers (standard codes)."""
    tried = answers.get(q.CONTACT_TRIED)
    reached = answers.get(q.CONTACT_REACHED)
    return {
        "satisfaction": _level(answers.get(q.SATISFACTION)),
        "comprehension": _level(answers.get(q.COMPREHENSION)),
        "no_help": (q.NO_HELP in tried) if isinstance(tried, list) and tried else None,
        "reached": True if reached == "yes" else False if reached == "no" else None,
        "help_quality": _level(answers.get(q.CONTACT_SATISFACTION)),
        "comment": str(answers.get(q.VERBATIM) or "").strip(),
    }


def receive(organisation: Organisation, cleaned_data: dict[str, Any],
            submission: Submission) -> Response:
    """Store one public answer (called by jalon.publicforms inside its transaction)."""
    version = (FormVersion.objects.select_related("form")
               .filter(pk=int(cleaned_data.get("form_version") or 0),
                       form__organisation=organisation,
                       form__active=True).first())
    if version is None:
        raise ValidationError(_("Ce questionnaire n'est plus ouvert : rechargez la page."))
    answers: dict[str, Any] = {}
    for question in version.questions:
        value = cleaned_data.get(question["code"])
        if value in (None, "", []):
            continue
        answers[question["code"]] = list(value) if isinstance(value, (list, tuple)) else value
    source = cleaned_data.get("source") or Source.DIRECT
    previous = (Response.objects.filter(organisation=organisation)
                .order_by("-received_at").values_list("received_at", flat=True).first())
    response = Response.objects.create(
        organisation=organisation, form=version.form, version=version,
        received_at=submission.received_at,
        source=source if source in Source.values else Source.DIRECT,
        language=submission.language[:8], answers=answers, **typed_answers(answers))
    # The indicators are recomputed at most once a day from the answers (a busy form would
    # otherwise queue a recomputation per answer): on the first answer of the day.
    if previous is None or timezone.localdate(previous) != timezone.localdate(
            submission.received_at):
        events.announce(TOPIC, organisation.pk)
    return response
