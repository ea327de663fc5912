"""Realistic pages for the audits benchmark, generated and served on loopback (never the
internet): `/p/<i>.html` for i = 0, 1, 2…, page i built from variant i % 20, so that the
pages cover EcoIndex grades A to F — from a short text page to a long one with images,
scripts and style sheets — and the cases where measuring tools can disagree: an iframe with
a document of its own (variants 3, 10, 17), an inline SVG drawing (2, 8, 14), images loaded
lazily below the fold (4, 9, 14, 19). Each page's resources have addresses of their own
(`/p/<i>/…`), so no page profits from another's cache. Bodies are plain (no compression),
images are real JPEG files of noise (incompressible), scripts and sheets are padded text.
"""

from __future__ import annotations

import functools
import io
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VARIANTS = 20


@dataclass(frozen=True)
class Variant:
    blocks: int  # content blocks of 12 elements each
    images: int  # images in the first screen
    image_side: int  # their side in pixels (noise JPEG: ~0.6 byte per pixel)
    scripts: int
    script_kb: int
    sheets: int
    iframe: bool
    svg_shapes: int
    lazy_images: int


def variant(index: int) -> Variant:
    v = index % VARIANTS
    return Variant(blocks=(4, 15, 45, 110, 250)[v % 5],
                   images=(0, 3, 8, 16)[v % 4], image_side=(120, 240, 420)[v % 3],
                   scripts=(0, 2, 6, 14)[(v // 2) % 4], script_kb=(8, 30, 60)[(v // 3) % 3],
                   sheets=(1, 2, 4)[v % 3], iframe=v % 7 == 3, svg_shapes=240 if v % 6 == 2
                   else 0, lazy_images=6 if v % 5 == 4 else 0)


def _block(n: int) -> str:
    return (f'<article class="c{n % 9}"><h2>Rubrique {n}</h2><p>Texte de la rubrique {n}, '
            f'écrit pour le banc d\'essai.</p><p>Deuxième paragraphe <a href="#b{n}">lien</a>'
            f'.</p><ul><li>Un</li><li>Deux</li><li>Trois</li><li>Quatre</li></ul>'
            f'<p id="b{n}"><span>Fin</span> <em>de</em> <strong>bloc</strong>.</p></article>\n')


def page_html(index: int) -> bytes:
    v = variant(index)
    base = f"/p/{index}"
    head = "".join(f'<link rel="stylesheet" href="{base}/s{k}.css">' for k in range(v.sheets))
    head += "".join(f'<script src="{base}/j{k}.js" defer></script>' for k in range(v.scripts))
    parts = [f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Page {index}'
             f'</title>{head}</head><body><header><nav><a href="/">Accueil</a></nav></header>'
             f'<main><h1>Page {index}</h1>']
    parts += [f'<img src="{base}/i{k}.jpg" alt="Illustration {k}" width="{v.image_side}" '
              f'height="{v.image_side}">' for k in range(v.images)]
    if v.svg_shapes:
        shapes = "".join(f'<circle cx="{k % 40 * 10}" cy="{k // 40 * 10}" r="4"/>'
                         for k in range(v.svg_shapes))
        parts.append(f'<svg width="400" height="60" role="img" aria-label="Carte">{shapes}</svg>')
    if v.iframe:
        parts.append(f'<iframe src="{base}/frame.html" title="Contenu intégré" width="600" '
                     'height="300"></iframe>')
    parts += [_block(n) for n in range(v.blocks)]
    # Pushed below the fold: loaded only when the scroll brings them near the viewport.
    parts.append('<div style="height:2400px"></div>')
    parts += [f'<img src="{base}/l{k}.jpg" alt="Photo {k}" loading="lazy" width="300" '
              'height="300">' for k in range(v.lazy_images)]
    parts.append("</main><footer><p>Pied de page</p></footer></body></html>")
    return "".join(parts).encode()


def frame_html() -> bytes:
    return ("<!doctype html><html lang=fr><head><title>Intégré</title></head><body>"
            + "".join(_block(n) for n in range(30)) + "</body></html>").encode()


@functools.cache
def jpeg(side: int) -> bytes:
    from PIL import Image

    noise = random.Random(side).randbytes(side * side * 3)  # noqa: S311 (test data)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), noise).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


@functools.cache
def padded_text(kind: str, kb: int) -> bytes:
    rng = random.Random(kb)  # noqa: S311 (test data, not secrets)
    comment = ("/* " + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ")
                               for _ in range(kb * 1000)) + " */\n")
    code = "window.__b = (window.__b || 0) + 1;\n" if kind == "js" else "body { margin: 0 }\n"
    return (comment + code).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        return

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            return

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")
        try:
            if len(parts) == 2 and parts[0] == "p" and parts[1].endswith(".html"):
                self._send(200, page_html(int(parts[1][:-5])), "text/html; charset=utf-8")
                return
            if len(parts) == 3 and parts[0] == "p":
                v, name = variant(int(parts[1])), parts[2]
                if name == "frame.html":
                    self._send(200, frame_html(), "text/html; charset=utf-8")
                elif name.startswith("i") and name.endswith(".jpg"):
                    self._send(200, jpeg(v.image_side), "image/jpeg")
                elif name.startswith("l") and name.endswith(".jpg"):
                    self._send(200, jpeg(300), "image/jpeg")
                elif name.endswith(".js"):
                    self._send(200, padded_text("js", v.script_kb), "text/javascript")
                elif name.endswith(".css"):
                    self._send(200, padded_text("css", 12), "text/css")
                else:
                    self._send(404, b"", "text/plain")
                return
        except ValueError:
            pass
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


def urls(base: str, count: int) -> list[str]:
    return [f"{base}/p/{i}.html" for i in range(count)]
