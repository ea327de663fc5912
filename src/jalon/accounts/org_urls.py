"""Organisation settings, mounted at /o/<org_slug>/settings/ (Capability.ADMINISTER)."""

from django.urls import path

from jalon.accounts import org_views as views

app_name = "orgadmin"
urlpatterns = [
    path("", views.settings_index, name="settings"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/", views.member, name="member"),
    path("members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke,
         name="invitation_revoke"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("tokens/<int:token_id>/reown/", views.token_reown, name="token_reown"),
    path("audit/", views.audit, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
