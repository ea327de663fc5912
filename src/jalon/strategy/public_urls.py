"""The public strategy page of an organisation (opt-in), mounted at /p/<org_slug>/strategy/."""

from django.urls import path

from jalon.strategy import public_views

app_name = "publicstrategy"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("indicators/<int:indicator_id>.svg", public_views.chart_svg, name="chart_svg"),
    path("indicators/<int:indicator_id>/embed/", public_views.chart_embed, name="chart_embed"),
    path("report/<int:year>.pdf", public_views.report_pdf, name="report_pdf"),
]
