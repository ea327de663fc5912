"""Background work: a campaign's browser passes, run by `jalon worker` (tests run tasks
inline). A scheduled campaign is enqueued with `run_after` (the queue defers it:
django-tasks-db, or RQ's scheduler in `jalon worker`)."""

from __future__ import annotations

from django_tasks import task

from jalon.audits import services


@task()
def run_campaign(campaign_id: int) -> int:
    """Audit every page of the campaign; returns the number of pages audited."""
    return services.execute_campaign(campaign_id).done_pages
