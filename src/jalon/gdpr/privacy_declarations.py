"""The personal data this domain stores, declared in jalon.privacy (docs/personal-data.md):
requesters' identity and their requests' documents, and the keyed hashes of trained agents.
Also plugs the purge records (gdpr.services.record_purge) into jalon.privacy's purge.

Retention of requests: the CNIL's guidance on the exercise of rights keeps a request and its
answer for the time of possible litigation; Jalon keeps them five years after receipt
(civil limitation period, Code civil art. 2224), then deletes the row with its documents.
Attendance hashes are kept six years, the span of two strategies' training targets.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.utils.translation import gettext_lazy as _

REQUEST_RETENTION: Final = dt.timedelta(days=5 * 365 + 1)
ATTENDANCE_RETENTION: Final = dt.timedelta(days=6 * 365 + 1)


def declare() -> None:
    from jalon import privacy
    from jalon.gdpr.models import DataSubjectRequest, TrainingAttendance

    privacy.register(
        DataSubjectRequest, name="gdpr.datasubjectrequest",
        fields=("requester_name", "requester_email", "description", "answer"),
        subject="requester_email", retention=REQUEST_RETENTION, date_field="created_at",
        on_expiry="delete", on_erasure="keep",
        purpose=_("Traiter les demandes d'exercice des droits et prouver la réponse apportée "
                  "dans le délai (art. 12 et 5.2 du RGPD) ; supprimées avec leurs pièces "
                  "jointes cinq ans après réception. Une demande d'effacement ne les efface "
                  "pas : elles prouvent que la demande a été traitée."))
    privacy.register(
        TrainingAttendance, name="gdpr.trainingattendance", fields=("agent_hash",),
        subject=None, retention=ATTENDANCE_RETENTION, date_field="imported_at",
        organisation_field="campaign__organisation", on_expiry="delete",
        purpose=_("Compter les agents formés sans conserver leur identité (empreinte à clé "
                  "du matricule, par organisation)."))
    from jalon.gdpr.services import record_purge

    privacy.on_purge(record_purge)
