"""The annual review of the strategy, for members: list of years, the review, its PDF, and
its introduction (editors). Public PDFs are served by public_views."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.strategy import report, selectors
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


def pdf_response(html: str, request: HttpRequest, filename: str) -> HttpResponse:
    response = HttpResponse(report.render_pdf(html, request.build_absolute_uri("/")),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@organisation_view(capability=Capability.READ)
def index(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    strategy = selectors.current_strategy(organisation)
    years = []
    if strategy is not None:
        saved = set(AnnualReport.objects.filter(strategy=strategy).exclude(introduction="")
                    .values_list("year", flat=True))
        years = [{"year": y, "saved": y in saved}
                 for y in reversed(report.available_years(strategy))]
    return render(request, "strategy/report/index.html", {
        "strategy": strategy, "years": years,
        "can_edit": has(request, Capability.EDIT_STRATEGY),
    })


@organisation_view(capability=Capability.READ)
def html(request: OrganisationRequest, year: int) -> HttpResponse:
    organisation = request.organisation
    strategy = _strategy(organisation)
    # The screen shows one part at a time (?part=N), with a table of contents: the whole
    # review in one page would be too heavy. The PDF is the whole document.
    context = report.report_context(organisation, strategy, _year(strategy, year),
                                    part=request.GET.get("part", "1"))
    context["can_edit"] = has(request, Capability.EDIT_STRATEGY)
    return render(request, "strategy/report/report.html", context)


@organisation_view(capability=Capability.READ)
def pdf(request: OrganisationRequest, year: int) -> HttpResponse:
    organisation = request.organisation
    strategy = _strategy(organisation)
    document = report.render_document(organisation, strategy, _year(strategy, year))
    return pdf_response(document, request, f"bilan-{organisation.slug}-{year}.pdf")


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
