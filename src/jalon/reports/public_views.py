"""Public pages: the report form, the private follow-up page, the FAQ and its assistant.

The report form cannot be a plain `jalon.publicforms.PublicForm`, which refuses files: it takes
up to three photos. It keeps everything else of that component — the organisation through
`public_organisation` (404 unless the domain is published), the same-origin check instead of a
CSRF cookie (no cookie at all), the per-address and per-organisation throttle, the honeypot,
the size limit, and `publicforms.services.accept` (the service, the audit event and the
throttle counter in one transaction).

Without JavaScript the form is complete: the location is an address or two coordinate fields,
and the button "Proposer une catégorie" shows the AI's suggestion on the server-rendered page.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from jalon.publicforms import services as publicforms
from jalon.publicforms import throttle
from jalon.publicforms.base import HttpResponseSeeOther, same_origin
from jalon.reports import plan, selectors, services
from jalon.reports.forms import FaqQuestionForm, ReportForm
from jalon.reports.models import ReportPhoto
from jalon.reports.publishing import DOMAIN
from jalon.tenancy.client import client_ip
from jalon.tenancy.models import Organisation
from jalon.tenancy.scope import public_organisation

ACTION: Final = "reports.report_received"
HONEYPOT: Final = "website"
# Three photos of 8 MB, the text fields and the multipart overhead.
MAX_BODY: Final = 3 * services.MAX_PHOTO_BYTES + 256 * 1024
PLAN_DOTS: Final = 300  # open reports drawn on the public plan (rounded positions)


def _context(organisation: Organisation, **extra: Any) -> dict[str, Any]:
    # As publicforms: rendered for an anonymous visitor, no messages, no CSRF token, no cookie.
    return {"user": AnonymousUser(), "organisation": None, "messages": (),
            "public_org": organisation, **extra}


def _refuse(request: HttpRequest, organisation: Organisation, status: int, title: str,
            message: str) -> HttpResponse:
    return render(request, "publicforms/refused.html", _context(
        organisation, refusal_title=title, refusal=message), status=status)


def _form_page(request: HttpRequest, organisation: Organisation, form: ReportForm,
               status: int = 200, suggestions: list[dict[str, Any]] | None = None,
               ) -> HttpResponse:
    return render(request, "reports/public_form.html", _context(
        organisation, form=form, honeypot=HONEYPOT, suggestions=suggestions,
        plan=plan.public_plan(selectors.territory(organisation), selectors.located_reports(
            organisation, selectors.ReportFilters(status="open"), limit=PLAN_DOTS)),
        faq_url=reverse("reports_public:faq", args=[organisation.slug])), status=status)


@csrf_exempt  # cookie-less: protected by `same_origin` (see jalon.publicforms.base)
@never_cache
def report_form(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = public_organisation(org_slug, DOMAIN)
    if request.method in ("GET", "HEAD"):
        return _form_page(request, organisation, ReportForm(organisation=organisation))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return _refuse(request, organisation, 413, _("Envoi trop volumineux"), _(
            "Votre envoi dépasse %(mb)d Mo. Envoyez des photos plus légères (8 Mo au plus "
            "chacune, trois au plus).") % {"mb": MAX_BODY // (1024 * 1024)})
    if not same_origin(request):
        return _refuse(request, organisation, 403, _("Envoi refusé"), _(
            "Ce formulaire n'a pas été envoyé depuis une page de ce site : rien n'a été "
            "enregistré. Ouvrez le formulaire sur ce site, puis envoyez-le à nouveau."))
    if sum(len(v) for _n, v in request.POST.lists()) > settings.PUBLICFORMS_MAX_FIELDS:
        return _refuse(request, organisation, 413, _("Envoi trop volumineux"),
                       _("Trop de champs dans l'envoi."))
    form = ReportForm(request.POST, request.FILES, organisation=organisation)
    if "suggest" in request.POST:
        # "Proposer une catégorie": nothing is stored, the page comes back with the AI's
        # suggestion shown as such (AI Act art. 50) and preselected; the citizen decides.
        text = request.POST.get("description", "")[:services.MAX_DESCRIPTION]
        suggestions, _version = services.suggest(organisation, text)
        data = request.POST.copy()
        if suggestions and not data.get("category"):
            data["category"] = suggestions[0]["category"]
        return _form_page(request, organisation,
                          ReportForm(data, organisation=organisation), 200, suggestions or [])
    address = throttle.address_hash(client_ip(request))
    wait, _reason = throttle.wait_seconds(organisation, address)
    if wait:
        minutes = max(1, -(-wait // 60))
        response = _refuse(request, organisation, 429, _("Trop d'envois"), ngettext(
            "Trop d'envois en peu de temps. Rien n'a été enregistré. Réessayez dans %(n)d "
            "minute.", "Trop d'envois en peu de temps. Rien n'a été enregistré. Réessayez dans "
            "%(n)d minutes.", minutes) % {"n": minutes})
        response["Retry-After"] = str(wait)
        return response
    if request.POST.get(HONEYPOT):
        # A robot filled the field people never see: a fake follow-up, nothing stored.
        return HttpResponseSeeOther(reverse("reports_public:form_thanks", args=[org_slug]))
    if form.is_valid():
        try:
            photos = services.photos_from(form.cleaned_data.get("photos") or [])
            values = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
            submission = publicforms.Submission(
                domain=DOMAIN, action=ACTION, received_at=timezone.now(), address_hash=address,
                language=translation.get_language() or "fr")
            received = publicforms.accept(partial(_store, photos=photos), organisation,
                                          values, submission)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            url = reverse("reports_public:follow", args=[org_slug, received.token])
            services.send_follow_link(received.report, request.build_absolute_uri(url))
            return HttpResponseSeeOther(url + "?nouveau=1")
    return _form_page(request, organisation, form, 400)


def _store(organisation: Organisation, values: dict[str, Any], submission: Any, *,
           photos: list[services.CleanPhoto]) -> services.Received:
    return services.receive(organisation, values, photos)


@never_cache
def form_thanks(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = public_organisation(org_slug, DOMAIN)
    return render(request, "reports/public_thanks.html", _context(organisation))


def _followed(org_slug: str, token: str) -> tuple[Organisation, Any]:
    organisation = public_organisation(org_slug, DOMAIN)
    if len(token) > 64:
        raise Http404("No such report")
    report = selectors.report_by_token(organisation, services.token_hash(token))
    if report is None:
        raise Http404("No such report")
    return organisation, report


@never_cache
def follow(request: HttpRequest, org_slug: str, token: str) -> HttpResponse:
    """The reporter's private page: status, public history, the category and whether it was
    suggested by the AI, photos. Reached only with the unguessable token (192 bits)."""
    organisation, report = _followed(org_slug, token)
    response = render(request, "reports/public_follow.html", _context(
        organisation, report=report, token=token, new="nouveau" in request.GET,
        updates=report.updates.filter(public=True),
        photos=report.photos.only("pk", "position", "width", "height")))
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def follow_photo(request: HttpRequest, org_slug: str, token: str, photo: str) -> HttpResponse:
    _organisation, report = _followed(org_slug, token)
    if not photo.isdigit():
        raise Http404("No such photo")
    item = get_object_or_404(ReportPhoto, report=report, position=int(photo))
    response = HttpResponse(bytes(item.data), content_type="image/jpeg")
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
def faq(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's FAQ and its assistant (a GET form: works without JavaScript and
    without a cookie). The assistant answers only from the FAQ's entries."""
    organisation = public_organisation(org_slug, DOMAIN)
    form = FaqQuestionForm(request.GET if "question" in request.GET else None)
    answer = None
    if form.is_bound and form.is_valid():
        answer = services.ask(organisation, form.cleaned_data["question"])
    return render(request, "reports/public_faq.html", _context(
        organisation, form=form, answer=answer,
        entries=selectors.published_faq(organisation),
        contact=selectors.triage_settings(organisation).human_contact),
        status=400 if form.is_bound and not form.is_valid() else 200)
