from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    # What each role may do with this app's models (see accounts.roles).
    role_permissions = {
        Role.INSTRUCTOR: [
            *(f"{action}_{model}" for action in ("view", "add", "change", "delete")
              for model in ("course", "module", "lesson")),
            "view_enrollment",
        ],
        Role.HR: ["view_course", "view_assignment", "view_enrollment"],
    }
