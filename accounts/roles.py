"""Roles are Django groups named after them, with the permissions listed here.

The groups and their permissions are brought in line after every `migrate`, so a
later app only adds its permissions to `ROLE_PERMISSIONS`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    INSTRUCTOR = "instructor", _("Instructor")
    HR = "hr", _("HR officer")
    ADMIN = "admin", _("Administrator")


ROLES = tuple(Role.values)

# Roles that may open the Django admin (instructors build courses there too).
STAFF_ROLES = {Role.INSTRUCTOR, Role.HR, Role.ADMIN}

# "app_label.codename" per role; the admin role gets every permission of the
# project's own apps and of auth.
ROLE_PERMISSIONS = {
    Role.LEARNER: [],
    Role.INSTRUCTOR: [
        "accounts.view_orgunit",
        *(f"courses.{action}_{model}" for action in ("view", "add", "change", "delete")
          for model in ("course", "module", "lesson")),
        "courses.view_enrollment",
        "training.view_event", "training.add_event", "training.change_event",
        *(f"training.{action}_session" for action in ("view", "add", "change", "delete")),
        "training.view_rosterentry", "training.view_attendancerecord",
        *(f"quizzes.{action}_{model}" for action in ("view", "add", "change", "delete")
          for model in ("questionbank", "category", "question", "choice", "quiz")),
        "quizzes.view_attempt", "quizzes.view_response",
    ],
    Role.HR: [
        "accounts.view_orgunit", "accounts.view_user", "accounts.change_user",
        "courses.view_course", "courses.view_assignment", "courses.view_enrollment",
    ],
}
ADMIN_APPS = ["accounts", "auth", "authtoken", "certificates", "courses", "quizzes", "training", "reports"]


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and give each exactly its permissions."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        if role == Role.ADMIN:
            permissions = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
        else:
            permissions = [_permission(name) for name in ROLE_PERMISSIONS[role]]
        group.permissions.set([p for p in permissions if p is not None])


def _permission(dotted: str):
    from django.contrib.auth.models import Permission

    app_label, codename = dotted.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
