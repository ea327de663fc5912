"""The browser pass against pages served on loopback: a good page, a page with known faults,
and bad targets, each with its status (Debian's Chromium headless shell, never downloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.audits.conftest import needs_chromium

from jalon.core.audits_browser import Settings, audit_pages

pytestmark = needs_chromium

FAST = {"wait_before_scroll_s": 0.1, "wait_after_scroll_s": 0.1, "allow_loopback": True}


@pytest.fixture(scope="module")
def results(site_url):
    pages = audit_pages([f"{site_url}/good.html"], Settings(runs=3, **FAST))
    urls = [f"{site_url}/faulty.html", f"{site_url}/missing.html",
            f"{site_url}/broken.html", f"{site_url}/document.pdf", f"{site_url}/export.csv",
            f"{site_url}/loop",
            "http://unresolvable.invalid/", "ftp://example.org/"]
    pages += audit_pages(urls, Settings(runs=1, **FAST))
    return {r["url"].removeprefix(site_url): r for r in pages}


def test_good_page(results):
    good = results["/good.html"]
    assert good["status"] == "ok"
    eco = good["ecoindex"]
    assert eco["grade"] == "A"
    assert eco["score"] > 90
    assert 15 <= eco["dom_nodes"] <= 40
    # The page and its stylesheet: the favicon request Chromium makes, then cancels, is not
    # one of the page's (ecoindex-cli's HAR does not have it either).
    assert eco["requests"] == 2
    assert eco["runs"][0]["dom_nodes_main_frame"] == eco["runs"][0]["dom_nodes"]  # no iframe
    assert eco["spread"]["score"]["runs"] == 3
    assert len(eco["runs"]) == 3
    assert set(eco["partial_scores"]) == {"dom", "requests", "size"}
    assert good["axe"]["violations"] == []
    checks = {c["id"]: c["result"] for c in good["rgesn"]}
    assert checks["compression"] == "pass"  # the stylesheet is gzip-compressed
    assert checks["cache-headers"] == "pass"
    assert checks["autoplay"] == "not_applicable"
    assert checks["https"] == "fail"  # served over plain HTTP
    protocol = good["protocol"]
    assert protocol["viewport_measured"] == {"width": 1920, "height": 1080}
    assert protocol["runs"] == 3
    assert "HeadlessChrome" in protocol["user_agent"]
    assert good["tools"]["axe_core"].startswith("4.")
    assert good["tools"]["ecoindex_compute"]


def test_faulty_page_has_its_known_faults(results):
    faulty = results["/faulty.html"]
    assert faulty["status"] == "ok"
    rules = {v["id"]: v for v in faulty["axe"]["violations"]}
    assert {"image-alt", "link-name", "label", "html-has-lang", "document-title",
            "color-contrast"} <= set(rules)
    assert rules["image-alt"]["rgaa"] == ["1.1"]
    assert rules["html-has-lang"]["rgaa"] == ["8.3"]
    assert rules["document-title"]["rgaa"] == ["8.5"]
    assert rules["color-contrast"]["rgaa"] == ["3.2"]
    assert rules["image-alt"]["elements"][0]["target"] == ["img"]
    checks = {c["id"]: c for c in faulty["rgesn"]}
    assert checks["image-formats"]["result"] == "fail"
    assert checks["image-sizes"]["result"] == "fail"
    assert "800 px" in checks["image-sizes"]["evidence"]
    assert checks["autoplay"]["result"] == "fail"
    assert checks["compression"]["result"] == "fail"
    assert checks["cache-headers"]["result"] == "fail"


@pytest.mark.parametrize(("path", "status"), [
    ("/missing.html", "http_error"), ("/broken.html", "http_error"),
    ("/document.pdf", "not_html"), ("/export.csv", "not_html"), ("/loop", "redirect_loop"),
    ("http://unresolvable.invalid/", "unreachable"), ("ftp://example.org/", "invalid_url")])
def test_bad_targets_get_a_status(results, path, status):
    assert results[path]["status"] == status
    assert results[path]["message"]


def test_http_status_is_kept(results):
    assert results["/missing.html"]["http_status"] == 404
    assert results["/broken.html"]["http_status"] == 500


def test_timeout(site_url):
    [page] = audit_pages([f"{site_url}/slow.html"], Settings(runs=1, timeout_s=1, **FAST))
    assert page["status"] == "timeout"


def test_too_big(site_url):
    [page] = audit_pages([f"{site_url}/faulty.html"], Settings(runs=1, max_bytes=2_000,
                                                               **FAST))
    assert page["status"] == "too_big"


def test_loopback_is_refused_unless_allowed(site_url):
    settings = Settings(runs=1, wait_before_scroll_s=0.1, wait_after_scroll_s=0.1)
    [page] = audit_pages([f"{site_url}/good.html"], settings)
    assert page["status"] == "refused"
    assert "jalon audit" in page["message"]
    [metadata] = audit_pages(["http://169.254.169.254/latest/meta-data/"], settings)
    assert metadata["status"] == "refused"


def test_several_workers_keep_the_order(site_url):
    urls = [f"{site_url}/good.html", f"{site_url}/missing.html", f"{site_url}/faulty.html"]
    seen: list[int] = []
    pages = audit_pages(urls, Settings(runs=1, workers=2, **FAST),
                        lambda index, _result: seen.append(index))
    assert [p["url"] for p in pages] == urls
    assert [p["status"] for p in pages] == ["ok", "http_error", "ok"]
    assert sorted(seen) == [0, 1, 2]


def test_a_pass_runs_where_an_event_loop_already_runs(site_url):
    """The browser runs in a thread of its own: a caller inside an event loop (an async view,
    a test driving its own browser) can audit, and no loop is left behind after it."""
    import asyncio
    import concurrent.futures

    async def inside() -> list[dict]:
        return audit_pages([f"{site_url}/good.html"], Settings(runs=1, **FAST))

    def call() -> list[dict]:
        pages = asyncio.run(inside())
        with pytest.raises(RuntimeError):  # no loop left behind in the caller's thread
            asyncio.get_running_loop()
        return pages

    # The caller in a thread of its own: the browser suite's Playwright keeps a loop running
    # in the test thread for the whole session (pytest-django runs those tests first).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        [page] = pool.submit(call).result()
    assert page["status"] == "ok"


def test_pages_in_flight_measure_as_one_at_a_time(site_url):
    """Several pages at once in one Chromium, each in a browser context and a DevTools session
    of its own: per page the same elements, requests, bytes and axe findings as one page at a
    time (no request counted on another page, no wait cut short)."""
    urls = [f"{site_url}/good.html", f"{site_url}/faulty.html"] * 2

    def figures(in_flight: int) -> list[tuple]:
        pages = audit_pages(urls, Settings(runs=1, pages_in_flight=in_flight, **FAST))
        assert {p["protocol"]["pages_in_flight"] for p in pages} == {in_flight}
        # The faulty page's bytes are left out: its autoplaying video is a 404 whose 144 bytes
        # Chromium's media loader sometimes drops before the end of the response (0 bytes,
        # the request still counted), one page at a time as well (1 load in 8).
        return [(p["ecoindex"]["dom_nodes"], p["ecoindex"]["requests"],
                 p["ecoindex"]["size_kb"] if "good" in p["url"] else None,
                 sorted(v["id"] for v in p["axe"]["violations"])) for p in pages]

    alone = figures(1)
    assert figures(4) == alone
    assert alone[0] == alone[2]
    assert alone[1] == alone[3]
    assert alone[0] != alone[1]


FULL, SHELL = Path("/usr/bin/chromium"), Path("/usr/bin/chromium-headless-shell")


@pytest.mark.skipif(not (FULL.exists() and SHELL.exists()),
                    reason="needs both Debian packages, chromium and chromium-headless-shell")
def test_the_headless_shell_measures_what_the_full_browser_measures(site_url, monkeypatch):
    """The audits run the headless shell for speed (docs/audits.md, "Speed"): same sources as
    the full browser, so the same elements, requests, bytes and axe-core findings."""
    from jalon.core import audits_browser

    urls = [f"{site_url}/good.html", f"{site_url}/faulty.html"]
    figures = {}
    for binary in (FULL, SHELL):
        monkeypatch.setattr(audits_browser, "CHROMIUM", binary)
        figures[binary.name] = [
            (r["ecoindex"]["dom_nodes"], r["ecoindex"]["requests"], r["ecoindex"]["size_kb"],
             sorted((v["id"], v["nodes"]) for v in r["axe"]["violations"]),
             r["tools"]["browser_binary"])
            for r in audit_pages(urls, Settings(runs=1, **FAST))]
    assert [f[:4] for f in figures["chromium"]] == [f[:4] for f in figures[SHELL.name]]
    assert {f[4] for f in figures["chromium"]} == {"chromium"}
    assert {f[4] for f in figures[SHELL.name]} == {SHELL.name}
