import pytest

from accounts.models import AuditEntry, OrgUnit
from tests.conftest import client_for, unit


def test_an_admin_creates_a_tree_of_units_through_the_api(admin_user):
    api = client_for(admin_user)
    root = api.post("/api/v1/org-units/", {"name": "Tỉnh Bắc Kạn", "code": "BK", "parent": None})
    assert root.status_code == 201, root.content
    assert set(root.json()) >= {"id", "name", "code", "parent", "path"}
    assert root.json()["parent"] is None

    district = api.post("/api/v1/org-units/", {"name": "Huyện Ba Bể", "code": "BABE", "parent": root.json()["id"]})
    assert district.status_code == 201
    assert district.json()["parent"] == root.json()["id"]
    assert district.json()["path"].startswith(root.json()["path"])
    assert AuditEntry.objects.filter(action="org_unit.created", actor=admin_user).count() == 2


def test_a_subtree_is_one_query(province, django_assert_num_queries):
    district = unit("BABE")
    with django_assert_num_queries(1):
        codes = sorted(OrgUnit.objects.filter(district.subtree_q()).values_list("code", flat=True))
    assert codes == ["BABE", "BABE-TG"]


def test_moving_a_unit_takes_its_whole_subtree_along(admin_user, province):
    api = client_for(admin_user)
    response = api.patch(f"/api/v1/org-units/{unit('BABE').pk}/", {"parent": unit("SNV").pk})
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == unit("SNV").pk
    assert unit("BABE-TG").path.startswith(unit("SNV").path)
    assert unit("BABE-TG").parent == unit("BABE")
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


def test_a_unit_cannot_be_moved_under_its_own_descendant(admin_user, province):
    response = client_for(admin_user).patch(f"/api/v1/org-units/{unit('BABE').pk}/", {"parent": unit("BABE-TG").pk})
    assert response.status_code == 400
    assert "parent" in response.json()


def test_a_duplicate_code_is_refused_with_the_field_named(admin_user, province):
    response = client_for(admin_user).post("/api/v1/org-units/", {"name": "Trùng", "code": "BABE", "parent": None})
    assert response.status_code == 400
    assert "code" in response.json()


def test_staff_read_the_flat_tree_in_a_fixed_number_of_queries(province, hr_babe, django_assert_max_num_queries):
    for number in range(30):
        from tests.factories import org_unit

        org_unit(parent=unit("BABE-TG"))
    api = client_for(hr_babe)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/org-units/?page_size=500")
    assert response.status_code == 200
    assert response.json()["count"] == 36
    parents = {row["code"]: row["parent"] for row in response.json()["results"]}
    assert parents["BABE-TG"] == unit("BABE").pk


@pytest.mark.parametrize("method", ["post", "patch"])
def test_only_an_admin_changes_units(method, hr_babe, province):
    api = client_for(hr_babe)
    url = "/api/v1/org-units/" if method == "post" else f"/api/v1/org-units/{unit('BABE').pk}/"
    response = getattr(api, method)(url, {"name": "Mới", "code": "NEW", "parent": None})
    assert response.status_code == 403


def test_a_learner_cannot_list_units(learner):
    assert client_for(learner).get("/api/v1/org-units/").status_code == 403


def test_anonymous_callers_get_401(api, province):
    assert api.get("/api/v1/org-units/").status_code == 401


def test_people_moved_with_a_unit_are_enrolled_in_the_courses_assigned_above_its_new_place(admin_user, learner):
    from datetime import timedelta

    from django.utils import timezone

    from courses import services as course_services
    from courses.models import Enrollment
    from tests.courses.conftest import build_course

    course = build_course(admin_user, code="SNV-01")
    course_services.assign_course(actor=admin_user, course=course, org_unit=unit("SNV"),
                                  due_date=timezone.localdate() + timedelta(days=30))
    assert not Enrollment.objects.filter(user=learner, course=course).exists()
    response = client_for(admin_user).patch(f"/api/v1/org-units/{unit('BABE').pk}/", {"parent": unit("SNV").pk})
    assert response.status_code == 200, response.content
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.due_date == timezone.localdate() + timedelta(days=30)
