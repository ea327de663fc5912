"""The publication page of an organisation (/o/<org_slug>/publication/): every domain declared
in the registry, whether it is published, and a button to publish or withdraw it.

Publication stays an administrator's decision (as the footprint's and the strategy's buttons):
admins holding Capability.PUBLISH."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jalon.kit import views as kit_views
from jalon.publishing import registry, services
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, organisation_view


@organisation_view(capability=Capability.PUBLISH)
@require_http_methods(["GET", "POST"])
def publication(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    if request.method == "POST":
        domain = registry.registry.get(registry.Domain, request.POST.get("domain", ""))
        if domain is None:
            raise Http404("No such domain")
        back = reverse("publishing:publication", args=[organisation.slug])
        if (asked := kit_views.confirm_withdrawal(request, str(domain.label), back)):
            return asked
        public = request.POST.get("public") == "1"
        services.set_published(request.user, organisation, domain.key, public)
        messages.success(request, (_("« %(label)s » est publié.") if public else
                                   _("« %(label)s » n'est plus publié.")) % {
            "label": domain.label})
        return redirect("publishing:publication", organisation.slug)
    published = scope.published_domains(organisation)
    return render(request, "publishing/publication.html", {
        "domains": [{"domain": d, "published": d.key in published}
                    for d in registry.domains()],
        "anything": bool(published),
    })
