"""Team pages of the strategy, under /o/<org_slug>/strategy/ (namespace "strategy").

Integer ids are all named `pk` (the object the page is about); each view resolves it through
`selectors`, scoped to the request's organisation (another organisation's id is a 404).
"""

from django.urls import path

from jalon.strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.index, name="index"),
    path("create/", views.create, name="create"),
    path("edit/", views.strategy_edit, name="edit"),
    path("publish/", views.publish, name="publish"),
    path("axes/new/", views.axis_new, name="axis_new"),
    path("axes/<int:pk>/", views.axis_detail, name="axis"),
    path("axes/<int:pk>/edit/", views.axis_edit, name="axis_edit"),
    path("axes/<int:pk>/delete/", views.axis_delete, name="axis_delete"),
    path("axes/<int:pk>/objectives/new/", views.objective_new, name="objective_new"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/delete/", views.objective_delete, name="objective_delete"),
    path("objectives/<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/new/", views.indicator_new, name="indicator_new"),
    path("indicators/recompute/", views.recompute, name="recompute"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/values/", views.indicator_value, name="indicator_value"),
    path("indicators/<int:pk>/recompute/", views.recompute_year, name="recompute_year"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
]
