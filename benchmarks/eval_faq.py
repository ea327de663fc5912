"""FAQ assistant: lexical against lexical + latent semantic retrieval, measured.

    python benchmarks/eval_faq.py

The demo's FAQ (40 entries, src/jalon/reports/demo_data/faq.csv) and a labelled set of 156
questions kept apart from it (faq_evaluation.csv next to it): 120 reword the entries with
other words (three per entry: a polite sentence, another vocabulary, SMS style), 36 have no
answer in the FAQ (some on neighbouring topics: « Comment déclarer une naissance ? » when the
FAQ has birth certificates). Split by a hash of each question into a tuning half and a held-out
half. On the tuning half, for each retrieval (lexical only; lexical mixed with a latent
semantic layer of a given weight and size, trained on the organisation's own texts: the FAQ
and the bundled citizen reports' texts), the threshold above which the assistant answers is
the one that maximises right answers − 2 × wrong answers (a wrong answer costs more than a
question handed to a person). The figures reported are those on the held-out half.
Results go to benchmarks/results-faq.json.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jalon.core import reportdata, triage  # noqa: E402

DATA = ROOT / "src" / "jalon" / "reports" / "demo_data"
WEIGHTS = (0.0, 0.2, 0.35, 0.5)
DIMENSIONS = (50, 150)
SHIPPED_THRESHOLD = 0.30  # the lexical assistant's threshold before this evaluation
SWEEP = (0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50, 0.60)


def faq() -> list[tuple[str, str]]:
    with (DATA / "faq.csv").open(encoding="utf-8") as handle:
        return [(r["question"], r["answer"]) for r in csv.DictReader(handle, delimiter=";")]


def questions() -> list[tuple[str, str]]:
    with (DATA / "faq_evaluation.csv").open(encoding="utf-8") as handle:
        return [(r["question"], r["entry"]) for r in csv.DictReader(handle, delimiter=";")]


def held_out(question: str) -> bool:
    return hashlib.sha256(question.encode()).digest()[0] % 2 == 1


def best_threshold(index: triage.RetrievalIndex, texts: list[str],
                   expected: list[int | None]) -> tuple[float, triage.RetrievalEvaluation]:
    """The threshold that maximises right − 2 × wrong answers on these questions (each
    question is searched once; thresholds from 0.05 to 0.70 by 0.01)."""
    best_matches = [index.search(text, k=1) for text in texts]
    tops = [(m[0].position, m[0].score) if m else (None, 0.0) for m in best_matches]
    best: tuple[float, float] | None = None
    for step in range(5, 71):
        threshold = step / 100
        right = sum(1 for (pos, score), truth in zip(tops, expected, strict=True)
                    if score >= threshold and pos == truth)
        wrong = sum(1 for (pos, score), truth in zip(tops, expected, strict=True)
                    if score >= threshold and pos is not None and pos != truth)
        if best is None or right - 2 * wrong > best[0]:
            best = (right - 2 * wrong, threshold)
    assert best is not None
    return best[1], triage.evaluate_retrieval(index, texts, expected, best[1])


def main() -> None:
    entries = faq()
    documents = [f"{q} {q} {a}" for q, a in entries]  # as jalon.reports.services builds them
    position = {q: i for i, (q, _a) in enumerate(entries)}
    labelled = questions()
    unknown = [e for _q, e in labelled if e and e not in position]
    if unknown:
        raise SystemExit(f"entries not in the FAQ: {unknown}")
    tune = [(q, position[e] if e else None) for q, e in labelled if not held_out(q)]
    test = [(q, position[e] if e else None) for q, e in labelled if held_out(q)]
    corpus = list(reportdata.corpus_texts())
    print(f"{len(entries)} FAQ entries; {len(labelled)} questions "
          f"({sum(1 for _q, e in labelled if e)} with an answer); tuning {len(tune)}, "
          f"held out {len(test)}; latent corpus {len(documents) + len(corpus)} texts")

    def run(index: triage.RetrievalIndex, label: str, **extra: Any) -> dict[str, Any]:
        threshold, tuned = best_threshold(index, [q for q, _e in tune], [e for _q, e in tune])
        result = triage.evaluate_retrieval(index, [q for q, _e in test],
                                           [e for _q, e in test], threshold)
        return {"retrieval": label, **extra, "threshold": threshold,
                "tuning": tuned._asdict(), "held_out": result._asdict()}

    rows: list[dict[str, Any]] = []
    synonyms = triage.lexicon(reportdata.faq_synonyms())
    lexical = triage.RetrievalIndex.build(documents)
    shipped = triage.evaluate_retrieval(lexical, [q for q, _e in test], [e for _q, e in test],
                                        SHIPPED_THRESHOLD)
    rows.append({"retrieval": "lexical (as shipped)", "weight": 0, "dimensions": None,
                 "threshold": SHIPPED_THRESHOLD, "tuning": None, "held_out": shipped._asdict()})
    for with_lexicon in (False, True):
        for dimensions, weight in [(None, 0.0), *[(d, w) for d in DIMENSIONS
                                                  for w in WEIGHTS[1:]]]:
            started = time.perf_counter()
            index = triage.RetrievalIndex.build(
                documents, corpus=corpus if weight else (), semantic=weight,
                dimensions=dimensions or 0, lexicon=synonyms if with_lexicon else ())
            built = time.perf_counter() - started
            label = ("lexical" + (" + synonyms" if with_lexicon else "")
                     + (" + latent" if weight else ""))
            rows.append(run(index, label, weight=weight, dimensions=dimensions,
                            build_seconds=round(built, 3)))

    # Chosen on the tuning half only (its utility), then read on the held-out half.
    def utility(row: dict[str, Any]) -> float:
        t = row["tuning"]
        return t["correct_answers"] * t["n_answerable"] - 2 * t["wrong_answers"] * t["n"]

    chosen = max(rows[1:], key=utility)
    print("\n| retrieval | latent weight | dimensions | threshold | tuning utility | held-out "
          "top-1 | answered | handed to a person | right answers | wrong answers | "
          "precision |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        h = row["held_out"]
        tuned = f"{utility(row):.0f}" if row["tuning"] else "—"
        print(f"| {row['retrieval']}{' **(chosen)**' if row is chosen else ''} | "
              f"{row['weight']} | {row['dimensions'] or '—'} | {row['threshold']:.2f} | "
              f"{tuned} | {100 * h['top1_accuracy']:.1f} % | {100 * h['answer_rate']:.1f} % | "
              f"{100 * h['handed_to_human']:.1f} % | {100 * h['correct_answers']:.1f} % | "
              f"{100 * h['wrong_answers']:.1f} % | {100 * h['precision']:.1f} % |")
    print(f"\nchosen on the tuning half: {chosen['retrieval']}, latent weight "
          f"{chosen['weight']}, dimensions {chosen['dimensions']}, threshold "
          f"{chosen['threshold']:.2f}")

    # The trade-off an organisation sets (reports.TriageSettings.faq_threshold): the chosen
    # retrieval on the held-out half at other thresholds.
    index = triage.RetrievalIndex.build(
        documents, corpus=corpus if chosen["weight"] else (), semantic=chosen["weight"],
        dimensions=chosen["dimensions"] or 0, lexicon=synonyms)
    sweep = []
    print("\n| threshold (held-out half) | answered | handed to a person | right answers | "
          "wrong answers | precision |")
    print("|---|---|---|---|---|---|")
    for threshold in SWEEP:
        h = triage.evaluate_retrieval(index, [q for q, _e in test], [e for _q, e in test],
                                      threshold)._asdict()
        sweep.append({"threshold": threshold, **h})
        print(f"| {threshold:.2f} | {100 * h['answer_rate']:.1f} % | "
              f"{100 * h['handed_to_human']:.1f} % | {100 * h['correct_answers']:.1f} % | "
              f"{100 * h['wrong_answers']:.1f} % | {100 * h['precision']:.1f} % |")
    out = Path(__file__).resolve().parent / "results-faq.json"
    out.write_text(json.dumps({"chosen": chosen, "runs": rows, "sweep": sweep}, indent=1,
                              ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
