"""Every write of an operator: its strategy templates and its shared indicator definitions.
Each in a transaction, each leaving an audit event (the operator's slug in its details, no
organisation). Views call these with operators from `tenancy.scope.operator_view` and objects
from `operators.selectors` (already scoped to those operators)."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jalon.strategy import services as strategy_services
from jalon.strategy.models import IndicatorDefinition, StrategyTemplate
from jalon.tenancy import audit
from jalon.tenancy.models import Operator

# The fields of a definition an operator edits (`computed` is Jalon's, `shared` apart).
DEFINITION_FIELDS = ("name", "unit", "precision", "direction", "description", "method",
                     "source")


class OperatorStrategyError(Exception):
    pass


def builtin_templates() -> dict[str, dict[str, Any]]:
    """Jalon's built-in templates by key ({key: data}, the data as in the JSON file): the
    starting points of an operator's templates. Forms and views read them through this function
    (tests replace it)."""
    return dict(strategy_services.builtin_templates())


def template_title(data: dict[str, Any], key: str) -> str:
    return str(data.get("title") or data.get("name") or key)


# --------------------------------------------------------------------------- templates


def _unique_template_key(operator: Operator, wanted: str) -> str:
    base = slugify(wanted)[:90] or "modele"
    key, n = base, 1
    while StrategyTemplate.objects.filter(operator=operator, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def create_template(actor: Any, operator: Operator, base_key: str, title: str,
                    key: str = "", published: bool = False) -> StrategyTemplate:
    """A template of the operator, starting from a copy of a built-in template's JSON."""
    builtins = builtin_templates()
    if base_key not in builtins:
        raise OperatorStrategyError(_("Modèle de départ inconnu : %(key)s") % {"key": base_key})
    wanted = slugify(key or title)[:90]
    if wanted in builtins:
        raise OperatorStrategyError(_("L'identifiant %(key)s est celui d'un modèle intégré à "
                                      "Jalon : choisissez-en un autre.") % {"key": wanted})
    data = json.loads(json.dumps(builtins[base_key]))  # a deep copy
    with transaction.atomic():
        template_key = _unique_template_key(operator, key or title)
        if "title" in data:
            data["title"] = title
        if "key" in data:
            data["key"] = template_key
        template = StrategyTemplate.objects.create(
            operator=operator, key=template_key, title=title, data=data, published=published)
        audit.record(actor, "strategy.operator_template_created", None,
                     target=f"{operator.slug}/{template.key}", operator=operator.slug,
                     based_on=base_key, published=published)
    return template


def update_template(actor: Any, template: StrategyTemplate, *, title: str,
                    data: dict[str, Any], published: bool) -> StrategyTemplate:
    data = dict(data)
    if "title" in data:
        data["title"] = title
    changed = sorted(name for name, new in (("title", title), ("data", data),
                                            ("published", published))
                     if getattr(template, name) != new)
    with transaction.atomic():
        template.title, template.data, template.published = title, data, published
        template.save(update_fields=["title", "data", "published"])
        audit.record(actor, "strategy.operator_template_updated", None,
                     target=f"{template.operator.slug}/{template.key}",
                     operator=template.operator.slug, changed=changed)
    return template


def set_template_published(actor: Any, template: StrategyTemplate,
                           published: bool) -> StrategyTemplate:
    with transaction.atomic():
        template.published = published
        template.save(update_fields=["published"])
        audit.record(actor, "strategy.operator_template_"
                     + ("published" if published else "unpublished"), None,
                     target=f"{template.operator.slug}/{template.key}",
                     operator=template.operator.slug)
    return template


# --------------------------------------------------------------------------- definitions


def create_definition(actor: Any, operator: Operator, key: str = "",
                      **fields: Any) -> IndicatorDefinition:
    """An indicator definition owned by the operator and shared with its members: the one
    `strategy.services.create_definition`, with the operator as owner (unique key, audited)."""
    return strategy_services.create_definition(actor, operator, key=key, **fields)


def update_definition(actor: Any, definition: IndicatorDefinition, *, shared: bool,
                      **fields: Any) -> IndicatorDefinition:
    """Edit one of the operator's definitions (DEFINITION_FIELDS and whether it is shared)."""
    operator = definition.operator
    if operator is None or definition.organisation_id is not None:
        raise OperatorStrategyError("only an operator's definitions are edited here")
    new = {**{name: fields[name] for name in DEFINITION_FIELDS if name in fields},
           "shared": shared}
    changed = sorted(name for name, value in new.items() if getattr(definition, name) != value)
    with transaction.atomic():
        for name in DEFINITION_FIELDS:
            if name in fields:
                setattr(definition, name, fields[name])
        definition.shared = shared
        definition.save()
        audit.record(actor, "strategy.operator_definition_updated", None,
                     target=f"{operator.slug}/{definition.key}",
                     operator=operator.slug, changed=changed)
    return definition
