"""Every write of the personal-data domain: each in a transaction, each audited.

Callers (views, API) pass objects obtained through `selectors` (hence scoped to the request's
organisation). A bad value raises django's ValidationError keyed by field, in French. The legal
dates are computed by jalon.core.gdpr_deadlines and stored on the rows (lists, API).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon import events
from jalon.core import gdpr_deadlines as clock
from jalon.core import gdpr_dpia
from jalon.core.catalogue import CellError, InvalidValue, clean_country
from jalon.core.gdpr_training import parse_attendance
from jalon.gdpr import register
from jalon.gdpr.models import (
    SENSITIVE_CATEGORIES,
    Breach,
    DataSubjectRequest,
    Dpia,
    DpiaRisk,
    HostingProfile,
    ProcessingActivity,
    Processor,
    PurgeRecord,
    PurgeTask,
    PurgeTaskStatus,
    RegisterSettings,
    RequestDocument,
    RequestPause,
    RequestStatus,
    TrainingAttendance,
    TrainingCampaign,
)
from jalon.kit.formatting import fr_number
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

TOPIC: Final = "gdpr"  # jalon.events topic: the organisation's personal-data records changed
MAX_DOCUMENT_BYTES: Final = 5 * 1024 * 1024
MAX_ATTENDANCE_BYTES: Final = 2 * 1024 * 1024
DOCUMENT_TYPES: Final = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
                         ".jpeg": "image/jpeg", ".txt": "text/plain", ".odt":
                         "application/vnd.oasis.opendocument.text"}


def _check(obj: Model, exclude: Iterable[str] = ()) -> None:
    """The model's own rules (required, lengths, choices), messages in French."""
    obj.full_clean(exclude=[*exclude], validate_unique=False, validate_constraints=False)


def _set(obj: Model, values: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    allowed = set(allowed)
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError({name: [_("Champ inconnu.")] for name in sorted(unknown)})
    changed = []
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


# --- Register -----------------------------------------------------------------------------------

ACTIVITY_FIELDS: Final = (
    "reference", "name", "status", "role", "controller_name", "owner_team", "purposes",
    "legal_basis", "legal_basis_detail", "data_subjects", "data_categories",
    "sensitive_categories", "recipients", "transfers_outside_eu", "transfer_countries",
    "transfer_safeguards", "retention_value", "retention_unit", "retention_start",
    "retention_start_detail", "final_fate", "purge_every_months", "security_measures",
    "dpia_criteria", "on_cnil_required_list", "on_cnil_exempt_list", "published",
    "created_on")


def _check_activity(activity: ProcessingActivity) -> None:
    errors: dict[str, list[str]] = {}
    try:
        _check(activity, exclude=["organisation", "services"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    bad = [c for c in activity.sensitive_categories or () if c not in SENSITIVE_CATEGORIES]
    if bad:
        errors["sensitive_categories"] = [_("Catégorie inconnue : %(v)s ; valeurs possibles : "
                                            "%(all)s.") % {"v": ", ".join(bad),
                                                           "all": ", ".join(SENSITIVE_CATEGORIES)}]
    bad = [c for c in activity.dpia_criteria or () if c not in gdpr_dpia.CRITERIA]
    if bad:
        errors["dpia_criteria"] = [_("Critère inconnu : %(v)s ; valeurs possibles : %(all)s.")
                                   % {"v": ", ".join(bad),
                                      "all": ", ".join(gdpr_dpia.CRITERIA)}]
    if activity.role == "processor" and not activity.controller_name:
        errors["controller_name"] = [_("Pour un traitement mené comme sous-traitant, indiquez "
                                       "le responsable de traitement (art. 30.2).")]
    if activity.transfers_outside_eu and not (activity.transfer_countries
                                              and activity.transfer_safeguards):
        errors["transfer_safeguards"] = [_("Un transfert hors UE demande les pays de "
                                           "destination et ses garanties (art. 44 à 49).")]
    if activity.on_cnil_required_list and activity.on_cnil_exempt_list:
        errors["on_cnil_exempt_list"] = [_("Un traitement ne peut pas figurer sur les deux "
                                           "listes de la CNIL.")]
    if activity.retention_value is None and activity.status == "active":
        errors["retention_value"] = [_("Indiquez la durée de conservation (art. 30.1.f) : "
                                       "une durée, l'événement dont elle court, le sort "
                                       "final.")]
    if errors:
        raise ValidationError(errors)


def _own(organisation: Organisation, objects: Iterable[Any]) -> list[Any]:
    """Linked services or algorithms: only the organisation's own (a foreign one is refused)."""
    objects = list(objects)
    if any(o.organisation_id != organisation.pk for o in objects):
        raise ValidationError({"services": [_("Service ou algorithme inconnu dans "
                                              "l'organisation.")]})
    return objects


def _unique_name(activity: ProcessingActivity) -> None:
    rows = ProcessingActivity.objects.filter(organisation=activity.organisation,
                                             name__iexact=activity.name)
    if activity.pk:
        rows = rows.exclude(pk=activity.pk)
    if rows.exists():
        raise ValidationError({"name": [_("Un autre traitement du registre porte déjà ce "
                                          "nom.")]})


def _next_reference(organisation: Organisation, model: type[Model], prefix: str,
                    day: dt.date) -> str:
    stem = f"{prefix}-{day.year}-"
    count = model._default_manager.filter(organisation=organisation,
                                          reference__startswith=stem).count()
    while True:
        count += 1
        reference = f"{stem}{count:03d}"
        if not model._default_manager.filter(organisation=organisation,
                                             reference=reference).exists():
            return reference


def create_activity(actor: Any, organisation: Organisation, values: Mapping[str, Any],
                    services: Iterable[Any] = (), algorithms: Iterable[Any] = ()
                    ) -> ProcessingActivity:
    activity = ProcessingActivity(organisation=organisation)
    _set(activity, values, ACTIVITY_FIELDS)
    if not activity.created_on:
        activity.created_on = timezone.localdate()
    _check_activity(activity)
    with transaction.atomic():
        _unique_name(activity)
        if not activity.reference:
            count = ProcessingActivity.objects.filter(organisation=organisation).count()
            activity.reference = f"T-{count + 1:03d}"
        activity.save()
        activity.services.set(_own(organisation, services))
        activity.algorithms.set(_own(organisation, algorithms))
        record(actor, "gdpr.activity.create", organisation, target=activity.name,
               activity_id=activity.pk)
        events.announce(TOPIC, organisation.pk)
    return activity


def update_activity(actor: Any, activity: ProcessingActivity, values: Mapping[str, Any],
                    services: Iterable[Any] | None = None,
                    algorithms: Iterable[Any] | None = None) -> ProcessingActivity:
    changed = _set(activity, values, ACTIVITY_FIELDS)
    _check_activity(activity)
    with transaction.atomic():
        _unique_name(activity)
        activity.save()
        for name, linked in (("services", services), ("algorithms", algorithms)):
            if linked is None:
                continue
            related = getattr(activity, name)
            before = set(related.values_list("pk", flat=True))
            related.set(_own(activity.organisation, linked))
            if before != set(related.values_list("pk", flat=True)):
                changed.append(name)
        record(actor, "gdpr.activity.update", activity.organisation, target=activity.name,
               activity_id=activity.pk, fields=sorted(changed))
        events.announce(TOPIC, activity.organisation_id)
    return activity


def delete_activity(actor: Any, activity: ProcessingActivity) -> None:
    with transaction.atomic():
        record(actor, "gdpr.activity.delete", activity.organisation, target=activity.name,
               activity_id=activity.pk)
        events.announce(TOPIC, activity.organisation_id)
        activity.delete()


PROCESSOR_FIELDS: Final = ("name", "service", "country", "contract_reference",
                           "contract_signed_on", "contract_ends_on", "art28_clauses")


def save_processor(actor: Any, activity: ProcessingActivity, values: Mapping[str, Any],
                   processor: Processor | None = None) -> Processor:
    processor = processor or Processor(activity=activity)
    values = dict(values)
    if values.get("country"):
        try:
            values["country"] = clean_country(values["country"])
        except InvalidValue as exc:
            raise ValidationError({"country": [str(exc)]}) from exc
    _set(processor, values, PROCESSOR_FIELDS)
    _check(processor, exclude=["activity"])
    if (processor.contract_signed_on and processor.contract_ends_on
            and processor.contract_ends_on < processor.contract_signed_on):
        raise ValidationError({"contract_ends_on": [_("La fin du contrat précède sa "
                                                      "signature.")]})
    with transaction.atomic():
        processor.save()
        record(actor, "gdpr.processor.save", activity.organisation, target=processor.name,
               activity_id=activity.pk)
    return processor


def delete_processor(actor: Any, processor: Processor) -> None:
    with transaction.atomic():
        record(actor, "gdpr.processor.delete", processor.activity.organisation,
               target=processor.name, activity_id=processor.activity_id)
        processor.delete()


DPIA_FIELDS: Final = ("started_on", "description", "necessity", "dpo_opinion",
                      "signed_off_by", "signed_off_on", "next_review_on")


def save_dpia(actor: Any, activity: ProcessingActivity, values: Mapping[str, Any]) -> Dpia:
    dpia = Dpia.objects.filter(activity=activity).first() or Dpia(activity=activity)
    _set(dpia, values, DPIA_FIELDS)
    _check(dpia, exclude=["activity"])
    if dpia.signed_off_on and not dpia.signed_off_by:
        raise ValidationError({"signed_off_by": [_("Indiquez qui a validé l'AIPD.")]})
    with transaction.atomic():
        dpia.save()
        record(actor, "gdpr.dpia.save", activity.organisation, target=activity.name,
               activity_id=activity.pk)
    return dpia


RISK_FIELDS: Final = ("title", "likelihood", "severity", "measures", "residual_likelihood",
                      "residual_severity")


def add_risk(actor: Any, dpia: Dpia, values: Mapping[str, Any]) -> DpiaRisk:
    risk = DpiaRisk(dpia=dpia)
    _set(risk, values, RISK_FIELDS)
    errors = {}
    for name in ("likelihood", "severity", "residual_likelihood", "residual_severity"):
        if getattr(risk, name) not in gdpr_dpia.LEVELS:
            errors[name] = [_("Niveau attendu entre 1 (négligeable) et 4 (maximal).")]
    if errors:
        raise ValidationError(errors)
    _check(risk, exclude=["dpia"])
    with transaction.atomic():
        risk.save()
        record(actor, "gdpr.dpia.risk", dpia.activity.organisation, target=risk.title,
               activity_id=dpia.activity_id)
    return risk


def set_published_fields(actor: Any, organisation: Organisation, keys: Iterable[str]
                         ) -> RegisterSettings:
    keys = list(keys)
    unknown = [k for k in keys if k not in register.OPTIONAL_KEYS]
    if unknown:
        raise ValidationError({"published_fields": [_("Champ inconnu : %(v)s.")
                                                    % {"v": ", ".join(unknown)}]})
    with transaction.atomic():
        settings_, _created = RegisterSettings.objects.get_or_create(organisation=organisation)
        settings_.published_fields = [k for k in register.OPTIONAL_KEYS if k in keys]
        settings_.save()
        record(actor, "gdpr.register.fields", organisation, target="registre",
               fields=settings_.published_fields)
        events.announce(TOPIC, organisation.pk)
    return settings_


# --- Requests -----------------------------------------------------------------------------------

REQUEST_FIELDS: Final = ("kind", "received_on", "channel", "requester_name", "requester_email",
                         "description", "activity", "assignee", "status")


def refresh_deadline(request: DataSubjectRequest, today: dt.date | None = None) -> clock.Deadline:
    """Recompute the stored due dates from the receipt date, the pauses and the extension."""
    today = today or timezone.localdate()
    deadline = clock.deadline(request.received_on,
                              pauses=request.pauses() if request.pk else (),
                              extended=bool(request.extension_informed_on), today=today)
    request.due_on = deadline.due_on
    request.extended_due_on = deadline.extended_due_on
    return deadline


def _check_request(request: DataSubjectRequest) -> None:
    errors: dict[str, list[str]] = {}
    if not request.kind:
        errors["kind"] = [_("Indiquez le droit exercé.")]
    if not isinstance(request.received_on, dt.date):
        errors["received_on"] = [_("Indiquez la date de réception (AAAA-MM-JJ).")]
    elif request.received_on > timezone.localdate():
        errors["received_on"] = [_("La date de réception ne peut pas être dans le futur.")]
    if errors:
        raise ValidationError(errors)
    try:
        _check(request, exclude=["organisation", "reference", "due_on", "activity", "assignee"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    if request.activity is not None and request.activity.organisation_id != request.organisation_id:
        raise ValidationError({"activity": [_("Traitement inconnu.")]})


def create_request(actor: Any, organisation: Organisation, values: Mapping[str, Any]
                   ) -> DataSubjectRequest:
    request = DataSubjectRequest(organisation=organisation)
    _set(request, values, REQUEST_FIELDS)
    _check_request(request)
    refresh_deadline(request)
    with transaction.atomic():
        request.reference = _next_reference(organisation, DataSubjectRequest, "DDP",
                                            request.received_on)
        request.save()
        record(actor, "gdpr.request.create", organisation, target=request.reference,
               request_id=request.pk, kind=request.kind)
        events.announce(TOPIC, organisation.pk)
    return request


def update_request(actor: Any, request: DataSubjectRequest, values: Mapping[str, Any]
                   ) -> DataSubjectRequest:
    changed = _set(request, values, REQUEST_FIELDS)
    _check_request(request)
    refresh_deadline(request)
    with transaction.atomic():
        request.save()
        record(actor, "gdpr.request.update", request.organisation, target=request.reference,
               request_id=request.pk, fields=sorted(changed))
        events.announce(TOPIC, request.organisation_id)
    return request


def pause_request(actor: Any, request: DataSubjectRequest, kind: str, started_on: dt.date,
                  note: str = "") -> RequestPause:
    """The controller asked the person for proof of identity or to specify the request: the
    clock stops (EDPB guidelines 01/2022, see jalon.core.gdpr_deadlines)."""
    if request.is_closed:
        raise ValidationError({"kind": [_("La demande est close.")]})
    if request.request_pauses.filter(ended_on__isnull=True).exists():
        raise ValidationError({"kind": [_("Une suspension est déjà en cours : enregistrez "
                                          "d'abord la réponse de la personne.")]})
    if started_on < request.received_on or started_on > timezone.localdate():
        raise ValidationError({"started_on": [_("La date doit être comprise entre la réception "
                                                "et aujourd'hui.")]})
    pause = RequestPause(request=request, kind=kind, started_on=started_on, note=note)
    _check(pause, exclude=["request"])
    with transaction.atomic():
        pause.save()
        request.status = RequestStatus.WAITING
        refresh_deadline(request)
        request.save()
        record(actor, "gdpr.request.pause", request.organisation, target=request.reference,
               request_id=request.pk, kind=kind)
        events.announce(TOPIC, request.organisation_id)
    return pause


def resume_request(actor: Any, request: DataSubjectRequest, ended_on: dt.date) -> RequestPause:
    pause = request.request_pauses.filter(ended_on__isnull=True).first()
    if pause is None:
        raise ValidationError({"ended_on": [_("Aucune suspension en cours.")]})
    if ended_on < pause.started_on or ended_on > timezone.localdate():
        raise ValidationError({"ended_on": [_("La date doit être comprise entre la question "
                                              "posée et aujourd'hui.")]})
    with transaction.atomic():
        pause.ended_on = ended_on
        pause.save()
        request.status = (RequestStatus.EXTENDED if request.extension_informed_on
                          else RequestStatus.IN_PROGRESS)
        refresh_deadline(request)
        request.save()
        record(actor, "gdpr.request.resume", request.organisation, target=request.reference,
               request_id=request.pk, paused_days=(ended_on - pause.started_on).days)
        events.announce(TOPIC, request.organisation_id)
    return pause


def extend_request(actor: Any, request: DataSubjectRequest, reasons: str,
                   informed_on: dt.date | None) -> DataSubjectRequest:
    """Two further months (art. 12(3)), only with reasons and the person informed in time."""
    if request.is_closed:
        raise ValidationError({"reasons": [_("La demande est close.")]})
    if request.extension_informed_on:
        raise ValidationError({"reasons": [_("La demande est déjà prolongée : le RGPD ne "
                                             "permet qu'une prolongation de deux mois.")]})
    deadline = clock.deadline(request.received_on, pauses=request.pauses(),
                              today=timezone.localdate())
    try:
        clock.check_extension(deadline, reasons=reasons, informed_on=informed_on)
    except clock.ExtensionRefused as exc:
        name = "reasons" if not reasons.strip() else "informed_on"
        raise ValidationError({name: [str(exc)]}) from exc
    if informed_on and informed_on > timezone.localdate():
        raise ValidationError({"informed_on": [_("Cette date est dans le futur.")]})
    with transaction.atomic():
        request.extension_reasons = reasons.strip()
        request.extension_informed_on = informed_on
        if request.status not in (RequestStatus.WAITING,):
            request.status = RequestStatus.EXTENDED
        refresh_deadline(request)
        request.save()
        record(actor, "gdpr.request.extend", request.organisation, target=request.reference,
               request_id=request.pk, extended_due_on=str(request.extended_due_on))
        events.announce(TOPIC, request.organisation_id)
    return request


def answer_request(actor: Any, request: DataSubjectRequest, *, answered_on: dt.date | None,
                   answer: str, status: str = RequestStatus.ANSWERED) -> DataSubjectRequest:
    if status not in (RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN):
        raise ValidationError({"status": [_("Choisissez : répondue, refusée ou retirée.")]})
    errors: dict[str, list[str]] = {}
    if answered_on is None:
        errors["answered_on"] = [_("Indiquez la date de la réponse.")]
    elif answered_on < request.received_on or answered_on > timezone.localdate():
        errors["answered_on"] = [_("La date doit être comprise entre la réception et "
                                   "aujourd'hui.")]
    if status != RequestStatus.WITHDRAWN and not answer.strip():
        errors["answer"] = [_("Résumez la réponse apportée (et, pour un refus, ses motifs et "
                              "les voies de recours : art. 12.4).")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request.request_pauses.filter(ended_on__isnull=True).update(ended_on=answered_on)
        request.answered_on = answered_on
        request.answer = answer.strip()
        request.status = status
        refresh_deadline(request)
        request.save()
        record(actor, "gdpr.request.answer", request.organisation, target=request.reference,
               request_id=request.pk, status=status,
               on_time=answered_on <= request.final_due_on if answered_on else None)
        events.announce(TOPIC, request.organisation_id)
    return request


def delete_request(actor: Any, request: DataSubjectRequest) -> None:
    with transaction.atomic():
        record(actor, "gdpr.request.delete", request.organisation, target=request.reference,
               request_id=request.pk)
        events.announce(TOPIC, request.organisation_id)
        request.delete()


def add_document(actor: Any, request: DataSubjectRequest, name: str, data: bytes
                 ) -> RequestDocument:
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in DOCUMENT_TYPES:
        raise ValidationError({"file": [_("Format non accepté : PDF, PNG, JPEG, ODT ou "
                                          "texte.")]})
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": [_("Le fichier dépasse %(mb)d Mo.")
                                        % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}]})
    if not data:
        raise ValidationError({"file": [_("Le fichier est vide.")]})
    with transaction.atomic():
        document = RequestDocument.objects.create(
            request=request, name=name[-200:], content_type=DOCUMENT_TYPES[suffix],
            content=data, size=len(data))
        record(actor, "gdpr.request.document", request.organisation, target=request.reference,
               request_id=request.pk, size=len(data))
    return document


@dataclass
class Reminders:
    sent: list[str] = field(default_factory=list)


def send_reminders(today: dt.date | None = None) -> Reminders:
    """E-mail the person following each open request seven days before its due date and on it
    (the organisation's managers when nobody follows it). Each reminder is sent once (kept in
    `reminders_sent`)."""
    today = today or timezone.localdate()
    outcome = Reminders()
    open_requests = (DataSubjectRequest.objects.exclude(status__in=[
        RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN])
        .select_related("organisation", "assignee"))
    for request in open_requests:
        due = request.final_due_on
        before, on = clock.reminder_dates(due)
        key = ("due:" if today >= on else "week:" if today >= before else "") + due.isoformat()
        if not key.startswith(("due:", "week:")) or key in (request.reminders_sent or []):
            continue
        recipients = [request.assignee.email] if request.assignee and request.assignee.email \
            else _managers(request.organisation)
        if not recipients:
            continue
        subject = (_("Demande %(ref)s : échéance aujourd'hui") if key.startswith("due:")
                   else _("Demande %(ref)s : échéance dans 7 jours")) % {"ref": request.reference}
        body = _("La demande %(ref)s (%(kind)s), reçue le %(received)s, doit recevoir une "
                 "réponse au plus tard le %(due)s.") % {
            "ref": request.reference, "kind": request.get_kind_display(),
            "received": request.received_on.strftime("%d/%m/%Y"),
            "due": due.strftime("%d/%m/%Y")}
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        request.reminders_sent = [*(request.reminders_sent or []), key]
        request.save(update_fields=["reminders_sent"])
        outcome.sent.append(f"{request.reference} {key}")
    return outcome


def _managers(organisation: Organisation) -> list[str]:
    from jalon.tenancy.capabilities import Capability
    from jalon.tenancy.scope import held

    return sorted({m.user.email for m in organisation.memberships.select_related("user")
                   if m.user.email and Capability.MANAGE_PERSONAL_DATA in held(m)})


# --- Breaches -----------------------------------------------------------------------------------

BREACH_FIELDS: Final = ("title", "aware_at", "occurred_at", "nature", "description",
                        "people_count", "records_count", "consequences", "risk",
                        "notified_at", "cnil_reference", "delay_reasons",
                        "people_informed_on", "measures", "closed_on")


def _check_breach(breach: Breach) -> None:
    _check(breach, exclude=["organisation", "reference", "activities"])
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if breach.aware_at and breach.aware_at > now:
        errors["aware_at"] = [_("Cette date est dans le futur.")]
    if breach.occurred_at and breach.aware_at and breach.occurred_at > breach.aware_at:
        errors["occurred_at"] = [_("La violation ne peut pas être survenue après avoir été "
                                   "connue.")]
    if breach.notified_at and breach.aware_at and breach.notified_at < breach.aware_at:
        errors["notified_at"] = [_("La notification précède la découverte.")]
    if (breach.notified_at and breach.aware_at
            and breach.notified_at > clock.notification_deadline(breach.aware_at)
            and not breach.delay_reasons):
        errors["delay_reasons"] = [_("Notifiée après 72 heures : l'article 33.1 demande "
                                     "d'indiquer les motifs du retard.")]
    if errors:
        raise ValidationError(errors)


def create_breach(actor: Any, organisation: Organisation, values: Mapping[str, Any],
                  activities: Iterable[ProcessingActivity] = ()) -> Breach:
    breach = Breach(organisation=organisation)
    _set(breach, values, BREACH_FIELDS)
    _check_breach(breach)
    with transaction.atomic():
        breach.reference = _next_reference(organisation, Breach, "VDP",
                                           timezone.localtime(breach.aware_at).date())
        breach.save()
        breach.activities.set(list(activities))
        record(actor, "gdpr.breach.create", organisation, target=breach.reference,
               breach_id=breach.pk)
        events.announce(TOPIC, organisation.pk)
    return breach


def update_breach(actor: Any, breach: Breach, values: Mapping[str, Any],
                  activities: Iterable[ProcessingActivity] | None = None) -> Breach:
    changed = _set(breach, values, BREACH_FIELDS)
    _check_breach(breach)
    with transaction.atomic():
        breach.save()
        if activities is not None:
            breach.activities.set(list(activities))
        record(actor, "gdpr.breach.update", breach.organisation, target=breach.reference,
               breach_id=breach.pk, fields=sorted(changed))
        events.announce(TOPIC, breach.organisation_id)
    return breach


def delete_breach(actor: Any, breach: Breach) -> None:
    with transaction.atomic():
        record(actor, "gdpr.breach.delete", breach.organisation, target=breach.reference,
               breach_id=breach.pk)
        events.announce(TOPIC, breach.organisation_id)
        breach.delete()


# --- Retention ----------------------------------------------------------------------------------

def record_purge(now: dt.datetime, purged: Iterable[Any]) -> list[PurgeRecord]:
    """Listener of jalon.privacy's purge: one record per organisation and declaration purged
    (what, how many, when, by which rule). Runs in the purge's transaction."""
    records = []
    for item in purged:
        retention = item.retention
        rule = _("%(days)s jours après « %(field)s », puis %(how)s") % {
            "days": fr_number(retention.days) if retention else "—", "field": item.date_field,
            "how": _("suppression") if item.action == "delete" else _("anonymisation")}
        if retention and retention < dt.timedelta(days=1):
            rule = _("%(minutes)d minutes après « %(field)s », puis %(how)s") % {
                "minutes": retention.total_seconds() // 60, "field": item.date_field,
                "how": _("suppression") if item.action == "delete" else _("anonymisation")}
        records.append(PurgeRecord.objects.create(
            organisation_id=item.organisation_id, ran_at=now, declaration=item.name,
            purpose=str(item.purpose)[:400], rule=rule[:300], action=item.action,
            count=item.count))
    return records


def run_purge(now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduled purge of Jalon's own personal data (jalon.privacy), recorded here."""
    from jalon import privacy

    return privacy.purge_expired(now)


def generate_purge_tasks(organisation: Organisation, today: dt.date | None = None
                         ) -> list[PurgeTask]:
    """For each activity in force with a retention, the purge due next in the owner's system:
    `purge_every_months` after the last confirmed (or the entry in the register), once it is
    due within a month. Idempotent (one task due at a time per activity)."""
    today = today or timezone.localdate()
    activities = list(ProcessingActivity.objects.filter(
        organisation=organisation, status="active", retention_value__isnull=False))
    tasks = PurgeTask.objects.filter(activity__in=activities)
    pending = set(tasks.filter(status=PurgeTaskStatus.DUE).values_list("activity_id", flat=True))
    last_done = dict(tasks.filter(status=PurgeTaskStatus.CONFIRMED).values_list("activity_id")
                     .annotate(last=Max("due_on")).values_list("activity_id", "last"))
    new = []
    for activity in activities:
        if activity.pk in pending:
            continue
        start = last_done.get(activity.pk) or activity.created_on or activity.created_at.date()
        due = clock.next_purge_due(start, activity.purge_every_months)
        if due <= today + dt.timedelta(days=31):
            new.append(PurgeTask(activity=activity, due_on=due))
    return PurgeTask.objects.bulk_create(new, ignore_conflicts=True) if new else []


def confirm_purge_task(actor: Any, task: PurgeTask, *, records_purged: int | None,
                       proof: str) -> PurgeTask:
    if task.status == PurgeTaskStatus.CONFIRMED:
        raise ValidationError({"proof": [_("Cette purge est déjà confirmée.")]})
    if not proof.strip():
        raise ValidationError({"proof": [_("Décrivez la purge faite (méthode, requête, "
                                           "référence du journal) : c'est la preuve "
                                           "conservée.")]})
    if records_purged is not None and records_purged < 0:
        raise ValidationError({"records_purged": [_("Nombre positif attendu.")]})
    with transaction.atomic():
        task.status = PurgeTaskStatus.CONFIRMED
        task.confirmed_at = timezone.now()
        task.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
        task.confirmed_by_name = (actor.get_full_name() or actor.get_username()
                                  if task.confirmed_by else "")
        task.records_purged = records_purged
        task.proof = proof.strip()
        task.save()
        record(actor, "gdpr.purge.confirm", task.activity.organisation,
               target=task.activity.name, activity_id=task.activity_id,
               due_on=task.due_on.isoformat(), records=records_purged)
        events.announce(TOPIC, task.activity.organisation_id)
    return task


# --- Sovereignty --------------------------------------------------------------------------------

HOSTING_FIELDS: Final = ("provider", "storage_country", "processing_country",
                         "non_eu_law_exposure", "secnumcloud", "health_data", "hds",
                         "open_source", "export_format", "open_export_format", "exit_clause")


def save_hosting(actor: Any, organisation: Organisation, values: Mapping[str, Any], *,
                 service: Any = None, activity: ProcessingActivity | None = None
                 ) -> HostingProfile:
    if (service is None) == (activity is None):
        raise ValueError("one of service or activity")
    profile = (HostingProfile.objects.filter(organisation=organisation, service=service,
                                             activity=activity).first()
               or HostingProfile(organisation=organisation, service=service,
                                 activity=activity))
    values = dict(values)
    errors = {}
    for name in ("storage_country", "processing_country"):
        if values.get(name):
            try:
                values[name] = clean_country(values[name])
            except InvalidValue as exc:
                errors[name] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    changed = _set(profile, values, HOSTING_FIELDS)
    _check(profile, exclude=["organisation", "service", "activity"])
    with transaction.atomic():
        profile.save()
        record(actor, "gdpr.hosting.save", organisation, target=profile.subject_name,
               fields=sorted(changed))
        events.announce(TOPIC, organisation.pk)
    return profile


# --- Training -----------------------------------------------------------------------------------

CAMPAIGN_FIELDS: Final = ("title", "topic", "starts_on", "ends_on", "agents_concerned",
                          "target_share", "target_date")


def save_campaign(actor: Any, organisation: Organisation, values: Mapping[str, Any],
                  campaign: TrainingCampaign | None = None) -> TrainingCampaign:
    campaign = campaign or TrainingCampaign(organisation=organisation)
    _set(campaign, values, CAMPAIGN_FIELDS)
    _check(campaign, exclude=["organisation"])
    errors = {}
    if campaign.ends_on and campaign.ends_on < campaign.starts_on:
        errors["ends_on"] = [_("La fin précède le début.")]
    if not campaign.agents_concerned:
        errors["agents_concerned"] = [_("Indiquez le nombre d'agents concernés (au moins 1).")]
    if campaign.target_share > 100:
        errors["target_share"] = [_("Au plus 100 %.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign.save()
        record(actor, "gdpr.training.save", organisation, target=campaign.title,
               campaign_id=campaign.pk)
        events.announce(TOPIC, organisation.pk)
    return campaign


def delete_campaign(actor: Any, campaign: TrainingCampaign) -> None:
    with transaction.atomic():
        record(actor, "gdpr.training.delete", campaign.organisation, target=campaign.title,
               campaign_id=campaign.pk)
        events.announce(TOPIC, campaign.organisation_id)
        campaign.delete()


def agent_hash(organisation_id: int, agent: str) -> str:
    """A keyed hash of an agent's identifier (per organisation): counts distinct agents across
    imports without storing who they are."""
    key = f"{settings.SECRET_KEY}:gdpr-training:{organisation_id}".encode()
    return hmac.new(key, agent.strip().casefold().encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AttendanceOutcome:
    added: int = 0
    already: int = 0
    absent: int = 0
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_attendance(actor: Any, campaign: TrainingCampaign, data: bytes, file_name: str = ""
                      ) -> AttendanceOutcome:
    """Add the agents present in an attendance CSV (all or nothing)."""
    if len(data) > MAX_ATTENDANCE_BYTES:
        return AttendanceOutcome(errors=[CellError(0, "", "", _(
            "Fichier trop volumineux (plus de 2 Mo) : découpez-le."))])
    sheet = parse_attendance(data, first_day=campaign.starts_on, last_day=campaign.ends_on)
    if not sheet.ok:
        return AttendanceOutcome(errors=sheet.errors)
    added = already = 0
    with transaction.atomic():
        existing = set(campaign.attendances.values_list("agent_hash", flat=True))
        for row in sheet.rows:
            digest = agent_hash(campaign.organisation_id, row.agent)
            if digest in existing:
                already += 1
                continue
            TrainingAttendance.objects.create(campaign=campaign, agent_hash=digest,
                                              attended_on=row.date)
            existing.add(digest)
            added += 1
        record(actor, "gdpr.training.import", campaign.organisation, target=file_name or "CSV",
               campaign_id=campaign.pk, added=added, already=already, absent=sheet.absent)
        events.announce(TOPIC, campaign.organisation_id)
    return AttendanceOutcome(added=added, already=already, absent=sheet.absent)
