"""Pages of the organisation (mounted at /o/<org_slug>/audits/ by jalon.urls)."""

from django.urls import path

from jalon.audits import views

app_name = "audits"

urlpatterns = [
    path("", views.index, name="index"),
    path("services/<int:service_id>/", views.service_detail, name="service"),
    path("services/<int:service_id>/sample/", views.sample_edit, name="sample"),
    path("services/<int:service_id>/rgaa/new/", views.rgaa_grid_create, name="rgaa_create"),
    path("services/<int:service_id>/rgesn/new/", views.rgesn_grid_create, name="rgesn_create"),
    path("services/<int:service_id>/declarations/<str:kind>/new/", views.declaration_create,
         name="declaration_create"),
    path("pages/<int:audit_id>/", views.page_audit, name="page_audit"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("rgaa/<int:rgaa_grid_id>/", views.rgaa_grid, name="rgaa_grid"),
    path("rgesn/<int:rgesn_grid_id>/", views.rgesn_grid, name="rgesn_grid"),
    path("declarations/<int:declaration_id>/", views.declaration_detail, name="declaration"),
    path("declarations/<int:declaration_id>/publish/", views.declaration_publish,
         name="declaration_publish"),
    path("declarations/<int:declaration_id>/change/", views.declaration_change,
         name="declaration_change"),
]
