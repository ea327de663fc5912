"""The public home (/p/<org_slug>/) served from memory before the rest of the stack.

Why: under 50 concurrent readers every millisecond of a cached page counts, and the cached page
still went through the session, locale, CSRF, authentication, messages, audit and second-factor
middlewares and asked the database which version of the organisation is published — one round
trip to PostgreSQL, whose process must be scheduled on a busy machine: 7 ms of a 8 ms request
under load (benchmarks/bench_scale_public.py, README "Public pages at scale").

How, without serving anything the full stack would not:
- `PublishedIndex` keeps, per process, what `tenancy.scope.published_at` answers for each slug
  asked recently (organisation id, inventory version, published domains). An entry is trusted
  for CHECK_SECONDS; then the stale entries are re-read together in one query, so a process
  asks the database about once per CHECK_SECONDS whatever the number of organisations read.
  A publication or organisation saved or deleted, or an inventory change announced through
  `jalon.events` (its version moves on), empties the index of the process at once; other
  processes (the other web workers, the task worker) see it within CHECK_SECONDS.
- `PublicHomeMiddleware`, placed after the security, permissions-policy, static-files and CSP
  middlewares, answers an anonymous GET of a public home (no query string, no session cookie)
  from the stored response when the index gives a key the full stack stored it under. The full
  stack stores its 200 response (status, headers, body) only when the key computed by the view
  from the authoritative `published_at` is the same: a hit replays exactly what the full stack
  answered for that version, language and year. The Host header is still validated
  (ALLOWED_HOSTS), the ETag answers a 304 when it matches If-None-Match.
A signed-in reader (session cookie) takes the full stack, with the same page.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response

CHECK_SECONDS: Final = 2.0
# An entry not asked for this long is dropped (the index holds the slugs being read).
FORGET_SECONDS: Final = 600.0
BATCH: Final = 500  # slugs re-read per query (below every database's parameter limit)
HOME: Final = re.compile(r"/p/(?P<slug>[-a-zA-Z0-9_]+)/")
RESPONSE_PREFIX: Final = "jalon:public-response:"
# How long a public page is cached here and by browsers (Cache-Control: max-age).
PUBLIC_MAX_AGE: Final = 300

Published = tuple[int, int, frozenset[str]]


def page_key(published: Published, language: str, secure: bool) -> str:
    """The cache key of a public home: organisation, inventory version, published domains,
    calendar year and language (what the page depends on, besides changes within
    PUBLIC_MAX_AGE), and the scheme (the security headers differ over TLS)."""
    organisation_id, version, domains = published
    return (f"jalon:public:{organisation_id}:{version}:{','.join(sorted(domains))}:"
            f"{timezone.localdate().year}:{language}:{'s' if secure else ''}")


def _published_sql(count: int) -> str:
    from jalon.tenancy.models import Organisation, Publication

    quote = connection.ops.quote_name

    def column(model: Any, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    org_table, pub_table = quote(Organisation._meta.db_table), quote(Publication._meta.db_table)
    marks = ", ".join(["%s"] * count)
    # Names come from the models, values are parameters.
    return (f"SELECT o.{column(Organisation, 'slug')}, o.{column(Organisation, 'id')}, "  # noqa: S608
            f"o.{column(Organisation, 'inventory_version')}, p.{column(Publication, 'domain')} "
            f"FROM {org_table} o JOIN {pub_table} p "
            f"ON p.{column(Publication, 'organisation')} = o.{column(Organisation, 'id')} "
            f"WHERE p.{column(Publication, 'published')} = %s "
            f"AND o.{column(Organisation, 'slug')} IN ({marks})")


def read_published(slugs: list[str]) -> dict[str, Published]:
    """{slug: (organisation id, inventory version, published domains)} of those of `slugs`
    that publish something, one query per BATCH slugs (as tenancy.scope.published_at)."""
    found: dict[str, tuple[int, int, set[str]]] = {}
    for start in range(0, len(slugs), BATCH):
        part = slugs[start:start + BATCH]
        with connection.cursor() as cursor:
            cursor.execute(_published_sql(len(part)), [True, *part])
            for slug, organisation_id, version, domain in cursor.fetchall():
                found.setdefault(slug, (int(organisation_id), int(version), set()))[2].add(
                    str(domain))
    return {slug: (o, v, frozenset(d)) for slug, (o, v, d) in found.items()}


class PublishedIndex:
    """What each recently read slug publishes, trusted for CHECK_SECONDS (see the module)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        # slug: (read at, asked at, published or None)
        self._entries: dict[str, tuple[float, float, Published | None]] = {}

    def get(self, slug: str) -> Published | None:
        now = self._clock()
        entry = self._entries.get(slug)
        if entry is not None and now - entry[0] < CHECK_SECONDS:
            if now - entry[1] > 1.0:  # remember it is still read (at most once a second)
                self._entries[slug] = (entry[0], now, entry[2])
            return entry[2]
        return self._refresh(slug, now)

    def _refresh(self, slug: str, now: float) -> Published | None:
        with self._lock:
            for key in [k for k, (_r, asked, _p) in self._entries.items()
                        if now - asked > FORGET_SECONDS]:
                del self._entries[key]
            stale = {k for k, (read, _a, _p) in self._entries.items()
                     if now - read >= CHECK_SECONDS}
        stale.add(slug)
        found = read_published(sorted(stale))
        with self._lock:
            for key in stale:
                asked = now if key == slug else self._entries.get(key, (0.0, now, None))[1]
                self._entries[key] = (now, asked, found.get(key))
        return found.get(slug)

    def clear(self, *_args: Any, **_kwargs: Any) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


INDEX: Final = PublishedIndex()


def forget(_organisation_id: int) -> None:
    """An inventory changed (announced once committed, jalon.events): its version moved on."""
    INDEX.clear()


def forget_after_change(*_args: Any, **_kwargs: Any) -> None:
    """A publication, an organisation or an inventory changed: forget what the index knows,
    now and once the transaction commits (a read in between may have put back the old)."""
    INDEX.clear()
    if connection.in_atomic_block:
        connection.on_commit(INDEX.clear)


def page_html(key: str, build: Callable[[], str]) -> str:
    """The HTML of a public home: from this process's cache, else from the cache the web
    workers share (settings.CACHES["shared"], files in the data folder: a page is built once
    for all workers, not once per worker), else built and kept in both. A page lives
    PUBLIC_MAX_AGE from when it was built, wherever it is read from."""
    html: str | None = cache.get(key)
    if html is not None:
        return html
    shared = caches["shared"] if "shared" in settings.CACHES else None
    found = shared.get(key) if shared is not None else None
    now = time.time()
    if found is not None and now - found[0] < PUBLIC_MAX_AGE - 1:
        built_at, html = found
    else:
        built_at, html = now, build()
        if shared is not None:
            shared.set(key, (built_at, html), PUBLIC_MAX_AGE)
    cache.set(key, html, max(1, int(PUBLIC_MAX_AGE - (now - built_at))))
    return html


def etag_of(body: bytes) -> str:
    return f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def store(request: HttpRequest, response: HttpResponseBase, key: str) -> None:
    """Keep a public home's full-stack response for the fast path (a 200 without cookies)."""
    if (isinstance(response, HttpResponse) and response.status_code == 200
            and not response.cookies and not response.streaming):
        cache.set(RESPONSE_PREFIX + key, (list(response.items()), response.content),
                  PUBLIC_MAX_AGE)


class PublicHomeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (request.method != "GET" or request.META.get("QUERY_STRING")
                or settings.SESSION_COOKIE_NAME in request.COOKIES):
            return self.get_response(request)
        match = HOME.fullmatch(request.path_info)
        if match is None:
            return self.get_response(request)
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware would check it
        published = INDEX.get(match["slug"])
        if published is None:
            return self.get_response(request)
        key = page_key(published, translation.get_language_from_request(request),
                       request.is_secure())
        stored = cache.get(RESPONSE_PREFIX + key)
        if stored is None:
            response = self.get_response(request)
            if getattr(response, "public_page_key", None) == key:
                store(request, response, key)
            return response
        headers, body = stored
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        if "HTTP_IF_NONE_MATCH" not in request.META:
            return response
        conditional = get_conditional_response(request, etag=response.get("ETag"),
                                               response=response)
        return conditional if conditional is not None else response
