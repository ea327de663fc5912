"""Public pages (mounted at /p/<org_slug>/feedback/ by jalon.urls), shown only for an
organisation that publishes this domain (tenancy.scope.public_organisation)."""

from django.urls import path

from jalon.feedback import public_views

app_name = "feedback_public"

# The thank-you page comes from publicforms (PublicForm.urls), the form from our view that
# completes the PublicForm with the service's current questions.
urlpatterns = [
    path("", public_views.results, name="results"),
    path("<int:service_id>/", public_views.answer, name="answer"),
    public_views.PAGE.urls("<int:service_id>/", name="answer")[1],
]
