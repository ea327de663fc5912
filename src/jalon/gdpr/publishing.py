"""What the personal-data domain publishes (GdprConfig.ready): the register of processing
activities as open data (Table Schema CSV in the DCAT catalogue) and as a public page, a
section of the public home and of the annual report, and the strategy's computed indicators.

Only the register is published, with the fields the organisation chose (gdpr.register);
requests, breaches and trainings are published only as aggregate indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, cast

from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.core import gdpr_deadlines as clock
from jalon.core.sovereignty import under_eu_jurisdiction
from jalon.gdpr import register, selectors
from jalon.gdpr.models import (
    CLOSED_STATUSES,
    HostingProfile,
    TrainingAttendance,
    TrainingCampaign,
    TrainingTopic,
)
from jalon.gdpr.services import TOPIC
from jalon.publishing.indicators import as_of, yearly_value, years
from jalon.publishing.registry import (
    ComputedValue,
    Context,
    Dataset,
    DatasetGroup,
    Domain,
    IndicatorSource,
    PublicSection,
    ReportSection,
    Row,
)
from jalon.publishing.registry import register as publish
from jalon.tenancy.models import Organisation


def _lazy(text: Any) -> str:
    return cast(str, text)


DOMAIN: Final = "gdpr"
SCHEMA: Final = Path(__file__).resolve().parent / "schemas" / "register.schema.json"
ON_TIME_KEY: Final = "gdpr_requests_answered_on_time_share"
EU_JURISDICTION_KEY: Final = "gdpr_personal_data_eu_jurisdiction_share"
TRAINING_KEYS: Final = {TrainingTopic.CYBERSECURITY: "gdpr_training_cybersecurity_coverage",
                        TrainingTopic.GDPR: "gdpr_training_gdpr_coverage",
                        TrainingTopic.AI: "gdpr_training_ai_coverage",
                        TrainingTopic.RESPONSIBLE_DIGITAL:
                            "gdpr_training_responsible_digital_coverage"}
TRAINING_LABELS: Final = {
    TrainingTopic.CYBERSECURITY: _lazy(_("Part des agents formés à la cybersécurité")),
    TrainingTopic.GDPR: _lazy(_("Part des agents formés au RGPD")),
    TrainingTopic.AI: _lazy(_("Part des agents formés à l'intelligence artificielle")),
    TrainingTopic.RESPONSIBLE_DIGITAL: _lazy(_("Part des agents formés au numérique "
                                               "responsable")),
}
RETENTION_KEY: Final = "gdpr_register_structured_retention_share"


# --- Open data ---------------------------------------------------------------------------------

def register_rows(organisation: Organisation) -> Iterable[Row]:
    shown = register.published_fields(organisation)
    for activity in register.public_activities(organisation):
        yield register.open_data_row(activity, shown)


def modified(organisation: Organisation) -> dt.datetime:
    latest = selectors.activities(organisation).aggregate(latest=Max("updated_at"))["latest"]
    return cast(dt.datetime, latest or organisation.created_at)


def has_register(organisation: Organisation) -> bool:
    return selectors.activities(organisation).filter(published=True).exclude(
        status="draft").exists()


# --- Public home and report --------------------------------------------------------------------

def public_context(organisation: Organisation, request: HttpRequest) -> Context | None:
    count = len(list(register.public_activities(organisation)))
    if not count:
        return None
    return {"activity_count": count, "organisation": organisation}


def report_context(organisation: Organisation, year: int) -> Context | None:
    today = timezone.localdate()
    day = as_of(year, today)
    acts = selectors.activities(organisation).filter(
        Q(created_on__isnull=True) | Q(created_on__lte=day)).exclude(status="draft")
    on_time = _on_time(organisation, year, today)
    if not acts.exists() and on_time is None:
        return None
    trainings = []
    for topic, label in TrainingTopic.choices:
        coverage = _coverage(organisation, topic, day)
        if coverage is not None:
            trainings.append({"label": label, "value": coverage[0], "trained": coverage[1],
                              "concerned": coverage[2]})
    return {"year": year, "as_of": day, "activities": acts.count(),
            "on_time": on_time, "trainings": trainings}


# --- Indicators ---------------------------------------------------------------------------------

def _on_time(organisation: Organisation, year: int, today: dt.date
             ) -> tuple[float, int, int] | None:
    """Requests whose final due date falls in `year` (up to today): share answered by it.
    An open request past its due date counts as not answered in time."""
    day = as_of(year, today)
    total = on_time = 0
    for request in selectors.requests(organisation).prefetch_related("request_pauses"):
        deadline = clock.deadline(request.received_on, pauses=request.pauses(),
                                  extended=bool(request.extension_informed_on), today=day)
        due = deadline.final_due_on
        if due.year != year or due > day:
            continue
        if request.status == "withdrawn":
            continue
        total += 1
        answered = request.answered_on if request.status in CLOSED_STATUSES else None
        if answered is not None and answered <= due:
            on_time += 1
    if not total:
        return None
    return 100.0 * on_time / total, on_time, total


def requests_on_time(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    out = []
    for year in years(today):
        result = _on_time(organisation, year, today)
        if result is not None:
            share, on_time, total = result
            out.append(yearly_value(year, share, {"due_in_year": total,
                                                  "answered_in_time": on_time}, today))
    return out


def eu_jurisdiction(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Share of processing activities (in force, with a hosting profile) whose data are stored
    in the EU/EEA by a provider not exposed to non-EU law. Only the current value: profiles
    have no history."""
    profiles = list(HostingProfile.objects.filter(
        organisation=organisation, activity__isnull=False).exclude(activity__status="ended"))
    if not profiles:
        return []
    inside = sum(1 for p in profiles if under_eu_jurisdiction(p.facts()))
    return [yearly_value(today.year, 100.0 * inside / len(profiles),
                         {"activities_profiled": len(profiles), "under_eu_jurisdiction": inside},
                         today)]


def _coverage(organisation: Organisation, topic: str, day: dt.date
              ) -> tuple[float, int, int] | None:
    campaigns = TrainingCampaign.objects.filter(organisation=organisation, topic=topic,
                                                starts_on__lte=day)
    concerned = campaigns.aggregate(n=Max("agents_concerned"))["n"]
    if not concerned:
        return None
    trained = (TrainingAttendance.objects.filter(campaign__in=campaigns)
               .filter(Q(attended_on__isnull=True) | Q(attended_on__lte=day))
               .values("agent_hash").distinct().count())
    return min(100.0, 100.0 * trained / concerned), trained, concerned


def training_coverage(topic: str) -> Any:
    def compute(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
        out = []
        for year in years(today):
            coverage = _coverage(organisation, topic, as_of(year, today))
            if coverage is not None:
                out.append(yearly_value(year, coverage[0], {"trained": coverage[1],
                                                            "concerned": coverage[2]}, today))
        return out
    compute.__name__ = f"coverage_{topic}"
    return compute


def structured_retention(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    acts = list(selectors.activities(organisation).filter(status="active"))
    if not acts:
        return []
    done = sum(1 for a in acts if a.retention_value is not None)
    return [yearly_value(today.year, 100.0 * done / len(acts),
                         {"activities": len(acts), "with_retention": done}, today)]


def register_all() -> None:
    trainings = [
        IndicatorSource(
            key, DOMAIN, TRAINING_LABELS[topic], "%",
            training_coverage(topic), listens=(TOPIC,),
            description=_lazy(_("Agents distincts présents à au moins une session des "
                                "campagnes du thème (feuilles d'émargement importées), sur le "
                                "nombre d'agents concernés.")))
        for topic, key in TRAINING_KEYS.items()]
    publish(
        Domain(DOMAIN, _lazy(_("Données personnelles")),
               _lazy(_("Le registre des traitements de données personnelles (champs choisis), "
                       "en page publique et en données ouvertes.")), order=60),
        DatasetGroup(
            "registre-rgpd", DOMAIN, "Registre des traitements de données personnelles",
            "Le registre des activités de traitement tenu au titre de l'article 30 du RGPD : "
            "finalités, base légale, catégories de personnes et de données, destinataires, "
            "durées de conservation, selon les champs que la collectivité publie.",
            keywords=("RGPD", "données personnelles", "registre des traitements",
                      "protection des données"), order=60),
        Dataset(
            "registre-traitements", "registre-rgpd", "Registre des activités de traitement",
            "Une ligne par traitement ; un champ que la collectivité ne publie pas est vide.",
            SCHEMA, register_rows, modified, available=has_register, order=60),
        PublicSection("gdpr", DOMAIN, _lazy(_("Protection des données personnelles")),
                      "gdpr/public_section.html", public_context,
                      url_name="gdpr_public:register", order=60),
        ReportSection("gdpr", _lazy(_("Données personnelles")), "gdpr/report_section.html",
                      report_context, domain=DOMAIN, order=60),
        IndicatorSource(
            ON_TIME_KEY, DOMAIN,
            _lazy(_("Part des demandes d'exercice de droits répondues dans le délai légal")),
            "%", requests_on_time, listens=(TOPIC,),
            description=_lazy(_("Demandes dont l'échéance (un mois, ou trois s'il y a eu "
                                "prolongation, art. 12.3 du RGPD ; règlement 1182/71) tombe "
                                "dans l'année : part répondue au plus tard à l'échéance."))),
        IndicatorSource(
            EU_JURISDICTION_KEY, DOMAIN,
            _lazy(_("Part des traitements de données personnelles hébergés sous juridiction "
                    "européenne")), "%", eu_jurisdiction, listens=(TOPIC,),
            description=_lazy(_("Traitements en vigueur dont l'hébergement est renseigné : "
                                "données stockées dans l'UE/EEE par un prestataire non soumis "
                                "à un droit extra-européen."))),
        IndicatorSource(
            RETENTION_KEY, DOMAIN,
            _lazy(_("Part des traitements avec une durée de conservation structurée")), "%",
            structured_retention, listens=(TOPIC,),
            description=_lazy(_("Traitements en vigueur du registre dont la durée, "
                                "l'événement de départ et le sort final sont renseignés."))),
        *trainings,
    )


def activities_using_algorithm(system: Any) -> list[tuple[str, str]]:
    """The processing activities of the register that use an algorithm of the register of
    algorithms (GDPR art. 30 record ↔ CRPA register), for the algorithm's page."""
    from django.urls import reverse

    from jalon.gdpr.models import ProcessingActivity

    rows = ProcessingActivity.objects.filter(organisation_id=system.organisation_id,
                                             algorithms=system).order_by("name")
    return [(row.name, reverse("gdpr:activity", args=[row.organisation.slug, row.pk]))
            for row in rows.select_related("organisation")]
