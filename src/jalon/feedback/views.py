"""Feedback pages of the organisation. Thin: scope (decorator), form, selector or service,
template."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jalon.core import feedback_indicators as fi
from jalon.feedback import exports, presentation, selectors, services
from jalon.feedback.forms import CommentFilterForm, EnableForm, QuestionsForm, SettingsForm
from jalon.feedback.models import FeedbackForm
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, organisation_view

COMMENTS_PER_PAGE = 30


def _can_manage(request: OrganisationRequest) -> bool:
    return scope.has(request, Capability.MANAGE_FEEDBACK)


def _last_complete_month() -> dt.date:
    """The indicators' cards describe the last complete month (a month in progress would show
    a few days' answers)."""
    return timezone.localdate().replace(day=1) - dt.timedelta(days=1)


def _service_url(request: OrganisationRequest, service_id: int) -> str:
    return reverse("feedback:service", args=[request.organisation.slug, service_id])


def _indicators(rows: Any, prefix: str) -> dict[str, Any]:
    trend = selectors.trend(rows, _last_complete_month())
    last = trend.last
    return {"cards": presentation.cards(last.indicators, dict(last.changes)),
            "cards_month": presentation.month_label(last.month),
            "overall_cards": presentation.cards(trend.overall),
            **presentation.trend_context(trend.points, prefix)}


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def index(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    since = fi.months_ending(_last_complete_month(), 12)[0]
    rows = selectors.service_rows(organisation, dt.date(since[0], since[1], 1))
    choices = [(s.pk, s.name) for s in selectors.services_without_form(organisation)]
    return render(request, "feedback/index.html", {
        "coverage": selectors.coverage(organisation),
        "service_rows": [{"row": row, "satisfaction": presentation.value_text(
            "satisfaction", row.indicators.satisfaction if row.indicators else None)}
            for row in rows],
        "enable_form": EnableForm(choices=choices) if choices else None,
        "can_manage": _can_manage(request),
        "total_responses": selectors.responses(organisation).count(),
        **_indicators(selectors.responses(organisation), "all")})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def service_page(request: OrganisationRequest, service_id: int) -> HttpResponse:
    service = selectors.service(request.organisation, service_id)
    form = selectors.form_of(request.organisation, service_id)
    context: dict[str, Any] = {"service": service, "form": form,
                               "can_manage": _can_manage(request)}
    if form is not None:
        rows = selectors.responses(request.organisation).filter(form=form)
        context.update(_indicators(rows, f"s{service.pk}"))
        context["comments"] = selectors.comments(request.organisation, service.pk)[:10]
        context["version"] = services.current_version(form)
        context["response_count"] = rows.count()
    return render(request, "feedback/service.html", context)


@organisation_view(capability=Capability.MANAGE_FEEDBACK)
@require_POST
def enable(request: OrganisationRequest) -> HttpResponse:
    choices = [(s.pk, s.name) for s in selectors.services_without_form(request.organisation)]
    form = EnableForm(request.POST, choices=choices)
    if not form.is_valid():
        messages.error(request, _("Choisissez un service du catalogue sans formulaire d'avis."))
        return redirect("feedback:index", request.organisation.slug)
    service = selectors.service(request.organisation, form.cleaned_data["service"])
    services.enable_form(request.user, service)
    messages.success(request, _("Formulaire d'avis ouvert sur « %(name)s », avec le "
                                "questionnaire standard.") % {"name": service.name})
    return redirect(_service_url(request, service.pk))


@organisation_view(capability=Capability.MANAGE_FEEDBACK)
@require_POST
def enable_service(request: OrganisationRequest, service_id: int) -> HttpResponse:
    service = selectors.service(request.organisation, service_id)
    services.enable_form(request.user, service)
    messages.success(request, _("Formulaire d'avis ouvert sur « %(name)s ».")
                     % {"name": service.name})
    return redirect(_service_url(request, service.pk))


@organisation_view(capability=Capability.MANAGE_FEEDBACK)
@require_http_methods(["GET", "POST"])
def settings_page(request: OrganisationRequest, service_id: int) -> HttpResponse:
    form_obj = selectors.form(request.organisation, service_id)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_for(form_obj))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(request.user, form_obj, form.values())
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Réglages du formulaire enregistrés."))
            return redirect(_service_url(request, service_id))
    return render(request, "feedback/settings.html", {
        "form": form, "service": form_obj.service,
        "back": _service_url(request, service_id)},
        status=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.MANAGE_FEEDBACK)
@require_http_methods(["GET", "POST"])
def questions_page(request: OrganisationRequest, service_id: int) -> HttpResponse:
    form_obj = selectors.form(request.organisation, service_id)
    current = services.current_version(form_obj)
    form = QuestionsForm(request.POST or None, current=current.questions)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.save_questions(request.user, form_obj, form.questions())
        except ValidationError as exc:
            form.save_errors(exc)
        else:
            if version.pk == current.pk:
                messages.info(request, _("Aucune modification : le questionnaire reste en "
                                         "version %(n)d.") % {"n": version.number})
            else:
                messages.success(request, _("Questionnaire enregistré en version %(n)d ; les "
                                            "réponses déjà reçues gardent la leur.")
                                 % {"n": version.number})
            return redirect(_service_url(request, service_id))
    return render(request, "feedback/questions.html", {
        "form": form, "service": form_obj.service, "version": current,
        "versions": selectors.versions(form_obj),
        "back": _service_url(request, service_id)},
        status=400 if request.method == "POST" else 200)


def answer_url(request: HttpRequest, form: FeedbackForm) -> str:
    return request.build_absolute_uri(reverse("feedback_public:answer", args=[
        form.organisation.slug, form.service_id]))


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def button_page(request: OrganisationRequest, service_id: int) -> HttpResponse:
    form = selectors.form(request.organisation, service_id)
    url = answer_url(request, form)
    image = request.build_absolute_uri(static("feedback/bouton-avis.svg"))
    widget = request.build_absolute_uri(static("feedback/widget.js"))
    label = _("Je donne mon avis")
    snippet = (f'<a href="{url}?source=button" rel="noopener">'
               f'<img src="{image}" alt="{label}" width="200" height="56"></a>')
    widget_snippet = (f'<script src="{widget}" data-jalon-avis="{url}?source=widget" '
                      f'data-jalon-label="{label}" defer></script>')
    return render(request, "feedback/button.html", {
        "form": form, "service": form.service, "link": f"{url}?source=link",
        "snippet": snippet, "widget_snippet": widget_snippet, "image": image,
        "back": _service_url(request, service_id)})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def comments(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    choices = [(f.service_id, f.service.name) for f in selectors.forms(organisation)]
    filter_form = CommentFilterForm(request.GET or None, choices=choices)
    filters = filter_form.filters()
    rows = selectors.comments(organisation, filters["service"], filters["q"])
    page = Paginator(rows, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "feedback/comments.html", {
        "filter_form": filter_form, "page": page, "page_base": kept.urlencode()})


def _export(rows: Any, fmt: str, name: str) -> HttpResponse:
    if fmt not in exports.CONTENT_TYPES:
        raise Http404
    response = HttpResponse(exports.export(rows, fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def export_all(request: OrganisationRequest, fmt: str) -> HttpResponse:
    return _export(selectors.responses(request.organisation), fmt,
                   f"avis-{request.organisation.slug}")


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def export_service(request: OrganisationRequest, service_id: int, fmt: str) -> HttpResponse:
    form = selectors.form(request.organisation, service_id)
    return _export(selectors.responses(request.organisation).filter(form=form), fmt,
                   f"avis-{request.organisation.slug}-service-{service_id}")
