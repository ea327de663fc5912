"""Open311 GeoReport v2 interface, one endpoint per organisation:
`/open311/<org_slug>/v2/` (https://wiki.open311.org/GeoReport_v2).

- `GET services.json`: the organisation's active categories (service_code = category code).
- `GET requests.json`: its reports, filtered by service_request_id (comma-separated),
  service_code, status (open, closed), start_date and end_date (W3C date-times); the last 90
  days and 1,000 requests at most by default, as the specification says.
- `GET requests/<id>.json`: one report, in a list (as the specification says).
- `POST requests.json`: a new report, with `api_key` (an API token of the organisation),
  `service_code`, a location (`lat` and `long`, or `address_string`), `description`, optional
  `email`. Answers `[{"service_request_id": …, "service_notice": …}]`.

Only JSON (the `.xml` format of the specification is not served). Open only for an
organisation that publishes its reports (404 otherwise, as every public page). Without an
`api_key`, GET answers give neither the description (it may name people) nor a position finer
than 0.001° (about a hundred metres), like the open data; with a key of the organisation they
are complete. Errors are `[{"code": …, "description": …}]` with the same HTTP status.
`media_url` of a POST is not fetched: Jalon makes no request to third parties.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from jalon.api.auth import TokenAuth
from jalon.reports import selectors, services
from jalon.reports.models import CLOSED_STATUSES, Report, ReportStatus, Source
from jalon.reports.publishing import DOMAIN
from jalon.tenancy.models import ApiToken, Organisation
from jalon.tenancy.scope import public_organisation

DEFAULT_DAYS: Final = 90
MAX_REQUESTS: Final = 1000


def _error(status: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": status, "description": description}], status=status,
                        safe=False, json_dumps_params={"ensure_ascii": False})


def _ok(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False,
                        json_dumps_params={"ensure_ascii": False})


def _key(request: HttpRequest, organisation: Organisation) -> ApiToken | bool | None:
    """The organisation's token given as api_key (or a Bearer header); None when no key is
    given, False when a key is given but is not a valid token of this organisation."""
    key = request.POST.get("api_key") or request.GET.get("api_key") or ""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not key and header.lower().startswith("bearer "):
        key = header[7:].strip()
    if not key:
        return None
    token = TokenAuth().authenticate(request, key)
    if token is None or token.organisation_id != organisation.pk:
        return False
    return token


def _status(report: Report) -> str:
    return "closed" if report.status in CLOSED_STATUSES else "open"


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _coordinate(value: Any, full: bool) -> float | None:
    if value is None:
        return None
    return float(value) if full else round(float(value), 3)


def _request_json(report: Report, full: bool) -> dict[str, Any]:
    category = report.category or report.citizen_category
    notes = ""
    last = report.updates.filter(public=True).exclude(message="").order_by("-at").first() \
        if full else None
    if report.status == ReportStatus.REJECTED:
        notes = report.status_reason
    elif last is not None:
        notes = last.message
    return {
        "service_request_id": str(report.pk),
        "status": _status(report),
        "status_notes": notes,
        "service_name": category.label if category else "",
        "service_code": category.code if category else "",
        "description": report.description if full else "",
        "agency_responsible": report.team.name if report.team else "",
        "service_notice": "",
        "requested_datetime": _iso(report.received_at),
        "updated_datetime": _iso(report.updated_at),
        "expected_datetime": None,
        "address": report.address,
        "address_id": "",
        "zipcode": "",
        "lat": _coordinate(report.latitude, full),
        "long": _coordinate(report.longitude, full),
        "media_url": "",
    }


def _date(value: str, end: bool = False) -> dt.datetime | None:
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        parsed = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@never_cache
def services_json(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = public_organisation(org_slug, DOMAIN)
    if request.method != "GET":
        return _error(405, "GET seulement.")
    rows = selectors.categories(organisation).filter(active=True)
    return _ok([{"service_code": c.code, "service_name": c.label,
                 "description": c.description, "metadata": False, "type": "realtime",
                 "keywords": "", "group": c.team.name if c.team else ""}
                for c in rows.select_related("team")])


@csrf_exempt  # a machine interface authenticated by api_key, without cookies
@never_cache
def requests_json(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = public_organisation(org_slug, DOMAIN)
    if request.method == "POST":
        return _post(request, organisation)
    if request.method != "GET":
        return _error(405, "GET ou POST seulement.")
    token = _key(request, organisation)
    if token is False:
        return _error(403, "api_key invalide pour cette organisation.")
    rows = (selectors.reports(organisation).select_related("category", "citizen_category",
                                                           "team").order_by("-received_at"))
    ids = request.GET.get("service_request_id", "")
    if ids:
        try:
            wanted = [int(part) for part in ids.split(",") if part.strip()]
        except ValueError:
            return _error(400, "service_request_id : des nombres séparés par des virgules.")
        rows = rows.filter(pk__in=wanted[:MAX_REQUESTS])
    else:
        try:
            start = _date(request.GET["start_date"]) if request.GET.get("start_date") else None
            end = (_date(request.GET["end_date"], end=True) if request.GET.get("end_date")
                   else None)
        except ValueError as exc:
            return _error(400, f"Date illisible : {exc} (format W3C, par exemple "
                               "2026-03-01T00:00:00Z).")
        if start is None and end is None:
            start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
        if start is not None:
            rows = rows.filter(received_at__gte=start)
        if end is not None:
            rows = rows.filter(received_at__lte=end)
        codes = [c for c in request.GET.get("service_code", "").split(",") if c]
        if codes:
            rows = rows.filter(category__code__in=codes)
        status = request.GET.get("status", "")
        if status == "open":
            rows = rows.exclude(status__in=CLOSED_STATUSES)
        elif status == "closed":
            rows = rows.filter(status__in=CLOSED_STATUSES)
        elif status:
            return _error(400, "status : open ou closed.")
    return _ok([_request_json(r, bool(token)) for r in rows[:MAX_REQUESTS]])


@never_cache
def request_json(request: HttpRequest, org_slug: str, request_id: int) -> HttpResponse:
    organisation = public_organisation(org_slug, DOMAIN)
    if request.method != "GET":
        return _error(405, "GET seulement.")
    token = _key(request, organisation)
    if token is False:
        return _error(403, "api_key invalide pour cette organisation.")
    report = (selectors.reports(organisation).select_related("category", "citizen_category",
                                                             "team")
              .filter(pk=request_id).first())
    if report is None:
        return _error(404, f"Aucune demande {request_id} dans cette organisation.")
    return _ok([_request_json(report, bool(token))])


def _post(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    token = _key(request, organisation)
    if not token:
        return _error(403, "api_key requise : un jeton d'API de l'organisation (Paramètres "
                           "→ Jetons d'API).")
    data: Any = request.POST
    if not data and request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return _error(400, "Corps JSON illisible.")
        data = body if isinstance(body, dict) else {}
    code = str(data.get("service_code") or "").strip()
    if not code:
        return _error(400, "service_code requis (voir services.json).")
    category = selectors.categories(organisation).filter(active=True, code=code).first()
    if category is None:
        return _error(404, f"service_code inconnu : {code!r} (voir services.json).")
    values = {"description": data.get("description") or "",
              "address": data.get("address_string") or "",
              "latitude": data.get("lat") or "", "longitude": data.get("long") or "",
              "email": data.get("email") or "", "category": category}
    if values["email"]:
        try:
            from django.core.validators import validate_email

            validate_email(str(values["email"]))
        except ValidationError:
            return _error(400, f"email : adresse invalide ({values['email']!r}).")
    try:
        received = services.receive(organisation, values, source=Source.OPEN311,
                                    actor=token.created_by if isinstance(token, ApiToken)
                                    else None)
    except ValidationError as exc:
        problems = "; ".join(f"{field} : {' '.join(errors)}"
                             for field, errors in exc.message_dict.items())
        return _error(400, problems.replace("latitude", "lat").replace("longitude", "long")
                      .replace("address :", "address_string :"))
    notice = ("La catégorie fournie sera vérifiée par un agent ; une suggestion automatique "
              "(IA) l'accompagne.")
    return _ok([{"service_request_id": str(received.report.pk), "service_notice": notice,
                 "account_id": None, "token": None}])
