"""A REEN strategy and its follow-up (loi 2021-1485 art. 35, décret 2022-1084, CGCT D. 2311-15-1).

Strategy → axes → objectives (→ sub-objectives) → actions; indicators with typed targets
(jalon.core.trajectory) attached to objectives; dated values (results or estimates). Indicator
definitions are shared: built into Jalon (templates), published by an operator to its members,
or an organisation's own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.core.trajectory import Direction, TargetKind
from jalon.tenancy.models import Operator, Organisation


class Strategy(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="strategies")
    title = models.CharField(_("titre"), max_length=300)
    adopted_on = models.DateField(_("date d'adoption"), null=True, blank=True)
    deliberation = models.CharField(_("référence de la délibération"), max_length=200,
                                    blank=True)
    period_start = models.PositiveSmallIntegerField(_("début de la période"))
    period_end = models.PositiveSmallIntegerField(_("fin de la période"))
    template_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "title"]

    def __str__(self) -> str:
        return self.title


class Axis(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="axes")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")  # a sub-objective
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée")


class Action(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("intitulé"), max_length=300)
    status = models.CharField(_("état"), max_length=12, choices=ActionStatus.choices,
                              default=ActionStatus.PLANNED)
    owner = models.CharField(_("pilote"), max_length=200, blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    budget_eur = models.DecimalField(_("budget (€)"), max_digits=14, decimal_places=2,
                                     null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class IndicatorDefinition(models.Model):
    """What is measured and how. Exactly one owner: built in (both null), an operator (shared
    with its members), or an organisation."""

    key = models.SlugField(max_length=100)
    operator = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="indicator_definitions")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.CASCADE,
                                     related_name="indicator_definitions")
    name = models.CharField(_("nom"), max_length=300)
    unit = models.CharField(_("unité"), max_length=50)
    precision = models.PositiveSmallIntegerField(_("décimales"), default=0)
    direction = models.CharField(_("sens"), max_length=4,
                                 choices=[(d.value, d.value) for d in Direction],
                                 default=Direction.UP)
    description = models.TextField(_("description"), blank=True)
    method = models.TextField(_("méthode de calcul"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Empty for a manual indicator; else the key of an IndicatorSource (publishing registry).
    computed = models.CharField(_("calculé depuis le parc"), max_length=60, blank=True)
    shared = models.BooleanField(_("partagé avec les membres"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["key", "operator", "organisation"],
                                               name="one_definition_per_key_and_owner")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """An indicator followed by a strategy, with its typed target."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="indicators")
    definition = models.ForeignKey(IndicatorDefinition, on_delete=models.PROTECT,
                                   related_name="indicators")
    position = models.PositiveSmallIntegerField(default=0)
    target_kind = models.CharField(_("type de cible"), max_length=14,
                                   choices=[(k.value, k.value) for k in TargetKind])
    target_value = models.FloatField(_("valeur cible"))
    target_date = models.DateField(_("échéance"), null=True, blank=True)
    baseline_date = models.DateField(_("date de référence"), null=True, blank=True)
    baseline_value = models.FloatField(_("valeur de référence"), null=True, blank=True)
    # False while the authority has not set a target yet (catalogue indicators of the guide
    # that no text quantifies): target_kind/target_value are then placeholders, not shown.
    target_defined = models.BooleanField(_("cible définie"), default=True)
    # For a computed indicator: the organisation's inventory_version its values come from.
    computed_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.definition.name


class ValueKind(models.TextChoices):
    RESULT = "result", _("Résultat")
    ESTIMATE = "estimate", _("Estimation")


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    date = models.DateField(_("date"))
    value = models.FloatField(_("valeur"))
    kind = models.CharField(_("nature"), max_length=10, choices=ValueKind.choices,
                            default=ValueKind.RESULT)
    source = models.CharField(_("source"), max_length=300, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # Computed values carry the inventory they come from.
    inventory_version = models.PositiveIntegerField(null=True, blank=True)
    source_import = models.ForeignKey("inventory.InventoryImport", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    # Computed values: the figures behind the value (counts, per-category breakdown).
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.value}"


class StrategyTemplate(models.Model):
    """A template an operator publishes to its members (built-in templates are data files)."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE,
                                 related_name="strategy_templates")
    key = models.SlugField(max_length=100)
    title = models.CharField(_("titre"), max_length=300)
    data = models.JSONField(default=dict)  # same shape as data/strategy_templates/*.json
    published = models.BooleanField(_("publié aux membres"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operator", "key"],
                                               name="one_template_per_key_and_operator")]

    def __str__(self) -> str:
        return self.title


class AnnualReport(models.Model):
    """The yearly review of year N (CGCT L. 2311-1-1): its editable introduction, and whether
    the year is closed.

    A year is closed when an editor records that its review was presented (to the assembly,
    with the debate on the budget): from then on the computed values of that year are kept as
    they were presented, whatever the later imports, unless someone recomputes one with a
    reason (audited; the former value stays in `SupersededValue`). A year can only be closed
    once it is over."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField()
    introduction = models.TextField(_("introduction"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    presented_on = models.DateField(_("date de présentation"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["strategy", "year"],
                                               name="one_report_per_year")]

    def __str__(self) -> str:
        return f"{self.strategy_id} {self.year}"


class SupersededValue(models.Model):
    """A computed value that a later computation replaced, kept with the source it came from:
    the history of an indicator's year. Written by services.recompute_indicator (an open year:
    a new import changed the figure; `reason` empty) and by services.recompute_closed_year (a
    closed year recomputed on request: `reason` and `actor` given, audited)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE,
                                  related_name="superseded_values")
    date = models.DateField()
    value = models.FloatField()
    kind = models.CharField(max_length=10, choices=ValueKind.choices)
    source = models.CharField(max_length=300, blank=True)
    inventory_version = models.PositiveIntegerField(null=True, blank=True)
    source_import = models.ForeignKey("inventory.InventoryImport", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    detail = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()  # when the replaced value was computed
    superseded_at = models.DateTimeField(auto_now_add=True)
    replaced_by_value = models.FloatField(null=True, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date", "-superseded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.value} (superseded)"
