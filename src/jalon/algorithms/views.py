"""Pages of the register. Thin: scope (decorator), form, selector or service, template."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jalon.algorithms import ai_act_questions as q
from jalon.algorithms import exports, forms, reports, selectors, services
from jalon.algorithms.models import AlgorithmicSystem, Category, CostEstimate
from jalon.core import ai_act, ai_cost, bias
from jalon.kit import related
from jalon.kit import views as kit_views
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, organisation_view

MANAGE = Capability.MANAGE_ALGORITHMS


def _can_manage(request: OrganisationRequest) -> bool:
    return scope.has(request, MANAGE)


def _detail_url(request: OrganisationRequest, system: AlgorithmicSystem) -> str:
    return reverse("algorithms:detail", args=[request.organisation.slug, system.pk])


def _index_url(request: OrganisationRequest) -> str:
    return reverse("algorithms:index", args=[request.organisation.slug])


def _public_url(request: OrganisationRequest, system: AlgorithmicSystem | None = None) -> str:
    if system is None:
        return request.build_absolute_uri(
            reverse("algorithms_public:register", args=[request.organisation.slug]))
    return request.build_absolute_uri(reverse("algorithms_public:detail",
                                              args=[request.organisation.slug, system.pk]))


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def index(request: OrganisationRequest) -> HttpResponse:
    form = forms.FilterForm(request.GET or None)
    rows = list(selectors.system_list(request.organisation,
                                      selectors.Filters(**form.filters())))
    for row in rows:
        row.evaluated = selectors.evaluated_before_deployment(row)  # type: ignore[attr-defined]
        reports_ = list(row.bias_reports.all())
        row.last_bias = max(reports_, key=lambda r: r.number) if reports_ else None  # type: ignore[attr-defined]
    new_contests = selectors.contests(request.organisation).filter(status="new").count()
    return render(request, "algorithms/index.html", {
        "filter_form": form, "rows": rows, "can_manage": _can_manage(request),
        "total": selectors.systems(request.organisation).count(),
        "new_contests": new_contests})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def detail(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    system = selectors.system(request.organisation, algorithm_id)
    answers = services.answers_of(system)
    classification = ai_act.classify(answers)
    evaluation = getattr(system, "evaluation", None)
    cost = CostEstimate.objects.filter(system=system).first()
    return render(request, "algorithms/detail.html", {
        "system": system, "can_manage": _can_manage(request),
        "classification": classification,
        "duties": [(d, q.DUTY_LABELS.get(d.key, d.key)) for d in classification.duties],
        "art26": ai_act.checklist_progress(answers, ai_act.ART26),
        "fria": ai_act.checklist_progress(answers, ai_act.FRIA),
        "registration": ai_act.checklist_progress(answers, ai_act.REGISTRATION),
        "evaluation": evaluation,
        "evaluated": selectors.evaluated_before_deployment(system),
        "bias_reports": system.bias_reports.all()[:5], "cost": cost,
        "services": system.services.all(),
        # Records of other domains that refer to this system (the GDPR register's processing
        # activities), through the kit's extension point: this app imports none of them.
        "related": related.links("algorithms.system", system),
        "contests": system.contests.all()[:5],
        "public_url": _public_url(request, system)})


FORM = "algorithms/form.html"


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def create(request: OrganisationRequest) -> HttpResponse:
    return kit_views.create(
        request, forms.SystemForm,
        service=lambda form: services.create_system(request.user, request.organisation,
                                                    form.values()),
        success_url=lambda system: _detail_url(request, system),
        message=_("Algorithme ajouté au registre."), template=FORM,
        context={"title": _("Ajouter un algorithme ou un système d'IA"),
                 "back": _index_url(request)},
        form_kwargs={"organisation": request.organisation})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def edit(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    return kit_views.edit(
        request, selectors.systems(request.organisation), algorithm_id, forms.SystemForm,
        service=lambda system, form: services.update_system(request.user, system,
                                                             form.values()),
        success_url=lambda system: _detail_url(request, system),
        message=_("Fiche mise à jour (nouvelle version)."), template=FORM,
        context=lambda system: {"title": _("Modifier « %(name)s »") % {"name": system.name},
                                "back": _detail_url(request, system)},
        form_kwargs={"organisation": request.organisation})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def delete(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    return kit_views.delete(
        request, selectors.systems(request.organisation), algorithm_id,
        service=lambda system: services.delete_system(request.user, system),
        success_url=_index_url(request), message=_("Algorithme retiré du registre."),
        template="algorithms/confirm_delete.html",
        context=lambda system: {"back": _detail_url(request, system)})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def history(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    system = selectors.system(request.organisation, algorithm_id)
    versions = list(system.versions.all())
    rows = []
    for version, previous in zip(versions, [*versions[1:], None], strict=True):
        changes = []
        if previous is not None:
            for name in version.changed:
                changes.append({"field": name, "before": previous.snapshot.get(name, ""),
                                "after": version.snapshot.get(name, "")})
        rows.append({"version": version, "changes": changes})
    answers = [(a, q.ITEM_LABELS.get(a.key, a.key)) for a in system.answers.all()]
    return render(request, "algorithms/history.html", {
        "system": system, "rows": rows, "answers": answers})


def _answers_page(request: OrganisationRequest, algorithm_id: int, *, sections: Any,
                  texts: bool, title: str, template: str, extra: dict[str, Any] | None = None
                  ) -> HttpResponse:
    system = selectors.system(request.organisation, algorithm_id)
    stored = {a.key: a for a in system.answers.all()}
    initial = {k: a.value for k, a in stored.items()}
    form = forms.AnswersForm(request.POST or None, sections=sections, texts=texts,
                             initial=initial)
    can_manage = _can_manage(request)
    if request.method == "POST":
        if not can_manage:
            return HttpResponse(status=403)
        if form.is_valid():
            changed = services.save_answers(request.user, system, form.answers(),
                                            allowed=form.fields)
            messages.success(request, _("%(n)d réponse(s) enregistrée(s).") % {"n": changed})
            return redirect(request.path)
    return render(request, template, {
        "system": system, "form": form, "title": title, "stored": stored,
        "can_manage": can_manage, "eur_lex": q.EUR_LEX,
        "classification": ai_act.classify(initial), **(extra or {})},
        status=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def classification(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    return _answers_page(request, algorithm_id, sections=q.CLASSIFICATION_SECTIONS,
                         texts=False, title=_("Classification AI Act"),
                         template="algorithms/classification.html",
                         extra={"category_labels": dict(Category.choices),
                                "duty_labels": q.DUTY_LABELS})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def obligations(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    return _answers_page(request, algorithm_id, sections=forms.obligations_sections(),
                         texts=False, title=_("Obligations du déployeur (art. 26)"),
                         template="algorithms/answers.html")


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def assessment(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    return _answers_page(request, algorithm_id, sections=forms.assessment_sections(),
                         texts=True, title=_("Analyse d'impact et enregistrement"),
                         template="algorithms/answers.html")


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def evaluation(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    system = selectors.system(request.organisation, algorithm_id)
    current = getattr(system, "evaluation", None)
    form = forms.EvaluationForm(request.POST or None,
                                initial=forms.EvaluationForm.initial_from(current))
    can_manage = _can_manage(request)
    if request.method == "POST":
        if not can_manage:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.save_evaluation(request.user, system, form.values())
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Évaluation enregistrée."))
                return redirect(_detail_url(request, system))
    return render(request, "algorithms/evaluation.html", {
        "system": system, "form": form, "can_manage": can_manage, "evaluation": current},
        status=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def bias_index(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    system = selectors.system(request.organisation, algorithm_id)
    form = forms.BiasForm(request.POST or None, request.FILES or None)
    problems: list[bias.Problem] = []
    can_manage = _can_manage(request)
    if request.method == "POST":
        if not can_manage:
            return HttpResponse(status=403)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = form.cleaned_data
            try:
                report = services.measure_bias(
                    request.user, system, upload.read(), upload.name or "",
                    decision=data["decision"], group=data["group"],
                    outcome=data.get("outcome") or "", stratum=data.get("stratum") or "",
                    positive=data.get("positive") or "",
                    outcome_positive=data.get("outcome_positive") or "",
                    note=data.get("note") or "")
            except bias.BiasInputError as exc:
                problems = exc.problems
            else:
                messages.success(request, _("Mesure des biais enregistrée (version %(n)d).")
                                 % {"n": report.number})
                return redirect("algorithms:bias_report", request.organisation.slug,
                                system.pk, report.pk)
    return render(request, "algorithms/bias_index.html", {
        "system": system, "form": form, "problems": problems, "can_manage": can_manage,
        "reports": system.bias_reports.all()},
        status=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def bias_report(request: OrganisationRequest, algorithm_id: int, bias_report_id: int
                ) -> HttpResponse:
    system = selectors.system(request.organisation, algorithm_id)
    report = selectors.bias_report(system, bias_report_id)
    return render(request, "algorithms/bias_report.html",
                  {"system": system, **reports.bias_context(report)})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def bias_report_pdf(request: OrganisationRequest, algorithm_id: int, bias_report_id: int
                    ) -> HttpResponse:
    system = selectors.system(request.organisation, algorithm_id)
    report = selectors.bias_report(system, bias_report_id)
    pdf = reports.bias_pdf(request.organisation, system, report,
                           request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="biais-{system.pk}-v{report.number}'
                                       '.pdf"')
    return response


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET", "POST"])
def cost(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    system = selectors.system(request.organisation, algorithm_id)
    current = CostEstimate.objects.filter(system=system).first()
    form = forms.CostForm(request.POST or None, instance=current)
    can_manage = _can_manage(request)
    if request.method == "POST":
        if not can_manage:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.save_cost(request.user, system, form.cleaned_data,
                                   selectors.electricity_mix())
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Coût environnemental calculé."))
                return redirect(request.path)
    return render(request, "algorithms/cost.html", {
        "system": system, "form": form, "cost": current, "can_manage": can_manage,
        "model_names": ai_cost.models(form["provider"].value() or "mistralai"),
        "mix": selectors.electricity_mix()},
        status=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def rationalisation(request: OrganisationRequest) -> HttpResponse:
    rows = selectors.rationalisation(request.organisation)
    energy = sum(r["energy"] for r in rows)
    gwp = sum(r["gwp"] for r in rows)
    return render(request, "algorithms/rationalisation.html", {
        "rows": rows, "energy": energy, "gwp": gwp, **reports.cost_chart(rows)})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def notice(request: OrganisationRequest, algorithm_id: int) -> HttpResponse:
    system = selectors.system(request.organisation, algorithm_id)
    notices = []
    names = [s.name for s in system.services.all()] or [system.name]
    for name in names:
        text = exports.notice_text(system, name)
        html = render_to_string("algorithms/notice_snippet.html",
                                {"text": text, "system": system}).strip()
        notices.append({"service": name, "text": text, "html": html})
    return render(request, "algorithms/notice.html", {"system": system, "notices": notices})


def _export(request: OrganisationRequest, which: str) -> JsonResponse:
    rows = selectors.public_systems(request.organisation)
    build = exports.netherlands if which == "nl" else exports.united_kingdom
    data = [build(request.organisation, s, _public_url(request, s)) for s in rows]
    response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False,
                                                                 "indent": 2})
    name = "algoritmeregister" if which == "nl" else "atrs"
    response["Content-Disposition"] = (f'attachment; filename="{name}-'
                                       f'{request.organisation.slug}.json"')
    return response


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def export_nl(request: OrganisationRequest) -> HttpResponse:
    return _export(request, "nl")


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def export_uk(request: OrganisationRequest) -> HttpResponse:
    return _export(request, "uk")


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def contests(request: OrganisationRequest) -> HttpResponse:
    return render(request, "algorithms/contests.html", {
        "rows": selectors.contests(request.organisation)[:200],
        "can_manage": _can_manage(request)})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def contest_review(request: OrganisationRequest, contest_id: int) -> HttpResponse:
    item = selectors.contest(request.organisation, contest_id)
    form = forms.ReviewForm(request.POST or None, organisation=request.organisation,
                            initial={"status": item.status, "response": item.response,
                                     "system": item.system_id})
    if request.method == "POST" and form.is_valid():
        services.review_contest(request.user, item, form.cleaned_data["status"],
                                form.cleaned_data.get("response") or "",
                                system=form.cleaned_data.get("system"))
        messages.success(request, _("Examen enregistré."))
        return redirect("algorithms:contests", request.organisation.slug)
    return render(request, "algorithms/contest_review.html", {"item": item, "form": form},
                  status=400 if request.method == "POST" else 200)

