"""Inventory pages. Thin: scope (decorator), form, selector or service, template."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jalon.core import eol
from jalon.inventory import problems, selectors, services
from jalon.inventory.analysis import MAPPING_TARGETS
from jalon.inventory.forms import (
    AssetFilterForm,
    ConfirmForm,
    EventForm,
    MappingForm,
    PublicationForm,
    RetireForm,
    RouteRuleForm,
    UploadForm,
    target_label,
)
from jalon.inventory.models import (
    Asset,
    Disposal,
    ImportStatus,
    InventoryImport,
    Route,
    RouteRule,
)
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, has, organisation_view

ASSETS_PER_PAGE = 25
IMPORTS_PER_PAGE = 50
PROBLEMS_PER_PAGE = 20
REFRESH_SECONDS = 2


# --------------------------------------------------------------------------- assets


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def asset_list(request: OrganisationRequest) -> HttpResponse:
    return _render_asset_list(request, RetireForm())


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_POST
def retire(request: OrganisationRequest) -> HttpResponse:
    """Bulk retirement. The list's filters travel in `query` so that the user comes back to
    the same page, or sees it again with the errors."""
    query = QueryDict(request.POST.get("query", ""))
    form = RetireForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("asset") if v.isdigit()]
    if form.is_valid() and not ids:
        form.add_error(None, _("Cochez au moins un appareil à sortir du parc."))
    if not form.is_valid():
        return _render_asset_list(request, form, query, status=400)
    count = services.retire_assets(
        request.user, request.organisation, ids, date=form.cleaned_data["date"],
        disposal=form.cleaned_data["disposal"], beneficiary=form.cleaned_data["beneficiary"],
        weee_weight_kg=form.cleaned_data["weee_weight_kg"])
    messages.success(request, _("%(count)d appareil(s) sorti(s) du parc.") % {"count": count})
    url = reverse("inventory:assets", args=[request.organisation.slug])
    return redirect(f"{url}?{query.urlencode()}" if query else url)


def _render_asset_list(request: OrganisationRequest, retire_form: RetireForm,
                       query: QueryDict | None = None, status: int = 200) -> HttpResponse:
    query = request.GET if query is None else query
    organisation = request.organisation
    filter_form = AssetFilterForm(query or None, choices=selectors.filter_choices(organisation))
    filters = filter_form.filters()
    page = Paginator(selectors.asset_list(organisation, filters), ASSETS_PER_PAGE).get_page(
        query.get("page"))
    return render(request, "inventory/assets.html", {
        "filter_form": filter_form, "page": page, "retire_form": retire_form,
        "query": query.urlencode(), "page_base": _without(query, "page"),
        "can_edit": has(request, Capability.EDIT_INVENTORY),
        "total": selectors.assets(organisation).count(),
    }, status=status)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def asset_detail(request: OrganisationRequest, asset_id: int) -> HttpResponse:
    target = selectors.asset(request.organisation, asset_id)
    return _render_asset(request, target, EventForm())


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_POST
def asset_event(request: OrganisationRequest, asset_id: int) -> HttpResponse:
    target = selectors.asset(request.organisation, asset_id)
    form = EventForm(request.POST)
    if not form.is_valid():
        return _render_asset(request, target, form, status=400)
    services.add_event(request.user, target, **form.cleaned_data)
    messages.success(request, _("Événement enregistré."))
    return redirect("inventory:asset", request.organisation.slug, target.pk)


def _render_asset(request: OrganisationRequest, target: Asset, form: EventForm,
                  status: int = 200) -> HttpResponse:
    return render(request, "inventory/asset.html", {
        "asset": target, "events": selectors.asset_events(target), "form": form,
        "can_edit": has(request, Capability.EDIT_INVENTORY),
        # Imported files may carry their own wording of the route: shown as written.
        "disposal_label": dict(Disposal.choices).get(target.disposal, target.disposal),
        "route_label": dict(Route.choices).get(target.route, target.route),
    }, status=status)


# --------------------------------------------------------------------------- imports


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def import_list(request: OrganisationRequest) -> HttpResponse:
    can_edit = has(request, Capability.EDIT_INVENTORY)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            source = services.start_import(request.user, request.organisation,
                                           form.cleaned_data["file"])
            return redirect("inventory:import_detail", request.organisation.slug, source.pk)
        status = 400
    return _render_import_list(request, form, can_edit, status=status)


def _render_import_list(request: OrganisationRequest, form: UploadForm, can_edit: bool,
                        status: int = 200) -> HttpResponse:
    organisation = request.organisation
    page = Paginator(selectors.imports(organisation), IMPORTS_PER_PAGE).get_page(
        request.GET.get("page"))
    publication = selectors.publication(organisation)
    return render(request, "inventory/imports.html", {
        "form": form, "page": page, "can_edit": can_edit, "publication": publication,
        "publication_form": PublicationForm(initial={
            "auto_publish": publication.auto_publish}) if can_edit else None,
        "awaiting_review": list(selectors.imports_awaiting_review(organisation)),
    }, status=status)


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_POST
def import_publication(request: OrganisationRequest) -> HttpResponse:
    """The organisation's choice: publish each applied import at once, or after review."""
    form = PublicationForm(request.POST)
    if form.is_valid():
        services.set_auto_publish(request.user, request.organisation,
                                  form.cleaned_data["auto_publish"])
        messages.success(request, _("Réglage de publication enregistré."))
    return redirect("inventory:imports", request.organisation.slug)


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_POST
def import_publish(request: OrganisationRequest) -> HttpResponse:
    """Put the reviewed inventory on the public pages."""
    count = services.publish_inventory(request.user, request.organisation)
    messages.success(request, _("Inventaire publié : %(count)d import(s) visibles sur les "
                                "pages publiques.") % {"count": count})
    back = request.POST.get("next", "")
    if back.isdigit():
        return redirect("inventory:import_detail", request.organisation.slug, int(back))
    return redirect("inventory:imports", request.organisation.slug)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def import_detail(request: OrganisationRequest, import_id: int) -> HttpResponse:
    source = selectors.inventory_import(request.organisation, import_id)
    return _render_import(request, source)


def _render_import(request: OrganisationRequest, source: InventoryImport,
                   mapping_form: MappingForm | None = None,
                   confirm_form: ConfirmForm | None = None, status: int = 200) -> HttpResponse:
    can_edit = has(request, Capability.EDIT_INVENTORY)
    if mapping_form is None and can_edit and source.can_edit_mapping:
        mapping_form = MappingForm(mapping=source.ordered_mapping())
    plan = selectors.import_plan(source)
    removed = plan["replace"]["removed"] if plan else 0
    if confirm_form is None and can_edit and source.can_confirm:
        confirm_form = ConfirmForm(removed=removed)
    publication = selectors.publication(request.organisation)
    response = render(request, "inventory/import_detail.html", {
        "import": source, "can_edit": can_edit, "mapping_form": mapping_form,
        "confirm_form": confirm_form, "plan": plan,
        "awaiting_review": (source.status == ImportStatus.DONE and not source.published_at
                            and source.inventory_version is not None
                            and publication.version is not None),
        "target_labels": {t: target_label(t) for t in MAPPING_TARGETS},
        "problems": _translated_page(Paginator(source.problems, PROBLEMS_PER_PAGE).get_page(
            request.GET.get("problems"))),
        "unused_columns": problems.unused_columns(source.unused_columns),
        "left_out": _left_out(source.circularity),
        "route_labels": dict(Route.choices),
        "problems_base": _without(request.GET, "problems"),
    }, status=status)
    if source.is_running:
        # The Refresh header does what a meta refresh does, without touching the base
        # template's <head> and without JavaScript (CSP forbids inline scripts).
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_POST
def import_mapping(request: OrganisationRequest, import_id: int) -> HttpResponse:
    source = selectors.inventory_import(request.organisation, import_id)
    if not source.can_edit_mapping:
        messages.error(request, _("La correspondance ne peut plus être modifiée."))
        return redirect("inventory:import_detail", request.organisation.slug, source.pk)
    form = MappingForm(request.POST, mapping=source.ordered_mapping())
    if not form.is_valid():
        return _render_import(request, source, form, status=400)
    try:
        services.correct_mapping(request.user, source, form.columns())
    except services.ImportStateError:
        messages.error(request, _("La correspondance ne peut plus être modifiée."))
    else:
        messages.success(request, _("Correspondance enregistrée : le fichier est réanalysé. "
                                    "Elle sera proposée pour les prochains fichiers aux "
                                    "mêmes colonnes."))
    return redirect("inventory:import_detail", request.organisation.slug, source.pk)


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_POST
def import_confirm(request: OrganisationRequest, import_id: int) -> HttpResponse:
    source = selectors.inventory_import(request.organisation, import_id)
    plan = selectors.import_plan(source)
    form = ConfirmForm(request.POST, removed=plan["replace"]["removed"] if plan else 0)
    if not form.is_valid():
        return _render_import(request, source, confirm_form=form, status=400)
    try:
        services.confirm_import(request.user, source, form.cleaned_data["mode"],
                                expected_removed=form.cleaned_data["expected_removed"])
    except services.RemovalNotConfirmed as exc:
        messages.error(request, _("L'inventaire a changé depuis l'affichage : remplacer "
                                  "supprimerait maintenant %(count)d appareils. Vérifiez et "
                                  "confirmez de nouveau.") % {"count": exc.removed})
    except services.ImportStateError:
        messages.error(request, _("Cet import ne peut pas être appliqué dans son état."))
    return redirect("inventory:import_detail", request.organisation.slug, source.pk)


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_POST
def import_cancel(request: OrganisationRequest, import_id: int) -> HttpResponse:
    source = selectors.inventory_import(request.organisation, import_id)
    try:
        services.cancel_import(request.user, source)
    except services.ImportStateError:
        messages.error(request, _("Cet import ne peut plus être annulé."))
    else:
        messages.success(request, _("Import annulé : l'inventaire n'a pas changé."))
    return redirect("inventory:import_detail", request.organisation.slug, source.pk)


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_POST
def import_retry(request: OrganisationRequest, import_id: int) -> HttpResponse:
    source = selectors.inventory_import(request.organisation, import_id)
    try:
        services.retry_import(request.user, source)
    except services.ImportStateError:
        messages.error(request, _("Seul un import en échec peut être relancé."))
    else:
        messages.success(request, _("Import relancé."))
    return redirect("inventory:import_detail", request.organisation.slug, source.pk)


def _left_out(circularity: dict[str, Any]) -> list[tuple[str, int]]:
    """What the reuse rate left out, named in the reader's language."""
    labels = {**dict(Route.choices), "over_10_years": _("plus de dix ans à la sortie")}
    rate = circularity.get("reuse_rate_retired") or {}
    return [(str(labels.get(key, key)), units)
            for key, units in (rate.get("left_out") or {}).items()]


def _translated_page(page: Any) -> Any:
    """The page's problems with their messages in the reader's language."""
    page.object_list = problems.translated(list(page.object_list))
    return page


# --------------------------------------------------------------------------- route rules


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def route_rules(request: OrganisationRequest) -> HttpResponse:
    """The organisation's end-of-life rules (editable) and the shipped ones (read only)."""
    can_edit = has(request, Capability.EDIT_INVENTORY)
    form = RouteRuleForm()
    status = 200
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        form = RouteRuleForm(request.POST)
        if form.is_valid():
            try:
                services.create_route_rule(request.user, request.organisation,
                                           **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Règle ajoutée : les filières des appareils ont "
                                            "été recalculées."))
                return redirect("inventory:routes", request.organisation.slug)
        status = 400
    return _render_rules(request, form, can_edit, status)


def _render_rules(request: OrganisationRequest, form: RouteRuleForm, can_edit: bool,
                  status: int = 200) -> HttpResponse:
    counts = selectors.route_counts(request.organisation)
    return render(request, "inventory/routes.html", {
        "form": form, "can_edit": can_edit, "route_labels": dict(Route.choices),
        "own_rules": [(r, counts.get(r.name, 0))
                      for r in selectors.route_rules(request.organisation)],
        "default_rules": [(r, counts.get(r.name, 0)) for r in eol.default_rules()],
        "by_disposal": counts.get(eol.DISPOSAL_RULE, 0), "unrouted": counts.get("", 0),
    }, status=status)


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_http_methods(["GET", "POST"])
def route_rule_edit(request: OrganisationRequest, rule_id: int) -> HttpResponse:
    rule = selectors.route_rule(request.organisation, rule_id)
    initial = {"field": rule.field, "pattern": rule.pattern, "route": rule.route,
               "note": rule.note, "position": rule.position}
    form = RouteRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_route_rule(request.user, rule, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Règle modifiée : les filières des appareils ont été "
                                        "recalculées."))
            return redirect("inventory:routes", request.organisation.slug)
    return render(request, "inventory/route_edit.html", {"form": form, "rule": rule},
                  status=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.EDIT_INVENTORY)
@require_POST
def route_rule_delete(request: OrganisationRequest, rule_id: int) -> HttpResponse:
    rule: RouteRule = selectors.route_rule(request.organisation, rule_id)
    services.delete_route_rule(request.user, rule)
    messages.success(request, _("Règle supprimée : les filières des appareils ont été "
                                "recalculées."))
    return redirect("inventory:routes", request.organisation.slug)


def _without(query: QueryDict, param: str) -> str:
    """The query string minus one parameter: pagination links keep the filters."""
    kept = query.copy()
    kept.pop(param, None)
    return kept.urlencode()
