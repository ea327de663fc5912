"""The SVG chart module and the French number formatting (pure functions)."""

from __future__ import annotations

from django.utils import translation

from jalon.kit import charts
from jalon.kit.formatting import fr_criterion, fr_number, fr_significant


def test_bar_chart_is_labelled_and_escaped():
    svg = charts.bar_chart("c1", [charts.Bar("<b>Écrans</b>", 12.5, 6.0, 20.0),
                                  charts.Bar("Portables", 3.0)],
                           title="Titre & co", desc="Description")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Titre &amp; co</title>' in svg
    assert "<desc id=\"c1-desc\">Description</desc>" in svg
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "style=" not in svg


def test_stacked_and_line_charts():
    stacked = charts.stacked_bars("c2", [("gwp", [60, 10, 30, 0])], ["a", "b", "c", "d"],
                                  title="t", desc="d")
    assert stacked.count("<rect") >= 3 + 4  # three non-zero segments and four legend keys
    line = charts.line_chart("c3", [2025, 2026, 2027], [("Référence", [3, 2, 1]),
                                                        ("Scénario", [2, 1, 0.5])],
                             title="t", desc="d")
    assert line.count("<polyline") == 2 and "stroke-dasharray" in line
    assert "2025" in line and "2027" in line
    assert charts.bar_chart("c4", [], title="t", desc="d").endswith("</svg>")


def test_french_numbers():
    assert fr_number(176732.14, 1) == "176\u202f732,1"
    with translation.override("en"):
        assert fr_number(176732.14, 1) == "176,732.1"
        assert fr_significant(176.7321) == "176.7"
    assert fr_significant(176.7321) == "176,7"
    assert fr_criterion("gwp", 176732.1) == "176,7"  # kg in the contract, tonnes on pages
    assert fr_criterion("gwp", 2_345_678.0) == "2\u202f346"
    assert fr_criterion("adpe", 0.012345) == "0,01235"
    assert fr_number(None) == "–"
