"""The feedback domain's part of tests/web/test_isolation.py: a form on the target's service
(`service_id`, seeded by the walk itself), a response and a comment holding the secret."""

from __future__ import annotations

from typing import Any

from tests.feedback.factories import (
    CommentThemeFactory,
    FeedbackFormFactory,
    FormVersionFactory,
    ResponseFactory,
    ThemeFactory,
)

from jalon.catalogue.models import DigitalService
from jalon.feedback.models import (
    CommentTheme,
    FeedbackForm,
    FormVersion,
    Response,
    Theme,
    ThemeModel,
)
from jalon.tenancy.models import Organisation

TARGET_IDS = {"service_id", "response_id"}
STRING_VALUES = {"fmt": "csv"}


def seed(target: Organisation, pk: int, secret: str) -> None:
    service = DigitalService.objects.get(organisation=target, pk=pk)
    form = FeedbackFormFactory(pk=pk, service=service, intro=secret,
                               button_location="https://secret.example")
    FormVersionFactory(form=form)
    response = ResponseFactory(pk=pk, form=form,
                               answers={"satisfaction": "5", "verbatim": secret}, comment=secret)
    theme = ThemeFactory(pk=pk, organisation=target, code="autre", label=secret, is_other=True)
    CommentThemeFactory(response=response, theme=theme)


def snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "feedback_forms": list(FeedbackForm.objects.filter(organisation=org).values()),
        "feedback_versions": list(FormVersion.objects.filter(form__organisation=org)
                                  .values("pk", "number", "questions")),
        "feedback_responses": list(Response.objects.filter(organisation=org)
                                   .values("pk", "comment", "answers")),
        "feedback_themes": list(Theme.objects.filter(organisation=org).values()),
        "feedback_triage": list(CommentTheme.objects.filter(organisation=org).values()),
        "feedback_models": ThemeModel.objects.filter(organisation=org).count(),
    }
