"""An organisation's inventory: assets, the imports that built it, and lifecycle events.

Asset columns mirror the canonical inventory schema of the core
(`jalon/data/schemas/inventory.schema.json`), so that an asset table turns into the engine's
frame column for column (`selectors.asset_frame`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from jalon.core.bounds import BOUNDS
from jalon.core.eol import FIELDS as ROUTE_FIELDS
from jalon.core.factors import load_factor_set
from jalon.core.model import CATEGORIES, CONDITIONS
from jalon.tenancy.models import Organisation

CATEGORY_CHOICES = [(c, c) for c in CATEGORIES]
CONDITION_CHOICES = [(c, c) for c in CONDITIONS]


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ANALYSING = "analysing", _("Analyse en cours")
    PREVIEW = "preview", _("À vérifier")
    APPLYING = "applying", _("Import en cours")
    DONE = "done", _("Importé")
    FAILED = "failed", _("Échec")
    CANCELLED = "cancelled", _("Annulé")


class ImportMode(models.TextChoices):
    REPLACE = "replace", _("Remplacer l'inventaire")
    MERGE = "merge", _("Fusionner par numéro d'inventaire")


class InventoryImport(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    # Merge by default: replacing deletes the devices the file does not list, so it is only
    # done when the user chose it on a preview that counted them.
    mode = models.CharField(max_length=10, choices=ImportMode.choices, default=ImportMode.MERGE)
    status = models.CharField(max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    formats = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # header -> canonical column
    # The headers in file order: PostgreSQL's jsonb does not keep the keys' order.
    header_order = models.JSONField(default=list, blank=True)
    mapping_override = models.JSONField(default=dict, blank=True)  # the user's corrections
    classification = models.JSONField(default=list, blank=True)  # [{category, rule, count}]
    # Distinct unclassified (item type, type, model) with their count and first lines.
    unclassified = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # read, used, unclassified, ...
    problems = models.JSONField(default=list, blank=True)  # first problems, by line
    problem_count = models.PositiveIntegerField(default=0)
    # Headers recognised but not used (warranty end, serial number...): header -> what it is.
    unused_columns = models.JSONField(default=dict, blank=True)
    # End-of-life routes read from statuses and comments: [{route, route_rule, rows, devices}].
    routes = models.JSONField(default=list, blank=True)
    # What the file says of last year's purchases and retirements (core.circularity.summary
    # without its routes): refurbished and AGEC spend shares, reuse rate of retired equipment.
    circularity = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # Who confirmed the import: the actor of the audit event written when it is applied.
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # The running task's lease (inventory/jobs.py): renewed every few seconds while it works;
    # a lease that expired means its worker died, and the sweep retries or fails the step.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs of the current step
    # Fingerprint of the file's header row: the organisation's remembered mapping is keyed on it.
    header_fingerprint = models.CharField(max_length=64, blank=True)
    # The mapping proposed came from an earlier correction of the same layout.
    mapping_remembered = models.BooleanField(default=False)
    # When the inventory this import made was put on the public pages (and by whom).
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # The inventory version this import produced (Organisation.inventory_version after it).
    inventory_version = models.PositiveIntegerField(null=True, blank=True)

    # Statuses from which each step may start (services change them with conditional updates).
    RUNNING = (ImportStatus.PENDING, ImportStatus.ANALYSING, ImportStatus.APPLYING)
    WORKING = (ImportStatus.ANALYSING, ImportStatus.APPLYING)
    MAPPABLE = (ImportStatus.PREVIEW, ImportStatus.FAILED)
    # A running import may be cancelled too: if its worker is alive, the task sees the
    # cancellation at its next step and stops; the apply step is one transaction, so the
    # inventory is either unchanged or the import is done.
    CANCELLABLE = (ImportStatus.PENDING, ImportStatus.ANALYSING, ImportStatus.PREVIEW,
                   ImportStatus.FAILED)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def can_edit_mapping(self) -> bool:
        return self.status in self.MAPPABLE and bool(self.mapping)

    def set_mapping(self, mapping: dict[str, str]) -> None:
        self.mapping = dict(mapping)
        self.header_order = list(mapping)

    def ordered_mapping(self) -> dict[str, str]:
        """The mapping in the file's column order, whatever the database did to the keys."""
        order = [h for h in self.header_order if h in self.mapping]
        return {**{h: self.mapping[h] for h in order}, **self.mapping}

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.PREVIEW and bool(self.counts.get("used"))

    @property
    def can_cancel(self) -> bool:
        return self.status in self.CANCELLABLE

    @property
    def can_retry(self) -> bool:
        """A failed step can be run again (the file is kept until the import ends)."""
        return self.status == ImportStatus.FAILED and bool(self.stored_path)


class InventoryPublication(models.Model):
    """Which inventory version the public pages show, and whether a new import is published
    as soon as it is applied (`auto_publish`) or after an editor reviewed it.

    The public side reads `version` (selectors.published_version); results computed for that
    version (footprints) stay stored while a newer, unreviewed version exists."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        related_name="inventory_publication")
    auto_publish = models.BooleanField(default=False)
    version = models.PositiveIntegerField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # The open-data aggregates of the pinned version (inventory/publishing.inventory_rows).
    dataset_rows = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation_id} v{self.version}"


class ImportMapping(models.Model):
    """A column mapping an organisation corrected, proposed again for a file whose header
    row has the same fingerprint (analysis.header_fingerprint)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="import_mappings")
    fingerprint = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)  # header -> canonical column
    headers = models.JSONField(default=list)  # in file order, to show what it applies to
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "fingerprint"],
                                               name="one_import_mapping_per_layout")]

    def __str__(self) -> str:
        return self.fingerprint[:12]


@deconstructible
class WithinBounds:
    """A field's validator: a finite number within its bounds (jalon.core.bounds.BOUNDS)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, value: Any) -> None:
        bound = BOUNDS[self.name]
        if bound.holds(value):
            return
        params = {"minimum": f"{bound.minimum:g}", "maximum": f"{bound.maximum:g}"}
        if bound.exclusive_minimum:
            raise ValidationError(
                _("Valeur hors limites : un nombre fini supérieur à %(minimum)s et au plus "
                  "%(maximum)s est attendu."), code="bounds", params=params)
        raise ValidationError(
            _("Valeur hors limites : un nombre fini entre %(minimum)s et %(maximum)s est "
              "attendu."), code="bounds", params=params)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WithinBounds) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


def _bounded(name: str) -> list[WithinBounds]:
    return [WithinBounds(name)]


def bounds_constraints() -> list[models.BaseConstraint]:
    """One CHECK per bounded column: what must never be stored, whatever wrote it (a bulk
    import, a queryset update, a script). Out of bounds includes NaN and the infinities."""
    constraints: list[models.BaseConstraint] = []
    for name, bound in BOUNDS.items():
        low = Q(**{f"{name}__gt" if bound.exclusive_minimum else f"{name}__gte": bound.minimum})
        within = low & Q(**{f"{name}__lte": bound.maximum})
        condition = within if name == "quantity" else Q(**{f"{name}__isnull": True}) | within
        constraints.append(models.CheckConstraint(condition=condition,
                                                  name=f"asset_{name}_within_bounds"))
    return constraints


def country_codes() -> list[str]:
    """The countries whose electricity the engine knows (the factor set's mixes)."""
    return sorted(load_factor_set().countries())


class Asset(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="assets")
    source_import = models.ForeignKey(InventoryImport, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="assets")
    source_line = models.PositiveIntegerField(null=True, blank=True)
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES, blank=True,
                                db_index=True)
    rule = models.CharField(max_length=40, blank=True)  # classification rule that matched
    inventory_number = models.CharField(max_length=100, blank=True, db_index=True)
    name = models.CharField(max_length=200, blank=True)
    item_type = models.CharField(max_length=100, blank=True)
    type = models.CharField(max_length=200, blank=True)
    manufacturer = models.CharField(max_length=200, blank=True)
    model = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField(default=1,
        validators=_bounded("quantity"))
    purchase_date = models.DateField(null=True, blank=True)
    commissioning_date = models.DateField(null=True, blank=True)
    retirement_date = models.DateField(null=True, blank=True, db_index=True)
    lifespan_years = models.FloatField(null=True, blank=True,
        validators=_bounded("lifespan_years"))
    purchase_price_eur = models.DecimalField(max_digits=12, decimal_places=2, null=True,
                                             blank=True,
        validators=_bounded("purchase_price_eur"))
    condition = models.CharField(max_length=12, choices=CONDITION_CHOICES, default="new")
    status = models.CharField(max_length=100, blank=True)
    entity = models.CharField(max_length=300, blank=True, db_index=True)
    site = models.CharField(max_length=300, blank=True, db_index=True)
    user = models.CharField(max_length=200, blank=True)  # never published
    country = models.CharField(max_length=3, blank=True)
    annual_kwh = models.FloatField(null=True, blank=True,
        validators=_bounded("annual_kwh"))
    is_virtual = models.BooleanField(default=False)
    cpu_units = models.PositiveIntegerField(null=True, blank=True,
        validators=_bounded("cpu_units"))
    cpu_cores = models.PositiveIntegerField(null=True, blank=True,
        validators=_bounded("cpu_cores"))
    ram_gb = models.FloatField(null=True, blank=True,
        validators=_bounded("ram_gb"))
    ssd_count = models.PositiveIntegerField(null=True, blank=True,
        validators=_bounded("ssd_count"))
    ssd_capacity_gb = models.FloatField(null=True, blank=True,
        validators=_bounded("ssd_capacity_gb"))
    hdd_count = models.PositiveIntegerField(null=True, blank=True,
        validators=_bounded("hdd_count"))
    hdd_capacity_gb = models.FloatField(null=True, blank=True,
        validators=_bounded("hdd_capacity_gb"))
    pue = models.FloatField(null=True, blank=True,
        validators=_bounded("pue"))
    disposal = models.CharField(max_length=20, blank=True)
    weight_kg = models.FloatField(null=True, blank=True,
        validators=_bounded("weight_kg"))
    comment = models.CharField(max_length=1000, blank=True)  # the asset tool's; never published
    # What became of the device (jalon.core.eol), and the rule that said so ("disposal" for a
    # retirement recorded in Jalon or an explicit disposal column; "" when nothing says).
    route = models.CharField(max_length=24, blank=True, db_index=True)
    route_rule = models.CharField(max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "category"]),
                   models.Index(fields=["organisation", "inventory_number"])]
        constraints = bounds_constraints()

    def __str__(self) -> str:
        return self.inventory_number or self.name or f"#{self.pk}"

    def clean(self) -> None:
        """What no field checks alone: a country the engine has an electricity mix for."""
        super().clean()
        if self.country and self.country not in country_codes():
            raise ValidationError({"country": _(
                "Pays inconnu : %(value)s. Codes acceptés : %(allowed)s.") % {
                    "value": self.country, "allowed": ", ".join(country_codes())}})


class EventKind(models.TextChoices):
    COMMISSIONED = "commissioned", _("Mise en service")
    REPAIRED = "repaired", _("Réparation")
    REASSIGNED = "reassigned", _("Réaffectation")
    RETIRED = "retired", _("Sortie du parc")


class Disposal(models.TextChoices):
    REUSED_INTERNALLY = "reused_internally", _("Réemploi interne")
    DONATED = "donated", _("Don")
    SOLD_REFURBISHED = "sold_refurbished", _("Vente pour reconditionnement")
    RECYCLED = "recycled", _("Recyclage (DEEE)")


class Route(models.TextChoices):
    """End-of-life routes (jalon.core.eol.Route), with their French names."""

    IN_USE = "in_use", _("En service")
    STORED = "stored", _("En stock")
    AWAITING_DECISION = "awaiting_decision", _("En attente de décision")
    REUSED_INTERNALLY = "reused_internally", _("Réemploi interne")
    DONATED = "donated", _("Don")
    SOLD_REFURBISHED = "sold_refurbished", _("Vente pour réemploi ou reconditionnement")
    RETURNED_TO_LESSOR = "returned_to_lessor", _("Restitué au loueur")
    RECYCLED = "recycled", _("Recyclage (DEEE)")
    DESTROYED = "destroyed", _("Destruction")
    LOST_OR_STOLEN = "lost_or_stolen", _("Perdu ou volé")


class RouteField(models.TextChoices):
    STATUS = "status", _("Statut")
    COMMENT = "comment", _("Commentaire")


if tuple(RouteField.values) != ROUTE_FIELDS:
    raise ImportError("RouteField must list jalon.core.eol.FIELDS")


class RouteRule(models.Model):
    """An organisation's own rule turning a status or a comment into a route; tried before
    the shipped rules (data/reference/eol_routes.csv), in position order."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="route_rules")
    position = models.PositiveIntegerField(default=0)
    field = models.CharField(max_length=10, choices=RouteField.choices,
                             default=RouteField.STATUS)
    pattern = models.CharField(max_length=300)
    route = models.CharField(max_length=24, choices=Route.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The rule's name as shown on each device it routes."""
        return f"org-{self.pk}"


class LifecycleEvent(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    date = models.DateField()
    disposal = models.CharField(max_length=20, choices=Disposal.choices, blank=True)
    beneficiary = models.CharField(max_length=200, blank=True)  # for donations
    weee_weight_kg = models.FloatField(null=True, blank=True)  # for recycling
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.date}"
