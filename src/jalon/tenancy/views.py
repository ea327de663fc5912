"""Home: the organisations a signed-in person can open; a short presentation otherwise."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jalon.tenancy.capabilities import Capability, ordered
from jalon.tenancy.scope import access_in, publishing_organisations, visible_organisations


def home(request: HttpRequest) -> HttpResponse:
    organisations = list(visible_organisations(request.user).select_related("operator"))
    for organisation in organisations:
        # A member without READ (a DPO, say) gets no dashboard: their capabilities instead.
        access = access_in(request.user, organisation)
        held = access.capabilities if access else frozenset()
        organisation.reads = Capability.READ in held  # type: ignore[attr-defined]
        organisation.capability_labels = [  # type: ignore[attr-defined]
            c.label for c in ordered(held)]
    public = publishing_organisations().order_by("name")
    return render(request, "home.html", {"organisations": organisations, "public": public})
