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
]
