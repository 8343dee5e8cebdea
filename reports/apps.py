from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    # What each role may do with this app's models (see accounts.roles).
    role_permissions = {
        Role.HR: ["view_hoursrequirement", "view_reportschedule", "delete_reportschedule", "change_reportschedule"],
    }

    def ready(self):
        # Registers the tasks, which services look up by name (accounts.queue).
        import_module("reports.tasks")
