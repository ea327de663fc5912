"""One browser pass per page: Playwright driving Debian's Chromium (never a downloaded
browser), giving from the same load the EcoIndex metrics, the axe-core violations (the
pinned axe.min.js vendored in `jalon/vendor/axe_core`, never downloaded) mapped to RGAA
criteria, and the observation the RGESN checks read (audits_checks).

No Django here: the command line (`jalon audit`) and the platform's background tasks both
call `audit_pages`. The protocol of every run is recorded in the result: viewport actually
set, waits, scroll, cache state, consent (none: the page is measured as a first visit that
accepts nothing), user agent and tool versions.

Bad targets get a status, never an exception: refused (SSRF guard), invalid_url,
unreachable, tls_error, timeout, redirect_loop, http_error, not_html, too_big, error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.metadata
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from jalon.core import audits as rules
from jalon.core.audits_checks import run_checks


def _audit_browser() -> Path:
    """Debian's `chromium-headless-shell` when installed, else its full `chromium`.

    Both are built from the same Chromium sources (same Blink, same network stack, so the
    same DOM, requests and bytes); the headless shell leaves out the full browser's user
    interface layers and took a third of the processor time per page of the full browser
    in headless mode (0.64 s against 2.16 s without axe-core, benchmarks/README.md,
    "Audits of digital services"). It is also what Playwright itself runs for headless
    Chromium. `JALON_AUDIT_CHROMIUM` chooses another binary."""
    chosen = os.environ.get("JALON_AUDIT_CHROMIUM")
    if chosen:
        return Path(chosen)
    shell = Path("/usr/bin/chromium-headless-shell")
    return shell if shell.exists() else Path(os.environ.get("JALON_CHROMIUM",
                                                            "/usr/bin/chromium"))


CHROMIUM: Final = _audit_browser()
AXE_DIR: Final = Path(__file__).resolve().parent.parent / "vendor" / "axe_core"
LAUNCH_ARGS: Final = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run",
                      "--disable-default-apps", "--disable-extensions", "--mute-audio"]
USER_AGENT_SUFFIX: Final = " JalonAudit/1"

# Statuses of a page (docs/audits.md).
OK: Final = "ok"
REFUSED: Final = "refused"
INVALID_URL: Final = "invalid_url"
UNREACHABLE: Final = "unreachable"
TLS_ERROR: Final = "tls_error"
TIMEOUT: Final = "timeout"
REDIRECT_LOOP: Final = "redirect_loop"
HTTP_ERROR: Final = "http_error"
NOT_HTML: Final = "not_html"
TOO_BIG: Final = "too_big"
ERROR: Final = "error"
STATUSES: Final = (OK, REFUSED, INVALID_URL, UNREACHABLE, TLS_ERROR, TIMEOUT, REDIRECT_LOOP,
                   HTTP_ERROR, NOT_HTML, TOO_BIG, ERROR)


# Pages at once in each Chromium by default (campaigns may override it in their settings).
DEFAULT_PAGES_IN_FLIGHT: Final = 4


@dataclass(frozen=True, slots=True)
class Settings:
    runs: int = 3
    viewport: tuple[int, int] = (1920, 1080)
    wait_before_scroll_s: float = 1.0
    wait_after_scroll_s: float = 1.0
    timeout_s: float = 30.0
    axe_timeout_s: float = 60.0
    max_bytes: int = 30_000_000
    allow_private: bool = False
    allow_loopback: bool = False
    guard: bool = True  # False: the command line, on the user's own machine, audits anything
    workers: int = 1  # Chromiums at once
    # Pages at once in each Chromium, each in a browser context of its own: the fixed waits of
    # one page overlap the loads and axe-core runs of the others (docs/audits.md, "Speed").
    # 4 for 2 cores: from 4 pages the pass is bound by the processors (40 bench pages with the
    # headless shell: 56.7 pages/min with 4, 60.1 with 6 for 1.8 s of processor time per page
    # either way), and each page more in flight holds one more renderer in memory.
    pages_in_flight: int = DEFAULT_PAGES_IN_FLIGHT

    def protocol(self) -> dict[str, Any]:
        return {"viewport": {"width": self.viewport[0], "height": self.viewport[1]},
                "wait_before_scroll_s": self.wait_before_scroll_s,
                "wait_after_scroll_s": self.wait_after_scroll_s,
                "scroll": "ArrowDown, then to the bottom of the page",
                "cache": "empty (new browser context per run, HTTP cache disabled)",
                "pages_in_flight": self.pages_in_flight,
                "consent": "none given (first visit, no banner clicked)",
                "runs": self.runs, "timeout_s": self.timeout_s,
                "axe_timeout_s": self.axe_timeout_s, "max_bytes": self.max_bytes,
                "dom_nodes": "elements of every frame, without the children of <svg>",
                "size": "bytes on the wire (CDP encodedDataLength) of every response / 1000",
                "requests": "responses received or failed, data: URLs and requests the browser "
                            "cancelled before any answer (its favicon) excluded"}


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def axe_script_path() -> Path:
    """axe-core as vendored by scripts/vendor_axe.py (version and sha256 in its manifest)."""
    return AXE_DIR / "axe.min.js"


def tool_versions(browser_version: str = "", axe_version: str = "") -> dict[str, str]:
    return {"chromium": browser_version, "browser_binary": CHROMIUM.name,
            "playwright": _version("playwright"), "axe_core": axe_version,
            "ecoindex_compute": _version("ecoindex-compute"),
            "ecoindex_reference": "ecoindex.data (quantiles and grades) of ecoindex-compute "
                                  + _version("ecoindex-compute")}


def resolve(host: str) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, None)
                   if isinstance(info[4][0], str)})


def guard_url(url: str, settings: Settings) -> tuple[str, str] | None:
    """(status, message) when the URL must not be fetched; None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return INVALID_URL, "adresse http(s) attendue, par exemple https://www.exemple.fr/"
    if not settings.guard:
        return None
    try:
        addresses = resolve(parts.hostname)
    except (OSError, UnicodeError):
        return UNREACHABLE, f"nom d'hôte introuvable : {parts.hostname}"
    try:
        rules.check_addresses(addresses, allow_private=settings.allow_private,
                              allow_loopback=settings.allow_loopback)
    except rules.RefusedAddress as exc:
        return REFUSED, (f"adresse refusée ({exc}) : ce serveur n'audite pas les réseaux "
                         "privés ; utilisez la commande `jalon audit` sur votre poste")
    return None


def _classify_error(message: str) -> tuple[str, str]:
    text = message.lower()
    if "download is starting" in text or "err_aborted" in text:
        return NOT_HTML, "le contenu est un fichier à télécharger, pas une page HTML"
    if "err_too_many_redirects" in text:
        return REDIRECT_LOOP, "trop de redirections (boucle)"
    if "err_cert" in text or "err_ssl" in text or "ssl_protocol" in text:
        return TLS_ERROR, "erreur TLS (certificat ou protocole)"
    if "timeout" in text or "err_timed_out" in text:
        return TIMEOUT, "délai dépassé"
    if any(code in text for code in ("err_name_not_resolved", "err_connection_refused",
                                     "err_address_unreachable", "err_connection_reset",
                                     "err_internet_disconnected", "err_connection_closed",
                                     "err_empty_response", "err_connection_failed",
                                     "err_unsafe_port")):
        return UNREACHABLE, "hôte injoignable"
    if "err_blocked_by_client" in text or "err_failed" in text:
        return REFUSED, "requête bloquée (adresse refusée)"
    return ERROR, message.splitlines()[0][:300]


COUNT_DOM_JS: Final = """() => document.getElementsByTagName('*').length
    - document.querySelectorAll('svg *').length"""
# `iframes: false`: axe-core is injected in the main document only, so with `iframes: true`
# (its default) it pings each iframe for an axe-core of its own and waits `pingWaitTime`
# (500 ms) for an answer that never comes, then leaves the frame out anyway; same violations
# either way (checked on the bench and test pages, docs/audits.md "Speed").
AXE_RUN_JS: Final = """(ms) => Promise.race([
        axe.run(document, {resultTypes: ['violations'], iframes: false}),
        new Promise((_, reject) => setTimeout(() => reject(new Error('axe timeout')), ms))])
    .then(r => ({version: axe.version, violations: r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        tags: v.tags, nodes: v.nodes.slice(0, 20).map(n => ({
            target: n.target, html: (n.html || '').slice(0, 300),
            summary: (n.failureSummary || '').slice(0, 300)})),
        node_count: v.nodes.length}))}))
    .catch(e => ({error: String(e)}))"""
OBSERVE_JS: Final = """() => {
    const images = [...document.images].map(i => ({src: i.currentSrc || i.src,
        natural_w: i.naturalWidth, natural_h: i.naturalHeight,
        shown_w: i.clientWidth, shown_h: i.clientHeight}));
    const media = [...document.querySelectorAll('video, audio')].map(m => ({
        tag: m.tagName.toLowerCase(), src: m.currentSrc || m.src || '',
        autoplay: m.autoplay, playing: !m.paused && !m.ended && m.currentTime > 0}));
    return {images, media, title: document.title,
            lang: document.documentElement.lang || ''};
}"""


@dataclass
class _Network:
    """What the Chrome DevTools Protocol reported for one page load."""

    started: set[str] = field(default_factory=set)
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: dict[str, int] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    # Bytes already on the wire when the response headers arrived: what a request that fails
    # afterwards still cost (a media element's 404 that Chromium may cancel or finish).
    received: dict[str, int] = field(default_factory=dict)

    def attach(self, cdp: Any) -> None:
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)

    def _sent(self, params: dict[str, Any]) -> None:
        if not str(params.get("request", {}).get("url", "")).startswith("data:"):
            self.started.add(params["requestId"])

    def _response(self, params: dict[str, Any]) -> None:
        response = params.get("response", {})
        if str(response.get("url", "")).startswith("data:"):
            return
        headers = {str(k).lower(): str(v) for k, v in response.get("headers", {}).items()}
        self.received[params["requestId"]] = int(response.get("encodedDataLength", 0) or 0)
        self.responses[params["requestId"]] = {
            "url": response.get("url", ""), "type": params.get("type", ""),
            "mime": response.get("mimeType", ""), "status": response.get("status"),
            "protocol": response.get("protocol", ""),
            "headers": {k: headers[k] for k in ("content-encoding", "cache-control", "expires",
                                                "etag", "last-modified", "content-type")
                        if k in headers}}

    def _finished(self, params: dict[str, Any]) -> None:
        if params["requestId"] in self.started:
            self.finished[params["requestId"]] = int(params.get("encodedDataLength", 0))

    def _failed(self, params: dict[str, Any]) -> None:
        # A request the browser cancelled itself before any answer (the favicon headless
        # Chromium asks for, then drops) is not one the page made: not counted, as in the
        # HAR ecoindex-cli reads. A refused, reset or timed-out request is.
        rid = params["requestId"]
        if rid in self.started and not (params.get("canceled") and rid not in self.responses):
            self.failed.add(rid)

    def _bytes_of(self, rid: str) -> int:
        # A request that failed after its response began counts the bytes received by then,
        # so that whether Chromium finishes or aborts a broken media load does not change the
        # page's size.
        if rid in self.finished:
            return self.finished[rid]
        return self.received.get(rid, 0) if rid in self.failed else 0

    def _counted(self) -> set[str]:
        return set(self.finished) | self.failed

    @property
    def bytes(self) -> int:
        return sum(self._bytes_of(rid) for rid in self._counted())

    @property
    def requests(self) -> int:
        return len(self._counted())

    def resources(self) -> list[dict[str, Any]]:
        return [dict(r, bytes=self._bytes_of(rid)) for rid, r in self.responses.items()]


class Auditor:
    """One Chromium kept open for a batch of pages, driven through Playwright's async API so
    that several pages are in flight at once (`Settings.pages_in_flight`), each in a browser
    context of its own. Use inside an event loop: `async with Auditor(settings) as a:
    await a.audit(url)`; `audit_pages` is the synchronous entry point."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pw: Any = None
        self._browser: Any = None
        self._axe = axe_script_path().read_text(encoding="utf-8")
        self._host_verdicts: dict[str, bool] = {}

    async def __aenter__(self) -> Auditor:
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        try:
            # A busy machine can take long to start Chromium: a minute before giving up.
            self._browser = await self._pw.chromium.launch(executable_path=str(CHROMIUM),
                                                           headless=True, args=LAUNCH_ARGS,
                                                           timeout=60_000)
        except BaseException:
            # `__aexit__` is not called when `__aenter__` raises: stop the driver here.
            await self._pw.stop()
            self._pw = None
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._pw is not None:
            await self._pw.stop()

    @property
    def browser_version(self) -> str:
        return str(self._browser.version) if self._browser else ""

    # --- SSRF: every request of the page (redirects, sub-resources) goes through this.
    async def _allowed(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        if not host:
            return url.startswith(("data:", "blob:", "about:"))
        if host not in self._host_verdicts:
            # The name is resolved in a thread: a slow DNS answer must not stall the other
            # pages in flight on this event loop.
            refused = await asyncio.get_running_loop().run_in_executor(
                None, guard_url, url, self.settings)
            self._host_verdicts[host] = refused is None
        return self._host_verdicts[host]

    async def _route(self, route: Any) -> None:
        if await self._allowed(route.request.url):
            await route.continue_()
        else:
            await route.abort("blockedbyclient")

    async def _run_once(self, url: str, with_axe: bool) -> dict[str, Any]:
        s = self.settings
        context = await self._browser.new_context(
            viewport={"width": s.viewport[0], "height": s.viewport[1]},
            screen={"width": s.viewport[0], "height": s.viewport[1]},
            locale="fr-FR", ignore_https_errors=False, service_workers="block",
            user_agent=None)
        try:
            if s.guard:
                await context.route("**/*", self._route)
            page = await context.new_page()
            page.set_default_timeout(s.timeout_s * 1000)
            # One DevTools session per page: the network counted is this page's only, whatever
            # the other pages in flight in the same browser do.
            cdp = await context.new_cdp_session(page)
            network = _Network()
            network.attach(cdp)
            await cdp.send("Network.enable")
            await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            started = time.monotonic()
            try:
                response = await page.goto(url, wait_until="load", timeout=s.timeout_s * 1000)
            except Exception as exc:  # Playwright's errors carry Chromium's net:: codes
                status, message = _classify_error(str(exc))
                return {"status": status, "message": message}
            if response is None:
                return {"status": ERROR, "message": "aucune réponse"}
            if response.status >= 400:
                return {"status": HTTP_ERROR, "http_status": response.status,
                        "message": f"réponse HTTP {response.status}"}
            content_type = (response.headers.get("content-type") or "").lower()
            if "html" not in content_type:
                return {"status": NOT_HTML, "http_status": response.status,
                        "message": f"le contenu n'est pas une page HTML ({content_type or '?'})"}
            # The waits do not block: the other pages in flight load and run meanwhile.
            await page.wait_for_timeout(s.wait_before_scroll_s * 1000)
            await page.keyboard.press("ArrowDown")
            await page.evaluate("() => window.scrollTo({top: document.body ? "
                                "document.body.scrollHeight : 0, behavior: 'instant'})")
            await page.wait_for_timeout(s.wait_after_scroll_s * 1000)
            if network.bytes > s.max_bytes:
                return {"status": TOO_BIG, "http_status": response.status,
                        "message": f"page trop lourde ({network.bytes / 1e6:.1f} Mo, "
                                   f"limite {s.max_bytes / 1e6:.0f} Mo)"}
            dom = dom_main = 0
            for frame in page.frames:
                try:
                    count = int(await frame.evaluate(COUNT_DOM_JS))
                except Exception:  # noqa: S112 (a frame gone mid-count is not counted)
                    continue
                dom += count
                if frame == page.main_frame:
                    dom_main = count
            result: dict[str, Any] = {
                "status": OK, "http_status": response.status, "final_url": page.url,
                "dom": dom, "dom_main_frame": dom_main, "requests": network.requests,
                "size_kb": network.bytes / 1000,
                "user_agent": await page.evaluate("() => navigator.userAgent"),
                "viewport_measured": await page.evaluate(
                    "() => ({width: window.innerWidth, height: window.innerHeight})"),
                "load_s": round(time.monotonic() - started, 2)}
            if with_axe:
                observed = await page.evaluate(OBSERVE_JS)
                result["observation"] = {"url": page.url, "resources": network.resources(),
                                         **observed}
                result["axe"] = await self._axe_run(page)
            return result
        finally:
            await context.close()

    async def _axe_run(self, page: Any) -> dict[str, Any]:
        timeout = int(self.settings.axe_timeout_s * 1000)
        try:
            await page.evaluate(self._axe)
            response = await page.evaluate(AXE_RUN_JS, timeout)
        except Exception as exc:
            return {"error": str(exc).splitlines()[0][:300], "violations": []}
        if "error" in response:
            return {"error": response["error"], "violations": []}
        violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                       "help_url": v["helpUrl"], "nodes": v["node_count"],
                       "rgaa": rules.rgaa_criteria_of(v["tags"]),
                       "rgaa_tests": rules.rgaa_tests_of(v["tags"]),
                       "elements": v["nodes"]} for v in response["violations"]]
        return {"version": response["version"], "violations": violations}

    async def audit(self, url: str) -> dict[str, Any]:
        """N runs of one page → the result dict of docs/audits.md."""
        s = self.settings
        base: dict[str, Any] = {"url": url, "protocol": s.protocol()}
        refused = await asyncio.get_running_loop().run_in_executor(None, guard_url, url, s)
        if refused:
            return dict(base, status=refused[0], message=refused[1],
                        tools=tool_versions(self.browser_version))
        runs = []
        first: dict[str, Any] = {}
        for index in range(max(1, s.runs)):
            run = await self._run_once(url, with_axe=index == 0)
            if run["status"] != OK:
                return dict(base, **{k: v for k, v in run.items()
                                     if k in ("status", "message", "http_status")},
                            tools=tool_versions(self.browser_version))
            if index == 0:
                first = run
            runs.append(run)
        return _result(url, s, runs, first, self.browser_version)


def _result(url: str, s: Settings, runs: list[dict[str, Any]], first: dict[str, Any],
            browser_version: str) -> dict[str, Any]:
    medians = rules.median_run([{"dom": r["dom"], "requests": r["requests"],
                                 "size": r["size_kb"]} for r in runs])
    eco = rules.ecoindex(round(medians["dom"]), round(medians["requests"]), medians["size"])
    scores = [rules.score_of(r["dom"], r["requests"], r["size_kb"]) for r in runs]
    axe = first.get("axe", {"violations": []})
    observation = dict(first.get("observation", {}), size_kb=eco.size_kb,
                       requests=eco.requests)
    checks = run_checks(observation)
    protocol = dict(s.protocol(), user_agent=first.get("user_agent", ""),
                    viewport_measured=first.get("viewport_measured"))
    return {
        "url": url, "status": OK, "http_status": first.get("http_status"),
        "final_url": first.get("final_url", url),
        "title": first.get("observation", {}).get("title", ""),
        "ecoindex": dict(eco.as_dict(), spread={
            "score": rules.spread(scores).as_dict(),
            "dom_nodes": rules.spread([r["dom"] for r in runs]).as_dict(),
            "requests": rules.spread([r["requests"] for r in runs]).as_dict(),
            "size_kb": rules.spread([round(r["size_kb"], 2) for r in runs]).as_dict()},
            runs=[{"dom_nodes": r["dom"], "dom_nodes_main_frame": r["dom_main_frame"],
                   "requests": r["requests"],
                   "size_kb": round(r["size_kb"], 2), "score": sc}
                  for r, sc in zip(runs, scores, strict=True)]),
        "axe": {"violations": axe.get("violations", []),
                **({"error": axe["error"]} if "error" in axe else {})},
        "rgesn": [c.as_dict() for c in checks],
        "protocol": protocol,
        "tools": tool_versions(browser_version, str(axe.get("version", ""))),
    }


async def audit_pages_async(urls: Sequence[str], settings: Settings,
                            progress: Callable[[int, dict[str, Any]], None] | None = None
                            ) -> list[dict[str, Any]]:
    """`settings.workers` Chromiums, each with up to `settings.pages_in_flight` pages at once;
    results in the order of `urls`, `progress(index, result)` after each page."""
    results: list[dict[str, Any] | None] = [None] * len(urls)
    pending: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(urls)):
        pending.put_nowait(index)

    async def page_slot(auditor: Auditor) -> None:
        while True:
            try:
                index = pending.get_nowait()
            except asyncio.QueueEmpty:
                return
            url = urls[index]
            try:
                result = await auditor.audit(url)
            except Exception as exc:  # never let one page crash a campaign
                result = {"url": url, "status": ERROR,
                          "message": str(exc).splitlines()[0][:300] if str(exc) else
                          type(exc).__name__, "protocol": settings.protocol()}
            results[index] = result
            if progress:
                progress(index, result)

    async def browser(slots: int) -> None:
        async with Auditor(settings) as auditor:
            await asyncio.gather(*(page_slot(auditor) for _ in range(slots)))

    in_flight = max(1, settings.pages_in_flight)
    browsers = max(1, min(settings.workers, -(-len(urls) // in_flight)))
    await asyncio.gather(*(browser(min(in_flight, len(urls))) for _ in range(browsers)))
    return [r for r in results if r is not None]


def audit_pages(urls: Sequence[str], settings: Settings | None = None,
                progress: Callable[[int, dict[str, Any]], None] | None = None
                ) -> list[dict[str, Any]]:
    """Audit each URL (`settings.workers` Chromiums, `settings.pages_in_flight` pages at once
    in each); `progress(index, result)` after each page, from the browsers' thread."""
    settings = settings or Settings()
    if not urls:
        return []
    # Always in a thread of its own with its own event loop: the caller may already run a
    # loop (an async view, a test driving a browser of its own), and Django refuses database
    # queries inside one; the caller's thread is left without any loop afterwards.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, audit_pages_async(urls, settings, progress)).result()
