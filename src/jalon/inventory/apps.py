from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "jalon.inventory"
    label = "inventory"

    def ready(self) -> None:
        from jalon.inventory import publishing

        publishing.register()
        _register_first_step()


def _register_first_step() -> None:
    # The first step of a new organisation's checklist (dashboard): an inventory to compute from.
    from django.utils.translation import gettext_lazy as _

    from jalon.kit.navigation import FirstStep, register_first_step
    from jalon.tenancy.capabilities import Capability
    from jalon.tenancy.models import Organisation

    def done(organisation: Organisation) -> bool:
        from jalon.inventory.models import Asset

        return Asset.objects.filter(organisation=organisation).exists()

    register_first_step(FirstStep("inventory", _("Importer l'inventaire du parc"),
                                  "inventory:imports", done,
                                  Capability.EDIT_INVENTORY, order=10))
