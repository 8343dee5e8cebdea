from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and organisation")

    def ready(self):
        from accounts.roles import sync_role_groups

        # Runs after every app's permissions exist (post_migrate of the last app).
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
