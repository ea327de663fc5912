"""The public register of processing activities: which fields exist, which are always shown,
which the organisation chooses to publish, and the rows of the open-data file.

Always published (what makes a register): reference, name, status, role, purposes, legal
basis. Optional, published by default: categories of people and of data, sensitive
categories, recipients, transfers, retention, services, DPIA screening. Optional, NOT published
by default: the team in charge (it may name people), security measures (a map for attackers),
processors (business relations). Nothing of data subjects' requests is ever published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from django.utils.translation import gettext_lazy as _

from jalon.core import gdpr_dpia
from jalon.gdpr.models import ProcessingActivity, RegisterSettings
from jalon.tenancy.models import Organisation


@dataclass(frozen=True)
class PublicField:
    key: str
    label: Any
    default: bool


ALWAYS: Final = ("reference", "name", "status", "role", "purposes", "legal_basis")
OPTIONAL: Final = (
    PublicField("data_subjects", _("Catégories de personnes concernées"), True),
    PublicField("data_categories", _("Catégories de données"), True),
    PublicField("sensitive_categories", _("Données sensibles"), True),
    PublicField("recipients", _("Destinataires"), True),
    PublicField("transfers", _("Transferts hors de l'Union européenne"), True),
    PublicField("retention", _("Durée de conservation et sort final"), True),
    PublicField("services", _("Services numériques concernés"), True),
    PublicField("dpia", _("Analyse d'impact (AIPD)"), True),
    PublicField("owner_team", _("Service responsable"), False),
    PublicField("security_measures", _("Mesures de sécurité"), False),
    PublicField("processors", _("Sous-traitants"), False),
)
OPTIONAL_KEYS: Final = tuple(f.key for f in OPTIONAL)
DEFAULTS: Final = tuple(f.key for f in OPTIONAL if f.default)
# The open-data file's columns (Table Schema data/schemas/opendata/gdpr_register.schema.json):
# an unpublished optional field is an empty cell, so that the schema never changes.
COLUMNS: Final = ("reference", "name", "status", "role", "purposes", "legal_basis",
                  "data_subjects", "data_categories", "sensitive_categories", "recipients",
                  "transfers_outside_eu", "transfer_countries", "transfer_safeguards",
                  "retention_value", "retention_unit", "retention_start", "final_fate",
                  "services", "dpia_verdict", "owner_team", "security_measures", "processors",
                  "updated")


def published_fields(organisation: Organisation) -> tuple[str, ...]:
    settings = RegisterSettings.objects.filter(organisation=organisation).first()
    if settings is None:
        return DEFAULTS
    return tuple(k for k in OPTIONAL_KEYS if k in (settings.published_fields or ()))


def public_activities(organisation: Organisation) -> Iterable[ProcessingActivity]:
    return (ProcessingActivity.objects.filter(organisation=organisation, published=True)
            .exclude(status="draft").prefetch_related("services", "processors")
            .order_by("reference", "name", "id"))


def public_view(activity: ProcessingActivity, shown: tuple[str, ...]) -> dict[str, Any]:
    """The activity as the public sees it: only the fields shown."""
    view: dict[str, Any] = {
        "reference": activity.reference, "name": activity.name,
        "status": activity.get_status_display(), "role": activity.get_role_display(),
        "purposes": activity.purposes, "legal_basis": activity.get_legal_basis_display(),
        "legal_basis_detail": activity.legal_basis_detail}
    if "data_subjects" in shown:
        view["data_subjects"] = activity.data_subjects
    if "data_categories" in shown:
        view["data_categories"] = activity.data_categories
    if "sensitive_categories" in shown:
        view["sensitive_categories"] = activity.sensitive_labels
    if "recipients" in shown:
        view["recipients"] = activity.recipients
    if "transfers" in shown:
        view["transfers"] = (
            f"{activity.transfer_countries} ({activity.transfer_safeguards})"
            if activity.transfers_outside_eu else str(_("Aucun")))
    if "retention" in shown:
        view["retention"] = activity.retention_text
    if "services" in shown:
        view["services"] = [s.name for s in activity.services.all()]
    if "dpia" in shown:
        view["dpia"] = gdpr_dpia.VERDICT_LABELS[activity.screening.verdict]
    if "owner_team" in shown:
        view["owner_team"] = activity.owner_team
    if "security_measures" in shown:
        view["security_measures"] = activity.security_measures
    if "processors" in shown:
        view["processors"] = [p.name for p in activity.processors.all()]
    return view


def open_data_row(activity: ProcessingActivity, shown: tuple[str, ...]) -> tuple[Any, ...]:
    """One row of the open-data file, cells in COLUMNS order; unpublished cells empty."""
    def show(key: str, value: Any) -> Any:
        return value if key in shown else ""

    retention = "retention" in shown and activity.retention_value is not None
    transfers = "transfers" in shown
    return (
        activity.reference, activity.name, activity.status, activity.role, activity.purposes,
        activity.legal_basis,
        show("data_subjects", activity.data_subjects),
        show("data_categories", activity.data_categories),
        show("sensitive_categories", " | ".join(activity.sensitive_categories or ())),
        show("recipients", activity.recipients),
        ("true" if activity.transfers_outside_eu else "false") if transfers else "",
        activity.transfer_countries if transfers else "",
        activity.transfer_safeguards if transfers else "",
        activity.retention_value if retention else "",
        activity.retention_unit if retention else "",
        activity.retention_start if retention else "",
        activity.final_fate if retention else "",
        show("services", " | ".join(s.name for s in activity.services.all())),
        show("dpia", activity.screening.verdict),
        show("owner_team", activity.owner_team),
        show("security_measures", activity.security_measures),
        show("processors", " | ".join(p.name for p in activity.processors.all())),
        activity.updated_at.date().isoformat(),
    )
