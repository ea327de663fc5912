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
from ninja import NinjaAPI

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

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        # Every operation behind a token may answer 429 (the token's rate limit, auth.py).
        return auth.document_rate_limit(super().get_openapi_schema(**kwargs))


api = JalonAPI(title="Jalon API", version="1", description=DESCRIPTION,
               urls_namespace="api-v1", docs_url=None, auth=auth.TokenAuth())
auth.install(api)  # 429 with Retry-After beyond a token's rate limit



@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)


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
