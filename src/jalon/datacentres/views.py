"""Pages of the data centres domain. Thin: scope (decorator), form, selector or service,
template."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jalon.core import datacentres as core
from jalon.core.exports import safe_cell
from jalon.datacentres import reports, selectors, services
from jalon.datacentres.forms import PracticeForm, SiteForm, YearForm
from jalon.datacentres.models import PracticeState, PracticeStatus, Site
from jalon.datacentres.publishing import site_rows
from jalon.kit import charts
from jalon.kit import views as kit_views
from jalon.kit.formatting import fr_number
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, organisation_view

MANAGE = Capability.MANAGE_BUDGET  # budget and data centres share one capability
UNASSIGNED_SHOWN = 50  # servers in no room listed on the index (the page stays light)


def _can_edit(request: OrganisationRequest) -> bool:
    return scope.has(request, MANAGE)


def _index_url(request: OrganisationRequest) -> str:
    return reverse("datacentres:index", args=[request.organisation.slug])


def _site_url(request: OrganisationRequest, target: Site) -> str:
    return reverse("datacentres:site", args=[request.organisation.slug, target.pk])


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def index(request: OrganisationRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = site_rows(request.organisation, None, today)
    years, per_site, overall = selectors.pue_series(request.organisation)
    chart = ""
    if len(years) >= 2:
        series = [(row["site"].name, [per_site.get(row["site"].pk, {}).get(y) or 0.0
                                      for y in years])
                  for row in rows if any(per_site.get(row["site"].pk, {}).get(y)
                                         for y in years)]
        chart = mark_safe(charts.line_chart(  # noqa: S308  # every text escaped by kit.charts
            "pue-chart", years, series, title=_("PUE par salle et par année"),
            desc=_("Évolution du PUE de chaque salle ; les valeurs sont dans le tableau qui "
                   "suit (0 : année sans chiffres)."),
            fmt=lambda v: fr_number(v, 2)))
    share = selectors.conformant_share(request.organisation, today)
    trend = core.trend(overall)
    unassigned = [a for a in selectors.hosting(request.organisation).unassigned
                  if a.category == selectors.SERVER][:UNASSIGNED_SHOWN]
    return render(request, "datacentres/index.html", {
        "rows": rows, "years": years, "overall": overall, "chart": chart, "trend": trend,
        "pue_table": [{"name": row["site"].name,
                       "values": [per_site.get(row["site"].pk, {}).get(y) for y in years]}
                      for row in rows],
        "overall_values": [overall.get(y) for y in years],
        "share": share, "unassigned": unassigned, "can_edit": _can_edit(request),
        "threshold": core.EED_THRESHOLD_KW})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def site_detail(request: OrganisationRequest, site_id: int) -> HttpResponse:
    target = selectors.site(request.organisation, site_id)
    today = timezone.localdate()
    years = list(selectors.site_years(target))
    year_rows = []
    for row in years:
        energy = row.energy()
        year_rows.append({
            "row": row, "energy": energy,
            "pue": core.pue(energy.total_kwh, energy.it_kwh),
            "wue": core.wue(row.water_m3, energy.it_kwh),
            "erf": core.erf(row.reused_kwh, energy.total_kwh),
            "ref": core.ref(row.renewable_kwh, energy.total_kwh)})
    hosted = selectors.hosting(request.organisation)
    return render(request, "datacentres/site.html", {
        "site": target, "year_rows": year_rows, "hosted": hosted.by_site.get(target.pk, []),
        "conformity": selectors.conformity(target, today),
        "current_pue": selectors.current_pue(target, years),
        "can_edit": _can_edit(request), "threshold": core.EED_THRESHOLD_KW})


FORM = "datacentres/form.html"


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def site_create(request: OrganisationRequest) -> HttpResponse:
    return kit_views.create(
        request, SiteForm,
        service=lambda form: services.create_site(request.user, request.organisation,
                                                  form.values()),
        success_url=lambda target: _site_url(request, target),
        message=_("Site ajouté."), template=FORM,
        context={"title": _("Ajouter une salle ou un hébergement"),
                 "back": _index_url(request)})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def site_edit(request: OrganisationRequest, site_id: int) -> HttpResponse:
    return kit_views.edit(
        request, selectors.sites(request.organisation), site_id, SiteForm,
        service=lambda target, form: services.update_site(request.user, target,
                                                          form.values()),
        success_url=lambda target: _site_url(request, target),
        message=_("Site mis à jour."), template=FORM,
        context=lambda target: {"title": _("Modifier le site"),
                                "back": _site_url(request, target)})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def site_delete(request: OrganisationRequest, site_id: int) -> HttpResponse:
    return kit_views.delete(
        request, selectors.sites(request.organisation), site_id,
        service=lambda target: services.delete_site(request.user, target),
        success_url=_index_url(request), message=_("Site supprimé."),
        template="datacentres/confirm_delete.html",
        context=lambda target: {"back": _site_url(request, target),
                                "what": target.name})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def year_create(request: OrganisationRequest, site_id: int) -> HttpResponse:
    target = selectors.site(request.organisation, site_id)
    return kit_views.create(
        request, YearForm, form_kwargs={"site": target,
                                        "initial": {"year": timezone.localdate().year - 1}},
        service=lambda form: services.create_year(request.user, target, form.values()),
        success_url=_site_url(request, target), message=_("Chiffres de l'année enregistrés."),
        template=FORM,
        context={"title": _("Chiffres d'une année — %(site)s") % {"site": target.name},
                 "back": _site_url(request, target)})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def year_edit(request: OrganisationRequest, site_id: int, site_year_id: int) -> HttpResponse:
    target = selectors.site(request.organisation, site_id)
    return kit_views.edit(
        request, selectors.site_years(target), site_year_id, YearForm,
        form_kwargs={"site": target},
        service=lambda row, form: services.update_year(request.user, row, form.values()),
        success_url=_site_url(request, target), message=_("Chiffres de l'année enregistrés."),
        template=FORM,
        context=lambda row: {"title": _("Chiffres %(year)d — %(site)s")
                             % {"year": row.year, "site": target.name},
                             "back": _site_url(request, target)})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def year_delete(request: OrganisationRequest, site_id: int, site_year_id: int) -> HttpResponse:
    target = selectors.site(request.organisation, site_id)
    return kit_views.delete(
        request, selectors.site_years(target), site_year_id,
        service=lambda row: services.delete_year(request.user, row),
        success_url=_site_url(request, target), message=_("Chiffres de l'année supprimés."),
        template="datacentres/confirm_delete.html",
        context=lambda row: {"back": _site_url(request, target),
                             "what": _("les chiffres %(year)d de %(site)s")
                             % {"year": row.year, "site": target.name}})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def checklist(request: OrganisationRequest, site_id: int) -> HttpResponse:
    """A site's Code of Conduct checklist, one section of the guidelines at a time (a page of
    every practice would be too heavy to stay light)."""
    target = selectors.site(request.organisation, site_id)
    today = timezone.localdate()
    rows = selectors.practices()
    section = request.GET.get("section", "")
    sections = [s for s in core.SECTIONS if any(p.section == s for p in rows)]
    if section not in sections:
        section = sections[0]
    current = selectors.statuses(target)
    labels = dict(PracticeState.choices)

    def state(number: str) -> str:
        return current[number].status if number in current else PracticeState.NOT_STARTED

    section_rows = [{"practice": p, "status": state(p.number), "status_label":
                     labels[state(p.number)], "row": current.get(p.number),
                     "overdue": _overdue(current.get(p.number), today)}
                    for p in rows if p.section == section]
    tabs = [{"key": s, "label": section_labels()[s], "current": s == section,
             "done": sum(1 for p in rows if p.section == s and state(p.number) in (
                 core.IMPLEMENTED, core.NOT_APPLICABLE)),
             "total": sum(1 for p in rows if p.section == s)} for s in sections]
    return render(request, "datacentres/checklist.html", {
        "site": target, "rows": section_rows, "tabs": tabs, "section": section,
        "section_label": section_labels()[section], "can_edit": _can_edit(request),
        "conformity": selectors.conformity(target, today),
        "version": core.practices_version(rows), "back": _site_url(request, target)})


def _overdue(row: PracticeStatus | None, today: dt.date) -> bool:
    return (row is not None and row.due_date is not None and row.due_date < today
            and row.status in (core.NOT_STARTED, core.IN_PROGRESS))


def section_labels() -> dict[str, str]:
    return {"management": _("Management et organisation"),
            "it": _("Équipements et services informatiques"), "cooling": _("Refroidissement"),
            "power": _("Alimentation électrique"), "other": _("Autres équipements"),
            "building": _("Bâtiment"), "monitoring": _("Mesure et suivi")}


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def practice_edit(request: OrganisationRequest, site_id: int, number: str) -> HttpResponse:
    target = selectors.site(request.organisation, site_id)
    practice = next((p for p in selectors.practices() if p.number == number), None)
    if practice is None:
        raise Http404
    back = (reverse("datacentres:checklist", args=[request.organisation.slug, target.pk])
            + f"?section={practice.section}")
    form = PracticeForm(request.POST or None,
                        initial=PracticeForm.initial_for(selectors.statuses(target).get(number)))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.save_checklist(request.user, target, {number: form.values()})
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    name = key.rpartition("-")[2]
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Pratique %(number)s enregistrée.")
                                 % {"number": number})
                return redirect(back + f"#p-{number.replace('.', '')}")
    return render(request, "datacentres/practice_form.html", {
        "site": target, "practice": practice, "form": form, "back": back}, status=status)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def practices(request: OrganisationRequest) -> HttpResponse:
    rows = selectors.practices()
    return render(request, "datacentres/practices.html", {
        "practices": rows, "version": core.practices_version(rows),
        "expected_count": sum(1 for p in rows if p.is_expected)})


def _report(request: OrganisationRequest, site_id: int, year: int) -> tuple[Site, Any]:
    target = selectors.site(request.organisation, site_id)
    row = selectors.year_of(target, year)
    if row is None:
        raise Http404
    return target, reports.kpi_report(target, row)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def report(request: OrganisationRequest, site_id: int, year: int) -> HttpResponse:
    target, kpi = _report(request, site_id, year)
    return render(request, "datacentres/report.html", {
        "site": target, "report": kpi, "lines": reports.display_lines(kpi),
        "threshold": core.EED_THRESHOLD_KW})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def report_csv(request: OrganisationRequest, site_id: int, year: int) -> HttpResponse:
    target, kpi = _report(request, site_id, year)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(reports.CSV_HEADER)
    for cells in reports.csv_rows(kpi):
        writer.writerow([safe_cell(c) for c in cells])
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{reports.file_stem(target, year)}.csv"')
    return response


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def report_json(request: OrganisationRequest, site_id: int, year: int) -> HttpResponse:
    target, kpi = _report(request, site_id, year)
    data = reports.as_json(target, kpi)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{reports.file_stem(target, year)}.json"')
    return response


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def report_xlsx(request: OrganisationRequest, site_id: int, year: int) -> HttpResponse:
    target, kpi = _report(request, site_id, year)
    response = HttpResponse(
        reports.to_xlsx(target, kpi),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="{reports.file_stem(target, year)}.xlsx"')
    return response
