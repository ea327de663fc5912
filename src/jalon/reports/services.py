"""Every write of the reports domain: each in a transaction, each leaving an audit event.

Callers pass objects obtained through `selectors` (scoped to the organisation). A bad value
raises django's ValidationError keyed by field, in French.

The rule of the AI triage (AI Act art. 14, human oversight; the seeds' charter "a human always
decides"): a report gets the model's ranked suggestions when it arrives, but it is routed to a
team only when a person confirms or corrects its category (`triage`), or — only if the
organisation opted in — when the first suggestion's confidence reaches the threshold it set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jalon.core import reportdata, triage
from jalon.core import territory as geo
from jalon.reports import selectors
from jalon.reports.models import (
    CLOSED_STATUSES,
    AnswerTemplate,
    Category,
    FaqEntry,
    FaqExchange,
    Report,
    ReportPhoto,
    ReportStatus,
    ReportUpdate,
    Source,
    Team,
    Territory,
    TriageModelRecord,
    TriageSettings,
    TriageState,
)
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

MAX_PHOTOS: Final = 3
MAX_PHOTO_BYTES: Final = 8 * 1024 * 1024
MAX_PHOTO_PIXELS: Final = 40_000_000  # a 40 Mpx phone photo; more is refused (decompression bombs)
PHOTO_SIDE: Final = 1600  # re-encoded photos fit in 1600 × 1600 px
PHOTO_QUALITY: Final = 82
MIN_DESCRIPTION: Final = 10
MAX_DESCRIPTION: Final = 2000
MIN_THRESHOLD: Final = 0.5


# --- Photos -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int


def clean_photo(data: bytes, name: str = "") -> CleanPhoto:
    """Re-encode an uploaded photo as a plain JPEG: turned upright from its EXIF orientation,
    then written without any metadata (EXIF, GPS position, camera serial, ICC profile,
    comments, XMP), at most 1600 px a side. Re-encoding rather than deleting tags: a tag left
    in an unusual place (maker notes, XMP, a thumbnail) cannot survive a fresh encoding."""
    label = name or _("la photo")
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(_("%(name)s pèse %(mb).1f Mo : 8 Mo au plus par photo.")
                              % {"name": label, "mb": len(data) / 1024 / 1024})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("JPEG", "PNG", "WEBP", "GIF", "MPO"):
                raise ValidationError(_("%(name)s n'est pas une photo JPEG, PNG ou WebP.")
                                      % {"name": label})
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise ValidationError(_("%(name)s est trop grande (%(w)d × %(h)d pixels).")
                                      % {"name": label, "w": probe.width, "h": probe.height})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            rgb = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError
            ) as exc:
        raise ValidationError(_("%(name)s est illisible : envoyez une photo JPEG, PNG ou WebP.")
                              % {"name": label}) from exc
    rgb.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    clean = Image.new("RGB", rgb.size)  # a fresh image: no info dict, no EXIF carried over
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
    return CleanPhoto(out.getvalue(), clean.width, clean.height)


# --- Location and description -------------------------------------------------------------------

def parse_coordinate(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationError({field: [_("« %(value)s » n'est pas un nombre décimal, par "
                                         "exemple 48,8566.") % {"value": value}]}) from exc
    bound = 90 if field == "latitude" else 180
    if not number.is_finite() or abs(number) > bound:
        raise ValidationError({field: [_("%(field)s entre -%(b)d et %(b)d degrés.")
                                       % {"field": field.capitalize(), "b": bound}]})
    return number.quantize(Decimal("0.000001"))


def clean_report_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """description, address, latitude, longitude, email → checked values or ValidationError."""
    errors: dict[str, list[str]] = {}
    description = str(values.get("description") or "").strip()
    if len(description) < MIN_DESCRIPTION:
        errors["description"] = [_("Décrivez le problème en quelques mots (%(n)d caractères au "
                                   "moins).") % {"n": MIN_DESCRIPTION}]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("%(n)d caractères au plus : raccourcissez la description.")
                                 % {"n": MAX_DESCRIPTION}]
    address = str(values.get("address") or "").strip()[:300]
    coordinates: dict[str, Decimal | None] = {}
    for name in ("latitude", "longitude"):
        try:
            coordinates[name] = parse_coordinate(values.get(name), name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not errors.get("latitude") and not errors.get("longitude"):
        if (coordinates["latitude"] is None) != (coordinates["longitude"] is None):
            errors["longitude"] = [_("Donnez la latitude et la longitude, ou aucune des deux.")]
        elif coordinates["latitude"] is None and not address:
            errors["address"] = [_("Indiquez une adresse ou un lieu, ou des coordonnées.")]
    if errors:
        raise ValidationError(errors)
    return {"description": description, "address": address,
            "latitude": coordinates["latitude"], "longitude": coordinates["longitude"],
            "email": str(values.get("email") or "").strip()}


def check_inside(organisation: Organisation, latitude: Decimal | None,
                 longitude: Decimal | None) -> None:
    """A position outside the organisation's stored outline is refused (a typo in a
    coordinate, latitude and longitude swapped, a place another authority handles); without
    an outline, any position is accepted."""
    if latitude is None or longitude is None:
        return
    outline = selectors.territory(organisation)
    if outline is None or outline.contains(float(longitude), float(latitude)):
        return
    swapped = outline.contains(float(latitude), float(longitude))
    message = _("Ce point (latitude %(lat)s, longitude %(lon)s) est en dehors du territoire de "
                "%(org)s : vérifiez les coordonnées, ou indiquez plutôt une adresse.") % {
        "lat": f"{latitude:f}".replace(".", ","), "lon": f"{longitude:f}".replace(".", ","),
        "org": organisation.name}
    if swapped:
        message += " " + _("La latitude et la longitude semblent inversées.")
    raise ValidationError({"latitude": [message]})


# --- Territory ---------------------------------------------------------------------------------

def save_territory(actor: Any, organisation: Organisation, data: bytes, name: str = ""
                   ) -> Territory:
    """Store the outline uploaded by the organisation (GeoJSON in WGS84), replacing the last
    one. ValidationError on the field `outline` with the located French message."""
    try:
        outline = geo.parse_geojson(data)
    except geo.TerritoryError as exc:
        raise ValidationError({"outline": [str(exc)]}) from exc
    with transaction.atomic():
        row, _created = Territory.objects.update_or_create(
            organisation=organisation, defaults={
                "name": name[:200], "polygons": geo.to_json(outline),
                "n_points": outline.n_points})
        record(actor, "reports.territory_saved", organisation, target=str(row.pk),
               name=row.name, points=outline.n_points, polygons=len(outline.polygons))
    return row


def delete_territory(actor: Any, organisation: Organisation) -> bool:
    with transaction.atomic():
        deleted = Territory.objects.filter(organisation=organisation).delete()[0] > 0
        if deleted:
            record(actor, "reports.territory_deleted", organisation, target="territory")
    return deleted


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- The triage model -------------------------------------------------------------------------

# Deserialised models, per record: keyed by the record's id, version and creation time, not
# its id alone (a rolled-back or deleted record's id can be reused by another model).
_MODELS: dict[tuple[int, str, str], triage.TriageModel] = {}


def _model_key(record_: TriageModelRecord) -> tuple[int, str, str]:
    return record_.pk, record_.version, record_.created_at.isoformat()


def _signing_key() -> bytes:
    return hashlib.sha256(f"jalon.reports.triage:{settings.SECRET_KEY}".encode()).digest()


def load_model(record_: TriageModelRecord) -> triage.TriageModel:
    """The record's model, deserialised once per process."""
    model = _MODELS.get(_model_key(record_))
    if model is None:
        model = triage.TriageModel.from_bytes(bytes(record_.data), key=_signing_key())
        if len(_MODELS) > 8:
            _MODELS.clear()
        _MODELS[_model_key(record_)] = model
    return model


def active_model(organisation: Organisation) -> tuple[TriageModelRecord, triage.TriageModel
                                                      ] | None:
    rec = selectors.active_model_record(organisation)
    if rec is None:
        return None
    try:
        return rec, load_model(rec)
    except triage.TriageError:
        return None


def suggest(organisation: Organisation, text: str, k: int = 3
            ) -> tuple[list[dict[str, Any]], str]:
    """Ranked suggestions [{"category", "label", "confidence"}] and the model's version; none
    without a trained model. Only the organisation's active categories are suggested."""
    loaded = active_model(organisation)
    if loaded is None or not text.strip():
        return [], ""
    rec, model = loaded
    labels = dict(selectors.categories(organisation).filter(active=True)
                  .values_list("code", "label"))
    ranked = [s for s in model.suggest(text, k=len(model.categories)) if s.category in labels]
    return [{"category": s.category, "label": labels[s.category],
             "confidence": s.confidence} for s in ranked[:k]], rec.version


def _training_examples(organisation: Organisation, codes: set[str], without: frozenset[str]
                       ) -> tuple[list[str], list[str], int]:
    bundled = [r for r in reportdata.training() if r.category in codes and r.text not in without]
    texts = [r.text for r in bundled]
    labels = [r.category for r in bundled]
    validated = list(selectors.validated_examples(organisation))
    for description, code in validated:
        if code in codes:
            texts.append(description)
            labels.append(code)
    return texts, labels, len(validated)


# Models trained in this process, by their training data: the same examples give the same
# model (training is deterministic), so the demo seeded again (every browser test) or two
# organisations with the bundled examples only do not pay for training twice.
_TRAINED: dict[str, tuple[triage.TriageModel, float]] = {}


def _train(texts: list[str], labels: list[str], version: str
           ) -> tuple[triage.TriageModel, float]:
    key = hashlib.sha256(repr((texts, labels)).encode()).hexdigest()
    if key not in _TRAINED:
        started = time.perf_counter()
        model = triage.train(texts, labels, version=version)
        if len(_TRAINED) > 4:
            _TRAINED.clear()
        _TRAINED[key] = (model, time.perf_counter() - started)
    model, seconds = _TRAINED[key]
    return dataclasses.replace(model, version=version), seconds


def retrain(actor: Any, organisation: Organisation, *,
            without: frozenset[str] = frozenset()) -> TriageModelRecord:
    """Train a new model on the bundled training set and every human validation of the
    organisation's reports, measure it on the held-out evaluation set, make it the active one.
    `without`: bundled texts left out (the demo keeps back those its reports use, so that its
    first model meets them as new reports).
    """
    codes = set(selectors.categories(organisation).values_list("code", flat=True))
    texts, labels, n_validations = _training_examples(organisation, codes, without)
    if len(set(labels)) < 2:
        raise ValidationError(_("Pas assez d'exemples : il faut des signalements validés dans "
                                "au moins deux catégories pour entraîner le modèle."))
    now = timezone.now()
    version = f"{organisation.slug[:20]}-{now:%Y%m%d-%H%M%S}-{len(texts)}"
    model, seconds = _train(texts, labels, version)
    held_out = [r for r in reportdata.evaluation() if r.category in codes]
    measured = triage.evaluate(model, [r.text for r in held_out], [r.category for r in held_out])
    with transaction.atomic():
        TriageModelRecord.objects.filter(organisation=organisation, active=True).update(
            active=False)
        rec = TriageModelRecord.objects.create(
            organisation=organisation, version=version, created_at=now,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            algorithm=model.algorithm, n_examples=model.n_examples,
            n_validations=n_validations,
            macro_f1=measured.macro_f1 if measured.n else None,
            top3_accuracy=measured.top3_accuracy if measured.n else None,
            n_evaluated=measured.n, training_seconds=round(seconds, 3),
            data=model.to_bytes(key=_signing_key()), active=True)
        # Keep the last five models: their quality stays visible, their bytes are not needed.
        old = list(TriageModelRecord.objects.filter(organisation=organisation)
                   .values_list("pk", flat=True)[5:])
        TriageModelRecord.objects.filter(pk__in=old).delete()
        record(actor, "reports.model_trained", organisation, target=version,
               examples=model.n_examples, validations=n_validations,
               macro_f1=measured.macro_f1, top3_accuracy=measured.top3_accuracy,
               evaluated=measured.n)
        # The register of algorithms gets the system, its measured quality and its cost.
        from jalon.reports.register import register_triage

        register_triage(actor, organisation, rec)
    _MODELS[_model_key(rec)] = model
    return rec


def update_settings(actor: Any, organisation: Organisation, values: Mapping[str, Any]
                    ) -> TriageSettings:
    threshold = float(values.get("auto_route_threshold") or 0.9)
    if not MIN_THRESHOLD <= threshold <= 1:
        raise ValidationError({"auto_route_threshold": [
            _("Un seuil entre 0,5 et 1 : en dessous, la suggestion est trop incertaine pour "
              "se passer d'une validation humaine.")]})
    low, high = FAQ_THRESHOLD_RANGE
    faq_threshold = float(values.get("faq_threshold") or ANSWER_SCORE)
    if not low <= faq_threshold <= high:
        raise ValidationError({"faq_threshold": [
            _("Un seuil entre 0,1 et 0,9 : en dessous, l'assistant répondrait presque au "
              "hasard ; au-dessus, il ne répondrait presque jamais.")]})
    with transaction.atomic():
        current = selectors.triage_settings(organisation)
        current.auto_route = bool(values.get("auto_route"))
        current.auto_route_threshold = threshold
        current.faq_threshold = faq_threshold
        current.human_contact = str(values.get("human_contact") or "").strip()[:300]
        current.save()
        record(actor, "reports.settings", organisation, target="triage",
               auto_route=current.auto_route, threshold=threshold,
               faq_threshold=faq_threshold)
    return current


# --- Receiving a report ---------------------------------------------------------------------

@dataclass
class Received:
    report: Report
    token: str

    @property
    def pk(self) -> int:  # the audit event's target (jalon.publicforms.services.accept)
        return self.report.pk


def _route(report: Report, category: Category, now: dt.datetime) -> None:
    report.category = category
    if report.team_id is None and category.team_id is not None:
        report.team_id = category.team_id
    report.routed_at = now


def receive(organisation: Organisation, values: Mapping[str, Any],
            photos: Sequence[CleanPhoto] = (), *, source: str = Source.WEB,
            actor: Any = None) -> Received:
    """Store a new report, its photos and the model's suggestions. Called inside the public
    form's transaction (jalon.publicforms.services.accept) or by the Open311 interface."""
    cleaned = clean_report_values(values)
    check_inside(organisation, cleaned["latitude"], cleaned["longitude"])
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Trois photos au plus.")]})
    citizen_category = values.get("category") or None
    if citizen_category is not None and not isinstance(citizen_category, Category):
        citizen_category = selectors.categories(organisation).filter(
            active=True, code=str(citizen_category)).first()
        if citizen_category is None:
            raise ValidationError({"category": [_("Catégorie inconnue.")]})
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    suggestions, version = suggest(organisation, cleaned["description"])
    with transaction.atomic():
        report = Report(organisation=organisation, follow_token_hash=token_hash(token),
                        citizen_category=citizen_category, source=source, received_at=now,
                        suggestions=suggestions, model_version=version,
                        triage_state=TriageState.PENDING if suggestions else TriageState.NONE,
                        **cleaned)
        policy = selectors.triage_settings(organisation)
        if (suggestions and policy.auto_route
                and suggestions[0]["confidence"] >= policy.auto_route_threshold):
            category = selectors.categories(organisation).get(code=suggestions[0]["category"])
            _route(report, category, now)
            report.triage_state = TriageState.AUTO
        report.save()
        ReportPhoto.objects.bulk_create(
            ReportPhoto(report=report, position=i, data=p.data, width=p.width, height=p.height)
            for i, p in enumerate(photos))
        ReportUpdate.objects.create(report=report, at=now, status=ReportStatus.NEW,
                                    message=_("Signalement reçu."))
        if report.triage_state == TriageState.AUTO:
            ReportUpdate.objects.create(
                report=report, at=now, public=False,
                message=_("Routé automatiquement vers « %(label)s » (confiance %(c).0f %% ≥ "
                          "seuil %(t).0f %%).") % {
                    "label": report.category.label if report.category else "",
                    "c": 100 * suggestions[0]["confidence"],
                    "t": 100 * policy.auto_route_threshold})
        if source != Source.WEB:  # the public form's component records its own event
            record(actor, "reports.report_received", organisation, target=str(report.pk),
                   source=source, personal={"email": cleaned["email"],
                                            "description": cleaned["description"]})
    return Received(report, token)


def send_follow_link(report: Report, url: str) -> None:
    """The private follow-up link, to the reporter's address when they gave one."""
    if not report.email:
        return
    send_mail(
        _("Votre signalement %(ref)s") % {"ref": report.reference},
        _("Bonjour,\n\nVotre signalement a bien été reçu par %(org)s. Vous pouvez suivre son "
          "traitement à cette adresse (gardez-la pour vous) :\n%(url)s\n") % {
            "org": report.organisation.name, "url": url},
        None, [report.email], fail_silently=True)


# --- Back office -----------------------------------------------------------------------------

def triage_report(actor: Any, report: Report, category: Category) -> Report:
    """A person confirms (the first suggestion) or corrects the category: the report is then
    routed to the category's team. Each validation is a training example of the next model."""
    if category.organisation_id != report.organisation_id:
        raise ValidationError({"category": [_("Catégorie inconnue.")]})
    now = timezone.now()
    top = report.top_suggestion
    if top is None:
        state = TriageState.MANUAL
    elif top["category"] == category.code:
        state = TriageState.CONFIRMED
    else:
        state = TriageState.CORRECTED
    with transaction.atomic():
        previous = report.category.code if report.category else ""
        report.triage_state = state
        report.triaged_by = actor if getattr(actor, "is_authenticated", False) else None
        report.triaged_at = now
        _route(report, category, now)
        report.save()
        ReportUpdate.objects.create(
            report=report, at=now, actor=report.triaged_by, public=False,
            message=_("Catégorie « %(label)s » %(what)s.") % {
                "label": category.label,
                "what": {TriageState.CONFIRMED: _("confirmée"),
                         TriageState.CORRECTED: _("choisie à la place de la suggestion"),
                         }.get(state, _("choisie"))})
        record(actor, "reports.triage", report.organisation, target=report.reference,
               report_id=report.pk, category=category.code, previous=previous, state=state,
               suggested=top["category"] if top else "", model=report.model_version)
    return report


def change_status(actor: Any, report: Report, status: str, *, message: str = "",
                  reason: str = "", duplicate_of: Report | None = None) -> Report:
    """Move a report to `status`, with a message to the reporter. Rejected needs a reason
    (shown to the reporter); duplicate needs the report it duplicates."""
    if status not in ReportStatus.values:
        raise ValidationError({"status": [_("Statut inconnu.")]})
    reason, message = reason.strip(), message.strip()
    if status == ReportStatus.REJECTED and not reason:
        raise ValidationError({"reason": [_("Donnez le motif du rejet : il est montré à la "
                                            "personne qui a signalé.")]})
    if status == ReportStatus.DUPLICATE:
        if duplicate_of is None:
            raise ValidationError({"duplicate_of": [_("Indiquez le signalement dont celui-ci "
                                                      "est le doublon.")]})
        if (duplicate_of.pk == report.pk
                or duplicate_of.organisation_id != report.organisation_id
                or duplicate_of.duplicate_of_id == report.pk):
            raise ValidationError({"duplicate_of": [_("Un signalement ne peut pas être le "
                                                      "doublon de lui-même.")]})
    if (status not in (ReportStatus.REJECTED, ReportStatus.DUPLICATE, ReportStatus.NEW)
            and report.category_id is None):
        raise ValidationError({"status": [_("Confirmez d'abord la catégorie du signalement : "
                                            "il n'est transmis à une équipe qu'après.")]})
    now = timezone.now()
    with transaction.atomic():
        before = report.status
        report.status = status
        report.status_reason = reason if status == ReportStatus.REJECTED else ""
        report.duplicate_of = duplicate_of if status == ReportStatus.DUPLICATE else None
        report.closed_at = now if status in CLOSED_STATUSES else None
        report.save()
        text = message
        if status == ReportStatus.REJECTED:
            text = f"{_('Motif :')} {reason}" + (f"\n{message}" if message else "")
        elif status == ReportStatus.DUPLICATE and duplicate_of is not None:
            text = (_("Déjà signalé (%(ref)s).") % {"ref": duplicate_of.reference}
                    + (f"\n{message}" if message else ""))
        ReportUpdate.objects.create(
            report=report, at=now, status=status, message=text,
            actor=actor if getattr(actor, "is_authenticated", False) else None)
        record(actor, "reports.status", report.organisation, target=report.reference,
               report_id=report.pk, before=before, after=status)
    return report


def assign(actor: Any, report: Report, team: Team | None) -> Report:
    if team is not None and team.organisation_id != report.organisation_id:
        raise ValidationError({"team": [_("Équipe inconnue.")]})
    with transaction.atomic():
        report.team = team
        report.save(update_fields=["team", "updated_at"])
        ReportUpdate.objects.create(
            report=report, public=False,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            message=_("Confié à l'équipe « %(team)s ».") % {"team": team.name} if team
            else _("Plus confié à aucune équipe."))
        record(actor, "reports.assign", report.organisation, target=report.reference,
               report_id=report.pk, team=team.name if team else "")
    return report


# --- Reference objects: categories, teams, templates, FAQ ------------------------------------

M = TypeVar("M", Category, Team, AnswerTemplate, FaqEntry)


def _save(actor: Any, obj: M, values: Mapping[str, Any], action: str, target: str) -> M:
    for name, value in values.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationError({k: v for k, v in exc.message_dict.items()
                               if k != "organisation"} or exc.messages) from exc
    with transaction.atomic():
        obj.save()
        record(actor, action, obj.organisation, target=target[:200], id=obj.pk)
    return obj


def save_category(actor: Any, organisation: Organisation, values: Mapping[str, Any],
                  category: Category | None = None) -> Category:
    team = values.get("team")
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": [_("Équipe inconnue.")]})
    code = str(values.get("code") or (category.code if category else "")).strip()
    duplicate = selectors.categories(organisation).filter(code=code)
    if category is not None:
        duplicate = duplicate.exclude(pk=category.pk)
    if duplicate.exists():
        raise ValidationError({"code": [_("Une autre catégorie a déjà ce code.")]})
    obj = category or Category(organisation=organisation)
    return _save(actor, obj, values, "reports.category", code)


def save_team(actor: Any, organisation: Organisation, values: Mapping[str, Any],
              team: Team | None = None) -> Team:
    name = str(values.get("name") or "").strip()
    duplicate = selectors.teams(organisation).filter(name__iexact=name)
    if team is not None:
        duplicate = duplicate.exclude(pk=team.pk)
    if duplicate.exists():
        raise ValidationError({"name": [_("Une autre équipe porte déjà ce nom.")]})
    return _save(actor, team or Team(organisation=organisation), values, "reports.team", name)


def save_template(actor: Any, organisation: Organisation, values: Mapping[str, Any],
                  template: AnswerTemplate | None = None) -> AnswerTemplate:
    return _save(actor, template or AnswerTemplate(organisation=organisation), values,
                 "reports.answer_template", str(values.get("title", "")))


def delete_template(actor: Any, template: AnswerTemplate) -> None:
    with transaction.atomic():
        record(actor, "reports.answer_template_deleted", template.organisation,
               target=template.title)
        template.delete()


def save_faq(actor: Any, organisation: Organisation, values: Mapping[str, Any],
             entry: FaqEntry | None = None) -> FaqEntry:
    return _save(actor, entry or FaqEntry(organisation=organisation), values, "reports.faq",
                 str(values.get("question", "")))


def delete_faq(actor: Any, entry: FaqEntry) -> None:
    with transaction.atomic():
        record(actor, "reports.faq_deleted", entry.organisation, target=entry.question)
        entry.delete()


def install_demo_categories(actor: Any, organisation: Organisation) -> int:
    """The twelve demo categories (code, label, description) where missing."""
    existing = set(selectors.categories(organisation).values_list("code", flat=True))
    rows = [Category(organisation=organisation, code=c.code, label=c.label,
                     description=c.description, position=i)
            for i, c in enumerate(reportdata.categories()) if c.code not in existing]
    with transaction.atomic():
        Category.objects.bulk_create(rows)
        if rows:
            record(actor, "reports.categories_installed", organisation,
                   target=str(len(rows)), codes=[c.code for c in rows])
    return len(rows)


# --- FAQ assistant ---------------------------------------------------------------------------

# The assistant's retrieval, chosen on the tuning half of a labelled set of 156 questions and
# measured on the other half (benchmarks/eval_faq.py, docs/reports.md « FAQ assistant »): the
# lexical similarity of the triage features, with a French synonym lexicon (faq_synonyms.csv)
# and a latent semantic layer (LSA, 150 dimensions, weight 0.2) trained on the organisation's
# own texts — its FAQ, its citizen reports and the bundled report texts. At or above
# ANSWER_SCORE (the default of the organisation's `faq_threshold`) the assistant answers with
# the best entry; below, it says it is not sure and offers a person.
ANSWER_SCORE: Final = 0.25
FAQ_THRESHOLD_RANGE: Final = (0.1, 0.9)
SEMANTIC_WEIGHT: Final = 0.2
SEMANTIC_DIMENSIONS: Final = 150
CORPUS_REPORTS: Final = 1000  # the organisation's latest report descriptions in the corpus
MAX_QUESTION: Final = 500


@dataclass(frozen=True)
class FaqAnswer:
    question: str
    entry: FaqEntry | None
    score: float
    answered: bool
    others: list[FaqEntry]


_INDEXES: dict[tuple[int, str, str], tuple[triage.RetrievalIndex, list[int]]] = {}


def _faq_index(organisation: Organisation) -> tuple[triage.RetrievalIndex, list[int]]:
    """The index of the published FAQ, rebuilt when an entry changes and once a day (its
    latent layer learns from the reports received meanwhile)."""
    entries = list(selectors.published_faq(organisation).values_list(
        "pk", "question", "answer", "updated_at"))
    key = (organisation.pk, hashlib.sha256(repr(entries).encode()).hexdigest(),
           timezone.localdate().isoformat())
    if key not in _INDEXES:
        corpus = [*reportdata.corpus_texts(), *selectors.reports(organisation).order_by(
            "-received_at").values_list("description", flat=True)[:CORPUS_REPORTS]]
        # The question counts twice: people ask questions, and the entry's own question is the
        # closest wording to theirs.
        index = triage.RetrievalIndex.build(
            [f"{q} {q} {a}" for _pk, q, a, _at in entries], corpus=corpus,
            semantic=SEMANTIC_WEIGHT, dimensions=SEMANTIC_DIMENSIONS,
            lexicon=triage.lexicon(reportdata.faq_synonyms()))
        _INDEXES.clear()
        _INDEXES[key] = (index, [pk for pk, *_rest in entries])
    return _INDEXES[key]


def ask(organisation: Organisation, question: str, *, keep: bool = True) -> FaqAnswer:
    """Answer from the organisation's own FAQ only, or say it is not confident. The exchange
    is kept (FaqExchange, under the retention declared with jalon.privacy)."""
    question = " ".join(question.split())[:MAX_QUESTION]
    index, keys = _faq_index(organisation)
    matches = index.search(question, k=3)
    by_pk = {e.pk: e for e in selectors.published_faq(organisation).filter(
        pk__in=[keys[m.position] for m in matches])}
    found = [(by_pk[keys[m.position]], m.score) for m in matches
             if keys[m.position] in by_pk]
    best, score = found[0] if found else (None, 0.0)
    threshold = selectors.triage_settings(organisation).faq_threshold
    answered = best is not None and score >= threshold
    answer = FaqAnswer(question, best if answered else None, score, answered,
                       [e for e, s in found[1:] if s >= threshold / 2] if answered
                       else [e for e, s in found if s >= threshold / 2])
    if keep and question:
        FaqExchange.objects.create(organisation=organisation, question=question,
                                   entry=answer.entry, score=score, answered=answered,
                                   handed_to_human=not answered)
    return answer


def purge_exchanges(organisation: Organisation, before: dt.datetime) -> int:
    return FaqExchange.objects.filter(organisation=organisation, asked_at__lt=before).delete()[0]


def photos_from(files: Iterable[Any]) -> list[CleanPhoto]:
    """Uploaded files → clean photos; ValidationError on the field `photos`."""
    out = []
    for upload in files:
        if not upload or not getattr(upload, "size", 0):
            continue
        if upload.size > MAX_PHOTO_BYTES:
            raise ValidationError({"photos": [_("%(name)s pèse plus de 8 Mo.")
                                              % {"name": upload.name}]})
        try:
            out.append(clean_photo(upload.read(), upload.name or ""))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    if len(out) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Trois photos au plus.")]})
    return out
