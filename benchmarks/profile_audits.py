"""Where a Jalon audit's time goes (issue 11, "Speed"): not part of `make bench`, a few minutes.

    python benchmarks/profile_audits.py [--pages 20] [--pages-in-flight 4]
                                        [--browsers /usr/bin/chromium,…]
                                        [--sweep 1,3,4,8] [--sweep-pages 40]

1. The pass over `--pages` pages of `benchmarks/audit_site.py` (one Chromium, Jalon's pages in
   flight, one load per page, the waits of the protocol), twice: as Jalon runs it, then with
   axe-core left out; for each browser of `--browsers` (default: the one Jalon runs). For
   each: pages per minute and the processor time of the whole process tree (this Python,
   Playwright's driver, every Chromium process; utime + stime of the live processes plus
   what they collected from their exited children, read from /proc just before the browser
   closes) per page.
2. axe-core's options on the test pages (tests/audits: a good page and one with known faults)
   and on the bench pages, each page loaded once, axe-core injected once, then run three ways
   in the same page after an untimed first run: axe-core's defaults (`iframes: true`),
   Jalon's options (`iframes: false`) and only the rules tagged with an RGAA criterion
   (`runOnly`): mean milliseconds per page of each and the violations either variant loses
   against the defaults.
3. With `--sweep`, the pass with axe-core over `--sweep-pages` pages for each number of pages
   in flight given: pages per minute, processor time per page and the peak PSS of the
   process tree (sampled every 0.3 s, as bench_audits.py does).

Every figure comes with the load average before and after (the machine is shared). Output on
stdout and in benchmarks/results-profile-audits.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import audit_site  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def tree_cpu_seconds() -> float:
    """utime + stime + cutime + cstime of this process and every live descendant."""
    parents: dict[int, list[int]] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = sum(int(f) for f in fields[11:15])
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0)
        todo += parents.get(pid, [])
    return total / TICKS


async def pass_cpu(urls: list[str], in_flight: int, with_axe: bool) -> dict[str, Any]:
    from bench_audits import MemorySampler

    from jalon.core import audits_browser as ab

    settings = ab.Settings(runs=1, allow_loopback=True, pages_in_flight=in_flight)
    queue = list(urls)
    async with ab.Auditor(settings) as auditor:
        await auditor._run_once(urls[0], with_axe=False)  # warm the browser

        async def slot() -> None:
            while queue:
                url = queue.pop(0)
                run = await auditor._run_once(url, with_axe=with_axe)
                assert run["status"] == ab.OK, run

        sampler = MemorySampler(interval=0.3)
        sampler.start()
        before, cpu, started = load(), tree_cpu_seconds(), time.perf_counter()
        await asyncio.gather(*(slot() for _ in range(in_flight)))
        seconds = time.perf_counter() - started
        sampler.stop.set()
        sampler.join()
        await asyncio.sleep(1)  # the last renderers exit and are collected
        cpu = tree_cpu_seconds() - cpu
    return {"axe": with_axe, "pages": len(urls), "pages_in_flight": in_flight,
            "seconds": round(seconds, 1), "pages_per_minute": round(60 * len(urls) / seconds, 1),
            "cpu_s_per_page": round(cpu / len(urls), 2),
            "peak_pss_mb": round(sampler.peak_pss_kb / 1024), "load_before": before,
            "load_after": load()}


AXE_TIMED = """async (options) => {
    const started = performance.now();
    const result = await axe.run(document, options);
    return {ms: performance.now() - started, ids: result.violations.map(v => v.id)};
}"""


async def axe_options(urls: list[str]) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    from jalon.core import audits_browser as ab

    script = ab.axe_script_path().read_text(encoding="utf-8")
    base_options: dict[str, Any] = {"resultTypes": ["violations"]}
    totals = {"jalon_iframes_false": 0.0, "defaults": 0.0, "rgaa_rules_only": 0.0}
    lost: dict[str, set[str]] = {"jalon_iframes_false": set(), "rgaa_rules_only": set()}
    before = load()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(ab.CHROMIUM), args=ab.LAUNCH_ARGS)
        for url in urls:
            context = await browser.new_context(viewport={"width": 1920, "height": 1080})
            page = await context.new_page()
            await page.goto(url)
            await page.evaluate(script)
            rgaa = await page.evaluate("() => axe.getRules().filter(r => r.tags.some("
                                       "t => t.startsWith('RGAA-'))).map(r => r.ruleId)")
            runs = {"defaults": dict(base_options),
                    "jalon_iframes_false": dict(base_options, iframes=False),
                    "rgaa_rules_only": dict(base_options, runOnly={"type": "rule",
                                                                   "values": rgaa})}
            await page.evaluate(AXE_TIMED, base_options)  # untimed: the first run is colder
            found = {}
            for name, options in runs.items():
                found[name] = await page.evaluate(AXE_TIMED, options)
                totals[name] += found[name]["ms"]
            for name in lost:
                lost[name] |= set(found["defaults"]["ids"]) - set(found[name]["ids"])
            await context.close()
        await browser.close()
    return {"pages": len(urls), "rules_with_rgaa_tags": len(rgaa),
            "ms_per_page": {k: round(v / len(urls)) for k, v in totals.items()},
            "violations_lost": {k: sorted(v) for k, v in lost.items()},
            "load_before": before, "load_after": load()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--pages-in-flight", type=int, default=4)
    parser.add_argument("--browsers", default="",
                        help="Chromium binaries whose pass to compare (default: Jalon's), "
                             "e.g. /usr/bin/chromium,/usr/bin/chromium-headless-shell")
    parser.add_argument("--sweep", default="", help="pages in flight to compare, e.g. 1,3,4,8")
    parser.add_argument("--sweep-pages", type=int, default=40)
    options = parser.parse_args()
    from tests.audits import site

    out: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with audit_site.serve() as base, site.serve() as test_base:
        urls = audit_site.urls(base, options.pages)
        from jalon.core import audits_browser as ab

        out["pass"] = []
        for browser in (options.browsers.split(",") if options.browsers else [str(ab.CHROMIUM)]):
            ab.CHROMIUM = Path(browser)  # type: ignore[misc] (read when a browser starts)
            for with_axe in (True, False):
                run = asyncio.run(pass_cpu(urls, options.pages_in_flight, with_axe))
                out["pass"].append(dict(run, browser=Path(browser).name))
                print(out["pass"][-1], file=sys.stderr)
        out["axe_options"] = asyncio.run(axe_options(
            [f"{test_base}/good.html", f"{test_base}/faulty.html", *urls]))
        if options.sweep:
            many = audit_site.urls(base, options.sweep_pages)
            out["sweep"] = [asyncio.run(pass_cpu(many, int(n), with_axe=True))
                            for n in options.sweep.split(",")]
    text = json.dumps(out, indent=1)
    (HERE / "results-profile-audits.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
