"""Every write to the budget domain: each in a transaction, each leaving an audit event.

Callers pass objects obtained through `selectors` (hence scoped to the request's organisation).
A bad value raises django's ValidationError (French); an import with errors writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon import events
from jalon.budget.models import (
    ClassificationRule,
    ImportStatus,
    Rating,
    SpendingImport,
    SpendingLine,
)
from jalon.core import budget as core
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

TOPIC: Final = "budget"  # events topic: the organisation's spending lines or ratings changed
MAX_IMPORT_BYTES: Final = 5 * 1024 * 1024
MIN_YEAR: Final = 2015
MAX_YEAR: Final = 2100


class ImportStateError(Exception):
    """The import is not in a state that allows this action."""


def org_rules(organisation: Organisation) -> list[core.Rule]:
    return [r.as_core() for r in ClassificationRule.objects.filter(organisation=organisation)]


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": [_("Exercice invalide : une année entre %(a)d et "
                                          "%(b)d.") % {"a": MIN_YEAR, "b": MAX_YEAR}]})
    return year


# --- Import ------------------------------------------------------------------------------------

def start_import(actor: Any, organisation: Organisation, year: int, data: bytes,
                 file_name: str) -> SpendingImport:
    """Store the file and guess its column mapping; nothing is imported yet (preview)."""
    check_year(year)
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": [_(
            "Fichier trop volumineux (plus de %(mb)d Mo) ; découpez-le par budget.")
            % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}]})
    try:
        table = core.read_table(data, file_name)
    except core.InvalidValue as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    mapping = core.guess_mapping(table.headers)
    with transaction.atomic():
        source = SpendingImport.objects.create(
            organisation=organisation, year=year, file_name=file_name[:255] or "export",
            sha256=hashlib.sha256(data).hexdigest(), data=data, mapping=mapping,
            header_order=list(mapping), created_by=actor if getattr(
                actor, "is_authenticated", False) else None)
        record(actor, "budget.import_start", organisation, target=source.file_name,
               spending_import_id=source.pk, year=year, format=table.file_format,
               encoding=table.encoding, delimiter=table.delimiter)
    return source


@dataclass(frozen=True, slots=True)
class Preview:
    result: core.ParseResult
    existing_lines: int = 0
    overridden_ratings: int = 0
    manual_kinds: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)


def analyse(source: SpendingImport) -> Preview:
    """What applying the import would do: the parse (rows or errors), the lines it replaces."""
    table = core.read_table(bytes(source.data), source.file_name)
    result = core.parse_table(table, source.ordered_mapping(), year=source.year)
    existing = SpendingLine.objects.filter(organisation=source.organisation, year=source.year)
    rules = org_rules(source.organisation)
    samples = []
    for row in result.rows[:10]:
        match = core.classify(row.account, row.label, rules)
        samples.append({"row": row, "kind": match.kind, "rule": match.rule_id,
                        "scope": core.legal_scope(source.year, row.nomenclature, row.account,
                                                  row.chapter)})
    return Preview(result, existing.count(),
                   Rating.objects.filter(line__in=existing, overridden=True).count(),
                   existing.filter(kind_manual=True).count(), samples)


def correct_mapping(actor: Any, source: SpendingImport, mapping: Mapping[str, str]
                    ) -> SpendingImport:
    if source.status != ImportStatus.PREVIEW:
        raise ImportStateError("the mapping can only be corrected before the import")
    unknown = {v for v in mapping.values() if v and v not in core.FIELDS}
    if unknown or set(mapping) - set(source.header_order):
        raise ValidationError(_("Correspondance invalide."))
    with transaction.atomic():
        source.mapping = {h: mapping.get(h, "") for h in source.header_order}
        source.save(update_fields=["mapping"])
        record(actor, "budget.import_mapping", source.organisation, target=source.file_name,
               spending_import_id=source.pk, mapping=source.mapping)
    return source


class ImportFailed(Exception):
    def __init__(self, errors: Sequence[core.CellError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = list(errors)


def _line(organisation: Organisation, year: int, row: core.SpendingRow,
          rules: Sequence[core.Rule], source: SpendingImport | None = None) -> SpendingLine:
    match = core.classify(row.account, row.label, rules)
    scope = core.legal_scope(year, row.nomenclature, row.account, row.chapter)
    return SpendingLine(
        organisation=organisation, source_import=source, year=year, line_number=row.line,
        nomenclature=row.nomenclature, chapter=row.chapter, account=row.account,
        function=row.function, label=row.label, supplier=row.supplier, reference=row.reference,
        amount_ht=row.amount_ht, amount_ttc=row.amount_ttc,
        commitment_date=row.commitment_date, payment_date=row.payment_date,
        section=core.section(row.account), in_annex=scope.in_annex,
        scope_reason=scope.reason[:300], kind=match.kind, kind_rule=match.rule_id,
        kind_explanation=match.explanation[:400])


def _default(line: SpendingLine, axis: str) -> Rating:
    ref = core.default_ratings()[(line.kind, axis)]
    return Rating(line=line, axis=axis, rating=ref.rating, rationale=ref.rationale[:600],
                  source=ref.source[:400], source_url=ref.source_url[:400])


def create_lines(organisation: Organisation, year: int, rows: Sequence[core.SpendingRow],
                 source: SpendingImport | None = None) -> list[SpendingLine]:
    """Lines and their default ratings, in bulk (the caller holds the transaction)."""
    rules = org_rules(organisation)
    lines = SpendingLine.objects.bulk_create(
        [_line(organisation, year, row, rules, source) for row in rows], batch_size=500)
    Rating.objects.bulk_create([_default(line, axis) for line in lines for axis in core.AXES],
                               batch_size=2000)
    return lines


def apply_import(actor: Any, source: SpendingImport) -> int:
    """Replace the year's lines by the file's, all or nothing; the number of lines."""
    with transaction.atomic():
        locked = SpendingImport.objects.select_for_update().get(pk=source.pk)
        if locked.status != ImportStatus.PREVIEW:
            raise ImportStateError("this import was already applied or cancelled")
        preview = analyse(locked)
        if not preview.result.ok:
            raise ImportFailed(preview.result.errors)
        organisation = locked.organisation
        replaced = SpendingLine.objects.filter(organisation=organisation, year=locked.year)
        replaced_count = replaced.count()
        replaced.delete()
        lines = create_lines(organisation, locked.year, preview.result.rows, locked)
        locked.status = ImportStatus.APPLIED
        locked.applied_at = timezone.now()
        locked.line_count = len(lines)
        locked.save(update_fields=["status", "applied_at", "line_count"])
        record(actor, "budget.import", organisation, target=locked.file_name,
               spending_import_id=locked.pk, year=locked.year, lines=len(lines),
               replaced=replaced_count, lost_overrides=preview.overridden_ratings)
        events.announce(TOPIC, organisation.pk)
    source.refresh_from_db()
    return len(lines)


def cancel_import(actor: Any, source: SpendingImport) -> None:
    with transaction.atomic():
        if source.status != ImportStatus.PREVIEW:
            raise ImportStateError("only an import being previewed can be cancelled")
        source.status = ImportStatus.CANCELLED
        source.data = b""
        source.save(update_fields=["status", "data"])
        record(actor, "budget.import_cancel", source.organisation, target=source.file_name,
               spending_import_id=source.pk)


# --- Classification ----------------------------------------------------------------------------

def _refresh_default_ratings(line: SpendingLine) -> None:
    """The axes not overridden take the defaults of the line's (new) kind."""
    for rating in line.ratings.filter(overridden=False):
        fresh = _default(line, rating.axis)
        rating.rating, rating.rationale = fresh.rating, fresh.rationale
        rating.source, rating.source_url = fresh.source, fresh.source_url
        rating.save()


def set_kind(actor: Any, line: SpendingLine, kind: str) -> SpendingLine:
    """A kind chosen by hand (kept when rules change); "" goes back to the rules."""
    if kind and kind not in core.KINDS:
        raise ValidationError({"kind": [_("Nature inconnue.")]})
    with transaction.atomic():
        before = line.kind
        if kind:
            line.kind, line.kind_manual, line.kind_rule = kind, True, ""
            line.kind_explanation = _("Nature choisie à la main.")
        else:
            match = core.classify(line.account, line.label, org_rules(line.organisation))
            line.kind, line.kind_manual = match.kind, False
            line.kind_rule, line.kind_explanation = match.rule_id, match.explanation[:400]
        line.save()
        _refresh_default_ratings(line)
        record(actor, "budget.line_kind", line.organisation, target=line.label,
               spending_line_id=line.pk, before=before, after=line.kind, manual=bool(kind))
        events.announce(TOPIC, line.organisation_id)
    return line


def reclassify(organisation: Organisation) -> int:
    """Apply the rules again to the lines whose kind was not chosen by hand; the number of
    lines whose kind changed (their non-overridden ratings follow)."""
    rules = org_rules(organisation)
    changed = 0
    for line in SpendingLine.objects.filter(organisation=organisation, kind_manual=False):
        match = core.classify(line.account, line.label, rules)
        if (match.kind, match.rule_id) == (line.kind, line.kind_rule):
            continue
        kind_changed = match.kind != line.kind
        line.kind, line.kind_rule = match.kind, match.rule_id
        line.kind_explanation = match.explanation[:400]
        line.save(update_fields=["kind", "kind_rule", "kind_explanation", "updated_at"])
        if kind_changed:
            changed += 1
            _refresh_default_ratings(line)
    return changed


def create_rule(actor: Any, organisation: Organisation, match: str, pattern: str, kind: str
                ) -> tuple[ClassificationRule, int]:
    try:
        pattern = core.check_pattern(match, pattern)
    except core.InvalidValue as exc:
        raise ValidationError({"pattern": [str(exc)]}) from exc
    if kind not in core.KINDS:
        raise ValidationError({"kind": [_("Nature inconnue.")]})
    with transaction.atomic():
        position = ClassificationRule.objects.filter(organisation=organisation).count()
        rule = ClassificationRule.objects.create(organisation=organisation, match=match,
                                                 pattern=pattern, kind=kind, position=position)
        changed = reclassify(organisation)
        record(actor, "budget.rule_create", organisation, target=str(rule),
               budget_rule_id=rule.pk, reclassified=changed)
        events.announce(TOPIC, organisation.pk)
    return rule, changed


def delete_rule(actor: Any, rule: ClassificationRule) -> int:
    with transaction.atomic():
        organisation = rule.organisation
        record(actor, "budget.rule_delete", organisation, target=str(rule),
               budget_rule_id=rule.pk)
        rule.delete()
        changed = reclassify(organisation)
        events.announce(TOPIC, organisation.pk)
    return changed


# --- Ratings -----------------------------------------------------------------------------------

def override_rating(actor: Any, line: SpendingLine, axis: str, rating: str, reason: str
                    ) -> Rating:
    """Change a line's rating on an axis; the reason is required and kept (here and in the
    audit trail with the rating before and after)."""
    errors: dict[str, list[str]] = {}
    if axis not in core.AXES:
        errors["axis"] = [_("Axe inconnu.")]
    if rating not in core.RATINGS:
        errors["rating"] = [_("Cotation inconnue : très favorable, favorable, neutre, "
                              "défavorable ou à approfondir.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Indiquez le motif de la modification : il est conservé dans "
                              "le journal et montré à côté de la cotation.")]
    elif len(reason) > 1000:
        errors["reason"] = [_("Motif trop long (au plus 1000 caractères).")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current, _created = Rating.objects.get_or_create(
            line=line, axis=axis, defaults={"rating": core.TO_EXAMINE})
        before = current.rating
        current.rating, current.overridden, current.reason = rating, True, reason
        current.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        current.save()
        record(actor, "budget.rating_override", line.organisation, target=line.label,
               spending_line_id=line.pk, axis=axis, before=before, after=rating,
               reason=reason)
        events.announce(TOPIC, line.organisation_id)
    return current


def reset_rating(actor: Any, line: SpendingLine, axis: str) -> Rating:
    """Back to Jalon's default for the line's kind."""
    if axis not in core.AXES:
        raise ValidationError({"axis": [_("Axe inconnu.")]})
    with transaction.atomic():
        fresh = _default(line, axis)
        current, _created = Rating.objects.get_or_create(
            line=line, axis=axis, defaults={"rating": fresh.rating})
        before = current.rating
        current.rating, current.rationale = fresh.rating, fresh.rationale
        current.source, current.source_url = fresh.source, fresh.source_url
        current.overridden, current.reason = False, ""
        current.save()
        record(actor, "budget.rating_reset", line.organisation, target=line.label,
               spending_line_id=line.pk, axis=axis, before=before, after=current.rating)
        events.announce(TOPIC, line.organisation_id)
    return current
