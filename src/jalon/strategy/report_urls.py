"""The annual review, mounted at /o/<org_slug>/strategy/report/."""

from django.urls import path

from jalon.strategy import report_views

app_name = "report"
urlpatterns = [
    path("", report_views.index, name="index"),
    path("<int:year>/", report_views.html, name="html"),
    path("<int:year>.pdf", report_views.pdf, name="pdf"),
    path("<int:year>/introduction/", report_views.edit, name="edit"),
    path("<int:year>/close/", report_views.close, name="close"),
    path("<int:year>/reopen/", report_views.reopen, name="reopen"),
]
