"""Bench of the audits' browser pass: pages audited per minute by a campaign-like batch (one
Chromium, `audit_pages`) on pages served locally, and the peak memory of the process and its
browser; optionally against `ecoindex-cli` on the same pages in the same run.

    python benchmarks/bench_audits.py [--pages 20] [--runs 1] [--workers 2] [--ecoindex-cli PATH]

`ecoindex-cli` must be installed in a separate environment (never in Jalon's), with its own
Playwright browser: `--ecoindex-cli /path/to/venv/bin/ecoindex-cli`. Without it only Jalon's
figures are printed. The ecoindex-cli invocation (`analyze --url … --export-format json
--no-interaction --output-file …`) follows its README and was not run here (no separate
environment with a browser could be set up without downloading one): check it against the
installed version before trusting the comparison. The pages are the test site's good and
faulty pages (tests/audits/site.py) served on loopback; the protocol is Jalon's default
(1 s before and after the scroll).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.audits import site  # noqa: E402

from jalon.core.audits_browser import Settings, audit_pages  # noqa: E402


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own + children


def bench_jalon(urls: list[str], runs: int, workers: int) -> dict[str, float]:
    started = time.perf_counter()
    results = audit_pages(urls, Settings(runs=runs, allow_loopback=True, workers=workers))
    seconds = time.perf_counter() - started
    ok = [r for r in results if r["status"] == "ok"]
    return {"pages": len(urls), "ok": len(ok), "seconds": round(seconds, 1),
            "pages_per_minute": round(60 * len(urls) / seconds, 1),
            "peak_rss_mb": round(_peak_mb(), 0),
            "scores": {r["url"]: r["ecoindex"]["score"] for r in ok}}


def bench_ecoindex_cli(command: str, urls: list[str]) -> dict[str, float | str]:
    with tempfile.TemporaryDirectory() as folder:
        args = [command, "analyze", "--no-interaction", "--export-format", "json",
                "--output-file", str(Path(folder) / "out.json")]
        for url in urls:
            args += ["--url", url]
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        out = Path(folder) / "out.json"
        scores = {}
        if out.exists():
            scores = {row["url"]: row["score"] for row in json.loads(out.read_text())}
    return {"seconds": round(seconds, 1), "pages_per_minute": round(60 * len(urls) / seconds, 1),
            "returncode": done.returncode, "scores": scores}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ecoindex-cli", default="")
    options = parser.parse_args()
    with site.serve() as base:
        paths = ("good.html", "faulty.html")
        urls = [f"{base}/{paths[i % 2]}?n={i}" for i in range(options.pages)]
        report: dict[str, object] = {"jalon": bench_jalon(urls, options.runs,
                                                                 options.workers)}
        if options.ecoindex_cli:
            report["ecoindex_cli"] = bench_ecoindex_cli(options.ecoindex_cli, urls)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
