"""Temporary pages so that every navigation link resolves while the apps are being built."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jalon.tenancy.scope import organisation_view


def page(title: str):  # type: ignore[no-untyped-def]
    @organisation_view()
    def view(request: HttpRequest, **kwargs: object) -> HttpResponse:
        return render(request, "placeholder/page.html", {"title": title})

    return view
