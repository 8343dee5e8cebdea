"""The admin shows each role what the API shows it, and saves through the same services.

Three personas throughout: an HR officer for Ba Bể district, an instructor, an
administrator. The helpers here are used by the admin tests of every app.
"""

from importlib import import_module

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import AuditEntry, OrgUnit, User
from courses.models import Enrollment
from tests.conftest import client_for, unit
from tests.factories import UserFactory

# The models each app's admin tests cover; every registered model admin must be in one of them.
COVERED = {"accounts.OrgUnit", "accounts.User", "accounts.AuditEntry", "accounts.Notification", "auth.Group",
           "authtoken.TokenProxy"}
ADMIN_TESTS = ["tests.accounts.test_admin_scope", "tests.courses.test_admin_scope",
               "tests.quizzes.test_admin_scope", "tests.training.test_admin_scope", "tests.certificates.test_admin",
               "tests.reports.test_admin"]
PASSWORD = "Mat-Khau-Moi-2026!x"


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def listed(person, path: str) -> set[int]:
    """The ids of the rows the admin list at `path` shows `person` (every page of it)."""
    response = signed_in(person).get(path)
    assert response.status_code == 200, path
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def api_listed(person, path: str) -> set[int]:
    """The ids the API list at `path` gives `person`."""
    data = client_for(person).get(path, {"page_size": 500}).json()
    assert data["next"] is None
    return {row["id"] for row in data["results"]}


def offered(person, path: str, field: str) -> set[int]:
    """The ids of the choices the admin form at `path` offers `person` in `field`."""
    response = signed_in(person).get(path)
    assert response.status_code == 200, path
    return {int(str(value)) for value, _label in response.context["adminform"].form.fields[field].choices
            if str(value)}


def assert_missing(person, model, pk) -> None:
    """Django's admin treats an object outside the caller's list as missing: back to the index, with a warning."""
    opts = model._meta
    response = signed_in(person).get(f"/admin/{opts.app_label}/{opts.model_name}/{quote(pk)}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    with translation.override("vi"):
        warning = gettext("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?") % {
            "name": opts.verbose_name, "key": pk}
    assert [str(message) for message in get_messages(response.wsgi_request)] == [warning]


def test_every_registered_model_admin_has_a_scope_test():
    covered = set().union(*(import_module(name).COVERED for name in ADMIN_TESTS))
    assert covered == {model._meta.label for model in admin.site._registry}


@pytest.fixture
def instructor(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


# People -------------------------------------------------------------------------


def test_the_people_list_shows_each_role_what_the_api_shows(hr_babe, learner, outsider, admin_user, instructor):
    assert listed(hr_babe, "/admin/accounts/user/") == api_listed(hr_babe, "/api/v1/users/") == {learner.pk}
    everyone = set(User.objects.values_list("pk", flat=True))
    assert listed(admin_user, "/admin/accounts/user/") == api_listed(admin_user, "/api/v1/users/") == everyone
    assert signed_in(instructor).get("/admin/accounts/user/").status_code == 403
    assert client_for(instructor).get("/api/v1/users/").status_code == 403
    assert_missing(hr_babe, User, outsider.pk)


@pytest.mark.parametrize("role, active", [("instructor", True), ("hr", True), ("admin", False)])
def test_hr_can_read_but_not_change_people_with_a_staff_role(hr_babe, role, active):
    person = UserFactory(org_unit=unit("BABE-TG"), roles=[role], is_active=active)
    client = signed_in(hr_babe)
    page = client.get(f"/admin/accounts/user/{person.pk}/change/")
    assert page.status_code == 200 and b'name="full_name"' not in page.content
    refused = client.post(f"/admin/accounts/user/{person.pk}/change/", {
        "full_name": "Bị sửa", "email": person.email, "employee_code": person.employee_code,
        "org_unit": unit("BABE-TG").pk, "position": "", "is_active": "on",
    })
    assert refused.status_code == 403
    person.refresh_from_db()
    assert person.full_name != "Bị sửa" and person.is_active == active


def test_hr_cannot_set_a_password_in_the_admin(hr_babe, learner):
    client = signed_in(hr_babe)
    assert client.get(f"/admin/accounts/user/{learner.pk}/password/").status_code == 403
    refused = client.post(f"/admin/accounts/user/{learner.pk}/password/", {
        "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"})
    assert refused.status_code == 403
    assert not User.objects.get(pk=learner.pk).check_password(PASSWORD)


def test_a_password_set_by_an_administrator_goes_through_the_service(admin_user, learner):
    User.objects.filter(pk=learner.pk).update(invitation_pending=True)
    response = signed_in(admin_user).post(f"/admin/accounts/user/{learner.pk}/password/", {
        "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    learner = User.objects.get(pk=learner.pk)
    assert learner.check_password(PASSWORD) and not learner.invitation_pending
    assert AuditEntry.objects.filter(action="user.password_set", target_id=str(learner.pk),
                                     actor=admin_user).exists()


def change_form(person, **changes) -> dict:
    """The fields of a person's change page an HR officer may post back."""
    data = {"full_name": person.full_name, "email": person.email, "employee_code": person.employee_code,
            "org_unit": person.org_unit_id or "", "position": person.position, "is_active": "on"}
    return {**data, **changes}


@pytest.fixture
def assigned_course(admin_user, province):
    """A course assigned to the commune of Thượng Giáo only."""
    from datetime import timedelta

    from django.utils import timezone

    from courses import services
    from tests.courses.conftest import build_course

    author = UserFactory(org_unit=unit("SNV"), roles=["instructor"])
    course = build_course(author, code="CCHC-TG")
    services.assign_course(actor=admin_user, course=course, org_unit=unit("BABE-TG"),
                           due_date=timezone.localdate() + timedelta(days=30))
    return course


def test_hr_moving_a_learner_to_another_unit_in_the_admin_enrols_them_in_its_assigned_courses(
    hr_babe, assigned_course
):
    person = UserFactory(org_unit=unit("BABE"), roles=["learner"])
    response = signed_in(hr_babe).post(f"/admin/accounts/user/{person.pk}/change/",
                                       change_form(person, org_unit=unit("BABE-TG").pk))
    assert response.status_code == 302, response.content[:2000]
    enrollment = Enrollment.objects.get(user=person, course=assigned_course)
    assert enrollment.mandatory and enrollment.source == "assignment"
    assert AuditEntry.objects.filter(action="user.moved", target_id=str(person.pk), actor=hr_babe).exists()


def test_an_administrator_moving_a_person_in_the_admin_enrols_them_in_its_assigned_courses(
    admin_user, outsider, assigned_course
):
    data = {**change_form(outsider, org_unit=unit("BABE-TG").pk), "username": outsider.username,
            "groups": [group.pk for group in outsider.groups.all()]}
    response = signed_in(admin_user).post(f"/admin/accounts/user/{outsider.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    assert Enrollment.objects.filter(user=outsider, course=assigned_course, mandatory=True).exists()


def test_hr_cannot_move_a_learner_out_of_their_scope_in_the_admin(hr_babe, learner):
    response = signed_in(hr_babe).post(f"/admin/accounts/user/{learner.pk}/change/",
                                       change_form(learner, org_unit=unit("CHODON").pk))
    assert response.status_code == 200 and b"errorlist" in response.content
    assert User.objects.get(pk=learner.pk).org_unit == unit("BABE-TG")


def test_roles_given_in_the_admin_go_through_the_service(admin_user, learner):
    from django.contrib.auth.models import Group

    data = {**change_form(learner), "username": learner.username,
            "groups": [Group.objects.get(name="instructor").pk]}
    response = signed_in(admin_user).post(f"/admin/accounts/user/{learner.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    learner = User.objects.get(pk=learner.pk)
    assert learner.roles == ["instructor"] and learner.is_staff  # staff status follows the roles
    assert AuditEntry.objects.filter(action="user.roles_changed", target_id=str(learner.pk)).exists()


def test_a_person_added_in_the_admin_without_a_password_is_invited(
    admin_user, province, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(admin_user).post("/admin/accounts/user/add/", {
            "username": "moi", "full_name": "Hà Văn Mới", "email": "moi@backan.gov.vn", "employee_code": "CC-MOI",
            "org_unit": unit("BABE-TG").pk, "usable_password": "false"})
    assert response.status_code == 302, response.content[:2000]
    person = User.objects.get(username="moi")
    assert not person.has_usable_password()
    assert [message.to for message in mail.outbox] == [["moi@backan.gov.vn"]]
    assert AuditEntry.objects.filter(action="user.created", target_id=str(person.pk), actor=admin_user).exists()


# Org units ----------------------------------------------------------------------


def test_every_member_of_staff_sees_every_unit_as_in_the_api(hr_babe, instructor, admin_user):
    communes = set(OrgUnit.objects.filter(kind="commune").values_list("pk", flat=True))
    for person in (hr_babe, instructor, admin_user):
        assert api_listed(person, "/api/v1/org-units/") == set(OrgUnit.objects.values_list("pk", flat=True))
        assert listed(person, "/admin/accounts/orgunit/?kind__exact=commune") == communes
    assert signed_in(hr_babe).get(f"/admin/accounts/orgunit/{unit('CHODON').pk}/change/").status_code == 200
    refused = signed_in(hr_babe).post(f"/admin/accounts/orgunit/{unit('CHODON').pk}/change/", {
        "name": "Bị sửa", "code": "CHODON", "kind": "district", "parent": unit("BK").pk})
    assert refused.status_code == 403
    dragged = signed_in(hr_babe).post("/admin/accounts/orgunit/move/", {
        "node": unit("CHODON").pk, "target": unit("BABE").pk, "relation": "child"})
    assert dragged.status_code == 403 and unit("CHODON").parent == unit("BK")


def test_moving_a_unit_in_the_admin_goes_through_the_service(admin_user, province):
    commune = unit("BABE-TG")
    response = signed_in(admin_user).post(f"/admin/accounts/orgunit/{commune.pk}/change/", {
        "name": commune.name, "code": commune.code, "kind": commune.kind, "parent": unit("CHODON").pk})
    assert response.status_code == 302, response.content[:2000]
    commune = unit("BABE-TG")
    assert commune.parent == unit("CHODON") and commune.path.startswith(unit("CHODON").path)
    entry = AuditEntry.objects.get(action="org_unit.changed", target_id=str(commune.pk))
    assert entry.changes == {"parent": [unit("BABE").pk, unit("CHODON").pk]} and entry.actor == admin_user


def test_a_unit_dragged_in_the_admin_tree_moves_through_the_service(admin_user, province):
    commune = unit("BABE-TG")
    response = signed_in(admin_user).post("/admin/accounts/orgunit/move/", {
        "node": commune.pk, "target": unit("CHODON-BL").pk, "relation": "sibling"})
    assert response.status_code == 200
    assert unit("BABE-TG").parent == unit("CHODON") and unit("BABE-TG").path.startswith(unit("CHODON").path)
    assert AuditEntry.objects.filter(action="org_unit.changed", target_id=str(commune.pk)).exists()


def test_the_admin_never_offers_a_unit_below_itself_as_its_parent(admin_user, province):
    district = unit("BABE")
    client = signed_in(admin_user)
    form = client.get(f"/admin/accounts/orgunit/{district.pk}/change/").content.decode()
    assert f'<option value="{unit("BABE-TG").pk}"' not in form and f'<option value="{unit("BK").pk}"' in form
    refused = client.post(f"/admin/accounts/orgunit/{district.pk}/change/", {
        "name": district.name, "code": district.code, "kind": district.kind, "parent": unit("BABE-TG").pk})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    assert unit("BABE").parent == unit("BK")


def test_a_unit_added_in_the_admin_is_made_by_the_service(admin_user, province):
    response = signed_in(admin_user).post("/admin/accounts/orgunit/add/", {
        "name": "Xã Mới", "code": "BABE-MOI", "kind": "commune", "parent": unit("BABE").pk})
    assert response.status_code == 302, response.content[:2000]
    created = unit("BABE-MOI")
    assert created.parent == unit("BABE") and created.path.startswith(unit("BABE").path)
    assert AuditEntry.objects.filter(action="org_unit.created", target_id=str(created.pk)).exists()


def test_units_are_not_deleted_in_the_admin(admin_user, province):
    commune = unit("CHODON-BL")
    assert signed_in(admin_user).post(f"/admin/accounts/orgunit/{commune.pk}/delete/",
                                      {"post": "yes"}).status_code == 403
    assert OrgUnit.objects.filter(pk=commune.pk).exists()


# Administrators only ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/accounts/auditentry/", "/admin/accounts/notification/", "/admin/auth/group/",
                                  "/admin/authtoken/tokenproxy/"])
def test_the_audit_log_groups_and_tokens_are_for_administrators_only(path, hr_babe, instructor, admin_user):
    assert signed_in(admin_user).get(path).status_code == 200
    for person in (hr_babe, instructor):
        assert signed_in(person).get(path).status_code == 403
