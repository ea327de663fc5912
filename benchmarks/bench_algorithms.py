"""Benchmark of the bias measurement (jalon.core.bias): reading and measuring a CSV of
decisions as an authority exports it (cp1252, semicolons), 10,000 to 200,000 decisions
(200,000 is the reader's ceiling), four groups, outcomes and strata.

    .venv/bin/python benchmarks/bench_algorithms.py

Prints one line per size: read time, measure time (Fairlearn + bootstrap), in seconds; the
first measure includes Fairlearn's import, reported apart.
"""

from __future__ import annotations

import json
import time

import numpy as np

from jalon.core import bias

GROUPS = ("QPV", "Hors QPV", "Non renseigné", "Rural")
SECTORS = ("Centre", "Nord", "Sud")


def decisions(n: int, seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    groups = rng.choice(len(GROUPS), n, p=(0.35, 0.5, 0.03, 0.12))
    sectors = rng.choice(len(SECTORS), n)
    decided = rng.random(n) < 0.55 + 0.1 * (groups == 1)
    outcome = rng.random(n) < np.where(decided, 0.9, 0.2)
    lines = ["Numéro;Quartier;Secteur;Décision;Réel"]
    lines += [f"D{i};{GROUPS[g]};{SECTORS[s]};{'oui' if d else 'non'};{'oui' if o else 'non'}"
              for i, (g, s, d, o) in enumerate(zip(groups, sectors, decided, outcome,
                                                   strict=True))]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def main() -> None:
    started = time.perf_counter()
    import fairlearn.metrics  # noqa: F401  # the import, timed apart

    results = {"fairlearn_import_s": round(time.perf_counter() - started, 2), "runs": []}
    for n in (10_000, 50_000, 200_000):
        data = decisions(n)
        t0 = time.perf_counter()
        parsed = bias.read_decisions(data, decision="Décision", group="Quartier",
                                     outcome="Réel", stratum="Secteur")
        t1 = time.perf_counter()
        result = bias.measure(parsed)
        t2 = time.perf_counter()
        results["runs"].append({"decisions": n, "bytes": len(data),
                                "read_s": round(t1 - t0, 2), "measure_s": round(t2 - t1, 2),
                                "dpd": round(result["demographic_parity_difference"], 4)})
        print(f"{n:>7} decisions: read {t1 - t0:5.2f} s, measure {t2 - t1:5.2f} s")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
