"""End-of-life routes of an organisation's devices: its own rules, then the shipped ones.

The matching itself is the core's (`jalon.core.eol`); this module turns the organisation's
`RouteRule` rows into core rules and applies them to a frame (imports) or to the stored
assets (after a rule changes). Writes of rules are in services.py (audited).
"""

from __future__ import annotations

from collections import defaultdict

import polars as pl

from jalon.core import eol
from jalon.inventory.models import Asset, RouteRule
from jalon.tenancy.models import Organisation

UPDATE_BATCH = 900  # ids per UPDATE ... IN (...), under SQLite's old variable limit


def own_rules(organisation: Organisation) -> list[RouteRule]:
    return list(RouteRule.objects.filter(organisation=organisation))


def rules_for(organisation: Organisation) -> list[eol.RouteRule]:
    """The organisation's rules (in position order) followed by the shipped ones. A rule that
    no longer compiles (it was valid when saved) is skipped rather than failing an import."""
    rules: list[eol.RouteRule] = []
    for row in own_rules(organisation):
        try:
            rules.append(eol.RouteRule(row.name, row.field, row.pattern, row.route, row.note))
        except eol.RuleError:
            continue
    return [*rules, *eol.default_rules()]


def assign(frame: pl.DataFrame, organisation: Organisation) -> pl.DataFrame:
    return eol.assign_routes(frame, rules_for(organisation))


def recompute(organisation: Organisation) -> int:
    """Route every asset of the organisation again with the current rules; returns how many
    assets changed route or rule. Call inside a transaction."""
    rules = rules_for(organisation)
    decided: dict[tuple[str, str, str, bool], tuple[str, str]] = {}
    moves: dict[tuple[str, str], list[int]] = defaultdict(list)
    rows = (Asset.objects.filter(organisation=organisation).order_by()
            .values_list("pk", "status", "comment", "disposal", "retirement_date", "route",
                         "route_rule"))
    for pk, status, comment, disposal, retired_on, route, rule in rows.iterator(
            chunk_size=10_000):
        key = (status, comment, disposal, retired_on is not None)
        if key not in decided:
            decided[key] = eol.route_of(status, comment, disposal, key[3], rules)
        if decided[key] != (route, rule):
            moves[decided[key]].append(pk)
    for (route, rule), ids in moves.items():
        for start in range(0, len(ids), UPDATE_BATCH):
            Asset.objects.filter(pk__in=ids[start:start + UPDATE_BATCH]).update(
                route=route, route_rule=rule)
    return sum(len(ids) for ids in moves.values())


def route_of_asset(asset: Asset) -> tuple[str, str]:
    """(route, rule) of one asset with its organisation's rules."""
    return eol.route_of(asset.status, asset.comment, asset.disposal,
                        asset.retirement_date is not None, rules_for(asset.organisation))
