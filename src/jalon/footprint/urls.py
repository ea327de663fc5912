from django.urls import path

from jalon.footprint import views

app_name = "footprint"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("footprint/", views.footprint, name="footprint"),
    path("footprint/breakdown/", views.breakdown, name="breakdown"),
    path("footprint/hypotheses/", views.hypotheses_page, name="hypotheses"),
    path("footprint/export.<str:fmt>", views.export, name="export"),
    path("footprint/publish/", views.publish, name="publish"),
    path("scenario/", views.scenario, name="scenario"),
    path("scenario/save/", views.scenario_save, name="scenario_save"),
    path("scenario/saved/", views.scenario_list, name="scenarios"),
    path("scenario/saved/<int:scenario_id>/edit/", views.scenario_edit, name="scenario_edit"),
    path("scenario/saved/<int:scenario_id>/delete/", views.scenario_delete,
         name="scenario_delete"),
    path("scenario/compare/", views.scenario_compare, name="scenario_compare"),
]
