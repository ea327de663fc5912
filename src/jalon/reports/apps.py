import datetime as dt

from django.apps import AppConfig

# How long a citizen's e-mail and the text of a report are kept once received: one year, the
# time to resolve it and to answer a complaint about it (CNIL, "durées de conservation",
# référentiel relations usagers). The report itself stays, anonymised, for the statistics.
REPORT_RETENTION = dt.timedelta(days=365)
# Questions asked to the FAQ assistant: three months, to measure it and improve the FAQ.
FAQ_RETENTION = dt.timedelta(days=90)


class ReportsConfig(AppConfig):
    name = "jalon.reports"
    label = "reports"
    verbose_name = "Citizen reports, AI triage under human control, FAQ assistant"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from jalon import privacy
        from jalon.kit import navigation
        from jalon.reports import publishing
        from jalon.reports.models import FaqExchange, Report
        from jalon.tenancy.capabilities import Capability

        publishing.register_all()
        navigation.register(navigation.Section(
            key="reports", label=_("Signalements"), url_name="reports:index",
            capability=Capability.READ, order=60))
        privacy.register(
            Report, fields=("email", "description", "address"), subject="email",
            retention=REPORT_RETENTION, date_field="received_at",
            on_expiry="anonymise", on_erasure="anonymise",
            purpose=_("Traiter le signalement d'un usager et l'informer de son suivi ; "
                      "l'adresse électronique est facultative."))
        privacy.register(
            FaqExchange, fields=("question",), subject=None, retention=FAQ_RETENTION,
            date_field="asked_at",
            purpose=_("Mesurer l'assistant de la FAQ (taux de réponse, renvois vers une "
                      "personne) et améliorer la FAQ à partir des questions posées."))
        privacy.register_audit(
            ("reports.report_received",), subject="email", retention=REPORT_RETENTION,
            purpose=_("Tracer le dépôt d'un signalement (formulaire public ou Open311)."))
