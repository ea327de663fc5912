from django.apps import AppConfig


class PublicFormsConfig(AppConfig):
    name = "jalon.publicforms"
    label = "publicforms"
    verbose_name = "Public forms: anonymous writes"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from jalon import privacy
        from jalon.publicforms import throttle
        from jalon.publicforms.models import SubmissionHit

        privacy.register(
            SubmissionHit, name="publicforms.submissionhit", fields=("address_hash",),
            subject="address_hash", subject_transform=throttle.address_hash,
            retention=throttle.retention, date_field="at",
            purpose=_("Limiter le nombre d'envois des formulaires publics, par adresse IP (une "
                      "empreinte salée de l'adresse, jamais l'adresse elle-même) et par "
                      "organisation."))
