"""Reports through a reorganisation: the successor's reports include the merged unit's people and their history."""

from datetime import date

import pytest

from accounts import services as account_services
from accounts.staff_import import StaffImportError, import_staff
from tests.accounts.test_staff_import import csv_file
from tests.conftest import client_for, unit
from tests.factories import UserFactory
from tests.reports.test_reports import by_name, csv_rows, get_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(scene, admin_user):
    """Xã Thượng Giáo (Ba Bể) merged into Xã Bằng Lãng (Chợ Đồn) on 1 July 2025."""
    account_services.merge_org_unit(actor=admin_user, unit=unit("BABE-TG"), into=unit("CHODON-BL"),
                                    on=date(2025, 7, 1))
    return unit("CHODON-BL")


def test_the_successors_reports_include_the_people_who_came_and_their_earlier_hours(scene, merged, admin_user):
    hr_chodon = UserFactory(roles=["hr"], hr_scope=[unit("CHODON")])
    learner, outsider = scene["learner"], scene["outsider"]
    _response, body = get_report(hr_chodon, "hours", org_unit=merged.pk, year=scene["year"])
    people = by_name(csv_rows(body))
    assert {learner.full_name, outsider.full_name} <= set(people)
    assert people[learner.full_name][10] == "6", "4 h from the course and 2 h from the conference, earned before"
    assert people[learner.full_name][2] == "Xã Bằng Lãng"
    _response, body = get_report(hr_chodon, "completion", org_unit=merged.pk)
    assert learner.full_name in {row[1] for row in csv_rows(body)}
    _response, body = get_report(hr_chodon, "summary")
    figures = {row[0]: row for row in csv_rows(body)[1:]}
    assert "BABE-TG" not in figures, "a merged unit is history, not a row of the summary"
    assert figures["CHODON-BL"][3] == "3", "the outsider, the learner and the formula name"


def test_hr_of_the_merged_unit_follows_its_people(scene, admin_user):
    hr = UserFactory(roles=["hr"], hr_scope=[unit("BABE-TG")])
    account_services.merge_org_unit(actor=admin_user, unit=unit("BABE-TG"), into=unit("CHODON-BL"),
                                    on=date(2025, 7, 1))
    _response, body = get_report(hr, "completion")
    assert scene["learner"].full_name in {row[1] for row in csv_rows(body)}


def test_a_merged_unit_takes_no_assignment_roster_or_imported_people(scene, merged, admin_user):
    old = unit("BABE-TG")
    api = client_for(admin_user)
    assigned = api.post("/api/v1/assignments/", {"course": scene["procedures"].pk, "org_unit": old.pk,
                                                  "due_date": "2027-01-31"}, format="json")
    assert assigned.status_code == 400 and "org_unit" in assigned.json()
    event = scene["conference"]
    rostered = api.post(f"/api/v1/conferences/{event.pk}/roster/", {"org_unit": old.pk}, format="json")
    assert rostered.status_code == 400 and "org_unit" in rostered.json()
    with pytest.raises(StaffImportError) as refused:
        import_staff(actor=admin_user, upload=csv_file("moi,Người Mới,moi@example.gov.vn,CC9,BABE-TG,Chuyên viên"))
    assert refused.value.errors == [{"line": 2, "field": "org_unit",
                                     "message": "“Xã Thượng Giáo” đã được sáp nhập vào đơn vị khác hoặc đã giải thể."}]


def test_a_report_of_a_merged_unit_names_its_successor_instead_of_answering_empty(scene, merged):
    response, _body = get_report(UserFactory(roles=["hr"], hr_scope=[unit("BABE"), unit("CHODON")]), "hours",
                                 org_unit=unit("BABE-TG").pk)
    assert response.status_code == 400
    assert "Xã Bằng Lãng" in response.json()["org_unit"][0]


def test_dissolving_hands_hr_scope_and_assignments_only_to_current_sub_units(scene, admin_user):
    from courses import services as course_services
    from courses.models import Assignment

    hr = scene["hr"]  # answers for Ba Bể
    course_services.assign_course(actor=admin_user, course=scene["procedures"], org_unit=unit("BABE"),
                                  due_date=date(2030, 1, 31))
    account_services.merge_org_unit(actor=admin_user, unit=unit("BABE-TG"), into=unit("CHODON-BL"),
                                    on=date(2025, 7, 1))
    account_services.dissolve_org_unit(actor=admin_user, unit=unit("BABE"), on=date(2025, 7, 1))
    assert list(hr.hr_scope.all()) == [], "no current sub-unit: the scope is not handed to history"
    assert not Assignment.objects.filter(org_unit=unit("BABE-TG")).exists()


def test_a_merger_enrols_the_successors_own_people_in_the_courses_it_takes_over(scene, admin_user):
    from courses import services as course_services
    from courses.models import Enrollment

    course_services.assign_course(actor=admin_user, course=scene["digital"], org_unit=unit("CHODON-BL"),
                                  due_date=date(2030, 1, 31))
    course_services.assign_course(actor=admin_user, course=scene["procedures"], org_unit=unit("BABE-TG"),
                                  due_date=date(2030, 6, 30))
    newcomer_course = scene["digital"]
    account_services.merge_org_unit(actor=admin_user, unit=unit("BABE-TG"), into=unit("CHODON-BL"),
                                    on=date(2025, 7, 1))
    assert Enrollment.objects.filter(user=scene["outsider"], course=scene["procedures"]).exists()
    assert Enrollment.objects.filter(user=scene["formula"], course=newcomer_course).exists()
