"""The footprint's part of the demo: two saved scenarios of the agglomeration, linked to the
strategy action they inform (called by jalon.demo_site once the strategy exists)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from jalon.core.scenario import ScenarioParams
from jalon.footprint import services
from jalon.footprint.forms import current_year
from jalon.footprint.models import SavedScenario

DEMO_SCENARIOS: Final = (
    ("Postes de travail gardés 6 ans",
     "Ce que change l'action : portables et fixes remplacés au bout de 6 ans au lieu de 5.",
     ScenarioParams(lifespans={"laptop": 6.0, "desktop": 6.0})),
    ("Postes 6 ans et 30 % d'achats reconditionnés",
     "L'action et la clause de reconditionné du marché de postes de travail, ensemble.",
     ScenarioParams(lifespans={"laptop": 6.0, "desktop": 6.0},
                    refurbished={"laptop": 0.3, "desktop": 0.3})),
)


def seed_scenarios(agglomeration: Any, actor: Any, action_id: int | None,
                   say: Callable[[str], None] = lambda _m: None) -> list[str]:
    """Create the demo's saved scenarios when missing (a name already taken is left as people
    changed it); returns what was created."""
    created = []
    for name, description, params in DEMO_SCENARIOS:
        if SavedScenario.objects.filter(organisation=agglomeration, name=name).exists():
            continue
        services.save_scenario(actor, agglomeration, name=name, description=description,
                               params=params, start_year=current_year(), action_id=action_id)
        created.append(f"scénario « {name} »")
    return created
