"""The daily work of the personal-data domain as a django-tasks task (the worker runs it;
`jalon manage gdpr_daily` does the same from a timer, see docs/gdpr.md): purge Jalon's own
personal data past its retention (jalon.privacy, recorded in gdpr.PurgeRecord), compute the
purges due in the organisations' other systems, and send the deadline reminders."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from jalon.gdpr import services
from jalon.tenancy.models import Organisation


def run_daily() -> dict[str, Any]:
    purged = services.run_purge()
    tasks = sum(len(services.generate_purge_tasks(org)) for org in Organisation.objects.all())
    reminders = services.send_reminders().sent
    return {"purged": purged, "purge_tasks": tasks, "reminders": len(reminders)}


@task()
def gdpr_daily() -> dict[str, Any]:
    return run_daily()
