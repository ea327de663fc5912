"""Every write to the register: each in a transaction, each leaving an audit event.

Callers pass objects obtained through `selectors` (hence scoped to the organisation). A bad
value raises django's ValidationError keyed by field, in French.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable, Mapping
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon import events
from jalon.algorithms.models import (
    STAGE_DATE_FIELDS,
    AlgorithmicSystem,
    Answer,
    Automation,
    BiasReport,
    Contest,
    ContestStatus,
    CostEstimate,
    CostKind,
    Decision,
    Evaluation,
    Stage,
    SystemVersion,
)
from jalon.catalogue.models import DigitalService
from jalon.core import ai_act, ai_cost, bias
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

TOPIC: Final = "algorithms"  # jalon.events topic: the register of an organisation changed
EDITABLE: Final = ("name", "purpose", "decision", "automation", "is_ai", "is_generative",
                   "data_used", "data_sources", "model_type", "provider", "hosting",
                   "open_source", "source_url", "oversight_role", "oversight_person",
                   "oversight_checks", "override", "contest", "contact", "stage", "idea_on",
                   "evaluation_on", "pilot_on", "in_service_on", "retired_on")
TEXT_LIMITS: Final = {"name": 200, "model_type": 200, "provider": 200, "hosting": 200,
                      "source_url": 500, "oversight_role": 200, "oversight_person": 200,
                      "contact": 200, "purpose": 4000, "data_used": 4000}
MAX_BIAS_BYTES: Final = 10 * 1024 * 1024
CONTEST_KINDS: Final = ("error", "contest")


def actor_name(actor: Any) -> str:
    if actor is None:
        return ""
    full = getattr(actor, "get_full_name", lambda: "")() or ""
    return str(full or getattr(actor, "username", "") or getattr(actor, "name", "") or actor)


def clean_values(values: Mapping[str, Any], current: AlgorithmicSystem | None = None
                 ) -> dict[str, Any]:
    unknown = set(values) - {*EDITABLE, "services"}
    if unknown:
        raise ValidationError({name: _("Champ inconnu.") for name in sorted(unknown)})
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "services":
            out[name] = value
            continue
        if name in ("name", "purpose") and not value:
            errors[name] = [_("Ce champ est obligatoire.")]
        elif name == "automation" and value not in Automation.values:
            errors[name] = [_("Niveau inconnu ; valeurs : %(v)s.")
                            % {"v": ", ".join(Automation.values)}]
        elif name == "stage" and value not in Stage.values:
            errors[name] = [_("Étape inconnue ; valeurs : %(v)s.") % {"v": ", ".join(Stage.values)}]
        elif name in STAGE_DATE_FIELDS.values():
            if value in ("", None):
                value = None
            elif not isinstance(value, dt.date):
                errors[name] = [_("Date attendue (AAAA-MM-JJ).")]
        elif name in ("is_ai", "is_generative", "open_source"):
            value = bool(value)
        elif isinstance(value, str) and len(value) > TEXT_LIMITS.get(name, 2000):
            errors[name] = [_("Texte trop long : %(n)d caractères au plus.")
                            % {"n": TEXT_LIMITS.get(name, 2000)}]
        elif name == "source_url" and value and not value.startswith(("http://", "https://")):
            errors[name] = [_("Adresse web complète attendue, par exemple "
                              "https://code.gouv.fr/…")]
        out[name] = value if value is not None or name in STAGE_DATE_FIELDS.values() else ""
    if not errors:
        stage = out.get("stage", getattr(current, "stage", Stage.IDEA))
        date_field = STAGE_DATE_FIELDS.get(stage)
        order = list(STAGE_DATE_FIELDS.values())
        dates = {f: out.get(f, getattr(current, f, None)) for f in order}
        known = [(f, dates[f]) for f in order if dates[f] is not None]
        for (_f1, d1), (f2, d2) in itertools.pairwise(known):
            if d1 is not None and d2 is not None and d2 < d1:
                errors[f2] = [_("Cette date précède celle d'une étape antérieure.")]
        if stage == Stage.RETIRED and date_field and dates.get(date_field) is None \
                and "retired_on" in values:
            errors["retired_on"] = [_("Indiquez la date de retrait.")]
    if errors:
        raise ValidationError(errors)
    return out


def _snapshot(system: AlgorithmicSystem) -> dict[str, Any]:
    data = model_to_dict(system, fields=[*EDITABLE, "category", "transparency"])
    data["services"] = sorted(system.services.values_list("name", flat=True))
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def _save_version(actor: Any, system: AlgorithmicSystem, changed: Iterable[str]) -> None:
    SystemVersion.objects.create(system=system, number=system.version,
                                 snapshot=_snapshot(system), changed=sorted(changed),
                                 actor_name=actor_name(actor))


def _check_name(organisation: Organisation, name: str, exclude: int | None = None) -> None:
    rows = AlgorithmicSystem.objects.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    if rows.exists():
        raise ValidationError({"name": [_("Un autre algorithme du registre porte déjà ce nom.")]})


def _services(organisation: Organisation, value: Any) -> list[DigitalService]:
    ids = [int(getattr(v, "pk", v)) for v in (value or [])]
    found = list(DigitalService.objects.filter(organisation=organisation, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"services": [_("Service inconnu dans le catalogue de "
                                              "l'organisation.")]})
    return found


def create_system(actor: Any, organisation: Organisation, values: Mapping[str, Any]
                  ) -> AlgorithmicSystem:
    cleaned = clean_values(values)
    for required in ("name", "purpose"):
        if not cleaned.get(required):
            raise ValidationError({required: [_("Ce champ est obligatoire.")]})
    services = cleaned.pop("services", None)
    with transaction.atomic():
        _check_name(organisation, cleaned["name"])
        system = AlgorithmicSystem.objects.create(organisation=organisation, **cleaned)
        if services is not None:
            system.services.set(_services(organisation, services))
        _save_version(actor, system, ["created"])
        record(actor, "algorithms.create", organisation, target=system.name,
               algorithm_id=system.pk)
        events.announce(TOPIC, organisation.pk)
    return system


def update_system(actor: Any, system: AlgorithmicSystem, values: Mapping[str, Any]
                  ) -> AlgorithmicSystem:
    cleaned = clean_values(values, current=system)
    services = cleaned.pop("services", None)
    changed = {k: v for k, v in cleaned.items() if getattr(system, k) != v}
    new_services = None
    if services is not None:
        new_services = _services(system.organisation, services)
        if {s.pk for s in new_services} != set(system.services.values_list("pk", flat=True)):
            changed["services"] = new_services
    if not changed:
        return system
    with transaction.atomic():
        if "name" in changed:
            _check_name(system.organisation, changed["name"], exclude=system.pk)
        for name, value in changed.items():
            if name != "services":
                setattr(system, name, value)
        system.version += 1
        system.save()
        if new_services is not None:
            system.services.set(new_services)
        _save_version(actor, system, changed)
        record(actor, "algorithms.update", system.organisation, target=system.name,
               algorithm_id=system.pk, fields=sorted(changed), version=system.version)
        events.announce(TOPIC, system.organisation_id)
    return system


def delete_system(actor: Any, system: AlgorithmicSystem) -> None:
    with transaction.atomic():
        record(actor, "algorithms.delete", system.organisation, target=system.name,
               algorithm_id=system.pk)
        events.announce(TOPIC, system.organisation_id)
        system.delete()


def ensure_system(organisation: Organisation, name: str, *, purpose: str,
                  actor: Any = None, services: Iterable[DigitalService] = (),
                  **values: Any) -> AlgorithmicSystem:
    """The system named `name` of the organisation, registered if absent (for another domain
    that uses an algorithm, e.g. the AI triage of citizen reports). An existing record is
    returned as people left it; only missing catalogue links are added."""
    existing = AlgorithmicSystem.objects.filter(organisation=organisation,
                                                name__iexact=name).first()
    if existing is not None:
        missing = [s for s in services if s.organisation_id == organisation.pk
                   and not existing.services.filter(pk=s.pk).exists()]
        if missing:
            update_system(actor, existing, {"services": [
                *existing.services.values_list("pk", flat=True), *(s.pk for s in missing)]})
        return existing
    return create_system(actor, organisation, {"name": name, "purpose": purpose,
                                               "services": [s.pk for s in services],
                                               **values})


# --- AI Act answers ---------------------------------------------------------------------------

def save_answers(actor: Any, system: AlgorithmicSystem, answers: Mapping[str, str],
                 allowed: Iterable[str]) -> int:
    """Store the answers that changed (who answered, when); reclassify. Returns the number of
    answers changed."""
    allowed = set(allowed)
    unknown = set(answers) - allowed
    if unknown:
        raise ValidationError({k: _("Question inconnue.") for k in sorted(unknown)})
    now = timezone.now()
    with transaction.atomic():
        current = {a.key: a for a in Answer.objects.select_for_update().filter(system=system)}
        changed: list[str] = []
        created: list[Answer] = []
        updated: list[Answer] = []
        who = {"answered_by": actor if getattr(actor, "pk", None) else None,
               "answered_by_name": actor_name(actor), "answered_at": now}
        for key, value in answers.items():
            value = (value or "").strip()
            if len(value) > 4000:
                raise ValidationError({key: _("Texte trop long : 4000 caractères au plus.")})
            old = current.get(key)
            if old is not None and old.value == value:
                continue
            if old is None and not value:
                continue
            if old is None:
                created.append(Answer(system=system, key=key, value=value, **who))
            else:
                old.value = value
                for name, field_value in who.items():
                    setattr(old, name, field_value)
                updated.append(old)
            changed.append(key)
        # One statement for the new answers and one for the changed ones (the demo answers
        # about 40 questions per system).
        Answer.objects.bulk_create(created)
        Answer.objects.bulk_update(updated, ["value", *who])
        if changed:
            _reclassify(system)
            record(actor, "algorithms.answers", system.organisation, target=system.name,
                   algorithm_id=system.pk, questions=sorted(changed),
                   category=system.category)
            events.announce(TOPIC, system.organisation_id)
    return len(changed)


def answers_of(system: AlgorithmicSystem) -> dict[str, str]:
    return dict(system.answers.values_list("key", "value"))


def _reclassify(system: AlgorithmicSystem) -> None:
    result = ai_act.classify(answers_of(system))
    if (system.category, system.transparency) != (result.category, result.transparency):
        system.category, system.transparency = result.category, result.transparency
        system.save(update_fields=["category", "transparency", "updated_at"])


# --- Evaluation --------------------------------------------------------------------------------

def save_evaluation(actor: Any, system: AlgorithmicSystem, values: Mapping[str, Any]
                    ) -> Evaluation:
    errors: dict[str, list[str]] = {}
    if not (values.get("need") or "").strip():
        errors["need"] = [_("Décrivez le besoin.")]
    decision = values.get("decision") or Decision.PENDING
    if decision not in Decision.values:
        errors["decision"] = [_("Décision inconnue.")]
    if decision != Decision.PENDING:
        if not (values.get("decided_by") or "").strip():
            errors["decided_by"] = [_("Une décision go / no-go est signée : indiquez qui "
                                      "l'a prise.")]
        if not values.get("decided_on"):
            errors["decided_on"] = [_("Indiquez la date de la décision.")]
    benefits = list(values.get("benefits") or [])
    for index, benefit in enumerate(benefits, 1):
        if not str(benefit.get("name", "")).strip():
            errors.setdefault("benefits", []).append(
                _("Bénéfice %(n)d : indiquez son nom.") % {"n": index})
    if errors:
        raise ValidationError(errors)
    fields = {"need": values.get("need", "").strip(),
              "alternative": (values.get("alternative") or "").strip(),
              "benefits": benefits, "risks": dict(values.get("risks") or {}),
              "test_results": (values.get("test_results") or "").strip(),
              "decision": decision, "decided_by": (values.get("decided_by") or "").strip(),
              "decided_on": values.get("decided_on") or None,
              "monitoring": (values.get("monitoring") or "").strip()}
    with transaction.atomic():
        evaluation, created = Evaluation.objects.update_or_create(system=system,
                                                                  defaults=fields)
        record(actor, "algorithms.evaluation", system.organisation, target=system.name,
               algorithm_id=system.pk, decision=decision, created=created)
        events.announce(TOPIC, system.organisation_id)
    return evaluation


# --- Bias ----------------------------------------------------------------------------------------

def measure_bias(actor: Any, system: AlgorithmicSystem, data: bytes, file_name: str, *,
                 decision: str, group: str, outcome: str = "", stratum: str = "",
                 positive: str = "", outcome_positive: str = "", note: str = "",
                 precomputed: dict[str, Any] | None = None) -> BiasReport:
    """Read the file, compute, store a new version of the system's bias report. A bad file
    raises bias.BiasInputError (nothing stored)."""
    if len(data) > MAX_BIAS_BYTES:
        raise bias.BiasInputError([bias.Problem(0, "", "", _(
            "fichier trop volumineux (plus de %(mb)d Mo) ; gardez les colonnes utiles ou "
            "découpez-le.") % {"mb": MAX_BIAS_BYTES // (1024 * 1024)})])
    parsed = bias.read_decisions(data, decision=decision, group=group,
                                 outcome=outcome or None, stratum=stratum or None,
                                 positive=positive or None,
                                 outcome_positive=outcome_positive or None)
    result = precomputed if precomputed is not None else bias.measure(parsed)
    with transaction.atomic():
        last = (BiasReport.objects.select_for_update().filter(system=system)
                .order_by("-number").first())
        report = BiasReport.objects.create(
            system=system, number=(last.number + 1) if last else 1,
            file_name=file_name[:255] or "décisions.csv",
            sha256=hashlib.sha256(data).hexdigest(), decision_column=decision,
            group_column=group, outcome_column=outcome, stratum_column=stratum,
            positive=positive, outcome_positive=outcome_positive, result=result,
            note=note, created_by_name=actor_name(actor))
        record(actor, "algorithms.bias", system.organisation, target=system.name,
               algorithm_id=system.pk, bias_report_id=report.pk, number=report.number,
               rows=result.get("n"), sha256=report.sha256)
        events.announce(TOPIC, system.organisation_id)
    return report


# --- Environmental cost ----------------------------------------------------------------------

def compute_cost(values: Mapping[str, Any], mix: ai_cost.Range) -> ai_cost.Cost:
    kind = values.get("kind")
    if kind == CostKind.GENERATIVE_API:
        return ai_cost.generative(values.get("provider") or "", values.get("model_name") or "",
                                  float(values.get("requests_per_month") or 0),
                                  int(values.get("output_tokens") or
                                      ai_cost.DEFAULT_OUTPUT_TOKENS))
    if kind == CostKind.SELF_HOSTED:
        energy = values.get("energy_kwh_per_year")
        if energy is None:
            power, hours = values.get("power_w"), values.get("hours_per_year")
            if power is None or hours is None:
                raise ai_cost.CostError(_("Indiquez l'énergie annuelle mesurée, ou la "
                                          "puissance moyenne et les heures de "
                                          "fonctionnement."))
            energy = ai_cost.estimated_energy(float(power), float(hours))
        return ai_cost.self_hosted(float(energy), mix,
                                   float(values.get("requests_per_month") or 0))
    raise ai_cost.CostError(_("Choisissez le cas : IA générative par API, ou modèle hébergé."))


def cost_result(cost: ai_cost.Cost) -> dict[str, Any]:
    return {"energy_kwh_per_year": cost.energy_kwh_per_year.as_dict(),
            "gwp_kg_per_year": cost.gwp_kg_per_year.as_dict(),
            "energy_kwh_per_request": cost.energy_kwh_per_request.as_dict()
            if cost.energy_kwh_per_request else None,
            "gwp_kg_per_request": cost.gwp_kg_per_request.as_dict()
            if cost.gwp_kg_per_request else None,
            "warnings": list(cost.warnings), "method": cost.method}


def save_cost(actor: Any, system: AlgorithmicSystem, values: Mapping[str, Any],
              mix: ai_cost.Range, precomputed: dict[str, Any] | None = None) -> CostEstimate:
    """Compute and store the system's environmental cost (`precomputed`: the figures of a
    committed computation, for the demo, which must not import EcoLogits)."""
    fields = ("kind", "provider", "model_name", "requests_per_month", "output_tokens",
              "energy_kwh_per_year", "power_w", "hours_per_year", "benefit", "benefit_unit")
    data = {k: values.get(k) for k in fields if k in values}
    if precomputed is not None:
        result = precomputed
    else:
        try:
            result = cost_result(compute_cost(data, mix))
        except ai_cost.CostError as exc:
            field = "model_name" if "modèle" in str(exc) else (
                "provider" if "fournisseur" in str(exc) else None)
            raise ValidationError({field: [str(exc)]} if field else [str(exc)]) from exc
    for name in ("provider", "model_name", "benefit_unit"):
        data[name] = (data.get(name) or "").strip()
    if data.get("output_tokens") is None:
        data["output_tokens"] = ai_cost.DEFAULT_OUTPUT_TOKENS
    if data.get("requests_per_month") is None:
        data["requests_per_month"] = 0
    with transaction.atomic():
        estimate, _created = CostEstimate.objects.update_or_create(
            system=system, defaults={**data, "result": result})
        record(actor, "algorithms.cost", system.organisation, target=system.name,
               algorithm_id=system.pk, kind=estimate.kind,
               gwp_kg_per_year=round(result["gwp_kg_per_year"]["value"], 3))
        events.announce(TOPIC, system.organisation_id)
    return estimate


# --- Contests from the public page ---------------------------------------------------------

def receive_contest(organisation: Organisation, cleaned: Mapping[str, Any],
                    submission: Any) -> Contest:
    """Called by jalon.publicforms (inside its transaction, which audits the submission)."""
    named = (cleaned.get("system") or "").strip()
    system = None
    if named:
        system = AlgorithmicSystem.objects.filter(organisation=organisation,
                                                  name__iexact=named).first()
    return Contest.objects.create(
        organisation=organisation, system=system, system_named=named[:200],
        kind=str(cleaned.get("kind")) if cleaned.get("kind") in CONTEST_KINDS else "contest",
        message=cleaned["message"], name=(cleaned.get("name") or "")[:200],
        email=(cleaned.get("email") or "")[:254], received_at=submission.received_at)


def review_contest(actor: Any, contest: Contest, status: str, response: str,
                   system: AlgorithmicSystem | None = None) -> Contest:
    if status not in ContestStatus.values:
        raise ValidationError({"status": [_("Statut inconnu.")]})
    with transaction.atomic():
        contest.status = status
        contest.response = response.strip()[:4000]
        if system is not None:
            contest.system = system
        contest.reviewed_by_name = actor_name(actor)
        contest.reviewed_at = timezone.now()
        contest.save()
        record(actor, "algorithms.contest_reviewed", contest.organisation,
               target=str(contest.pk), contest_id=contest.pk, status=status)
    return contest
