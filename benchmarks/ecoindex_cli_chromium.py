"""Run `ecoindex-cli` (its own command, scraper and EcoIndex code, unmodified) with Debian's
Chromium instead of the Camoufox browser it would download.

Run with the benchmark's separate environment only, never with Jalon's:

    benchmarks/.ecoindex-cli-venv/bin/python benchmarks/ecoindex_cli_chromium.py \
        analyze --url http://127.0.0.1:8000/ --no-interaction --export-format json \
        --output-file /tmp/out.json

ecoindex-cli 2.32 scrapes each page in `ecoindex.scraper.scrap.EcoindexScraper.scrap_page`,
which opens `AsyncCamoufox(headless=…, window=(width, height))` — a Playwright Firefox
build that Camoufox downloads on first use. This script replaces that one name with a
context manager giving a Playwright Chromium browser launched from /usr/bin/chromium (or
$JALON_CHROMIUM) with `--no-sandbox`, whose new contexts get the scraper's window size as
their viewport (Camoufox sizes the window to it). Everything else is ecoindex-cli's own code:
the URL handling, `bulk_analysis` (one thread and one browser per page, `--max-workers`,
default the number of CPUs), the waits (`time.sleep`, default 3 s before and 3 s after the
scroll), the HAR recording, the node count (`locator("*")` minus the children of `<svg>`),
the sizes (the HAR's `_transferSize`) and `compute_ecoindex`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

CHROMIUM = os.environ.get("JALON_CHROMIUM", "/usr/bin/chromium")


class _ChromiumInsteadOfCamoufox:
    """Same use as `camoufox.async_api.AsyncCamoufox(headless=…, window=(w, h))`."""

    def __init__(self, headless: bool = True, window: tuple[int, int] = (1920, 1080),
                 **_ignored: Any) -> None:
        self.headless = headless
        self.window = window
        self._manager: Any = None
        self._browser: Any = None

    async def __aenter__(self) -> Any:
        from playwright.async_api import async_playwright

        self._manager = async_playwright()
        playwright = await self._manager.__aenter__()
        width, height = self.window
        self._browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=self.headless,
            args=["--no-sandbox", f"--window-size={width},{height}"])
        browser = self._browser
        original = browser.new_context

        async def new_context(**options: Any) -> Any:
            options.setdefault("viewport", {"width": width, "height": height})
            return await original(**options)

        browser.new_context = new_context
        return browser

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self._browser is not None and self._browser.is_connected():
                await self._browser.close()
        finally:
            await self._manager.__aexit__(*exc)


def main() -> None:
    import ecoindex.scraper.scrap as scrap

    scrap.AsyncCamoufox = _ChromiumInsteadOfCamoufox  # type: ignore[attr-defined,misc]
    from ecoindex.cli.app import app

    sys.argv[0] = "ecoindex-cli"
    app()


if __name__ == "__main__":
    main()
