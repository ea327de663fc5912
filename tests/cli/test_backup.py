"""`jalon backup` / `jalon restore` as an administrator runs them (real processes, real data
folders and databases): a restore into an empty site gives back every row of every model, every
timestamp to the microsecond, the uploads and the secret key — on SQLite and on PostgreSQL.

The source site is the demo (`jalon.demo_site.seed`: every domain's data, uploaded inventories).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from jalon import backup as backups

# These tests start their own sites on both engines, whatever database the suite runs on: the
# suite's PostgreSQL pass (DATABASE_URL set, `make test-postgres`) would only repeat them.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="backups are tested on SQLite and PostgreSQL by the default pass of the suite")

PG_BASE = os.environ.get("JALON_TEST_PG_BASE", "postgres://postgres@127.0.0.1:5432")
TIMEOUT = 900

# Every row of every model (auto-created many-to-many tables included), by primary key, each
# value as repr(): a datetime keeps its microseconds, a Decimal its digits, bytes their content.
DUMP = """
import datetime, json, sys
from jalon.demo_site import setup_django
setup_django()
from django.apps import apps
tables, stamps, micro = {}, 0, 0
for model in sorted(apps.get_models(include_auto_created=True), key=lambda m: m._meta.label):
    fields = [f.attname for f in model._meta.concrete_fields]
    rows = []
    for row in model._base_manager.order_by("pk").values_list(*fields):
        values = []
        for value in row:
            if isinstance(value, (bytes, memoryview)):
                value = bytes(value).hex()
            if isinstance(value, datetime.datetime):
                stamps += 1
                micro += value.microsecond % 1000 != 0
            values.append(repr(value))
        rows.append(values)
    tables[model._meta.label] = {"table": model._meta.db_table, "rows": rows}
json.dump({"tables": tables, "timestamps": stamps, "sub_millisecond": micro}, sys.stdout)
"""

SEED = """
import os
from pathlib import Path
from jalon.demo_site import setup_django
setup_django()
from jalon import demo_site
demo_site.seed(data_dir=Path(os.environ["JALON_DATA_DIR"]))
"""


def _env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "JALON_SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env["JALON_DATA_DIR"] = str(data_dir)
    env["JALON_CACHE_DIR"] = ""
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def jalon(env: dict[str, str], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).parent / "jalon"), *map(str, args)],
                          env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          check=False)


def python(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def one_line(text: str) -> str:
    return " ".join(text.split())


def make_source(env: dict[str, str]) -> None:
    migrated = jalon(env, "manage", "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    python(env, SEED)


def assert_identical(source: dict[str, str], target: dict[str, str]) -> None:
    before = json.loads(python(source, DUMP))
    after = json.loads(python(target, DUMP))
    assert sorted(before["tables"]) == sorted(after["tables"])
    for label, table in before["tables"].items():
        assert after["tables"][label]["rows"] == table["rows"], label
    # The demo fills most models, and its timestamps carry microseconds (a copy through
    # dumpdata would have cut them to milliseconds and failed the comparison above).
    filled = [label for label, table in before["tables"].items() if table["rows"]]
    assert len(filled) >= 40
    assert before["sub_millisecond"] > 100
    assert before["timestamps"] == after["timestamps"]
    source_dir, target_dir = Path(source["JALON_DATA_DIR"]), Path(target["JALON_DATA_DIR"])
    assert (target_dir / "secret_key").read_bytes() == (source_dir / "secret_key").read_bytes()
    assert oct((target_dir / "secret_key").stat().st_mode & 0o777) == "0o600"
    uploads = sorted(p.relative_to(source_dir / "uploads")
                     for p in (source_dir / "uploads").rglob("*") if p.is_file())
    assert len(uploads) > 3
    assert sorted(p.relative_to(target_dir / "uploads")
                  for p in (target_dir / "uploads").rglob("*") if p.is_file()) == uploads
    for relative in uploads:
        assert ((target_dir / "uploads" / relative).read_bytes()
                == (source_dir / "uploads" / relative).read_bytes())


# --------------------------------------------------------------------------------------------
# SQLite
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory) -> tuple[dict[str, str], Path]:
    source = _env(tmp_path_factory.mktemp("source"))
    make_source(source)
    archive = tmp_path_factory.mktemp("backups") / "site.tar"
    done = jalon(source, "backup", archive)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(archive)  # stdout: the archive's path, nothing else
    return source, archive


def test_sqlite_restore_into_an_empty_folder_is_exact(sqlite_backup, tmp_path):
    source, archive = sqlite_backup
    target = _env(tmp_path / "restored")
    done = jalon(target, "restore", archive)
    assert done.returncode == 0, done.stderr
    said = one_line(done.stderr)
    assert "Sauvegarde restaurée" in said and "sommes SHA-256 vérifiées" in said
    assert "clé secrète : restaurée" in said
    assert_identical(source, target)
    # The restored site is up to date: nothing left to migrate.
    check = jalon(target, "manage", "migrate", "--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_archive_holds_a_manifest_with_checksums(sqlite_backup):
    _source, archive = sqlite_backup
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names[0] == "manifest.json"
    assert manifest["engine"] == "sqlite" and manifest["format"] == 1
    assert manifest["jalon_version"]
    assert manifest["created_at"].endswith("+00:00")
    assert "0001_initial" in manifest["migrations"]["tenancy"]
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert {"database.sqlite3", "secret_key"} <= set(names)
    assert any(name.startswith("uploads/") for name in names)
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert oct(archive.stat().st_mode & 0o777) == "0o600"


def test_restore_refuses_a_site_holding_data_unless_forced(sqlite_backup, tmp_path):
    source, archive = sqlite_backup
    target = _env(tmp_path / "busy")
    first = jalon(target, "restore", archive)
    assert first.returncode == 0, first.stderr
    again = jalon(target, "restore", archive)
    assert again.returncode == 1
    assert "n'est pas vide" in one_line(again.stderr) and "--force" in one_line(again.stderr)
    assert "Traceback" not in again.stderr
    forced = jalon(target, "restore", archive, "--force")
    assert forced.returncode == 0, forced.stderr
    assert_identical(source, target)


def _tampered(archive: Path, into: Path, change) -> Path:
    """A copy of the archive with one member changed by change(name, data) -> data."""
    out = into / "tampered.tar"
    with tarfile.open(archive) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def test_a_corrupted_archive_restores_nothing(sqlite_backup, tmp_path):
    _source, archive = sqlite_backup

    def flip(name: str, data: bytes) -> bytes:
        return data[:-1] + bytes([data[-1] ^ 1]) if name == "database.sqlite3" else data

    broken = _tampered(archive, tmp_path, flip)
    target_dir = tmp_path / "target"
    done = jalon(_env(target_dir), "restore", broken)
    assert done.returncode == 1
    assert "database.sqlite3 est corrompu" in one_line(done.stderr)
    assert "Rien n'a été restauré" in one_line(done.stderr)
    assert not (target_dir / "uploads").exists()
    database = target_dir / "jalon.sqlite3"
    if database.exists():  # opened (empty) by the emptiness check, never written
        db = sqlite3.connect(database)
        try:
            assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
        finally:
            db.close()


def test_a_backup_from_a_newer_jalon_is_refused(sqlite_backup, tmp_path):
    _source, archive = sqlite_backup

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["jalon_version"] = "99.0"
        manifest["migrations"]["tenancy"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    done = jalon(_env(tmp_path / "target"), "restore", _tampered(archive, tmp_path, newer))
    assert done.returncode == 1
    said = one_line(done.stderr)
    assert "version plus récente de Jalon (99.0)" in said
    assert "tenancy.9999_from_the_future" in said


def test_an_older_backup_restores_and_says_what_to_migrate(sqlite_backup, tmp_path):
    _source, archive = sqlite_backup
    # A backup made before the last migration of an app: the restore says to migrate.
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    last = manifest["migrations"]["tenancy"][-1]

    def older(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest["migrations"]["tenancy"].remove(last)
        return json.dumps(manifest).encode()

    done = jalon(_env(tmp_path / "target"), "restore", _tampered(archive, tmp_path, older))
    assert done.returncode == 0, done.stderr
    assert "jalon manage migrate" in one_line(done.stderr)


def test_not_an_archive(tmp_path):
    bogus = tmp_path / "bogus.tar"
    bogus.write_text("pas une archive", encoding="utf-8")
    done = jalon(_env(tmp_path / "target"), "restore", bogus)
    assert done.returncode == 1
    assert "n'est pas une sauvegarde Jalon lisible" in one_line(done.stderr)


# --------------------------------------------------------------------------------------------
# PostgreSQL client programs: found, or a clear error
# --------------------------------------------------------------------------------------------

def _fake_program(folder: Path, name: str, version: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n", encoding="utf-8")
    script.chmod(0o755)


def test_pg_dump_absent_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("JALON_PG_BIN", raising=False)
    monkeypatch.setattr(backups, "DEBIAN_PG", tmp_path / "none")
    with pytest.raises(backups.BackupError, match=r"pg_dump est introuvable.*postgresql-client"):
        backups.find_pg_program("pg_dump", 15)


def test_pg_dump_older_than_the_server_is_a_clear_error(tmp_path, monkeypatch):
    _fake_program(tmp_path / "old", "pg_dump", "13.9")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("JALON_PG_BIN", str(tmp_path / "old"))
    monkeypatch.setattr(backups, "DEBIAN_PG", tmp_path / "none")
    with pytest.raises(backups.BackupError, match=r"trop ancien.*version 15.*version 13"):
        backups.find_pg_program("pg_dump", 15)


def test_the_newest_debian_pg_dump_is_chosen(tmp_path, monkeypatch):
    for major in ("13", "16", "15"):
        _fake_program(tmp_path / "lib" / major / "bin", "pg_dump", f"{major}.2")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("JALON_PG_BIN", raising=False)
    monkeypatch.setattr(backups, "DEBIAN_PG", tmp_path / "lib")
    assert backups.find_pg_program("pg_dump", 15) == tmp_path / "lib" / "16" / "bin" / "pg_dump"


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------

def _psql(sql: str) -> None:
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql is not installed")
    done = subprocess.run([psql, f"{PG_BASE}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
                          capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0 and ("could not connect" in done.stderr
                                 or "Connection refused" in done.stderr):
        pytest.skip(f"PostgreSQL is not reachable at {PG_BASE}")
    assert done.returncode == 0, done.stderr


def _fresh_database(name: str) -> str:
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{name}"')
    return f"{PG_BASE}/{name}"


def test_postgresql_restore_into_another_database_is_exact(tmp_path):
    source = _env(tmp_path / "source", _fresh_database("jalon_ops_src"))
    make_source(source)
    archive = tmp_path / "site.tar"
    done = jalon(source, "backup", archive)
    assert done.returncode == 0, done.stderr
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        assert "database.pgdump" in tar.getnames()
    assert manifest["engine"] == "postgresql"
    assert manifest["postgresql"]["pg_dump_major"] >= manifest["postgresql"]["server_major"]

    target = _env(tmp_path / "restored", _fresh_database("jalon_ops_dst"))
    restored = jalon(target, "restore", archive)
    assert restored.returncode == 0, restored.stderr
    assert_identical(source, target)

    # A database holding data is refused, then replaced whole with --force.
    refused = jalon(target, "restore", archive)
    assert refused.returncode == 1 and "n'est pas vide" in one_line(refused.stderr)
    forced = jalon(target, "restore", archive, "--force")
    assert forced.returncode == 0, forced.stderr
    assert_identical(source, target)

    # An SQLite backup does not go into a PostgreSQL site.
    sqlite_site = _env(tmp_path / "sqlite")
    assert jalon(sqlite_site, "restore", archive).returncode == 1
