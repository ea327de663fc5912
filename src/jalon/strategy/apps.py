from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "jalon.strategy"
    label = "strategy"
    verbose_name = "REEN strategy, indicators and reports"

    def ready(self) -> None:
        from jalon import events
        from jalon.strategy import publishing
        from jalon.strategy.tasks import on_change

        publishing.register()
        _register_first_step()
        # Other domains link their records to the strategy's actions (a saved footprint
        # scenario) without importing the strategy: jalon.kit.related.
        from jalon.kit import related
        from jalon.strategy.selectors import action_choices

        related.register_choices("strategy.action", action_choices)
        # After a change that an IndicatorSource listens to (the inventory, the catalogue...),
        # recompute the computed indicators, once the footprint's own subscriber has run.
        events.subscribe_any(on_change)


def _register_first_step() -> None:
    # Second step of a new organisation's checklist (dashboard): a strategy, from a template.
    from django.utils.translation import gettext_lazy as _

    from jalon.kit.navigation import FirstStep, register_first_step
    from jalon.tenancy.capabilities import Capability
    from jalon.tenancy.models import Organisation

    def done(organisation: Organisation) -> bool:
        from jalon.strategy.models import Strategy

        return Strategy.objects.filter(organisation=organisation).exists()

    register_first_step(FirstStep("strategy", _("Choisir un modèle de stratégie"),
                                  "strategy:create", done, Capability.EDIT_STRATEGY, order=20))
