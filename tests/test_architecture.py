"""Checks that keep the house standing (the rest are import contracts run by `make lint`;
docs/architecture.md lists every rule beside its check): the core stays pure, models and
migrations are in step, tests build organisations and people through the factories."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests import paths

CORE = paths.ROOT / "src" / "jalon" / "core"
FORBIDDEN = ("django", "jalon.cli", "jalon.web", "typer", "rich", "ninja")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_framework():
    offenders = {
        str(path.relative_to(CORE)): sorted(
            m for m in imported_modules(path)
            if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))
        for path in CORE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_models_and_migrations_are_in_step(db):
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# Models that tests make through tests/factories.py, never by hand.
FACTORY_MADE = ("Operator", "Organisation", "Membership", "OperatorAdmin", "Publication",
                "ApiToken", "Asset", "DigitalService", "InventoryImport", "LifecycleEvent")


def test_tests_build_organisations_and_people_through_factories():
    hand_built = re.compile(
        r"\b(?:" + "|".join(FACTORY_MADE) + r")\.objects\.(?:create|get_or_create|"
        r"update_or_create|bulk_create)\(|\.create_user\(|\.create_superuser\(")
    offenders = [
        f"{path.relative_to(paths.ROOT)}:{number}"
        for path in sorted((paths.ROOT / "tests").rglob("*.py"))
        if path.name != "factories.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hand_built.search(line)
    ]
    assert offenders == [], "use tests/factories.py: " + ", ".join(offenders)
