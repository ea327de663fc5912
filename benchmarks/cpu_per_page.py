"""Processor time per page, over the whole machine, of ecoindex-cli and of Jalon's pass (issue
11, "Speed"): why pages per minute stop where they do once both tools are bound by the
processors. Not part of `make bench`; run it on an otherwise idle machine, a few minutes.

    python benchmarks/cpu_per_page.py [--pages 40] [--pages-in-flight 4]
                                      [--ecoindex-cli-workers 16]
                                      [--browser /usr/bin/chromium-headless-shell]

Time is read from /proc/stat (user + nice + system + irq + softirq of every processor; idle,
I/O wait, steal and guest left out) before and after each run, so that it counts every
process a tool starts, including browser processes that outlive their parent and that a
process-tree count loses. Runs, on the pages of `benchmarks/audit_site.py` with the waits of
the bench (1 s before and 1 s after the scroll), one load per page:

1. ecoindex-cli 2.32.0 (`bench_audits.py`'s separate environment and driver) on `--browser`;
2. Jalon's pass (`jalon.core.audits_browser`, one browser, `--pages-in-flight`) as it runs,
   without axe-core's `color-contrast` rule, and without axe-core at all.

Prints pages per minute and processor-seconds per page of each, with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import audit_site  # noqa: E402
import bench_audits  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq = fields[:7]
    return (user + nice + system + irq + softirq) / TICK


def jalon_pass(urls: list[str], in_flight: int, axe: str) -> tuple[float, float]:
    """(seconds, processor-seconds) of Jalon's pass over `urls`."""
    from jalon.core import audits_browser as ab

    settings = ab.Settings(runs=1, allow_loopback=True, pages_in_flight=in_flight)
    original = ab.AXE_RUN_JS
    if axe == "without color-contrast":
        ab.AXE_RUN_JS = original.replace(  # type: ignore[misc] (read at each run)
            "iframes: false}", "iframes: false, rules: {'color-contrast': {enabled: false}}}")
        assert "color-contrast" in ab.AXE_RUN_JS, "AXE_RUN_JS changed: update this bench"

    async def run() -> tuple[float, float]:
        queue = list(urls)
        async with ab.Auditor(settings) as auditor:
            async def slot() -> None:
                while queue:
                    result = await auditor._run_once(queue.pop(0), with_axe=axe != "none")
                    assert result["status"] == ab.OK, result

            started, cpu = time.perf_counter(), busy_seconds()
            await asyncio.gather(*(slot() for _ in range(in_flight)))
            return time.perf_counter() - started, busy_seconds() - cpu

    try:
        return asyncio.run(run())
    finally:
        ab.AXE_RUN_JS = original  # type: ignore[misc]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--pages-in-flight", type=int, default=4)
    parser.add_argument("--ecoindex-cli-workers", type=int, default=16)
    parser.add_argument("--browser", default="/usr/bin/chromium-headless-shell")
    options = parser.parse_args()
    from jalon.core import audits_browser as ab

    ab.CHROMIUM = Path(options.browser)  # type: ignore[misc] (read when a browser starts)
    rows = []
    with audit_site.serve() as base:
        urls = audit_site.urls(base, options.pages)
        python, why = bench_audits.ecoindex_venv()
        if python is None:
            print(f"ecoindex-cli skipped: {why}")
        else:
            before, cpu = bench_audits.load(), busy_seconds()
            run = bench_audits.run_ecoindex_cli(python, urls, options.ecoindex_cli_workers, 1,
                                                options.browser)
            cpu = busy_seconds() - cpu
            rows.append((f"ecoindex-cli, {options.ecoindex_cli_workers} workers",
                         run["pages_per_minute"], cpu / len(urls), before))
        for axe in ("all rules", "without color-contrast", "none"):
            before = bench_audits.load()
            seconds, cpu = jalon_pass(urls, options.pages_in_flight, axe)
            rows.append((f"Jalon's pass, {options.pages_in_flight} in flight, axe-core: {axe}",
                         60 * len(urls) / seconds, cpu / len(urls), before))
    print(f"{options.pages} pages, {Path(options.browser).name}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    for label, per_minute, per_page, before in rows:
        print(f"{label:62} {per_minute:6.1f} pages/min {per_page:5.2f} CPU-s/page "
              f"(load before {before})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
