"""Reference file jalon-coc-2026.2 corrects three practice numbers misread in jalon-coc-2026.1
(site documentation 3.1.13 → 3.2.14, training 3.1.14 → 3.2.15, waste-heat reuse 5.6.1 →
5.7.1): the statuses follow their practice. 3.2.4 was « part-load efficiency » in 2026.1 but is
Life Cycle Assessment in the guidelines: its old statuses are kept under a number no practice
uses (« 3.2.4~2026.1 »), so they are neither lost nor taken for the new practice."""

from typing import Any

from django.db import migrations

RENUMBERED = {"3.1.13": "3.2.14", "3.1.14": "3.2.15", "5.6.1": "5.7.1", "3.2.4": "3.2.4~2026.1"}


def forwards(apps: Any, schema_editor: Any) -> None:
    status = apps.get_model("datacentres", "PracticeStatus")
    for old in ("3.2.4", "3.1.13", "3.1.14", "5.6.1"):
        new = RENUMBERED[old]
        for row in status.objects.filter(number=old):
            if not status.objects.filter(site_id=row.site_id, number=new).exists():
                row.number = new
                row.save(update_fields=["number"])


def backwards(apps: Any, schema_editor: Any) -> None:
    status = apps.get_model("datacentres", "PracticeStatus")
    for old in ("3.1.13", "3.1.14", "5.6.1", "3.2.4"):
        new = RENUMBERED[old]
        for row in status.objects.filter(number=new):
            if not status.objects.filter(site_id=row.site_id, number=old).exists():
                row.number = old
                row.save(update_fields=["number"])


class Migration(migrations.Migration):
    dependencies = [("datacentres", "0002_annex_one_information")]
    operations = [migrations.RunPython(forwards, backwards)]
