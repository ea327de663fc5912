"""Backups that restore exactly: `jalon backup` and `jalon restore`.

A backup is one tar file holding what a Jalon site is made of, and nothing else:

    manifest.json        Jalon version, database engine, applied migrations, SHA-256 and
                         size of every other member, creation time (UTC)
    database.sqlite3     SQLite: a consistent copy made by SQLite's online backup API
                         (sqlite3.Connection.backup) while the site keeps running
    database.pgdump      PostgreSQL: pg_dump's custom format (one snapshot, restored by
                         pg_restore in one transaction)
    secret_key           JALON_DATA_DIR/secret_key (sessions, password-reset links and signed
                         values stay valid after a restore)
    uploads/…            JALON_DATA_DIR/uploads (the inventory files as uploaded)

Why not `manage.py dumpdata`: its JSON cuts timestamps to milliseconds, leaves the uploads and
the secret key out, and is slow on large tables. Both engines' own tools copy values bit for bit.

The restore checks everything before touching anything (checksums, format, migrations known
to this version of Jalon, an empty target unless forced), then replaces the database in one
step (a file renamed into place, or one PostgreSQL transaction) and the files after it.
Messages are in French: they are read by the authority's administrator.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Final

FORMAT: Final = 1
MANIFEST: Final = "manifest.json"
SQLITE_MEMBER: Final = "database.sqlite3"
PG_MEMBER: Final = "database.pgdump"
SECRET_MEMBER: Final = "secret_key"  # noqa: S105  # a file name, not a secret
UPLOADS_MEMBER: Final = "uploads"
CHUNK: Final = 1 << 20
# Debian installs each PostgreSQL major's client programs in a folder of its own.
DEBIAN_PG = Path("/usr/lib/postgresql")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do (French)."""


@dataclass
class Outcome:
    """What a backup or restore did, for the command line to print."""

    path: Path
    engine: str
    tables: int = 0
    rows: int = 0
    uploads: int = 0
    upload_bytes: int = 0
    secret_key: bool = False
    archive_bytes: int = 0
    notes: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# What the site is made of (from Django's settings)
# --------------------------------------------------------------------------------------------

def _settings() -> Any:
    from django.conf import settings

    return settings


def engine_name() -> str:
    engine = _settings().DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Moteur de base de données non pris en charge : {engine} "
                      "(Jalon sauvegarde SQLite et PostgreSQL).")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _applied_migrations_live() -> dict[str, list[str]]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    return _group(recorder.applied_migrations())


def _group(pairs: Any) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for app, name in sorted(pairs):
        grouped.setdefault(app, []).append(name)
    return grouped


def _count_rows() -> tuple[int, int]:
    """Tables and rows of every model (auto-created many-to-many tables included)."""
    from django.apps import apps

    tables = rows = 0
    for model in apps.get_models(include_auto_created=True):
        tables += 1
        rows += model._base_manager.using("default").count()
    return tables, rows


# --------------------------------------------------------------------------------------------
# PostgreSQL client programs
# --------------------------------------------------------------------------------------------

def _pg_major(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    if not match:
        raise BackupError(f"Version de PostgreSQL illisible : {text!r}.")
    return int(match.group(1))


def find_pg_program(name: str, at_least: int) -> Path:
    """pg_dump or pg_restore, of a major version at least `at_least` (a dump is read only by a
    pg_restore as new as the pg_dump that wrote it, and pg_dump refuses a newer server).

    Looked up in JALON_PG_BIN, then PATH, then Debian's /usr/lib/postgresql/<major>/bin."""
    candidates: list[Path] = []
    if folder := os.environ.get("JALON_PG_BIN"):
        candidates.append(Path(folder) / name)
    if found := shutil.which(name):
        candidates.append(Path(found))
    debian = sorted(DEBIAN_PG.glob(f"*/bin/{name}"),
                    key=lambda p: _pg_major(p.parent.parent.name) if
                    p.parent.parent.name.isdigit() else 0, reverse=True)
    candidates.extend(debian)
    seen: list[str] = []
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            version = subprocess.run(  # noqa: S603  # a PostgreSQL program, no shell
                [str(candidate), "--version"], capture_output=True, text=True, check=True,
                timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        major = _pg_major(version.rsplit(" ", 1)[-1])
        if major >= at_least:
            return candidate
        seen.append(f"{candidate} (version {major})")
    if not seen:
        raise BackupError(
            f"{name} est introuvable : installez les outils clients de PostgreSQL "
            f"{at_least} ou plus récents (Debian : apt-get install postgresql-client-{at_least}"
            "), ou indiquez leur dossier dans JALON_PG_BIN.")
    raise BackupError(
        f"{name} est trop ancien : il faut la version {at_least} ou plus récente "
        f"(trouvé : {', '.join(seen)}). Installez postgresql-client-{at_least} ou indiquez "
        "le dossier de la bonne version dans JALON_PG_BIN (ex. /usr/lib/postgresql/"
        f"{at_least}/bin).")


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL client programs, from Django's settings; the
    password goes through the environment, never the command line (visible to `ps`)."""
    db = _settings().DATABASES["default"]
    args: list[str] = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS", {})
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return [*args, "--no-password"], env


def _pg_server_major() -> int:
    from django.db import connection

    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603  # argument list built here, no shell
        command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} a échoué (code {result.returncode}) : "
                          f"{result.stderr.strip() or result.stdout.strip()}")


# --------------------------------------------------------------------------------------------
# Backup
# --------------------------------------------------------------------------------------------

def default_path(now: dt.datetime) -> Path:
    return Path.cwd() / f"jalon-sauvegarde-{now:%Y%m%dT%H%M%SZ}.tar"


def _snapshot_sqlite(target: Path) -> dict[str, list[str]]:
    """Copy the live SQLite database page by page (online backup API: readers and the writer
    carry on; the copy is one consistent state, WAL content included)."""
    name = Path(_settings().DATABASES["default"]["NAME"])
    if not name.exists():
        raise BackupError(f"La base SQLite {name} n'existe pas : rien à sauvegarder "
                          "(JALON_DATA_DIR est-il le bon dossier ?).")
    source = sqlite3.connect(name)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        has_table = copy.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                                 "name='django_migrations'").fetchone()
        pairs = copy.execute("SELECT app, name FROM django_migrations").fetchall() \
            if has_table else []
    finally:
        copy.close()
        source.close()
    return _group(pairs)


def _dump_postgres(target: Path) -> tuple[dict[str, list[str]], dict[str, Any]]:
    server = _pg_server_major()
    pg_dump = find_pg_program("pg_dump", server)
    args, env = _pg_env()
    # The migrations are read before the dump: a migration applied in between would show in
    # the dump but not the manifest, and the restore would then offer to apply it again — run
    # backups while no upgrade is in progress (docs/deployment.md).
    migrations = _applied_migrations_live()
    _run([str(pg_dump), *args, "--format=custom", "--no-owner", "--no-privileges",
          "--file", str(target), "--dbname", str(_settings().DATABASES["default"]["NAME"])],
         env, "pg_dump")
    version = subprocess.run([str(pg_dump), "--version"],  # noqa: S603  # found above
                             capture_output=True, text=True, check=True).stdout.strip()
    return migrations, {"server_major": server, "pg_dump": version,
                        "pg_dump_major": _pg_major(version.rsplit(" ", 1)[-1])}


def create_backup(path: Path | None = None, *,
                  now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> Outcome:
    """Write the backup archive to `path` (a folder gets a dated file name inside it); the
    archive appears complete or not at all (written beside, then renamed)."""
    settings = _settings()
    created = now()
    if path is None:
        path = default_path(created)
    elif path.is_dir():
        path = path / default_path(created).name
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(f"Le dossier {path.parent} n'existe pas : créez-le ou choisissez un "
                          "autre chemin pour la sauvegarde.")
    data_dir = Path(settings.DATA_DIR)
    upload_dir = Path(settings.UPLOAD_DIR)
    engine = engine_name()
    outcome = Outcome(path=path, engine=engine)
    with tempfile.TemporaryDirectory(prefix=".jalon-backup-", dir=path.parent) as work:
        work_dir = Path(work)
        files: dict[str, dict[str, Any]] = {}
        manifest: dict[str, Any] = {
            "format": FORMAT, "application": "jalon",
            "jalon_version": _version(), "engine": engine,
            "created_at": created.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        }
        if engine == "sqlite":
            database = work_dir / SQLITE_MEMBER
            manifest["migrations"] = _snapshot_sqlite(database)
        else:
            database = work_dir / PG_MEMBER
            manifest["migrations"], manifest["postgresql"] = _dump_postgres(database)
        outcome.tables, outcome.rows = _count_rows()
        manifest["tables"], manifest["rows"] = outcome.tables, outcome.rows
        members: list[tuple[str, Path]] = [(database.name, database)]
        secret = data_dir / "secret_key"
        if secret.is_file():
            members.append((SECRET_MEMBER, secret))
            outcome.secret_key = True
            if os.environ.get("JALON_SECRET_KEY"):
                outcome.notes.append(
                    f"JALON_SECRET_KEY est défini : la clé en service n'est pas {secret}, "
                    "qui est pourtant sauvegardé ; conservez aussi JALON_SECRET_KEY à part.")
        elif os.environ.get("JALON_SECRET_KEY"):
            outcome.notes.append("La clé secrète vient de JALON_SECRET_KEY : elle n'est pas "
                                 "dans la sauvegarde ; conservez-la à part.")
        if upload_dir.is_dir():
            for file in sorted(p for p in upload_dir.rglob("*") if p.is_file()):
                relative = file.relative_to(upload_dir).as_posix()
                members.append((f"{UPLOADS_MEMBER}/{relative}", file))
                outcome.uploads += 1
                outcome.upload_bytes += file.stat().st_size
        for name, source in members:
            files[name] = {"sha256": _sha256(source), "size": source.stat().st_size}
        manifest["files"] = files
        manifest_path = work_dir / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                 encoding="utf-8")
        partial = work_dir / "archive.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            archive.add(manifest_path, MANIFEST, recursive=False)
            for name, source in members:
                archive.add(source, name, recursive=False)
        # The archive holds the secret key and personal data: readable by its owner only.
        partial.chmod(0o600)
        os.replace(partial, path)
    outcome.archive_bytes = path.stat().st_size
    outcome.manifest = manifest
    return outcome


def _version() -> str:
    from jalon import __version__

    return __version__


# --------------------------------------------------------------------------------------------
# Restore
# --------------------------------------------------------------------------------------------

@contextmanager
def _opened(path: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    if not path.is_file():
        raise BackupError(f"{path} : fichier introuvable.")
    try:
        archive = tarfile.open(path, "r:*")  # noqa: SIM115  # closed by the with below
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} n'est pas une sauvegarde Jalon lisible (archive tar "
                          f"attendue) : {exc}.") from exc
    with archive:
        try:
            member = archive.extractfile(MANIFEST)
        except KeyError:
            member = None
        if member is None:
            raise BackupError(f"{path} : {MANIFEST} manque ; ce n'est pas une sauvegarde "
                              "faite par « jalon backup ».")
        try:
            manifest = json.loads(member.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BackupError(f"{path} : {MANIFEST} est illisible ({exc}).") from exc
        if manifest.get("application") != "jalon" or manifest.get("format") != FORMAT:
            raise BackupError(f"{path} : format de sauvegarde {manifest.get('format')!r} "
                              f"inconnu de cette version de Jalon (format {FORMAT} attendu).")
        yield archive, manifest


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name == pure.as_posix()


def _extract_verified(archive: tarfile.TarFile, manifest: dict[str, Any], into: Path,
                      path: Path) -> None:
    """Extract every member the manifest lists, checking its size and SHA-256 as it is
    written; anything else in the archive is an error (nothing is silently left out)."""
    files: dict[str, dict[str, Any]] = manifest.get("files", {})
    names = {m.name: m for m in archive.getmembers()}
    unexpected = sorted(set(names) - set(files) - {MANIFEST})
    if unexpected:
        raise BackupError(f"{path} : fichiers non déclarés dans le manifeste : "
                          f"{', '.join(unexpected[:5])}. La sauvegarde a été modifiée.")
    for name, expected in files.items():
        member = names.get(name)
        if member is None or not member.isfile() or not _safe_name(name):
            raise BackupError(f"{path} : {name} manque ou n'est pas un fichier ordinaire. "
                              "La sauvegarde est incomplète ; utilisez-en une autre.")
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle = archive.extractfile(member)
        if handle is None:  # pragma: no cover  # a regular file, checked above
            raise BackupError(f"{path} : {name} est illisible.")
        with handle, target.open("wb") as out:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected.get("sha256") or size != expected.get("size"):
            raise BackupError(
                f"{path} : {name} est corrompu (somme SHA-256 ou taille différente de celle du "
                "manifeste). Rien n'a été restauré ; utilisez une autre copie de la sauvegarde.")


def _check_migrations(manifest: dict[str, Any]) -> list[str]:
    """Refuse a backup made by a newer Jalon (a migration this code does not know); return the
    migrations this code has that the backup lacks (applied by `jalon manage migrate`)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True, load=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    applied = {(app, name) for app, names in manifest.get("migrations", {}).items()
               for name in names}
    unknown = sorted(applied - known)
    # Django's own apps' migrations follow Django's version, not Jalon's: only the apps
    # installed here matter (a removed app's migrations are harmless leftovers).
    installed = {app_config.label for app_config in _installed_apps()}
    unknown = [(app, name) for app, name in unknown if app in installed]
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"Cette sauvegarde vient d'une version plus récente de Jalon "
            f"({manifest.get('jalon_version')}) : migrations inconnues ici : {listed}. "
            f"Installez Jalon {manifest.get('jalon_version')} ou plus récent, puis "
            "recommencez. Rien n'a été restauré.")
    pending = []
    for key in sorted(loader.graph.nodes):
        migration = loader.graph.nodes[key]
        replaced = {(key[0], name) for name in migration.replaces}
        if key[0] in installed and key not in applied and not (replaced
                                                               and replaced <= applied):
            pending.append(f"{key[0]}.{key[1]}")
    return pending


def _installed_apps() -> list[Any]:
    from django.apps import apps

    return list(apps.get_app_configs())


def _database_is_empty() -> bool:
    from django.db import connection

    return not [t for t in connection.introspection.table_names() if t]


def _restore_sqlite(extracted: Path, force: bool) -> None:
    from django.db import connections

    name = Path(_settings().DATABASES["default"]["NAME"])
    copy = sqlite3.connect(extracted / SQLITE_MEMBER)
    try:
        check = copy.execute("PRAGMA integrity_check").fetchone()
    finally:
        copy.close()
    if not check or check[0] != "ok":
        raise BackupError(f"La base SQLite de la sauvegarde est endommagée ({check}). "
                          "Rien n'a été restauré.")
    connections.close_all()
    name.parent.mkdir(parents=True, exist_ok=True)
    staged = name.with_name(name.name + ".restauration")
    shutil.copyfile(extracted / SQLITE_MEMBER, staged)
    # The old write-ahead log belongs to the old file: replayed on the restored one it would
    # corrupt it. The site must be stopped during a restore (docs/deployment.md).
    for suffix in ("-wal", "-shm", "-journal"):
        name.with_name(name.name + suffix).unlink(missing_ok=True)
    os.replace(staged, name)
    del force  # checked by the caller; the rename replaces the file either way


def _restore_postgres(extracted: Path, manifest: dict[str, Any], force: bool) -> None:
    from django.db import connection, connections

    needed = int(manifest.get("postgresql", {}).get("pg_dump_major", 0))
    pg_restore = find_pg_program("pg_restore", max(needed, _pg_server_major()))
    aside = "jalon_avant_restauration"
    if force:
        # Whatever was there is set aside whole (objects of a newer schema would otherwise
        # survive beside the restored ones: pg_restore --clean drops only what the dump holds),
        # then dropped once the restore succeeded, or put back if it failed.
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {aside} CASCADE")
            cursor.execute(f"ALTER SCHEMA public RENAME TO {aside}")
            cursor.execute("CREATE SCHEMA public")
    connections.close_all()
    args, env = _pg_env()
    try:
        _run([str(pg_restore), *args, "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "--dbname", str(_settings().DATABASES["default"]["NAME"]),
              str(extracted / PG_MEMBER)], env, "pg_restore")
    except BackupError:
        if force:
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute(f"ALTER SCHEMA {aside} RENAME TO public")
        raise
    if force:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {aside} CASCADE")
    connections.close_all()


def _replace_folder(staged: Path, target: Path) -> None:
    if target.exists():
        old = target.with_name(target.name + ".ancien")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(staged, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staged, target)


def restore_backup(path: Path, *, force: bool = False) -> Outcome:
    """Restore the archive into this site (JALON_DATA_DIR and DATABASE_URL)."""
    settings = _settings()
    path = path.resolve()
    engine = engine_name()
    data_dir = Path(settings.DATA_DIR)
    upload_dir = Path(settings.UPLOAD_DIR)
    with _opened(path) as (archive, manifest):
        if manifest.get("engine") != engine:
            raise BackupError(
                f"Cette sauvegarde est une base {manifest.get('engine')}, ce site utilise "
                f"{engine} : restaurez-la sur un site {manifest.get('engine')} (DATABASE_URL), "
                "puis migrez les données avec les outils de Django si besoin.")
        pending = _check_migrations(manifest)
        has_uploads = upload_dir.is_dir() and any(p.is_file() for p in upload_dir.rglob("*"))
        if not force and (not _database_is_empty() or has_uploads):
            raise BackupError(
                "La cible n'est pas vide (la base de données contient des tables, ou "
                f"{upload_dir} des fichiers). Restaurer remplacerait ces données : relancez "
                "avec --force pour les remplacer, ou restaurez dans un dossier et une base "
                "vides.")
        with tempfile.TemporaryDirectory(prefix=".jalon-restore-", dir=data_dir) as work:
            extracted = Path(work)
            _extract_verified(archive, manifest, extracted, path)
            if engine == "sqlite":
                _restore_sqlite(extracted, force)
            else:
                _restore_postgres(extracted, manifest, force)
            outcome = Outcome(path=path, engine=engine, manifest=manifest)
            files = manifest.get("files", {})
            staged_uploads = extracted / UPLOADS_MEMBER
            staged_uploads.mkdir(exist_ok=True)
            outcome.uploads = sum(1 for n in files if n.startswith(UPLOADS_MEMBER + "/"))
            outcome.upload_bytes = sum(v["size"] for n, v in files.items()
                                       if n.startswith(UPLOADS_MEMBER + "/"))
            _replace_folder(staged_uploads, upload_dir)
            if SECRET_MEMBER in files:
                secret = data_dir / "secret_key"
                staged = extracted / SECRET_MEMBER
                staged.chmod(0o600)
                os.replace(staged, secret)
                outcome.secret_key = True
                if os.environ.get("JALON_SECRET_KEY"):
                    outcome.notes.append(
                        "JALON_SECRET_KEY est défini : il prime sur la clé secrète restaurée "
                        f"({secret}). Retirez-le pour utiliser celle de la sauvegarde.")
            else:
                outcome.notes.append("La sauvegarde ne contient pas de clé secrète (elle "
                                     "venait de JALON_SECRET_KEY) : définissez la même ici.")
    outcome.tables, outcome.rows = _count_rows()
    if pending:
        outcome.notes.append(
            f"{len(pending)} migration(s) de cette version de Jalon ne sont pas encore "
            "appliquées à la base restaurée : lancez « jalon manage migrate ».")
    return outcome
