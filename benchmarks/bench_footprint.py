"""`make bench`: the footprint of 1,000,000 devices, and Boavizta per device, in the same run.

Measures (medians of repeated runs, same machine, same moment):
1. the whole process `jalon footprint inventory-1m.csv --format json`, cold (no server cache:
   boaviztapi is imported and called once per distinct server configuration) and warm;
   peak memory (max RSS) of the process;
2. inside one process: reading the file, and computing the footprint once it is read;
3. Boavizta's own per-device computation through the boaviztapi package (the fastest way to
   use it: no HTTP), on the categories it covers, extrapolated to the same 1,000,000 devices;
   the ratio of the two; and a check that the numbers agree where data and assumptions are
   the same (a laptop and a server, one year of a 5- and a 4-year life).

Targets (issue 2): whole process <= 10 s, < 2 GB; ratio >= 1,000.
Writes the figures to benchmarks/results.json and prints a Markdown table.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "inventory-1m.csv"
N_DEVICES = 1_000_000
RUNS = 3


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def run_process(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss


def whole_process() -> dict[str, float]:
    jalon = str(Path(sys.executable).parent / "jalon")
    args = [jalon, "footprint", str(DATA), "--year", "2025", "--format", "json"]
    cold, warm, rss = [], [], []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "JALON_CACHE_DIR": cache}
            seconds, kb = run_process(args, env)
            cold.append(seconds)
            rss.append(kb)
            seconds, kb = run_process(args, env)
            warm.append(seconds)
            rss.append(kb)
    return {"cold_s": statistics.median(cold), "warm_s": statistics.median(warm),
            "max_rss_mb": max(rss) / 1024}


def in_process() -> dict[str, float]:
    from jalon.core.engine import Options, compute
    from jalon.core.factors import load_factor_set
    from jalon.core.readers import read_inventory

    factors = load_factor_set()
    reads, computes = [], []
    result = None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = read_inventory([DATA])
        t1 = time.perf_counter()
        compute(result.frame, factors, Options(year=2025), result.report)
        t2 = time.perf_counter()
        reads.append(t1 - t0)
        computes.append(t2 - t1)
    assert result is not None
    mix = (result.frame.group_by("category").len().to_dicts())
    return {"read_s": statistics.median(reads), "compute_s": statistics.median(computes),
            "mix": {row["category"]: row["len"] for row in mix}}


def boavizta_per_device(mix: dict[str, int]) -> dict[str, float]:
    """Time Boavizta's per-device computation for each category it covers."""
    from boaviztapi.compute.impacts_computation import compute_impacts
    from boaviztapi.data.archetype import get_server_archetype, get_user_terminal_archetype
    from boaviztapi.dto.device import Server
    from boaviztapi.dto.device.device import mapper_server
    from boaviztapi.dto.device.user_terminal import (
        Desktop,
        Laptop,
        Monitor,
        Smartphone,
        Tablet,
        mapper_user_terminal,
    )

    criteria = ["gwp", "adpe", "pe"]
    terminals = {
        "laptop": (Laptop, "laptop-pro"), "desktop": (Desktop, "desktop-pro"),
        "smartphone": (Smartphone, "smartphone-default"),
        "tablet": (Tablet, "tablet-default"), "monitor": (Monitor, "monitor-default"),
    }
    per_device: dict[str, float] = {}

    def median_per_call(call: Callable[[], object], batch: int, batches: int = 5) -> float:
        """Median over batches of the mean time per call (one slow batch does not count)."""
        means = []
        for _ in range(batches):
            start = time.perf_counter()
            for _ in range(batch):
                call()
            means.append((time.perf_counter() - start) / batch)
        return statistics.median(means)

    for category, (dto, archetype_name) in terminals.items():
        archetype = get_user_terminal_archetype(archetype_name)

        def terminal(dto: Any = dto, archetype: Any = archetype) -> object:
            device = mapper_user_terminal(
                dto.model_validate({"usage": {"usage_location": "FRA"}}), archetype=archetype)
            return compute_impacts(device, criteria, duration=8760)

        per_device[category] = median_per_call(terminal, 100)
    server_archetype = get_server_archetype("platform_compute_medium")
    body = {"model": {"type": "rack"}, "configuration": {
        "cpu": {"units": 2, "core_units": 20}, "ram": [{"units": 1, "capacity": 384}],
        "disk": [{"units": 2, "type": "ssd", "capacity": 480}]}, "usage": {"usage_location": "FRA"}}

    def server() -> object:
        device = mapper_server(Server.model_validate(body), archetype=server_archetype)
        return compute_impacts(device, criteria, duration=8760)

    per_device["server"] = median_per_call(server, 20)
    covered = {c: n for c, n in mix.items() if c in per_device}
    covered_devices = sum(covered.values())
    seconds_covered = sum(per_device[c] * n for c, n in covered.items())
    mean = seconds_covered / covered_devices
    return {"per_device_ms": {c: v * 1000 for c, v in per_device.items()},
            "mean_ms": mean * 1000, "covered_devices": covered_devices,
            "seconds_for_covered": seconds_covered,
            "seconds_extrapolated_to_all": mean * N_DEVICES}


def boavizta_http_per_device(samples: int = 300) -> dict[str, float]:
    """Boavizta as authorities use it today: its API, one device per request, on loopback.

    Starts boaviztapi's own FastAPI app with uvicorn (installed with boaviztapi) on a free port
    and times keep-alive POSTs of a laptop; nothing leaves the machine.
    """
    import http.client
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    uvicorn = str(Path(sys.executable).parent / "uvicorn")
    server = subprocess.Popen([uvicorn, "boaviztapi.main:app", "--host", "127.0.0.1", "--port",
                               str(port), "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/v1/utils/version")
                probe.getresponse().read()
                probe.close()
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("boaviztapi did not start") from None
                time.sleep(0.2)
        body = json.dumps({"usage": {"usage_location": "FRA"}})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        path = "/v1/terminal/laptop?verbose=false&criteria=gwp&criteria=adpe&criteria=pe"
        timings = []
        for _ in range(samples):
            start = time.perf_counter()
            connection.request("POST", path, body=body,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            timings.append(time.perf_counter() - start)
            if response.status != 200:
                raise SystemExit(f"boaviztapi answered {response.status}")
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    median = statistics.median(timings)
    return {"median_ms": median * 1000, "seconds_extrapolated_to_all": median * N_DEVICES}


def same_numbers() -> dict[str, float]:
    """Jalon and Boavizta on the same data and assumptions: one year of a device's life."""
    import datetime as dt

    from boaviztapi.compute.impacts_computation import compute_single_impact
    from boaviztapi.data.archetype import get_server_archetype, get_user_terminal_archetype
    from boaviztapi.dto.device import Server
    from boaviztapi.dto.device.device import mapper_server
    from boaviztapi.dto.device.user_terminal import Laptop, mapper_user_terminal

    from jalon.core.engine import Options, compute
    from jalon.core.factors import load_factor_set
    from jalon.core.output import footprint_to_dict
    from jalon.core.readers.base import frame_from_records

    factors = load_factor_set()

    def jalon_embodied(record: dict[str, object]) -> float:
        base = {"source": "bench", "line": 2, "quantity": 1,
                "purchase_date": dt.date(2023, 1, 1)}
        out = footprint_to_dict(compute(frame_from_records([{**base, **record}]), factors,
                                        Options(year=2025)))
        return sum(out["by_phase"][p]["gwp"]["value"]
                   for p in ("manufacture", "distribution", "end_of_life"))

    laptop = mapper_user_terminal(
        Laptop.model_validate({"usage": {"usage_location": "FRA", "hours_life_time": 43830}}),
        archetype=get_user_terminal_archetype("laptop-pro"))
    boavizta_laptop = compute_single_impact(laptop, "embedded", "gwp", duration=8766).value
    body = {"model": {"type": "rack"}, "configuration": {
        "cpu": {"units": 2, "core_units": 20}, "ram": [{"units": 1, "capacity": 384}],
        "disk": [{"units": 2, "type": "ssd", "capacity": 480}]}}
    server = mapper_server(Server.model_validate(body),
                           archetype=get_server_archetype("platform_compute_medium"))
    boavizta_server = compute_single_impact(server, "embedded", "gwp", duration=8766).value
    return {
        "laptop_jalon": jalon_embodied({"category": "laptop"}),
        "laptop_boavizta": boavizta_laptop,
        "server_jalon": jalon_embodied({"category": "server", "cpu_units": 2, "cpu_cores": 20,
                                        "ram_gb": 384.0, "ssd_count": 2,
                                        "ssd_capacity_gb": 480.0}),
        "server_boavizta": boavizta_server,
    }


def main() -> None:
    if not DATA.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_inventory.py"),
                        str(N_DEVICES), str(DATA)], check=True)
    os.environ.setdefault("JALON_CACHE_DIR", tempfile.mkdtemp())
    print(f"machine: {machine()}", flush=True)
    process = whole_process()
    print(f"whole process: {process}", flush=True)
    inner = in_process()
    print(f"in process: read {inner['read_s']:.2f} s, compute {inner['compute_s']:.2f} s",
          flush=True)
    boavizta = boavizta_per_device(inner["mix"])
    http_api = boavizta_http_per_device()
    check = same_numbers()
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "devices": N_DEVICES,
        "whole_process": process,
        "in_process": {k: v for k, v in inner.items() if k != "mix"},
        "boavizta": boavizta,
        "ratio_whole_process_warm": boavizta["seconds_extrapolated_to_all"] / process["warm_s"],
        "ratio_whole_process_cold": boavizta["seconds_extrapolated_to_all"] / process["cold_s"],
        "ratio_compute": boavizta["seconds_extrapolated_to_all"] / inner["compute_s"],
        "boavizta_http": http_api,
        "ratio_http_whole_process_warm": http_api["seconds_extrapolated_to_all"]
        / process["warm_s"],
        "ratio_http_whole_process_cold": http_api["seconds_extrapolated_to_all"]
        / process["cold_s"],
        "same_numbers": check,
    }
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"""
| measure | value |
|---|---|
| whole process, warm server cache (median of {RUNS}) | {process['warm_s']:.2f} s |
| whole process, cold: boaviztapi imported, called (median of {RUNS}) | {process['cold_s']:.2f} s |
| peak memory (max RSS) | {process['max_rss_mb']:.0f} MB |
| reading 1,000,000 rows (in process) | {inner['read_s']:.2f} s |
| computing the footprint once read (in process) | {inner['compute_s']:.3f} s |
| Boavizta per device, mean over the covered mix | {boavizta['mean_ms']:.3f} ms |
| Boavizta for {N_DEVICES:,} devices | {boavizta["seconds_extrapolated_to_all"]:.0f} s |
| ratio vs Jalon whole process (warm / cold) | {results['ratio_whole_process_warm']:.0f}× / \
{results['ratio_whole_process_cold']:.0f}× |
| ratio vs Jalon computation | {results['ratio_compute']:.0f}× |
| Boavizta's HTTP API on loopback, one laptop per request (median) | \
{http_api['median_ms']:.2f} ms |
| ratio, Boavizta API per device vs Jalon whole process (warm / cold) | \
{results['ratio_http_whole_process_warm']:.0f}× / {results['ratio_http_whole_process_cold']:.0f}× |
| laptop, 1 year of 5: Jalon / Boavizta (kgCO2e) | {check['laptop_jalon']:.3f} / \
{check['laptop_boavizta']:.3f} |
| server, 1 year of 4: Jalon / Boavizta (kgCO2e) | {check['server_jalon']:.3f} / \
{check['server_boavizta']:.3f} |
""")
    verdicts = {
        "whole process <= 10 s (cold)": process["cold_s"] <= 10,
        "memory < 2 GB": process["max_rss_mb"] < 2048,
        ">= 1,000x: computation vs Boavizta's computation (package)": results["ratio_compute"]
        >= 1000,
        ">= 1,000x: whole process (warm) vs Boavizta's API per device":
            results["ratio_http_whole_process_warm"] >= 1000,
        "same numbers (within 0.5 %)": all(
            abs(check[f"{d}_jalon"] / check[f"{d}_boavizta"] - 1) < 0.005
            for d in ("laptop", "server")),
    }
    for target, met in verdicts.items():
        print(f"{'met' if met else 'NOT MET'}: {target}")


if __name__ == "__main__":
    main()
