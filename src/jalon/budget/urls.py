"""Pages of the organisation (mounted at /o/<org_slug>/budget/ by jalon.urls)."""

from django.urls import path

from jalon.budget import views

app_name = "budget"

urlpatterns = [
    path("", views.index, name="index"),
    path("lines/", views.line_list, name="lines"),
    path("lines/<int:spending_line_id>/", views.line_detail, name="line"),
    path("lines/<int:spending_line_id>/kind/", views.line_kind, name="line_kind"),
    path("lines/<int:spending_line_id>/ratings/<str:axis>/", views.line_rating,
         name="line_rating"),
    path("import/", views.import_start, name="import_start"),
    path("import/modele.csv", views.import_template, name="import_template"),
    path("imports/<int:spending_import_id>/", views.import_detail, name="import"),
    path("imports/<int:spending_import_id>/mapping/", views.import_mapping,
         name="import_mapping"),
    path("imports/<int:spending_import_id>/apply/", views.import_apply, name="import_apply"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:budget_rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("annex/<int:year>.xlsx", views.annex, name="annex"),
    path("reference/", views.reference, name="reference"),
]
