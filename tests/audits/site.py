"""A small web site served on loopback for the audit tests: a good page and one with known
faults (tests/fixtures/audits/site), plus bad targets (404, 500, a PDF, a redirect loop, a
slow page). Headers are set per path so that the RGESN checks have something to find: the
good page's stylesheet is compressed and cached, the faulty page's resources are neither."""

from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests import paths

SITE = paths.FIXTURES / "audits" / "site"


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet tests
        return

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:  # the browser gave up (the timeout test)
            return

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path in ("/", "/good.html", "/contact.html"):
            self._send(200, gzip.compress((SITE / "good.html").read_bytes()),
                       "text/html; charset=utf-8",
                       {"Cache-Control": "no-cache", "Content-Encoding": "gzip"})
        elif path == "/style.css":
            # Varied rules, so that even compressed the sheet weighs more than 1 kB.
            rules = "".join(f".c{i} {{ margin: {i}px {i * 7 % 13}px; "
                            f"color: #{i * 2654435 % 16**6:06x}; }}\n" for i in range(300))
            body = gzip.compress((SITE / "style.css").read_bytes() + rules.encode())
            self._send(200, body, "text/css", {"Content-Encoding": "gzip",
                                               "Cache-Control": "max-age=86400"})
        elif path == "/faulty.html":
            self._send(200, (SITE / "faulty.html").read_bytes(), "text/html; charset=utf-8")
        elif path == "/faulty.css":
            self._send(200, (SITE / "faulty.css").read_bytes() * 40, "text/css")
        elif path == "/photo.png":
            self._send(200, _png(800, 600), "image/png")
        elif path == "/clip.webm":
            self._send(404, b"", "video/webm")
        elif path == "/missing.html":
            self._send(404, b"<!doctype html><title>Absente</title>", "text/html")
        elif path == "/broken.html":
            self._send(500, b"<!doctype html><title>Erreur</title>", "text/html")
        elif path == "/document.pdf":
            self._send(200, b"%PDF-1.4\n%%EOF\n", "application/pdf")
        elif path == "/export.csv":
            self._send(200, b"a;b\r\n1;2\r\n", "text/csv",
                       {"Content-Disposition": 'attachment; filename="export.csv"'})
        elif path == "/loop":
            self._send(302, b"", "text/html", {"Location": "/loop"})
        elif path == "/slow.html":
            time.sleep(3)
            self._send(200, b"<!doctype html><title>Lente</title>", "text/html")
        else:
            self._send(404, b"", "text/plain")


@contextmanager
def serve() -> Iterator[str]:
    """The site's base URL (http://127.0.0.1:<port>) while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
