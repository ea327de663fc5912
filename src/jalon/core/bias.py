"""Bias measurement on the decisions of an algorithm, without Django.

Input: one row per decision, with the group of the person concerned, the decision (favourable
or not), optionally the true outcome (what should have been decided, known afterwards) and a
stratifying column (for instance the school sector or the kind of request).

Figures (https://fairlearn.org/main/user_guide/assessment/):
- per group: count, selection rate (share of favourable decisions) and its percentile
  bootstrap confidence interval. The bootstrap resamples each group's decisions with
  replacement; for a yes/no decision the resampled count of favourable decisions follows a
  binomial law Bin(n, p̂), which we draw directly (same distribution as resampling the rows,
  thousands of times faster than fairlearn's whole-frame bootstrap, and reproducible with
  the seed);
- demographic parity difference (largest minus smallest selection rate) and ratio (smallest
  over largest), computed by Fairlearn;
- with outcomes: true and false positive rates per group and the equalized odds difference
  (the larger of the TPR and FPR differences), computed by Fairlearn;
- cautions: groups under 30 decisions (their rates move a lot by chance), Simpson's paradox
  (every stratum shows the opposite gap to the overall one) and the « four-fifths rule » of
  the US EEOC Uniform Guidelines (29 CFR 1607.4 D), shown only as a caution: it is a rule of
  thumb for adverse impact in US hiring, not a legal threshold in France or the EU.

Reading: the file as French spreadsheets write it (UTF-8 or Windows-1252, comma, semicolon or
tab); any bad line and nothing is computed: the errors say line, column, value and what to do.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from jalon.core.readers.text import decode, normalise_header, sniff_delimiter

SMALL_GROUP: Final = 30
FOUR_FIFTHS: Final = 0.8
BOOTSTRAP: Final = 2000
CONFIDENCE: Final = 0.95
MAX_ROWS: Final = 200_000
MAX_GROUPS: Final = 50
# Values read as « favourable » or « unfavourable » when the positive value is not given.
TRUE_WORDS: Final = frozenset({"1", "oui", "o", "vrai", "true", "yes", "y", "accepte",
                               "acceptee", "accord", "favorable", "admis", "admise",
                               "attribue", "attribuee", "positif", "retenu", "retenue"})
FALSE_WORDS: Final = frozenset({"0", "non", "n", "faux", "false", "no", "refuse", "refusee",
                                "rejete", "rejetee", "defavorable", "non admis", "non admise",
                                "negatif", "non retenu", "non retenue", "non attribue"})


@dataclass(frozen=True, slots=True)
class Problem:
    line: int  # 0: the whole file
    column: str
    value: str
    message: str  # French: what is wrong and what to do

    def __str__(self) -> str:
        where = f"ligne {self.line}" if self.line else "fichier"
        col = f", colonne « {self.column} »" if self.column else ""
        val = f", valeur « {self.value} »" if self.value else ""
        return f"{where}{col}{val} : {self.message}"


class BiasInputError(ValueError):
    """The file cannot be used; `problems` lists every reason (at most 50)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]))


@dataclass(frozen=True, slots=True)
class Decisions:
    groups: list[str]
    decisions: list[bool]
    outcomes: list[bool] | None = None
    strata: list[str] | None = None
    positive: str = ""
    outcome_positive: str = ""
    encoding: str = ""
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # role → header in the file


def _plain(value: str) -> str:
    """Compared without case, accents or ligatures (« Vœu » = « voeu »)."""
    return normalise_header(value.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
                            .replace("Æ", "AE"))


def _find(headers: list[str], wanted: str, role: str) -> int:
    target = _plain(wanted)
    for index, header in enumerate(headers):
        if _plain(header) == target:
            return index
    raise BiasInputError([Problem(0, wanted, "", (
        f"colonne introuvable (rôle : {role}) ; les colonnes du fichier sont : "
        + ", ".join(f"« {h} »" for h in headers if h.strip())
        + ". Vérifiez l'orthographe du nom de colonne.")[:600])])


def _binary(values: list[str], positive: str | None, column: str, what: str,
            first_line: int) -> tuple[list[bool], str, list[Problem]]:
    """Values of a yes/no column → booleans, and the value taken as favourable."""
    problems: list[Problem] = []
    # Each distinct value is normalised once (a column holds a handful of them).
    plain_of = {v: _plain(v) for v in set(values)}
    if positive is not None and positive.strip():
        wanted = _plain(positive)
        if wanted not in plain_of.values():
            shown = ", ".join(sorted(f"« {v} »" for v in {v.strip() for v in values})[:10])
            problems.append(Problem(0, column, positive, (
                f"la valeur {what} indiquée n'apparaît jamais dans la colonne ; valeurs "
                f"présentes : {shown}.")))
            return [], positive, problems
        return [plain_of[v] == wanted for v in values], positive.strip(), problems
    out: list[bool] = []
    for offset, value in enumerate(values):
        plain = plain_of[value]
        if plain in TRUE_WORDS:
            out.append(True)
        elif plain in FALSE_WORDS:
            out.append(False)
        elif len(problems) < 50:
            problems.append(Problem(first_line + offset, column, value, (
                "valeur non reconnue comme oui/non ; écrivez 1 ou 0, oui ou non, ou indiquez "
                f"quelle valeur est {what} (option --positive ou champ « valeur favorable »).")))
    return out, "1/oui", problems


def read_decisions(data: bytes, *, decision: str, group: str, outcome: str | None = None,
                   stratum: str | None = None, positive: str | None = None,
                   outcome_positive: str | None = None) -> Decisions:
    """Parse a CSV of decisions; raises BiasInputError with every problem found."""
    if not data.strip():
        raise BiasInputError([Problem(0, "", "", "le fichier est vide ; déposez un fichier "
                                                 "CSV avec une ligne d'en-têtes.")])
    text, encoding = decode(data, "décisions")
    lines = text.splitlines()
    delimiter = sniff_delimiter(lines[:20])
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise BiasInputError([Problem(0, "", "", "aucune ligne de décision sous les en-têtes ; "
                                                 "une ligne par décision est attendue.")])
    if len(rows) - 1 > MAX_ROWS:
        raise BiasInputError([Problem(0, "", "", (
            f"{len(rows) - 1} lignes : au plus {MAX_ROWS} ; découpez le fichier."))])
    headers = rows[0]
    roles = {"decision": decision, "group": group}
    if outcome:
        roles["outcome"] = outcome
    if stratum:
        roles["stratum"] = stratum
    labels = {"decision": "décision", "group": "groupe", "outcome": "résultat réel",
              "stratum": "strate"}
    problems: list[Problem] = []
    index: dict[str, int] = {}
    for role, name in roles.items():
        try:
            index[role] = _find(headers, name, labels[role])
        except BiasInputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise BiasInputError(problems)
    if len(set(index.values())) < len(index):
        raise BiasInputError([Problem(0, decision, "", "la même colonne sert à deux rôles ; "
                                                      "choisissez des colonnes différentes.")])
    width = max(index.values()) + 1
    body = rows[1:]
    # Physical line numbers: header is line 1 when no blank line precedes it (the usual case).
    first = 2
    cells: dict[str, list[str]] = {role: [] for role in index}
    for offset, row in enumerate(body):
        line = first + offset
        if len(row) < width:
            if len(problems) < 50:
                problems.append(Problem(line, "", delimiter.join(row)[:80], (
                    f"{len(row)} champ(s) au lieu d'au moins {width} ; vérifiez le séparateur "
                    "et les guillemets de cette ligne.")))
            continue
        for role, i in index.items():
            cells[role].append(row[i].strip())
        if not row[index["group"]].strip() and len(problems) < 50:
            problems.append(Problem(line, headers[index["group"]], "", (
                "groupe vide ; indiquez le groupe de chaque décision (ou « inconnu »).")))
        if stratum and not row[index["stratum"]].strip() and len(problems) < 50:
            problems.append(Problem(line, headers[index["stratum"]], "", "strate vide."))
    if problems:
        raise BiasInputError(problems)
    decisions, positive_used, errors = _binary(cells["decision"], positive,
                                               headers[index["decision"]], "favorable", first)
    problems.extend(errors)
    outcomes: list[bool] | None = None
    outcome_used = ""
    if outcome:
        outcomes, outcome_used, errors = _binary(
            cells["outcome"], outcome_positive, headers[index["outcome"]],
            "favorable pour le résultat réel", first)
        problems.extend(errors)
    if problems:
        raise BiasInputError(problems[:50])
    groups = cells["group"]
    distinct = set(groups)
    if len(distinct) < 2:
        raise BiasInputError([Problem(0, headers[index["group"]], "", (
            "un seul groupe dans le fichier : il en faut au moins deux pour comparer."))])
    if len(distinct) > MAX_GROUPS:
        raise BiasInputError([Problem(0, headers[index["group"]], "", (
            f"{len(distinct)} groupes différents : au plus {MAX_GROUPS} ; regroupez les "
            "valeurs (la colonne choisie est-elle bien celle du groupe ?)."))])
    return Decisions(groups=groups, decisions=decisions, outcomes=outcomes,
                     strata=cells.get("stratum"), positive=positive_used,
                     outcome_positive=outcome_used, encoding=encoding, delimiter=delimiter,
                     columns={role: headers[i] for role, i in index.items()})


def _num(value: Any) -> float | None:
    """A JSON-safe float (None for NaN or infinity)."""
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def bootstrap_interval(selected: int, n: int, *, draws: int = BOOTSTRAP,
                       confidence: float = CONFIDENCE,
                       rng: np.random.Generator | None = None) -> tuple[float, float]:
    """Percentile bootstrap interval of a proportion selected/n (resampling the n decisions
    with replacement, drawn as Bin(n, selected/n))."""
    if n <= 0:
        return (math.nan, math.nan)
    rng = rng if rng is not None else np.random.default_rng(0)
    rates = rng.binomial(n, selected / n, size=draws) / n
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(rates, [tail, 100 - tail])
    return float(low), float(high)


def _fairlearn(groups: list[str], decisions: list[bool], outcomes: list[bool] | None
               ) -> dict[str, Any]:
    """The Fairlearn figures (imported here: the library takes seconds to import).

    One MetricFrame gives every figure: its between-groups difference and ratio of the
    selection rate are Fairlearn's demographic_parity_difference and _ratio, and the larger
    of the TPR and FPR differences is its equalized_odds_difference (agg="worst_case") —
    the same definitions, without building four frames (each one costs a pass over the rows).
    """
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )

    y_pred = np.asarray(decisions, dtype=int)
    y_true = np.asarray(outcomes, dtype=int) if outcomes is not None else y_pred
    features = np.asarray(groups, dtype=object)
    out: dict[str, Any] = {}
    with warnings.catch_warnings():
        # A group without any true positive (or negative) has an undefined rate: reported as
        # null, not as a warning on the console.
        warnings.simplefilter("ignore")
        metrics: dict[str, Any] = {"selection_rate": selection_rate}
        if outcomes is not None:
            metrics |= {"tpr": true_positive_rate, "fpr": false_positive_rate}
        frame = MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred,
                            sensitive_features=features)
        out["by_group"] = {str(k): {m: _num(v) for m, v in row.items()}
                           for k, row in frame.by_group.to_dict(orient="index").items()}
        difference = frame.difference(method="between_groups")
        ratio = frame.ratio(method="between_groups")
        out["dpd"] = _num(difference["selection_rate"])
        out["dpr"] = _num(ratio["selection_rate"])
        if outcomes is not None:
            out["eod"] = _num(max(difference["tpr"], difference["fpr"]))
    return out


def _rates(groups: Sequence[str], decisions: Sequence[bool]) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = {}
    for g, d in zip(groups, decisions, strict=True):
        entry = counts.setdefault(g, [0, 0])
        entry[0] += 1
        entry[1] += int(d)
    return {g: (n, k) for g, (n, k) in counts.items()}


def simpson(groups: Sequence[str], decisions: Sequence[bool], strata: Sequence[str],
            high: str, low: str) -> dict[str, Any]:
    """The gap between `high` (highest overall rate) and `low` within each stratum where both
    groups have decisions; `reversed` when every such stratum shows `low` strictly above
    `high` although `high` is above overall (the stratified view reverses the overall gap:
    Simpson's paradox, typically when the groups apply to strata of different selectivity)."""
    by_stratum: dict[str, tuple[list[str], list[bool]]] = {}
    for g, d, s in zip(groups, decisions, strata, strict=True):
        gs, ds = by_stratum.setdefault(s, ([], []))
        gs.append(g)
        ds.append(d)
    rows: list[dict[str, Any]] = []
    gaps: list[float] = []
    for name in sorted(by_stratum):
        counts = _rates(*by_stratum[name])
        rates = {g: (k / n) for g, (n, k) in counts.items()}
        gap = rates[high] - rates[low] if high in rates and low in rates else None
        if gap is not None:
            gaps.append(gap)
        rows.append({"stratum": name, "n": {g: n for g, (n, _k) in counts.items()},
                     "rates": rates, "gap": gap})
    overall = _rates(groups, decisions)
    overall_gap = overall[high][1] / overall[high][0] - overall[low][1] / overall[low][0]
    return {"high": high, "low": low, "overall_gap": overall_gap, "strata": rows,
            "reversed": bool(gaps) and overall_gap > 0 and all(g < 0 for g in gaps)}


def measure(data: Decisions, *, draws: int = BOOTSTRAP, confidence: float = CONFIDENCE,
            seed: int = 0) -> dict[str, Any]:
    """Every figure of the report, as a JSON-ready dict (the contract of `jalon bias`)."""
    rng = np.random.default_rng(seed)
    counts = _rates(data.groups, data.decisions)
    fair = _fairlearn(data.groups, data.decisions, data.outcomes)
    groups: dict[str, dict[str, Any]] = {}
    for name in sorted(counts):
        n, selected = counts[name]
        low, high = bootstrap_interval(selected, n, draws=draws, confidence=confidence, rng=rng)
        entry: dict[str, Any] = {"n": n, "selected": selected,
                                 "selection_rate": selected / n,
                                 "ci_low": low, "ci_high": high, "small": n < SMALL_GROUP}
        if data.outcomes is not None:
            entry["true_positive_rate"] = fair["by_group"][name].get("tpr")
            entry["false_positive_rate"] = fair["by_group"][name].get("fpr")
        groups[name] = entry
    rates = {g: e["selection_rate"] for g, e in groups.items()}
    high_group = max(rates, key=lambda g: (rates[g], g))
    low_group = min(rates, key=lambda g: (rates[g], g))
    ratio = fair["dpr"]
    result: dict[str, Any] = {
        "n": len(data.decisions),
        "selected": sum(data.decisions),
        "overall_selection_rate": sum(data.decisions) / len(data.decisions),
        "groups": groups,
        "highest_group": high_group,
        "lowest_group": low_group,
        "demographic_parity_difference": fair["dpd"],
        "demographic_parity_ratio": ratio,
        "small_groups": [g for g, e in groups.items() if e["small"]],
        "four_fifths": {"ratio": ratio, "threshold": FOUR_FIFTHS,
                        "below": ratio is not None and ratio < FOUR_FIFTHS},
        "positive": data.positive,
        "columns": data.columns,
        "method": {"library": "fairlearn", "bootstrap_draws": draws,
                   "confidence": confidence, "seed": seed, "small_group": SMALL_GROUP},
    }
    if data.outcomes is not None:
        result["equalized_odds_difference"] = fair["eod"]
        result["outcome_positive"] = data.outcome_positive
    if data.strata is not None:
        result["simpson"] = simpson(data.groups, data.decisions, data.strata, high_group,
                                    low_group)
    return result
