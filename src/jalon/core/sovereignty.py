"""A sovereignty score for a digital service or a processing activity's hosting, with its
explanation (pure, no Django).

The criteria follow what French public buyers are asked to check:

- where data are stored and processed (inside the EU/EEA, GDPR chapter V otherwise);
- exposure of the provider to non-EU laws with extraterritorial reach (e.g. the US CLOUD Act
  and FISA section 702): the criterion of the ANSSI SecNumCloud 3.2 framework, § 19.6
  ("protection vis-à-vis du droit extra-européen"), and of the State's "cloud au centre"
  doctrine (circular 6282/SG of 5 July 2021, updated 31 May 2023) for sensitive data;
- SecNumCloud qualification (ANSSI);
- HDS certification when health data are hosted (Code de la santé publique, art. L.1111-8);
- open source (Loi pour une République numérique, 2016, art. 16: encourage free software);
- reversibility: export in an open format and an exit clause (the "réversibilité" clauses of
  the CCAG-TIC 2021, art. 42 ff.).

Points are out of 100; each criterion says what it gave and why. A missing answer gives no
point and is said to be unknown: the score never assumes the best.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from jalon.core.catalogue import in_eu_eea

MAX_SCORE: Final = 100
WEIGHTS: Final = {
    "storage": 25, "processing": 10, "extraterritorial": 25, "secnumcloud": 15,
    "hds": 5, "open_source": 10, "open_export": 5, "exit_clause": 5,
}


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known of a solution's hosting. None: not known."""

    storage_country: str = ""  # ISO 3166 alpha-2
    processing_country: str = ""
    non_eu_law_exposure: bool | None = None  # provider subject to extraterritorial non-EU law
    secnumcloud: bool | None = None
    health_data: bool = False
    hds: bool | None = None
    open_source: bool | None = None
    open_export_format: bool | None = None  # export in an open, documented format
    exit_clause: bool | None = None  # reversibility clause in the contract


@dataclass(frozen=True, slots=True)
class Line:
    criterion: str
    points: int
    max_points: int
    reason: str


@dataclass(frozen=True, slots=True)
class Score:
    value: int
    lines: tuple[Line, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def grade(self) -> str:
        """A for 80 and above, B 60, C 40, D 20, E below."""
        for letter, floor in (("A", 80), ("B", 60), ("C", 40), ("D", 20)):
            if self.value >= floor:
                return letter
        return "E"


def _country(label: str, country: str, weight: int) -> Line:
    if not country:
        return Line(label, 0, weight, "Pays inconnu : à renseigner.")
    if in_eu_eea(country):
        return Line(label, weight, weight, f"{country} : dans l'Union européenne ou l'EEE.")
    return Line(label, 0, weight, f"{country} : hors UE/EEE, transfert encadré par le chapitre "
                                  "V du RGPD.")


def _yes(label: str, value: bool | None, weight: int, yes: str, no: str) -> Line:
    if value is None:
        return Line(label, 0, weight, "Inconnu : à renseigner.")
    return Line(label, weight if value else 0, weight, yes if value else no)


def score(facts: Facts) -> Score:
    lines = [
        _country("Stockage des données", facts.storage_country, WEIGHTS["storage"]),
        _country("Traitement des données", facts.processing_country or facts.storage_country,
                 WEIGHTS["processing"]),
        _yes("Exposition au droit extra-européen",
             None if facts.non_eu_law_exposure is None else not facts.non_eu_law_exposure,
             WEIGHTS["extraterritorial"],
             "Prestataire non soumis à une loi extra-européenne à portée extraterritoriale.",
             "Prestataire soumis à une loi extra-européenne à portée extraterritoriale "
             "(par exemple le CLOUD Act américain)."),
        _yes("Qualification SecNumCloud", facts.secnumcloud, WEIGHTS["secnumcloud"],
             "Offre qualifiée SecNumCloud par l'ANSSI.", "Offre non qualifiée SecNumCloud."),
    ]
    warnings = []
    if facts.health_data:
        lines.append(_yes("Hébergement de données de santé (HDS)", facts.hds, WEIGHTS["hds"],
                          "Hébergeur certifié HDS.",
                          "Données de santé sans hébergeur certifié HDS."))
        if facts.hds is not True:
            warnings.append("Des données de santé sont hébergées sans certification HDS "
                            "connue (art. L.1111-8 du code de la santé publique).")
    else:
        lines.append(Line("Hébergement de données de santé (HDS)", WEIGHTS["hds"],
                          WEIGHTS["hds"], "Sans objet : pas de données de santé."))
    lines += [
        _yes("Logiciel libre", facts.open_source, WEIGHTS["open_source"],
             "Solution sous licence libre.", "Solution propriétaire."),
        _yes("Export dans un format ouvert", facts.open_export_format, WEIGHTS["open_export"],
             "Les données s'exportent dans un format ouvert et documenté.",
             "Pas d'export dans un format ouvert."),
        _yes("Clause de réversibilité", facts.exit_clause, WEIGHTS["exit_clause"],
             "Le contrat prévoit la réversibilité.", "Pas de clause de réversibilité."),
    ]
    if facts.non_eu_law_exposure and facts.secnumcloud:
        warnings.append("Incohérence : une offre qualifiée SecNumCloud ne peut pas être "
                        "soumise à un droit extra-européen (critère 19.6 du référentiel).")
    return Score(sum(line.points for line in lines), tuple(lines), tuple(warnings))


def under_eu_jurisdiction(facts: Facts) -> bool:
    """Data stored in the EU/EEA by a provider not exposed to non-EU law: what the indicator
    "share of personal data hosted under EU jurisdiction" counts (unknown counts as no)."""
    return bool(facts.storage_country and in_eu_eea(facts.storage_country)
                and facts.non_eu_law_exposure is False)
