"""The throttling counters of public forms: one row per accepted submission, shared by every
server process. The client's address is never stored, only a salted hash of it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from jalon.tenancy.models import Organisation


class SubmissionHit(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(max_length=40)
    address_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"{self.domain} @ {self.at:%Y-%m-%d %H:%M}"
