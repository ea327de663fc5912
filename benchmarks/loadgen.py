"""Load generation shared by the web benchmarks (bench_web.py, bench_scale_public.py,
bench_feedback.py): `jalon serve` on loopback, concurrent HTTP clients, Debian's `wrk` when
installed, the figures (median, p95, p99, max, throughput) and the web workers' memory.

Bounded: every request has a timeout, every run a count of requests or a duration.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEOUT_S = 30


# --------------------------------------------------------------------------- figures


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(fraction * len(ordered)) - 1)]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs{memory}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, timeout: float = 120) -> int:
    """One GET on a fresh connection: its status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextlib.contextmanager
def serve(env: Mapping[str, str], *, ready_path: str = "/", workers: int = 2,
          threads: int | None = None, startup_s: float = 60,
          expect: int | None = None) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`jalon serve` (gunicorn) on a free loopback port until the block ends: (port, process).
    Ready when `ready_path` answers (with `expect`: that status, else any answer)."""
    port = free_port()
    command = [sys.executable, "-m", "jalon.cli", "serve", "--port", str(port), "--workers",
               str(workers)] + (["--threads", str(threads)] if threads is not None else [])
    server = subprocess.Popen(command, env=dict(env), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + startup_s
        while True:
            try:
                status = get(port, ready_path, timeout=startup_s)
                if expect is not None and status != expect:
                    raise RuntimeError(f"{ready_path} answers {status}")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("jalon serve did not start") from None
                time.sleep(0.3)
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


# --------------------------------------------------------------------------- clients


@dataclass
class Recorder:
    """Latencies (ms) by label and errors of concurrent clients, thread-safe."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, mine: list[float]) -> None:
        with self.lock:
            self.latencies.setdefault(label, []).extend(mine)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors.append(kind)

    def all(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


class Client:
    """One keep-alive connection of one simulated client; reconnects after an error."""

    def __init__(self, port: int, recorder: Recorder) -> None:
        self.port, self.recorder = port, recorder
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        self.mine: dict[str, list[float]] = {}

    def request(self, method: str, path: str, *, body: str | None = None,
                headers: Mapping[str, str] | None = None, expect: int = 200,
                label: str = "", check: Callable[[http.client.HTTPResponse], bool] | None = None
                ) -> None:
        """Send, read, time; an unexpected status (or a failed `check`) is an error named
        after its status ("GET 500" when labelled), a broken connection after its exception."""
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=dict(headers or {}))
            response = self.conn.getresponse()
            response.read()
            if response.status != expect or (check is not None and not check(response)):
                self.recorder.error(f"{label} {response.status}" if label
                                    else str(response.status))
        except (OSError, http.client.HTTPException) as exc:
            self.recorder.error(type(exc).__name__)
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        self.mine.setdefault(label, []).append((time.perf_counter() - started) * 1000)

    def close(self) -> None:
        self.conn.close()
        for label, values in self.mine.items():
            self.recorder.add(label, values)


def run_clients(port: int, count: int, body: Callable[[int, Client], None],
                barrier: bool = True) -> tuple[Recorder, float]:
    """`count` threads, each with its own Client, running `body(index, client)` (all starting
    together with `barrier`): the recorder and the wall time in seconds."""
    recorder = Recorder()
    gate = threading.Barrier(count) if barrier else None

    def run(index: int) -> None:
        client = Client(port, recorder)
        if gate is not None:
            gate.wait()
        try:
            body(index, client)
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return recorder, time.perf_counter() - started


def summary(latencies: list[float], errors: int, wall: float) -> dict[str, Any]:
    return {"requests": len(latencies), "errors": errors,
            "median_ms": statistics.median(latencies), "p95_ms": p95(latencies),
            "p99_ms": percentile(latencies, 0.99), "max_ms": max(latencies),
            "throughput_rps": len(latencies) / wall}


def fixed_reads(port: int, path: str, readers: int, per_reader: int) -> dict[str, Any]:
    """`readers` clients each reading `path` `per_reader` times, all starting together."""

    def body(_index: int, client: Client) -> None:
        for _ in range(per_reader):
            client.request("GET", path)

    recorder, wall = run_clients(port, readers, body)
    return summary(recorder.all(), len(recorder.errors), wall)


def timed_reads(port: int, paths: list[str], readers: int, seconds: int) -> dict[str, Any]:
    """`readers` clients reading `paths` round robin for `seconds` (closed loop)."""
    stop = time.monotonic() + seconds

    def body(index: int, client: Client) -> None:
        i = index
        while time.monotonic() < stop:
            client.request("GET", paths[i % len(paths)])
            i += readers

    recorder, wall = run_clients(port, readers, body, barrier=False)
    return {"generator": f"Python threads (http.client), {readers} connections",
            **summary(recorder.all(), len(recorder.errors), wall)}


WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"p50\\": %%f, \\"p95\\": %%f, \\"p99\\": %%f, \\"max\\": %%f, "
    .. "\\"requests\\": %%d, \\"errors\\": %%d, \\"non2xx\\": %%d, \\"seconds\\": %%f}\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status, summary.duration / 1e6))
end
"""


def wrk_reads(port: int, paths: list[str], readers: int, seconds: int,
              work: Path) -> dict[str, Any]:
    """The same closed loop through Debian's `wrk` (2 threads; its Lua hook gives the
    percentiles)."""
    script = work / "paths.lua"
    script.write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths)},
                      encoding="utf-8")
    done = subprocess.run(
        [shutil.which("wrk") or "wrk", "-t2", f"-c{readers}", f"-d{seconds}s", "--timeout",
         f"{TIMEOUT_S}s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("JSON "))
    data = json.loads(line[5:])
    return {"generator": "wrk 4 (Debian), 2 threads", "requests": data["requests"],
            "errors": data["errors"] + data["non2xx"], "median_ms": data["p50"],
            "p95_ms": data["p95"], "p99_ms": data["p99"], "max_ms": data["max"],
            "throughput_rps": data["requests"] / data["seconds"]}


def reads(port: int, paths: list[str], readers: int, seconds: int,
          work: Path) -> dict[str, Any]:
    """Closed-loop reads of `paths` for `seconds`: wrk when installed, else Python threads."""
    if shutil.which("wrk"):
        return wrk_reads(port, paths, readers, seconds, work)
    return timed_reads(port, paths, readers, seconds)


# --------------------------------------------------------------------------- memory


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def sample_rss(master: int, every_s: float = 1.0) -> Iterator[dict[int, list[float]]]:
    """The resident memory (MB) of each worker of the gunicorn `master`, every `every_s`
    seconds while the block runs: {pid: [samples]}."""
    samples: dict[int, list[float]] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid in workers_of(master):
                with contextlib.suppress(OSError):  # a worker restarted between two reads
                    samples.setdefault(pid, []).append(rss_mb(pid))
            stop.wait(every_s)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        yield samples
    finally:
        stop.set()
        sampler.join()


def slope_mb_per_min(values: list[float], every_s: float = 1.0) -> float:
    """Least-squares slope of evenly spaced samples, in MB per minute (0 with < 2 samples)."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den * 60 / every_s
