"""The human page of the API (/api/): how to authenticate, and the endpoints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from jalon.api.api import api

METHODS = ("get", "post", "put", "patch", "delete")


def endpoints() -> list[dict[str, Any]]:
    schema = api.get_openapi_schema(path_prefix=reverse("api:api-v1:api-root").rstrip("/"))
    rows = []
    for path, operations in schema["paths"].items():
        for method in METHODS:
            if method in operations:
                rows.append({"method": method.upper(), "path": path,
                             "summary": operations[method].get("summary", "")})
    return rows


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "api/index.html", {
        "endpoints": endpoints(),
        "openapi_url": reverse("api:api-v1:openapi-json"),
        "base_url": request.build_absolute_uri(reverse("api:api-v1:api-root")).rstrip("/"),
    })
