"""Strategy journeys in Chromium (issue 4), every page reached audited by tests/browser/harness.py
(axe, page weight, EcoIndex, keyboard, overflow) for every role: viewer, editor, admin, operator
administrator, and anonymous visitors of the public pages.

A page that answers 404 where it should exist fails the test, naming it; tests that walk a list
of pages note the missing ones and fail at the end, after auditing the others.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from tests.browser.harness import assert_audits_clean
from tests.factories import published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AGGLO = "val-de-lisiere"
COMMUNE = "saint-aubin-sur-lisiere"
USERS = {"viewer": "lecteur", "editor": "editeur", "admin": "admin", "operator": "operateur"}
LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def seed_strategies() -> bool:
    """Whether the demo's strategies are seeded (a test parametrizes this to False to create
    the strategy itself)."""
    return True


@pytest.fixture
def demo_world(transactional_db: None, live_server: Any, settings: Any, tmp_path: Path,
               seed_strategies: bool) -> dict[str, Any]:
    """conftest's demo world (small inventory), with or without the demo's strategies."""
    from jalon import demo_site

    settings.UPLOAD_DIR = tmp_path / "uploads"
    messages: list[str] = []
    report = demo_site.seed(data_dir=tmp_path, agglomeration_paths=[FIXTURES / "canonical.csv"],
                            strategies=seed_strategies, say=messages.append)
    return {"report": report, "base": live_server.url, "password": demo_site.DEMO_PASSWORD,
            "messages": messages}


def _open(session: Any, path: str, what: str, missing: list[str] | None = None) -> bool:
    """Go to a page; a 404/501 fails the test at once, or is noted in `missing` (the test then
    audits the rest of its pages and fails at the end, naming every missing one)."""
    status = session.goto(path)
    if status in (404, 501) or status is None:
        if missing is None:
            pytest.fail(f"missing: {what} ({path} answers {status})")
        missing.append(what)
        return False
    assert status == 200, f"{path} answers {status}"
    return True


def _download(session: Any, path: str) -> tuple[int, str, bytes]:
    """A download with the session's cookies (not a navigation)."""
    response = session.context.request.get(session.base + path)
    return response.status, response.headers.get("content-type", ""), response.body()


def _placeholder(session: Any) -> bool:
    """The temporary page every navigation link resolves to while an app is being built."""
    text = session.page.locator("main").inner_text().strip()
    return text.endswith("…") and text.count("\n") <= 2


def _strategy_page(session: Any, what: str = "strategy team view") -> None:
    _open(session, f"/o/{AGGLO}/strategy/", what)
    if _placeholder(session):
        pytest.fail(f"missing: {what} (placeholder page)")


def _indicator_id(slug: str, key: str) -> int:
    from jalon.strategy.models import Indicator

    indicator = Indicator.objects.filter(strategy__organisation__slug=slug,
                                         definition__key=key).order_by("-strategy_id").first()
    assert indicator is not None, f"no indicator {key} for {slug}"
    return int(indicator.pk)


def _row_text(session: Any, name: str) -> str:
    row = session.page.locator("main tr", has=session.page.get_by_role("link", name=name))
    return row.first.inner_text() if row.count() else ""


MANUAL = ("devices_repaired", "Nombre d'équipements réparés")


@pytest.mark.parametrize("seed_strategies", [False])
def test_strategy_journey(open_browser: Any, demo_world: dict[str, Any]) -> None:
    """Editor: create a strategy from the REEN template → open an indicator → set its target →
    enter a value → the status changes in the team view. Admin: publish. Visitor: the public
    page, the DCAT catalogue (JSON-LD) and a CSV. Admin: the annual report and its PDF."""
    from jalon.strategy.models import Strategy
    from jalon.strategy.selectors import is_public

    password = demo_world["password"]
    missing: list[str] = []
    sessions = []

    # -- Editor: create the strategy from the REEN template.
    editor = open_browser("editor")
    sessions.append(editor)
    editor.sign_in(USERS["editor"], password)
    assert "/accounts/login" not in editor.page.url, "sign-in failed"
    _strategy_page(editor, "strategy creation page")
    template = editor.page.locator("input[type=radio][value='reen-guide']")
    if template.count() == 0:
        pytest.fail("missing: strategy creation from a template")
    editor.audit("strategy (create form)")
    template.check()
    title = "Stratégie numérique responsable 2024-2030"
    editor.page.get_by_label(re.compile(r"^Titre")).fill(title)
    editor.page.get_by_label(re.compile("Début de la période")).fill("2024")
    editor.page.get_by_label(re.compile("Fin de la période")).fill("2030")
    with editor.page.expect_navigation():
        editor.page.get_by_role("button", name="Créer la stratégie").click()
    strategy = Strategy.objects.get(organisation__slug=AGGLO)
    assert strategy.template_key == "reen-guide"
    assert strategy.indicators.count() >= 20
    editor.last_status = 200
    editor.audit("strategy team view")

    # -- The indicators, then one manual indicator: set its target, enter a value.
    _open(editor, f"/o/{AGGLO}/strategy/indicators/", "indicator list")
    editor.audit("indicator list")
    pk = _indicator_id(AGGLO, MANUAL[0])
    link = editor.page.get_by_role("link", name=MANUAL[1], exact=True)
    if link.count():
        with editor.page.expect_navigation():
            link.first.click()
        editor.last_status = 200
    else:  # on another page of the list
        _open(editor, f"/o/{AGGLO}/strategy/indicators/{pk}/", "indicator page")
    assert f"/indicators/{pk}/" in editor.page.url
    before = editor.page.locator("main .st-verdict").inner_text()
    assert "Pas de données" in before, before
    editor.audit("indicator (no value)")

    edit = editor.page.get_by_role("link", name="Modifier la cible")
    with editor.page.expect_navigation():
        edit.click()
    editor.last_status = 200
    editor.audit("indicator target form")
    editor.page.get_by_label("La cible est fixée").check()
    editor.page.get_by_label("Type de cible").select_option("floor")
    editor.page.get_by_label("Valeur cible").fill("100")
    with editor.page.expect_navigation():
        editor.page.locator("main").get_by_role("button", name="Enregistrer").click()
    if f"/indicators/{pk}/" not in editor.page.url:
        _open(editor, f"/o/{AGGLO}/strategy/indicators/{pk}/", "indicator page")
    editor.last_status = 200

    editor.page.get_by_label(re.compile(r"^Date\s*:?$")).fill(f"{LAST_YEAR}-12-31")
    editor.page.get_by_label(re.compile(r"^Valeur\s*:?$")).fill("150")
    with editor.page.expect_navigation():
        editor.page.get_by_role("button", name="Enregistrer la valeur").click()
    editor.last_status = 200
    after = editor.page.locator("main .st-verdict").inner_text()
    assert "Atteint" in after, after
    editor.audit("indicator (value entered)")

    # The team view shows the new status.
    _open(editor, f"/o/{AGGLO}/strategy/indicators/?status=achieved", "indicator list")
    assert "Atteint" in _row_text(editor, MANUAL[1]), editor.page.locator("main").inner_text()
    editor.audit("indicator list (achieved)")
    _open(editor, f"/o/{AGGLO}/strategy/", "strategy team view")
    assert re.search(r"Atteint\s*:\s*[1-9]", editor.page.locator("main").inner_text())
    editor.audit("strategy team view (after the value)")

    # -- Admin: publish the strategy (a field of the strategy's form, or a button).
    admin = open_browser("admin")
    sessions.append(admin)
    admin.sign_in(USERS["admin"], password)
    _open(admin, f"/o/{AGGLO}/strategy/", "strategy team view")
    admin.audit("strategy team view (admin)")
    if not _publish(admin):
        missing.append("publication of the strategy (no button or form field found)")
        published(strategy.organisation, "strategy")
    strategy.refresh_from_db()
    assert is_public(strategy)

    # -- The introduction of last year's report (so that its review is published).
    if _open(admin, f"/o/{AGGLO}/strategy/report/", "annual report index", missing):
        admin.audit("annual report index")
        if _open(admin, f"/o/{AGGLO}/strategy/report/{LAST_YEAR}/introduction/",
                 "annual report introduction form", missing):
            admin.audit("annual report introduction form")
            admin.page.get_by_label("Introduction").fill(
                f"Bilan {LAST_YEAR} de la stratégie numérique responsable.")
            with admin.page.expect_navigation():
                admin.page.locator("main").get_by_role("button").first.click()
            admin.last_status = 200
            admin.audit("annual report")
        status, kind, body = _download(admin, f"/o/{AGGLO}/strategy/report/{LAST_YEAR}.pdf")
        if status == 404:
            missing.append("annual report PDF")
        else:
            assert (status, kind.split(";")[0]) == (200, "application/pdf"), (status, kind)
            assert body.startswith(b"%PDF")

    # -- A visitor, signed out: the public page, the DCAT catalogue and a CSV.
    visitor = open_browser("anonymous")
    sessions.append(visitor)
    if _open(visitor, f"/p/{AGGLO}/strategy/", "public strategy page", missing):
        assert strategy.title in visitor.page.locator("main").inner_text()
        visitor.audit("public strategy page")
    for path, wanted in ((f"/p/{AGGLO}/data/catalogue.jsonld", "application/ld+json"),
                         (f"/p/{AGGLO}/data/indicators.csv", "text/csv")):
        status, kind, body = _download(visitor, path)
        if status == 404:
            missing.append(path)
            continue
        assert (status, kind.split(";")[0].strip()) == (200, wanted), (path, status, kind)
        assert body
    status, kind, _body = _download(visitor, f"/p/{AGGLO}/strategy/report/{LAST_YEAR}.pdf")
    if status == 404:
        missing.append("public annual report PDF")
    else:
        assert (status, kind.split(";")[0]) == (200, "application/pdf")
    # The commune's strategy is not published: no public page, no data.
    assert visitor.goto(f"/p/{COMMUNE}/strategy/") == 404

    assert_audits_clean([a for s in sessions for a in s.audits])
    if missing:
        pytest.fail("missing: " + "; ".join(missing))


def _publish(session: Any) -> bool:
    """Publish the strategy through the interface: a button on the strategy page, or a
    checkbox of the strategy's form. False when neither exists."""
    page = session.page
    button = page.locator("main").get_by_role("button", name=re.compile(r"^Publier"))
    if button.count():
        with page.expect_navigation():
            button.first.click()
        session.last_status = 200
        session.audit("strategy team view (published)")
        return True
    status = session.goto(f"/o/{AGGLO}/strategy/edit/")
    if status != 200:
        return False
    checkbox = page.locator("main input[type=checkbox][name=public]")
    if checkbox.count() == 0:
        return False
    session.audit("strategy form")
    checkbox.check()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=re.compile("Enregistrer")).click()
    session.last_status = 200
    session.audit("strategy team view (published)")
    return True


# -- Every strategy page, for every role ----------------------------------------------------

VIEWER_PAGES = (
    ("strategy team view", "strategy/"),
    ("indicator list", "strategy/indicators/"),
    ("indicator (manual, with values)", "strategy/indicators/{manual}/"),
    ("indicator (computed)", "strategy/indicators/{computed}/"),
    ("axis", "strategy/axes/{axis}/"),
    ("peers", "strategy/peers/"),
    ("annual report index", "strategy/report/"),
    ("annual report", f"strategy/report/{LAST_YEAR}/"),
)
EDITOR_PAGES = (
    ("strategy form", "strategy/edit/"),
    ("indicator new", "strategy/indicators/new/"),
    ("indicator target form", "strategy/indicators/{manual}/edit/"),
    ("annual report introduction form", f"strategy/report/{LAST_YEAR}/introduction/"),
)
OPERATOR_PAGES = (
    ("operator strategy index", "/operator/strategy/"),
    ("operator template form (new)", "/operator/strategy/templates/new/"),
    ("operator template form (edit)", "/operator/strategy/templates/{template}/"),
    ("operator indicator form (new)", "/operator/strategy/indicators/new/"),
    ("operator indicator form (edit)", "/operator/strategy/indicators/{definition}/"),
    ("commune strategy team view", f"/o/{COMMUNE}/strategy/"),
)


def _ids() -> dict[str, int]:
    from jalon import demo_site
    from jalon.strategy.models import Axis, IndicatorDefinition, StrategyTemplate

    return {
        "manual": _indicator_id(AGGLO, "rgesn_score"),
        "computed": _indicator_id(AGGLO, "footprint_per_agent"),
        "axis": Axis.objects.filter(strategy__organisation__slug=AGGLO).first().pk,
        "template": StrategyTemplate.objects.get(key=demo_site.OPERATOR_TEMPLATE["key"]).pk,
        "definition": IndicatorDefinition.objects.get(
            key=demo_site.OPERATOR_DEFINITION["key"]).pk,
    }


@pytest.mark.parametrize("role", list(USERS))
def test_every_strategy_page_of_every_role(role: str, open_browser: Any,
                                           demo_world: dict[str, Any]) -> None:
    assert not [m for m in demo_world["messages"] if "non créée" in m], demo_world["messages"]
    ids = _ids()
    session = open_browser(role)
    session.sign_in(USERS[role], demo_world["password"])
    assert "/accounts/login" not in session.page.url, "sign-in failed"
    missing: list[str] = []
    pages = list(VIEWER_PAGES)
    if role != "viewer":
        pages += EDITOR_PAGES
    if role == "operator":
        pages += OPERATOR_PAGES
    for label, path in pages:
        path = path.format(**ids)
        if not path.startswith("/"):
            path = f"/o/{AGGLO}/{path}"
        if not _open(session, path, label, missing):
            continue
        if label == "peers":
            text = session.page.locator("main").inner_text()
            # The demo seeds five comparable peer agglomerations: anonymised, never named.
            assert "Pair A" in text and "Trois-Vallées" not in text
        session.audit(label)
    # Too low a role, or not an operator administrator.
    if role == "viewer":
        assert session.goto(f"/o/{AGGLO}/strategy/indicators/new/") in (403, 404)
    if role != "operator":
        assert session.goto("/operator/strategy/") == 404
        assert session.goto(f"/o/{COMMUNE}/strategy/") == 404
    assert_audits_clean(session.audits)
    if missing:
        pytest.fail("missing: " + ", ".join(missing))


def test_public_strategy_pages(open_browser: Any, demo_world: dict[str, Any]) -> None:
    """Anonymous visitors: the published strategy, an embedded chart, the open data."""
    ids = _ids()
    visitor = open_browser("anonymous")
    missing: list[str] = []
    if _open(visitor, f"/p/{AGGLO}/strategy/", "public strategy page", missing):
        visitor.audit("public strategy page")
    if _open(visitor, f"/p/{AGGLO}/strategy/indicators/{ids['manual']}/embed/",
             "embedded chart", missing):
        visitor.audit("embedded chart")
    downloads = [(f"/p/{AGGLO}/data/catalogue.jsonld", "application/ld+json"),
                 (f"/p/{AGGLO}/data/catalogue.ttl", "text/turtle")]
    downloads += [(f"/p/{AGGLO}/data/{name}.csv", "text/csv")
                  for name in ("strategy", "indicators", "values", "footprint", "inventory")]
    downloads.append((f"/p/{AGGLO}/strategy/report/{LAST_YEAR}.pdf", "application/pdf"))
    for path, wanted in downloads:
        status, kind, body = _download(visitor, path)
        if status == 404:
            missing.append(path)
            continue
        assert (status, kind.split(";")[0].strip()) == (200, wanted), (path, status, kind)
        assert body
    for path in (f"/p/{COMMUNE}/strategy/", f"/p/{COMMUNE}/data/catalogue.jsonld"):
        assert visitor.goto(path) == 404, path  # not published
    visitor.goto(f"/o/{AGGLO}/strategy/peers/")
    assert "/accounts/login" in visitor.page.url
    assert_audits_clean(visitor.audits)
    if missing:
        pytest.fail("missing: " + ", ".join(missing))
