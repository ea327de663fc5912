"""The REST API v1 (django-ninja): one organisation per token, OpenAPI 3 at /api/v1/openapi.json.

This module only assembles: the API object, its errors, the token's organisation, and each
domain's router (each domain's api.py).

No Swagger UI: it would load scripts from a CDN, and Jalon makes no third-party requests; the
human page is /api/ (views.index).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja import errors as ninja_errors

from jalon.algorithms.api import router as algorithms_router
from jalon.api import auth, schemas
from jalon.audits.api import router as audits_router
from jalon.budget.api import router as budget_router
from jalon.catalogue.api import services_router
from jalon.datacentres.api import router as datacentres_router
from jalon.feedback.api import router as feedback_router
from jalon.footprint.api import router as footprint_router
from jalon.gdpr.api import router as gdpr_router
from jalon.inventory.api import router as inventory_router
from jalon.reports.api import router as reports_router
from jalon.strategy.api import strategy_router
from jalon.tenancy import scope

DESCRIPTION = """API de Jalon pour une organisation (collectivité).

Authentification : `Authorization: Bearer jal_…` avec un jeton créé par un administrateur dans
*Paramètres → Jetons d'API*. Un jeton donne accès à **une seule** organisation, avec les
capacités choisies à sa création : `read` (lecture), `inventory.edit` (modification de
l'inventaire, imports), `strategy.edit` (saisie des valeurs d'indicateurs)… Une opération
demandant une capacité que le jeton n'a pas répond 403.
Les erreurs sont des objets JSON `{"detail": …}`.
"""



MOVED_FROM_HERE = frozenset({"jalon.inventory.api", "jalon.footprint.api"})


class JalonAPI(NinjaAPI):
    """Mounted inside the "api" namespace (jalon/api/urls.py): its root is api:api-v1."""

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        return reverse(f"api:{self.urls_namespace}:api-root", kwargs=path_params)

    def get_openapi_operation_id(self, operation: Any) -> str:
        # The inventory's and the footprint's operations were written in this module before
        # each domain got its router: they keep the operation ids clients already generated
        # code from (jalon_api_api_<name>).
        if operation.view_func.__module__ in MOVED_FROM_HERE:
            return f"jalon_api_api_{operation.view_func.__name__}"
        return super().get_openapi_operation_id(operation)

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                document_framework_statuses(operation)
        # Every operation behind a token may answer 429 (the token's rate limit, auth.py).
        return auth.document_rate_limit(schema)


# What django-ninja itself answers before an operation runs, so what every client may get
# (OpenAPI 3.1 §4.8.16: the responses object should cover the known error codes).
FRAMEWORK_STATUSES: dict[str, str] = {
    "400": "Corps de requête illisible (JSON mal formé).",
    "401": "Jeton absent, inconnu ou révoqué.",
    "422": "Paramètre ou corps invalide : le détail nomme le champ et la valeur attendue.",
}


def document_framework_statuses(operation: dict[str, Any]) -> None:
    """Add the framework's statuses an operation may answer to its OpenAPI responses."""
    statuses = []
    if operation.get("security"):
        statuses.append("401")
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append("422")
    if operation.get("requestBody"):
        statuses.append("400")
    responses = operation.setdefault("responses", {})
    for status in statuses:
        responses.setdefault(status, {
            "description": FRAMEWORK_STATUSES[status],
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}})


api = JalonAPI(title="Jalon API", version="1", description=DESCRIPTION,
               urls_namespace="api-v1", docs_url=None, auth=auth.TokenAuth())
auth.install(api)  # 429 with Retry-After beyond a token's rate limit



@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ninja_errors.ValidationError)
def schema_error(request: HttpRequest, exc: ninja_errors.ValidationError) -> HttpResponse:
    """A parameter or body the schema refuses: the same shape as the services' refusals,
    {"detail": {field: [message]}}, in French, naming what is expected (the allowed values of
    an enumeration, the bounds of a number)."""
    detail: dict[str, list[str]] = {}
    for error in exc.errors:
        detail.setdefault(_field_of(error.get("loc", ())), []).append(_message_of(error))
    return api.create_response(request, {"detail": detail}, status=422)


def _field_of(loc: Any) -> str:
    # ("body", "payload", "lifespans", "laptop") -> "lifespans.laptop"; ("query", "page") -> "page"
    parts = [str(p) for p in loc]
    parts = parts[2:] if parts[:1] == ["body"] and len(parts) > 2 else parts[1:] or parts
    return ".".join(parts) or "requête"


def _message_of(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        # pydantic says "'a', 'b' or 'c'"; django-ninja leaves the value sent out of the error.
        allowed = str(ctx.get("expected", "")).replace("' or '", "', '")
        return _("Valeur inconnue ; valeurs acceptées : %(allowed)s.") % {"allowed": allowed}
    bounds = {"greater_than_equal": ("ge", _("Au moins %(bound)s.")),
              "greater_than": ("gt", _("Plus de %(bound)s.")),
              "less_than_equal": ("le", _("Au plus %(bound)s.")),
              "less_than": ("lt", _("Moins de %(bound)s.")),
              "string_too_long": ("max_length", _("Au plus %(bound)s caractères.")),
              "string_too_short": ("min_length", _("Au moins %(bound)s caractères."))}
    if kind in bounds:
        key, template = bounds[kind]
        return template % {"bound": ctx.get(key, "")}
    texts = {"missing": _("Champ obligatoire."),
             "finite_number": _("Un nombre fini est attendu."),
             "int_parsing": _("Un nombre entier est attendu."),
             "int_type": _("Un nombre entier est attendu."),
             "int_from_float": _("Un nombre entier est attendu."),
             "float_parsing": _("Un nombre est attendu."),
             "float_type": _("Un nombre est attendu."),
             "bool_parsing": _("true ou false est attendu."),
             "bool_type": _("true ou false est attendu."),
             "string_type": _("Un texte est attendu."),
             "date_parsing": _("Une date AAAA-MM-JJ est attendue."),
             "date_from_datetime_parsing": _("Une date AAAA-MM-JJ est attendue."),
             "date_type": _("Une date AAAA-MM-JJ est attendue.")}
    if kind in texts:
        return str(texts[kind])
    return _("Valeur refusée (%(reason)s).") % {"reason": error.get("msg", kind)}


# Organisation ------------------------------------------------------------------------------

@api.get("/organisation", response={200: schemas.OrganisationOut, **schemas.ERRORS},
         tags=["organisation"], summary="L'organisation du jeton")
def organisation(request: HttpRequest) -> dict[str, Any]:
    org = auth.organisation(request)
    token = auth.token(request)
    return {"slug": org.slug, "name": org.name, "kind": org.kind, "siren": org.siren,
            "insee_code": org.insee_code, "population": org.population, "agents": org.agents,
            "operator": org.operator.name,
            "public_footprint": scope.is_published(org, "footprint"),
            "token": {"name": token.name, "prefix": token.prefix, "role": token.role,
                      "capabilities": auth.capabilities(request)}}


# Each domain's operations, in this order in the OpenAPI document.
api.add_router("/", inventory_router)
api.add_router("/", footprint_router)
api.add_router("/", strategy_router)
api.add_router("/", services_router)
api.add_router("/", audits_router)
api.add_router("/", algorithms_router)
api.add_router("/", gdpr_router)
api.add_router("/", feedback_router)
api.add_router("/", reports_router)
api.add_router("/", budget_router)
api.add_router("/", datacentres_router)
