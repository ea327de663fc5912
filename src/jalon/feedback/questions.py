"""The questionnaire: the standard questions (those of the State's "Je donne mon avis"
questionnaire, whose answers feed the observatory's five indicators) and the questions an
organisation adds. A form version stores its questions as a list of dicts (JSON):

    {"code": "satisfaction", "kind": "smiley", "label": "...", "help": "", "required": true,
     "standard": true}
    {"code": "q1", "kind": "choice", "label": "...", "help": "", "required": false,
     "standard": false, "options": ["Oui", "Non"]}

The organisation may reword a standard question (label, help) or remove it — except the
overall satisfaction, which every form keeps (as on "Je donne mon avis", where it cannot be
hidden) — but not change its options: the indicators are computed from them. Its own questions
have free options.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SATISFACTION: Final = "satisfaction"
COMPREHENSION: Final = "comprehension"
CONTACT_TRIED: Final = "contact_tried"
CONTACT_REACHED: Final = "contact_reached"
CONTACT_SATISFACTION: Final = "contact_satisfaction"
VERBATIM: Final = "verbatim"
NO_HELP: Final = "none"

# Kinds of question; the standard ones have fixed options (below).
SMILEY, SCALE, QUALITY, MULTI, YESNO, CHOICE, TEXT = (
    "smiley", "scale", "quality", "multi", "yesno", "choice", "text")
CUSTOM_KINDS: Final = {
    CHOICE: gettext_lazy("Choix unique"), MULTI: gettext_lazy("Choix multiples"),
    SCALE: gettext_lazy("Note de 1 à 5"), YESNO: gettext_lazy("Oui / non"),
    TEXT: gettext_lazy("Texte libre"),
}
MAX_QUESTIONS: Final = 20
MAX_LABEL: Final = 300
MAX_HELP: Final = 500
MAX_OPTIONS: Final = 12
MAX_OPTION: Final = 120
MAX_TEXT_ANSWER: Final = 2000

# Five levels, stored 1 (worst) … 5 (best).
SMILEY_OPTIONS: Final = (("5", gettext_lazy("Très bien")), ("4", gettext_lazy("Bien")),
                         ("3", gettext_lazy("Moyen")), ("2", gettext_lazy("Mal")),
                         ("1", gettext_lazy("Très mal")))
SCALE_OPTIONS: Final = (("1", gettext_lazy("1 — pas clair du tout")), ("2", "2"), ("3", "3"),
                        ("4", "4"), ("5", gettext_lazy("5 — très clair")))
CUSTOM_SCALE_OPTIONS: Final = tuple((str(n), str(n)) for n in range(1, 6))
QUALITY_OPTIONS: Final = (("5", gettext_lazy("Excellente")), ("4", gettext_lazy("Bonne")),
                          ("3", gettext_lazy("Ni bonne, ni mauvaise")),
                          ("2", gettext_lazy("Mauvaise")), ("1", gettext_lazy("Très mauvaise")))
YESNO_OPTIONS: Final = (("yes", gettext_lazy("Oui")), ("no", gettext_lazy("Non")))
CONTACT_OPTIONS: Final = (
    ("counter", gettext_lazy("Au guichet, auprès de l'administration")),
    ("phone", gettext_lazy("Par téléphone, auprès de l'administration")),
    ("email", gettext_lazy("Par courriel, auprès de l'administration")),
    ("chat", gettext_lazy("Par messagerie instantanée, auprès de l'administration")),
    ("relative", gettext_lazy("Une personne proche")),
    ("association", gettext_lazy("Une association")),
    ("websites", gettext_lazy("Des sites internet")),
    ("other", gettext_lazy("Autre moyen")),
    (NO_HELP, gettext_lazy("Je n'ai pas eu besoin d'aide")),
)
ADMINISTRATION_CHANNELS: Final = frozenset({"counter", "phone", "email", "chat"})

# The standard questionnaire (the wording of "Je donne mon avis", root form).
STANDARD: Final[tuple[dict[str, Any], ...]] = (
    {"code": SATISFACTION, "kind": SMILEY, "required": True,
     "label": "De façon générale, comment ça s'est passé ?", "help": ""},
    {"code": COMPREHENSION, "kind": SCALE, "required": False,
     "label": "Qu'avez-vous pensé des informations et des instructions fournies ?",
     "help": "De 1 (pas clair du tout) à 5 (très clair)."},
    {"code": CONTACT_TRIED, "kind": MULTI, "required": False,
     "label": "Durant votre parcours, avez-vous tenté d'obtenir de l'aide par l'un des moyens "
              "suivants ?", "help": "Plusieurs choix possibles."},
    {"code": CONTACT_REACHED, "kind": YESNO, "required": False,
     "label": "Quand vous avez cherché de l'aide, avez-vous réussi à joindre "
              "l'administration ?",
     "help": "Ne répondez pas si vous n'avez pas cherché à la joindre."},
    {"code": CONTACT_SATISFACTION, "kind": QUALITY, "required": False,
     "label": "Comment évaluez-vous la qualité de l'aide que vous avez obtenue de la part de "
              "l'administration ?",
     "help": "Ne répondez pas si vous ne l'avez pas jointe."},
    {"code": VERBATIM, "kind": TEXT, "required": False,
     "label": "Souhaitez-vous nous en dire plus ?",
     "help": "Votre réponse est anonyme : n'écrivez pas de données personnelles (nom, "
             "numéro de dossier, adresse…)."},
)
STANDARD_CODES: Final = tuple(q["code"] for q in STANDARD)
STANDARD_BY_CODE: Final = {q["code"]: q for q in STANDARD}
STANDARD_KINDS: Final = {q["code"]: q["kind"] for q in STANDARD}


def standard_questions() -> list[dict[str, Any]]:
    return [{**q, "standard": True} for q in STANDARD]


def options(question: dict[str, Any]) -> list[tuple[str, Any]]:
    """The (value, label) choices of a question ([] for free text)."""
    kind = question["kind"]
    if question.get("standard"):
        return list({SMILEY: SMILEY_OPTIONS, SCALE: SCALE_OPTIONS, QUALITY: QUALITY_OPTIONS,
                     YESNO: YESNO_OPTIONS, MULTI: CONTACT_OPTIONS, TEXT: ()}[kind])
    if kind == SCALE:
        return list(CUSTOM_SCALE_OPTIONS)
    if kind == YESNO:
        return list(YESNO_OPTIONS)
    if kind in (CHOICE, MULTI):
        return [(str(i), label) for i, label in enumerate(question.get("options", []), 1)]
    return []


def answer_label(question: dict[str, Any], value: Any) -> str:
    """An answer as a person reads it (exports, comments)."""
    labels = {code: str(label) for code, label in options(question)}
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if value in (None, ""):
        return ""
    return str(labels.get(str(value), str(value)))


def _text(value: Any, name: str, most: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("%(name)s : texte attendu.") % {"name": name})
    text = " ".join(value.split())
    if required and not text:
        raise ValidationError(_("%(name)s : ce texte est obligatoire.") % {"name": name})
    if len(text) > most:
        raise ValidationError(_("%(name)s : %(most)d caractères au plus (%(count)d donnés).")
                              % {"name": name, "most": most, "count": len(text)})
    return text


def clean_questions(questions: Sequence[Any]) -> list[dict[str, Any]]:
    """A checked, normalised list of questions, or ValidationError (French, one message per
    problem, naming the question by its position)."""
    if not isinstance(questions, (list, tuple)):
        raise ValidationError(_("Liste de questions attendue."))
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(_("%(most)d questions au plus : un questionnaire court est plus "
                                "souvent rempli.") % {"most": MAX_QUESTIONS})
    errors: list[str] = []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    custom = 0
    for position, raw in enumerate(questions, 1):
        where = _("Question %(n)d") % {"n": position}
        try:
            if not isinstance(raw, dict):
                raise ValidationError(_("%(name)s : objet attendu.") % {"name": where})
            code = str(raw.get("code") or "").strip()
            label = _text(raw.get("label", ""), where, MAX_LABEL)
            help_text = _text(raw.get("help", "") or "", where, MAX_HELP, required=False)
            if code in STANDARD_BY_CODE:
                kind = STANDARD_KINDS[code]
                if raw.get("kind", kind) != kind:
                    raise ValidationError(_("%(name)s : le type d'une question standard ne se "
                                            "change pas.") % {"name": where})
                question = {"code": code, "kind": kind, "label": label, "help": help_text,
                            "required": code == SATISFACTION or bool(raw.get("required")),
                            "standard": True}
            else:
                custom += 1
                kind = str(raw.get("kind") or "")
                if kind not in CUSTOM_KINDS:
                    raise ValidationError(
                        _("%(name)s : type « %(kind)s » inconnu ; types possibles : "
                          "%(kinds)s.") % {"name": where, "kind": kind,
                                           "kinds": ", ".join(CUSTOM_KINDS)})
                if not code or code in seen:
                    code = f"q{custom}"
                    while code in seen or code in STANDARD_BY_CODE:
                        custom += 1
                        code = f"q{custom}"
                question = {"code": code, "kind": kind, "label": label, "help": help_text,
                            "required": bool(raw.get("required")), "standard": False}
                if kind in (CHOICE, MULTI):
                    raw_options = raw.get("options") or []
                    if not isinstance(raw_options, (list, tuple)):
                        raise ValidationError(_("%(name)s : liste de réponses attendue.")
                                              % {"name": where})
                    choices = [_text(o, where, MAX_OPTION, required=False) for o in raw_options]
                    choices = [c for c in choices if c]
                    if len(choices) < 2 or len(choices) > MAX_OPTIONS:
                        raise ValidationError(
                            _("%(name)s : de 2 à %(most)d réponses possibles, une par ligne "
                              "(%(count)d données).")
                            % {"name": where, "most": MAX_OPTIONS, "count": len(choices)})
                    if len({c.casefold() for c in choices}) != len(choices):
                        raise ValidationError(_("%(name)s : deux réponses identiques.")
                                              % {"name": where})
                    question["options"] = choices
            if question["code"] in seen:
                raise ValidationError(_("%(name)s : question « %(code)s » en double.")
                                      % {"name": where, "code": question["code"]})
            seen.add(question["code"])
            out.append(question)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if not errors and SATISFACTION not in seen:
        errors.append(_("La question sur la satisfaction générale est obligatoire : elle "
                        "donne l'indicateur de satisfaction."))
    if errors:
        raise ValidationError(errors)
    return out
