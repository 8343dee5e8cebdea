"""Roles are Django groups named after them, with the permissions the apps give them.

Each app says what its roles may do in its own `AppConfig.role_permissions`
(`{role: [codename, ...]}`, codenames of that app's models), so accounts names no
app above it. The administrator role gets every permission of every app of the
project, plus those of `ADMIN_ALSO`. The groups and their permissions are brought
in line after every `migrate`.
"""

from functools import reduce
from operator import or_
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    INSTRUCTOR = "instructor", _("Instructor")
    HR = "hr", _("HR officer")
    ADMIN = "admin", _("Administrator")


ROLES = tuple(Role.values)

# Roles that may open the Django admin (instructors build courses there too).
# HR officers change people who hold none of them, administrators anyone.
STAFF_ROLES = {Role.INSTRUCTOR, Role.HR, Role.ADMIN}

# Apps outside the project whose permissions administrators hold too: groups and API tokens.
ADMIN_ALSO = ("auth", "authtoken")


def _project_app_labels() -> list[str]:
    """The project's own apps: the top-level folders of the repository (installed packages are deeper)."""
    return [
        config.label for config in apps.get_app_configs() if Path(config.path).resolve().parent == settings.BASE_DIR
    ]


def _permissions_q(role: Role) -> Q:
    """The permissions of `role`, as a filter on `Permission`."""
    if role == Role.ADMIN:
        return Q(content_type__app_label__in=[*_project_app_labels(), *ADMIN_ALSO])
    granted = [
        Q(content_type__app_label=config.label, codename__in=codenames)
        for config in apps.get_app_configs()
        if (codenames := getattr(config, "role_permissions", {}).get(role))
    ]
    return reduce(or_, granted, Q(pk__in=[]))


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and give each exactly its permissions."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(Permission.objects.filter(_permissions_q(role)))


def holders(role: Role):
    """The people for whom `User.has_role(role)` is true: active, holding it (a superuser holds every role)."""
    from accounts.models import User

    members = User.groups.through.objects.filter(group__name=role).values("user_id")
    return User.objects.filter(Q(pk__in=members) | Q(is_superuser=True), is_active=True)
