"""Back-office pages of citizen reports. Thin: scope (decorator), form, selector or service,
template. Reading needs READ; every change needs MANAGE_FEEDBACK."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jalon.core import territory as territory_core
from jalon.kit import views as kit_views
from jalon.reports import plan, selectors, services
from jalon.reports.forms import (
    AnswerTemplateForm,
    AssignForm,
    CategoryForm,
    FaqEntryForm,
    ReportFilterForm,
    StatusForm,
    TeamForm,
    TerritoryForm,
    TriageForm,
    TriageSettingsForm,
)
from jalon.reports.models import ReportPhoto, ReportStatus, TriageState
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, organisation_view

PER_PAGE = 20  # EcoIndex A: a page of the list stays under ~400 elements
FORM = "reports/form.html"
MANAGE = Capability.MANAGE_FEEDBACK


def _can_manage(request: OrganisationRequest) -> bool:
    return scope.has(request, MANAGE)


def _url(request: OrganisationRequest, name: str, *args: Any) -> str:
    return reverse(f"reports:{name}", args=[request.organisation.slug, *args])


def _errors(request: OrganisationRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def index(request: OrganisationRequest) -> HttpResponse:
    org = request.organisation
    form = ReportFilterForm(request.GET or None, organisation=org)
    rows = selectors.report_list(org, selectors.ReportFilters(**form.filters()))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    counts = selectors.status_counts(org)
    return render(request, "reports/index.html", {
        "filter_form": form, "page": page, "page_base": kept.urlencode(),
        "status_counts": [(s, label, counts[s]) for s, label in ReportStatus.choices],
        "total": sum(counts.values()),
        "pending": selectors.triage_counts(org)[TriageState.PENDING],
        "model": selectors.active_model_record(org),
        "has_categories": selectors.categories(org).exists(),
        "can_manage": _can_manage(request)})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def report_detail(request: OrganisationRequest, report_id: int) -> HttpResponse:
    org = request.organisation
    report = selectors.report(org, report_id)
    top = report.top_suggestion
    initial_category = (report.category_id or (
        selectors.categories(org).filter(code=top["category"]).values_list("pk", flat=True)
        .first() if top else None) or (report.citizen_category_id))
    return render(request, "reports/detail.html", {
        "report": report, "can_manage": _can_manage(request),
        "photos": report.photos.only("pk", "width", "height", "position"),
        "updates": report.updates.select_related("actor"),
        "triage_form": TriageForm(organisation=org, initial={"category": initial_category}),
        "status_form": StatusForm(organisation=org, report=report,
                                  initial={"status": report.status}),
        "assign_form": AssignForm(organisation=org, initial={"team": report.team_id}),
        "duplicates": selectors.likely_duplicates(org, report),
        "model": selectors.active_model_record(org),
        "labels": dict(selectors.categories(org).values_list("code", "label"))})


@organisation_view(capability=MANAGE)
@require_POST
def report_triage(request: OrganisationRequest, report_id: int) -> HttpResponse:
    org = request.organisation
    report = selectors.report(org, report_id)
    form = TriageForm(request.POST, organisation=org)
    if form.is_valid():
        try:
            services.triage_report(request.user, report, form.cleaned_data["category"])
            messages.success(request, _("Catégorie enregistrée ; le signalement est transmis à "
                                        "son équipe."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Choisissez une catégorie."))
    return redirect(_url(request, "detail", report.pk))


@organisation_view(capability=MANAGE)
@require_POST
def report_status(request: OrganisationRequest, report_id: int) -> HttpResponse:
    org = request.organisation
    report = selectors.report(org, report_id)
    form = StatusForm(request.POST, organisation=org, report=report)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_status(request.user, report, data["status"],
                                   message=data.get("message") or "",
                                   reason=data.get("reason") or "",
                                   duplicate_of=data.get("duplicate_of"))
            messages.success(request, _("Statut mis à jour."))
            return redirect(_url(request, "detail", report.pk))
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
    return render(request, "reports/status_error.html", {
        "report": report, "status_form": form}, status=400)


@organisation_view(capability=MANAGE)
@require_POST
def report_assign(request: OrganisationRequest, report_id: int) -> HttpResponse:
    org = request.organisation
    report = selectors.report(org, report_id)
    form = AssignForm(request.POST, organisation=org)
    if form.is_valid():
        services.assign(request.user, report, form.cleaned_data["team"])
        messages.success(request, _("Équipe enregistrée."))
    else:
        messages.error(request, _("Équipe inconnue."))
    return redirect(_url(request, "detail", report.pk))


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def report_photo(request: OrganisationRequest, report_id: int, photo_id: int) -> HttpResponse:
    report = selectors.report(request.organisation, report_id)
    photo = get_object_or_404(ReportPhoto, report=report, pk=photo_id)
    response = HttpResponse(bytes(photo.data), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- AI triage: quality, retraining, settings --------------------------------------------------

@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def triage_page(request: OrganisationRequest) -> HttpResponse:
    org = request.organisation
    current = selectors.triage_settings(org)
    form = TriageSettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if not _can_manage(request):
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.update_settings(request.user, org, form.cleaned_data)
                messages.success(request, _("Réglages du tri enregistrés."))
                return redirect(_url(request, "triage"))
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
        status = 400
    return render(request, "reports/triage.html", {
        "form": form, "records": selectors.model_records(org)[:5],
        "model": selectors.active_model_record(org),
        "people": selectors.triage_quality_of_people(org),
        "triage_counts": selectors.triage_counts(org),
        "state_labels": dict(TriageState.choices),
        "validations": sum(1 for _row in selectors.validated_examples(org)),
        "can_manage": _can_manage(request)}, status=status)


@organisation_view(capability=MANAGE)
@require_POST
def triage_retrain(request: OrganisationRequest) -> HttpResponse:
    try:
        rec = services.retrain(request.user, request.organisation)
        messages.success(request, _("Nouveau modèle %(version)s : F1 macro %(f1)s, exactitude "
                                    "top 3 %(top3)s.") % {
            "version": rec.version,
            "f1": f"{rec.macro_f1:.2f}" if rec.macro_f1 is not None else "—",
            "top3": f"{100 * rec.top3_accuracy:.0f} %" if rec.top3_accuracy is not None
            else "—"})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(_url(request, "triage"))


# --- Categories, teams, answer templates, FAQ ----------------------------------------------------

@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def settings_page(request: OrganisationRequest) -> HttpResponse:
    org = request.organisation
    return render(request, "reports/settings.html", {
        "categories": selectors.categories(org).select_related("team"),
        "teams": selectors.teams(org), "templates": selectors.answer_templates(org),
        "territory": selectors.territory_record(org), "can_manage": _can_manage(request)})


@organisation_view(capability=MANAGE)
@require_POST
def install_categories(request: OrganisationRequest) -> HttpResponse:
    count = services.install_demo_categories(request.user, request.organisation)
    messages.success(request, _("%(n)d catégorie(s) ajoutée(s).") % {"n": count})
    return redirect(_url(request, "settings"))


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def category_create(request: OrganisationRequest) -> HttpResponse:
    org = request.organisation
    return kit_views.create(
        request, CategoryForm, form_kwargs={"organisation": org},
        service=lambda form: services.save_category(request.user, org, form.cleaned_data),
        success_url=_url(request, "settings"), message=_("Catégorie ajoutée."), template=FORM,
        context={"title": _("Ajouter une catégorie"), "back": _url(request, "settings")})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def category_edit(request: OrganisationRequest, category_id: int) -> HttpResponse:
    org = request.organisation
    return kit_views.edit(
        request, selectors.categories(org), category_id, CategoryForm,
        form_kwargs={"organisation": org},
        service=lambda category, form: services.save_category(
            request.user, org, {k: v for k, v in form.cleaned_data.items() if k != "code"},
            category),
        success_url=_url(request, "settings"), message=_("Catégorie enregistrée."),
        template=FORM,
        context={"title": _("Modifier la catégorie"), "back": _url(request, "settings")})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def team_create(request: OrganisationRequest) -> HttpResponse:
    org = request.organisation
    return kit_views.create(
        request, TeamForm,
        service=lambda form: services.save_team(request.user, org, form.cleaned_data),
        success_url=_url(request, "settings"), message=_("Équipe ajoutée."), template=FORM,
        context={"title": _("Ajouter une équipe"), "back": _url(request, "settings")})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def team_edit(request: OrganisationRequest, team_id: int) -> HttpResponse:
    org = request.organisation
    return kit_views.edit(
        request, selectors.teams(org), team_id, TeamForm,
        service=lambda team, form: services.save_team(request.user, org, form.cleaned_data,
                                                      team),
        success_url=_url(request, "settings"), message=_("Équipe enregistrée."), template=FORM,
        context={"title": _("Modifier l'équipe"), "back": _url(request, "settings")})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def template_create(request: OrganisationRequest) -> HttpResponse:
    org = request.organisation
    return kit_views.create(
        request, AnswerTemplateForm,
        service=lambda form: services.save_template(request.user, org, form.cleaned_data),
        success_url=_url(request, "settings"), message=_("Modèle de réponse ajouté."),
        template=FORM,
        context={"title": _("Ajouter un modèle de réponse"), "back": _url(request, "settings")})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def template_edit(request: OrganisationRequest, template_id: int) -> HttpResponse:
    org = request.organisation
    return kit_views.edit(
        request, selectors.answer_templates(org), template_id, AnswerTemplateForm,
        service=lambda template, form: services.save_template(request.user, org,
                                                              form.cleaned_data, template),
        success_url=_url(request, "settings"), message=_("Modèle de réponse enregistré."),
        template=FORM,
        context={"title": _("Modifier le modèle de réponse"),
                 "back": _url(request, "settings")})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def template_delete(request: OrganisationRequest, template_id: int) -> HttpResponse:
    return kit_views.delete(
        request, selectors.answer_templates(request.organisation), template_id,
        service=lambda template: services.delete_template(request.user, template),
        success_url=_url(request, "settings"), message=_("Modèle de réponse supprimé."),
        template="reports/confirm_delete.html",
        context={"back": _url(request, "settings")})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def faq_list(request: OrganisationRequest) -> HttpResponse:
    org = request.organisation
    return render(request, "reports/faq_list.html", {
        "entries": selectors.faq(org), "stats": selectors.faq_stats(org),
        "unanswered": selectors.unanswered_questions(org),
        "can_manage": _can_manage(request)})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def faq_create(request: OrganisationRequest) -> HttpResponse:
    org = request.organisation
    return kit_views.create(
        request, FaqEntryForm,
        service=lambda form: services.save_faq(request.user, org, form.cleaned_data),
        success_url=_url(request, "faq"), message=_("Entrée de la FAQ ajoutée."),
        template=FORM,
        context={"title": _("Ajouter une entrée à la FAQ"), "back": _url(request, "faq")})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def faq_edit(request: OrganisationRequest, entry_id: int) -> HttpResponse:
    org = request.organisation
    return kit_views.edit(
        request, selectors.faq(org), entry_id, FaqEntryForm,
        service=lambda entry, form: services.save_faq(request.user, org, form.cleaned_data,
                                                      entry),
        success_url=_url(request, "faq"), message=_("Entrée de la FAQ enregistrée."),
        template=FORM,
        context=lambda entry: {"title": _("Modifier l'entrée de la FAQ"),
                               "back": _url(request, "faq"),
                               "delete_url": _url(request, "faq_delete", entry.pk)})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def faq_delete(request: OrganisationRequest, entry_id: int) -> HttpResponse:
    return kit_views.delete(
        request, selectors.faq(request.organisation), entry_id,
        service=lambda entry: services.delete_faq(request.user, entry),
        success_url=_url(request, "faq"), message=_("Entrée de la FAQ supprimée."),
        template="reports/confirm_delete.html", context={"back": _url(request, "faq")})


# --- Territory and map ---------------------------------------------------------------------------

@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def report_map(request: OrganisationRequest) -> HttpResponse:
    """The reports by status on the territory's plan, with the data table beside it; the same
    filters as the list."""
    org = request.organisation
    form = ReportFilterForm(request.GET or None, organisation=org)
    filters = selectors.ReportFilters(**form.filters())
    located = selectors.located_reports(org, filters, limit=MAP_LIMIT)
    unlocated = dict(selectors.report_list(org, filters)
                     .filter(latitude__isnull=True).values_list("status")
                     .annotate(n=Count("id")).values_list("status", "n"))
    drawn = plan.status_map(selectors.territory(org), located, unlocated)
    # The table lists what the map draws, a page at a time (the counts table sums it all).
    page = Paginator(located, PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "reports/map.html", {
        "filter_form": form, "map": drawn, "located": located, "limit": MAP_LIMIT,
        "page": page, "page_base": kept.urlencode(),
        "territory": selectors.territory_record(org), "can_manage": _can_manage(request)})


MAP_LIMIT = 500


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def territory_page(request: OrganisationRequest) -> HttpResponse:
    org = request.organisation
    form = TerritoryForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["outline"]
            if upload.size > territory_core.MAX_BYTES:
                form.add_error("outline", _("Le fichier pèse plus de 5 Mo : simplifiez le "
                                            "contour avant de l'envoyer."))
            else:
                try:
                    row = services.save_territory(request.user, org, upload.read(),
                                                  upload.name or "")
                except ValidationError as exc:
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    messages.success(request, _("Contour enregistré : %(n)d points.")
                                     % {"n": row.n_points})
                    return redirect(_url(request, "territory"))
        status = 400
    outline = selectors.territory(org)
    preview = plan.public_plan(outline, []) if outline is not None else None
    return render(request, "reports/territory.html", {
        "form": form, "territory": selectors.territory_record(org), "outline": outline,
        "preview": preview}, status=status)


@organisation_view(capability=MANAGE)
@require_POST
def territory_delete(request: OrganisationRequest) -> HttpResponse:
    if services.delete_territory(request.user, request.organisation):
        messages.success(request, _("Contour supprimé : toute position est de nouveau "
                                    "acceptée."))
    return redirect(_url(request, "territory"))
