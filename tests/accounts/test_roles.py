"""The role groups and their permissions, gathered from what each app declares."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from accounts.roles import sync_role_groups

# What the groups held when accounts listed every app's permissions itself (a permission
# given or taken later is added or removed here too).
INSTRUCTOR = {
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
}
HR = {
    "accounts.view_orgunit", "accounts.view_user", "accounts.change_user",
    "courses.view_course", "courses.view_assignment", "courses.view_enrollment",
    # Added with the admin's scoping (issue 10): the admin shows HR what the API does.
    "training.view_event", "training.view_session", "training.view_rosterentry", "training.view_attendancerecord",
    # Issue 11: HR read the certificates of their scope in the admin, as the API lets them download them.
    "certificates.view_certificate",
    # Issue 12: HR read the hours requirements, and keep their own scheduled reports.
    "reports.view_hoursrequirement", "reports.view_reportschedule", "reports.change_reportschedule",
    "reports.delete_reportschedule",
}
ADMIN_APPS = ["accounts", "auth", "authtoken", "certificates", "courses", "quizzes", "training", "reports"]


def held(role: str) -> set[str]:
    permissions = Group.objects.get(name=role).permissions.select_related("content_type")
    return {f"{permission.content_type.app_label}.{permission.codename}" for permission in permissions}


def test_the_role_groups_hold_the_same_permissions_as_before(db):
    sync_role_groups()
    assert held("learner") == set()
    assert held("instructor") == INSTRUCTOR
    assert held("hr") == HR
    everything = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS).select_related("content_type")
    assert held("admin") == {f"{p.content_type.app_label}.{p.codename}" for p in everything}


def test_an_app_gives_its_roles_permissions_in_its_own_config(db, monkeypatch):
    courses = apps.get_app_config("courses")
    declared = courses.role_permissions
    sync_role_groups()
    before = held("hr")
    monkeypatch.setattr(courses, "role_permissions", {**declared, "hr": [*declared["hr"], "view_duereminder"]})
    sync_role_groups()
    assert held("hr") - before == {"courses.view_duereminder"}


def test_every_permission_an_app_declares_exists(db):
    for config in apps.get_app_configs():
        for role, codenames in getattr(config, "role_permissions", {}).items():
            for codename in codenames:
                exists = Permission.objects.filter(content_type__app_label=config.label, codename=codename).exists()
                assert exists, f"{config.label}.{codename} of {role}"
