"""The operator's pages in Chromium, for the demo operator administrator « operateur »: the
dashboard (members, consolidated footprint chart and table), filtered by kind and population
band through its form, a member's row leading to its footprint; every page audited (harness.py:
axe 0, weight, EcoIndex, keyboard, overflow at 360 and 1280 px)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

from jalon import demo_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_dashboard(open_browser: Any, demo_world: dict[str, Any]) -> None:
    session = open_browser("operator")
    session.sign_in("operateur", demo_world["password"])
    page = session.page
    assert session.goto("/operator/dashboard/") == 200
    session.audit("operator dashboard")
    main = page.locator("main")
    assert main.locator("svg[role=img]").count() == 1
    text = main.inner_text()
    for spec in (demo_site.AGGLOMERATION, demo_site.COMMUNE, *demo_site.MEMBERS):
        assert spec["name"] in text

    # Filters without JavaScript: a GET form.
    page.get_by_label("Type d'organisation").select_option("commune")
    page.get_by_label("Population").select_option("1")  # 3,500 to 20,000 inhabitants
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    session.audit("operator dashboard filtered")
    text = page.locator("main").inner_text()
    assert "Commune de Lormeau" in text and "Ville de Brévannes-sur-Lisière" in text
    assert demo_site.AGGLOMERATION["name"] not in text
    assert "Ville de Chantereine" not in text  # 27,800 inhabitants: another band

    # Sorted by footprint per agent, then a member's own dashboard.
    with page.expect_navigation():
        page.get_by_role("link", name="empreinte par agent").click()
    assert "sort=-per_agent" in page.url
    with page.expect_navigation():
        page.locator("main table tbody a").first.click()
    assert "/o/" in page.url
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits)
