"""Environmental cost of an AI system, without Django.

Two cases:
- a generative AI service used through a provider's API: the energy and the greenhouse-gas
  emissions of one request come from EcoLogits (https://ecologits.ai/latest/methodology/, its
  model and electricity-mix data shipped with the package: no network), for a model, a
  provider and a number of output tokens; per year = per request × requests per month × 12.
  EcoLogits gives a range (min–max) when the model's size is not public;
- a self-hosted model: energy per year (measured, or estimated as power × hours) times the
  electricity mix of the factor set (kgCO2e/kWh, with its min–max band).

Every figure is a `Range` (low, central, high); the central value of an EcoLogits range is its
midpoint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Final

MONTHS: Final = 12
DEFAULT_OUTPUT_TOKENS: Final = 400  # a typical short answer (EcoLogits' own examples: 100-1000)
# EcoLogits caps the generation time at the measured latency; without a measure we give a
# latency long enough not to cap it, so the estimate rests on the model's throughput alone.
UNCAPPED_LATENCY_S: Final = 3600.0


@dataclass(frozen=True, slots=True)
class Range:
    low: float
    value: float
    high: float

    def times(self, factor: float) -> Range:
        return Range(self.low * factor, self.value * factor, self.high * factor)

    def plus(self, other: Range) -> Range:
        return Range(self.low + other.low, self.value + other.value, self.high + other.high)

    @staticmethod
    def zero() -> Range:
        return Range(0.0, 0.0, 0.0)

    def as_dict(self) -> dict[str, float]:
        return {"low": self.low, "value": self.value, "high": self.high}


@dataclass(frozen=True, slots=True)
class Cost:
    energy_kwh_per_request: Range | None
    gwp_kg_per_request: Range | None
    energy_kwh_per_year: Range
    gwp_kg_per_year: Range
    warnings: tuple[str, ...] = ()
    method: str = ""


class CostError(ValueError):
    """Inputs that give no estimate; the message (French) says what to change."""


def _range(value: Any) -> Range:
    """An EcoLogits value (a number or a RangeValue with min/max) as a Range."""
    inner = getattr(value, "value", value)
    low = getattr(inner, "min", None)
    high = getattr(inner, "max", None)
    if low is not None and high is not None:
        return Range(float(low), (float(low) + float(high)) / 2, float(high))
    number = float(inner)
    return Range(number, number, number)


def providers() -> list[str]:
    from ecologits.tracers.utils import PROVIDER_CONFIG_MAP

    return sorted(PROVIDER_CONFIG_MAP)


def models(provider: str) -> list[str]:
    from ecologits.model_repository import models as repository

    return sorted({m.name for m in repository.list_models()
                   if str(getattr(m.provider, "value", m.provider)) == provider})


def per_request(provider: str, model: str, output_tokens: int = DEFAULT_OUTPUT_TOKENS,
                zone: str | None = None) -> tuple[Range, Range, tuple[str, ...]]:
    """(energy kWh, GWP kgCO2e, warnings) of one request, by EcoLogits."""
    from ecologits.tracers.utils import PROVIDER_CONFIG_MAP, llm_impacts

    if provider not in PROVIDER_CONFIG_MAP:
        raise CostError(f"fournisseur « {provider} » inconnu d'EcoLogits ; choisissez parmi : "
                        + ", ".join(sorted(PROVIDER_CONFIG_MAP)) + ".")
    if output_tokens <= 0:
        raise CostError("le nombre de jetons produits par requête doit être positif.")
    # EcoLogits logs each warning once on its own logger; the warnings are returned instead.
    logging.getLogger("ecologits").setLevel(logging.ERROR)
    impacts = llm_impacts(provider, model, output_tokens, UNCAPPED_LATENCY_S, zone)
    if impacts.has_errors or impacts.energy is None or impacts.gwp is None:
        raise CostError(f"modèle « {model} » inconnu d'EcoLogits pour le fournisseur "
                        f"« {provider} » ; choisissez un modèle de la liste.")
    notes = tuple(str(w.message) for w in (impacts.warnings or []))
    return _range(impacts.energy), _range(impacts.gwp), notes


def generative(provider: str, model: str, requests_per_month: float,
               output_tokens: int = DEFAULT_OUTPUT_TOKENS, zone: str | None = None) -> Cost:
    if requests_per_month < 0:
        raise CostError("le nombre de requêtes par mois ne peut pas être négatif.")
    energy, gwp, notes = per_request(provider, model, output_tokens, zone)
    yearly = requests_per_month * MONTHS
    return Cost(energy, gwp, energy.times(yearly), gwp.times(yearly), notes,
                method="ecologits")


def self_hosted(energy_kwh_per_year: float, mix_kg_per_kwh: Range,
                requests_per_month: float = 0.0) -> Cost:
    """Energy per year × the electricity mix; per request when the volume is known."""
    if energy_kwh_per_year < 0:
        raise CostError("l'énergie annuelle ne peut pas être négative.")
    energy = Range(energy_kwh_per_year, energy_kwh_per_year, energy_kwh_per_year)
    gwp = Range(energy_kwh_per_year * mix_kg_per_kwh.low,
                energy_kwh_per_year * mix_kg_per_kwh.value,
                energy_kwh_per_year * mix_kg_per_kwh.high)
    per_energy = per_gwp = None
    if requests_per_month > 0:
        yearly = requests_per_month * MONTHS
        per_energy, per_gwp = energy.times(1 / yearly), gwp.times(1 / yearly)
    return Cost(per_energy, per_gwp, energy, gwp, (), method="mix")


def estimated_energy(power_w: float, hours_per_year: float) -> float:
    """kWh per year of a machine drawing `power_w` watts on average for `hours_per_year`."""
    if power_w < 0 or hours_per_year < 0:
        raise CostError("puissance et durée doivent être positives.")
    return power_w * hours_per_year / 1000


def per_benefit(gwp_kg_per_year: float, benefit: float | None) -> float | None:
    """kgCO2e per unit of measured benefit (e.g. per hour saved); None without a benefit."""
    if benefit is None or benefit <= 0:
        return None
    return gwp_kg_per_year / benefit


def total(costs: list[Cost]) -> tuple[Range, Range]:
    energy, gwp = Range.zero(), Range.zero()
    for cost in costs:
        energy, gwp = energy.plus(cost.energy_kwh_per_year), gwp.plus(cost.gwp_kg_per_year)
    return energy, gwp
