"""Template context: the current organisation, role and capabilities, and the user's
organisations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jalon.tenancy.scope import may, visible_organisations


def tenancy(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "organisation": getattr(request, "organisation", None),
        "role": getattr(request, "role", None),
        # What the scoped request may do, for showing actions: {% if may.edit_inventory %}.
        "may": may(request),
        "my_organisations": (visible_organisations(user) if user is not None
                             and user.is_authenticated else []),
    }
