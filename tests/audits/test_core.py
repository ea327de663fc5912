"""Table tests of the pure rules (jalon.core.audits, audits_checks, audits_referentials)."""

from __future__ import annotations

import datetime as dt

import pytest

from jalon.core import audits as rules
from jalon.core import audits_referentials as referentials
from jalon.core.audits_checks import FAIL, NOT_APPLICABLE, PASS, run_checks, site_of

D = dt.date


# --- EcoIndex ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("dom", "requests", "size_kb", "score", "grade"), [
    (366, 64, 13242, 55, "D"),   # cnumr/EcoIndex_python#114: ecoindex.fr gives D 55
    (693, 78, 2420, 44, "D"),    # the HTTP Archive medians (audit-anchors.md §2)
    (600, 40, 1024, 61, "C"),    # the EcoIndex targets
    (0, 0, 0, 100, "A"),
    (9, 2, 0.4, 98, "A"),
])
def test_ecoindex_matches_the_reference(dom, requests, size_kb, score, grade):
    result = rules.ecoindex(dom, requests, size_kb)
    assert (result.score, result.grade) == (score, grade)
    assert result.ghg == rules.ghg_of(score)
    assert result.water == rules.water_of(score)


@pytest.mark.parametrize(("score", "grade"), [
    (100, "A"), (81, "A"), (80, "B"), (71, "B"), (70, "C"), (56, "C"), (55, "D"),
    (41, "D"), (40, "E"), (26, "E"), (25, "F"), (11, "F"), (10, "G"), (0, "G")])
def test_grades_are_strict(score, grade):
    assert rules.grade_of(score) == grade


def test_partial_scores_weigh_into_the_score():
    result = rules.ecoindex(843, 105, 2142.06)  # each on the 13th quantile
    assert result.partial == {"dom": 35.0, "requests": 35.0, "size": 35.0}
    assert result.score == 35


@pytest.mark.parametrize(("dom", "requests", "size_kb"), [
    (693, 78, 2420), (366, 64, 13242), (1500, 120, 3000), (300, 30, 500), (5000, 300, 9000)])
def test_what_if_reaches_the_next_grade_and_no_further(dom, requests, size_kb):
    now = rules.ecoindex(dom, requests, size_kb)
    values = {"dom": dom, "requests": requests, "size": size_kb}
    assert {w.metric for w in now.what_if} == {"dom", "requests", "size"}
    for hint in now.what_if:
        assert hint.grade == rules.GRADES[rules.GRADES.index(now.grade) - 1]
        if hint.needed is None:
            best = dict(values, **{hint.metric: 0})
            assert rules.score_of(int(best["dom"]), int(best["requests"]),
                                  best["size"]) <= rules.GRADE_FLOOR[hint.grade]
            continue
        trial = dict(values, **{hint.metric: hint.needed})
        reached = rules.score_of(int(trial["dom"]), int(trial["requests"]), trial["size"])
        assert rules.grade_of(reached) == hint.grade
        step = 0.01 if hint.metric == "size" else 1
        over = dict(values, **{hint.metric: hint.needed + step})
        assert rules.grade_of(rules.score_of(int(over["dom"]), int(over["requests"]),
                                             over["size"])) != hint.grade


def test_what_if_is_empty_for_grade_a():
    assert rules.ecoindex(10, 2, 5).what_if == []


def test_spread_of_runs():
    spread = rules.spread([62, 60, 65])
    assert (spread.median, spread.minimum, spread.maximum, spread.range) == (62, 60, 65, 5)
    assert rules.median_run([{"dom": 10, "requests": 3, "size": 1.0},
                             {"dom": 12, "requests": 5, "size": 3.0},
                             {"dom": 11, "requests": 4, "size": 2.0}]) == {
        "dom": 11, "requests": 4, "size": 2.0}
    with pytest.raises(ValueError):
        rules.spread([])


def test_run_sync_drives_ecoindex_coroutines_inside_a_running_loop():
    import asyncio
    import concurrent.futures

    async def inside() -> int:
        return rules.score_of(693, 78, 2420)

    # In a thread of its own: the browser suite's Playwright keeps a loop running in the
    # test thread for the whole session, and pytest-django runs those tests first.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, inside()).result() == 44


# --- RGAA --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("statuses", "expected"), [
    (["C", "C"], "C"), (["C", "NC"], "NC"), (["C", "NA"], "C"), (["NA", "NA"], "NA"),
    (["C", ""], ""), (["NC", ""], "NC"), ([], "")])
def test_criterion_result_across_pages(statuses, expected):
    assert rules.criterion_result(statuses) == expected


@pytest.mark.parametrize(("grid", "rate", "state"), [
    ({"1.1": {"a": "C"}, "1.2": {"a": "C"}}, 100.0, rules.TOTAL),
    ({"1.1": {"a": "C", "b": "NC"}, "1.2": {"a": "C"}}, 50.0, rules.PARTIAL),
    ({"1.1": {"a": "NC"}, "1.2": {"a": "C"}, "1.3": {"a": "NC"}}, 33.33, rules.NONE),
    ({"1.1": {"a": "NA"}, "1.2": {"a": "C", "b": "NA"}}, 100.0, rules.TOTAL),
    ({"1.1": {"a": "NA"}}, None, rules.NONE),
    ({"1.1": {"a": ""}, "1.2": {"a": "C"}}, 100.0, rules.TOTAL),
])
def test_rgaa_rate_is_validated_over_applicable(grid, rate, state):
    result = rules.rgaa_rate(grid)
    assert result.rate == rate
    assert result.state == state


def test_rgaa_rate_lists_failed_criteria_in_order():
    result = rules.rgaa_rate({"10.4": {"": "NC"}, "9.1": {"": "NC"}, "1.1": {"": "C"},
                              "2.1": {"": ""}})
    assert result.failed == ("9.1", "10.4")
    assert (result.applicable, result.validated, result.untested) == (3, 1, 1)
    assert not result.complete


@pytest.mark.parametrize(("tags", "criteria"), [
    (["wcag2a", "RGAAv4", "RGAA-1.1.1", "RGAA-1.1.5"], ["1.1"]),
    (["RGAA-10.4.2", "RGAA-9.1.3"], ["9.1", "10.4"]),
    (["wcag2aa", "cat.color"], []),
])
def test_axe_tags_give_rgaa_criteria(tags, criteria):
    assert rules.rgaa_criteria_of(tags) == criteria


# --- RGESN -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("entries", "score", "unjustified"), [
    ([("1.1", "prioritaire", "C", ""), ("1.3", "recommandé", "NC", "")],
     round(100 * 1.5 / 2.75, 1), ()),
    ([("1.1", "prioritaire", "C", ""), ("1.7", "modéré", "NA", "pas de chiffrement")],
     100.0, ()),
    ([("1.7", "modéré", "NA", "  ")], None, ("1.7",)),
    ([("1.1", "prioritaire", "", "")], None, ()),
    ([("4.8", "modéré", "C", ""), ("4.1", "prioritaire", "NC", ""),
      ("6.1", "recommandé", "C", "")], round(100 * 2.25 / 3.75, 1), ()),
])
def test_rgesn_score_d_avancement(entries, score, unjustified):
    progress = rules.rgesn_score(entries)
    assert progress.score == score
    assert progress.unjustified_na == unjustified


# --- Declarations ------------------------------------------------------------------------------

@pytest.mark.parametrize(("established", "today", "change", "new_version", "status"), [
    (None, D(2026, 1, 1), None, None, rules.MISSING),
    (D(2024, 3, 1), D(2026, 1, 1), None, None, rules.CURRENT),
    (D(2023, 1, 15), D(2026, 1, 15), None, None, rules.CURRENT),
    (D(2023, 1, 15), D(2026, 1, 16), None, None, rules.EXPIRED),
    (D(2024, 3, 1), D(2025, 1, 1), D(2024, 9, 1), None, rules.SUPERSEDED),
    (D(2024, 3, 1), D(2025, 1, 1), D(2024, 1, 1), None, rules.CURRENT),
    (D(2024, 3, 1), D(2025, 11, 30), None, D(2024, 6, 1), rules.CURRENT),
    (D(2024, 3, 1), D(2026, 1, 2), None, D(2024, 6, 30), rules.EXPIRED),
])
def test_declaration_status(established, today, change, new_version, status):
    assert rules.declaration_status(established, today, change, new_version) == status


@pytest.mark.parametrize(("state", "status", "text"), [
    (rules.TOTAL, rules.CURRENT, "Accessibilité : totalement conforme"),
    (rules.PARTIAL, rules.CURRENT, "Accessibilité : partiellement conforme"),
    (rules.PARTIAL, rules.EXPIRED, "Accessibilité : non conforme"),
    (None, rules.MISSING, "Accessibilité : non conforme"),
])
def test_homepage_mention(state, status, text):
    assert rules.homepage_mention(state, status) == text


def test_add_months_keeps_the_end_of_month():
    assert rules.add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert rules.add_months(D(2024, 8, 31), 18) == D(2026, 2, 28)


# --- SSRF --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "private", "loopback", "refused"), [
    ("93.184.216.34", False, False, False),
    ("2606:4700::1111", False, False, False),
    ("127.0.0.1", False, False, True),
    ("127.0.0.1", False, True, False),
    ("::1", False, True, False),
    ("10.1.2.3", False, False, True),
    ("10.1.2.3", True, False, False),
    ("192.168.1.10", False, True, True),
    ("172.16.0.1", False, False, True),
    ("100.64.0.1", False, False, True),
    ("169.254.169.254", False, True, True),
    ("169.254.169.254", True, False, False),
    ("fe80::1", False, False, True),
    ("fd00::1", False, False, True),
    ("::ffff:127.0.0.1", False, False, True),
    ("0.0.0.0", True, True, True),  # noqa: S104 (an address refused, not bound)
    ("224.0.0.1", True, True, True),
    ("not-an-ip", True, True, True),
])
def test_address_refusal(address, private, loopback, refused):
    reason = rules.address_refusal(address, allow_private=private, allow_loopback=loopback)
    assert (reason is not None) is refused


def test_a_name_with_one_private_address_is_refused():
    with pytest.raises(rules.RefusedAddress):
        rules.check_addresses(["93.184.216.34", "10.0.0.1"])
    with pytest.raises(rules.RefusedAddress):
        rules.check_addresses([])
    rules.check_addresses(["93.184.216.34"])


# --- Gates -------------------------------------------------------------------------------------

def _page(url, status="ok", score=90, violations=0):
    return {"url": url, "status": status, "ecoindex": {"score": score},
            "axe": {"violations": [{"id": f"r{i}"} for i in range(violations)]}}


@pytest.mark.parametrize(("pages", "min_eco", "max_axe", "failures"), [
    ([_page("a")], None, None, 0),
    ([_page("a", score=50)], 60, None, 1),
    ([_page("a", score=60)], 60, None, 0),
    ([_page("a", violations=2)], None, 1, 1),
    ([_page("a", violations=1)], None, 1, 0),
    ([_page("a", status="timeout")], None, None, 1),
    ([_page("a", score=10, violations=5), _page("b")], 50, 0, 2),
])
def test_gates(pages, min_eco, max_axe, failures):
    assert len(rules.gate_failures(pages, min_ecoindex=min_eco,
                                   max_axe_violations=max_axe)) == failures


# --- RGESN checks ------------------------------------------------------------------------------

def _resource(url, type_, mime, size=5000, protocol="h2", **headers):
    return {"url": url, "type": type_, "mime": mime, "bytes": size, "protocol": protocol,
            "headers": headers}


def test_checks_on_a_sober_page():
    observation = {
        "url": "https://www.ville.fr/", "size_kb": 120, "requests": 6,
        "resources": [
            _resource("https://www.ville.fr/", "Document", "text/html",
                      **{"content-encoding": "br", "cache-control": "no-cache"}),
            _resource("https://www.ville.fr/a.css", "Stylesheet", "text/css",
                      **{"content-encoding": "gzip", "cache-control": "max-age=31536000"}),
            _resource("https://www.ville.fr/i.webp", "Image", "image/webp",
                      **{"cache-control": "public, max-age=600"}),
            _resource("https://static.ville.fr/f.woff2", "Font", "font/woff2", size=30000,
                      **{"cache-control": "immutable"}),
        ],
        "images": [{"src": "https://www.ville.fr/i.webp", "natural_w": 800, "shown_w": 400}],
        "media": [],
    }
    results = {c.id: c.result for c in run_checks(observation)}
    assert results == {"https": PASS, "weight-per-screen": PASS, "cache-headers": PASS,
                       "compression": PASS, "image-formats": PASS, "image-sizes": PASS,
                       "fonts": PASS, "autoplay": NOT_APPLICABLE, "http2": PASS,
                       "single-domain": FAIL, "third-party": PASS}


def test_checks_on_a_heavy_page():
    observation = {
        "url": "http://mairie.fr/", "size_kb": 3000, "requests": 90,
        "resources": [
            _resource("http://mairie.fr/", "Document", "text/html", protocol="http/1.1"),
            _resource("http://mairie.fr/p.jpg", "Image", "image/jpeg", protocol="http/1.1"),
            _resource("https://cdn.tiers.com/x.js", "Script", "application/javascript"),
            *[_resource(f"http://mairie.fr/f{i}.woff", "Font", "font/woff", size=150000,
                        protocol="http/1.1") for i in range(5)],
        ],
        "images": [{"src": "http://mairie.fr/p.jpg", "natural_w": 2400, "shown_w": 300}],
        "media": [{"tag": "video", "src": "v.mp4", "autoplay": True, "playing": True}],
    }
    checks = {c.id: c for c in run_checks(observation)}
    assert {k for k, c in checks.items() if c.result == FAIL} == {
        "https", "weight-per-screen", "cache-headers", "compression", "image-formats",
        "image-sizes", "fonts", "autoplay", "http2", "third-party"}
    assert "cdn.tiers.com" in checks["third-party"].evidence
    assert "2400 px" in checks["image-sizes"].evidence
    assert checks["fonts"].criterion == "4.8"


@pytest.mark.parametrize(("host", "site"), [
    ("www.ville.fr", "ville.fr"), ("static.ville.fr", "ville.fr"), ("localhost", "localhost"),
    ("127.0.0.1", "127.0.0.1"), ("[::1]", "::1")])
def test_site_of(host, site):
    assert site_of(host) == site


# --- Referentials ------------------------------------------------------------------------------

def test_rgaa_referential():
    criteria = referentials.rgaa()
    assert len(criteria) == 106
    assert len(referentials.rgaa_themes()) == 13
    assert [len(referentials.rgaa_for_size(n)) for n in (25, 50, 106)] == [25, 50, 106]
    assert {c.level for c in criteria} == {"A", "AA"}
    by_number = referentials.rgaa_by_number()
    assert by_number["3.2"].level == "AA"
    assert by_number["1.1"].url.endswith("#1.1")
    assert all(c.description and c.source and c.licence and c.version == "4.1.2"
               for c in criteria)
    with pytest.raises(ValueError):
        referentials.rgaa_for_size(30)


def test_rgesn_referential():
    criteria = referentials.rgesn()
    assert len(criteria) == 78
    themes: dict[int, int] = {}
    for c in criteria:
        themes[c.theme_number] = themes.get(c.theme_number, 0) + 1
    assert themes == {1: 10, 2: 10, 3: 7, 4: 15, 5: 8, 6: 7, 7: 4, 8: 10, 9: 7}
    assert {c.weight for c in criteria} == {1.5, 1.25, 1.0}
    assert {c.priority: c.weight for c in criteria} == rules.RGESN_WEIGHTS
    assert all(c.description and c.source and c.licence for c in criteria)
    automated = {check for c in criteria for check in c.automated_checks}
    assert {"image-formats", "compression", "http2", "autoplay"} <= automated


@pytest.mark.parametrize("name", ["rgaa-4.1.2", "rgesn-2024"])
def test_referential_files_follow_their_table_schema(name):
    from frictionless import Resource, Schema

    # frictionless refuses absolute paths as "not safe": names and a basepath.
    folder = referentials.folder()
    schema = Schema.from_descriptor(f"{name}.schema.json", basepath=str(folder / "schemas"))
    report = Resource(f"{name}.csv", basepath=str(folder), schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])[:5]


def _events(network, *events):
    for name, params in events:
        getattr(network, {"sent": "_sent", "response": "_response", "finished": "_finished",
                          "failed": "_failed"}[name])(params)
    return network


def test_a_request_that_fails_after_its_response_counts_the_bytes_received():
    """Chromium finishes or aborts a broken video's 404 depending on timing: the page's size
    must be the same either way (it made CI flaky when only finished requests counted)."""
    from jalon.core.audits_browser import _Network

    def page(end):
        return _events(
            _Network(),
            ("sent", {"requestId": "1", "request": {"url": "http://x/"}}),
            ("response", {"requestId": "1", "response": {"url": "http://x/",
                                                         "encodedDataLength": 150}}),
            ("finished", {"requestId": "1", "encodedDataLength": 489}),
            ("sent", {"requestId": "2", "request": {"url": "http://x/clip.webm"}}),
            ("response", {"requestId": "2", "response": {"url": "http://x/clip.webm",
                                                         "status": 404,
                                                         "encodedDataLength": 144}}),
            end,
            # The favicon headless Chromium asks for and drops before any answer: not counted.
            ("sent", {"requestId": "3", "request": {"url": "http://x/favicon.ico"}}),
            ("failed", {"requestId": "3", "canceled": True}))

    finished = page(("finished", {"requestId": "2", "encodedDataLength": 144}))
    aborted = page(("failed", {"requestId": "2", "canceled": True,
                               "errorText": "net::ERR_ABORTED"}))
    assert (finished.bytes, finished.requests) == (633, 2)
    assert (aborted.bytes, aborted.requests) == (633, 2)
    assert [r["bytes"] for r in aborted.resources()] == [489, 144]
