"""Merging a unit into another and dissolving a level of the tree (the reorganisation of 1 July 2025)."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import AuditEntry, OrgUnit, User
from courses import services as course_services
from courses.models import Assignment, Enrollment
from tests.conftest import client_for, unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory, org_unit

pytestmark = pytest.mark.django_db

JULY_FIRST = date(2025, 7, 1)


def merge(actor, code: str, into: str, on=JULY_FIRST):
    return client_for(actor).post(f"/api/v1/org-units/{unit(code).pk}/merge/",
                                  {"into": unit(into).pk, "on": on.isoformat()}, format="json")


def dissolve(actor, code: str, on=JULY_FIRST):
    return client_for(actor).post(f"/api/v1/org-units/{unit(code).pk}/dissolve/", {"on": on.isoformat()},
                                  format="json")


def assign(actor, course, code: str, days: int = 30) -> Assignment:
    course_services.assign_course(actor=actor, course=course, org_unit=unit(code),
                                  due_date=timezone.localdate() + timedelta(days=days))
    return Assignment.objects.get(course=course, org_unit=unit(code))


# Merging ------------------------------------------------------------------------


def test_merging_a_unit_moves_its_people_and_sub_units_and_keeps_it_as_history(admin_user, learner):
    clerk = UserFactory(org_unit=unit("BABE"), roles=["learner"])
    response = merge(admin_user, "BABE", into="CHODON")
    assert response.status_code == 200, response.content
    assert response.json()["merged_into"] == unit("CHODON").pk
    assert response.json()["merged_on"] == "2025-07-01" and response.json()["dissolved_on"] is None
    old = unit("BABE")
    assert old.merged_into == unit("CHODON") and old.merged_on == JULY_FIRST and not old.is_active
    assert User.objects.get(pk=clerk.pk).org_unit == unit("CHODON")
    assert unit("BABE-TG").parent == unit("CHODON") and unit("BABE-TG").path.startswith(unit("CHODON").path)
    assert User.objects.filter(unit("CHODON").subtree_q("org_unit__path"), pk=learner.pk).exists()
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    assert list(OrgUnit.objects.active().values_list("code", flat=True)) == [
        "BK", "CHODON", "CHODON-BL", "BABE-TG", "SNV"]


def test_a_merger_is_audited_with_its_counts(admin_user, learner):
    merge(admin_user, "BABE", into="CHODON")
    entry = AuditEntry.objects.get(action="org_unit.merged")
    assert entry.actor == admin_user and entry.target_id == str(unit("BABE").pk)
    assert entry.changes == {"into": unit("CHODON").pk, "on": "2025-07-01", "people": 1,
                             "sub_units": [unit("BABE-TG").pk], "hr_officers": []}


def test_hr_officers_of_the_merged_unit_answer_for_its_successor_once(admin_user, hr_babe, learner):
    both = UserFactory(roles=["hr"], hr_scope=[unit("BABE"), unit("CHODON")])
    merge(admin_user, "BABE", into="CHODON")
    assert list(hr_babe.hr_scope.values_list("code", flat=True)) == ["CHODON"]
    assert list(both.hr_scope.values_list("code", flat=True)) == ["CHODON"]
    # The officer still sees the people who came with the merged unit.
    assert client_for(User.objects.get(pk=hr_babe.pk)).get(f"/api/v1/users/{learner.pk}/").status_code == 200


def test_the_successor_takes_the_assignments_and_the_enrolments_follow(admin_user, learner):
    course = build_course(admin_user)
    old = assign(admin_user, course, "BABE", days=30)
    merge(admin_user, "BABE", into="CHODON")
    new = Assignment.objects.get(course=course, org_unit=unit("CHODON"))
    assert new.due_date == old.due_date and new.assigned_by == admin_user
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.assignment == new and enrollment.mandatory and enrollment.due_date == old.due_date
    assert Assignment.objects.filter(pk=old.pk, org_unit=unit("BABE")).exists()  # kept, as history


def test_the_successors_own_assignment_of_a_course_stays_and_people_keep_their_due_dates(admin_user, learner):
    course = build_course(admin_user)
    assign(admin_user, course, "BABE", days=30)
    theirs = assign(admin_user, course, "CHODON", days=10)
    merge(admin_user, "BABE", into="CHODON")
    assert Assignment.objects.get(pk=theirs.pk).due_date == timezone.localdate() + timedelta(days=10)
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.assignment_id == theirs.pk
    assert enrollment.due_date == timezone.localdate() + timedelta(days=30)
    assert Assignment.objects.filter(org_unit=unit("CHODON"), course=course).count() == 1


def test_people_who_join_the_successor_are_enrolled_in_its_assigned_courses(admin_user, learner):
    course = build_course(admin_user)
    assign(admin_user, course, "CHODON")
    assert not Enrollment.objects.filter(user=learner).exists()
    merge(admin_user, "BABE", into="CHODON")
    assert Enrollment.objects.get(user=learner, course=course).assignment.org_unit == unit("CHODON")


def test_completions_earned_before_a_merger_stay_with_the_people(admin_user, learner):
    course = build_course(admin_user, hours=8)
    course_services.enroll(user=learner, course=course)
    for lesson in course.modules.get().lessons.all():
        course_services.complete_lesson(user=learner, lesson=lesson)
    before = Enrollment.objects.values("status", "completed_at", "credited_hours").get(user=learner)
    merge(admin_user, "BABE", into="CHODON")
    assert Enrollment.objects.values("status", "completed_at", "credited_hours").get(user=learner) == before
    assert before["status"] == "completed" and before["credited_hours"] == Decimal("8")
    completed_in_successor = Enrollment.objects.filter(
        unit("CHODON").subtree_q("user__org_unit__path"), status="completed")
    assert list(completed_in_successor.values_list("user_id", flat=True)) == [learner.pk]


def test_a_province_merges_into_another_with_its_whole_tree(admin_user, learner):
    thai_nguyen = org_unit("Tỉnh Thái Nguyên", code="TN", kind="province")
    response = merge(admin_user, "BK", into="TN")
    assert response.status_code == 200, response.content
    assert sorted(OrgUnit.objects.get_children(unit("TN")).values_list("code", flat=True)) == ["BABE", "CHODON", "SNV"]
    assert unit("BABE-TG").path.startswith(thai_nguyen.path)
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


# Dissolving -----------------------------------------------------------------------


def test_dissolving_a_district_moves_its_communes_and_people_up_to_the_province(admin_user, learner):
    clerk = UserFactory(org_unit=unit("BABE"), roles=["learner"])
    response = dissolve(admin_user, "BABE")
    assert response.status_code == 200, response.content
    assert response.json()["dissolved_on"] == "2025-07-01" and response.json()["merged_into"] is None
    assert unit("BABE").dissolved_on == JULY_FIRST and not unit("BABE").is_active
    assert unit("BABE-TG").parent == unit("BK") and unit("BABE-TG").depth == 2
    assert User.objects.get(pk=clerk.pk).org_unit == unit("BK")
    assert User.objects.get(pk=learner.pk).org_unit == unit("BABE-TG")
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    entry = AuditEntry.objects.get(action="org_unit.dissolved")
    assert entry.changes == {"parent": unit("BK").pk, "on": "2025-07-01", "people": 2,
                             "sub_units": [unit("BABE-TG").pk], "hr_officers": []}


def test_what_a_dissolved_unit_covered_goes_to_its_sub_units_never_wider(admin_user, hr_babe, learner, outsider):
    """A district's HR officers and mandatory courses go to its communes, not to the whole province."""
    course = build_course(admin_user)
    old = assign(admin_user, course, "BABE")
    dissolve(admin_user, "BABE")
    assert list(hr_babe.hr_scope.values_list("code", flat=True)) == ["BABE-TG"]
    commune = Assignment.objects.get(course=course, org_unit=unit("BABE-TG"))
    assert commune.due_date == old.due_date
    assert Enrollment.objects.get(user=learner, course=course).assignment == commune
    assert not Assignment.objects.filter(org_unit=unit("BK")).exists()
    assert not Enrollment.objects.filter(user=outsider).exists()


# Refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("into, field", [("BABE", "into"), ("BABE-TG", "into")])
def test_a_unit_is_not_merged_into_itself_or_a_unit_below_it(admin_user, province, into, field):
    response = merge(admin_user, "BABE", into=into)
    assert response.status_code == 400 and field in response.json(), response.content
    assert unit("BABE").is_active


def test_nothing_is_merged_into_a_merged_unit_nor_merged_twice(admin_user, province):
    merge(admin_user, "CHODON", into="SNV")
    refused = merge(admin_user, "BABE", into="CHODON")
    assert refused.status_code == 400 and "into" in refused.json()
    again = merge(admin_user, "CHODON", into="BABE")
    assert again.status_code == 400 and "detail" in again.json()
    assert dissolve(admin_user, "CHODON").status_code == 400
    assert unit("CHODON").merged_into == unit("SNV")


def test_the_top_of_the_tree_cannot_be_dissolved(admin_user, province):
    response = dissolve(admin_user, "BK")
    assert response.status_code == 400 and "detail" in response.json()


def test_a_reorganisation_is_not_dated_in_the_future(admin_user, province):
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert "on" in merge(admin_user, "BABE", into="CHODON", on=tomorrow).json()
    assert "on" in dissolve(admin_user, "BABE", on=tomorrow).json()
    assert merge(admin_user, "BABE", into="CHODON", on=timezone.localdate()).status_code == 200


@pytest.mark.parametrize("body, field", [
    ({"on": "2025-07-01"}, "into"),
    ({"into": 999999, "on": "2025-07-01"}, "into"),
    ({"into": "BK", "on": "2025-07-01"}, "into"),
    ({"into": 10 ** 30, "on": "2025-07-01"}, "into"),
    ({"into": None, "on": "2025-07-01"}, "into"),
    ({"into": "__chodon__"}, "on"),
    ({"into": "__chodon__", "on": "2025-02-30"}, "on"),
    ({"into": "__chodon__", "on": "01/07/2025"}, "on"),
    ({"into": "__chodon__", "on": "2025-07-01\x00"}, "on"),
    ({"into": "__chodon__", "on": ["2025-07-01"]}, "on"),
])
def test_bad_input_is_refused_with_the_field_named(admin_user, province, body, field):
    body = {key: unit("CHODON").pk if value == "__chodon__" else value for key, value in body.items()}
    response = client_for(admin_user).post(f"/api/v1/org-units/{unit('BABE').pk}/merge/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert unit("BABE").is_active


def test_an_unknown_unit_is_404(admin_user, province):
    response = client_for(admin_user).post("/api/v1/org-units/999999/dissolve/", {"on": "2025-07-01"}, format="json")
    assert response.status_code == 404


def test_a_merged_or_dissolved_unit_takes_no_new_people_sub_units_or_hr_officers(admin_user, learner):
    merge(admin_user, "CHODON", into="SNV")
    gone = unit("CHODON").pk
    api = client_for(admin_user)
    refusals = [
        (api.post("/api/v1/org-units/", {"name": "Xã mới", "code": "NEW", "parent": gone}, format="json"), "parent"),
        (api.patch(f"/api/v1/org-units/{unit('BABE').pk}/", {"parent": gone}, format="json"), "parent"),
        (api.post("/api/v1/users/", {"username": "moi", "full_name": "Người Mới", "org_unit": gone},
                  format="json"), "org_unit"),
        (api.patch(f"/api/v1/users/{learner.pk}/", {"org_unit": gone}, format="json"), "org_unit"),
        (api.patch(f"/api/v1/users/{learner.pk}/", {"hr_scope": [gone]}, format="json"), "hr_scope"),
    ]
    for response, field in refusals:
        assert response.status_code == 400 and field in response.json(), response.content
    assert not User.objects.filter(org_unit_id=gone).exists() and not OrgUnit.objects.filter(parent_id=gone).exists()
    # What the unit holds otherwise is unchanged: a merged unit can still be renamed.
    assert api.patch(f"/api/v1/org-units/{gone}/", {"name": "Huyện Chợ Đồn (cũ)"}, format="json").status_code == 200


@pytest.mark.parametrize("role", ["hr", "instructor", "learner"])
def test_only_an_administrator_merges_or_dissolves(province, role):
    person = UserFactory(roles=[role], hr_scope=[unit("BK")] if role == "hr" else [])
    assert merge(person, "BABE", into="CHODON").status_code == 403
    assert dissolve(person, "BABE").status_code == 403
    assert unit("BABE").is_active


def test_anonymous_callers_get_401(api, province):
    response = api.post(f"/api/v1/org-units/{unit('BABE').pk}/dissolve/", {"on": "2025-07-01"}, format="json")
    assert response.status_code == 401


# Cost ---------------------------------------------------------------------------------


def count_queries(change) -> int:
    with CaptureQueriesContext(connection) as queries:
        change()
    return len(queries)


@pytest.mark.parametrize("kind", ["merge", "dissolve"])
def test_a_reorganisation_costs_the_same_for_one_person_as_for_fifty(admin_user, province, kind,
                                                                     django_assert_max_num_queries):
    course = build_course(admin_user)
    counts = []
    for size in (1, 50):
        district = org_unit(parent=unit("BK"))
        commune = org_unit(parent=district)
        successor = org_unit(parent=unit("BK"))
        UserFactory.create_batch(size, org_unit=commune, roles=["learner"])
        UserFactory.create_batch(size, org_unit=district, roles=["learner"])
        UserFactory.create_batch(size, roles=["hr"], hr_scope=[district])
        assign(admin_user, course, district.code)
        if kind == "merge":
            counts.append(count_queries(lambda: services.merge_org_unit(
                actor=admin_user, unit=district, into=successor, on=JULY_FIRST)))
        else:
            counts.append(count_queries(lambda: services.dissolve_org_unit(actor=admin_user, unit=district,
                                                                           on=JULY_FIRST)))
    assert counts[0] == counts[1], counts
    district = org_unit(parent=unit("BK"))
    UserFactory.create_batch(50, org_unit=org_unit(parent=district), roles=["learner"])
    with django_assert_max_num_queries(counts[0]):
        if kind == "merge":
            services.merge_org_unit(actor=admin_user, unit=district, into=unit("SNV"), on=JULY_FIRST)
        else:
            services.dissolve_org_unit(actor=admin_user, unit=district, on=JULY_FIRST)


# Admin -------------------------------------------------------------------------------


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


CHANGELIST = "/admin/accounts/orgunit/"


def test_an_administrator_merges_units_in_the_admin_after_confirming(admin_user, learner):
    client = signed_in(admin_user)
    selected = {"action": "merge_units", "_selected_action": [unit("BABE").pk]}
    page = client.post(CHANGELIST, selected)
    assert page.status_code == 200 and b'name="into"' in page.content and "Huyện Ba Bể".encode() in page.content
    assert unit("BABE").is_active  # nothing happens before the confirmation
    done = client.post(CHANGELIST, {**selected, "apply": "yes", "into": unit("CHODON").pk, "on": "2025-07-01"})
    assert done.status_code == 302
    assert unit("BABE").merged_into == unit("CHODON") and unit("BABE-TG").parent == unit("CHODON")
    listing = client.get(CHANGELIST + "?state=merged")
    assert "Huyện Ba Bể".encode() in listing.content and "Huyện Chợ Đồn".encode() in listing.content
    form = client.get(f"{CHANGELIST}{unit('BABE').pk}/change/")
    assert form.status_code == 200 and b"field-merged_into" in form.content
    assert b'name="merged_into"' not in form.content  # read only


def test_an_administrator_dissolves_a_district_in_the_admin(admin_user, learner):
    client = signed_in(admin_user)
    selected = {"action": "dissolve_units", "_selected_action": [unit("BABE").pk, unit("CHODON").pk]}
    done = client.post(CHANGELIST, {**selected, "apply": "yes", "on": "2025-07-01"})
    assert done.status_code == 302
    assert unit("BABE").dissolved_on == unit("CHODON").dissolved_on == JULY_FIRST
    assert sorted(OrgUnit.objects.get_children(unit("BK")).values_list("code", flat=True)) == [
        "BABE", "BABE-TG", "CHODON", "CHODON-BL", "SNV"]


def test_the_admin_shows_a_refusal_on_the_form_and_changes_nothing(admin_user, province):
    client = signed_in(admin_user)
    response = client.post(CHANGELIST, {"action": "merge_units", "_selected_action": [unit("BABE").pk],
                                        "apply": "yes", "into": unit("BABE-TG").pk, "on": "2025-07-01"})
    assert response.status_code == 200 and b"errorlist" in response.content
    assert unit("BABE").is_active and unit("BABE-TG").parent == unit("BABE")


@pytest.mark.parametrize("role", ["hr", "instructor"])
def test_hr_and_instructors_cannot_reorganise_in_the_admin(province, role):
    person = UserFactory(roles=[role], hr_scope=[unit("BK")] if role == "hr" else [])
    client = signed_in(person)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200 and b"merge_units" not in listing.content
    for action, extra in (("merge_units", {"into": unit("CHODON").pk}), ("dissolve_units", {})):
        refused = client.post(CHANGELIST, {"action": action, "_selected_action": [unit("BABE").pk], "apply": "yes",
                                           "on": "2025-07-01", **extra})
        assert refused.status_code == 403
    assert unit("BABE").is_active


def test_the_admin_offers_no_merged_unit_as_a_parent_or_a_persons_unit(admin_user, province):
    merge(admin_user, "CHODON", into="SNV")
    client = signed_in(admin_user)
    page = client.get(f"{CHANGELIST}add/")
    assert f'value="{unit("CHODON").pk}"'.encode() not in page.content
    assert f'value="{unit("SNV").pk}"'.encode() in page.content
    found = client.get("/admin/autocomplete/", {"term": "Huyện", "app_label": "accounts", "model_name": "user",
                                                "field_name": "org_unit"})
    assert [row["text"] for row in found.json()["results"]] == ["Huyện Ba Bể"]


# Demo ----------------------------------------------------------------------------------


def test_the_demo_shows_a_commune_merged_into_a_ward_on_the_first_of_july_2025():
    call_command("load_demo", stdout=StringIO())
    before = (OrgUnit.objects.count(), User.objects.count(), Enrollment.objects.count(), Assignment.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (OrgUnit.objects.count(), User.objects.count(), Enrollment.objects.count(),
            Assignment.objects.count()) == before
    duong_quang = unit("BK-TP-DQ")
    assert duong_quang.merged_into == unit("BK-TP-DX") and duong_quang.merged_on == JULY_FIRST
    assert not duong_quang.members.exists()
    moved = User.objects.filter(username__in=["hocvien30", "hocvien31"])
    assert {person.org_unit.code for person in moved} == {"BK-TP-DX"}
    earlier = Enrollment.objects.filter(user__in=moved, status="completed")
    assert earlier.count() == 2
    assert all(timezone.localdate(enrollment.completed_at) < JULY_FIRST for enrollment in earlier)
    assert all(enrollment.credited_hours > 0 for enrollment in earlier)
