"""Content-Security-Policy on every response (Django 5.2 has no built-in CSP)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view may set its own policy (e.g. an embeddable chart allows framing).
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response (W3C Permissions Policy): Jalon's pages use no
    camera, microphone, location, payment, USB… so none of its pages, nor anything they embed,
    may ask for them, and the browser may not enrol them in ad-topic profiling (interest-cohort,
    browsing-topics). Placed right after SecurityMiddleware so that
    static files, redirects and error pages get it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
