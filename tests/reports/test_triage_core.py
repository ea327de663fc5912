"""Table tests of the pure triage core (jalon.core.triage)."""

from __future__ import annotations

import pytest

from jalon.core import triage

TEXTS = [
    ("nid de poule enorme rue des lilas", "voirie"),
    ("trou dans la chaussée devant l'école", "voirie"),
    ("la route est défoncée av. Jean Jaurès", "voirie"),
    ("lampadaire éteint depuis 3 jours", "eclairage"),
    ("plus de lumière dans la rue le soir", "eclairage"),
    ("réverbère qui clignote toute la nuit", "eclairage"),
    ("dépôt sauvage de matelas sur le trottoir", "proprete"),
    ("sacs poubelles éventrés, déchets partout", "proprete"),
    ("encombrants abandonnés au pied de l'immeuble", "proprete"),
]


@pytest.fixture(scope="module")
def model() -> triage.TriageModel:
    texts, labels = zip(*TEXTS, strict=True)
    return triage.train(texts, labels, version="test-1")


@pytest.mark.parametrize(("text", "expected"), [
    ("Nid de poules rue Pasteur", "voirie"),
    ("le lampadaire ne s'allume plus", "eclairage"),
    ("matelas et dechets abandonnés", "proprete"),
])
def test_first_suggestion(model: triage.TriageModel, text: str, expected: str) -> None:
    suggestions = model.suggest(text)
    assert suggestions[0].category == expected
    assert len(suggestions) == 3
    assert suggestions[0].confidence >= suggestions[1].confidence >= suggestions[2].confidence
    assert sum(s.confidence for s in suggestions) <= 1.0001


def test_model_facts_and_determinism(model: triage.TriageModel) -> None:
    assert model.algorithm == triage.ALGORITHM
    assert model.categories == ("eclairage", "proprete", "voirie")
    assert model.n_examples == 9
    texts, labels = zip(*TEXTS, strict=True)
    again = triage.train(texts, labels, version="test-2")
    assert again.suggest("trou et lampadaire") == model.suggest("trou et lampadaire")


def test_two_examples_are_enough() -> None:
    small = triage.train(["trou route", "lampe éteinte"], ["voirie", "eclairage"], version="s")
    assert small.suggest("trou dans la route", k=5)[0].category == "voirie"
    assert len(small.suggest("x", k=5)) == 2


@pytest.mark.parametrize(("texts", "labels", "message"), [
    (["a", "b"], ["voirie"], "chaque exemple"),
    (["a", "b"], ["voirie", "voirie"], "deux catégories"),
    (["", "  "], ["voirie", "eclairage"], "deux catégories"),
])
def test_bad_training_data(texts: list[str], labels: list[str], message: str) -> None:
    with pytest.raises(triage.TriageError, match=message):
        triage.train(texts, labels, version="x")


def test_round_trip_and_signature(model: triage.TriageModel) -> None:
    data = model.to_bytes(key=b"secret")
    again = triage.TriageModel.from_bytes(data, key=b"secret")
    assert again.version == "test-1"
    assert again.suggest("lampadaire") == model.suggest("lampadaire")
    with pytest.raises(triage.TriageError, match="signature"):
        triage.TriageModel.from_bytes(data, key=b"other")
    with pytest.raises(triage.TriageError, match="format"):
        triage.TriageModel.from_bytes(b"garbage")


def test_evaluate(model: triage.TriageModel) -> None:
    result = triage.evaluate(model, ["trou chaussée", "lampadaire éteint", "graffiti"],
                             ["voirie", "eclairage", "graffitis"])
    macro_f1, top3, n = result
    assert n == 3
    assert top3 == pytest.approx(2 / 3, abs=1e-3)
    assert 0 < macro_f1 < 1
    assert triage.evaluate(model, [], []) == triage.Evaluation(0.0, 0.0, 0)


def test_suggest_many_empty(model: triage.TriageModel) -> None:
    assert model.suggest_many([]) == []


def test_retrieval() -> None:
    index = triage.RetrievalIndex.build([
        "Comment obtenir une carte de déchetterie ?",
        "Quels sont les horaires de la piscine ?",
        "Comment signaler un lampadaire en panne ?",
    ])
    matches = index.search("horaire piscine")
    assert matches[0].position == 1
    assert 0 < matches[0].score <= 1
    assert index.search("") == []
    assert triage.RetrievalIndex.build([]).search("piscine") == []


@pytest.mark.parametrize(("raw", "folded"), [
    ("Éclairage", "eclairage"), ("l\u2019école", "l'ecole"), ("", ""),
])
def test_normalise(raw: str, folded: str) -> None:
    assert triage.normalise(raw) == folded
