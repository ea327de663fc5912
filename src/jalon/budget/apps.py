from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "jalon.budget"
    label = "budget"
    verbose_name = "Digital spending and its green-budget rating"

    def ready(self) -> None:
        from jalon.budget import publishing
        from jalon.kit import navigation
        from jalon.tenancy.capabilities import Capability

        publishing.register_all()
        navigation.register(navigation.Section(
            key="budget", label=_("Budget vert"), url_name="budget:index",
            capability=Capability.READ, order=70))
