"""Pages of the organisation (mounted at /o/<org_slug>/algorithms/ by jalon.urls)."""

from django.urls import path

from jalon.algorithms import views

app_name = "algorithms"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("rationalisation/", views.rationalisation, name="rationalisation"),
    path("contests/", views.contests, name="contests"),
    path("contests/<int:contest_id>/", views.contest_review, name="contest_review"),
    path("export/algoritmeregister.json", views.export_nl, name="export_nl"),
    path("export/atrs.json", views.export_uk, name="export_uk"),
    path("<int:algorithm_id>/", views.detail, name="detail"),
    path("<int:algorithm_id>/edit/", views.edit, name="edit"),
    path("<int:algorithm_id>/delete/", views.delete, name="delete"),
    path("<int:algorithm_id>/history/", views.history, name="history"),
    path("<int:algorithm_id>/classification/", views.classification, name="classification"),
    path("<int:algorithm_id>/obligations/", views.obligations, name="obligations"),
    path("<int:algorithm_id>/assessment/", views.assessment, name="assessment"),
    path("<int:algorithm_id>/evaluation/", views.evaluation, name="evaluation"),
    path("<int:algorithm_id>/bias/", views.bias_index, name="bias"),
    path("<int:algorithm_id>/bias/<int:bias_report_id>/", views.bias_report,
         name="bias_report"),
    path("<int:algorithm_id>/bias/<int:bias_report_id>.pdf", views.bias_report_pdf,
         name="bias_report_pdf"),
    path("<int:algorithm_id>/cost/", views.cost, name="cost"),
    path("<int:algorithm_id>/notice/", views.notice, name="notice"),
]
