"""The catalogue of digital services, without Django: its vocabularies and the reading of a
CSV file of services as French spreadsheets write it.

A file is read as a whole or not at all: `parse_services` returns either rows (every line
valid) or the list of errors (line, column, value, what to do), never a part of the file.
Accepted: UTF-8 (with or without BOM) or Windows-1252, comma or semicolon (or tab) separated,
French headers in any case and with or without accents, French labels or the codes for the
kind, audience and status, dates as JJ/MM/AAAA or AAAA-MM-JJ. The same checks (URLs, country)
serve the forms and the API.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

# --- Vocabularies (codes; their French labels are the models' choices) -------------------------

WEBSITE: Final = "website"
ONLINE_PROCEDURE: Final = "online_procedure"
MOBILE_APP: Final = "mobile_app"
INTERNAL_APP: Final = "internal_app"
API: Final = "api"
CHATBOT: Final = "chatbot"
KINDS: Final = (WEBSITE, ONLINE_PROCEDURE, MOBILE_APP, INTERNAL_APP, API, CHATBOT)

PUBLIC: Final = "public"
AGENTS: Final = "agents"
AUDIENCES: Final = (PUBLIC, AGENTS)

IN_PROJECT: Final = "in_project"
IN_SERVICE: Final = "in_service"
BEING_RETIRED: Final = "being_retired"
RETIRED: Final = "retired"
STATUSES: Final = (IN_PROJECT, IN_SERVICE, BEING_RETIRED, RETIRED)

MAX_NAME: Final = 200
MAX_TEXT: Final = 200
MAX_URL: Final = 500
MAX_SAMPLE_URLS: Final = 20
MAX_ROWS: Final = 2000



def _codes(text: str) -> list[str]:
    return text.split()


# ISO 3166-1 alpha-2: every officially assigned code.
COUNTRIES: Final = frozenset(_codes("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""))
# The European Union (with its outermost regions that have their own code) and the other
# States of the European Economic Area (Iceland, Liechtenstein, Norway).
EU_EEA: Final = frozenset(_codes("""
AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK
GF GP MQ RE YT MF IS LI NO
"""))
# Country names people write instead of the code (normalised: lower case, no accents).
COUNTRY_NAMES: Final[Mapping[str, str]] = {
    "france": "FR", "allemagne": "DE", "belgique": "BE", "pays-bas": "NL", "pays bas": "NL",
    "irlande": "IE", "luxembourg": "LU", "espagne": "ES", "italie": "IT", "portugal": "PT",
    "suede": "SE", "finlande": "FI", "danemark": "DK", "autriche": "AT", "pologne": "PL",
    "norvege": "NO", "suisse": "CH", "royaume-uni": "GB", "royaume uni": "GB", "uk": "GB",
    "etats-unis": "US", "etats unis": "US", "usa": "US", "canada": "CA",
}


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces, typographic apostrophes made straight."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("\u00a0", " "))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().lower()


# --- Values people write -> codes --------------------------------------------------------------

KIND_WORDS: Final[Mapping[str, str]] = {
    **{k: k for k in KINDS},
    "site": WEBSITE, "site internet": WEBSITE, "site web": WEBSITE, "site institutionnel": WEBSITE,
    "portail": WEBSITE, "site intranet": WEBSITE, "intranet": WEBSITE,
    "demarche en ligne": ONLINE_PROCEDURE, "demarche": ONLINE_PROCEDURE,
    "teleservice": ONLINE_PROCEDURE, "teleprocedure": ONLINE_PROCEDURE,
    "formulaire en ligne": ONLINE_PROCEDURE,
    "application mobile": MOBILE_APP, "appli mobile": MOBILE_APP, "app mobile": MOBILE_APP,
    "application interne": INTERNAL_APP, "application metier": INTERNAL_APP,
    "logiciel metier": INTERNAL_APP, "logiciel": INTERNAL_APP, "application": INTERNAL_APP,
    "interface de programmation": API,
    "agent conversationnel": CHATBOT, "assistant conversationnel": CHATBOT,
    "robot conversationnel": CHATBOT,
}
AUDIENCE_WORDS: Final[Mapping[str, str]] = {
    **{a: a for a in AUDIENCES},
    "usagers": PUBLIC, "usager": PUBLIC, "grand public": PUBLIC, "citoyens": PUBLIC,
    "habitants": PUBLIC, "externe": PUBLIC, "public externe": PUBLIC,
    "agent": AGENTS, "interne": AGENTS, "public interne": AGENTS, "personnel": AGENTS,
}
STATUS_WORDS: Final[Mapping[str, str]] = {
    **{s: s for s in STATUSES},
    "en projet": IN_PROJECT, "projet": IN_PROJECT, "en construction": IN_PROJECT,
    "en developpement": IN_PROJECT,
    "en service": IN_SERVICE, "en production": IN_SERVICE, "actif": IN_SERVICE,
    "en ligne": IN_SERVICE, "ouvert": IN_SERVICE,
    "en cours de retrait": BEING_RETIRED, "en fin de vie": BEING_RETIRED,
    "fin de vie": BEING_RETIRED, "en cours de decommissionnement": BEING_RETIRED,
    "retire": RETIRED, "arrete": RETIRED, "ferme": RETIRED, "decommissionne": RETIRED,
    "hors service": RETIRED,
}

# Headers (normalised) -> field. The first spelling of each is the one the template file uses.
FIELDS: Final = ("name", "kind", "url", "sample_urls", "audience", "owner_team", "provider",
                 "hosting_provider", "hosting_country", "status", "in_service_since",
                 "retired_on", "description")
HEADERS: Final[Mapping[str, tuple[str, ...]]] = {
    "name": ("nom", "nom du service", "service", "intitule", "name"),
    "kind": ("type", "type de service", "nature", "kind"),
    "url": ("url", "url principale", "adresse", "adresse principale", "lien", "adresse web"),
    "sample_urls": ("echantillon de pages", "echantillon", "pages representatives", "pages",
                    "urls", "sample_urls"),
    "audience": ("public", "public cible", "publics", "audience", "destinataires"),
    "owner_team": ("equipe responsable", "equipe", "service responsable", "direction",
                   "pilote", "owner_team"),
    "provider": ("editeur ou prestataire", "editeur / prestataire", "editeur/prestataire",
                 "editeur", "prestataire", "fournisseur", "provider"),
    "hosting_provider": ("hebergeur", "hebergement", "hosting_provider"),
    "hosting_country": ("pays d'hebergement", "pays hebergement", "pays de l'hebergement",
                        "pays", "hosting_country"),
    "status": ("statut", "etat", "status"),
    "in_service_since": ("en service depuis", "date de mise en service", "mise en service",
                         "in_service_since"),
    "retired_on": ("retire le", "date de retrait", "date de fin", "fin de service",
                   "retired_on"),
    "description": ("description", "commentaire", "remarques"),
}
REQUIRED: Final = ("name", "kind", "audience")
HEADER_FIELDS: Final[Mapping[str, str]] = {
    spelling: name for name, spellings in HEADERS.items() for spelling in spellings}
TEMPLATE_HEADERS: Final = ("Nom", "Type", "URL", "Échantillon de pages", "Public",
                           "Équipe responsable", "Éditeur ou prestataire", "Hébergeur",
                           "Pays d'hébergement", "Statut", "En service depuis", "Retiré le",
                           "Description")

TEMPLATE_EXAMPLE: Final = ("Inscription scolaire", "Démarche en ligne",
                           "https://demarches.exemple.fr/ecole",
                           "https://demarches.exemple.fr/ecole/inscription", "Public",
                           "Direction de l'éducation", "Éditeur Exemple", "OVHcloud", "FR",
                           "En service", "01/03/2021", "", "Inscrire un enfant à l'école.")


class InvalidValue(ValueError):
    """A value that cannot be used; the message (French) says what to write instead."""


def _choice(value: str, words: Mapping[str, str], what: str, examples: str) -> str:
    code = words.get(normalise(value))
    if code is None:
        raise InvalidValue(f"{what} inconnu ; écrivez l'une de ces valeurs : {examples}.")
    return code


KIND_EXAMPLES: Final = ("site internet, démarche en ligne, application mobile, "
                        "application interne, API, chatbot")
AUDIENCE_EXAMPLES: Final = "public (usagers) ou agents"
STATUS_EXAMPLES: Final = "en projet, en service, en cours de retrait, retiré"


def parse_kind(value: str) -> str:
    return _choice(value, KIND_WORDS, "Type de service", KIND_EXAMPLES)


def parse_audience(value: str) -> str:
    return _choice(value, AUDIENCE_WORDS, "Public", AUDIENCE_EXAMPLES)


def parse_status(value: str) -> str:
    if not value.strip():
        return IN_SERVICE
    return _choice(value, STATUS_WORDS, "Statut", STATUS_EXAMPLES)


def clean_url(value: str) -> str:
    """An absolute http(s) address; "www.example.fr" gets https:// in front. "" stays ""."""
    text = value.strip()
    if not text:
        return ""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        text = "https://" + text
    if len(text) > MAX_URL:
        raise InvalidValue(f"Adresse trop longue (plus de {MAX_URL} caractères).")
    parts = urlsplit(text)
    host = parts.hostname or ""
    if (parts.scheme.lower() not in ("http", "https") or re.search(r"\s", text)
            or not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+",
                                host)):
        raise InvalidValue("Adresse web invalide ; écrivez une adresse complète, par exemple "
                           "https://www.exemple.fr/demarches.")
    return text


def clean_sample_urls(value: str) -> list[str]:
    """A few representative pages: addresses separated by line breaks, spaces or « | »."""
    urls: list[str] = []
    for item in re.split(r"[\s|]+", value.strip()):
        if not item:
            continue
        try:
            url = clean_url(item)
        except InvalidValue as exc:
            raise InvalidValue(f"« {item} » : {exc}") from exc
        if url not in urls:
            urls.append(url)
    if len(urls) > MAX_SAMPLE_URLS:
        raise InvalidValue(f"Trop de pages ({len(urls)}) ; gardez-en au plus "
                           f"{MAX_SAMPLE_URLS}, les plus représentatives.")
    return urls


def clean_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code (upper case), from the code or a common French name."""
    text = value.strip()
    if not text:
        return ""
    code = COUNTRY_NAMES.get(normalise(text), text.upper())
    if code not in COUNTRIES:
        raise InvalidValue("Pays inconnu ; écrivez le code ISO 3166 à deux lettres du pays, "
                           "par exemple FR (France), DE (Allemagne), IE (Irlande), US "
                           "(États-Unis).")
    return code


def in_eu_eea(country: str) -> bool:
    return country in EU_EEA


def parse_date(value: str) -> dt.date | None:
    """JJ/MM/AAAA (or JJ-MM-AAAA, JJ.MM.AAAA), AAAA-MM-JJ, or empty."""
    text = value.strip()
    if not text:
        return None
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    french = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    parts = (iso.groups() if iso else french.groups()[::-1] if french else None)
    if parts is not None:
        try:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise InvalidValue("Date invalide ; écrivez-la JJ/MM/AAAA (par exemple 15/03/2021) ou "
                       "AAAA-MM-JJ.")


def check_dates(in_service_since: dt.date | None, retired_on: dt.date | None) -> None:
    if in_service_since and retired_on and retired_on < in_service_since:
        raise InvalidValue("La date de retrait précède la date de mise en service ; "
                           "corrigez l'une des deux.")


# --- Reading a file ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ServiceRow:
    """One valid line of a file of services."""

    line: int
    name: str
    kind: str
    audience: str
    url: str = ""
    sample_urls: tuple[str, ...] = ()
    owner_team: str = ""
    provider: str = ""
    hosting_provider: str = ""
    hosting_country: str = ""
    status: str = IN_SERVICE
    in_service_since: dt.date | None = None
    retired_on: dt.date | None = None
    description: str = ""

    def values(self) -> dict[str, object]:
        """The fields as a model takes them (sample URLs one per line)."""
        return {"name": self.name, "kind": self.kind, "audience": self.audience,
                "url": self.url, "sample_urls": "\n".join(self.sample_urls),
                "owner_team": self.owner_team, "provider": self.provider,
                "hosting_provider": self.hosting_provider,
                "hosting_country": self.hosting_country, "status": self.status,
                "in_service_since": self.in_service_since, "retired_on": self.retired_on,
                "description": self.description}


@dataclass(frozen=True, slots=True)
class CellError:
    """What is wrong, where: row of the file as a spreadsheet numbers it (1 = headers), column
    as written in the headers, value as written."""

    line: int
    column: str
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class ParseResult:
    rows: list[ServiceRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: tuple[str, ...] = ()  # the fields the file has a column for, in FIELDS order
    encoding: str = "utf-8"
    delimiter: str = ","

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (BOM or not), else Windows-1252 (French Excel)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InvalidValue("Encodage illisible ; enregistrez le fichier en « CSV UTF-8 » "
                           "depuis votre tableur.") from exc


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _file_error(message: str, value: str = "") -> ParseResult:
    return ParseResult(errors=[CellError(1, "", value, message)])


def parse_services(data: bytes, max_rows: int = MAX_ROWS) -> ParseResult:
    """Read a CSV file of services. Rows only if every line is valid (see the module doc)."""
    try:
        text, encoding = decode(data)
    except InvalidValue as exc:
        return _file_error(str(exc))
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return _file_error("Le fichier est vide ou sa première ligne (les en-têtes) est vide ; "
                           "la première ligne doit nommer les colonnes, par exemple : "
                           + ", ".join(TEMPLATE_HEADERS) + ".")
    delimiter = sniff_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = next(reader)
    columns, errors, ignored = _map_headers(headers)
    if errors:
        return ParseResult(errors=errors, encoding=encoding, delimiter=delimiter)
    rows: list[ServiceRow] = []
    seen: dict[str, int] = {}
    count = 0
    # Lines are numbered as a spreadsheet numbers its rows (headers = 1): a quoted cell with
    # line breaks is one row, a blank line is a row.
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > max_rows:
            return ParseResult(errors=[CellError(line, "", "", (
                f"Trop de lignes : au plus {max_rows} services par fichier ; découpez le "
                "fichier en plusieurs."))], encoding=encoding, delimiter=delimiter)
        row, row_errors = _parse_row(line, cells, columns, headers)
        if row is not None:
            key = normalise(row.name)
            if key in seen:
                row_errors.append(CellError(line, headers[columns["name"]], row.name, (
                    f"Ce nom figure déjà ligne {seen[key]} ; chaque service doit avoir un nom "
                    "unique : fusionnez les deux lignes ou renommez l'un des services.")))
            else:
                seen[key] = line
        errors.extend(row_errors)
        if row is not None and not row_errors:
            rows.append(row)
    if not errors and not rows:
        errors.append(CellError(1, "", "", "Le fichier ne contient aucun service : ajoutez une "
                                           "ligne par service sous la ligne des en-têtes."))
    if errors:
        return ParseResult(errors=errors, ignored_columns=ignored, encoding=encoding,
                           delimiter=delimiter)
    return ParseResult(rows=rows, ignored_columns=ignored,
                       columns=tuple(name for name in FIELDS if name in columns),
                       encoding=encoding, delimiter=delimiter)


def _map_headers(headers: list[str]) -> tuple[dict[str, int], list[CellError], list[str]]:
    columns: dict[str, int] = {}
    errors: list[CellError] = []
    ignored: list[str] = []
    for index, header in enumerate(headers):
        name = HEADER_FIELDS.get(normalise(header))
        if name is None:
            if header.strip():
                ignored.append(header.strip())
            continue
        if name in columns:
            errors.append(CellError(1, header, header, (
                f"Deux colonnes disent la même chose (« {headers[columns[name]]} » et "
                f"« {header} ») ; gardez-en une seule.")))
            continue
        columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            errors.append(CellError(1, HEADERS[name][0], "", (
                f"Colonne obligatoire absente : ajoutez une colonne "
                f"« {_template_header(name)} » (en-têtes reconnus : "
                + ", ".join(HEADERS[name][:-1]) + ").")))
    return columns, errors, ignored


def _template_header(name: str) -> str:
    return TEMPLATE_HEADERS[FIELDS.index(name)]


def _parse_row(line: int, cells: list[str], columns: Mapping[str, int], headers: list[str]
               ) -> tuple[ServiceRow | None, list[CellError]]:
    errors: list[CellError] = []

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def header(name: str) -> str:
        index = columns.get(name)
        return headers[index].strip() if index is not None else _template_header(name)

    values: dict[str, object] = {}
    # In the file's column order, so that errors read left to right.
    for name in sorted(FIELDS, key=lambda n: columns.get(n, len(headers))):
        raw = cell(name)
        try:
            values[name] = _field(name, raw)
        except InvalidValue as exc:
            errors.append(CellError(line, header(name), raw, str(exc)))
    if errors:
        return None, errors
    since, retired = values["in_service_since"], values["retired_on"]
    if not (since is None or isinstance(since, dt.date)) or not (
            retired is None or isinstance(retired, dt.date)):
        raise TypeError("dates are parsed before they are checked")
    try:
        check_dates(since, retired)
    except InvalidValue as exc:
        return None, [CellError(line, header("retired_on"), cell("retired_on"), str(exc))]
    return ServiceRow(
        line=line, name=str(values["name"]), kind=str(values["kind"]),
        audience=str(values["audience"]), url=str(values["url"]),
        sample_urls=tuple(_strings(values["sample_urls"])),
        owner_team=str(values["owner_team"]), provider=str(values["provider"]),
        hosting_provider=str(values["hosting_provider"]),
        hosting_country=str(values["hosting_country"]), status=str(values["status"]),
        in_service_since=since, retired_on=retired,
        description=str(values["description"])), []


def _strings(value: object) -> Iterable[str]:
    if not isinstance(value, list):
        raise TypeError("a list of strings is expected")
    return (str(v) for v in value)


def _text(value: str, limit: int = MAX_TEXT) -> str:
    if len(value) > limit:
        raise InvalidValue(f"Texte trop long ({len(value)} caractères) ; au plus {limit}.")
    return value


def _field(name: str, raw: str) -> object:
    if name == "name":
        if not raw:
            raise InvalidValue("Nom manquant ; chaque service doit avoir un nom.")
        return _text(raw, MAX_NAME)
    if name == "kind":
        if not raw:
            raise InvalidValue(f"Type manquant ; écrivez l'une de ces valeurs : {KIND_EXAMPLES}.")
        return parse_kind(raw)
    if name == "audience":
        if not raw:
            raise InvalidValue(f"Public manquant ; écrivez {AUDIENCE_EXAMPLES}.")
        return parse_audience(raw)
    if name == "status":
        return parse_status(raw)
    if name == "url":
        return clean_url(raw)
    if name == "sample_urls":
        return clean_sample_urls(raw)
    if name == "hosting_country":
        return clean_country(raw)
    if name in ("in_service_since", "retired_on"):
        return parse_date(raw)
    if name == "description":
        return _text(raw, 2000)
    return _text(raw)
