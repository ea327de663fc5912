"""The demo platform behind `jalon demo`: a database seeded with a fictitious operator, two
authorities with their inventories and one person per role, then the task worker and the web
server, stopped together on Ctrl-C.

Seeding is idempotent: running it again keeps what exists (people keep the demo password,
inventories are only imported into an organisation that has none).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEMO_PASSWORD = "Lisiere-demo-2026"
OPERATOR = {"slug": "gip-val-de-lisiere", "name": "GIP Numérique Val-de-Lisière"}
AGGLOMERATION = {
    "slug": "val-de-lisiere",
    "name": "Communauté d'agglomération Val-de-Lisière",
    "kind": "epci",
    "population": 150_000,
    "agents": 1_900,
}
COMMUNE = {
    "slug": "saint-aubin-sur-lisiere",
    "name": "Commune de Saint-Aubin-sur-Lisière",
    "kind": "commune",
    "population": 3_000,
    "agents": 25,
}
COMMUNE_DEVICES = 60


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str  # viewer, editor, admin (of the agglomeration) or "operator"

    @property
    def description(self) -> str:
        return {
            "viewer": "lecture, Communauté d'agglomération",
            "editor": "édition, Communauté d'agglomération",
            "admin": "administration, Communauté d'agglomération",
            "operator": "administration de l'opérateur (toutes ses organisations)",
        }[self.role]


DEMO_USERS = (
    DemoUser("lecteur", "Louise", "Lecomte", "viewer"),
    DemoUser("editeur", "Étienne", "Durand", "editor"),
    DemoUser("admin", "Amina", "Benali", "admin"),
    DemoUser("operateur", "Olivier", "Perrin", "operator"),
)


def setup_django(settings_module: str = "jalon.settings") -> None:
    """Configure Django for a command-line process (once)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


# --------------------------------------------------------------------------------------------
# The small commune's inventory: generated, deterministic, Jalon's canonical columns
# --------------------------------------------------------------------------------------------

_COMMUNE_FLEET = (
    # (count, category, type, manufacturer, model, site)
    (12, "laptop", "Ordinateur portable", "Lenovo", "ThinkPad L14 Gen 3", "Mairie"),
    (6, "desktop", "Unité centrale", "Dell", "OptiPlex 7010", "Mairie"),
    (14, "monitor", "Écran", "Iiyama", "ProLite XUB2492HSU", "Mairie"),
    (8, "smartphone", "Téléphone mobile", "Samsung", "Galaxy A54", "Mairie"),
    (6, "ip_phone", "Téléphone IP", "Yealink", "T43U", "Mairie"),
    (2, "copier", "Copieur multifonction", "Canon", "imageRUNNER ADVANCE C3826i", "Mairie"),
    (2, "printer", "Imprimante", "Brother", "HL-L5210DN", "Médiathèque"),
    (3, "projector", "Vidéoprojecteur", "Epson", "EB-L210SF", "École"),
    (3, "tablet", "Tablette", "Apple", "iPad 10e génération", "École"),
    (1, "server", "Serveur", "Dell", "PowerEdge T150", "Mairie"),
    (2, "switch", "Commutateur", "HPE", "Aruba 2930F", "Mairie"),
    (1, "firewall", "Pare-feu", "Stormshield", "SN310", "Mairie"),
)


def commune_rows() -> list[dict[str, Any]]:
    """Sixty devices of a 25-agent commune, the same on every run."""
    rows: list[dict[str, Any]] = []
    number = 0
    for count, category, type_, manufacturer, model, site in _COMMUNE_FLEET:
        for i in range(count):
            number += 1
            # Purchases spread over 2017-2025, a stable function of the row number.
            year = 2017 + (number * 7 + i) % 9
            month = 1 + (number * 5) % 12
            purchase = dt.date(year, month, 1 + (number * 3) % 28)
            rows.append({
                "inventory_number": f"SAL-{number:04d}",
                "name": f"{category.upper()[:3]}-{number:03d}",
                "category": category,
                "type": type_,
                "manufacturer": manufacturer,
                "model": model,
                "quantity": 1,
                "purchase_date": purchase.isoformat(),
                "commissioning_date": (purchase + dt.timedelta(days=14)).isoformat(),
                "condition": "refurbished" if category == "laptop" and number % 4 == 0
                else "new",
                "status": "En service",
                "entity": "Commune de Saint-Aubin-sur-Lisière",
                "site": site,
                "country": "FRA",
                "cpu_units": 1 if category == "server" else "",
                "cpu_cores": 8 if category == "server" else "",
                "ram_gb": 32 if category == "server" else "",
                "ssd_count": 2 if category == "server" else "",
                "ssd_capacity_gb": 480 if category == "server" else "",
            })
    return rows


def write_commune_csv(path: Path) -> Path:
    from jalon.core.readers.base import CANONICAL_COLUMNS

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CANONICAL_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for row in commune_rows():
            writer.writerow(row)
    return path


# --------------------------------------------------------------------------------------------
# Importing an inventory into an organisation
# --------------------------------------------------------------------------------------------

def _upload_for(path: Path) -> Any:
    """A file as an upload; a folder of agent inventories as a zip archive."""
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    if path.is_file():
        return SimpleUploadedFile(path.name, path.read_bytes())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(path.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(path).as_posix())
    return SimpleUploadedFile(f"{path.name}.zip", buffer.getvalue(),
                              content_type="application/zip")


def _import_with_services(organisation: Any, paths: Sequence[Path], user: Any) -> int | None:
    """Import as a person would: upload, analysis, confirmation (replace, then merge), through
    the inventory services, their tasks run inline. None when the services are unavailable."""
    try:
        from jalon.inventory import services
        from jalon.inventory.models import Asset, ImportStatus
    except ImportError:
        return None
    from django.test.utils import override_settings

    inline = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                          "QUEUES": ["default"]}}
    with override_settings(TASKS=inline):
        for index, path in enumerate(paths):
            source = services.start_import(user, organisation, _upload_for(path))
            source.refresh_from_db()
            if source.status != ImportStatus.PREVIEW:
                raise RuntimeError(f"{path.name}: analysis ended as {source.status} "
                                   f"({source.error})")
            services.confirm_import(user, source, "replace" if index == 0 else "merge")
            source.refresh_from_db()
            if source.status != ImportStatus.DONE:
                raise RuntimeError(f"{path.name}: import ended as {source.status} "
                                   f"({source.error})")
    return Asset.objects.filter(organisation=organisation).count()


def _python_value(value: Any) -> Any:
    return "" if value is None else value


def import_frame(organisation: Any, paths: Sequence[Path], user: Any,
                 batch_size: int = 5_000) -> int:
    """Read, classify and store the inventory files as assets (one import record).

    The fallback when the inventory services have no synchronous import: the same reader and
    classifier as the engine, then `bulk_create`.
    """
    import hashlib

    from django.db import transaction
    from django.utils import timezone

    from jalon.core.classify import classify
    from jalon.core.readers import read_inventory
    from jalon.inventory.models import Asset, ImportStatus, InventoryImport
    from jalon.tenancy.models import Organisation

    result = read_inventory(list(paths))
    frame = classify(result.frame)
    report = result.report
    digest = hashlib.sha256()
    size = 0
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                data = file.read_bytes()
                digest.update(data)
                size += len(data)
    fields = {f.name for f in Asset._meta.get_fields() if hasattr(f, "column")}
    columns = [c for c in frame.columns if c in fields and c not in ("source", "line")]
    nullable = {f.name for f in Asset._meta.get_fields()
                if hasattr(f, "column") and getattr(f, "null", False)}
    with transaction.atomic():
        record = InventoryImport.objects.create(
            organisation=organisation, uploaded_by=user,
            file_name=", ".join(p.name for p in paths)[:255], stored_path=str(paths[0]),
            sha256=digest.hexdigest(), size=size, status=ImportStatus.DONE, progress=100,
            formats=sorted(set(getattr(report, "formats", []) or [])),
            counts={"read": frame.height, "used": frame.height,
                    "unclassified": int(frame.get_column("category").is_null().sum())},
            problem_count=len(report.problems), finished_at=timezone.now())
        Asset.objects.filter(organisation=organisation).delete()
        batch: list[Asset] = []
        for row in frame.iter_rows(named=True):
            values = {c: (row[c] if c in nullable else _python_value(row[c])) for c in columns}
            if values.get("quantity") in ("", None):
                values["quantity"] = 1
            if values.get("condition") in ("", None):
                values["condition"] = "new"
            if values.get("is_virtual") in ("", None):
                values["is_virtual"] = False
            batch.append(Asset(organisation=organisation, source_import=record,
                               source_line=row["line"], **values))
            if len(batch) >= batch_size:
                Asset.objects.bulk_create(batch)
                batch = []
        if batch:
            Asset.objects.bulk_create(batch)
        Organisation.objects.filter(pk=organisation.pk).update(
            inventory_version=organisation.inventory_version + 1)
    return frame.height


def import_inventory(organisation: Any, paths: Sequence[Path], user: Any,
                     say: Callable[[str], None] = lambda _m: None) -> int:
    """Through the inventory services when they work, else straight from the core's reader."""
    try:
        count = _import_with_services(organisation, paths, user)
    except Exception as exc:  # the services are young: the demo must still start
        say(f"  import par les services impossible ({exc}) ; import direct")
        count = None
    if count is None:
        count = import_frame(organisation, paths, user)
    return count


# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------

@dataclass
class SeedReport:
    created: list[str]
    imported: dict[str, int]


def seed(*, data_dir: Path, say: Callable[[str], None] = lambda _m: None,
         agglomeration_paths: Sequence[Path] | None = None) -> SeedReport:
    """Create the demo operator, organisations, people and inventories when missing."""
    from django.contrib.auth import get_user_model

    from jalon.core.demo import demo_paths
    from jalon.inventory.models import Asset
    from jalon.tenancy.models import Membership, Operator, OperatorAdmin, Organisation

    report = SeedReport(created=[], imported={})
    operator, made = Operator.objects.get_or_create(slug=OPERATOR["slug"],
                                                    defaults={"name": OPERATOR["name"]})
    if made:
        report.created.append(f"opérateur {operator.name}")
    organisations = {}
    for spec in (AGGLOMERATION, COMMUNE):
        defaults = {k: v for k, v in spec.items() if k != "slug"}
        organisation, made = Organisation.objects.get_or_create(
            slug=spec["slug"], defaults={**defaults, "operator": operator})
        if made:
            report.created.append(f"organisation {organisation.name}")
        organisations[spec["slug"]] = organisation
    agglomeration = organisations[AGGLOMERATION["slug"]]

    User = get_user_model()
    people = {}
    for person in DEMO_USERS:
        user, made = User.objects.get_or_create(
            username=person.username,
            defaults={"first_name": person.first_name, "last_name": person.last_name,
                      "email": f"{person.username}@val-de-lisiere.example"})
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save()
            report.created.append(f"compte {person.username}")
        people[person.username] = user
        if person.role == "operator":
            OperatorAdmin.objects.get_or_create(user=user, operator=operator)
        else:
            Membership.objects.get_or_create(user=user, organisation=agglomeration,
                                             defaults={"role": person.role})

    inventories = {
        AGGLOMERATION["slug"]: list(agglomeration_paths or demo_paths()),
        COMMUNE["slug"]: [write_commune_csv(data_dir / "demo" / "saint-aubin-inventaire.csv")],
    }
    for slug, paths in inventories.items():
        organisation = organisations[slug]
        if Asset.objects.filter(organisation=organisation).exists():
            continue
        say(f"Import de l'inventaire de {organisation.name}…")
        started = time.perf_counter()
        count = import_inventory(organisation, paths, people["admin"], say)
        report.imported[slug] = count
        say(f"  {count} équipements en {time.perf_counter() - started:.1f} s")
    return report


# --------------------------------------------------------------------------------------------
# Running the worker and the server together
# --------------------------------------------------------------------------------------------

def jalon_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "jalon.cli", *args]


def run_processes(commands: dict[str, list[str]], env: dict[str, str],
                  say: Callable[[str], None], ready: Callable[[], None] | None = None,
                  grace: float = 10.0) -> int:
    """Start the commands, wait until one stops or Ctrl-C, then stop them all cleanly."""
    procs: dict[str, subprocess.Popen[bytes]] = {}
    code = 0

    def on_term(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        for name, command in commands.items():
            # Own process group: Ctrl-C reaches us only, and we stop the children in order.
            procs[name] = subprocess.Popen(command, env=env, start_new_session=True)
        if ready is not None:
            ready()
        while True:
            for name, proc in procs.items():
                status = proc.poll()
                if status is not None:
                    say(f"{name} s'est arrêté (code {status}) ; arrêt des autres processus.")
                    code = status or 1
                    raise StopIteration
            time.sleep(0.5)
    except KeyboardInterrupt:
        say("Arrêt demandé : arrêt du serveur et du worker…")
    except StopIteration:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return code


def wait_for_http(url: str, timeout: float = 30.0) -> bool:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.3)
    return False
