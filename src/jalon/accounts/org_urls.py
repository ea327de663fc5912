from django.urls import path

from jalon.tenancy.placeholders import page

app_name = "orgadmin"
urlpatterns = [path("", page("Paramètres"), name="settings")]
