"""Pages of the organisation (mounted at /o/<org_slug>/datacentres/ by jalon.urls)."""

from django.urls import path

from jalon.datacentres import views

app_name = "datacentres"

urlpatterns = [
    path("", views.index, name="index"),
    path("practices/", views.practices, name="practices"),
    path("new/", views.site_create, name="create"),
    path("<int:site_id>/", views.site_detail, name="site"),
    path("<int:site_id>/edit/", views.site_edit, name="edit"),
    path("<int:site_id>/delete/", views.site_delete, name="delete"),
    path("<int:site_id>/checklist/", views.checklist, name="checklist"),
    path("<int:site_id>/checklist/<str:number>/", views.practice_edit, name="practice"),
    path("<int:site_id>/years/new/", views.year_create, name="year_create"),
    path("<int:site_id>/years/<int:site_year_id>/edit/", views.year_edit, name="year_edit"),
    path("<int:site_id>/years/<int:site_year_id>/delete/", views.year_delete,
         name="year_delete"),
    path("<int:site_id>/report/<int:year>/", views.report, name="report"),
    path("<int:site_id>/report/<int:year>.csv", views.report_csv, name="report_csv"),
    path("<int:site_id>/report/<int:year>.json", views.report_json, name="report_json"),
    path("<int:site_id>/report/<int:year>.xlsx", views.report_xlsx, name="report_xlsx"),
]
