from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Classes and conferences")
    # What each role may do with this app's models (see accounts.roles).
    role_permissions = {
        Role.INSTRUCTOR: [
            "view_event", "add_event", "change_event",
            *(f"{action}_session" for action in ("view", "add", "change", "delete")),
            "view_rosterentry", "view_attendancerecord",
        ],
        # The API shows HR every class and conference, and the rosters and attendance of their scope.
        Role.HR: ["view_event", "view_session", "view_rosterentry", "view_attendancerecord"],
    }
