"""Themes of the comments: a closed tree per organisation with an "other" bucket; suggestions
by a model trained on the organisation's own comments classified by people
(jalon.core.triage, the same local model as the citizen reports: TF-IDF and a linear
classifier, on the CPU, nothing downloaded); a person confirms or corrects every suggestion, and
only people's choices count in the figures per theme.

Quality is measured, not claimed: one comment in four classified by people (chosen by a hash
of its text, so that the same wording never sits on both sides) is kept apart from training and
gives the macro-F1 and top-3 accuracy stored with the model and shown beside it; they are
recomputed at each training.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jalon.feedback.models import CommentTheme, Response, Theme, ThemeModel, Triage
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

if TYPE_CHECKING:
    from jalon.core.triage import TriageModel

# jalon.core.triage imports scikit-learn (seconds): imported only where a model is trained or
# used, never by pages that only list themes, nor by the demo.
OTHER: Final = "autre"
DEFAULT_TREE: Final[tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]] = (
    ("acces", "Accès et navigation", (("trouver", "Trouver la démarche"),
                                      ("navigation", "Navigation dans le site"))),
    ("information", "Clarté de l'information", (
        ("vocabulaire", "Vocabulaire administratif"), ("justificatifs", "Pièces justificatives"),
        ("infos-pratiques", "Horaires et informations pratiques"))),
    ("technique", "Fonctionnement technique", (
        ("blocage", "Erreur ou blocage"), ("lenteur", "Lenteur"),
        ("telephone", "Affichage sur téléphone"))),
    ("delais", "Délais et disponibilité", (("rendez-vous", "Créneaux de rendez-vous"),
                                           ("traitement", "Délai de traitement"))),
    ("contact", "Contact et aide", (("joindre", "Joindre une personne"),
                                    ("reponse", "Réponse aux messages"),
                                    ("assistant", "Assistant automatique"))),
    ("paiement", "Paiement", (("refus", "Paiement refusé"), ("moyens", "Moyens de paiement"),
                              ("recu", "Reçus et confirmations"))),
    ("accessibilite", "Accessibilité", ()),
    ("compliments", "Remerciements", ()),
    (OTHER, "Autre / inclassable", ()),
)
HOLDOUT_SHARE: Final = 4  # one in four
MIN_EXAMPLES: Final = 20
DECIDED: Final = (Triage.CONFIRMED, Triage.CORRECTED, Triage.MANUAL)


def _key() -> bytes:
    """Signing key of the stored models (derived from SECRET_KEY: a row altered in the
    database is refused, jalon.core.triage.TriageModel.from_bytes)."""
    return salted_hmac("jalon.feedback.themes", "model", secret=settings.SECRET_KEY).digest()


# --- Reads ---------------------------------------------------------------------------------------

def themes(organisation: Organisation) -> QuerySet[Theme]:
    return Theme.objects.filter(organisation=organisation).select_related("parent")


def categories(organisation: Organisation) -> list[Theme]:
    """What a comment is classified into: the sub-themes, the themes without sub-theme, and
    the "other" bucket — in tree order."""
    rows = list(themes(organisation).order_by("position", "id"))
    parents = {t.parent_id for t in rows if t.parent_id}
    top = [t for t in rows if t.parent_id is None]
    out: list[Theme] = []
    for theme in top:
        if theme.pk in parents:
            out.extend(t for t in rows if t.parent_id == theme.pk)
        else:
            out.append(theme)
    return out


def tree(organisation: Organisation) -> list[dict[str, Any]]:
    """Themes with their sub-themes and the number of comments people put in each."""
    counts = dict(CommentTheme.objects.filter(organisation=organisation, status__in=DECIDED)
                  .values_list("theme_id").annotate(n=Count("id")).order_by())
    rows = list(themes(organisation).order_by("position", "id"))
    out = []
    for theme in rows:
        if theme.parent_id is not None:
            continue
        children = [{"theme": c, "count": counts.get(c.pk, 0)} for c in rows
                    if c.parent_id == theme.pk]
        out.append({"theme": theme, "children": children,
                    "count": counts.get(theme.pk, 0) + sum(c["count"] for c in children)})
    return out


def current_model(organisation: Organisation) -> ThemeModel | None:
    return ThemeModel.objects.filter(organisation=organisation).first()


def pending(organisation: Organisation) -> QuerySet[Response]:
    """Comments no person has classified yet (newest first)."""
    return (Response.objects.filter(organisation=organisation).exclude(comment="")
            .exclude(theme_triage__status__in=DECIDED)
            .select_related("form__service", "theme_triage").order_by("-received_at", "-id"))


def decided(organisation: Organisation) -> QuerySet[CommentTheme]:
    return CommentTheme.objects.filter(organisation=organisation, status__in=DECIDED,
                                       theme__isnull=False).select_related("theme", "response")


# --- Writes --------------------------------------------------------------------------------------

def ensure_tree(actor: Any, organisation: Organisation) -> bool:
    """Create the default tree when the organisation has none; True when created."""
    with transaction.atomic():
        if Theme.objects.select_for_update().filter(organisation=organisation).exists():
            return False
        for position, (code, label, children) in enumerate(DEFAULT_TREE):
            parent = Theme.objects.create(organisation=organisation, code=code, label=label,
                                          position=position * 100, is_other=code == OTHER)
            for child_position, (child_code, child_label) in enumerate(children, 1):
                Theme.objects.create(organisation=organisation, parent=parent,
                                     code=child_code, label=child_label,
                                     position=position * 100 + child_position)
        record(actor, "feedback.themes_created", organisation, target="thèmes",
               themes=len(DEFAULT_TREE))
    return True


def add_theme(actor: Any, organisation: Organisation, label: str, parent: Theme | None
              ) -> Theme:
    label = " ".join((label or "").split())
    if not label or len(label) > 120:
        raise ValidationError({"label": [_("Indiquez un thème de 120 caractères au plus.")]})
    if parent is not None and (parent.parent_id is not None or parent.is_other):
        raise ValidationError({"parent": [_("Un sous-thème se range sous un thème principal "
                                            "(pas sous « Autre »).")]})
    with transaction.atomic():
        base = slugify(label)[:50] or "theme"
        code, n = base, 1
        while Theme.objects.filter(organisation=organisation, code=code).exists():
            n += 1
            code = f"{base}-{n}"
        last = (themes(organisation).filter(parent=parent).order_by("-position")
                .values_list("position", flat=True).first())
        position = (last or (parent.position if parent else 0)) + 1
        if parent is None:
            position = (last or 0) + 100
        theme = Theme.objects.create(organisation=organisation, parent=parent, code=code,
                                     label=label, position=position)
        record(actor, "feedback.theme_added", organisation, target=label, code=code,
               parent=parent.code if parent else "")
    return theme


def classify(actor: Any, response: Response, theme: Theme) -> CommentTheme:
    """A person's choice for a comment: confirms the model's first suggestion, corrects it,
    or classifies a comment the model did not see."""
    if theme.organisation_id != response.organisation_id:
        raise ValidationError({"theme": [_("Thème inconnu.")]})
    if theme.children.exists():
        raise ValidationError({"theme": [_("Choisissez un sous-thème de « %(label)s ».")
                                         % {"label": theme.label}]})
    with transaction.atomic():
        row, _created = CommentTheme.objects.select_for_update().get_or_create(
            response=response, defaults={"organisation_id": response.organisation_id})
        first = row.suggestions[0]["theme"] if row.suggestions else None
        row.status = (Triage.MANUAL if first is None else
                      Triage.CONFIRMED if first == theme.code else Triage.CORRECTED)
        row.theme = theme
        row.decided_by = str(getattr(actor, "username", "") or "")
        row.decided_at = timezone.now()
        row.save()
        record(actor, "feedback.comment_classified", response.organisation,
               target=str(response.pk), theme=theme.code, status=row.status,
               suggested=first or "", model=row.model_version)
    return row


def _holdout(text: str) -> bool:
    digest = hashlib.sha256(" ".join(text.lower().split()).encode()).digest()
    return digest[0] % HOLDOUT_SHARE == 0


Pairs = list[tuple[str, str]]


def check_trainable(organisation: Organisation) -> tuple[Pairs, Pairs]:
    """The training and held-out (comment, theme) pairs, or a French ValidationError when
    people have not classified enough comments yet."""
    rows = list(decided(organisation).values_list("response__comment", "theme__code"))
    train_rows = [(t, c) for t, c in rows if not _holdout(t)]
    test_rows = [(t, c) for t, c in rows if _holdout(t)]
    if len(train_rows) < MIN_EXAMPLES or len({c for _t, c in train_rows}) < 2:
        raise ValidationError(_(
            "Pas assez de commentaires classés par une personne pour entraîner le modèle : "
            "%(n)d pour l'entraînement (il en faut %(min)d, dans au moins deux thèmes). "
            "Classez quelques commentaires à la main, puis recommencez.")
            % {"n": len(train_rows), "min": MIN_EXAMPLES})
    return train_rows, test_rows


@dataclass(frozen=True)
class Training:
    model: ThemeModel
    suggested: int


def train(actor: Any, organisation: Organisation) -> Training:
    """Train on the comments people classified (but the held-out quarter), measure on that
    quarter, store the model, and suggest themes for every comment not yet classified."""
    train_rows, test_rows = check_trainable(organisation)
    from jalon.core import triage

    previous = ThemeModel.objects.filter(organisation=organisation).count()
    version = f"themes-{organisation.pk}-v{previous + 1}"
    try:
        model = triage.train([t for t, _c in train_rows], [c for _t, c in train_rows],
                             version=version)
    except triage.TriageError as exc:
        raise ValidationError(str(exc)) from exc
    quality = triage.evaluate(model, [t for t, _c in test_rows], [c for _t, c in test_rows])
    with transaction.atomic():
        stored = ThemeModel.objects.create(
            organisation=organisation, version=version, algorithm=model.algorithm,
            trained_at=timezone.now(), trained_by=str(getattr(actor, "username", "") or ""),
            n_examples=model.n_examples, n_evaluated=quality.n,
            macro_f1=quality.macro_f1 if quality.n else None,
            top3_accuracy=quality.top3_accuracy if quality.n else None,
            data=model.to_bytes(_key()))
        record(actor, "feedback.theme_model_trained", organisation, target=version,
               examples=model.n_examples, evaluated=quality.n, macro_f1=quality.macro_f1,
               top3_accuracy=quality.top3_accuracy)
    return Training(stored, suggest_pending(organisation, model=model, stored=stored))


def _load(stored: ThemeModel) -> TriageModel:
    from jalon.core.triage import TriageModel

    return TriageModel.from_bytes(bytes(stored.data), _key())


def suggest_pending(organisation: Organisation, model: TriageModel | None = None,
                    stored: ThemeModel | None = None, limit: int = 2000) -> int:
    """Suggestions of the current model for the comments not yet classified by a person and
    not yet seen by this model version."""
    stored = stored or current_model(organisation)
    if stored is None:
        return 0
    todo = list(pending(organisation).exclude(theme_triage__model_version=stored.version)
                [:limit])
    if not todo:
        return 0
    model = model or _load(stored)
    known = {t.code for t in categories(organisation)}
    ranked = model.suggest_many([r.comment for r in todo], k=3)
    now = timezone.now()
    with transaction.atomic():
        for response, suggestions in zip(todo, ranked, strict=True):
            items = [{"theme": s.category, "confidence": s.confidence} for s in suggestions
                     if s.category in known]
            CommentTheme.objects.update_or_create(
                response=response, defaults={
                    "organisation": organisation, "suggestions": items,
                    "model_version": stored.version, "suggested_at": now,
                    "status": Triage.SUGGESTED})
    return len(todo)


def counts_by_theme(organisation: Organisation) -> Counter[str]:
    return Counter(dict(decided(organisation).values_list("theme__code")
                        .annotate(n=Count("id")).order_by()))


def suggestion_labels(organisation: Organisation, rows: Sequence[Response]
                      ) -> dict[int, list[dict[str, Any]]]:
    """Per response, its suggestions with the themes' labels (for the triage page)."""
    labels = {t.code: t.full_label for t in themes(organisation)}
    out: dict[int, list[dict[str, Any]]] = {}
    for response in rows:
        row = getattr(response, "theme_triage", None)  # None when not suggested yet
        items = row.suggestions if row is not None else []
        out[response.pk] = [{"code": s["theme"], "label": labels.get(s["theme"], s["theme"]),
                             "confidence": s["confidence"]} for s in items]
    return out


def has_triage(organisation: Organisation) -> bool:
    return Theme.objects.filter(organisation=organisation).exists()

