"""The core stays pure: no Django, no command line, no web framework."""

from __future__ import annotations

import ast
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
