from django.apps import AppConfig


class KitConfig(AppConfig):
    """What every domain's pages share: number and date formatting, SVG charts, shared labels,
    the accessible form mixin, generic create/edit/delete views, template filters and the CSP
    middleware. Imports no domain."""

    name = "jalon.kit"
    label = "kit"
    verbose_name = "Shared page kit"
