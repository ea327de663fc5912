"""Every write of the data centres domain: each in a transaction, each leaving an audit event.

Callers (views, API, demo) pass objects obtained through `selectors` (hence scoped to the
request's organisation). Values are checked here; a bad value raises django's ValidationError
keyed by field, in French.

A change of a site or of its yearly figures that may change the PUE the footprint uses for the
servers it hosts (footprint.pue, provider registered in DatacentresConfig.ready) is announced
as an inventory change (`bump_inventory_version`: the cached footprints, keyed on the inventory
version, are recomputed, and so are the indicators); any other change (a checklist, a note) is
announced on this domain's own topic, for its indicators. `one_announcement()` groups the
announcements of many writes into one (the demo).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon import events
from jalon.core import datacentres as core
from jalon.datacentres.models import (
    Cooling,
    PracticeState,
    PracticeStatus,
    Site,
    SiteKind,
    SiteYear,
    Structure,
)
from jalon.inventory.tasks import bump_inventory_version
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

TOPIC: Final = "datacentres"  # jalon.events topic: a site's checklist changed
# What a site's PUE for the footprint depends on (selectors.pue_map).
PUE_SITE_FIELDS: Final = frozenset({"inventory_sites", "hosted_assets", "declared_pue"})
PUE_YEAR_FIELDS: Final = frozenset({"year", "it_kwh", "total_kwh", "average_it_load_kw",
                                    "declared_pue"})

# Organisations whose change is announced once, when `one_announcement` ends (the demo).
_deferred: ContextVar[dict[int, tuple[Organisation, bool]] | None] = ContextVar(
    "datacentres_deferred", default=None)


def _changed(organisation: Organisation, footprint: bool) -> None:
    """Announce a change: as an inventory change when the footprint's PUE may change (cached
    footprints are keyed on the inventory version), else on this domain's topic."""
    deferred = _deferred.get()
    if deferred is not None:
        _seen, before = deferred.get(organisation.pk, (organisation, False))
        deferred[organisation.pk] = (organisation, before or footprint)
    elif footprint:
        bump_inventory_version(organisation)
    else:
        events.announce(TOPIC, organisation.pk)


@contextmanager
def one_announcement() -> Iterator[None]:
    """Writes inside announce their change once per organisation, at the end."""
    token = _deferred.set({})
    try:
        yield
        pending = _deferred.get() or {}
    finally:
        _deferred.reset(token)
    for organisation, footprint in pending.values():
        _changed(organisation, footprint)

SITE_FIELDS: Final = ("name", "kind", "structure", "mixed_services", "owner", "owner_email",
                      "owner_phone", "operator", "operator_email", "operator_phone",
                      "municipality", "lau_code", "commissioned_on", "electrical_redundancy",
                      "cooling_redundancy", "it_power_kw", "total_floor_m2", "computer_room_m2",
                      "cooling",
                      "refrigerants", "declared_pue", "inventory_sites", "hosted_assets",
                      "contract_provider", "contract_reference", "contract_start",
                      "contract_end", "contract_power_kw", "notes")
SITE_NUMBERS: Final = ("it_power_kw", "total_floor_m2", "computer_room_m2", "declared_pue",
                       "contract_power_kw")
SITE_DATES: Final = ("commissioned_on", "contract_start", "contract_end")
YEAR_NUMBERS: Final = ("average_it_load_kw", "it_kwh", "total_kwh", "declared_pue", "water_m3",
                       "potable_water_m3", "reused_kwh", "waste_heat_temperature_c",
                       "intake_temperature_c", "cooling_degree_days", "renewable_kwh",
                       "renewable_goo_kwh", "renewable_ppa_kwh", "renewable_onsite_kwh",
                       "server_capacity", "storage_capacity_pb", "traffic_in_bandwidth_gbps",
                       "traffic_out_bandwidth_gbps", "traffic_in_eb", "traffic_out_eb")
# Temperatures may be below zero; every other figure is a quantity.
SIGNED: Final = ("waste_heat_temperature_c", "intake_temperature_c")
YEAR_FIELDS: Final = ("year", *YEAR_NUMBERS, "notes")
MAX_TEXT: Final = 200
MAX_LONG_TEXT: Final = 5000
FIRST_YEAR: Final = 2000


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        value = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError
    return number


def _texts(values: Mapping[str, Any], errors: dict[str, list[str]], out: dict[str, Any],
           long_fields: tuple[str, ...]) -> None:
    for name, value in values.items():
        if name in out or name in errors:
            continue
        text = "" if value is None else str(value).strip()
        limit = MAX_LONG_TEXT if name in long_fields else MAX_TEXT
        if len(text) > limit:
            errors[name] = [_("Au plus %(n)d caractères.") % {"n": limit}]
        else:
            out[name] = text


def clean_site(values: Mapping[str, Any], current: Site | None = None) -> dict[str, Any]:
    """Checked values of a site (only the fields given), or ValidationError by field."""
    unknown = set(values) - set(SITE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Champ inconnu.")] for name in sorted(unknown)})
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in SITE_NUMBERS:
        if name not in values:
            continue
        try:
            number = _number(values[name])
        except (TypeError, ValueError):
            errors[name] = [_("Nombre attendu, par exemple 12,5.")]
            continue
        if number is not None and number < 0:
            errors[name] = [_("La valeur ne peut pas être négative.")]
        elif name == "declared_pue" and number is not None and not (
                core.PUE_MIN <= number <= core.PUE_MAX):
            errors[name] = [_("Un PUE est compris entre 1 et 5 (par exemple 1,6).")]
        else:
            out[name] = number
    for name in SITE_DATES:
        if name in values:
            value = values[name]
            if value not in (None, "") and not isinstance(value, dt.date):
                errors[name] = [_("Date attendue (AAAA-MM-JJ).")]
            else:
                out[name] = value or None
    if "kind" in values:
        if values["kind"] not in SiteKind.values:
            errors["kind"] = [_("Type inconnu ; choisissez : %(values)s.")
                              % {"values": ", ".join(SiteKind.values)}]
        else:
            out["kind"] = values["kind"]
    if "cooling" in values:
        cooling = values["cooling"] or Cooling.UNKNOWN
        if cooling not in Cooling.values:
            errors["cooling"] = [_("Refroidissement inconnu ; choisissez : %(values)s.")
                                 % {"values": ", ".join(Cooling.values)}]
        else:
            out["cooling"] = cooling
    _annex_one(values, errors, out)
    _texts(values, errors, out, ("inventory_sites", "hosted_assets", "notes"))
    if "name" in out and not out["name"]:
        errors["name"] = [_("Indiquez le nom du site.")]
    if not errors:
        start = out.get("contract_start", getattr(current, "contract_start", None))
        end = out.get("contract_end", getattr(current, "contract_end", None))
        if start and end and end < start:
            errors["contract_end"] = [_("La fin du contrat précède son début.")]
    if errors:
        raise ValidationError(errors)
    return out


def _annex_one(values: Mapping[str, Any], errors: dict[str, list[str]],
               out: dict[str, Any]) -> None:
    """The Annex I information of Delegated Regulation 2024/1364 that has a format: contact
    details (1(b)), LAU code (1(c)), structure (1(d)), redundancy levels (2(a), 2(b))."""
    if "structure" in values:
        structure = values["structure"] or Structure.UNKNOWN
        if structure not in Structure.values:
            errors["structure"] = [_("Structure inconnue ; choisissez : single (une "
                                     "structure) ou group (un groupe de structures).")]
        else:
            out["structure"] = structure
    if "mixed_services" in values:
        value = values["mixed_services"]
        if value in (None, ""):
            out["mixed_services"] = False
        elif isinstance(value, bool):
            out["mixed_services"] = value
        else:
            errors["mixed_services"] = [_("Oui ou non attendu (true ou false).")]
    for name in ("owner_email", "operator_email"):
        text = str(values.get(name) or "").strip()
        if name not in values:
            continue
        try:
            if text:
                validate_email(text)
        except ValidationError:
            errors[name] = [_("Adresse électronique invalide ; par exemple "
                              "dsi@agglo-exemple.fr.")]
        else:
            out[name] = text
    for name in ("owner_phone", "operator_phone"):
        text = str(values.get(name) or "").strip()
        if name not in values:
            continue
        try:
            out[name] = core.normalise_phone(text) if text else ""
        except ValueError:
            errors[name] = [_("Numéro de téléphone invalide : 6 à 15 chiffres, par exemple "
                              "02 99 00 00 00 ou +33 2 99 00 00 00.")]
    if "lau_code" in values:
        text = str(values["lau_code"] or "").strip()
        try:
            out["lau_code"] = core.normalise_lau_code(text) if text else ""
        except ValueError:
            errors["lau_code"] = [_("Code LAU invalide : pour la France, le code INSEE de la "
                                    "commune, 5 caractères (par exemple 35238 pour Rennes, "
                                    "2A004 pour Ajaccio) ; ce n'est pas le code postal.")]
    for name in ("electrical_redundancy", "cooling_redundancy"):
        if name not in values:
            continue
        text = str(values[name] or "").strip()
        try:
            out[name] = core.normalise_redundancy(text) if text else ""
        except ValueError:
            errors[name] = [_("Niveau de redondance invalide : N, N+1, 2N, 2N+1 ou 2(N+1), "
                              "un par niveau séparés par « / » (au plus 3), par exemple "
                              "« 2N / N+1 ».")]


def _check_name(organisation: Organisation, name: str, exclude: int | None = None) -> None:
    rows = Site.objects.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    if rows.exists():
        raise ValidationError({"name": [_("Un autre site de l'organisation porte déjà ce nom ; "
                                          "choisissez-en un autre.")]})


def create_site(actor: Any, organisation: Organisation, values: Mapping[str, Any]) -> Site:
    cleaned = clean_site(values)
    if not cleaned.get("name"):
        raise ValidationError({"name": [_("Indiquez le nom du site.")]})
    with transaction.atomic():
        _check_name(organisation, cleaned["name"])
        target = Site.objects.create(organisation=organisation, **cleaned)
        record(actor, "datacentres.site_create", organisation, target=target.name,
               site_id=target.pk, kind=target.kind)
        _changed(organisation, footprint=True)
    return target


def update_site(actor: Any, target: Site, values: Mapping[str, Any]) -> Site:
    cleaned = clean_site(values, current=target)
    changed = {k: v for k, v in cleaned.items() if getattr(target, k) != v}
    if not changed:
        return target
    with transaction.atomic():
        if "name" in changed:
            _check_name(target.organisation, changed["name"], exclude=target.pk)
        for name, value in changed.items():
            setattr(target, name, value)
        target.save()
        record(actor, "datacentres.site_update", target.organisation, target=target.name,
               site_id=target.pk, fields=sorted(changed))
        _changed(target.organisation, footprint=bool(PUE_SITE_FIELDS & set(changed)))
    return target


def delete_site(actor: Any, target: Site) -> None:
    with transaction.atomic():
        record(actor, "datacentres.site_delete", target.organisation, target=target.name,
               site_id=target.pk)
        _changed(target.organisation, footprint=True)
        target.delete()


# --- Yearly figures ----------------------------------------------------------------------------

def _problem(code: str) -> str:
    # The messages are translated here, where Django is available (the core gives codes).
    messages = {
        "negative": _("La valeur ne peut pas être négative."),
        "pue_range": _("Le PUE qui en résulte sort de 1 à 5 : vérifiez les deux énergies (EDC "
                       "comprend EIT)."),
        "it_above_total": _("L'énergie informatique (EIT) dépasse l'énergie totale (EDC), qui "
                            "la comprend."),
        "potable_above_total": _("L'eau potable dépasse l'eau consommée au total."),
        "above_total": _("La valeur dépasse l'énergie totale (EDC)."),
        "parts_above_total": _("Garanties d'origine, PPA et production sur site dépassent "
                               "ensemble l'énergie renouvelable totale."),
    }
    return messages.get(code, code)


def clean_year(target: Site, values: Mapping[str, Any], current: SiteYear | None = None
               ) -> dict[str, Any]:
    unknown = set(values) - set(YEAR_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Champ inconnu.")] for name in sorted(unknown)})
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    last = timezone.localdate().year
    if "year" in values or current is None:
        try:
            year = int(values.get("year") or 0)
        except (TypeError, ValueError):
            year = 0
        if not FIRST_YEAR <= year <= last:
            errors["year"] = [_("Année attendue entre %(first)d et %(last)d.")
                              % {"first": FIRST_YEAR, "last": last}]
        else:
            out["year"] = year
    for name in YEAR_NUMBERS:
        if name not in values:
            continue
        try:
            out[name] = _number(values[name])
        except (TypeError, ValueError):
            errors[name] = [_("Nombre attendu, par exemple 12,5.")]
    _texts({k: v for k, v in values.items() if k == "notes"}, errors, out, ("notes",))
    if not errors:
        merged = {name: out.get(name, getattr(current, name, None)) for name in YEAR_NUMBERS}
        figures = core.YearFigures(**{k: merged[k] for k in (
            "total_kwh", "it_kwh", "average_it_load_kw", "declared_pue", "water_m3",
            "potable_water_m3", "reused_kwh", "renewable_kwh", "renewable_goo_kwh",
            "renewable_ppa_kwh", "renewable_onsite_kwh")})
        for name, code in core.check_year(figures):
            errors.setdefault(name, []).append(_problem(code))
        for name in YEAR_NUMBERS:
            if name not in SIGNED and name not in errors and (merged[name] or 0) < 0:
                errors[name] = [_problem("negative")]
    if "year" in out and not errors:
        taken = SiteYear.objects.filter(site=target, year=out["year"])
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            errors["year"] = [_("Les chiffres de %(year)d existent déjà pour ce site : "
                                "modifiez-les.") % {"year": out["year"]}]
    if errors:
        raise ValidationError(errors)
    return out


def create_year(actor: Any, target: Site, values: Mapping[str, Any]) -> SiteYear:
    cleaned = clean_year(target, values)
    with transaction.atomic():
        row = SiteYear.objects.create(site=target, **cleaned)
        record(actor, "datacentres.year_create", target.organisation, target=str(row),
               site_id=target.pk, year=row.year)
        _changed(target.organisation, footprint=True)
    return row


def update_year(actor: Any, row: SiteYear, values: Mapping[str, Any]) -> SiteYear:
    cleaned = clean_year(row.site, values, current=row)
    changed = {k: v for k, v in cleaned.items() if getattr(row, k) != v}
    if not changed:
        return row
    with transaction.atomic():
        for name, value in changed.items():
            setattr(row, name, value)
        row.save()
        record(actor, "datacentres.year_update", row.site.organisation, target=str(row),
               site_id=row.site_id, year=row.year, fields=sorted(changed))
        _changed(row.site.organisation, footprint=bool(PUE_YEAR_FIELDS & set(changed)))
    return row


def delete_year(actor: Any, row: SiteYear) -> None:
    with transaction.atomic():
        record(actor, "datacentres.year_delete", row.site.organisation, target=str(row),
               site_id=row.site_id, year=row.year)
        _changed(row.site.organisation, footprint=True)
        row.delete()


# --- The Code of Conduct checklist -------------------------------------------------------------

CHECKLIST_FIELDS: Final = ("status", "evidence", "owner", "due_date")


def clean_practice(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(CHECKLIST_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Champ inconnu.")] for name in sorted(unknown)})
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if "status" in values:
        status = values["status"] or PracticeState.NOT_STARTED
        if status not in PracticeState.values:
            errors["status"] = [_("Statut inconnu ; choisissez : %(values)s.")
                                % {"values": ", ".join(PracticeState.values)}]
        else:
            out["status"] = status
    if "due_date" in values:
        due = values["due_date"]
        if due not in (None, "") and not isinstance(due, dt.date):
            errors["due_date"] = [_("Date attendue (AAAA-MM-JJ).")]
        else:
            out["due_date"] = due or None
    _texts({k: v for k, v in values.items() if k in ("evidence", "owner")}, errors, out,
           ("evidence",))
    # The Code of Conduct lets a participant set a practice aside only with a reason.
    if out.get("status") == PracticeState.NOT_APPLICABLE and not out.get("evidence"):
        errors["evidence"] = [_("Expliquez pourquoi la pratique est sans objet pour ce site.")]
    if errors:
        raise ValidationError(errors)
    return out


def save_checklist(actor: Any, target: Site, entries: Mapping[str, Mapping[str, Any]]
                   ) -> int:
    """Set the status, evidence, owner and due date of practices by number (all or nothing);
    returns how many changed. ValidationError keys are "<number>-<field>"."""
    known = {p.number for p in core.load_practices()}
    cleaned: dict[str, dict[str, Any]] = {}
    errors: dict[str, list[str]] = {}
    for number, values in entries.items():
        if number not in known:
            errors[f"{number}-status"] = [_("Pratique inconnue : %(number)s.")
                                          % {"number": number}]
            continue
        try:
            cleaned[number] = clean_practice(values)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"{number}-{name}"] = messages
    if errors:
        raise ValidationError(errors)
    changed: list[str] = []
    with transaction.atomic():
        existing = {p.number: p for p in PracticeStatus.objects.select_for_update()
                    .filter(site=target)}
        for number, values in cleaned.items():
            row = existing.get(number)
            if row is None:
                if not any(values.get(k) for k in CHECKLIST_FIELDS if k != "status") and \
                        values.get("status", PracticeState.NOT_STARTED) == \
                        PracticeState.NOT_STARTED:
                    continue  # an untouched line: nothing to store
                PracticeStatus.objects.create(site=target, number=number, **values)
                changed.append(number)
                continue
            diff = {k: v for k, v in values.items() if getattr(row, k) != v}
            if diff:
                for name, value in diff.items():
                    setattr(row, name, value)
                row.save()
                changed.append(number)
        if changed:
            record(actor, "datacentres.checklist", target.organisation, target=target.name,
                   site_id=target.pk, practices=changed)
            _changed(target.organisation, footprint=False)
    return len(changed)
