from django.urls import path  # noqa: F401

app_name = "publicstrategy"
urlpatterns: list = []
