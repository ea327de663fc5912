from django.urls import path

from jalon.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.asset_list, name="assets"),
    path("retire/", views.retire, name="retire"),
    path("<int:asset_id>/", views.asset_detail, name="asset"),
    path("<int:asset_id>/events/", views.asset_event, name="asset_event"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:import_id>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<int:import_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:import_id>/cancel/", views.import_cancel, name="import_cancel"),
    path("imports/<int:import_id>/retry/", views.import_retry, name="import_retry"),
    path("imports/publish/", views.import_publish, name="import_publish"),
    path("imports/publication/", views.import_publication, name="import_publication"),
    path("routes/", views.route_rules, name="routes"),
    path("routes/<int:rule_id>/", views.route_rule_edit, name="route_rule"),
    path("routes/<int:rule_id>/delete/", views.route_rule_delete, name="route_rule_delete"),
]
