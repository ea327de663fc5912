"""The vocabulary shared by every part of the footprint engine.

Categories, criteria and phases are the keys of the JSON contract (docs/json-output.md):
changing one is a breaking change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final


class Category(StrEnum):
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    THIN_CLIENT = "thin_client"
    WORKSTATION = "workstation"
    MONITOR = "monitor"
    SMARTPHONE = "smartphone"
    TABLET = "tablet"
    IP_PHONE = "ip_phone"
    PRINTER = "printer"
    COPIER = "copier"
    SCANNER = "scanner"
    PROJECTOR = "projector"
    DISPLAY = "display"
    SERVER = "server"
    STORAGE = "storage"
    SWITCH = "switch"
    ROUTER = "router"
    WIFI_AP = "wifi_ap"
    FIREWALL = "firewall"
    VIRTUAL_MACHINE = "virtual_machine"


CATEGORIES: Final[tuple[str, ...]] = tuple(c.value for c in Category)

# Devices that run around the clock in a technical room or data centre: their use phase
# follows the 24/7 profile and is multiplied by the PUE of the room (see docs/methodology.md).
DATA_CENTRE_CATEGORIES: Final[frozenset[str]] = frozenset(
    {"server", "storage", "switch", "router", "firewall"}
)


class Criterion(StrEnum):
    GWP = "gwp"
    ADPE = "adpe"
    PE = "pe"
    WU = "wu"


CRITERIA: Final[tuple[str, ...]] = tuple(c.value for c in Criterion)

UNITS: Final[dict[str, str]] = {
    "gwp": "kgCO2e",
    "adpe": "kgSbeq",
    "pe": "MJ",
    "wu": "m3",
}


class Phase(StrEnum):
    MANUFACTURE = "manufacture"
    DISTRIBUTION = "distribution"
    USE = "use"
    END_OF_LIFE = "end_of_life"


PHASES: Final[tuple[str, ...]] = tuple(p.value for p in Phase)
EMBODIED_PHASES: Final[tuple[str, ...]] = ("manufacture", "distribution", "end_of_life")


class Condition(StrEnum):
    """How a device entered the estate (AGEC art. 58 distinguishes reuse from recycled content)."""

    NEW = "new"
    REFURBISHED = "refurbished"
    REUSED = "reused"


CONDITIONS: Final[tuple[str, ...]] = tuple(c.value for c in Condition)


@dataclass(frozen=True, slots=True)
class Problem:
    """A value the engine could not use, located as a person would find it in the file.

    `line` is the physical line in the file, the header being line 1; for one-device-per-file
    formats (FusionInventory, GLPI-Agent) it is the line of the offending element, or 0 when the
    whole file is concerned.
    """

    source: str
    line: int
    column: str
    value: str
    message: str
    # For a message built from a template: the template (English, `{name}` placeholders) and
    # its values, so that an interface can show it in its own language (the message is the
    # English text the command line prints). Constant messages leave both empty.
    template: str = ""
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, source: str, line: int, column: str, value: str, template: str, /,
           **params: object) -> Problem:
        """A problem whose message is `template` filled with `params`."""
        texts = tuple((k, str(v)) for k, v in params.items())
        return cls(source, line, column, value, template.format(**dict(texts)), template, texts)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(slots=True)
class ReadReport:
    """What reading produced besides the table: counts and problems, per the JSON contract."""

    read: int = 0
    problems: list[Problem] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    # Headers Jalon recognises but does not use (warranty end, serial number...): header ->
    # what it is (a key of readers.tabular.UNUSED_COLUMNS). Said by name, never dropped in
    # silence; their mapping is "ignore".
    unused: dict[str, str] = field(default_factory=dict)

    def extend(self, other: ReadReport) -> None:
        self.read += other.read
        self.problems.extend(other.problems)
        self.formats.extend(f for f in other.formats if f not in self.formats)
        self.mapping.update(other.mapping)
        self.unused.update(other.unused)


# Statuses asset tools use for devices that have left service (GLPI's are free text).
RETIRED_STATUS: Final = (
    r"rebut|r[ée]form|hors[- ]service|\bh\.?s\b\.?|retir|sorti|c[ée]d[ée]|donn[ée]|vendu|"
    r"d[ée]truit|recycl"
)
