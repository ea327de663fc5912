"""The annual review of the strategy, for members: list of years, the review, its PDF, and
its introduction (editors). Public PDFs are served by public_views.

The review is assembled by jalon.publishing.report from the sections every domain declares;
these pages are the strategy's (its period gives the years, its AnnualReport the introduction).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jalon.publishing import report as assembled_report
from jalon.strategy import report, selectors
from jalon.strategy.forms import CloseYearForm, ReopenYearForm
from jalon.strategy.models import AnnualReport, Strategy
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.models import Organisation
from jalon.tenancy.scope import OrganisationRequest, has, organisation_view

INTRODUCTION_MAX = 20_000


class IntroductionForm(forms.Form):
    introduction = forms.CharField(
        label=gettext_lazy("Introduction"), required=False, max_length=INTRODUCTION_MAX,
        widget=forms.Textarea(attrs={"rows": 12, "aria-describedby": "intro-help"}))


def _strategy(organisation: Organisation) -> Strategy:
    strategy = selectors.current_strategy(organisation)
    if strategy is None:
        raise Http404("No strategy")
    return strategy


def _year(strategy: Strategy, year: int) -> int:
    if year not in report.available_years(strategy):
        raise Http404("No review for this year")
    return year


@organisation_view(capability=Capability.READ)
def index(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    strategy = selectors.current_strategy(organisation)
    years = []
    if strategy is not None:
        rows = {r.year: r for r in AnnualReport.objects.filter(strategy=strategy)
                .select_related("closed_by")}
        today = timezone.localdate()
        years = [{"year": y, "saved": bool(rows.get(y) and rows[y].introduction),
                  "closed": rows[y] if y in rows and rows[y].closed_at else None,
                  "closable": y < today.year}
                 for y in reversed(report.available_years(strategy))]
    return render(request, "strategy/report/index.html", {
        "strategy": strategy, "years": years,
        "can_edit": has(request, Capability.EDIT_STRATEGY),
        "public": strategy is not None and selectors.is_public(strategy),
    })


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_POST
def close(request: OrganisationRequest, year: int) -> HttpResponse:
    """Close a year: its review was presented; its computed values are kept as they are."""
    organisation = request.organisation
    strategy = _strategy(organisation)
    _year(strategy, year)
    form = CloseYearForm(request.POST)
    if form.is_valid():
        try:
            report.close_year(request.user, strategy, year, form.cleaned_data["presented_on"])
        except report.ClosureError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Année %(year)s close : ses valeurs calculées restent "
                                        "celles du bilan présenté.") % {"year": year})
    else:
        messages.error(request, _("Date de présentation invalide (format JJ/MM/AAAA)."))
    return redirect("report:index", organisation.slug)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_POST
def reopen(request: OrganisationRequest, year: int) -> HttpResponse:
    organisation = request.organisation
    strategy = _strategy(organisation)
    _year(strategy, year)
    form = ReopenYearForm(request.POST)
    if not form.is_valid() or report.closure(strategy, year) is None:
        messages.error(request, _("Indiquez pourquoi l'année est rouverte."))
        return redirect("report:index", organisation.slug)
    report.reopen_year(request.user, strategy, year, form.cleaned_data["reason"])
    messages.success(request, _("Année %(year)s rouverte : le prochain import peut modifier "
                                "ses valeurs calculées (les anciennes restent dans "
                                "l'historique).") % {"year": year})
    return redirect("report:index", organisation.slug)


@organisation_view(capability=Capability.READ)
def html(request: OrganisationRequest, year: int) -> HttpResponse:
    organisation = request.organisation
    strategy = _strategy(organisation)
    # The screen shows one part at a time (?part=N), with a table of contents: the whole
    # review in one page would be too heavy. The PDF is the whole document.
    context = assembled_report.report_context(organisation, _year(strategy, year),
                                              part=request.GET.get("part", "1"))
    context["can_edit"] = has(request, Capability.EDIT_STRATEGY)
    return render(request, "publishing/report/report.html", context)


@organisation_view(capability=Capability.READ)
def pdf(request: OrganisationRequest, year: int) -> HttpResponse:
    organisation = request.organisation
    strategy = _strategy(organisation)
    return assembled_report.pdf_response(organisation, _year(strategy, year), request)


@organisation_view(capability=Capability.EDIT_STRATEGY)
def edit(request: OrganisationRequest, year: int) -> HttpResponse:
    organisation = request.organisation
    strategy = _strategy(organisation)
    _year(strategy, year)
    saved = AnnualReport.objects.filter(strategy=strategy, year=year).first()
    if request.method == "POST":
        form = IntroductionForm(request.POST)
        if form.is_valid():
            report.save_introduction(request.user, strategy, year,
                                     form.cleaned_data["introduction"].strip())
            messages.success(request, _("L'introduction est enregistrée."))
            return redirect("report:html", organisation.slug, year)
        status = 400
    else:
        form = IntroductionForm(initial={"introduction": saved.introduction if saved else ""})
        status = 200
    return render(request, "strategy/report/edit.html", {"form": form, "year": year},
                  status=status)
