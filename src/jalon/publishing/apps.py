from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "jalon.publishing"
    label = "publishing"
    verbose_name = "Publishing: public pages, open data, annual report, indicators"

    def ready(self) -> None:
        _register_first_step()
        _forget_published_on_change()


def _forget_published_on_change() -> None:
    # The fast path's index of what each organisation publishes (publishing/fastpath.py).
    from django.db.models.signals import post_delete, post_save

    from jalon import events
    from jalon.publishing import fastpath
    from jalon.tenancy.models import Organisation, Publication

    for model in (Organisation, Publication):
        post_save.connect(fastpath.forget_after_change, sender=model,
                          dispatch_uid=f"publishing-fastpath-{model.__name__}-save")
        post_delete.connect(fastpath.forget_after_change, sender=model,
                            dispatch_uid=f"publishing-fastpath-{model.__name__}-delete")
    events.subscribe(events.INVENTORY, fastpath.forget)  # the inventory version moved on


def _register_first_step() -> None:
    # Last step of a new organisation's checklist (dashboard): publish what it measured.
    from django.utils.translation import gettext_lazy as _

    from jalon.kit.navigation import FirstStep, register_first_step
    from jalon.tenancy.capabilities import Capability
    from jalon.tenancy.models import Organisation

    def done(organisation: Organisation) -> bool:
        from jalon.tenancy.models import Publication

        return Publication.objects.filter(organisation=organisation, published=True).exists()

    register_first_step(FirstStep("publish", _("Publier l'empreinte ou la stratégie"),
                                  "publishing:publication", done, Capability.PUBLISH,
                                  order=30))
