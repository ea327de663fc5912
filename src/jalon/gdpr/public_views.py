"""The public register of processing activities (/p/<org_slug>/gdpr/): the same for everyone,
no session, only the fields the organisation publishes (gdpr.register); 404 unless the
organisation publishes the domain."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from jalon.gdpr import register
from jalon.publishing.public_views import ANONYMOUS, PUBLIC_MAX_AGE
from jalon.tenancy import scope


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def register_page(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = scope.public_organisation(org_slug, "gdpr")
    shown = register.published_fields(organisation)
    rows = [register.public_view(a, shown) for a in register.public_activities(organisation)]
    labels = {f.key: f.label for f in register.OPTIONAL}
    return render(request, "gdpr/public_register.html", {
        **ANONYMOUS, "public_org": organisation, "rows": rows, "shown": shown,
        "labels": labels,
        "csv_url": reverse("opendata:csv", args=[organisation.slug, "registre-traitements"]),
        "schema_url": reverse("opendata:schema", args=[organisation.slug,
                                                       "registre-traitements"])})


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def activity_page(request: HttpRequest, org_slug: str, reference: str) -> HttpResponse:
    organisation = scope.public_organisation(org_slug, "gdpr")
    activity = next((a for a in register.public_activities(organisation)
                     if a.reference == reference), None)
    if activity is None:
        raise Http404("No such published processing activity")
    shown = register.published_fields(organisation)
    return render(request, "gdpr/public_activity.html", {
        **ANONYMOUS, "public_org": organisation, "a": register.public_view(activity, shown),
        "shown": shown})
