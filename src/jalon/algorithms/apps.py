from datetime import timedelta

from django.apps import AppConfig


class AlgorithmsConfig(AppConfig):
    name = "jalon.algorithms"
    label = "algorithms"
    verbose_name = "Register of algorithms and AI systems"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from jalon import privacy
        from jalon.algorithms import publishing
        from jalon.algorithms.models import Contest
        from jalon.kit import navigation
        from jalon.tenancy.capabilities import Capability

        publishing.register_all()
        navigation.register(navigation.Section(
            key="algorithms", label=_("Algorithmes et IA"), url_name="algorithms:index",
            capability=Capability.READ, order=120))
        # What a person sends from the public register page (their name and address are
        # optional): kept two years, the time to review it and answer any follow-up (CRPA
        # L311-3-1 communication of rules on request).
        retention = timedelta(days=730)
        purpose = _("Examiner les signalements d'erreur et les contestations de décisions "
                    "envoyés depuis le registre public des algorithmes, et y répondre.")
        privacy.register(Contest, fields=("name", "email", "message"), subject="email",
                         retention=retention, date_field="received_at", purpose=purpose)
        privacy.register_audit(("algorithms.contest_received",), subject="email",
                               retention=retention, purpose=purpose)
