"""What an operator (a GIP, a syndicate, a département's digital agency) does for its member
organisations: strategy templates and shared indicator definitions it publishes to them
(/operator/strategy/), the comparison of a member with anonymised peers of the same operator
(/o/<org_slug>/strategy/peers/), and the operator's dashboard of its members
(/operator/dashboard/: devices, footprint per agent, strategy status, last activity, the
consolidated footprint; dashboard.py), which also reads the inventory and footprint models.

Depends on strategy (indicator definitions, values and the StrategyTemplate model), tenancy
(operators, organisations, scope, audit) and accounts (form helpers); strategy does not depend
on it. The models it writes stay in the strategy app: a member's strategy is built from a
StrategyTemplate (strategy.services.create_from_template) and follows IndicatorDefinition rows,
so moving them here would make strategy import operators and need a table move (migrations
renaming strategy_strategytemplate) for no gain. Indicator definitions are created by
strategy.services.create_definition, the one service for every owner.
"""
