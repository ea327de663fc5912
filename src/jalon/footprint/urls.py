from django.urls import path

from jalon.tenancy.placeholders import page

app_name = "footprint"
urlpatterns = [
    path("", page("Tableau de bord"), name="dashboard"),
    path("footprint/", page("Empreinte"), name="footprint"),
    path("scenario/", page("Scénarios"), name="scenario"),
]
