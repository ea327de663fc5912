"""Servers: embodied impact and power from their configuration, through Boavizta's model.

Boavizta's bottom-up server model (CPU die, RAM, SSD/HDD, power supply, case, assembly; source
Umweltbundesamt "Green Cloud Computing" 2021) is used through the `boaviztapi` package rather than
re-implemented. It is called once per distinct configuration, never per device, and results are
cached on disk keyed by the boaviztapi version and the configuration, because importing
boaviztapi alone takes about 3.5 s (pandas, FastAPI, pydantic).

Boavizta's embedded impact is manufacture only (its own warning: "End of life is not included
in the calculation"); it has no distribution phase either. Jalon keeps that gap visible: servers
have a `manufacture` phase and a `use` phase, nothing invented for the others.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Final

import polars as pl

from jalon.core.model import CRITERIA

CONFIG_COLUMNS: Final = ("cpu_units", "cpu_cores", "ram_gb", "ssd_count", "ssd_capacity_gb",
                         "hdd_count", "hdd_capacity_gb")
# Boavizta's water criterion for servers is "generic data" and negative (a characterisation
# with credits), not a water consumption: left out, as for terminals (docs/reference-data.md).
BOAVIZTA_CRITERIA: Final = {"gwp": "gwp", "adpe": "adpe", "pe": "pe"}
SOURCE: Final = "Boavizta API bottom-up server model (boaviztapi {version}), AGPL-3.0"
# Average CPU workload of an authority's own servers, in %. Boavizta's default (50 %) is a
# cloud host's; NRDC's Data Center Efficiency Assessment (IP:14-08-A, August 2014) found that
# "average server utilization remained static between 12 and 18 percent" in the small and
# enterprise server rooms that local authorities run. The central value takes 15 %; the range
# runs from Boavizta's low bound at 10 % to its high bound at its own 50 % default.
WORKLOAD: Final = (15.0, 10.0, 50.0)
CACHE_VERSION: Final = "2"


@dataclass(frozen=True, slots=True)
class ServerImpact:
    key: str
    embodied: dict[str, tuple[float, float, float]]  # criterion -> (value, min, max), manufacture
    power_w: tuple[float, float, float]  # average power (value, min, max)
    lifespan_hours: float


def config_key(row: dict[str, Any]) -> str:
    """A stable text key for a configuration; unknown parts stay unknown ('-')."""
    parts = []
    for column in CONFIG_COLUMNS:
        value = row.get(column)
        parts.append("-" if value is None else f"{float(value):g}")
    return "server:" + "/".join(parts)


def boavizta_version() -> str:
    try:
        return metadata.version("boaviztapi")
    except metadata.PackageNotFoundError:
        return "absent"


def _cache_path() -> Path | None:
    root = os.environ.get("JALON_CACHE_DIR")
    if root == "":
        return None
    base = Path(root) if root else Path(os.environ.get("XDG_CACHE_HOME",
                                                        Path.home() / ".cache")) / "jalon"
    return base / f"boavizta-servers-{boavizta_version()}-v{CACHE_VERSION}.json"


def _load_cache() -> dict[str, Any]:
    path = _cache_path()
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_cache(cache: dict[str, Any]) -> None:
    path = _cache_path()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(cache, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only home only costs speed


def boavizta_server_body(row: dict[str, Any], workload: float | None = None) -> dict[str, Any]:
    """The Boavizta `Server` body for a configuration; missing parts are left to its archetype."""
    configuration: dict[str, Any] = {}
    if row.get("cpu_units") or row.get("cpu_cores"):
        cpu: dict[str, Any] = {}
        if row.get("cpu_units"):
            cpu["units"] = int(row["cpu_units"])
        if row.get("cpu_cores"):
            cpu["core_units"] = int(row["cpu_cores"])
        configuration["cpu"] = cpu
    if row.get("ram_gb"):
        configuration["ram"] = [{"units": 1, "capacity": round(float(row["ram_gb"]))}]
    disks = []
    if row.get("ssd_count"):
        disk = {"units": int(row["ssd_count"]), "type": "ssd"}
        if row.get("ssd_capacity_gb"):
            disk["capacity"] = round(float(row["ssd_capacity_gb"]))
        disks.append(disk)
    if row.get("hdd_count"):
        disk = {"units": int(row["hdd_count"]), "type": "hdd"}
        if row.get("hdd_capacity_gb"):
            disk["capacity"] = round(float(row["hdd_capacity_gb"]))
        disks.append(disk)
    if disks:
        configuration["disk"] = disks
    body: dict[str, Any] = {"model": {"type": "rack"}, "configuration": configuration}
    if workload is not None:
        body["usage"] = {"time_workload": workload}
    return body


def _import_boavizta() -> None:
    from boaviztapi.compute.impacts_computation import compute_single_impact  # noqa: F401
    from boaviztapi.dto.device.device import mapper_server  # noqa: F401


def prefetch_boavizta() -> threading.Thread | None:
    """Start importing boaviztapi (about 3.5 s) on another thread while the inventory is read.

    Only when the disk cache is empty: with a warm cache, Boavizta is not needed at all for the
    configurations already seen. Polars releases the GIL while it parses, so on a machine with
    two cores or more the import costs no wall-clock time.
    """
    if _load_cache():
        return None
    thread = threading.Thread(target=_import_boavizta, name="boavizta-import", daemon=False)
    thread.start()
    return thread


def compute_with_boavizta(row: dict[str, Any]) -> ServerImpact:
    """One call to Boavizta's model for one configuration (embedded impacts, average power)."""
    from boaviztapi import config as bconfig
    from boaviztapi.compute.impacts_computation import compute_single_impact
    from boaviztapi.data.archetype import get_server_archetype
    from boaviztapi.dto.device import Server
    from boaviztapi.dto.device.device import mapper_server

    archetype = get_server_archetype(bconfig.default_server)

    def device_at(workload: float) -> Any:
        body = Server.model_validate(boavizta_server_body(row, workload))
        return mapper_server(body, archetype=archetype)

    device = device_at(WORKLOAD[0])
    hours = float(device.usage.hours_life_time.value)
    embodied: dict[str, tuple[float, float, float]] = {}
    for ours, theirs in BOAVIZTA_CRITERIA.items():
        impact = compute_single_impact(device, "embedded", theirs, duration=hours)
        if impact is not None:
            embodied[ours] = (float(impact.value), float(impact.min), float(impact.max))
    power = device.model_power_consumption()
    low = device_at(WORKLOAD[1]).model_power_consumption()
    high = device_at(WORKLOAD[2]).model_power_consumption()
    return ServerImpact(config_key(row), embodied,
                        (float(power.value), float(low.min), float(high.max)), hours)


def resolve_servers(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """Add `factor_key` to server rows and build their factor rows, one per configuration.

    Returns (one row per configuration: factor_key, `<criterion>__manufacture__<stat>` and
    `power__<stat>`; the configurations Boavizta refused, with its message).
    """
    servers = frame.filter(pl.col("category") == "server")
    configs = servers.select(CONFIG_COLUMNS).unique(maintain_order=True)
    cache = _load_cache()
    rows: list[dict[str, Any]] = []
    failures: list[tuple[str, str]] = []
    changed = False
    for config in configs.iter_rows(named=True):
        key = config_key(config)
        if key not in cache:
            try:
                impact = compute_with_boavizta(config)
            except Exception as exc:  # pydantic or model errors on an odd configuration
                # Keep computing: Boavizta's generic server stands in, and the gap is said.
                failures.append((key, str(exc).splitlines()[0]))
                impact = compute_with_boavizta({})
                impact = ServerImpact(key, impact.embodied, impact.power_w, impact.lifespan_hours)
            cache[key] = {"embodied": impact.embodied, "power_w": impact.power_w,
                          "lifespan_hours": impact.lifespan_hours}
            changed = True
        entry = cache[key]
        record: dict[str, Any] = {"factor_key": key, **config}
        for criterion in CRITERIA:
            value = entry["embodied"].get(criterion)
            for i, stat in enumerate(("value", "min", "max")):
                record[f"{criterion}__manufacture__{stat}"] = float(value[i]) if value else 0.0
        for i, stat in enumerate(("value", "min", "max")):
            record[f"power__{stat}"] = float(entry["power_w"][i])
        rows.append(record)
    if changed and not failures:
        _save_cache(cache)
    table = pl.DataFrame(rows) if rows else pl.DataFrame()
    return table, failures


def server_source() -> str:
    return SOURCE.format(version=boavizta_version())
