"""The periodic purge as a django-tasks task (the worker runs it; `jalon manage
purge_personal_data` does the same from a timer, see docs/personal-data.md)."""

from __future__ import annotations

from django_tasks import task

from jalon.privacy.services import purge_expired


@task()
def purge_personal_data() -> dict[str, int]:
    return purge_expired()
