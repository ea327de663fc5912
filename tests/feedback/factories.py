"""Factories of the feedback domain, on top of tests/factories.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from tests.factories import DigitalServiceFactory

from jalon.feedback import questions as q
from jalon.feedback import services
from jalon.feedback.models import CommentTheme, FeedbackForm, FormVersion, Response, Theme


class FeedbackFormFactory(DjangoModelFactory[FeedbackForm]):
    class Meta:
        model = FeedbackForm

    service = factory.SubFactory(DigitalServiceFactory)
    organisation = factory.SelfAttribute("service.organisation")
    active = True


class FormVersionFactory(DjangoModelFactory[FormVersion]):
    class Meta:
        model = FormVersion

    form = factory.SubFactory(FeedbackFormFactory)
    number = 1
    questions = factory.LazyFunction(q.standard_questions)


def form_with_version(**values: Any) -> FeedbackForm:
    """A form and its first version (the standard questionnaire)."""
    form = FeedbackFormFactory(**values)
    FormVersionFactory(form=form)
    return form


class ResponseFactory(DjangoModelFactory[Response]):
    class Meta:
        model = Response

    form = factory.SubFactory(FeedbackFormFactory)
    organisation = factory.SelfAttribute("form.organisation")
    version = factory.LazyAttribute(lambda o: services.current_version(o.form))
    received_at = factory.LazyFunction(timezone.now)
    answers = factory.LazyFunction(lambda: {q.SATISFACTION: "4"})

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Response:
        kwargs.update(services.typed_answers(kwargs.get("answers", {})))
        return super()._create(model_class, *args, **kwargs)


def answer(form: FeedbackForm, when: dt.datetime | None = None, **answers: Any) -> Response:
    return ResponseFactory(form=form, received_at=when or timezone.now(), answers=answers)


class CommentThemeFactory(DjangoModelFactory[CommentTheme]):
    class Meta:
        model = CommentTheme

    response = factory.SubFactory(ResponseFactory)
    organisation = factory.SelfAttribute("response.organisation")
    status = "manual"


class ThemeFactory(DjangoModelFactory[Theme]):
    class Meta:
        model = Theme

    code = factory.Sequence(lambda n: f"theme-{n}")
    label = factory.Sequence(lambda n: f"Thème {n}")
