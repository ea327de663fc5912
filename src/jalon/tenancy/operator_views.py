"""Operator administration: an operator's organisations, and creating one.

Only operator administrators (OperatorAdmin) reach these pages; anyone else gets a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jalon.accounts import selectors, services
from jalon.accounts.forms import OperatorOrganisationForm
from jalon.tenancy import scope


def _operators(request: HttpRequest) -> Any:
    return scope.operators_for(request.user)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    operators = _operators(request)
    return render(request, "tenancy/operator_index.html", {
        "operators": operators,
        "operator_organisations": selectors.operator_organisations(request.user),
    })


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    operators = _operators(request)
    form = OperatorOrganisationForm(request.POST or None, operators=operators,
                                    initial={"operator": operators.first()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        operator = data.pop("operator")
        slug = data.pop("slug")
        admin_email = data.pop("admin_email")
        try:
            organisation, invitation = services.create_organisation(
                request.user, operator, slug, admin_email, request.build_absolute_uri("/"),
                **data)
        except services.AccountError as error:
            form.add_error("slug", str(error))
        else:
            messages.success(request, _("Organisation « %(name)s » créée.")
                             % {"name": organisation.name})
            if invitation is not None:
                messages.success(request, _("Invitation envoyée à %(email)s.")
                                 % {"email": invitation.email})
            return redirect("operator:index")
    return render(request, "tenancy/operator_organisation_form.html", {"form": form},
                  status=400 if form.errors else 200)
