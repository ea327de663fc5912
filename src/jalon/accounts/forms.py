"""Forms of accounts, organisation settings and operator pages (accessible: jalon.kit.forms)."""

from __future__ import annotations

import re
from typing import Any, ClassVar, cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from jalon.kit.forms import Accessible
from jalon.tenancy.capabilities import GROUPS, Capability, parse
from jalon.tenancy.models import Operator, Organisation, Role


class LoginForm(Accessible, AuthenticationForm):
    pass


class ResetRequestForm(Accessible, PasswordResetForm):
    pass


# SetPasswordForm and ModelForm are generic for type checkers only: not subscriptable at run time.
class ResetPasswordForm(Accessible, SetPasswordForm):  # type: ignore[type-arg]
    pass


ROLE_CHOICES = Role.choices


class InvitationForm(Accessible, forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"), max_length=254)
    role = forms.ChoiceField(label=_("Rôle"), choices=ROLE_CHOICES, initial=Role.VIEWER)


class RoleForm(Accessible, forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=ROLE_CHOICES)


class CapabilityChoices(forms.Form):
    """One checkbox per capability (`capabilities`), shown grouped by `groups()` (the
    template renders the fieldsets: accounts/_capabilities.html)."""

    capabilities = forms.MultipleChoiceField(label=_("Capacités"), choices=Capability.choices,
                                             required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def chosen(self) -> frozenset[Capability]:
        return parse(self.cleaned_data.get("capabilities") or [])

    def groups(self) -> list[dict[str, Any]]:
        """[{legend, items: [{value, label, id, checked}]}] in the order of GROUPS."""
        if self.is_bound:
            checked = set(cast(QueryDict, self.data).getlist(self.add_prefix("capabilities")))
        else:
            checked = {str(c) for c in self.initial.get("capabilities") or []}
        prefix = f"{self.prefix}-" if self.prefix else ""
        return [{"legend": legend, "items": [
            {"value": c.value, "label": c.label, "checked": c.value in checked,
             "id": f"id_{prefix}cap_{c.value.replace('.', '_')}"} for c in members]}
            for legend, members in GROUPS]


class MemberAccessForm(Accessible, CapabilityChoices):
    role = forms.ChoiceField(label=_("Rôle (préréglage)"), choices=ROLE_CHOICES,
                             help_text=_("« Appliquer le rôle » donne exactement ses capacités ; "
                                         "« Enregistrer les capacités » garde les cases "
                                         "cochées."))


DAY_CHOICES = [(7, _("7 jours")), (30, _("30 jours")), (90, _("90 jours")),
               (180, _("180 jours")), (365, _("1 an"))]


class ApiTokenForm(Accessible, CapabilityChoices):
    name = forms.CharField(
        label=_("Nom du jeton"), max_length=100,
        help_text=_("Pour le reconnaître, par exemple « Export GLPI nocturne »."))
    role = forms.ChoiceField(label=_("Rôle"), choices=ROLE_CHOICES, initial=Role.VIEWER,
                             help_text=_("Lecture : consulter ; Édition : modifier l'inventaire "
                                         "et importer. Sans case cochée ci-dessous, le jeton "
                                         "reçoit les capacités du rôle."))

    days = forms.TypedChoiceField(
        label=_("Durée de validité"), coerce=int, initial=90, required=False,
        empty_value=None,
        choices=DAY_CHOICES,
        help_text=_("Le jeton cesse de fonctionner à cette échéance ; créez-en un nouveau "
                    "avant. Il cesse aussi si la personne qui l'a créé n'administre plus "
                    "l'organisation."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["days"])
        field.choices = [(d, label) for d, label in DAY_CHOICES
                         if d <= settings.API_TOKEN_MAX_DAYS]
        field.initial = settings.API_TOKEN_DEFAULT_DAYS

    def chosen_or_preset(self) -> frozenset[Capability] | None:
        """The capabilities ticked, or None for the role's preset (nothing ticked)."""
        return self.chosen() or None


def _digits(value: str, lengths: tuple[int, ...], message: str) -> str:
    value = value.replace(" ", "")
    if value and not (value.isdigit() and len(value) in lengths):
        raise forms.ValidationError(message)
    return value


class OrganisationProfileForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    # Declared here so that spaced numbers ("213 300 015") pass before they are normalised.
    siren = forms.CharField(label=_("SIREN"), max_length=14, required=False,
                            help_text=_("9 chiffres."))
    insee_code = forms.CharField(
        label=_("Code INSEE ou code EPCI"), max_length=14, required=False,
        help_text=_("Code INSEE de la commune (5 caractères) ou SIREN de l'EPCI (9 chiffres)."))

    class Meta:
        model = Organisation
        fields: tuple[str, ...] = ("name", "kind", "siren", "insee_code", "population",
                                   "agents", "require_admin_otp")
        help_texts: ClassVar[dict[str, Any]] = {
            "require_admin_otp": _("Les administrateurs sans second facteur seront invités à "
                                   "en configurer un à leur prochaine connexion."),
        }

    def clean_siren(self) -> str:
        return _digits(self.cleaned_data["siren"], (9,), str(_("Le SIREN compte 9 chiffres.")))

    def clean_insee_code(self) -> str:
        value: str = self.cleaned_data["insee_code"].replace(" ", "").upper()
        if value and not re.fullmatch(r"(\d{5}|2[AB]\d{3}|\d{9})", value):
            raise forms.ValidationError(_("Code INSEE (5 caractères) ou code EPCI (9 chiffres)."))
        return value


class OperatorOrganisationForm(OrganisationProfileForm):
    operator = forms.ModelChoiceField(label=_("Opérateur"), queryset=Operator.objects.none(),
                                      empty_label=None)
    admin_email = forms.EmailField(
        label=_("Adresse électronique du premier administrateur"), required=False,
        help_text=_("Une invitation lui sera envoyée ; vous pourrez aussi inviter plus tard."))

    class Meta(OrganisationProfileForm.Meta):
        fields = ("operator", "name", "slug", "kind", "siren", "insee_code", "population",
                  "agents")
        help_texts: ClassVar[dict[str, Any]] = {
            "slug": _("Identifiant dans les adresses : lettres minuscules, chiffres et tirets "
                      "(par exemple « val-de-lisiere »)."),
        }

    def __init__(self, *args: Any, operators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        operator = cast("forms.ModelChoiceField[Operator]", self.fields["operator"])
        operator.queryset = operators if operators is not None else Operator.objects.none()


class RegistrationForm(Accessible, forms.Form):
    username = forms.CharField(label=_("Identifiant"), max_length=150,
                               help_text=_("Lettres, chiffres et @ . + - _ uniquement."))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    password1 = forms.CharField(label=_("Mot de passe"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("Au moins 12 caractères, pas uniquement des chiffres "
                                            "ni un mot de passe courant."))
    password2 = forms.CharField(label=_("Confirmation du mot de passe"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        get_user_model().username_validator(username)
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Cet identifiant est déjà pris."))
        return username

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            user = get_user_model()(username=data.get("username", ""), email=self.email,
                                    first_name=data.get("first_name", ""),
                                    last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class CodeForm(Accessible, forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=16,
        help_text=_("Les 6 chiffres affichés par votre application d'authentification, ou un "
                    "code de secours."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "one-time-code",
                                                 "inputmode": "numeric"})
