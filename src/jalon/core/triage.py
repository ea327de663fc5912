"""Text triage: free text -> ranked categories with confidences, and FAQ retrieval.

One small, local model family serves every triage of Jalon (citizen report categories,
themes of feedback comments): TF-IDF on word 1–2-grams and on character 2–5-grams inside
word boundaries (robust to the typos, missing accents and abbreviations of real citizen
text), then a linear classifier with the logistic loss (probabilities by construction, one
versus the rest, normalised), fitted by stochastic gradient descent. It is trained
with scikit-learn on the organisation's labelled examples and human validations, runs on the
CPU and never downloads anything (no pre-trained weights: the AI Act art. 50 disclosure and the
measured quality below refer to exactly this model).

Interface (stable, used by the `reports` and `feedback` apps):

- `train(texts, labels, *, version) -> TriageModel`
- `TriageModel.version`, `.categories`, `.n_examples`
- `TriageModel.suggest(text, k=3) -> list[Suggestion]` (best first, confidences sum to <= 1)
- `TriageModel.suggest_many(texts, k=3) -> list[list[Suggestion]]` (one vectorisation pass)
- `TriageModel.to_bytes(key=b"")` / `TriageModel.from_bytes(data, key=b"")`: serialisation,
  authenticated with HMAC-SHA256 when a key is given (the bytes are a pickle: only load what
  Jalon itself wrote, and sign with a server secret so that a tampered row is refused)
- `evaluate(model, texts, labels) -> Evaluation(macro_f1, top3_accuracy, n)` (a NamedTuple)
- `RetrievalIndex.build(documents, *, corpus=(), semantic=0.0)` / `.search(query, k=3) ->
  list[Match(position, score)]`: cosine similarity on the same features, optionally mixed
  with a latent semantic layer fitted on the organisation's own texts, for the FAQ assistant.
- `evaluate_retrieval(index, questions, expected, threshold) -> RetrievalEvaluation`.

Everything here is pure: no Django, no I/O other than what the caller hands in.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import FeatureUnion

FORMAT: Final = b"JALON-TRIAGE-1\n"
# Chosen on the bundled evaluation set (docs/reports.md, "How the model was chosen"): against
# a calibrated linear SVM and an L-BFGS logistic regression on the same features, SGD with the
# logistic loss gave the best macro-F1 and top-3 accuracy, trained in a tenth of a second
# instead of several (the demo trains it while seeding, every browser test seeds the demo).
ALGORITHM: Final = "tfidf-word1-2+char2-5+sgd-logistic"
ALPHA: Final = 1e-4
MAX_TEXT: Final = 5000
LATENT_DIMENSIONS: Final = 150
# French function words, accents folded (the latent layer's vocabulary is made of content
# words: "le", "de", "mon" co-occur with everything and would blur the latent space).
STOP_WORDS: Final = frozenset([
    "a", "au", "aux", "avec", "c", "ca", "ce", "ces", "cet", "cette", "d", "dans", "de", "des",
    "du", "elle", "elles", "en", "est", "et", "etre", "il", "ils", "j", "je", "l", "la", "le",
    "les", "leur", "leurs", "m", "ma", "mais", "me", "mes", "moi", "mon", "n", "ne", "nos",
    "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "quel", "quelle", "quelles",
    "quels", "qui", "s", "sa", "se", "ses", "si", "son", "sont", "sur", "ta", "te", "tes", "toi",
    "ton", "tu", "un", "une", "vos", "votre", "vous", "y", "est-ce", "comment", "faire", "faut",
    "peut", "puis-je", "suis", "ai", "as", "avez", "avons", "ont", "sera", "etait", "t", "il-y",
    "quoi", "quand", "ou",
])


class TriageError(ValueError):
    """Bad training data or bad serialised model, with a message meant for a person."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    category: str
    confidence: float


class Match(NamedTuple):
    position: int
    score: float


class Evaluation(NamedTuple):
    macro_f1: float
    top3_accuracy: float
    n: int


def normalise(text: str) -> str:
    """Lower case, no accents, typographic apostrophes folded: 'Éclairage' ≡ 'eclairage'."""
    text = (text or "")[:MAX_TEXT].replace("\u2019", "'").replace("\u00a0", " ")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _features() -> FeatureUnion:
    return FeatureUnion([
        ("word", TfidfVectorizer(preprocessor=normalise, analyzer="word", ngram_range=(1, 2),
                                 sublinear_tf=True, min_df=1)),
        ("char", TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 5),
                                 sublinear_tf=True, min_df=1, max_features=60000)),
    ])


def _transform(features: Any, texts: Sequence[str]) -> Any:
    """FeatureUnion.transform without its joblib machinery, which costs more than the work
    for one short text (the public form asks for one report at a time)."""
    texts = [t or "" for t in texts]
    return sparse.hstack([vectoriser.transform(texts)
                          for _name, vectoriser in features.transformer_list]).tocsr()


@dataclass
class TriageModel:
    version: str
    categories: tuple[str, ...]
    n_examples: int
    algorithm: str
    _features: Any = field(repr=False)
    _classifier: Any = field(repr=False)

    def _probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._classifier.predict_proba(_transform(self._features, texts)))

    def suggest(self, text: str, k: int = 3) -> list[Suggestion]:
        return self.suggest_many([text], k=k)[0]

    def suggest_many(self, texts: Sequence[str], k: int = 3) -> list[list[Suggestion]]:
        if not texts:
            return []
        probabilities = self._probabilities(texts)
        classes = [str(c) for c in self._classifier.classes_]
        k = max(1, min(k, len(classes)))
        order = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
        return [[Suggestion(classes[j], round(float(row[j]), 4)) for j in ranks]
                for row, ranks in zip(probabilities, order, strict=True)]

    def to_bytes(self, key: bytes = b"") -> bytes:
        payload = pickle.dumps({
            "version": self.version, "categories": self.categories,
            "n_examples": self.n_examples, "algorithm": self.algorithm,
            "features": self._features, "classifier": self._classifier,
        }, protocol=pickle.HIGHEST_PROTOCOL)
        return FORMAT + _signature(key, payload) + payload

    @classmethod
    def from_bytes(cls, data: bytes, key: bytes = b"") -> TriageModel:
        if not data.startswith(FORMAT):
            raise TriageError("Modèle de tri illisible : format inconnu.")
        body = data[len(FORMAT):]
        signature, payload = body[:32], body[32:]
        if not hmac.compare_digest(signature, _signature(key, payload)):
            raise TriageError("Modèle de tri refusé : signature invalide.")
        content = pickle.loads(payload)  # noqa: S301 — authenticated above
        return cls(version=content["version"], categories=tuple(content["categories"]),
                   n_examples=int(content["n_examples"]), algorithm=content["algorithm"],
                   _features=content["features"], _classifier=content["classifier"])


def _signature(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key or b"jalon-unsigned", payload, hashlib.sha256).digest()


def train(texts: Sequence[str], labels: Sequence[str], *, version: str,
          seed: int = 0) -> TriageModel:
    """Fit a model on labelled texts. Needs at least two categories and one text each.

    Raises `TriageError` (French message) on unusable data rather than fitting a model that
    would always answer the same category.
    """
    if len(texts) != len(labels):
        raise TriageError(f"{len(texts)} textes pour {len(labels)} catégories : "
                          "chaque exemple doit avoir sa catégorie.")
    pairs = [(t, str(c)) for t, c in zip(texts, labels, strict=True) if (t or "").strip() and c]
    counts = Counter(c for _, c in pairs)
    if len(counts) < 2:
        raise TriageError("Il faut des exemples d'au moins deux catégories pour entraîner "
                          "le modèle de tri.")
    features = _features()
    matrix = features.fit_transform([t for t, _ in pairs])
    y = [c for _, c in pairs]
    # class_weight balanced: a category with few examples is not drowned by the frequent ones;
    # a fixed random_state makes training deterministic (same examples, same model).
    classifier = SGDClassifier(loss="log_loss", alpha=ALPHA, class_weight="balanced",
                               max_iter=50, tol=1e-4, random_state=seed)
    classifier.fit(matrix, y)
    return TriageModel(version=version, categories=tuple(sorted(counts)),
                       n_examples=len(pairs), algorithm=ALGORITHM,
                       _features=features, _classifier=classifier)


def evaluate(model: TriageModel, texts: Sequence[str], labels: Sequence[str]) -> Evaluation:
    """Macro-F1 of the first suggestion and top-3 accuracy on a held-out labelled set.

    Macro-F1 averages over the categories of the evaluation set (a rare category weighs as
    much as a frequent one); a label the model does not know counts as a miss.
    """
    if len(texts) != len(labels):
        raise TriageError("Jeu d'évaluation incohérent : autant de textes que de catégories.")
    if not texts:
        return Evaluation(0.0, 0.0, 0)
    # Imported here: a server process that only suggests does not pay for sklearn.metrics.
    from sklearn.metrics import f1_score

    ranked = model.suggest_many(texts, k=3)
    predicted = [r[0].category for r in ranked]
    truth = [str(c) for c in labels]
    macro = float(f1_score(truth, predicted, labels=sorted(set(truth)), average="macro",
                           zero_division=0))
    top3 = sum(1 for t, r in zip(truth, ranked, strict=True)
               if t in {s.category for s in r}) / len(truth)
    return Evaluation(round(macro, 4), round(top3, 4), len(truth))


@dataclass
class RetrievalIndex:
    """Cosine similarity search over a few documents (an organisation's FAQ entries).

    Lexical by default: the cosine of the triage features (words and character n-grams), as
    the likely duplicates use it. With `semantic` > 0, a latent semantic layer trained on the
    organisation's own texts (`corpus`: the documents themselves plus, for instance, its
    reports and feedback comments) is mixed in: TF-IDF of words over that corpus, reduced by a
    truncated SVD (latent semantic analysis), so that words used in the same contexts — « bac »
    and « poubelle », « déchetterie » and « décharge » — come close even when a question shares
    none of an entry's words. The score is (1 − semantic) × lexical + semantic × latent
    cosine (negative latent cosines count as 0). Nothing is downloaded: the layer is fitted
    here, on the CPU, in well under a second for a few thousand short texts.
    """

    _features: Any = field(repr=False)
    _matrix: Any = field(repr=False)
    size: int = 0
    semantic: float = 0.0
    _latent_words: Any = field(default=None, repr=False)
    _latent_svd: Any = field(default=None, repr=False)
    _latent_matrix: Any = field(default=None, repr=False)
    lexicon: Lexicon = ()

    @classmethod
    def build(cls, documents: Sequence[str], *, corpus: Sequence[str] = (),
              semantic: float = 0.0, dimensions: int = LATENT_DIMENSIONS,
              lexicon: Lexicon = (), seed: int = 0) -> RetrievalIndex:
        documents = [expand(d or "", lexicon) for d in documents]
        if not any(d.strip() for d in documents):
            return cls(None, None, 0)
        features = _features()
        matrix = features.fit_transform(documents)
        index = cls(features, _l2(matrix), len(documents), lexicon=lexicon)
        if semantic > 0:
            index._fit_latent(documents, corpus, semantic, dimensions, seed)
        return index

    def _fit_latent(self, documents: list[str], corpus: Sequence[str], semantic: float,
                    dimensions: int, seed: int) -> None:
        from sklearn.decomposition import TruncatedSVD

        texts = [*documents, *[expand(c, self.lexicon) for c in corpus if (c or "").strip()]]
        words = TfidfVectorizer(preprocessor=normalise, analyzer="word",
                                sublinear_tf=True, min_df=1,
                                stop_words=sorted(STOP_WORDS))
        counts = words.fit_transform(texts)
        k = min(dimensions, counts.shape[0] - 1, counts.shape[1] - 1)
        if k < 2:
            return
        svd = TruncatedSVD(n_components=k, random_state=seed, algorithm="randomized",
                           n_iter=7)
        # One BLAS thread: the matrices are small, and on a busy server several threads
        # fighting for the cores made the same fit 25 times slower (12 s against 0.45 s).
        # threadpoolctl comes with scikit-learn (one of its own requirements).
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            svd.fit(counts)
        self.semantic = min(max(semantic, 0.0), 1.0)
        self._latent_words, self._latent_svd = words, svd
        self._latent_matrix = _dense_l2(svd.transform(words.transform(documents)))

    def scores(self, query: str) -> np.ndarray:
        """The similarity of the query with every document, in [0, 1]."""
        query = expand(query, self.lexicon)
        vector = _l2(_transform(self._features, [query]))
        lexical = np.asarray((self._matrix @ vector.T).todense()).ravel()
        if self._latent_svd is None or self.semantic <= 0:
            return lexical
        latent = _dense_l2(self._latent_svd.transform(self._latent_words.transform([query])))
        semantic = np.clip(self._latent_matrix @ latent.ravel(), 0.0, 1.0)
        return np.asarray((1 - self.semantic) * lexical + self.semantic * semantic)

    def search(self, query: str, k: int = 3) -> list[Match]:
        if not self.size or not (query or "").strip():
            return []
        scores = self.scores(query)
        order = np.argsort(-scores, kind="stable")[:k]
        return [Match(int(i), round(float(scores[i]), 4)) for i in order if scores[i] > 0]


# A lexicon: (concept, compiled pattern of its variants) pairs; see `lexicon`.
Lexicon = tuple[tuple[str, "re.Pattern[str]"], ...]


def lexicon(groups: Sequence[tuple[str, Sequence[str]]]) -> Lexicon:
    """Compile synonym groups: (concept, variants). A text mentioning any variant (whole
    words, accents and case folded) gets the concept's tag word added, so that « décharge »
    and « déchetterie », « réverbère » and « lampadaire » share a feature."""
    compiled = []
    for concept, variants in groups:
        words = sorted({normalise(v).strip() for v in variants if v.strip()}, key=len,
                       reverse=True)
        if not words:
            continue
        tag = "lex_" + re.sub(r"\W+", "_", normalise(concept)).strip("_")
        compiled.append((tag, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words)
                                         + r")\b")))
    return tuple(compiled)


def expand(text: str, lexicon_: Lexicon) -> str:
    if not lexicon_ or not text:
        return text
    folded = normalise(text)
    tags = [tag for tag, pattern in lexicon_ if pattern.search(folded)]
    return f"{text} {' '.join(tags)}" if tags else text


def _dense_l2(matrix: Any) -> np.ndarray:
    array = np.asarray(matrix, dtype=float)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(array / norms)


def _l2(matrix: Any) -> Any:
    # The union of two L2-normalised blocks has norm sqrt(2): renormalise the whole row so the
    # dot product is a cosine in [0, 1].
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix


class RetrievalEvaluation(NamedTuple):
    """How an assistant built on an index would have done on labelled questions.

    `expected[i]` is the position of the document that answers question i, or None when no
    document does (the assistant should hand it to a person)."""

    n: int
    n_answerable: int
    top1_accuracy: float  # answerable questions whose best match is the right document
    answer_rate: float  # questions answered (best score >= threshold)
    handed_to_human: float  # 1 - answer_rate
    correct_answers: float  # answerable questions answered with the right document
    wrong_answers: float  # questions answered with a wrong document, or answered at all
    #                       when nothing answers them, over all questions
    precision: float  # right answers among the answers given


def evaluate_retrieval(index: RetrievalIndex, questions: Sequence[str],
                       expected: Sequence[int | None], threshold: float
                       ) -> RetrievalEvaluation:
    if len(questions) != len(expected):
        raise TriageError("Jeu d'évaluation incohérent : une réponse attendue par question.")
    n = len(questions)
    answerable = sum(1 for e in expected if e is not None)
    top1 = answered = right = wrong = 0
    for question, truth in zip(questions, expected, strict=True):
        best = index.search(question, k=1)
        position, score = (best[0].position, best[0].score) if best else (None, 0.0)
        if truth is not None and position == truth:
            top1 += 1
        if score >= threshold and position is not None:
            answered += 1
            if position == truth:
                right += 1
            else:
                wrong += 1

    def share(count: int, total: int) -> float:
        return round(count / total, 4) if total else 0.0

    return RetrievalEvaluation(n, answerable, share(top1, answerable), share(answered, n),
                               share(n - answered, n), share(right, answerable),
                               share(wrong, n), share(right, answered))
