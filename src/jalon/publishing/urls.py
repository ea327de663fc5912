"""Publishing pages of an organisation, mounted at /o/<org_slug>/publication/."""

from django.urls import path

from jalon.publishing import views

app_name = "publishing"
urlpatterns = [path("", views.publication, name="publication")]
