from django.contrib.auth import authenticate

from accounts.models import AuditEntry, User
from tests.conftest import client_for, unit
from tests.factories import UserFactory


def new_person(**overrides):
    person = {
        "username": "lan.nt", "password": "Ch0-Moi@Lan-2026", "full_name": "Nguyễn Thị Lan",
        "email": "lan.nt@backan.gov.vn", "employee_code": "BK0001", "org_unit": unit("BABE-TG").pk,
        "roles": ["learner"], "hr_scope": [],
    }
    return {**person, **overrides}


def test_an_admin_creates_a_person_exactly_as_the_contract_says(admin_user, province):
    response = client_for(admin_user).post("/api/v1/users/", new_person())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "Nguyễn Thị Lan"
    assert body["org_unit"] == unit("BABE-TG").pk
    assert body["roles"] == ["learner"]
    assert "password" not in body
    assert authenticate(username="lan.nt", password="Ch0-Moi@Lan-2026") is not None


def test_an_admin_creates_an_hr_officer_with_a_scope(admin_user, province):
    response = client_for(admin_user).post(
        "/api/v1/users/", new_person(username="hr2", employee_code="HR2", roles=["hr"], hr_scope=[unit("BABE").pk])
    )
    assert response.status_code == 201, response.content
    officer = User.objects.get(username="hr2")
    assert officer.roles == ["hr"] and officer.is_staff
    assert list(officer.hr_scope.all()) == [unit("BABE")]
    assert AuditEntry.objects.filter(action="user.hr_scope_changed", target_id=str(officer.pk)).exists()


def test_a_person_created_without_a_password_is_invited(admin_user, province, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post("/api/v1/users/", new_person(password=""))
    assert response.status_code == 201, response.content
    person = User.objects.get(username="lan.nt")
    assert not person.has_usable_password()


def test_a_weak_password_is_refused_with_the_field(admin_user, province):
    response = client_for(admin_user).post("/api/v1/users/", new_person(password="123"))
    assert response.status_code == 400
    assert "password" in response.json()


def test_bad_input_names_each_field(admin_user, province):
    response = client_for(admin_user).post(
        "/api/v1/users/", new_person(email="not-an-email", roles=["emperor"], org_unit=999999, full_name="")
    )
    assert response.status_code == 400
    assert {"email", "roles", "org_unit", "full_name"} <= set(response.json())


def test_a_duplicate_employee_code_is_refused(admin_user, learner):
    response = client_for(admin_user).post("/api/v1/users/", new_person(employee_code=learner.employee_code))
    assert response.status_code == 400
    assert "employee_code" in response.json()


def test_hr_sees_only_people_in_their_subtree(hr_babe, learner, outsider):
    response = client_for(hr_babe).get("/api/v1/users/")
    assert response.status_code == 200
    usernames = {row["username"] for row in response.json()["results"]}
    assert usernames == {"hocvien"}


def test_hr_gets_404_for_a_person_of_another_subtree(hr_babe, outsider):
    api = client_for(hr_babe)
    assert api.get(f"/api/v1/users/{outsider.pk}/").status_code == 404
    assert api.patch(f"/api/v1/users/{outsider.pk}/", {"position": "Chuyên viên"}).status_code == 404


def test_hr_cannot_create_people_or_change_roles(hr_babe, learner):
    api = client_for(hr_babe)
    assert api.post("/api/v1/users/", new_person()).status_code == 403
    assert api.patch(f"/api/v1/users/{learner.pk}/", {"roles": ["admin"]}).status_code == 403
    assert api.patch(f"/api/v1/users/{learner.pk}/", {"hr_scope": [unit("BK").pk]}).status_code == 403
    learner.refresh_from_db()
    assert learner.roles == ["learner"]


def test_hr_cannot_move_a_person_out_of_their_scope(hr_babe, learner):
    response = client_for(hr_babe).patch(f"/api/v1/users/{learner.pk}/", {"org_unit": unit("CHODON").pk})
    assert response.status_code == 400
    assert "org_unit" in response.json()


def test_hr_moves_a_person_inside_their_scope_and_it_is_audited(hr_babe, learner):
    response = client_for(hr_babe).patch(f"/api/v1/users/{learner.pk}/", {"org_unit": unit("BABE").pk})
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.get(action="user.moved")
    assert entry.actor == hr_babe and entry.target_id == str(learner.pk)
    assert entry.changes["org_unit"] == [unit("BABE-TG").pk, unit("BABE").pk]
    assert entry.ip_address == "127.0.0.1"


def test_hr_cannot_edit_an_administrator_in_their_scope(hr_babe, province):
    boss = UserFactory(org_unit=unit("BABE"), roles=["admin"])
    response = client_for(hr_babe).patch(f"/api/v1/users/{boss.pk}/", {"email": "x@example.com"})
    assert response.status_code == 403


def test_learners_and_instructors_cannot_use_the_people_api(learner, province):
    instructor = UserFactory(roles=["instructor"])
    for caller in (learner, instructor):
        api = client_for(caller)
        assert api.get("/api/v1/users/").status_code == 403
        assert api.post("/api/v1/users/", new_person()).status_code == 403
        assert api.get(f"/api/v1/users/{learner.pk}/").status_code == 403


def test_search_and_org_unit_filter_cover_the_subtree(admin_user, learner, outsider):
    api = client_for(admin_user)
    by_unit = api.get(f"/api/v1/users/?org_unit={unit('BABE').pk}").json()["results"]
    assert [row["username"] for row in by_unit] == ["hocvien"]
    by_name = api.get("/api/v1/users/?search=Ngoài").json()["results"]
    assert [row["username"] for row in by_name] == ["ngoai"]


def test_the_people_list_runs_a_fixed_number_of_queries(admin_user, province, django_assert_max_num_queries):
    UserFactory.create_batch(40, org_unit=unit("BABE-TG"), roles=["learner"], hr_scope=[unit("BABE")])
    api = client_for(admin_user)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/users/?page_size=100")
    assert response.json()["count"] == 41


def test_changing_roles_is_audited_without_secrets(admin_user, learner):
    response = client_for(admin_user).patch(
        f"/api/v1/users/{learner.pk}/", {"roles": ["learner", "instructor"], "password": "Mat-Khau-Moi-2026!"}
    )
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.get(action="user.roles_changed", target_id=str(learner.pk))
    assert entry.changes == {"roles": [["learner"], ["instructor", "learner"]]}
    for logged in AuditEntry.objects.all():
        assert "Mat-Khau-Moi-2026!" not in str(logged.changes)


def test_me_describes_the_caller(learner):
    response = client_for(learner).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "hocvien"
    assert body["full_name"] == "Nông Văn Học"
    assert body["org_unit"] == learner.org_unit_id
    assert body["roles"] == ["learner"]
