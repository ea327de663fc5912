"""Automatable RGESN 2024 checks on what one browser pass observed (pure; no browser here).

Each check gives pass / fail / not applicable with its evidence, and names the RGESN criterion
it informs. None is a verdict on the criterion: the RGESN criteria ask for a documented
choice (a weight budget, a cache strategy…) that only the team can state; the grid shows
these results as evidence to confirm (docs/audits.md).

Thresholds come from the criteria's test methods (RGESN 2024): 5.1 more than 75 % of bitmap
images in an efficient format; 4.8 at most two fonts and four variants, or at most 400 kB;
6.7 HTTP/2 or HTTP/3 and static resources from one domain. 6.1 asks the service to set its
own budget: without one we compare with the EcoIndex targets (1 024 kB, 40 requests,
ecoindex.data.targets), and say so in the evidence.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from ecoindex.data import target_req, target_size

PASS: Final = "pass"  # noqa: S105 (a check result, not a password)
FAIL: Final = "fail"
NOT_APPLICABLE: Final = "not_applicable"

EFFICIENT_IMAGE_TYPES: Final = ("image/webp", "image/avif", "image/jxl")
VECTOR_IMAGE_TYPES: Final = ("image/svg+xml",)
TEXT_TYPES: Final = ("text/html", "text/css", "text/javascript", "application/javascript",
                     "application/x-javascript", "application/json", "image/svg+xml",
                     "text/plain", "application/xml", "text/xml", "application/manifest+json")
COMPRESSIONS: Final = ("br", "gzip", "zstd", "deflate")
STATIC_TYPES: Final = ("Stylesheet", "Script", "Image", "Font", "Media")
MIN_COMPRESSIBLE_BYTES: Final = 1_000  # below this, compression gains nothing
OVERSIZED_RATIO: Final = 2.0  # intrinsic width above twice the displayed width (hi-dpi)
MAX_FONT_FILES: Final = 4
MAX_FONT_KB: Final = 400.0


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    criterion: str
    result: str
    evidence: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "criterion": self.criterion, "result": self.result,
                "evidence": self.evidence}


def site_of(host: str) -> str:
    """The registrable part of a host name, approximated by its last two labels (no public
    suffix list is shipped: `a.gouv.fr` and `b.gouv.fr` count as one site); an IP literal is
    its own site."""
    host = host.lower().strip("[]")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = [p for p in host.split(".") if p]
    return ".".join(labels[-2:]) if len(labels) >= 2 else host


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _mime(resource: Mapping[str, Any]) -> str:
    return str(resource.get("mime") or "").split(";")[0].strip().lower()


def _kb(n: float) -> str:
    return f"{n / 1000:.1f} kB"


def _sample(items: Sequence[str], n: int = 3) -> str:
    shown = ", ".join(items[:n])
    return shown + (f" (+{len(items) - n})" if len(items) > n else "")


def _max_age(cache_control: str) -> int | None:
    for part in cache_control.lower().split(","):
        name, _, value = part.strip().partition("=")
        if name in ("max-age", "s-maxage") and value.strip().isdigit():
            return int(value.strip())
    return None


def run_checks(observation: Mapping[str, Any]) -> list[Check]:
    """observation: what the pass recorded (see audits_browser.observe): `url`,
    `resources` (url, type, mime, bytes, protocol, headers…), `images`, `media`, `size_kb`,
    `requests`."""
    page_url = str(observation.get("url", ""))
    page_site = site_of(_host(page_url))
    resources: list[Mapping[str, Any]] = list(observation.get("resources", []))
    own = [r for r in resources if site_of(_host(str(r.get("url", "")))) == page_site]
    checks = [
        _https(page_url),
        _weight(float(observation.get("size_kb", 0)), int(observation.get("requests", 0))),
        _cache(own),
        _compression(own),
        _image_formats(resources),
        _image_sizes(list(observation.get("images", []))),
        _fonts(resources),
        _autoplay(list(observation.get("media", []))),
        _http2(own),
        _single_domain(own),
        _third_party(resources, page_site),
    ]
    return checks


def _https(url: str) -> Check:
    scheme = urlsplit(url).scheme
    if scheme == "https":
        return Check("https", "3.3", PASS, "page servie en HTTPS")
    return Check("https", "3.3", FAIL, f"page servie en {scheme.upper() or '?'}, pas en HTTPS")


def _weight(size_kb: float, requests: int) -> Check:
    within = size_kb <= target_size and requests <= target_req
    evidence = (f"{size_kb:.0f} kB et {requests} requêtes au chargement ; cible EcoIndex "
                f"{target_size} kB et {target_req} requêtes (à remplacer par le budget "
                "que le service s'est fixé)")
    return Check("weight-per-screen", "6.1", PASS if within else FAIL, evidence)


def _cache(own: Sequence[Mapping[str, Any]]) -> Check:
    static = [r for r in own if r.get("type") in STATIC_TYPES]
    if not static:
        return Check("cache-headers", "6.2", NOT_APPLICABLE, "aucune ressource statique propre")
    missing = []
    for r in static:
        headers = {str(k).lower(): str(v) for k, v in dict(r.get("headers", {})).items()}
        cc = headers.get("cache-control", "")
        age = _max_age(cc)
        cached = ("no-store" not in cc.lower()
                  and ((age is not None and age > 0) or "immutable" in cc.lower()
                       or ("expires" in headers and age is None)))
        if not cached:
            missing.append(str(r.get("url", "")))
    if missing:
        return Check("cache-headers", "6.2", FAIL,
                     f"{len(missing)} ressource(s) statique(s) sur {len(static)} sans durée de "
                     f"cache (Cache-Control max-age ou Expires) : {_sample(missing)}")
    return Check("cache-headers", "6.2", PASS,
                 f"{len(static)} ressource(s) statique(s) avec une durée de cache")


def _compression(own: Sequence[Mapping[str, Any]]) -> Check:
    text = [r for r in own if _mime(r) in TEXT_TYPES
            and int(r.get("bytes", 0)) >= MIN_COMPRESSIBLE_BYTES]
    if not text:
        return Check("compression", "6.3", NOT_APPLICABLE,
                     "aucune ressource texte de plus de 1 kB")
    plain = [str(r.get("url", "")) for r in text
             if str(dict(r.get("headers", {})).get("content-encoding", "")).lower()
             not in COMPRESSIONS]
    if plain:
        return Check("compression", "6.3", FAIL,
                     f"{len(plain)} ressource(s) texte sur {len(text)} transférée(s) sans "
                     f"compression (Brotli, gzip, zstd) : {_sample(plain)}")
    return Check("compression", "6.3", PASS, f"{len(text)} ressource(s) texte compressée(s)")


def _image_formats(resources: Sequence[Mapping[str, Any]]) -> Check:
    bitmaps = [r for r in resources if r.get("type") == "Image"
               and _mime(r).startswith("image/") and _mime(r) not in VECTOR_IMAGE_TYPES]
    if not bitmaps:
        return Check("image-formats", "5.1", NOT_APPLICABLE, "aucune image matricielle")
    efficient = sum(1 for r in bitmaps if _mime(r) in EFFICIENT_IMAGE_TYPES)
    share = 100.0 * efficient / len(bitmaps)
    others = sorted({_mime(r) for r in bitmaps if _mime(r) not in EFFICIENT_IMAGE_TYPES})
    evidence = (f"{efficient} image(s) matricielle(s) sur {len(bitmaps)} en WebP, AVIF ou "
                f"JPEG XL ({share:.0f} %, seuil 75 %)"
                + (f" ; autres formats : {', '.join(others)}" if others else ""))
    return Check("image-formats", "5.1", PASS if share > 75 else FAIL, evidence)


def _image_sizes(images: Sequence[Mapping[str, Any]]) -> Check:
    shown = [i for i in images if int(i.get("shown_w", 0)) > 0
             and int(i.get("natural_w", 0)) > 0 and not str(i.get("src", "")).endswith(".svg")]
    if not shown:
        return Check("image-sizes", "6.4", NOT_APPLICABLE, "aucune image matricielle affichée")
    oversized = [f"{i.get('src', '')} ({i['natural_w']} px affichée en {i['shown_w']} px)"
                 for i in shown if int(i["natural_w"]) > OVERSIZED_RATIO * int(i["shown_w"])]
    if oversized:
        return Check("image-sizes", "6.4", FAIL,
                     f"{len(oversized)} image(s) sur {len(shown)} plus de deux fois plus "
                     f"larges que leur affichage : {_sample(oversized, 2)}")
    return Check("image-sizes", "6.4", PASS,
                 f"{len(shown)} image(s) affichée(s) à moins du double de leur taille d'origine")


def _fonts(resources: Sequence[Mapping[str, Any]]) -> Check:
    fonts = [r for r in resources if r.get("type") == "Font"]
    if not fonts:
        return Check("fonts", "4.8", NOT_APPLICABLE, "aucune police téléchargée")
    total = sum(int(r.get("bytes", 0)) for r in fonts)
    ok = len(fonts) <= MAX_FONT_FILES or total <= MAX_FONT_KB * 1000
    return Check("fonts", "4.8", PASS if ok else FAIL,
                 f"{len(fonts)} fichier(s) de police, {_kb(total)} (au plus 4 variantes ou "
                 "400 kB)")


def _autoplay(media: Sequence[Mapping[str, Any]]) -> Check:
    if not media:
        return Check("autoplay", "4.1", NOT_APPLICABLE, "aucune vidéo ni aucun son")
    auto = [str(m.get("src") or m.get("tag")) for m in media
            if m.get("autoplay") or m.get("playing")]
    if auto:
        return Check("autoplay", "4.1", FAIL,
                     f"{len(auto)} média(s) en lecture automatique : {_sample(auto)}")
    return Check("autoplay", "4.1", PASS, f"{len(media)} média(s), aucun en lecture automatique")


def _http2(own: Sequence[Mapping[str, Any]]) -> Check:
    known = [r for r in own if r.get("protocol")]
    if not known:
        return Check("http2", "6.7", NOT_APPLICABLE, "protocole non observé")
    old = sorted({str(r["protocol"]) for r in known
                  if str(r["protocol"]).lower() not in ("h2", "h3", "h3-29", "quic")})
    if old:
        count = sum(1 for r in known if str(r["protocol"]) in old)
        return Check("http2", "6.7", FAIL,
                     f"{count} ressource(s) sur {len(known)} en {', '.join(old)} "
                     "(HTTP/2 ou HTTP/3 attendu)")
    return Check("http2", "6.7", PASS, f"{len(known)} ressource(s) en HTTP/2 ou HTTP/3")


def _single_domain(own: Sequence[Mapping[str, Any]]) -> Check:
    static = [r for r in own if r.get("type") in STATIC_TYPES]
    if not static:
        return Check("single-domain", "6.7", NOT_APPLICABLE, "aucune ressource statique propre")
    hosts = sorted({_host(str(r.get("url", ""))) for r in static})
    return Check("single-domain", "6.7", PASS if len(hosts) <= 1 else FAIL,
                 f"ressources statiques servies par {len(hosts)} nom(s) de domaine : "
                 f"{_sample(hosts)}")


def _third_party(resources: Sequence[Mapping[str, Any]], page_site: str) -> Check:
    others = sorted({_host(str(r.get("url", ""))) for r in resources
                     if site_of(_host(str(r.get("url", "")))) != page_site
                     and _host(str(r.get("url", "")))})
    if not others:
        return Check("third-party", "2.10", PASS, "aucune requête vers un service tiers")
    count = sum(1 for r in resources
                if _host(str(r.get("url", ""))) in others)
    return Check("third-party", "2.10", FAIL,
                 f"{count} requête(s) vers {len(others)} domaine(s) tiers : {_sample(others)}")
