from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, sync_role_groups


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and organisation")
    # What each role may do with this app's models (see accounts.roles).
    role_permissions = {
        Role.INSTRUCTOR: ["view_orgunit"],
        Role.HR: ["view_orgunit", "view_user", "change_user"],
    }

    def ready(self):
        # Runs after every app's permissions exist (post_migrate of the last app).
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
        # Registers the tasks, which services look up by name (accounts.queue).
        import_module("accounts.tasks")
