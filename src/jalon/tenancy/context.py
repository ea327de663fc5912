"""Template context: the current organisation and role, and the user's organisations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jalon.tenancy.scope import visible_organisations


def tenancy(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "organisation": getattr(request, "organisation", None),
        "role": getattr(request, "role", None),
        "my_organisations": (visible_organisations(user) if user is not None
                             and user.is_authenticated else []),
    }
