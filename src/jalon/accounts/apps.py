from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


def _user_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not instance.is_active:
        from jalon.accounts.services import deactivated

        deactivated(instance)


class AccountsConfig(AppConfig):
    name = "jalon.accounts"
    label = "accounts"

    def ready(self) -> None:
        # However an account is deactivated (operator, shell, Django admin), its API tokens
        # are revoked; the API also refuses them at every request (scope.token_is_usable).
        post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="jalon.accounts.revoke_tokens_of_deactivated")
