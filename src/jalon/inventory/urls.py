from django.urls import path

from jalon.tenancy.placeholders import page

app_name = "inventory"
urlpatterns = [
    path("", page("Inventaire"), name="assets"),
    path("imports/", page("Imports"), name="imports"),
]
