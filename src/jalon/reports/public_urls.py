"""Public pages (mounted at /p/<org_slug>/reports/ by jalon.urls), shown only for an
organisation that publishes this domain (tenancy.scope.public_organisation)."""

from django.urls import path

from jalon.reports import public_views

app_name = "reports_public"

urlpatterns = [
    path("", public_views.report_form, name="form"),
    path("merci/", public_views.form_thanks, name="form_thanks"),
    path("suivi/<str:token>/", public_views.follow, name="follow"),
    path("suivi/<str:token>/photos/<str:photo>.jpg", public_views.follow_photo,
         name="follow_photo"),
    path("faq/", public_views.faq, name="faq"),
]
