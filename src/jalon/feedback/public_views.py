"""The public answer page of a service's form, through jalon.publicforms (throttling per
address and organisation, honeypot, size limits, no cookie, same-origin check), and the public
results of an organisation that publishes this domain.

A form's questions differ per service and per version, so the PublicForm is completed per
request with the form class of the current version; publicforms does the rest unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Final

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt

from jalon.feedback import selectors, services
from jalon.feedback.forms import AnswerFormBase, answer_form_class
from jalon.feedback.models import FeedbackForm, FormVersion, Source
from jalon.publicforms.base import PublicForm
from jalon.tenancy.scope import public_organisation, published_at

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


ANSWER_PAGE_SECONDS: Final = 600


def _page_key(form: FeedbackForm, version: FormVersion, source: str) -> str:
    """The blank answer page is the same for every visitor (no cookie, no token, no name): it
    is kept per version, form settings, service name, source and language."""
    return (f"feedback:answer:{version.pk}:{form.updated_at.timestamp()}:"
            f"{form.service.updated_at.timestamp()}:{source}:{translation.get_language()}")


# The answer page's view per (version, form settings, service name, source, language): built
# once, not per request (a PublicForm completed with the version's form class creates two form
# classes and the view's closures). Bounded: a handful of live forms per worker.
_VIEWS: dict[str, Callable[..., HttpResponse]] = {}
MAX_VIEWS: Final = 256


def _view(form: FeedbackForm, version: FormVersion, source: str, key: str
          ) -> Callable[..., HttpResponse]:
    view = _VIEWS.get(key)
    if view is None:
        page = dataclasses.replace(
            PAGE, form_class=answer_form_class(version, source),
            title=_("Votre avis sur « %(name)s »") % {"name": form.service.name},
            intro=form.intro)
        view = page.urls("", name="answer")[0].callback
        if len(_VIEWS) >= MAX_VIEWS:
            _VIEWS.clear()
        _VIEWS[key] = view
    return view


@csrf_exempt  # cookie-less: publicforms checks the origin instead (see publicforms.base)
def answer(request: HttpRequest, org_slug: str, service_id: int) -> HttpResponse:
    # Two queries before the cached blank page: is the domain published (one raw statement,
    # tenancy.scope.published_at) and the form's current version. The publicforms view checks
    # the organisation again (ORM) for what it renders or stores.
    published = published_at(org_slug, DOMAIN)
    if published is None:
        raise Http404("Nothing published")
    form, version = selectors.public_form(published[0], service_id)
    source = request.GET.get("source", "")
    source = source if source in Source.values else Source.DIRECT
    key = _page_key(form, version, source)
    if request.method == "GET" and (html := cache.get(key)) is not None:
        cached = HttpResponse(html)
        add_never_cache_headers(cached)
        return cached
    response: HttpResponse = _view(form, version, source, key)(
        request, org_slug, service_id=service_id)
    if request.method == "GET" and response.status_code == 200:
        cache.set(key, response.content, ANSWER_PAGE_SECONDS)
    return response


@cache_control(public=True, max_age=300)
def results(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's published indicators, per service: what users say of its services."""
    organisation = public_organisation(org_slug, DOMAIN)
    from jalon.feedback.publishing import public_context

    return render(request, "feedback/public_results.html", {
        "user": AnonymousUser(), "organisation": None, "messages": (), "public_org": organisation,
        **(public_context(organisation, request) or {})})

