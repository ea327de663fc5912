"""What every page reached in a browser test must pass: accessibility (axe-core), page weight
and EcoIndex, keyboard-only use, no horizontal overflow at desktop and phone widths, no word
cut across two lines in a table cell, and a public page's height within its budget at phone
width (issue 9: tables collapsed to one letter per line made a public page 12,000 px tall).
With JALON_SCREENSHOTS=1 (`make test-browser` sets it), every audited page is also saved as a
full-page screenshot at both widths, under `test-artifacts/screenshots/` (or $JALON_ARTIFACTS),
for a person to look at; `make test` and CI leave them out (a sixth of the suite's time).

`audit(page, label)` runs every check on the page as it is and records the figures; the tests
call `assert_audits_clean` at the end so that one run reports every page's problems at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("JALON_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-quic"]
MAX_PAGE_BYTES = 200_000  # transferred, all responses of a cold load
MIN_ECOINDEX_GRADE = "A"  # score > 80
VIEWPORTS = ((1280, 720), (360, 640))
PHONE_WIDTH = 360
# Height budget of a public page (/p/…) at 360 px, in CSS pixels: long enough for a real
# section, short enough to catch a table whose columns collapsed. A page listed here has its own.
DEFAULT_HEIGHT_BUDGET = 6_000
HEIGHT_BUDGETS: dict[str, int] = {
    # The public home gathers every published domain's section (footprint, strategy, audits…).
    "/p/*/": 9_000,
    # The reports' FAQ is a long page of running text by design.
    "/p/*/reports/faq/": 10_000,
}
# A word longer than this (a hash, a URL, an identifier) may break anywhere in a narrow cell.
LONGEST_UNBREAKABLE_WORD = 25
ARTIFACTS = Path(os.environ.get("JALON_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "test-artifacts"))
SCREENSHOTS = os.environ.get("JALON_SCREENSHOTS", "") == "1"

# EcoIndex (https://www.ecoindex.fr/comment-ca-marche/): the DOM size, the number of requests
# and the transferred size in KB each placed among the quantiles of the HTTP Archive
# reference pages, weighted 3, 2 and 1. The quantiles and grade thresholds come from the
# `ecoindex-compute` package (ecoindex.data), the reference implementation of ecoindex.fr.


def _run_coroutine(coroutine: Any) -> Any:
    # Playwright's sync API owns an event loop in this thread: run the (pure) coroutine in
    # another one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def ecoindex(dom: int, size_kb: float, requests: int) -> tuple[float, str]:
    from ecoindex.compute import compute_ecoindex

    result = _run_coroutine(compute_ecoindex(nodes=dom, size=size_kb, requests=requests))
    return float(result.score), str(result.grade.value if hasattr(result.grade, "value")
                                     else result.grade)


@dataclass
class PageAudit:
    role: str
    label: str
    url: str
    status: int | None = None
    axe: list[dict[str, Any]] = field(default_factory=list)
    bytes: int = 0
    requests: int = 0
    dom: int = 0
    score: float = 0.0
    grade: str = ""
    keyboard: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    broken_words: dict[int, list[str]] = field(default_factory=dict)  # width → cut words
    heights: dict[int, int] = field(default_factory=dict)  # width → document height (px)
    height_budget: int | None = None  # public pages only
    screenshots: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = []
        for violation in self.axe:
            nodes = "; ".join(
                " ".join(node.get("target", [])) if isinstance(node.get("target"), list)
                else str(node.get("target")) for node in violation.get("nodes", [])[:5])
            found.append(f"axe {violation['id']} ({violation.get('impact')}): "
                         f"{violation.get('help')} — {nodes}")
        if self.bytes >= MAX_PAGE_BYTES:
            found.append(f"page weight {self.bytes} B >= {MAX_PAGE_BYTES} B")
        if self.grade != MIN_ECOINDEX_GRADE:
            found.append(f"EcoIndex {self.score:.0f} ({self.grade}), expected grade A (> 80): "
                         f"{self.dom} elements, {self.requests} requests, "
                         f"{self.bytes / 1000:.1f} kB")
        found += [f"keyboard: {p}" for p in self.keyboard]
        found += [f"overflow: {p}" for p in self.overflow]
        for width, words in sorted(self.broken_words.items()):
            if words:
                found.append(f"{width} px: {len(words)} table cells cut a word across lines: "
                             + ", ".join(repr(w) for w in words[:8]))
        phone = self.heights.get(PHONE_WIDTH)
        if self.height_budget is not None and phone is not None and phone > self.height_budget:
            found.append(f"{PHONE_WIDTH} px: the page is {phone} px tall "
                         f"(budget {self.height_budget} px)")
        return found

    def line(self) -> str:
        ok = "ok " if not self.problems() else "BAD"
        return (f"{ok} {self.role:<9} {self.label:<28} axe={len(self.axe):<2} "
                f"{self.bytes / 1000:6.1f} kB {self.requests:>2} req {self.dom:>4} el "
                f"EcoIndex {self.score:>3.0f} {self.grade} "
                f"h={self.heights.get(1280, 0)}/{self.heights.get(PHONE_WIDTH, 0)} px  {self.url}")


AUDITS: list[PageAudit] = []  # every audit of the session, for the summary


def enable_cold_loads(context: Any, page: Any) -> None:
    """Disable the HTTP cache so that every load is measured as a first visit."""
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})


def measure(page: Any) -> tuple[int, int, int]:
    """(transferred bytes, requests, DOM elements) of the current document."""
    return tuple(page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const resources = performance.getEntriesByType('resource');
        let bytes = nav ? nav.transferSize : 0;
        for (const r of resources) bytes += r.transferSize;
        // EcoIndex counts the DOM elements without the children of inline SVG images.
        const dom = document.getElementsByTagName('*').length
                    - document.querySelectorAll('svg *').length;
        return [bytes, 1 + resources.length, dom];
    }"""))


@functools.cache
def _axe_script() -> str:
    from jalon.core.audits_browser import axe_script_path

    return axe_script_path().read_text(encoding="utf-8")


def check_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page, with every rule: the axe-core that Jalon's audits
    ship (jalon/vendor/axe_core), so that Jalon's pages are held to the same checks."""
    page.evaluate(_axe_script())
    return list(page.evaluate("() => axe.run(document, {resultTypes: ['violations']})"
                              ".then(r => r.violations)"))


FOCUSABLE = ("a[href], area[href], button:not([disabled]), "
             "input:not([disabled]):not([type=hidden]), select:not([disabled]), "
             "textarea:not([disabled]), summary, iframe, [contenteditable=''], "
             "[contenteditable=true], [tabindex]:not([tabindex='-1'])")


def check_keyboard(page: Any) -> list[str]:
    """Tab through the page: the skip link first, a visible focus on every stop, and every
    interactive element reached (one stop per radio group, as browsers do)."""
    expected = page.evaluate("""(selector) => {
        const shown = (el) => {
            if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') return false;
            if (el.closest('[hidden], [inert]')) return false;
            const s = getComputedStyle(el);
            if (s.display === 'none' || s.visibility === 'hidden') return false;
            return el.getClientRects().length > 0;
        };
        const seen = new Set();
        const ids = [];
        let n = 0;
        for (const el of document.querySelectorAll(selector)) {
            if (!shown(el)) continue;
            if (el.type === 'radio') {
                const key = 'radio:' + el.name;
                if (seen.has(key)) continue;
                seen.add(key);
            }
            el.dataset.kbd = 'k' + (n++);
            if (el.type === 'radio') {
                for (const other of document.querySelectorAll(
                        'input[type=radio][name="' + CSS.escape(el.name) + '"]'))
                    other.dataset.kbd = el.dataset.kbd;
            }
            ids.push({id: el.dataset.kbd,
                      text: (el.outerHTML || '').slice(0, 90)});
        }
        return ids;
    }""", FOCUSABLE)
    problems: list[str] = []
    # Each focus is recorded by the page as it happens (a `focusin` listener): the Tab presses
    # then need no round trip each to read the focused element (85 → 73 s over the suite).
    page.evaluate("""() => {
        document.activeElement && document.activeElement.blur();
        window.scrollTo(0, 0);
        const listening = Array.isArray(window.__jalonStops);
        window.__jalonStops = [];
        if (listening) return;  // a page audited twice: one listener is enough
        document.addEventListener('focusin', (event) => {
            const el = event.target;
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
            const shadow = s.boxShadow && s.boxShadow !== 'none';
            const r = el.getBoundingClientRect();
            // Date and time inputs: Chromium highlights the focused part (day, month…).
            const parts = /^(date|time|datetime-local|month|week)$/.test(el.type || '');
            window.__jalonStops.push({
                id: el.dataset.kbd || '', skip: el.matches('a[href="#main"], .skip'),
                visible: outline || shadow || parts, onscreen: r.width > 0 && r.height > 0,
                text: el.outerHTML.slice(0, 90)});
        });
    }""")
    # Date and time inputs take one Tab stop per part (day, month, year) in Chromium.
    parts = page.evaluate("() => document.querySelectorAll("
                          "'input[type=date], input[type=time], "
                          "input[type=datetime-local], input[type=month]').length")
    for _ in range(len(expected) + 4 * parts + 5):
        page.keyboard.press("Tab")
    # Leave the page as the walk found it (the last Tab may have scrolled it): the test goes on.
    stops = page.evaluate("""() => {
        document.activeElement && document.activeElement.blur();
        window.scrollTo(0, 0);
        return window.__jalonStops;
    }""")
    reached: list[str] = []
    for step, info in enumerate(stops):
        if step == 0 and not info["skip"]:
            problems.append(f"the first Tab stop is not the skip link: {info['text']}")
        if not info["visible"]:
            problems.append(f"no visible focus on {info['text']}")
        if not info["onscreen"]:
            problems.append(f"focused element has no size: {info['text']}")
        if reached and info["id"] == reached[-1]:
            continue  # another part of the same control
        if info["id"] in reached:
            break  # wrapped around
        reached.append(info["id"])
    missing = [e["text"] for e in expected if e["id"] not in reached]
    problems += [f"not reachable with Tab: {text}" for text in missing]
    return problems


# Words of table cells laid out across two lines. Each run of characters between spaces,
# hyphens and slashes (where a browser may break) of 2 to N characters is measured with a
# Range: its client rects on more than one line mean the word itself was cut, as
# `overflow-wrap: anywhere` does when a column shrinks ("2 0 2 2", one letter per line).
BROKEN_WORDS_JS = """(longest) => {
    const found = [];
    for (const cell of document.querySelectorAll('th, td')) {
        const box = cell.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;  // visually hidden
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        let node, cut = null;
        while (!cut && (node = walker.nextNode())) {
            const parent = node.parentElement;
            // Text of a closed <details> is not laid out: nothing to measure.
            if (!parent || (parent.closest('details:not([open])')
                            && !parent.closest('summary'))) continue;
            if (parent.getClientRects().length === 0) continue;
            // Code (a rule's regular expression) breaks at its own punctuation: not prose.
            if (parent.closest('code, kbd, samp, pre')) continue;
            const re = /[^\\s\\-\u2010\u2011/|]+/g;
            let m;
            while ((m = re.exec(node.data))) {
                if (m[0].length < 2 || m[0].length > longest) continue;
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                     .map(r => Math.round(r.top)));
                if (tops.size > 1) { cut = m[0]; break; }
            }
        }
        if (cut) found.push(cut);
    }
    return found;
}"""


def height_budget(url: str) -> int | None:
    """The height budget at 360 px of a public page (None for the others)."""
    from fnmatch import fnmatchcase
    from urllib.parse import urlparse

    path = urlparse(url).path
    if not path.startswith("/p/"):
        return None
    for pattern, budget in HEIGHT_BUDGETS.items():
        if fnmatchcase(path, pattern) and path.count("/") == pattern.count("/"):
            return budget
    return DEFAULT_HEIGHT_BUDGET


def _screenshot_path(role: str, label: str, width: int) -> Path:
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", f"{role}-{label}".lower()).strip("-")[:80]
    return ARTIFACTS / "screenshots" / f"{slug}-{width}.png"


def check_overflow(page: Any, result: PageAudit | None = None) -> list[str]:
    """No horizontal overflow at each width; with `result`, also record the cut words of
    table cells, the document's height and (JALON_SCREENSHOTS=1) a full-page screenshot at
    each width."""
    problems = []
    original = page.viewport_size
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if sizes[0] > sizes[1]:
            problems.append(f"{width}×{height}: the page is {sizes[0]} px wide "
                            f"(viewport {sizes[1]} px)")
        if result is not None:
            result.broken_words[width] = list(page.evaluate(BROKEN_WORDS_JS,
                                                            LONGEST_UNBREAKABLE_WORD))
            result.heights[width] = int(page.evaluate(
                "() => document.documentElement.scrollHeight"))
            if SCREENSHOTS:
                target = _screenshot_path(result.role, result.label, width)
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target), full_page=True)
                result.screenshots.append(str(target))
    if original:
        page.set_viewport_size(original)
    return problems


def audit(page: Any, label: str, role: str, status: int | None = None) -> PageAudit:
    page.wait_for_load_state("load")
    size, requests, dom = measure(page)
    score, grade = ecoindex(dom, size / 1024, requests)
    result = PageAudit(role=role, label=label, url=page.url, status=status,
                       axe=check_axe(page), bytes=size, requests=requests, dom=dom,
                       score=score, grade=grade, keyboard=check_keyboard(page),
                       height_budget=height_budget(page.url))
    result.overflow = check_overflow(page, result)
    AUDITS.append(result)
    return result


def assert_audits_clean(audits: list[PageAudit]) -> None:
    failing = [a for a in audits if a.problems()]
    if failing:
        lines = []
        for a in failing:
            lines.append(f"\n[{a.role}] {a.label} — {a.url}")
            lines += [f"    - {p}" for p in a.problems()]
        raise AssertionError(f"{len(failing)} of {len(audits)} pages fail the checks:"
                             + "\n".join(lines))
