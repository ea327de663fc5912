"""URL map. Tenant pages live under /o/<org_slug>/, public pages under /p/<org_slug>/."""

from django.urls import include, path

from jalon.tenancy import views as tenancy_views

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("accounts/", include("jalon.accounts.urls")),
    path("operator/strategy/", include("jalon.operators.urls")),
    path("operator/dashboard/", include("jalon.operators.dashboard_urls")),
    path("operator/", include("jalon.accounts.operator_urls")),
    path("o/<slug:org_slug>/inventory/", include("jalon.inventory.urls")),
    path("o/<slug:org_slug>/settings/", include("jalon.accounts.org_urls")),
    path("o/<slug:org_slug>/strategy/report/", include("jalon.strategy.report_urls")),
    path("o/<slug:org_slug>/publication/", include("jalon.publishing.urls")),
    path("o/<slug:org_slug>/strategy/peers/", include("jalon.operators.peers_urls")),
    path("o/<slug:org_slug>/strategy/", include("jalon.strategy.urls")),
    path("o/<slug:org_slug>/services/", include("jalon.catalogue.urls")),
    path("o/<slug:org_slug>/audits/", include("jalon.audits.urls")),
    path("o/<slug:org_slug>/algorithms/", include("jalon.algorithms.urls")),
    path("o/<slug:org_slug>/gdpr/", include("jalon.gdpr.urls")),
    path("o/<slug:org_slug>/feedback/", include("jalon.feedback.urls")),
    path("o/<slug:org_slug>/reports/", include("jalon.reports.urls")),
    path("o/<slug:org_slug>/budget/", include("jalon.budget.urls")),
    path("o/<slug:org_slug>/datacentres/", include("jalon.datacentres.urls")),
    path("o/<slug:org_slug>/", include("jalon.footprint.urls")),
    path("p/<slug:org_slug>/strategy/", include("jalon.strategy.public_urls")),
    path("p/<slug:org_slug>/data/", include("jalon.publishing.opendata_urls")),
    path("p/<slug:org_slug>/audits/", include("jalon.audits.public_urls")),
    path("p/<slug:org_slug>/algorithms/", include("jalon.algorithms.public_urls")),
    path("p/<slug:org_slug>/gdpr/", include("jalon.gdpr.public_urls")),
    path("p/<slug:org_slug>/feedback/", include("jalon.feedback.public_urls")),
    path("p/<slug:org_slug>/reports/", include("jalon.reports.public_urls")),
    path("p/<slug:org_slug>/budget/", include("jalon.budget.public_urls")),
    path("p/<slug:org_slug>/datacentres/", include("jalon.datacentres.public_urls")),
    path("p/<slug:org_slug>/", include("jalon.publishing.public_urls")),
    path("api/", include("jalon.api.urls")),
    # Open311 GeoReport v2, one endpoint per organisation (citizen reports, issue 14).
    path("open311/<slug:org_slug>/v2/", include("jalon.reports.open311_urls")),
    # Language switcher (a plain POST form in the footer; no JavaScript).
    path("i18n/", include("django.conf.urls.i18n")),
]
