"""More journeys in Chromium, every page reached audited by tests/browser/harness.py (axe, page
weight, EcoIndex, keyboard, overflow): the pages the other journeys do not reach.

- an invitation: the admin invites by e-mail, the invitee opens the link from the e-mail
  (Django's test outbox), fails twice (passwords that differ, a password too short), then
  creates the account and lands signed in; a second invitation accepted while signed in;
- the password reset: request, "sent", the link from the e-mail, an error, "complete";
- the footprint breakdown (by category, entity and site) for every role;
- every part of the annual report on screen, and its PDF;
- the remaining forms: strategy axes, objectives, actions and their deletion pages, the
  indicator deletion page, the operator's new organisation form, a new API token.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"
USERS = {"viewer": "lecteur", "editor": "editeur", "admin": "admin", "operator": "operateur"}
LAST_YEAR = timezone.localdate().year - 1
LINK = re.compile(r"https?://\S+")
STRONG = "Lisiere-Parc-2031!"  # 12 characters at least, not common, not only digits


def _submit(session: Any, button: Any) -> int | None:
    """Click a submit button, wait for the page it leads to and record its status."""
    with session.page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    session.last_status = response.status if response else None
    return session.last_status


def _open(session: Any, path: str) -> None:
    status = session.goto(path)
    assert status == 200, f"{path} answers {status}"


def _mailed_link(outbox: list[Any], to: str, contains: str) -> str:
    """The link of the last e-mail sent to `to` (Django's locmem outbox)."""
    sent = [m for m in outbox if to in m.to]
    assert sent, f"no e-mail to {to}: {[m.to for m in outbox]}"
    links = [link for link in LINK.findall(sent[-1].body) if contains in link]
    assert links, sent[-1].body
    return links[0]


def _main_text(session: Any) -> str:
    return str(session.page.locator("main").inner_text())


# -- Invitation --------------------------------------------------------------------------

def _invite(admin: Any, email: str, role: str | None = None) -> None:
    _open(admin, f"/o/{AGGLO}/settings/invitations/")
    admin.page.locator("#id_email").fill(email)
    if role:
        admin.page.locator("#id_role").select_option(role)
    assert _submit(admin, admin.page.locator("main").get_by_role(
        "button", name="Envoyer l'invitation")) == 200
    assert email in _main_text(admin)


def test_invitation_journey(open_browser: Any, demo_world: dict[str, Any],
                            mailoutbox: list[Any]) -> None:
    """Admin invites → the invitee opens the e-mailed link → two errors → account created,
    signed in on the dashboard → a second invitation, accepted while signed in."""
    from jalon.tenancy.models import Membership

    admin = open_browser("admin")
    admin.sign_in(USERS["admin"], demo_world["password"])
    # The invitation form with an error (not an address).
    _open(admin, f"/o/{AGGLO}/settings/invitations/")
    admin.page.locator("#id_email").fill("pas-une-adresse")
    assert _submit(admin, admin.page.locator("main").get_by_role(
        "button", name="Envoyer l'invitation")) == 400
    admin.audit("invitations (form error)")
    email = "nouvelle.recrue@val-de-lisiere.example"
    _invite(admin, email, "editor")
    admin.audit("invitations (invitation sent)")
    link = _mailed_link(mailoutbox, email, "/accounts/invitation/")

    invitee = open_browser("invitee")
    invitee.page.goto(link)
    invitee.last_status = 200
    assert "/accounts/invitation/" in invitee.page.url
    assert "Rejoindre" in invitee.page.locator("h1").inner_text()
    invitee.audit("invitation (create account)")

    page = invitee.page
    button = page.locator("main").get_by_role("button", name="Créer mon compte et rejoindre")
    page.locator("#id_username").fill("recrue")
    page.locator("#id_first_name").fill("Rose")
    page.locator("#id_last_name").fill("Martin")
    # Passwords that differ.
    page.locator("#id_password1").fill(STRONG)
    page.locator("#id_password2").fill(STRONG + "x")
    _submit(invitee, button)
    assert "/accounts/invitation/" in page.url
    assert page.locator("[aria-invalid=true]").count() >= 1
    invitee.audit("invitation (passwords differ)")
    # A password too short.
    page.locator("#id_password1").fill("court")
    page.locator("#id_password2").fill("court")
    _submit(invitee, button)
    assert "/accounts/invitation/" in page.url
    assert page.locator("[aria-invalid=true]").count() >= 1
    invitee.audit("invitation (password too short)")
    # The right way: signed in, on the organisation's dashboard.
    page.locator("#id_password1").fill(STRONG)
    page.locator("#id_password2").fill(STRONG)
    assert _submit(invitee, button) == 200
    assert page.url.rstrip("/").endswith(f"/o/{AGGLO}"), page.url
    assert "Bienvenue" in _main_text(invitee) or "Bienvenue" in page.content()
    assert page.get_by_role("button", name="Se déconnecter").count() == 1
    assert Membership.objects.get(user__username="recrue", organisation__slug=AGGLO).role \
        == "editor"
    invitee.audit("dashboard (after joining)")

    # The link serves once: opened again, signed out, it is refused.
    invitee.sign_out()
    assert invitee.goto(urlsplit(link).path) == 404
    invitee.audit("invitation (link already used)")

    # A second invitation, opened while signed in: accept with the current account.
    _invite(admin, "recrue.bis@val-de-lisiere.example", "admin")
    second = _mailed_link(mailoutbox, "recrue.bis@val-de-lisiere.example",
                          "/accounts/invitation/")
    invitee.sign_in("recrue", STRONG)
    assert "/accounts/login" not in page.url, "sign-in failed"
    page.goto(second)
    invitee.last_status = 200
    assert page.get_by_role("button", name="Accepter l'invitation").count() == 1
    invitee.audit("invitation (signed in)")
    assert _submit(invitee, page.locator("main").get_by_role(
        "button", name="Accepter l'invitation")) == 200
    assert page.url.rstrip("/").endswith(f"/o/{AGGLO}"), page.url
    invitee.audit("dashboard (after accepting)")

    assert_audits_clean(admin.audits + invitee.audits)


# -- Password reset ----------------------------------------------------------------------

def test_password_reset_journey(open_browser: Any, demo_world: dict[str, Any],
                                mailoutbox: list[Any]) -> None:
    """Request → "sent" → the e-mailed link → passwords that differ → a new password →
    "complete" → sign in with it. A used link is refused."""
    visitor = open_browser("anonymous")
    page = visitor.page
    _open(visitor, "/accounts/password/reset/")
    visitor.audit("password reset")
    email = "lecteur@val-de-lisiere.example"
    page.locator("#id_email").fill(email)
    assert _submit(visitor, page.locator("main").get_by_role(
        "button", name="Envoyer le lien")) == 200
    assert page.url.endswith("/accounts/password/reset/sent/"), page.url
    visitor.audit("password reset (sent)")

    link = _mailed_link(mailoutbox, email, "/accounts/password/reset/")
    page.goto(link)
    visitor.last_status = 200
    assert page.locator("#id_new_password1").count() == 1, _main_text(visitor)
    visitor.audit("password reset (new password)")
    page.locator("#id_new_password1").fill(STRONG)
    page.locator("#id_new_password2").fill(STRONG + "x")
    button = page.locator("main").get_by_role("button", name="Enregistrer le mot de passe")
    _submit(visitor, button)
    assert page.locator("[aria-invalid=true]").count() >= 1
    visitor.audit("password reset (passwords differ)")
    page.locator("#id_new_password1").fill("court")
    page.locator("#id_new_password2").fill("court")
    _submit(visitor, button)
    assert page.locator("[aria-invalid=true]").count() >= 1
    visitor.audit("password reset (too short)")
    page.locator("#id_new_password1").fill(STRONG)
    page.locator("#id_new_password2").fill(STRONG)
    assert _submit(visitor, button) == 200
    assert page.url.endswith("/accounts/password/reset/done/"), page.url
    visitor.audit("password reset (complete)")

    # The link has served: it is refused now.
    page.goto(link)
    visitor.last_status = 200
    assert page.locator("#id_new_password1").count() == 0
    visitor.audit("password reset (invalid link)")

    visitor.sign_in(USERS["viewer"], STRONG)
    assert "/accounts/login" not in page.url, "sign-in with the new password failed"
    assert_audits_clean(visitor.audits)


# -- Footprint breakdown -----------------------------------------------------------------

@pytest.mark.parametrize("role", list(USERS))
def test_footprint_breakdown_of_every_role(role: str, open_browser: Any,
                                           demo_world: dict[str, Any]) -> None:
    """From the footprint page, the three breakdowns (category, entity, site), and the next
    page of a breakdown when there is one."""
    session = open_browser(role)
    session.sign_in(USERS[role], demo_world["password"])
    assert "/accounts/login" not in session.page.url, "sign-in failed"
    page = session.page
    for dimension, link in (("category", "Tous les critères et les durées de vie"),
                            ("entity", "détail par entité"), ("site", "détail par site")):
        _open(session, f"/o/{AGGLO}/footprint/")
        with page.expect_navigation() as navigation:
            page.locator("main").get_by_role("link", name=re.compile(link)).first.click()
        session.last_status = navigation.value.status if navigation.value else None
        assert session.last_status == 200
        assert f"dimension={dimension}" in page.url
        assert page.locator("main table").count() == 1, _main_text(session)
        session.audit(f"breakdown by {dimension}")
        following = page.locator("main").get_by_role("link", name="Page suivante")
        if following.count():
            with page.expect_navigation():
                following.click()
            session.last_status = 200
            session.audit(f"breakdown by {dimension} (page 2)")
    assert session.goto(f"/o/{AGGLO}/footprint/breakdown/?dimension=nope") == 404
    assert_audits_clean(session.audits)


def test_breakdown_needs_sign_in(open_browser: Any, demo_world: dict[str, Any]) -> None:
    visitor = open_browser("anonymous")
    visitor.goto(f"/o/{AGGLO}/footprint/breakdown/?dimension=entity")
    assert "/accounts/login" in visitor.page.url


# -- Annual report -----------------------------------------------------------------------

@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_every_part_of_the_annual_report(role: str, open_browser: Any,
                                         demo_world: dict[str, Any]) -> None:
    """Every part of last year's review on screen, reached through "next part", each audited;
    the table of contents lists them all; the PDF (the whole review) answers."""
    session = open_browser(role)
    session.sign_in(USERS[role], demo_world["password"])
    assert "/accounts/login" not in session.page.url, "sign-in failed"
    page = session.page
    _open(session, f"/o/{AGGLO}/strategy/report/")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=re.compile(str(LAST_YEAR))).first.click()
    session.last_status = 200
    assert f"/strategy/report/{LAST_YEAR}/" in page.url, page.url
    parts = page.locator("nav.rp-toc li").count()
    assert parts >= 3, _main_text(session)
    edit = page.locator("main").get_by_role("link", name="Modifier l'introduction").count()
    assert edit == (1 if role == "editor" else 0)
    seen = []
    for number in range(1, parts + 1):
        current = page.locator("nav.rp-toc [aria-current=page]").inner_text()
        seen.append(current)
        session.audit(f"annual report, part {number}/{parts}")
        following = page.locator("main a[rel=next]")
        if number == parts:
            assert following.count() == 0
            break
        with page.expect_navigation():
            following.click()
        session.last_status = 200
        assert f"part={number + 1}" in page.url, page.url
    assert len(set(seen)) == parts, seen
    # The last part through the table of contents, beyond the last: the last part.
    assert session.goto(f"/o/{AGGLO}/strategy/report/{LAST_YEAR}/?part={parts + 5}") == 200
    assert page.locator("nav.rp-toc [aria-current=page]").inner_text() == seen[-1]

    response = session.context.request.get(
        f"{session.base}/o/{AGGLO}/strategy/report/{LAST_YEAR}.pdf")
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    assert (response.status, kind) == (200, "application/pdf")
    assert response.body().startswith(b"%PDF")
    assert_audits_clean(session.audits)


# -- Remaining forms ---------------------------------------------------------------------

def _strategy_ids() -> dict[str, int]:
    from jalon.strategy.models import Action, Axis, Indicator, Objective

    axis = Axis.objects.filter(strategy__organisation__slug=AGGLO).order_by("pk").first()
    objective = Objective.objects.filter(
        axis__strategy__organisation__slug=AGGLO).order_by("pk").first()
    indicator = Indicator.objects.filter(
        strategy__organisation__slug=AGGLO).order_by("pk").first()
    assert axis and objective and indicator, "the demo strategy is incomplete"
    ids = {"axis": axis.pk, "objective": objective.pk, "indicator": indicator.pk}
    action = Action.objects.filter(
        objective__axis__strategy__organisation__slug=AGGLO).order_by("pk").first()
    if action is not None:
        ids["action"] = action.pk
    return ids


EDITOR_FORMS = (
    ("axis new", "strategy/axes/new/"),
    ("axis edit", "strategy/axes/{axis}/edit/"),
    ("axis delete", "strategy/axes/{axis}/delete/"),
    ("objective new", "strategy/axes/{axis}/objectives/new/"),
    ("objective edit", "strategy/objectives/{objective}/edit/"),
    ("objective delete", "strategy/objectives/{objective}/delete/"),
    ("action new", "strategy/objectives/{objective}/actions/new/"),
    ("action edit", "strategy/actions/{action}/edit/"),
    ("action delete", "strategy/actions/{action}/delete/"),
    ("indicator delete", "strategy/indicators/{indicator}/delete/"),
)


def test_strategy_forms_of_an_editor(open_browser: Any, demo_world: dict[str, Any]) -> None:
    """Every strategy form not reached by the other journeys (an action added first: the demo
    has none), an error state of one, and a new axis saved; a viewer is refused them."""
    ids = _strategy_ids()
    editor = open_browser("editor")
    editor.sign_in(USERS["editor"], demo_world["password"])
    page = editor.page
    save = page.locator("main").get_by_role("button", name="Enregistrer")
    if "action" not in ids:
        _open(editor, f"/o/{AGGLO}/strategy/objectives/{ids['objective']}/actions/new/")
        page.locator("#id_title").fill("Allonger la durée de vie des portables")
        assert _submit(editor, save) == 200
        assert "/strategy/axes/" in page.url, page.url
        editor.audit("axis (action added)")
        ids = _strategy_ids()
    for label, path in EDITOR_FORMS:
        _open(editor, f"/o/{AGGLO}/{path.format(**ids)}")
        editor.audit(label)
    # The new axis form, sent empty (an error), then filled.
    _open(editor, f"/o/{AGGLO}/strategy/axes/new/")
    assert _submit(editor, save) == 400
    assert page.locator("[aria-invalid=true]").count() >= 1
    editor.audit("axis new (form error)")
    page.locator("main input[type=text]").first.fill("Sobriété des impressions")
    assert _submit(editor, save) == 200
    assert "Sobriété des impressions" in page.locator("h1").inner_text()
    editor.audit("axis (new)")

    viewer = open_browser("viewer")
    viewer.sign_in(USERS["viewer"], demo_world["password"])
    for _label, path in EDITOR_FORMS:
        assert viewer.goto(f"/o/{AGGLO}/{path.format(**ids)}") in (403, 404), path
    assert_audits_clean(editor.audits)


def test_operator_and_admin_forms(open_browser: Any, demo_world: dict[str, Any],
                                  mailoutbox: list[Any]) -> None:
    """The operator's new organisation form (empty, with errors, then created), and a new API
    token whose secret is shown once."""
    operator = open_browser("operator")
    operator.sign_in(USERS["operator"], demo_world["password"])
    _open(operator, "/operator/organisations/new/")
    operator.audit("operator organisation form")
    page = operator.page
    save = page.locator("main").get_by_role("button", name="Créer l'organisation")
    assert _submit(operator, save) == 400
    operator.audit("operator organisation form (errors)")
    page.locator("#id_name").fill("Commune de Bois-Lisière")
    page.locator("#id_slug").fill("bois-lisiere")
    kinds = [v for v in page.locator("#id_kind option").evaluate_all(
        "options => options.map(o => o.value)") if v]
    page.locator("#id_kind").select_option(kinds[0])
    page.locator("#id_admin_email").fill("maire@bois-lisiere.example")
    assert _submit(operator, save) == 200
    assert page.url.endswith("/operator/"), page.url
    assert "Bois-Lisière" in _main_text(operator)
    operator.audit("operator index (organisation created)")
    assert any("maire@bois-lisiere.example" in m.to for m in mailoutbox)

    admin = open_browser("admin")
    admin.sign_in(USERS["admin"], demo_world["password"])
    _open(admin, f"/o/{AGGLO}/settings/tokens/")
    admin.page.locator("#id_name").fill("Export GLPI nocturne")
    assert _submit(admin, admin.page.locator("main").get_by_role(
        "button", name="Créer le jeton")) == 200
    admin.audit("API tokens (new secret shown)")
    assert_audits_clean(operator.audits + admin.audits)


def test_peers_page_with_peers(open_browser: Any, demo_world: dict[str, Any]) -> None:
    """The peers page now that the demo has peer agglomerations: the comparison shown."""
    viewer = open_browser("viewer")
    viewer.sign_in(USERS["viewer"], demo_world["password"])
    _open(viewer, f"/o/{AGGLO}/strategy/peers/")
    assert "Pair A" in _main_text(viewer)
    viewer.audit("peers (with peers)")
    assert_audits_clean(viewer.audits)


# -- Error pages -------------------------------------------------------------------------

def test_error_pages(open_browser: Any, demo_world: dict[str, Any]) -> None:
    """Jalon's own 404 and 403 pages, for a visitor and for a viewer: audited like the others."""
    visitor = open_browser("anonymous")
    assert visitor.goto("/pas/de/page/ici/") == 404
    assert "Page introuvable" in _main_text(visitor)
    visitor.audit("404 (anonymous)")
    viewer = open_browser("viewer")
    viewer.sign_in(USERS["viewer"], demo_world["password"])
    assert viewer.goto(f"/o/{AGGLO}/strategy/indicators/new/") == 403
    assert "Accès refusé" in _main_text(viewer)
    viewer.audit("403 (viewer)")
    assert viewer.goto("/o/une-autre-organisation/footprint/") == 404
    viewer.audit("404 (viewer, another organisation)")
    assert_audits_clean(visitor.audits + viewer.audits)
