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


# --- FAQ retrieval: synonyms, latent layer, evaluation ------------------------------------------

FAQ = ["Quels sont les horaires de la déchetterie ? Ouverte du lundi au samedi.",
       "Un lampadaire est en panne, qui prévenir ? Faites un signalement éclairage.",
       "Comment inscrire mon enfant à la cantine ? Inscription en ligne."]


@pytest.mark.parametrize(("question", "expected"), [
    ("la décharge ouvre à quelle heure ?", 0),
    ("le réverbère ne s'allume plus", 1),
    ("restauration scolaire pour mon fils", 2),
])
def test_synonyms_bring_other_words_to_the_entry(question: str, expected: int) -> None:
    groups = [("dechetterie", ["déchetterie", "décharge"]),
              ("lampadaire", ["lampadaire", "réverbère", "éclairage"]),
              ("cantine", ["cantine", "restauration scolaire"])]
    plain = triage.RetrievalIndex.build(FAQ)
    index = triage.RetrievalIndex.build(FAQ, lexicon=triage.lexicon(groups))
    best = index.search(question, k=1)
    assert best and best[0].position == expected
    before = plain.search(question, k=3)
    assert best[0].score > next((m.score for m in before if m.position == expected), 0.0)


def test_lexicon_matches_whole_words_only() -> None:
    lexicon = triage.lexicon([("bus", ["bus"]), ("vide", [" "])])
    assert triage.expand("Le bus 12", lexicon).endswith("lex_bus")
    assert triage.expand("un abus de pouvoir", lexicon) == "un abus de pouvoir"
    assert triage.expand("", lexicon) == ""


def test_latent_layer_scores_stay_between_0_and_1_and_default_is_lexical() -> None:
    corpus = ["poubelle pleine pas vidée", "bac non collecté ce matin", "poubelle bac collecte"]
    semantic = triage.RetrievalIndex.build(FAQ, corpus=corpus, semantic=0.3, dimensions=4)
    lexical = triage.RetrievalIndex.build(FAQ)
    assert semantic.semantic == 0.3 and lexical.semantic == 0.0
    for index in (semantic, lexical):
        scores = index.scores("horaires de la déchetterie le samedi")
        assert all(0 <= s <= 1.0001 for s in scores)
        assert index.search("horaires de la déchetterie le samedi", k=1)[0].position == 0
    # too few texts for a latent space: it stays lexical
    assert triage.RetrievalIndex.build(FAQ[:1], semantic=0.5).semantic == 0.0


def test_evaluate_retrieval_counts_answers_handovers_and_mistakes() -> None:
    index = triage.RetrievalIndex.build(FAQ)
    result = triage.evaluate_retrieval(
        index, ["horaires de la déchetterie", "lampadaire en panne", "cantine inscription",
                "météo de demain"], [0, 1, 0, None], threshold=0.2)
    assert result.n == 4 and result.n_answerable == 3
    assert result.top1_accuracy == pytest.approx(2 / 3, abs=1e-4)
    assert result.answer_rate + result.handed_to_human == pytest.approx(1)
    assert result.correct_answers == pytest.approx(2 / 3, abs=1e-4)
    assert result.wrong_answers >= 0.25  # "cantine" answered with the wrong entry
    with pytest.raises(triage.TriageError):
        triage.evaluate_retrieval(index, ["a"], [], 0.2)


def test_faq_evaluation_set_is_apart_from_the_faq() -> None:
    import csv
    from pathlib import Path

    import jalon.reports

    data = Path(jalon.reports.__file__).parent / "demo_data"
    with (data / "faq.csv").open(encoding="utf-8") as handle:
        faq = {r["question"] for r in csv.DictReader(handle, delimiter=";")}
    with (data / "faq_evaluation.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    answered = [r for r in rows if r["entry"]]
    assert len(answered) >= 120 and len(rows) - len(answered) >= 30
    assert {r["entry"] for r in answered} <= faq  # every label is an entry of the FAQ
    assert not {r["question"] for r in rows} & faq  # no question is an entry's own wording
    assert len({r["question"] for r in rows}) == len(rows)
