"""The bundled demo inventory of the fictitious Communauté d'agglomération Val-de-Lisière."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def demo_dir() -> Path:
    return Path(str(resources.files("jalon.data").joinpath("demo")))


def demo_paths() -> list[Path]:
    """The GLPI export of the whole estate and the folder of GLPI-Agent server inventories."""
    root = demo_dir()
    return [root / "val-de-lisiere-glpi.csv", root / "servers"]
