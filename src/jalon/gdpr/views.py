"""Pages of the personal-data domain. Thin: scope (decorator), form, selector or service,
template. The register, retention, sovereignty and training pages are read with READ or
MANAGE_PERSONAL_DATA (the DPO of the demo holds only the latter, by design: personal data
without the inventory); requests and breaches (they hold people's data) and every write need
MANAGE_PERSONAL_DATA."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jalon.core import gdpr_dpia
from jalon.gdpr import forms, register, selectors, services
from jalon.gdpr.models import (
    ActivityStatus,
    DataSubjectRequest,
    Dpia,
    PurgeTaskStatus,
    RequestDocument,
)
from jalon.kit import views as kit_views
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, organisation_view

MANAGE = Capability.MANAGE_PERSONAL_DATA
FORM = "gdpr/form.html"


def readable(view: Callable[..., HttpResponse]) -> Any:
    """organisation_view for pages read with READ or MANAGE_PERSONAL_DATA (either one)."""

    @wraps(view)
    def check(request: OrganisationRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (scope.has(request, Capability.READ) or scope.has(request, MANAGE)):
            raise PermissionDenied("READ or personal_data.manage needed")
        return view(request, *args, **kwargs)

    # No single capability asked by the scope (membership is checked there); the marker read
    # by the tests names the lower of the two accepted.
    wrapped = organisation_view(capability=cast(Capability, None))(check)
    wrapped.jalon_capability = Capability.READ  # type: ignore[attr-defined]
    return wrapped


def _url(request: OrganisationRequest, name: str, *args: Any) -> str:
    return reverse(f"gdpr:{name}", args=[request.organisation.slug, *args])


def _can_manage(request: OrganisationRequest) -> bool:
    return scope.has(request, MANAGE)


def _apply(form: Any, save: Any) -> bool:
    """Run a service with a valid form; its ValidationError goes on the form."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return False
    return True


# --- Overview -----------------------------------------------------------------------------------

@readable
@require_http_methods(["GET"])
def index(request: OrganisationRequest) -> HttpResponse:
    today = timezone.localdate()
    can_manage = _can_manage(request)
    urgent = ([r for r in selectors.request_rows(request.organisation, today, state="open")
               if r.state in ("late", "due_today", "due_soon")][:10] if can_manage else [])
    return render(request, "gdpr/index.html", {
        "overview": selectors.overview(request.organisation, today), "urgent": urgent,
        "can_manage": can_manage, "state_labels": selectors.STATE_LABELS,
        "published": scope.is_published(request.organisation, "gdpr")})


# --- Register -----------------------------------------------------------------------------------

@readable
@require_http_methods(["GET"])
def activity_list(request: OrganisationRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    status = request.GET.get("status", "")
    status = status if status in ActivityStatus.values else ""
    rows = list(selectors.activity_list(request.organisation, q, status))
    return render(request, "gdpr/activity_list.html", {
        "rows": rows, "q": q, "status": status, "statuses": ActivityStatus.choices,
        "total": selectors.activities(request.organisation).count(),
        "can_manage": _can_manage(request)})


@readable
@require_http_methods(["GET"])
def activity_detail(request: OrganisationRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity(request.organisation, activity_id)
    dpia = Dpia.objects.filter(activity=activity).prefetch_related("risks").first()
    profile = getattr(activity, "hosting_profile", None)
    return render(request, "gdpr/activity_detail.html", {
        "activity": activity, "dpia": dpia, "screening": activity.screening,
        "criteria": gdpr_dpia.CRITERIA, "processors": activity.processors.all(),
        "profile": profile, "score": profile.score if profile else None,
        "tasks": activity.purge_tasks.all()[:10], "can_manage": _can_manage(request),
        "processor_form": forms.ProcessorForm(), "risk_form": forms.RiskForm()})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def activity_create(request: OrganisationRequest) -> HttpResponse:
    return kit_views.create(
        request, forms.ActivityForm,
        service=lambda form: services.create_activity(
            request.user, request.organisation, form.values(), form.cleaned_data["services"],
            form.cleaned_data["algorithms"]),
        success_url=lambda activity: _url(request, "activity", activity.pk),
        message=_("Traitement inscrit au registre."), template=FORM,
        context={"title": _("Inscrire un traitement au registre"),
                 "back": _url(request, "activities")},
        form_kwargs={"organisation": request.organisation})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def activity_edit(request: OrganisationRequest, activity_id: int) -> HttpResponse:
    return kit_views.edit(
        request, selectors.activities(request.organisation), activity_id, forms.ActivityForm,
        service=lambda activity, form: services.update_activity(
            request.user, activity, form.values(), form.cleaned_data["services"],
            form.cleaned_data["algorithms"]),
        success_url=lambda activity: _url(request, "activity", activity.pk),
        message=_("Traitement mis à jour."), template=FORM,
        context=lambda activity: {"title": _("Modifier le traitement"),
                                  "back": _url(request, "activity", activity.pk)},
        form_kwargs={"organisation": request.organisation})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def activity_delete(request: OrganisationRequest, activity_id: int) -> HttpResponse:
    return kit_views.delete(
        request, selectors.activities(request.organisation), activity_id,
        service=lambda activity: services.delete_activity(request.user, activity),
        success_url=_url(request, "activities"), message=_("Traitement retiré du registre."),
        template="gdpr/confirm_delete.html",
        context=lambda activity: {"back": _url(request, "activity", activity.pk)})


@organisation_view(capability=MANAGE)
@require_POST
def processor_add(request: OrganisationRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity(request.organisation, activity_id)
    form = forms.ProcessorForm(request.POST)
    if _apply(form, lambda: services.save_processor(request.user, activity, form.cleaned_data)):
        messages.success(request, _("Sous-traitant ajouté."))
        return redirect(_url(request, "activity", activity.pk))
    return render(request, FORM, {"form": form, "title": _("Ajouter un sous-traitant"),
                                  "back": _url(request, "activity", activity.pk)}, status=400)


@organisation_view(capability=MANAGE)
@require_POST
def processor_delete(request: OrganisationRequest, activity_id: int,
                     processor_id: int) -> HttpResponse:
    activity = selectors.activity(request.organisation, activity_id)
    processor = get_object_or_404(activity.processors.all(), pk=processor_id)
    services.delete_processor(request.user, processor)
    messages.success(request, _("Sous-traitant retiré."))
    return redirect(_url(request, "activity", activity.pk))


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def dpia_edit(request: OrganisationRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity(request.organisation, activity_id)
    dpia = Dpia.objects.filter(activity=activity).first()
    form = forms.DpiaForm(request.POST or None, instance=dpia)
    if request.method == "POST" and _apply(
            form, lambda: services.save_dpia(request.user, activity, form.cleaned_data)):
        messages.success(request, _("Analyse d'impact enregistrée."))
        return redirect(_url(request, "activity", activity.pk))
    return render(request, FORM, {"form": form, "title": _("Analyse d'impact : %(name)s")
                                  % {"name": activity.name},
                                  "back": _url(request, "activity", activity.pk)},
                  status=400 if request.method == "POST" else 200)


@organisation_view(capability=MANAGE)
@require_POST
def risk_add(request: OrganisationRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity(request.organisation, activity_id)
    dpia = Dpia.objects.filter(activity=activity).first()
    if dpia is None:
        dpia = services.save_dpia(request.user, activity, {"started_on": timezone.localdate()})
    form = forms.RiskForm(request.POST)
    if _apply(form, lambda: services.add_risk(request.user, dpia, form.cleaned_data)):
        messages.success(request, _("Risque ajouté à l'analyse d'impact."))
        return redirect(_url(request, "activity", activity.pk) + "#dpia")
    return render(request, FORM, {"form": form, "title": _("Ajouter un risque"),
                                  "back": _url(request, "activity", activity.pk)}, status=400)


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def register_settings(request: OrganisationRequest) -> HttpResponse:
    current = register.published_fields(request.organisation)
    form = forms.RegisterFieldsForm(request.POST or None,
                                    initial={"published_fields": list(current)})
    if request.method == "POST" and _apply(form, lambda: services.set_published_fields(
            request.user, request.organisation, form.cleaned_data["published_fields"])):
        messages.success(request, _("Choix des champs publiés enregistré."))
        return redirect(_url(request, "register_settings"))
    return render(request, "gdpr/register_settings.html", {
        "form": form, "published": scope.is_published(request.organisation, "gdpr"),
        "preview": [register.public_view(a, current) for a in
                    list(register.public_activities(request.organisation))[:2]]},
        status=400 if request.method == "POST" else 200)


# --- Requests -----------------------------------------------------------------------------------

@organisation_view(capability=MANAGE)
@require_http_methods(["GET"])
def request_list(request: OrganisationRequest) -> HttpResponse:
    form = forms.RequestFilterForm(request.GET or None)
    today = timezone.localdate()
    rows = selectors.request_rows(request.organisation, today, **form.filters())
    return render(request, "gdpr/request_list.html", {
        "filter_form": form, "rows": rows, "today": today,
        "state_labels": selectors.STATE_LABELS,
        "total": selectors.requests(request.organisation).count()})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def request_create(request: OrganisationRequest) -> HttpResponse:
    return kit_views.create(
        request, forms.RequestForm,
        service=lambda form: services.create_request(request.user, request.organisation,
                                                     form.values()),
        success_url=lambda r: _url(request, "request", r.pk),
        message=_("Demande enregistrée ; son échéance est calculée."), template=FORM,
        context={"title": _("Enregistrer une demande d'exercice de droits"),
                 "back": _url(request, "requests")},
        form_kwargs={"organisation": request.organisation})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def request_edit(request: OrganisationRequest, request_id: int) -> HttpResponse:
    return kit_views.edit(
        request, selectors.requests(request.organisation), request_id, forms.RequestForm,
        service=lambda r, form: services.update_request(request.user, r, form.values()),
        success_url=lambda r: _url(request, "request", r.pk),
        message=_("Demande mise à jour."), template=FORM,
        context=lambda r: {"title": _("Modifier la demande %(ref)s") % {"ref": r.reference},
                           "back": _url(request, "request", r.pk)},
        form_kwargs={"organisation": request.organisation})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def request_delete(request: OrganisationRequest, request_id: int) -> HttpResponse:
    return kit_views.delete(
        request, selectors.requests(request.organisation), request_id,
        service=lambda r: services.delete_request(request.user, r),
        success_url=_url(request, "requests"), message=_("Demande supprimée."),
        template="gdpr/confirm_delete.html",
        context=lambda r: {"back": _url(request, "request", r.pk)})


def _request_page(request: OrganisationRequest, dsr: DataSubjectRequest, status: int = 200,
                  **forms_: Any) -> HttpResponse:
    today = timezone.localdate()
    row = selectors.request_row(dsr, today)
    open_pause = dsr.request_pauses.filter(ended_on__isnull=True).first()
    return render(request, "gdpr/request_detail.html", {
        "r": dsr, "row": row, "state_label": selectors.STATE_LABELS[row.state],
        "pauses": dsr.request_pauses.all(), "open_pause": open_pause,
        "documents": dsr.documents.defer("content"),
        "pause_form": forms_.get("pause_form") or forms.PauseForm(
            initial={"started_on": today}),
        "resume_form": forms_.get("resume_form") or forms.ResumeForm(
            initial={"ended_on": today}),
        "extend_form": forms_.get("extend_form") or forms.ExtendForm(
            initial={"informed_on": today}),
        "answer_form": forms_.get("answer_form") or forms.AnswerForm(
            initial={"answered_on": today}),
        "document_form": forms_.get("document_form") or forms.DocumentForm()},
        status=status)


@organisation_view(capability=MANAGE)
@require_http_methods(["GET"])
def request_detail(request: OrganisationRequest, request_id: int) -> HttpResponse:
    return _request_page(request, selectors.request(request.organisation, request_id))


@organisation_view(capability=MANAGE)
@require_POST
def request_action(request: OrganisationRequest, request_id: int, action: str
                   ) -> HttpResponse:
    dsr = selectors.request(request.organisation, request_id)
    actor = request.user
    form: Any
    if action == "pause":
        form = forms.PauseForm(request.POST)
        ok = _apply(form, lambda: services.pause_request(
            actor, dsr, form.cleaned_data["kind"], form.cleaned_data["started_on"],
            form.cleaned_data["note"]))
        done = _("Délai suspendu en attendant la réponse de la personne.")
    elif action == "resume":
        form = forms.ResumeForm(request.POST)
        ok = _apply(form, lambda: services.resume_request(actor, dsr,
                                                          form.cleaned_data["ended_on"]))
        done = _("Reprise du délai enregistrée ; l'échéance est recalculée.")
    elif action == "extend":
        form = forms.ExtendForm(request.POST)
        ok = _apply(form, lambda: services.extend_request(
            actor, dsr, form.cleaned_data["reasons"], form.cleaned_data["informed_on"]))
        done = _("Demande prolongée de deux mois.")
    elif action == "answer":
        form = forms.AnswerForm(request.POST)
        ok = _apply(form, lambda: services.answer_request(
            actor, dsr, answered_on=form.cleaned_data["answered_on"],
            answer=form.cleaned_data["answer"], status=form.cleaned_data["status"]))
        done = _("Réponse enregistrée.")
    elif action == "document":
        form = forms.DocumentForm(request.POST, request.FILES)

        def save() -> Any:
            upload = form.cleaned_data["file"]
            if upload.size > services.MAX_DOCUMENT_BYTES:
                raise ValidationError({"file": [_("Le fichier dépasse 5 Mo.")]})
            return services.add_document(actor, dsr, upload.name or "document", upload.read())

        ok = _apply(form, save)
        done = _("Pièce jointe ajoutée.")
    else:
        return HttpResponse(status=404)
    if ok:
        messages.success(request, done)
        return redirect(_url(request, "request", dsr.pk))
    dsr.refresh_from_db()
    return _request_page(request, dsr, status=400, **{f"{action}_form": form})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET"])
def document_download(request: OrganisationRequest, request_id: int,
                      document_id: int) -> HttpResponse:
    dsr = selectors.request(request.organisation, request_id)
    document = get_object_or_404(RequestDocument.objects.filter(request=dsr), pk=document_id)
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    safe = "".join(c for c in document.name if c.isalnum() or c in "._-") or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Breaches -----------------------------------------------------------------------------------

@organisation_view(capability=MANAGE)
@require_http_methods(["GET"])
def breach_list(request: OrganisationRequest) -> HttpResponse:
    now = timezone.now()
    return render(request, "gdpr/breach_list.html", {
        "rows": [{"b": b, "clock": _clock(b, now)} for b in selectors.breaches(
            request.organisation)]})


def _clock(breach: Any, now: Any) -> dict[str, Any]:
    from jalon.core import gdpr_deadlines as clock

    state = clock.breach_clock(breach.aware_at, breach.notified_at, now,
                               notification_required=breach.notification_required)
    labels = {"notified_on_time": _("Notifiée dans les 72 heures"),
              "notified_late": _("Notifiée après 72 heures"),
              "overdue": _("72 heures dépassées : à notifier sans délai"),
              "running": _("À notifier avant le %(when)s") % {
                  "when": timezone.localtime(breach.notify_by).strftime("%d/%m/%Y %H:%M")},
              "not_required": _("Notification non requise (risque peu probable)")}
    return {"state": state, "label": labels[state],
            "hours_left": round(clock.hours_left(breach.aware_at, now), 1)}


@organisation_view(capability=MANAGE)
@require_http_methods(["GET"])
def breach_detail(request: OrganisationRequest, breach_id: int) -> HttpResponse:
    breach = selectors.breach(request.organisation, breach_id)
    return render(request, "gdpr/breach_detail.html", {
        "b": breach, "clock": _clock(breach, timezone.now())})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def breach_create(request: OrganisationRequest) -> HttpResponse:
    return kit_views.create(
        request, forms.BreachForm,
        service=lambda form: services.create_breach(
            request.user, request.organisation, form.values(),
            form.cleaned_data["activities"]),
        success_url=lambda b: _url(request, "breach", b.pk),
        message=_("Violation enregistrée : le délai de 72 heures court."), template=FORM,
        context={"title": _("Enregistrer une violation de données"),
                 "back": _url(request, "breaches")},
        form_kwargs={"organisation": request.organisation})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def breach_edit(request: OrganisationRequest, breach_id: int) -> HttpResponse:
    return kit_views.edit(
        request, selectors.breaches(request.organisation), breach_id, forms.BreachForm,
        service=lambda b, form: services.update_breach(request.user, b, form.values(),
                                                       form.cleaned_data["activities"]),
        success_url=lambda b: _url(request, "breach", b.pk),
        message=_("Violation mise à jour."), template=FORM,
        context=lambda b: {"title": _("Modifier la violation %(ref)s") % {"ref": b.reference},
                           "back": _url(request, "breach", b.pk)},
        form_kwargs={"organisation": request.organisation})


# --- Retention ----------------------------------------------------------------------------------

@readable
@require_http_methods(["GET"])
def retention(request: OrganisationRequest) -> HttpResponse:
    from jalon import privacy

    records = list(selectors.purge_records(request.organisation)[:100])
    runs: dict[Any, list[Any]] = {}
    for rec in records:
        runs.setdefault(rec.ran_at, []).append(rec)
    tasks = selectors.purge_tasks(request.organisation)
    return render(request, "gdpr/retention.html", {
        "runs": list(runs.items()), "due": tasks.filter(status=PurgeTaskStatus.DUE),
        "confirmed": tasks.filter(status=PurgeTaskStatus.CONFIRMED).order_by("-due_on")[:30],
        "declarations": [e for e in privacy.personal_fields()
                         if e.organisation_field is not None],
        "today": timezone.localdate(), "can_manage": _can_manage(request),
        "confirm_form": forms.ConfirmPurgeForm()})


@organisation_view(capability=MANAGE)
@require_POST
def purge_tasks_generate(request: OrganisationRequest) -> HttpResponse:
    created = services.generate_purge_tasks(request.organisation)
    messages.success(request, _("%(n)d purge(s) à confirmer ajoutée(s).") % {"n": len(created)})
    return redirect(_url(request, "retention"))


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def purge_task_confirm(request: OrganisationRequest, task_id: int) -> HttpResponse:
    task = selectors.purge_task(request.organisation, task_id)
    form = forms.ConfirmPurgeForm(request.POST or None)
    if request.method == "POST" and _apply(form, lambda: services.confirm_purge_task(
            request.user, task, records_purged=form.cleaned_data["records_purged"],
            proof=form.cleaned_data["proof"])):
        messages.success(request, _("Purge confirmée ; la preuve est conservée."))
        return redirect(_url(request, "retention"))
    return render(request, FORM, {
        "form": form, "title": _("Confirmer la purge : %(name)s") % {"name": task.activity.name},
        "intro": task.activity.retention_text, "back": _url(request, "retention")},
        status=400 if request.method == "POST" else 200)


# --- Sovereignty --------------------------------------------------------------------------------

@readable
@require_http_methods(["GET"])
def sovereignty(request: OrganisationRequest) -> HttpResponse:
    portfolio = selectors.portfolio(request.organisation)
    scored = sorted((r for r in portfolio.rows if r["score"]), key=lambda r: r["score"].value)
    return render(request, "gdpr/sovereignty.html", {
        "portfolio": portfolio, "scored": scored,
        "unscored": [r for r in portfolio.rows if not r["score"]],
        "can_manage": _can_manage(request)})


def _hosting(request: OrganisationRequest, subject: Any, kind: str) -> HttpResponse:
    profile = getattr(subject, "hosting_profile", None)
    form = forms.HostingForm(request.POST or None, instance=profile)
    key = "service" if kind == "service" else "activity"
    if request.method == "POST" and _apply(form, lambda: services.save_hosting(
            request.user, request.organisation, form.values(), **{key: subject})):
        messages.success(request, _("Hébergement enregistré ; le score est recalculé."))
        return redirect(_url(request, "sovereignty"))
    return render(request, FORM, {
        "form": form, "title": _("Souveraineté : %(name)s") % {"name": str(subject)},
        "back": _url(request, "sovereignty")},
        status=400 if request.method == "POST" else 200)


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def hosting_service(request: OrganisationRequest, service_id: int) -> HttpResponse:
    subject = get_object_or_404(selectors.services(request.organisation), pk=service_id)
    return _hosting(request, subject, "service")


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def hosting_activity(request: OrganisationRequest, activity_id: int) -> HttpResponse:
    return _hosting(request, selectors.activity(request.organisation, activity_id), "activity")


# --- Training -----------------------------------------------------------------------------------

@readable
@require_http_methods(["GET"])
def training(request: OrganisationRequest) -> HttpResponse:
    rows = []
    for c in selectors.campaigns(request.organisation):
        trained = getattr(c, "trained", 0)
        share = min(100.0, 100.0 * trained / c.agents_concerned) if c.agents_concerned else 0
        rows.append({"c": c, "share": share})
    return render(request, "gdpr/training.html", {"rows": rows,
                                                  "can_manage": _can_manage(request)})


@organisation_view(capability=MANAGE)
@require_http_methods(["GET", "POST"])
def campaign_create(request: OrganisationRequest) -> HttpResponse:
    return kit_views.create(
        request, forms.CampaignForm,
        service=lambda form: services.save_campaign(request.user, request.organisation,
                                                    form.values()),
        success_url=lambda c: _url(request, "campaign", c.pk),
        message=_("Campagne de formation créée."), template=FORM,
        context={"title": _("Nouvelle campagne de formation"),
                 "back": _url(request, "training")})


@readable
@require_http_methods(["GET", "POST"])
def campaign_detail(request: OrganisationRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign(request.organisation, campaign_id)
    form = forms.AttendanceForm(request.POST or None, request.FILES or None)
    outcome = None
    status = 200
    if request.method == "POST":
        if not _can_manage(request):
            return HttpResponse(status=403)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            outcome = services.import_attendance(request.user, campaign, upload.read(),
                                                 upload.name or "")
            if outcome.ok:
                messages.success(request, _(
                    "Émargement importé : %(added)d agent(s) ajouté(s), %(already)d déjà "
                    "compté(s), %(absent)d absent(s) ignoré(s).") % {
                    "added": outcome.added, "already": outcome.already,
                    "absent": outcome.absent})
                return redirect(_url(request, "campaign", campaign.pk))
    campaign = selectors.campaign(request.organisation, campaign_id)
    share = min(100.0, 100.0 * getattr(campaign, "trained", 0) / campaign.agents_concerned)
    return render(request, "gdpr/campaign_detail.html", {
        "c": campaign, "share": share, "form": form, "outcome": outcome,
        "can_manage": _can_manage(request)}, status=status)
