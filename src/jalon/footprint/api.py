"""The footprint's REST operations (/api/v1/footprint, /api/v1/scenario): parse, call the
footprint's services, render the JSON contracts of docs/json-output.md. Mounted by
jalon.api.api."""

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError
from ninja.params import functions as param_functions

from jalon.api import auth, schemas
from jalon.api.schemas import ERRORS, Error
from jalon.core.model import CATEGORIES
from jalon.core.output import scenario_to_dict
from jalon.core.scenario import HORIZON, ScenarioParams, run_scenario
from jalon.footprint import hypotheses, services
from jalon.tenancy.capabilities import Capability

router = Router()


# Footprint ---------------------------------------------------------------------------------

def _current_year() -> int:
    return timezone.localdate().year


@router.get("/footprint", response={200: dict[str, Any], **ERRORS}, tags=["empreinte"],
         summary="Empreinte de l'inventaire (contrat JSON de docs/json-output.md)")
def footprint(request: HttpRequest,
              year: int | None = param_functions.Query(None, ge=1990, le=2100),
              method: Literal["stock", "flux"] = "stock") -> dict[str, Any]:
    auth.require(request, Capability.READ)
    return services.footprint_for(auth.organisation(request), year or _current_year(), method)


def _check_shares(name: str, values: dict[str, float], *, share: bool) -> None:
    for category, value in values.items():
        if category not in CATEGORIES:
            raise HttpError(422, f"{name} : catégorie inconnue « {category} » ; catégories : "
                            + ", ".join(CATEGORIES))
        if share and not 0 <= value <= 1:
            raise HttpError(422, f"{name}.{category} : une part entre 0 et 1 est attendue.")
        if not share and not 0 < value <= 50:
            raise HttpError(422, f"{name}.{category} : une durée en années (0 à 50) est attendue.")


@router.post("/scenario", response={200: dict[str, Any], 409: Error, 422: Error,
                                 **ERRORS},
          tags=["empreinte"], summary="Scénario contre situation de référence",
          description="Réponse : le contrat JSON de `jalon scenario` (docs/json-output.md).")
def scenario(request: HttpRequest, payload: schemas.ScenarioIn) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    _check_shares("lifespans", payload.lifespans, share=False)
    _check_shares("refurbished", payload.refurbished, share=True)
    _check_shares("reduction", payload.reduction, share=True)
    mix = payload.mix.upper() if payload.mix else None
    if mix and mix not in services.factor_set().countries():
        raise HttpError(422, f"mix : pas de mix électrique pour « {mix} ».")
    start = payload.start_year or _current_year()
    until = payload.until or max(HORIZON, start)
    if until < start:
        raise HttpError(422, "until doit être postérieur ou égal à start_year.")
    params = ScenarioParams(lifespans=payload.lifespans, refurbished=payload.refurbished,
                            reduction=payload.reduction, country=mix)
    organisation = auth.organisation(request)
    if until == max(HORIZON, start):
        data = services.scenario_for(organisation, params, start)
    else:
        frame = hypotheses.frame_for(organisation)
        data = (scenario_to_dict(run_scenario(frame, services.factor_set(), params, start, until))
                if frame.height else None)
    if data is None:
        raise HttpError(409, "L'inventaire ne contient aucun équipement.")
    return data
