from django.urls import path

from jalon.tenancy.placeholders import page

app_name = "strategy"
urlpatterns = [path("", page("Stratégie"), name="index")]
