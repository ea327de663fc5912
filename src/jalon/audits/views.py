"""Audits pages. Thin: scope (decorator), form, selector or service, template."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jalon.audits import forms, publishing, selectors, services
from jalon.audits.models import CampaignStatus, DeclarationKind, GridStatus, PageKind
from jalon.core import audits as rules
from jalon.core import audits_referentials as referentials
from jalon.kit import charts
from jalon.kit.formatting import fr_number
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, organisation_view

CAMPAIGNS_SHOWN = 10
AUDITS_PER_PAGE = 30


def _can_manage(request: OrganisationRequest) -> bool:
    return scope.has(request, Capability.MANAGE_AUDITS)


def _service_url(request: OrganisationRequest, service_id: int) -> str:
    return reverse("audits:service", args=[request.organisation.slug, service_id])


def labels() -> dict[str, Any]:
    return {"kind_labels": dict(PageKind.choices),
            "status_labels": dict(GridStatus.choices),
            "state_labels": rules.STATE_LABELS_FR,
            "declaration_labels": {rules.CURRENT: _("en cours de validité"),
                                   rules.EXPIRED: _("expirée"),
                                   rules.SUPERSEDED: _("caduque (modification substantielle)"),
                                   rules.MISSING: _("aucune")},
            "page_status_labels": {
                "ok": _("auditée"), "refused": _("adresse refusée"),
                "invalid_url": _("adresse invalide"), "unreachable": _("injoignable"),
                "tls_error": _("erreur TLS"), "timeout": _("délai dépassé"),
                "redirect_loop": _("boucle de redirections"), "http_error": _("erreur HTTP"),
                "not_html": _("pas une page HTML"), "too_big": _("page trop lourde"),
                "error": _("erreur")}}


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def index(request: OrganisationRequest) -> HttpResponse:
    rows = selectors.portfolio(request.organisation)
    audited = [r for r in rows if r.pages]
    summary = {
        "services": len(rows), "audited": len(audited),
        "audited_share": 100.0 * len(audited) / len(rows) if rows else None,
        "with_rgaa": sum(1 for r in rows if r.rgaa_rate is not None),
        "declared": sum(1 for r in rows if r.rgaa_declaration == rules.CURRENT),
        "mean_ecoindex": (round(sum(r.ecoindex or 0 for r in audited if r.ecoindex is not None)
                                / max(1, sum(1 for r in audited if r.ecoindex is not None)), 1)
                          if any(r.ecoindex is not None for r in audited) else None),
    }
    bars = [charts.Bar(r.service.name, r.ecoindex) for r in rows if r.ecoindex is not None]
    chart = mark_safe(charts.bar_chart(  # noqa: S308  # built and escaped by jalon.kit.charts
        "portfolio-ecoindex", bars, title=_("EcoIndex moyen des pages de chaque service"),
        desc=_("Sur 100 ; les valeurs exactes sont dans le tableau du portefeuille."),
        fmt=lambda v: fr_number(v, 1))) if bars else ""
    return render(request, "audits/index.html", {
        "rows": rows, "summary": summary, "chart": chart, "today": timezone.localdate(),
        "targets": publishing.strategy_targets(request.organisation),
        "campaigns": selectors.campaigns(request.organisation)[:CAMPAIGNS_SHOWN],
        "can_manage": _can_manage(request), **labels()})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def service_detail(request: OrganisationRequest, service_id: int) -> HttpResponse:
    service = selectors.service(request.organisation, service_id)
    row = selectors.service_row(service)
    history = selectors.history(service)
    chart = ""
    if history:
        chart = mark_safe(charts.bar_chart(  # noqa: S308  # escaped by jalon.kit.charts
            f"history-{service.pk}",
            [charts.Bar(h["day"].strftime("%d/%m/%Y"), h["ecoindex"]) for h in history],
            title=_("EcoIndex moyen des pages, par jour de mesure"),
            desc=_("Sur 100 ; les valeurs exactes sont dans le tableau qui suit."),
            fmt=lambda v: fr_number(v, 1)))
    page = Paginator(selectors.page_audits(request.organisation).filter(service=service),
                     AUDITS_PER_PAGE).get_page(request.GET.get("page"))
    rgaa = selectors.latest_rgaa_grid(service)
    rgesn = selectors.latest_rgesn_grid(service)
    return render(request, "audits/service.html", {
        "service": service, "row": row, "history": history, "chart": chart, "page": page,
        "sample": services.sample_pages(service), "rgaa": rgaa,
        "rgaa_rate": selectors.rgaa_rate(rgaa) if rgaa else None, "rgesn": rgesn,
        "rgesn_progress": selectors.rgesn_progress(rgesn) if rgesn else None,
        "declarations": selectors.declarations(request.organisation).filter(service=service),
        "grid_form": forms.RgaaGridCreateForm(), "can_manage": _can_manage(request),
        **labels()})


@organisation_view(capability=Capability.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def sample_edit(request: OrganisationRequest, service_id: int) -> HttpResponse:
    service = selectors.service(request.organisation, service_id)
    form = forms.SampleForm(request.POST or None, rows=services.sample_pages(service))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.save_sample(request.user, service, form.rows())
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    name = key.replace("-", "_") if key != "__all__" else None
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                messages.success(request, _("Échantillon de pages enregistré."))
                return redirect(_service_url(request, service.pk))
    return render(request, "audits/sample_form.html", {
        "service": service, "form": form, "back": _service_url(request, service.pk)},
        status=status)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def page_audit(request: OrganisationRequest, audit_id: int) -> HttpResponse:
    audit = selectors.page_audit(request.organisation, audit_id)
    referential = referentials.rgaa_by_number()
    violations = [dict(v, criteria=[referential[c] for c in v.get("rgaa", [])
                                    if c in referential]) for v in audit.violations]
    return render(request, "audits/page_audit.html", {
        "audit": audit, "eco": audit.result.get("ecoindex", {}), "violations": violations,
        "checks": audit.result.get("rgesn", []), "protocol": audit.result.get("protocol", {}),
        "tools": audit.result.get("tools", {}), **labels()})


@organisation_view(capability=Capability.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def campaign_create(request: OrganisationRequest) -> HttpResponse:
    candidates = selectors.active_services(request.organisation)
    initial = {"services": candidates} if request.method == "GET" else None
    form = forms.CampaignForm(request.POST or None, services=candidates, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                campaign = services.create_campaign(
                    request.user, request.organisation, form.cleaned_data["name"],
                    form.cleaned_data["services"], form.cleaned_data["runs"],
                    form.cleaned_data["scheduled_for"], form.cleaned_data["repeat_days"])
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(key if key in form.fields else None, error)
            else:
                messages.success(request, _("Campagne enregistrée."))
                return redirect(reverse("audits:campaign",
                                        args=[request.organisation.slug, campaign.pk]))
    return render(request, "audits/campaign_form.html", {
        "form": form, "back": reverse("audits:index", args=[request.organisation.slug])},
        status=status)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def campaign_detail(request: OrganisationRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign(request.organisation, campaign_id)
    running = campaign.status in (CampaignStatus.QUEUED, CampaignStatus.RUNNING)
    return render(request, "audits/campaign.html", {
        "campaign": campaign, "running": running,
        "audits": campaign.page_audits.select_related("service").order_by("id"),
        "status_choices": dict(CampaignStatus.choices), **labels()})


# --- RGAA grid ---------------------------------------------------------------------------------

@organisation_view(capability=Capability.MANAGE_AUDITS)
@require_http_methods(["POST"])
def rgaa_grid_create(request: OrganisationRequest, service_id: int) -> HttpResponse:
    service = selectors.service(request.organisation, service_id)
    form = forms.RgaaGridCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une taille d'audit : 25, 50 ou 106 critères."))
        return redirect(_service_url(request, service.pk))
    grid = services.create_rgaa_grid(request.user, service, form.cleaned_data["size"],
                                     form.cleaned_data["auditor"])
    return redirect(reverse("audits:rgaa_grid", args=[request.organisation.slug, grid.pk]))


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def rgaa_grid(request: OrganisationRequest, rgaa_grid_id: int) -> HttpResponse:
    grid = selectors.rgaa_grid(request.organisation, rgaa_grid_id)
    criteria = list(referentials.rgaa_for_size(grid.size))
    themes = sorted({(c.theme_number, c.theme) for c in criteria})
    try:
        theme = int(request.GET.get("theme", themes[0][0]))
    except ValueError:
        theme = themes[0][0]
    if theme not in {t for t, _n in themes}:
        raise Http404("No such theme")
    sample = [url for _k, url in services.sample_pages(grid.service)]
    page_scope = request.GET.get("page", "")
    if page_scope and page_scope not in sample:
        raise Http404("No such page")
    shown = [c for c in criteria if c.theme_number == theme]
    current = {e.criterion: (e.status, e.note, e.derogation)
               for e in grid.entries.filter(page=page_scope)}
    form = forms.RgaaEntriesForm(request.POST or None, criteria=shown, initial_values=current)
    status = 200
    if request.method == "POST":
        if not _can_manage(request):
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                changed = services.save_rgaa_entries(request.user, grid, page_scope,
                                                     form.values())
            except ValidationError as exc:
                for error in exc.messages:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Grille enregistrée (%(n)d critère(s) modifié(s)).")
                                 % {"n": changed})
                return redirect(request.get_full_path())
    evidence = selectors.rgaa_evidence(grid.service)
    rows = [{"criterion": c, "status": form[f"status_{c.number}"],
             "note": form[f"note_{c.number}"], "derogation": form[f"derogation_{c.number}"],
             "evidence": [e for e in evidence.get(c.number, [])
                          if not page_scope or e["url"] == page_scope]} for c in shown]
    return render(request, "audits/rgaa_grid.html", {
        "grid": grid, "service": grid.service, "rate": selectors.rgaa_rate(grid),
        "themes": themes, "theme": theme, "sample": sample, "page_scope": page_scope,
        "form": form, "rows": rows, "can_manage": _can_manage(request)}, status=status)


# --- RGESN grid --------------------------------------------------------------------------------

@organisation_view(capability=Capability.MANAGE_AUDITS)
@require_http_methods(["POST"])
def rgesn_grid_create(request: OrganisationRequest, service_id: int) -> HttpResponse:
    service = selectors.service(request.organisation, service_id)
    grid = services.create_rgesn_grid(request.user, service)
    return redirect(reverse("audits:rgesn_grid", args=[request.organisation.slug, grid.pk]))


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def rgesn_grid(request: OrganisationRequest, rgesn_grid_id: int) -> HttpResponse:
    grid = selectors.rgesn_grid(request.organisation, rgesn_grid_id)
    criteria = list(referentials.rgesn())
    themes = sorted({(c.theme_number, c.theme) for c in criteria})
    try:
        theme = int(request.GET.get("theme", themes[0][0]))
    except ValueError:
        theme = themes[0][0]
    if theme not in {t for t, _n in themes}:
        raise Http404("No such theme")
    shown = [c for c in criteria if c.theme_number == theme]
    current = {e.criterion: (e.status, e.justification) for e in grid.entries.all()}
    form = forms.RgesnEntriesForm(request.POST or None, criteria=shown, initial_values=current,
                                  referent=grid.referent, objective=grid.objective)
    status = 200
    if request.method == "POST":
        if not _can_manage(request):
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                changed = services.save_rgesn_entries(
                    request.user, grid, form.values(), form.cleaned_data["referent"],
                    form.cleaned_data["objective"])
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    for error in errors:
                        field = f"justification_{key}"
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Grille enregistrée (%(n)d critère(s) modifié(s)).")
                                 % {"n": changed})
                return redirect(request.get_full_path())
    evidence = selectors.rgesn_evidence(grid.service)
    rows = [{"criterion": c, "status": form[f"status_{c.number}"],
             "justification": form[f"justification_{c.number}"],
             "evidence": evidence.get(c.number, [])} for c in shown]
    return render(request, "audits/rgesn_grid.html", {
        "grid": grid, "service": grid.service, "progress": selectors.rgesn_progress(grid),
        "themes": themes, "theme": theme, "form": form, "rows": rows,
        "can_manage": _can_manage(request)}, status=status)


# --- Declarations ------------------------------------------------------------------------------

@organisation_view(capability=Capability.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def declaration_create(request: OrganisationRequest, service_id: int, kind: str
                       ) -> HttpResponse:
    service = selectors.service(request.organisation, service_id)
    if kind not in DeclarationKind.values:
        raise Http404("No such declaration kind")
    grid: Any = (selectors.latest_rgaa_grid(service) if kind == DeclarationKind.RGAA
                 else selectors.latest_rgesn_grid(service))
    form_class: Any = (forms.RgaaDeclarationForm if kind == DeclarationKind.RGAA
                       else forms.RgesnDeclarationForm)
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if grid is None:
            form.add_error(None, _("Remplissez d'abord la grille d'audit de ce service."))
        elif form.is_valid():
            generate = (services.generate_rgaa_declaration if kind == DeclarationKind.RGAA
                        else services.generate_rgesn_declaration)
            try:
                declaration = generate(request.user, grid, form.cleaned_data)
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(key if key in form.fields else None, error)
            else:
                messages.success(request, _("Déclaration générée (version %(v)d).")
                                 % {"v": declaration.version})
                return redirect(reverse("audits:declaration",
                                        args=[request.organisation.slug, declaration.pk]))
    return render(request, "audits/declaration_form.html", {
        "service": service, "form": form, "kind": kind, "grid": grid,
        "title": dict(DeclarationKind.choices)[kind],
        "back": _service_url(request, service.pk)}, status=status)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def declaration_detail(request: OrganisationRequest, declaration_id: int) -> HttpResponse:
    declaration = selectors.declaration(request.organisation, declaration_id)
    return render(request, "audits/declaration.html", {
        "declaration": declaration, "d": declaration.content, "service": declaration.service,
        "validity": selectors.declaration_status(declaration),
        "mention": rules.homepage_mention(declaration.state,
                                          selectors.declaration_status(declaration)),
        "change_form": forms.SubstantialChangeForm(initial={"day": timezone.localdate()}),
        "can_manage": _can_manage(request), **labels()})


@organisation_view(capability=Capability.MANAGE_AUDITS)
@require_http_methods(["POST"])
def declaration_publish(request: OrganisationRequest, declaration_id: int) -> HttpResponse:
    declaration = selectors.declaration(request.organisation, declaration_id)
    publish = request.POST.get("publish") == "1"
    services.set_published(request.user, declaration, publish)
    messages.success(request, _("Déclaration publiée.") if publish
                     else _("Déclaration retirée de la publication."))
    return redirect(reverse("audits:declaration", args=[request.organisation.slug,
                                                        declaration.pk]))


@organisation_view(capability=Capability.MANAGE_AUDITS)
@require_http_methods(["POST"])
def declaration_change(request: OrganisationRequest, declaration_id: int) -> HttpResponse:
    declaration = selectors.declaration(request.organisation, declaration_id)
    form = forms.SubstantialChangeForm(request.POST)
    if form.is_valid():
        try:
            services.record_substantial_change(request.user, declaration,
                                               form.cleaned_data["day"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Modification substantielle enregistrée : la "
                                        "déclaration n'est plus en cours de validité."))
    else:
        messages.error(request, _("Date attendue (AAAA-MM-JJ)."))
    return redirect(reverse("audits:declaration", args=[request.organisation.slug,
                                                        declaration.pk]))
