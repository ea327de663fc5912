"""Home: the organisations a signed-in person can open; a short presentation otherwise."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jalon.tenancy.scope import publishing_organisations, visible_organisations


def home(request: HttpRequest) -> HttpResponse:
    organisations = visible_organisations(request.user).select_related("operator")
    public = publishing_organisations().order_by("name")
    return render(request, "home.html", {"organisations": organisations, "public": public})
