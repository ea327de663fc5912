"""Feedback pages of the organisation. Thin: scope (decorator), form, selector or service,
template."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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


# Themes of the comments ------------------------------------------------------------------------

THEMES_PER_PAGE = 8


def _themes_url(request: OrganisationRequest) -> str:
    return reverse("feedback:themes", args=[request.organisation.slug])


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def themes_page(request: OrganisationRequest) -> HttpResponse:
    from jalon.feedback import themes
    from jalon.kit.charts import Bar, bar_chart

    organisation = request.organisation
    tree = themes.tree(organisation)
    bars = [Bar(str(item["theme"].label), float(item["count"])) for item in tree]
    chart = bar_chart("themes-chart", bars, title=_("Commentaires par thème"),
                      desc=_("Nombre de commentaires classés par une personne dans chaque "
                             "thème ; les valeurs sont dans le tableau qui suit."),
                      fmt=lambda v: str(int(v))) if any(b.value for b in bars) else ""
    return render(request, "feedback/themes.html", {
        "tree": tree, "chart": chart, "model": themes.current_model(organisation),
        "pending": themes.pending(organisation).count(),
        "decided": themes.decided(organisation).count(),
        "min_examples": themes.MIN_EXAMPLES,
        "parents": [item["theme"] for item in tree if not item["theme"].is_other],
        "can_manage": _can_manage(request)})


@organisation_view(capability=Capability.MANAGE_FEEDBACK)
@require_POST
def themes_create(request: OrganisationRequest) -> HttpResponse:
    from jalon.feedback import themes

    if themes.ensure_tree(request.user, request.organisation):
        messages.success(request, _("Arborescence de thèmes créée ; adaptez-la à vos "
                                    "services."))
    return redirect(_themes_url(request))


@organisation_view(capability=Capability.MANAGE_FEEDBACK)
@require_POST
def themes_add(request: OrganisationRequest) -> HttpResponse:
    from jalon.feedback import themes

    parent = None
    if parent_id := request.POST.get("parent"):
        parent = themes.themes(request.organisation).filter(
            pk=int(parent_id) if parent_id.isdigit() else 0).first()
        if parent is None:
            raise Http404
    try:
        theme = themes.add_theme(request.user, request.organisation,
                                 request.POST.get("label", ""), parent)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Thème « %(label)s » ajouté.") % {"label": theme.label})
    return redirect(_themes_url(request))


@organisation_view(capability=Capability.MANAGE_FEEDBACK)
@require_POST
def themes_train(request: OrganisationRequest) -> HttpResponse:
    from jalon.feedback import tasks, themes

    try:
        themes.check_trainable(request.organisation)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(_themes_url(request))
    tasks.train_themes.enqueue(request.organisation.pk, request.user.pk)
    messages.success(request, _("Entraînement lancé : le modèle, sa qualité mesurée et ses "
                                "suggestions apparaissent ici dès qu'il est terminé."))
    return redirect(_themes_url(request))


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def themes_queue(request: OrganisationRequest) -> HttpResponse:
    from jalon.feedback import tasks, themes

    organisation = request.organisation
    model = themes.current_model(organisation)
    if model is not None and themes.pending(organisation).exclude(
            theme_triage__model_version=model.version).exists():
        tasks.suggest_themes.enqueue(organisation.pk)
    page = Paginator(themes.pending(organisation), THEMES_PER_PAGE).get_page(
        request.GET.get("page"))
    suggestions = themes.suggestion_labels(organisation, list(page.object_list))
    choices = [(t.pk, t.full_label) for t in themes.categories(organisation)]
    codes = {t.code: t.pk for t in themes.categories(organisation)}
    items = [{"response": r, "suggestions": suggestions.get(r.pk, []),
              "selected": codes.get(suggestions[r.pk][0]["code"]) if suggestions.get(r.pk)
              else None} for r in page.object_list]
    return render(request, "feedback/themes_queue.html", {
        "items": items, "page": page, "choices": choices, "model": model,
        "can_manage": _can_manage(request)})


@organisation_view(capability=Capability.MANAGE_FEEDBACK)
@require_POST
def themes_classify(request: OrganisationRequest, response_id: int) -> HttpResponse:
    from jalon.feedback import themes

    response = get_object_or_404(selectors.responses(request.organisation).exclude(comment=""),
                                 pk=response_id)
    theme_id = request.POST.get("theme", "")
    theme = themes.themes(request.organisation).filter(
        pk=int(theme_id) if theme_id.isdigit() else 0).first()
    if theme is None:
        messages.error(request, _("Choisissez un thème dans la liste."))
    else:
        try:
            row = themes.classify(request.user, response, theme)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Commentaire classé dans « %(label)s » (%(status)s).")
                             % {"label": theme.full_label,
                                "status": row.get_status_display().lower()})
    page = request.POST.get("page", "")
    url = reverse("feedback:themes_queue", args=[request.organisation.slug])
    return redirect(f"{url}?page={page}" if page.isdigit() else url)
