"""Pages of the organisation (mounted at /o/<org_slug>/gdpr/ by jalon.urls)."""

from django.urls import path

from jalon.gdpr import views

app_name = "gdpr"

urlpatterns = [
    path("", views.index, name="index"),
    path("registre/", views.activity_list, name="activities"),
    path("registre/nouveau/", views.activity_create, name="activity_create"),
    path("registre/publication/", views.register_settings, name="register_settings"),
    path("registre/<int:activity_id>/", views.activity_detail, name="activity"),
    path("registre/<int:activity_id>/modifier/", views.activity_edit, name="activity_edit"),
    path("registre/<int:activity_id>/supprimer/", views.activity_delete,
         name="activity_delete"),
    path("registre/<int:activity_id>/sous-traitants/", views.processor_add,
         name="processor_add"),
    path("registre/<int:activity_id>/sous-traitants/<int:processor_id>/supprimer/",
         views.processor_delete, name="processor_delete"),
    path("registre/<int:activity_id>/aipd/", views.dpia_edit, name="dpia_edit"),
    path("registre/<int:activity_id>/aipd/risques/", views.risk_add, name="risk_add"),
    path("registre/<int:activity_id>/hebergement/", views.hosting_activity,
         name="hosting_activity"),
    path("demandes/", views.request_list, name="requests"),
    path("demandes/nouvelle/", views.request_create, name="request_create"),
    path("demandes/<int:request_id>/", views.request_detail, name="request"),
    path("demandes/<int:request_id>/modifier/", views.request_edit, name="request_edit"),
    path("demandes/<int:request_id>/supprimer/", views.request_delete, name="request_delete"),
    path("demandes/<int:request_id>/pieces/<int:document_id>/", views.document_download,
         name="document"),
    path("demandes/<int:request_id>/<slug:action>/", views.request_action,
         name="request_action"),
    path("violations/", views.breach_list, name="breaches"),
    path("violations/nouvelle/", views.breach_create, name="breach_create"),
    path("violations/<int:breach_id>/", views.breach_detail, name="breach"),
    path("violations/<int:breach_id>/modifier/", views.breach_edit, name="breach_edit"),
    path("conservation/", views.retention, name="retention"),
    path("conservation/purges-a-confirmer/", views.purge_tasks_generate,
         name="purge_tasks_generate"),
    path("conservation/purges/<int:task_id>/", views.purge_task_confirm, name="purge_confirm"),
    path("souverainete/", views.sovereignty, name="sovereignty"),
    path("souverainete/services/<int:service_id>/", views.hosting_service,
         name="hosting_service"),
    path("formations/", views.training, name="training"),
    path("formations/nouvelle/", views.campaign_create, name="campaign_create"),
    path("formations/<int:campaign_id>/", views.campaign_detail, name="campaign"),
]
