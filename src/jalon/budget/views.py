"""Budget pages. Thin: scope (decorator), form, selector or service, template."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jalon.budget import exports, selectors, services
from jalon.budget.forms import (
    ImportForm,
    KindForm,
    LineFilterForm,
    MappingForm,
    RatingForm,
    RuleForm,
)
from jalon.budget.models import Axis, ImportStatus, Kind, RatingValue
from jalon.core import budget as core
from jalon.kit import charts
from jalon.kit.formatting import fr_number
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, organisation_view

LINES_PER_PAGE = 50


def _can_edit(request: OrganisationRequest) -> bool:
    return scope.has(request, Capability.MANAGE_BUDGET)


def _url(request: OrganisationRequest, name: str, *args: Any) -> str:
    return reverse(f"budget:{name}", args=[request.organisation.slug, *args])


def _euros(value: float) -> str:
    return fr_number(value, 0) + "\u202f€"


def _chart(summary: dict[str, Any]) -> str:
    rows = [(_("Axe %(n)d") % {"n": a["number"]}, [float(v) for v in a["all"]])
            for a in summary["axes"]]
    return charts.stacked_bars(
        "budget-axes", rows, [str(label) for label in summary["ratings"]],
        title=_("Dépenses numériques %(year)d par axe et par cotation") % {
            "year": summary["year"]},
        desc=_("Pour chacun des six axes, le montant TTC des dépenses réparti selon leur "
               "cotation ; les valeurs sont dans le tableau qui suit."), fmt=_euros)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def index(request: OrganisationRequest) -> HttpResponse:
    years = selectors.years(request.organisation)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    context: dict[str, Any] = {"years": years, "year": year, "can_edit": _can_edit(request),
                               "imports": selectors.imports(request.organisation)[:5]}
    if year in years:
        summary = selectors.summary(request.organisation, year)
        context.update(summary=summary, chart=_chart(summary))
    return render(request, "budget/index.html", context)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def line_list(request: OrganisationRequest) -> HttpResponse:
    years = selectors.years(request.organisation)
    form = LineFilterForm(request.GET or None, years=years)
    rows = selectors.line_list(request.organisation,
                               selectors.LineFilters(**form.filters()))
    page = Paginator(rows, LINES_PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "budget/lines.html", {
        "filter_form": form, "page": page, "page_base": kept.urlencode(),
        "total": selectors.lines(request.organisation).count()})


def _line_page(request: OrganisationRequest, line_id: int, *, kind_form: KindForm | None = None,
               rating_forms: dict[str, RatingForm] | None = None, status: int = 200
               ) -> HttpResponse:
    line = selectors.line(request.organisation, line_id)
    ratings = selectors.ratings(line)
    forms = rating_forms or {}
    rows = [{"rating": r, "form": forms.get(r.axis) or RatingForm(
        prefix=r.axis, initial={"rating": r.rating})} for r in ratings]
    return render(request, "budget/line.html", {
        "line": line, "rows": rows, "can_edit": _can_edit(request),
        "kind_form": kind_form or KindForm(initial={"kind": line.kind if line.kind_manual
                                                    else ""}),
        "scope": line.scope(), "axis_labels": dict(Axis.choices)}, status=status)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def line_detail(request: OrganisationRequest, spending_line_id: int) -> HttpResponse:
    return _line_page(request, spending_line_id)


@organisation_view(capability=Capability.MANAGE_BUDGET)
@require_POST
def line_kind(request: OrganisationRequest, spending_line_id: int) -> HttpResponse:
    line = selectors.line(request.organisation, spending_line_id)
    form = KindForm(request.POST)
    if not form.is_valid():
        return _line_page(request, spending_line_id, kind_form=form, status=400)
    services.set_kind(request.user, line, form.cleaned_data["kind"])
    messages.success(request, _("Nature de la dépense enregistrée ; les cotations non modifiées "
                                "suivent la nouvelle nature."))
    return redirect(_url(request, "line", line.pk))


@organisation_view(capability=Capability.MANAGE_BUDGET)
@require_POST
def line_rating(request: OrganisationRequest, spending_line_id: int, axis: str
                ) -> HttpResponse:
    line = selectors.line(request.organisation, spending_line_id)
    if axis not in core.AXES:
        raise Http404
    if request.POST.get("reset"):
        services.reset_rating(request.user, line, axis)
        messages.success(request, _("Cotation par défaut rétablie."))
        return redirect(_url(request, "line", line.pk) + f"#axis-{axis}")
    form = RatingForm(request.POST, prefix=axis)
    if form.is_valid():
        try:
            services.override_rating(request.user, line, axis, form.cleaned_data["rating"],
                                     form.cleaned_data["reason"])
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Cotation modifiée ; le motif est conservé dans le "
                                        "journal."))
            return redirect(_url(request, "line", line.pk) + f"#axis-{axis}")
    return _line_page(request, spending_line_id, rating_forms={axis: form}, status=400)


# --- Import ------------------------------------------------------------------------------------

@organisation_view(capability=Capability.MANAGE_BUDGET)
@require_http_methods(["GET", "POST"])
def import_start(request: OrganisationRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                source = services.start_import(request.user, request.organisation,
                                               form.cleaned_data["year"], upload.read(),
                                               upload.name or "")
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                return redirect(_url(request, "import", source.pk))
    return render(request, "budget/import.html", {
        "form": form, "headers": core.TEMPLATE_HEADERS, "back": _url(request, "index")},
        status=status)


def _import_page(request: OrganisationRequest, import_id: int,
                 mapping_form: MappingForm | None = None, errors: list[Any] | None = None,
                 status: int = 200) -> HttpResponse:
    source = selectors.spending_import(request.organisation, import_id)
    preview = None
    if source.status == ImportStatus.PREVIEW:
        preview = services.analyse(source)
        if mapping_form is None and _can_edit(request):
            mapping_form = MappingForm(mapping=source.ordered_mapping())
    return render(request, "budget/import_detail.html", {
        "import": source, "preview": preview, "mapping_form": mapping_form,
        "errors": errors if errors is not None else (preview.result.errors if preview else []),
        "can_edit": _can_edit(request), "kind_labels": dict(Kind.choices),
        "field_labels": core.FIELD_LABELS}, status=status)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def import_detail(request: OrganisationRequest, spending_import_id: int) -> HttpResponse:
    return _import_page(request, spending_import_id)


@organisation_view(capability=Capability.MANAGE_BUDGET)
@require_POST
def import_mapping(request: OrganisationRequest, spending_import_id: int) -> HttpResponse:
    source = selectors.spending_import(request.organisation, spending_import_id)
    if source.status != ImportStatus.PREVIEW:
        return redirect(_url(request, "import", source.pk))
    form = MappingForm(request.POST, mapping=source.ordered_mapping())
    if not form.is_valid():
        return _import_page(request, spending_import_id, mapping_form=form, status=400)
    services.correct_mapping(request.user, source, form.columns())
    messages.success(request, _("Correspondance des colonnes enregistrée ; vérifiez l'aperçu."))
    return redirect(_url(request, "import", source.pk))


@organisation_view(capability=Capability.MANAGE_BUDGET)
@require_POST
def import_apply(request: OrganisationRequest, spending_import_id: int) -> HttpResponse:
    source = selectors.spending_import(request.organisation, spending_import_id)
    if "cancel" in request.POST:
        if source.status == ImportStatus.PREVIEW:
            services.cancel_import(request.user, source)
            messages.info(request, _("Import abandonné : rien n'a été enregistré."))
        return redirect(_url(request, "index"))
    try:
        count = services.apply_import(request.user, source)
    except services.ImportFailed as exc:
        return _import_page(request, spending_import_id, errors=exc.errors, status=400)
    except services.ImportStateError:
        messages.error(request, _("Cet import a déjà été appliqué ou abandonné."))
        return redirect(_url(request, "import", source.pk))
    messages.success(request, _("Import réussi : %(count)d dépense(s) de %(year)d enregistrée(s) "
                                "et notée(s).") % {"count": count, "year": source.year})
    return redirect(_url(request, "index") + f"?year={source.year}")


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def import_template(request: OrganisationRequest) -> HttpResponse:
    """An empty file as French Excel writes it (Windows-1252, semicolons)."""
    lines = [";".join(core.TEMPLATE_HEADERS), ";".join(core.TEMPLATE_EXAMPLE)]
    response = HttpResponse(("\r\n".join(lines) + "\r\n").encode("cp1252"),
                            content_type="text/csv; charset=windows-1252")
    response["Content-Disposition"] = 'attachment; filename="modele-depenses-numeriques.csv"'
    return response


# --- Rules -------------------------------------------------------------------------------------

@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def rules(request: OrganisationRequest) -> HttpResponse:
    form = RuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not _can_edit(request):
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                _rule, changed = services.create_rule(
                    request.user, request.organisation, form.cleaned_data["match"],
                    form.cleaned_data["pattern"], form.cleaned_data["kind"])
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Règle ajoutée ; %(n)d ligne(s) reclassée(s).")
                                 % {"n": changed})
                return redirect(_url(request, "rules"))
    return render(request, "budget/rules.html", {
        "form": form, "rules": selectors.rules(request.organisation),
        "defaults": core.default_rules(), "kind_labels": dict(Kind.choices),
        "can_edit": _can_edit(request)}, status=status)


@organisation_view(capability=Capability.MANAGE_BUDGET)
@require_POST
def rule_delete(request: OrganisationRequest, budget_rule_id: int) -> HttpResponse:
    rule = selectors.rule(request.organisation, budget_rule_id)
    changed = services.delete_rule(request.user, rule)
    messages.success(request, _("Règle supprimée ; %(n)d ligne(s) reclassée(s).")
                     % {"n": changed})
    return redirect(_url(request, "rules"))


# --- Annex -------------------------------------------------------------------------------------

@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def annex(request: OrganisationRequest, year: int) -> HttpResponse:
    if not selectors.lines(request.organisation).filter(year=year).exists():
        raise Http404
    response = HttpResponse(
        exports.annex_xlsx(request.organisation, year),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="annexe-budget-vert-numerique-{year}.xlsx"')
    return response


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def reference(request: OrganisationRequest) -> HttpResponse:
    """Jalon's default ratings: a kind × axis table, then each rationale and its source once
    (the neutral ratings share one)."""
    defaults = core.default_ratings()
    rating_labels = dict(RatingValue.choices)
    kind_labels = dict(Kind.choices)
    table = [{"label": kind_labels[kind],
              "ratings": [rating_labels[defaults[(kind, axis)].rating] for axis in core.AXES]}
             for kind in core.KINDS]
    notes: dict[tuple[str, str], dict[str, Any]] = {}
    for kind in core.KINDS:
        for axis in core.AXES:
            ref = defaults[(kind, axis)]
            note = notes.setdefault((ref.rationale, ref.source), {"ref": ref, "where": {}})
            note["where"].setdefault(kind_labels[kind], []).append(str(core.AXIS_NUMBER[axis]))
    for note in notes.values():
        note["where"] = [_("%(kind)s (axes %(axes)s)") % {"kind": kind, "axes": ", ".join(axes)}
                         for kind, axes in note["where"].items()]
    return render(request, "budget/reference.html", {
        "table": table, "notes": list(notes.values()), "version": core.REFERENCE_VERSION,
        "axes": [core.AXIS_NUMBER[a] for a in core.AXES], "axis_labels": dict(Axis.choices)})
