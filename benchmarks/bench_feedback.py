"""Feedback benchmark: the public answer page under 50 concurrent submitters.

    python benchmarks/bench_feedback.py [--submitters 50] [--rounds 4]

An organisation publishes its feedback, one service has the standard questionnaire; `jalon
serve` (gunicorn, 2 workers × 4 threads) runs on loopback with a fresh SQLite database (or
DATABASE_URL when set). Each submitter, from its own client address (X-Forwarded-For, with
127.0.0.1 declared as trusted proxy), loads the answer page, fills it in (a think time drawn
between --think-min and --think-max seconds, 0.5–2 s by default: far quicker than a person,
who takes half a minute), then posts a complete answer, `--rounds` times, all starting
together (a barrier): the real path of publicforms — origin check, throttling counters,
honeypot, the answer, its audit event, in one transaction. `--think-max 0` hammers the server
in a closed loop instead (50 requests always in flight: then latency measures the queue,
50 / throughput, more than the page).
The per-organisation ceiling of public forms is raised for the run (JALON_PUBLICFORMS_
ORGANISATION_LIMIT): 50 × rounds answers in a minute exceed its default on purpose.

Target (issue 14): p95 of the answer page (GET and POST) < 200 ms, no error; bounded: every
request has a 30 s timeout and the run stops after --rounds.
Results go to benchmarks/results-feedback.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import loadgen  # noqa: E402
from bench_web import setup  # noqa: E402
from loadgen import machine, p95  # noqa: E402

TARGET_P95_MS = 200.0


def prepare() -> tuple[str, int]:
    from jalon.catalogue.services import create_service
    from jalon.feedback import services
    from jalon.tenancy.models import Operator, Organisation, Publication

    operator = Operator.objects.create(name="Bench", slug="bench-avis")
    organisation = Organisation.objects.create(operator=operator, name="Bench avis",
                                               slug="bench-avis", kind="epci")
    service = create_service(None, organisation, {
        "name": "Inscription scolaire", "kind": "online_procedure", "audience": "public"})
    services.enable_form(None, service)
    Publication.objects.create(organisation=organisation, domain="feedback", published=True)
    return organisation.slug, service.pk


ANSWER = {"satisfaction": "4", "comprehension": "5", "contact_tried": "phone",
          "contact_reached": "yes", "contact_satisfaction": "4",
          "verbatim": "Démarche rapide, mais le courriel de confirmation arrive tard.",
          "source": "button", "website": ""}


def run(slug: str, service_id: int, data_dir: Path, submitters: int, rounds: int,
        think: tuple[float, float], threads: int = 4) -> dict[str, Any]:
    env = {**os.environ, "JALON_DATA_DIR": str(data_dir), "JALON_SECURE_COOKIES": "0",
           "JALON_TRUSTED_PROXIES": "127.0.0.1",
           "JALON_PUBLICFORMS_ORGANISATION_LIMIT": str(submitters * rounds * 10)}
    path = f"/p/{slug}/feedback/{service_id}/"
    body = urlencode(ANSWER)
    with loadgen.serve(env, ready_path=path, expect=200, threads=threads) as (port, _server):
        for _ in range(5):  # warm every worker
            loadgen.get(port, path)
        origin = f"http://127.0.0.1:{port}"

        def no_cookie(response: Any) -> bool:
            return not response.getheader("Set-Cookie")

        def submitter(index: int, client: loadgen.Client) -> None:
            address = f"198.51.{index // 250}.{index % 250 + 1}"
            rng = random.Random(index)  # noqa: S311  # think times, not security
            for _ in range(rounds):
                client.request("GET", path + "?source=button", label="GET", check=no_cookie,
                               headers={"X-Forwarded-For": address})
                if think[1] > 0:
                    time.sleep(rng.uniform(*think))
                client.request("POST", path, body=body, expect=303, label="POST",
                               check=no_cookie, headers={
                                   "X-Forwarded-For": address, "Origin": origin,
                                   "Content-Type": "application/x-www-form-urlencoded"})

        recorder, wall = loadgen.run_clients(port, submitters, submitter)
    gets, posts = recorder.latencies.get("GET", []), recorder.latencies.get("POST", [])
    both = gets + posts
    return {"requests": len(both), "errors": len(recorder.errors),
            "error_kinds": sorted(set(recorder.errors)),
            "get_median_ms": statistics.median(gets), "get_p95_ms": p95(gets),
            "post_median_ms": statistics.median(posts), "post_p95_ms": p95(posts),
            "p95_ms": p95(both), "max_ms": max(both), "throughput_rps": len(both) / wall}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submitters", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=2.0)
    args = parser.parse_args()
    think = (args.think_min, max(args.think_min, args.think_max))
    with tempfile.TemporaryDirectory(prefix="jalon-bench-feedback-") as tmp:
        data_dir = Path(tmp)
        setup(data_dir)
        slug, service_id = prepare()
        print(f"answer page, {args.submitters} concurrent submitters × {args.rounds} rounds…")
        load_before = os.getloadavg()[0]
        result = run(slug, service_id, data_dir, args.submitters, args.rounds, think,
                     args.threads)
        load_after = os.getloadavg()[0]
        from jalon.feedback.models import Response

        stored = Response.objects.count()
    print(f"  GET p95 {result['get_p95_ms']:.0f} ms, POST p95 {result['post_p95_ms']:.0f} ms, "
          f"all p95 {result['p95_ms']:.0f} ms, {result['errors']} errors "
          f"{result['error_kinds']}, {stored} answers stored, "
          f"{result['throughput_rps']:.0f} req/s; load average {load_before:.1f} → "
          f"{load_after:.1f} on {os.cpu_count()} CPUs")
    results = {"date": dt.datetime.now(dt.UTC).date().isoformat(), "machine": machine(),
               "database": "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite",
               "server": f"2 workers × {args.threads} threads (gthread)",
               "submitters": args.submitters,
               "rounds": args.rounds, "think_s": list(think), "stored": stored,
               "load_average_1min": [round(load_before, 1), round(load_after, 1)], **result,
               "met": result["p95_ms"] < TARGET_P95_MS and result["errors"] == 0
               and stored == args.submitters * args.rounds}
    (ROOT / "results-feedback.json").write_text(json.dumps(results, indent=2) + "\n",
                                                encoding="utf-8")
    return 0 if results["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
