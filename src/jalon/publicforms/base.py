"""`PublicForm`: a domain's public form (see the package docstring for how to use it)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from jalon.privacy.registry import is_declared_audit_action
from jalon.publicforms import services, throttle
from jalon.tenancy.client import client_ip
from jalon.tenancy.models import Organisation
from jalon.tenancy.scope import public_organisation

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def same_origin(request: HttpRequest) -> bool:
    """Whether the POST comes from a page of this site (Origin, else Referer).

    Why not Django's CSRF protection: it compares a token with a cookie
    (https://docs.djangoproject.com/en/5.2/ref/csrf/), and these forms set no cookie at all. They
    need less: with no cookie and no session there is nothing to ride on, and what remains of
    cross-site request forgery is another site making a visitor's browser post a form (spam
    under the visitor's address, a request in someone's name). Browsers send Origin with every
    POST, and Referer (kept by our same-origin Referrer-Policy) when they do not; checking that
    it is this site is OWASP's "Verifying Origin with standard headers" (Cross-Site Request
    Forgery Prevention Cheat Sheet), and Sec-Fetch-Site, when sent, must not say cross-site. A
    request with neither header is refused: browsers always send one. Scripts can forge these
    headers, but they could just as well post directly: they meet the throttling, the honeypot
    and the size limits like anyone. Behind a reverse proxy that terminates TLS, the scheme is
    right only with JALON_TRUSTED_PROXIES set, as for Django's own origin check.
    """
    if request.META.get("HTTP_SEC_FETCH_SITE", "").lower() == "cross-site":
        return False
    good = {f"{request.scheme}://{request.get_host()}".lower()}
    good |= {origin.lower() for origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", ())}
    origin = request.META.get("HTTP_ORIGIN", "")
    if origin:
        return origin.lower() in good  # "null" (sandboxed, privacy-sensitive) never is
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    return bool(referer.netloc) and f"{referer.scheme}://{referer.netloc}".lower() in good


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def _limited(form_class: type[forms.Form]) -> type[forms.Form]:
    """The domain's form with the component's ceiling on every field's length."""

    class Limited(form_class):  # type: ignore[valid-type,misc]
        def clean(self) -> Any:
            data = super().clean()
            most = settings.PUBLICFORMS_MAX_FIELD_CHARS
            for name in self.fields:
                longest = max((len(v) for v in self.data.getlist(self.add_prefix(name))),
                              default=0)
                if longest > most and name not in self.errors:
                    self.add_error(name, _(
                        "Ce champ compte %(count)d caractères : %(most)d au plus, "
                        "raccourcissez-le.") % {"count": longest, "most": most})
            return data

    Limited.__name__ = Limited.__qualname__ = form_class.__name__
    return Limited


NOTICE = gettext_lazy(
    "Les informations que vous envoyez sont transmises à l'organisation et conservées pour la "
    "durée nécessaire au traitement de votre envoi. Vous pouvez demander à les consulter ou à "
    "les effacer. Cette page ne dépose aucun cookie.")
SUBMIT = gettext_lazy("Envoyer")
THANKS = gettext_lazy("Merci, votre envoi a bien été reçu.")


@dataclass
class PublicForm:
    """A public form of `domain`, for an organisation that publishes that domain.

    `action` is the audit action of an accepted submission; it must be declared with
    `jalon.privacy.register_audit` (checked by `urls()`).
    """

    domain: str
    form_class: type[forms.Form]
    service: services.Service
    action: str
    title: _StrOrPromise
    intro: _StrOrPromise = ""
    notice: _StrOrPromise = NOTICE
    submit_label: _StrOrPromise = SUBMIT
    thanks: _StrOrPromise = THANKS
    template_name: str = "publicforms/form.html"
    thanks_template_name: str = "publicforms/thanks.html"
    honeypot: str = "website"

    def urls(self, route: str = "", name: str = "form") -> list[URLPattern]:
        """The form at `route` and its thank-you page at `route` + "merci/"."""
        if not is_declared_audit_action(self.action):
            raise ImproperlyConfigured(
                f"Public form {name!r}: declare the personal data of {self.action!r} with "
                "jalon.privacy.register_audit() in the domain's AppConfig.ready()")
        if self.honeypot in self.form_class.base_fields:
            raise ImproperlyConfigured(f"Public form {name!r}: the honeypot {self.honeypot!r} "
                                       "is also a field of the form")

        @csrf_exempt  # cookie-less: protected by `same_origin` instead (see there why)
        @never_cache
        def form_view(request: HttpRequest, org_slug: str, **kwargs: Any) -> HttpResponse:
            return _form_view(self, request, org_slug)

        @never_cache
        def thanks_view(request: HttpRequest, org_slug: str, **kwargs: Any) -> HttpResponse:
            organisation = public_organisation(org_slug, self.domain)
            return render(request, self.thanks_template_name, self._context(organisation))

        return [path(route, form_view, name=name),
                path(f"{route}merci/", thanks_view, name=f"{name}_thanks")]

    def __post_init__(self) -> None:
        self._form = _limited(self.form_class)

    # --- views ----------------------------------------------------------------------------

    def _context(self, organisation: Organisation, **extra: Any) -> dict[str, Any]:
        # Rendered as for an anonymous visitor: no name, no messages, no CSRF token (base.html
        # leaves its language form out on public pages), hence no cookie.
        return {"user": AnonymousUser(), "organisation": None, "messages": (),
                "public_org": organisation, "page": self, **extra}

    def _refuse(self, request: HttpRequest, organisation: Organisation, status: int,
                title: str, message: str) -> HttpResponse:
        return render(request, "publicforms/refused.html", self._context(
            organisation, refusal_title=title, refusal=message), status=status)

    def _render_form(self, request: HttpRequest, organisation: Organisation, form: forms.Form,
                     status: int = 200) -> HttpResponse:
        return render(request, self.template_name,
                      self._context(organisation, form=form, honeypot=self.honeypot),
                      status=status)

    def _thanks_url(self, request: HttpRequest) -> str:
        match = request.resolver_match
        if match is None:  # only ever called from a resolved view
            raise RuntimeError("no resolved view")
        return reverse(f"{match.view_name}_thanks", args=match.args, kwargs=match.kwargs)

    def refuse_size(self, request: HttpRequest, organisation: Organisation) -> HttpResponse:
        return self._refuse(
            request, organisation, 413, _("Envoi trop volumineux"),
            _("Votre envoi dépasse la taille acceptée (%(kb)d Ko au plus, %(fields)d champs au "
              "plus). Raccourcissez vos textes puis envoyez à nouveau le formulaire.")
            % {"kb": settings.PUBLICFORMS_MAX_BODY_BYTES // 1024,
               "fields": settings.PUBLICFORMS_MAX_FIELDS})


def _form_view(page: PublicForm, request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = public_organisation(org_slug, page.domain)
    if request.method in ("GET", "HEAD"):
        return page._render_form(request, organisation, page._form())
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.PUBLICFORMS_MAX_BODY_BYTES:
        return page.refuse_size(request, organisation)
    if not same_origin(request):
        return page._refuse(
            request, organisation, 403, _("Envoi refusé"),
            _("Ce formulaire n'a pas été envoyé depuis une page de ce site : rien n'a été "
              "enregistré. Ouvrez le formulaire sur ce site, puis envoyez-le à nouveau."))
    address = throttle.address_hash(client_ip(request))
    wait, reason = throttle.wait_seconds(organisation, address)
    if wait:
        minutes = _minutes(wait)
        if reason == "address":
            message = ngettext(
                "Trop d'envois depuis votre connexion en peu de temps. Rien n'a été enregistré. "
                "Réessayez dans %(n)d minute.",
                "Trop d'envois depuis votre connexion en peu de temps. Rien n'a été enregistré. "
                "Réessayez dans %(n)d minutes.", minutes) % {"n": minutes}
        else:
            message = ngettext(
                "Ce formulaire reçoit trop d'envois en ce moment. Rien n'a été enregistré. "
                "Réessayez dans %(n)d minute.",
                "Ce formulaire reçoit trop d'envois en ce moment. Rien n'a été enregistré. "
                "Réessayez dans %(n)d minutes.", minutes) % {"n": minutes}
        response = page._refuse(request, organisation, 429, _("Trop d'envois"), message)
        response["Retry-After"] = str(wait)
        return response
    count = sum(len(values) for _name, values in request.POST.lists())
    if count > settings.PUBLICFORMS_MAX_FIELDS or request.FILES:
        return page.refuse_size(request, organisation)
    if request.POST.get(page.honeypot):
        # A robot filled the field people never see: answered as a success, nothing stored.
        return HttpResponseSeeOther(page._thanks_url(request))
    form = page._form(request.POST)
    if form.is_valid():
        submission = services.Submission(
            domain=page.domain, action=page.action, received_at=timezone.now(),
            address_hash=address, language=translation.get_language() or "fr")
        try:
            services.accept(page.service, organisation, form.cleaned_data, submission)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return HttpResponseSeeOther(page._thanks_url(request))
    return page._render_form(request, organisation, form, status=400)

