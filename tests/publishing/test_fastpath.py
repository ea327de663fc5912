"""The public home served before the rest of the stack (publishing/fastpath.py): an anonymous
reader's second read costs no SQL and gets exactly what the full stack answered; a change of
publication or inventory shows at once in the process; other processes within CHECK_SECONDS."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from jalon.inventory import services as inventory_services
from jalon.inventory.models import Asset
from jalon.publishing import fastpath
from jalon.tenancy.models import Organisation

from .test_opendata_world import build, member, publish

pytestmark = pytest.mark.django_db
URL = "/p/lisiere/"


@pytest.fixture(autouse=True)
def _clear(monkeypatch):
    cache.clear()
    fastpath.INDEX.clear()
    # A first page may take longer than CHECK_SECONDS to build on a busy machine.
    monkeypatch.setattr(fastpath, "CHECK_SECONDS", 600.0)


def test_a_second_anonymous_read_costs_no_query_and_replays_the_full_response(
        client, django_assert_num_queries):
    build()
    first = client.get(URL)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(URL)
    assert second.status_code == 200
    assert second.content == first.content
    assert dict(second.items()) == dict(first.items())
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options",
                   "Cache-Control", "ETag", "Content-Language"):
        assert second[header]
    assert not second.cookies  # nothing personal, no CSRF cookie on a shared page


def test_the_etag_gives_a_304_on_both_paths(client):
    build()
    etag = client.get(URL)["ETag"]
    assert client.get(URL, headers={"if-none-match": etag}).status_code == 304  # fast path
    cache.clear()  # the full stack answers the same
    assert client.get(URL, headers={"if-none-match": etag}).status_code == 304
    assert client.get(URL, headers={"if-none-match": '"other"'}).status_code == 200


def test_withdrawing_the_publication_shows_at_once(client):
    world = build(public=False, public_footprint=True)
    assert client.get(URL).status_code == 200
    client.get(URL)
    publish(world["org"], "footprint", False)
    assert client.get(URL).status_code == 404
    publish(world["org"], "strategy", True)
    html = client.get(URL).content.decode()
    assert 'id="pub-strategy"' in html and 'id="pub-footprint"' not in html


def test_an_inventory_change_gives_a_new_page_at_once(client, django_capture_on_commit_callbacks):
    world = build()
    org = world["org"]
    client.get(URL)
    client.get(URL)
    before = fastpath.INDEX.get("lisiere")
    asset = Asset.objects.filter(organisation=org, retirement_date__isnull=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        inventory_services.retire_assets(None, org, [asset.pk], date=timezone.localdate(),
                                         disposal="recycled")
    assert len(fastpath.INDEX) == 0  # forgotten on the announcement
    assert client.get(URL).status_code == 200
    after = fastpath.INDEX.get("lisiere")
    assert before is not None and after is not None and after[1] == before[1] + 1


def test_a_renamed_address_is_no_longer_served(client):
    world = build()
    client.get(URL)
    org = world["org"]
    org.slug = "lisiere-nouvelle"
    org.save()
    assert client.get(URL).status_code == 404
    assert client.get("/p/lisiere-nouvelle/").status_code == 200


def test_a_signed_in_reader_takes_the_full_stack_and_gets_the_same_page(client):
    world = build()
    anonymous = client.get(URL)
    signed_in = Client()
    signed_in.force_login(member(world["org"], "lecteur"))
    response = signed_in.get(URL)
    assert response.status_code == 200 and response.content == anonymous.content
    assert "csrftoken" not in response.cookies


def test_a_query_string_or_an_unknown_host_is_not_served_from_memory(client):
    build()
    client.get(URL)
    client.get(URL)
    assert client.get(URL + "?x=1").status_code == 200
    assert client.get(URL, headers={"host": "evil.example"}).status_code == 400


def test_a_page_of_an_organisation_publishing_nothing_is_404_and_not_kept(client):
    build(public=False, public_footprint=False)
    assert client.get(URL).status_code == 404
    assert fastpath.INDEX.get("lisiere") is None
    assert client.get("/p/nobody/").status_code == 404


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_index_rereads_its_stale_entries_together_and_forgets_unread_ones(
        django_assert_num_queries):
    build(slug="lisiere")
    build_other = Organisation.objects.get(slug="lisiere")
    publish(build_other, "strategy", True)
    clock = Clock()
    index = fastpath.PublishedIndex(clock)
    with django_assert_num_queries(1):
        found = index.get("lisiere")
    assert found is not None and found[0] == build_other.pk
    assert found[2] == frozenset({"footprint", "strategy"})
    with django_assert_num_queries(1):
        assert index.get("absent") is None
    with django_assert_num_queries(0):  # both trusted for CHECK_SECONDS, absent included
        index.get("lisiere")
        index.get("absent")
    clock.now += fastpath.CHECK_SECONDS
    with django_assert_num_queries(1):  # both re-read in one query
        index.get("lisiere")
    with django_assert_num_queries(0):
        index.get("absent")
    clock.now += fastpath.FORGET_SECONDS + fastpath.CHECK_SECONDS
    index.get("lisiere")
    assert len(index) == 1  # "absent" not asked for FORGET_SECONDS: dropped


def test_many_slugs_are_read_in_batches(django_assert_num_queries):
    build()
    slugs = [f"s{i}" for i in range(fastpath.BATCH + 1)] + ["lisiere"]
    with django_assert_num_queries(2):
        found = fastpath.read_published(slugs)
    assert list(found) == ["lisiere"]


def test_a_page_built_by_one_worker_is_read_by_the_others(client, settings, monkeypatch):
    """The shared cache (files in production): a worker whose own memory lacks the page reads
    it there instead of building it again."""
    from jalon.publishing import public_views

    settings.CACHES = {**settings.CACHES, "shared": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shared-pages-test"}}
    build()
    first = client.get(URL).content
    cache.clear()  # another worker: its own memory is empty

    def fail(*_args, **_kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(public_views, "_home_html", fail)
    assert client.get(URL).content == first
    from django.core.cache import caches

    caches["shared"].clear()
