from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "jalon.feedback"
    label = "feedback"
    verbose_name = "Users' feedback on digital services"

    def ready(self) -> None:
        import datetime as dt

        from django.utils.translation import gettext_lazy as _

        from jalon import privacy
        from jalon.feedback import publishing
        from jalon.feedback.models import Response
        from jalon.kit import navigation
        from jalon.tenancy.capabilities import Capability

        publishing.register_all()
        navigation.register(navigation.Section(
            key="feedback", label=_("Avis des usagers"), url_name="feedback:index",
            capability=Capability.READ, order=40))
        # Answers are anonymous; a free comment may still name someone despite the notice.
        # Comments are kept two years (enough for year-on-year comparison), then blanked; the
        # answers to the closed questions stay (they are not personal data).
        privacy.register(
            Response, name="feedback.response", fields=("comment", "answers.verbatim"),
            subject=None,
            retention=dt.timedelta(days=730), date_field="received_at",
            on_expiry="anonymise", on_erasure="anonymise",
            purpose=_("Avis des usagers sur les services numériques : le commentaire libre "
                      "peut contenir des données personnelles malgré la consigne."))
        privacy.register_audit(
            ("feedback.answer_received",), subject=None, retention=dt.timedelta(days=90),
            purpose=_("Trace de la réception d'un avis (ses réponses, dont le commentaire), "
                      "conservée 90 jours pour le contrôle des abus."))
