"""The public answer page of a service's form, through jalon.publicforms (throttling per
address and organisation, honeypot, size limits, no cookie, same-origin check), and the public
results of an organisation that publishes this domain.

A form's questions differ per service and per version, so the PublicForm is completed per
request with the form class of the current version; publicforms does the rest unchanged.
"""

from __future__ import annotations

import dataclasses
from typing import Final

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt

from jalon.feedback import selectors, services
from jalon.feedback.forms import AnswerFormBase, answer_form_class
from jalon.publicforms.base import PublicForm
from jalon.tenancy.scope import public_organisation

DOMAIN: Final = "feedback"
ACTION: Final = "feedback.answer_received"

PAGE: Final = PublicForm(
    domain=DOMAIN, form_class=AnswerFormBase, service=services.receive, action=ACTION,
    title=_("Donnez votre avis"),
    notice=_("Votre avis est anonyme : il sert à améliorer ce service. N'écrivez pas de "
             "données personnelles dans le commentaire. Les commentaires peuvent être classés "
             "par thème avec l'aide d'un outil automatique (intelligence artificielle) ; une "
             "personne vérifie toujours ce classement. Cette page ne dépose aucun cookie et "
             "n'utilise pas JavaScript."),
    thanks=_("Merci, votre avis a bien été reçu. Il sera lu par l'équipe du service."),
    template_name="feedback/public_form.html")


@csrf_exempt  # cookie-less: publicforms checks the origin instead (see publicforms.base)
def answer(request: HttpRequest, org_slug: str, service_id: int) -> HttpResponse:
    organisation = public_organisation(org_slug, DOMAIN)
    form, version = selectors.public_form(organisation, service_id)
    page = dataclasses.replace(
        PAGE, form_class=answer_form_class(version, request.GET.get("source", "")),
        title=_("Votre avis sur « %(name)s »") % {"name": form.service.name},
        intro=form.intro)
    view = page.urls("", name="answer")[0].callback
    response: HttpResponse = view(request, org_slug, service_id=service_id)
    return response


@cache_control(public=True, max_age=300)
def results(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's published indicators, per service: what users say of its services."""
    organisation = public_organisation(org_slug, DOMAIN)
    from jalon.feedback.publishing import public_context

    return render(request, "feedback/public_results.html", {
        "user": AnonymousUser(), "organisation": None, "messages": (), "public_org": organisation,
        **(public_context(organisation, request) or {})})

