"""Pages of the organisation (mounted at /o/<org_slug>/reports/ by jalon.urls)."""

from django.urls import path

from jalon.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/triage/", views.report_triage, name="triage_report"),
    path("<int:report_id>/status/", views.report_status, name="status"),
    path("<int:report_id>/assign/", views.report_assign, name="assign"),
    path("<int:report_id>/photos/<int:photo_id>/", views.report_photo, name="photo"),
    path("carte/", views.report_map, name="map"),
    path("triage/", views.triage_page, name="triage"),
    path("triage/retrain/", views.triage_retrain, name="retrain"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/territory/", views.territory_page, name="territory"),
    path("settings/territory/delete/", views.territory_delete, name="territory_delete"),
    path("settings/categories/install/", views.install_categories, name="install_categories"),
    path("settings/categories/new/", views.category_create, name="category_create"),
    path("settings/categories/<int:category_id>/", views.category_edit, name="category_edit"),
    path("settings/teams/new/", views.team_create, name="team_create"),
    path("settings/teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("settings/templates/new/", views.template_create, name="template_create"),
    path("settings/templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("settings/templates/<int:template_id>/delete/", views.template_delete,
         name="template_delete"),
    path("faq/", views.faq_list, name="faq"),
    path("faq/new/", views.faq_create, name="faq_create"),
    path("faq/<int:entry_id>/", views.faq_edit, name="faq_edit"),
    path("faq/<int:entry_id>/delete/", views.faq_delete, name="faq_delete"),
]
