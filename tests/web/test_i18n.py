"""English interface: the committed catalogue (complete, .mo in step with .po, covering the
sources), pages in English by Accept-Language or by the footer switcher (no JavaScript), French
by default."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from tests.factories import OperatorFactory, OrganisationFactory, PublicationFactory, member

import jalon
from jalon.operators import peers
from jalon.tenancy.models import Role

PACKAGE = Path(jalon.__file__).resolve().parent
MESSAGES = PACKAGE / "locale" / "en" / "LC_MESSAGES"
PO, MO = MESSAGES / "django.po", MESSAGES / "django.mo"


# -- The catalogue -------------------------------------------------------------------------

def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: flags, msgctxt, msgid, msgid_plural and msgstr (by index)."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple | None = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$', line)
        if match:
            keyword, index, value = match.group(1), match.group(2), ast.literal_eval(match[3])
            if keyword.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
                entry["msgstr"][field[1]] = value
            else:
                field = (keyword,)
                entry[keyword] = value
        else:
            assert line.startswith('"') and field is not None, line
            value = ast.literal_eval(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += value
            else:
                entry[field[0]] += value
    return entries


def messages(path: Path) -> list[dict]:
    return [e for e in read_po(path) if e["msgid"]]  # without the header


def compiled(entries: list[dict]) -> dict:
    """What msgfmt puts in a .mo, as Python's gettext reads it back (fuzzy entries left out)."""
    catalog: dict = {}
    for e in entries:
        if "fuzzy" in e["flags"]:
            continue
        key = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            for index, text in e["msgstr"].items():
                catalog[(key, index)] = text
        elif e["msgstr"][0]:
            catalog[key] = e["msgstr"][0]
    return catalog


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = messages(PO)
    assert len(entries) > 900
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries
                    if not all(e["msgstr"].values()) or len(e["msgstr"]) != (
                        2 if "msgid_plural" in e else 1)]
    assert fuzzy == []
    assert untranslated == []
    header = read_po(PO)[0]["msgstr"][0]
    assert "Language: en\n" in header and "Plural-Forms: nplurals=2; plural=(n != 1);" in header


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|%%|<[^>]+>", text))


def test_translations_keep_placeholders_and_markup():
    for e in messages(PO):
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        for index, text in e["msgstr"].items():
            assert placeholders(text) == placeholders(sources[min(index, 1)]), e["msgid"]


def test_committed_mo_is_in_step_with_the_po():
    with MO.open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    in_mo = {key: value for key, value in mo._catalog.items() if key != ""}
    assert len(in_mo) > 900
    assert in_mo == compiled(messages(PO)), (
        "django.mo is out of step with django.po: run `django-admin compilemessages -l en` "
        "in src/jalon and commit django.mo")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogue_covers_every_string_of_the_sources(tmp_path):
    """makemessages on a copy of the package finds no message missing from django.po."""
    copy = tmp_path / "jalon"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns(
        "__pycache__", "data", "static", "*.mo", "*.pyc"))
    script = ("import django, sys; from django.conf import settings; "
              "from django.core.management import call_command; "
              "settings.configure(USE_I18N=True, LOCALE_PATHS=[sys.argv[1]]); django.setup(); "
              "call_command('makemessages', locale=['en'], no_obsolete=True, verbosity=0)")
    subprocess.run([sys.executable, "-c", script, str(copy / "locale")], cwd=copy, check=True,
                   timeout=120)
    found = {(e.get("msgctxt"), e["msgid"]) for e in messages(copy / PO.relative_to(PACKAGE))}
    known = {(e.get("msgctxt"), e["msgid"]) for e in messages(PO)}
    assert len(found) > 900
    assert sorted(found - known, key=str) == [], (
        "New interface strings: run `django-admin makemessages -l en --no-obsolete` in "
        "src/jalon, translate them, then compilemessages")


# -- Pages ---------------------------------------------------------------------------------

class Forms(HTMLParser):
    """The footer's language form: its attributes, inputs, title, current language, buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.form: dict | None = None
        self.inputs: dict[str, str] = {}
        self.buttons: list[dict] = []
        self.texts: dict[str, str] = {}
        self._text: str | None = None
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "lang" in (attrs.get("class") or "").split():
            self.form, self._inside = attrs, True
        if not self._inside:
            return
        if tag == "input":
            self.inputs[attrs["name"]] = attrs.get("value", "")
        elif tag == "button":
            self.buttons.append({**attrs, "text": ""})
            self._text = "button"
        elif tag == "span":
            self._text = attrs.get("id") or attrs.get("class")
            self.texts[self._text] = ""
            if "aria-current" in attrs:
                self.texts["current-lang"] = attrs.get("lang", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        if tag in ("span", "button"):
            self._text = None

    def handle_data(self, data):
        if self._text == "button":
            self.buttons[-1]["text"] += data.strip()
        elif self._text is not None:
            self.texts[self._text] += data.strip()


def switcher(html: str) -> Forms:
    parser = Forms()
    parser.feed(html)
    return parser


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def world(db):
    org = OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"),
                              name="Commune de Lisière", slug="lisiere", kind="commune")
    PublicationFactory(organisation=org, domain="footprint", published=True)
    user = member(org, Role.VIEWER, username="agent", password="x" * 16)
    return {"org": org, "user": user}


def test_french_is_the_default(db):
    response = Client().get("/")
    html = response.content.decode()
    assert settings.LANGUAGE_CODE == "fr"
    assert '<html lang="fr">' in html
    assert "Aller au contenu" in html and "Se connecter" in html
    assert response["Content-Language"] == "fr"


def test_home_page_in_english_with_accept_language(db):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Skip to content" in html and "Sign in" in html
    assert "Aller au contenu" not in html and "Se connecter" not in html
    assert "Accept-Language" in response["Vary"]


def test_signed_in_page_in_english_with_accept_language(client, world):
    client.force_login(world["user"])
    response = client.get(reverse("footprint:dashboard", args=["lisiere"]),
                          HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Dashboard" in html and "Sign out" in html and "IT estate inventory" in html
    assert "Tableau de bord" not in html and "Se déconnecter" not in html


def test_switcher_is_a_named_post_form_with_the_current_path(db):
    """No JavaScript and no <select> (pages such as the column mapping must have none): the
    current language as text, a submit button for each other one."""
    html = Client().get("/accounts/login/?next=/o/lisiere/").content.decode()
    form = switcher(html)
    assert form.form == {"class": "lang", "method": "post", "action": reverse("set_language"),
                         "aria-labelledby": "lang-title"}
    assert form.inputs["next"] == "/accounts/login/?next=/o/lisiere/"
    assert form.inputs["csrfmiddlewaretoken"]
    assert form.texts["lang-title"] == "Langue :"
    assert form.texts["lang-current"] == "Français" and form.texts["current-lang"] == "fr"
    assert form.buttons == [{"type": "submit", "class": "secondary", "name": "language",
                             "value": "en", "lang": "en", "text": "English"}]
    assert "<script" not in html and 'style="' not in html and "<select" not in html


def test_switching_without_javascript_sets_the_cookie_and_redirects_to_next(world):
    client = Client(enforce_csrf_checks=True)
    form = switcher(client.get("/").content.decode())
    response = client.post(form.form["action"], {
        "language": "en", "next": form.inputs["next"],
        "csrfmiddlewaretoken": form.inputs["csrfmiddlewaretoken"]})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    # The cookie wins over the browser's language, on public and signed-in pages.
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in html and "Skip to content" in html
    form = switcher(html)
    assert form.texts["lang-title"] == "Language:" and form.texts["lang-current"] == "English"
    assert [button["value"] for button in form.buttons] == ["fr"]
    client.force_login(world["user"])
    html = client.get(reverse("footprint:dashboard", args=["lisiere"]),
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Dashboard" in html and "Sign out" in html

    # And back to French.
    form = switcher(html)
    response = client.post(form.form["action"], {
        "language": "fr", "next": form.inputs["next"],
        "csrfmiddlewaretoken": form.inputs["csrfmiddlewaretoken"]})
    assert response["Location"] == reverse("footprint:dashboard", args=["lisiere"])
    html = client.get(response["Location"]).content.decode()
    assert "Tableau de bord" in html and "Se déconnecter" in html


def test_switching_needs_the_csrf_token_and_stays_on_the_site(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 403
    client = Client()
    response = client.post(reverse("set_language"),
                           {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_public_page_in_english_and_the_same_for_everyone(world):
    """A cached public page carries no CSRF token (it would be served to other visitors)."""
    url = reverse("public:footprint", args=["lisiere"])
    english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
    html = english.content.decode()
    assert english.status_code == 200 and '<html lang="en">' in html
    assert "Skip to content" in html
    assert "csrfmiddlewaretoken" not in html and switcher(html).form is None
    assert settings.CSRF_COOKIE_NAME not in english.cookies
    french = Client().get(url).content.decode()
    assert '<html lang="fr">' in french and "Aller au contenu" in french


def test_peer_labels_and_population_bands_follow_the_language():
    with translation.override("en"):
        assert peers.peer_label(0) == "Peer A"
        assert peers.band_label(peers.population_band(150_000)) == "50,000 to 200,000 inhabitants"
    with translation.override("fr"):
        assert peers.peer_label(27) == "Pair AB"
        assert peers.band_label(peers.population_band(3_000)) == "moins de 3 500 habitants"
