"""The one place where tenant access is decided.

Every view and API endpoint that touches an organisation's data gets it through
`organisation_for` (or the `organisation_view` decorator), and every tenant queryset is built
from the organisation it returns. An organisation the user cannot see is a 404 — not a 403 — so
that slugs of other authorities cannot be probed; a visible organisation with too low a role is
a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from jalon.tenancy.capabilities import Capability, capabilities_of
from jalon.tenancy.models import ROLE_RANK, Membership, Operator, Organisation, Publication, Role

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)
R_co = TypeVar("R_co", bound=HttpResponseBase, covariant=True)


class OrganisationRequest(HttpRequest):
    """For type checking only: a request scoped to one organisation, as views decorated with
    `organisation_view` (and API endpoints behind a token) receive it. No request is ever an
    instance of this class; the attributes are set on Django's request by the decorator."""

    organisation: Organisation
    role: Role
    capabilities: frozenset[Capability]


class ScopedView(Protocol[P, R_co]):
    """A view wrapped by `organisation_view`: Django passes `org_slug` (by keyword) on top of the
    view's own arguments."""

    def __call__(self, request: HttpRequest, org_slug: str, *args: P.args,
                 **kwargs: P.kwargs) -> R_co: ...


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(memberships__user=user) | Q(operator__admins__user=user)).distinct()


def role_in(user: Any, organisation: Organisation) -> Role | None:
    """The user's effective role; operator administrators are admins of every member."""
    if not user.is_authenticated:
        return None
    if organisation.operator.admins.filter(user=user).exists():
        return Role.ADMIN
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    return Role(membership.role) if membership else None


def organisation_for(user: Any, slug: str, minimum: Role = Role.VIEWER) -> tuple[Organisation,
                                                                                    Role]:
    organisation = Organisation.objects.select_related("operator").filter(slug=slug).first()
    role = role_in(user, organisation) if organisation else None
    if organisation is None or role is None:
        raise Http404("No such organisation")
    if ROLE_RANK[role] < ROLE_RANK[minimum]:
        raise PermissionDenied("Your role does not allow this")
    return organisation, role


def organisation_view(minimum: Role = Role.VIEWER, capability: Capability | None = None
                      ) -> Callable[
        [Callable[Concatenate[OrganisationRequest, P], R]], ScopedView[P, R]]:
    """Decorate a view taking `org_slug`: sets request.organisation, request.role and
    request.capabilities. With `capability`, the member must hold it (403 otherwise)."""

    def decorator(view: Callable[Concatenate[OrganisationRequest, P], R]) -> ScopedView[P, R]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, *args: P.args, **kwargs: P.kwargs
                    ) -> R:
            organisation, role = organisation_for(request.user, org_slug, minimum)
            scoped = cast(OrganisationRequest, request)
            scoped.organisation = organisation
            scoped.role = role
            scoped.capabilities = capabilities_of(role)
            if capability is not None and capability not in scoped.capabilities:
                raise PermissionDenied("Your capabilities do not allow this")
            return view(scoped, *args, **kwargs)

        # A marker read by the tests that check every organisation URL is scoped.
        wrapped.jalon_minimum_role = minimum  # type: ignore[attr-defined]
        wrapped.jalon_capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator


def can(role: Role | None, minimum: Role) -> bool:
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]


def has(request: OrganisationRequest, capability: Capability) -> bool:
    """Whether the scoped request holds `capability` (for showing or hiding actions)."""
    return capability in getattr(request, "capabilities", frozenset())


# --- Public access ---------------------------------------------------------------------------
# Public pages and open data are reached by slug without signing in: an organisation is visible
# to the public only for the domains it publishes (tenancy.Publication); anything else is a 404,
# the same answer as for a slug that does not exist.

def is_published(organisation: Organisation, domain: str) -> bool:
    return Publication.objects.filter(organisation=organisation, domain=domain,
                                      published=True).exists()


def published_domains(organisation: Organisation) -> set[str]:
    """The domains the organisation publishes (none until it chooses to)."""
    return set(Publication.objects.filter(organisation=organisation, published=True)
               .values_list("domain", flat=True))


def public_organisation(slug: str, domain: str | None = None) -> Organisation:
    """The organisation behind a public address; 404 unless it publishes `domain` (with None:
    unless it publishes anything)."""
    organisation = Organisation.objects.select_related("operator").filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation")
    rows = Publication.objects.filter(organisation=organisation, published=True)
    if domain is not None:
        rows = rows.filter(domain=domain)
    if not rows.exists():
        raise Http404("Nothing published")
    return organisation


# --- Operator access -------------------------------------------------------------------------
# Operator pages (/operator/...) belong to no organisation: they are reached by the
# administrators of an operator (OperatorAdmin) only. Anyone else gets a 404, as for an
# organisation they cannot see; an administrator only ever gets the objects of the operators
# they administer (callers filter on request.operators).

class OperatorRequest(HttpRequest):
    """For type checking only: a request as views decorated with `operator_view` receive it."""

    operators: QuerySet[Operator]


def administered_operators(user: Any) -> QuerySet[Operator]:
    """The operators the user administers (none for an anonymous visitor)."""
    if not user.is_authenticated:
        return Operator.objects.none()
    return Operator.objects.filter(admins__user=user).distinct()


class OperatorView(Protocol[P, R_co]):
    """A view wrapped by `operator_view`, as Django calls it."""

    def __call__(self, request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R_co: ...


def operator_view(view: Callable[Concatenate[OperatorRequest, P], R]) -> OperatorView[P, R]:
    """Decorate an operator page: sign-in required, 404 unless the user administers at least
    one operator; sets request.operators (the operators they administer)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R:
        operators = administered_operators(request.user)
        if not operators.exists():
            raise Http404("Not an operator administrator")
        scoped = cast(OperatorRequest, request)
        scoped.operators = operators
        return view(scoped, *args, **kwargs)

    # A marker read by the tests that check every operator URL is scoped.
    wrapped.jalon_operator_view = True  # type: ignore[attr-defined]
    return wrapped
