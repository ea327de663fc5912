"""jalon.core.bias against figures computed by hand."""

from __future__ import annotations

import pytest

from jalon.core import bias


def rows(*specs: tuple[str, int, int, str]) -> bytes:
    """(group, decision, outcome, stratum) lines → a French CSV (cp1252, semicolons)."""
    lines = ["Groupe;Décision;Réel;Secteur"]
    lines += [f"{g};{'oui' if d else 'non'};{'oui' if o else 'non'};{s}" for g, d, o, s in specs]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


# A: 6 decisions, 4 favourable; B: 4 decisions, 1 favourable.
SMALL = rows(("A", 1, 1, "n"), ("A", 1, 1, "n"), ("A", 1, 0, "n"), ("A", 0, 1, "s"),
             ("A", 0, 0, "s"), ("A", 1, 1, "s"), ("B", 0, 1, "n"), ("B", 0, 0, "n"),
             ("B", 1, 1, "s"), ("B", 0, 0, "s"))


def measured(data: bytes = SMALL, **columns: str) -> dict:
    options = {"decision": "décision", "group": "groupe"} | columns
    return bias.measure(bias.read_decisions(data, **options))


def test_selection_rates_and_parity_by_hand():
    result = measured()
    a, b = result["groups"]["A"], result["groups"]["B"]
    assert (a["n"], a["selected"], b["n"], b["selected"]) == (6, 4, 4, 1)
    assert a["selection_rate"] == pytest.approx(4 / 6)
    assert b["selection_rate"] == pytest.approx(1 / 4)
    # DPD = 4/6 − 1/4 = 5/12 ; DPR = (1/4) / (4/6) = 3/8
    assert result["demographic_parity_difference"] == pytest.approx(5 / 12)
    assert result["demographic_parity_ratio"] == pytest.approx(3 / 8)
    assert result["small_groups"] == ["A", "B"]
    assert result["four_fifths"]["below"] is True
    assert "equalized_odds_difference" not in result


def test_true_and_false_positive_rates_and_equalized_odds_by_hand():
    result = measured(outcome="réel")
    a, b = result["groups"]["A"], result["groups"]["B"]
    # A: outcomes 1 on rows 1,2,4,6 → decided 1,1,0,1 → TPR 3/4; outcomes 0 on 3,5 → 1,0 → 1/2
    assert (a["true_positive_rate"], a["false_positive_rate"]) == (0.75, 0.5)
    # B: outcomes 1 on rows 7,9 → 0,1 → 1/2; outcomes 0 on 8,10 → 0,0 → 0
    assert (b["true_positive_rate"], b["false_positive_rate"]) == (0.5, 0.0)
    # EOD = max(|0.75 − 0.5|, |0.5 − 0|) = 0.5
    assert result["equalized_odds_difference"] == pytest.approx(0.5)


@pytest.mark.parametrize(("selected", "n"), [(4, 6), (1, 4), (30, 100), (0, 10), (10, 10)])
def test_bootstrap_interval_contains_the_rate_and_is_reproducible(selected, n):
    low, high = bias.bootstrap_interval(selected, n)
    assert low <= selected / n <= high
    assert (low, high) == bias.bootstrap_interval(selected, n)
    if selected in (0, n):
        assert low == high == selected / n  # no spread to resample


def test_bootstrap_interval_narrows_with_more_decisions():
    low_small, high_small = bias.bootstrap_interval(15, 30)
    low_large, high_large = bias.bootstrap_interval(1500, 3000)
    assert high_large - low_large < (high_small - low_small) / 5
    # the binomial standard error at p = 0.5, n = 30 is 0.091: a 95 % interval near ±0.18
    assert high_small - low_small == pytest.approx(2 * 1.96 * 0.0913, abs=0.05)


def test_simpson_reversal_by_hand():
    # Centre: A 2/10, B 3/10 ; Nord: A 9/10, B 1/1 → B ahead in both strata,
    # overall A 11/20 = 0.55, B 4/11 ≈ 0.364: A ahead overall.
    specs = ([("A", i < 2, 0, "Centre") for i in range(10)]
             + [("B", i < 3, 0, "Centre") for i in range(10)]
             + [("A", i < 9, 0, "Nord") for i in range(10)] + [("B", 1, 0, "Nord")])
    result = measured(rows(*specs), stratum="secteur")
    simpson = result["simpson"]
    assert (simpson["high"], simpson["low"]) == ("A", "B")
    assert simpson["overall_gap"] == pytest.approx(11 / 20 - 4 / 11)
    assert [round(r["gap"], 3) for r in simpson["strata"]] == [-0.1, -0.1]
    assert simpson["reversed"] is True


def test_no_reversal_when_a_stratum_agrees():
    assert measured(stratum="secteur")["simpson"]["reversed"] is False


def test_positive_value_given_and_headers_without_accents_or_ligatures():
    data = "Quartier;Vœu\nQPV;admis\nQPV;refusé\nAutre;admis\nAutre;admis\n".encode()
    result = bias.measure(bias.read_decisions(data, decision="voeu", group="QUARTIER",
                                              positive="Admis"))
    assert result["groups"]["QPV"]["selection_rate"] == 0.5
    assert result["groups"]["Autre"]["selection_rate"] == 1.0
    assert result["positive"] == "Admis"


@pytest.mark.parametrize(("data", "options", "expected"), [
    (b"", {}, "vide"),
    (b"groupe;decision\n", {}, "aucune ligne"),
    (b"groupe;decision\nA;oui\n", {"decision": "choix"}, "colonne introuvable"),
    (b"groupe;decision\nA;oui\nA;non\n", {}, "un seul groupe"),
    (b"groupe;decision\nA;peut-etre\nB;oui\n", {}, "valeur non reconnue"),
    (b"groupe;decision\nA;oui\nB;oui\n", {"positive": "admis"}, "n'apparait jamais"),
    (b"groupe;decision\n;oui\nB;oui\n", {}, "groupe vide"),
])
def test_bad_files_say_line_column_value_and_what_to_do(data, options, expected):
    with pytest.raises(bias.BiasInputError) as caught:
        bias.read_decisions(data, **({"decision": "decision", "group": "groupe"} | options))
    text = str(caught.value).replace("apparaît", "apparait")
    assert expected in text


def test_bad_value_is_located():
    with pytest.raises(bias.BiasInputError) as caught:
        bias.read_decisions(b"groupe;decision\nA;oui\nB;bof\n", decision="decision",
                            group="groupe")
    problem = caught.value.problems[0]
    assert (problem.line, problem.column, problem.value) == (3, "decision", "bof")


def test_one_frame_gives_fairlearns_own_figures():
    """The figures read from one MetricFrame equal Fairlearn's named functions."""
    import numpy as np
    from fairlearn.metrics import (
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
    )

    rng = np.random.default_rng(3)
    groups = rng.choice(["A", "B", "C"], 300)
    decided = rng.random(300) < np.where(groups == "A", 0.6, 0.4)
    outcome = rng.random(300) < 0.5
    lines = ["g;d;o"] + [f"{g};{int(d)};{int(o)}"
                         for g, d, o in zip(groups, decided, outcome, strict=True)]
    result = bias.measure(bias.read_decisions("\n".join(lines).encode(), decision="d",
                                              group="g", outcome="o"))
    y_true, y_pred = outcome.astype(int), decided.astype(int)
    assert result["demographic_parity_difference"] == pytest.approx(
        demographic_parity_difference(y_true, y_pred, sensitive_features=groups))
    assert result["demographic_parity_ratio"] == pytest.approx(
        demographic_parity_ratio(y_true, y_pred, sensitive_features=groups))
    assert result["equalized_odds_difference"] == pytest.approx(
        equalized_odds_difference(y_true, y_pred, sensitive_features=groups))
