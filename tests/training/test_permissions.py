"""Who may see and do what with classes and conferences, and what bad input gets."""

import pytest

from training import services
from training.models import Event
from tests.conftest import client_for
from tests.training.conftest import make_event

CLASS = {"title": "Lớp bồi dưỡng CCHC khóa 1", "starts_on": "2026-10-05", "ends_on": "2026-10-09",
         "venue": "Trường Chính trị tỉnh", "cohort": "Khóa 1/2026", "school": "Trường Chính trị tỉnh Bắc Kạn"}


@pytest.fixture
def rostered(conference, instructor, learner):
    services.add_to_roster(actor=instructor, event=conference, user_ids=[learner.pk])
    return learner


def test_an_instructor_creates_a_class_with_its_cohort_and_school(instructor):
    response = client_for(instructor).post("/api/v1/classes/", CLASS)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["cohort"], body["school"], body["attendance_percent"]) == (
        "class", "Khóa 1/2026", "Trường Chính trị tỉnh Bắc Kạn", 80)
    assert "speakers" not in body and body["instructors"] == [instructor.pk]
    assert Event.objects.get().created_by == instructor


@pytest.mark.parametrize("persona", ["learner", "hr_babe"])
def test_only_instructors_create_classes_and_conferences(persona, request, db):
    person = request.getfixturevalue(persona)
    assert client_for(person).post("/api/v1/classes/", CLASS).status_code == 403
    assert client_for(person).post("/api/v1/conferences/", CLASS).status_code == 403
    assert not Event.objects.exists()


@pytest.mark.parametrize("change, field", [
    ({"title": ""}, "title"),
    ({"ends_on": "2026-10-01"}, "ends_on"),
    ({"starts_on": "mai"}, "starts_on"),
    ({"starts_on": "0086-06-05"}, "starts_on"),
    ({"ends_on": "9999-12-31"}, "ends_on"),
    ({"attendance_percent": 0}, "attendance_percent"),
    ({"attendance_percent": 101}, "attendance_percent"),
    ({"courses": [999999]}, "courses"),
    ({"instructors": ["x"]}, "instructors"),
])
def test_bad_class_input_is_a_400_naming_the_field(instructor, change, field):
    response = client_for(instructor).post("/api/v1/classes/", {**CLASS, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_bad_session_input_is_a_400_naming_the_field(instructor, conference):
    url = f"/api/v1/conferences/{conference.pk}/sessions/"
    api = client_for(instructor)
    backwards = api.post(url, {"title": "P", "starts_at": "2026-11-12T10:00+07:00", "ends_at": "2026-11-12T09:00+07:00"})
    assert backwards.status_code == 400 and "ends_at" in backwards.json()
    assert set(api.post(url, {}).json()) == {"title", "starts_at", "ends_at"}
    outside = api.post(url, {"title": "P", "starts_at": "2026-12-01T08:00+07:00", "ends_at": "2026-12-01T09:00+07:00"},
                       HTTP_ACCEPT_LANGUAGE="en")
    assert outside.status_code == 400 and "12/11/2026" in outside.json()["starts_at"][0]
    assert conference.sessions.count() == 2


def test_lists_show_what_each_person_may_see(instructor, other_instructor, conference, rostered, outsider, hr_babe,
                                             admin_user):
    course_class = make_event(other_instructor, kind=Event.Kind.CLASS, title="Lớp học")

    def seen(person, path):
        return [row["id"] for row in client_for(person).get(f"/api/v1/{path}/").json()["results"]]

    assert seen(instructor, "conferences") == [conference.pk] and seen(instructor, "classes") == []
    assert seen(other_instructor, "conferences") == [] and seen(other_instructor, "classes") == [course_class.pk]
    assert seen(rostered, "conferences") == [conference.pk] and seen(rostered, "classes") == []
    assert seen(outsider, "conferences") == []
    assert seen(hr_babe, "conferences") == [conference.pk] and seen(hr_babe, "classes") == [course_class.pk]
    assert seen(admin_user, "classes") == [course_class.pk]
    row = client_for(instructor).get("/api/v1/conferences/").json()["results"][0]
    assert (row["session_count"], row["roster_count"]) == (2, 1)


def test_a_class_is_not_found_under_conferences(instructor, conference):
    assert client_for(instructor).get(f"/api/v1/classes/{conference.pk}/").status_code == 404
    assert client_for(instructor).get(f"/api/v1/conferences/{conference.pk}/").status_code == 200


def test_what_is_hidden_is_not_found_and_what_is_seen_but_not_allowed_is_forbidden(
    instructor, other_instructor, conference, rostered, outsider, hr_babe
):
    base = f"/api/v1/conferences/{conference.pk}"
    session = conference.sessions.first()
    session_payload = {"title": "P3", "starts_at": "2026-11-20T08:00+07:00", "ends_at": "2026-11-20T10:00+07:00"}
    attendance = {"user": rostered.pk, "status": "present"}
    cases = [
        # (person, method, path, payload, expected)
        (outsider, "get", f"{base}/", None, 404),
        (other_instructor, "get", f"{base}/", None, 404),
        (other_instructor, "patch", f"{base}/", {"title": "X"}, 404),
        (other_instructor, "post", f"/api/v1/sessions/{session.pk}/attendance/", attendance, 404),
        (rostered, "get", f"{base}/", None, 200),
        (rostered, "get", f"{base}/sessions/", None, 200),
        (rostered, "get", f"/api/v1/sessions/{session.pk}/", None, 200),
        (rostered, "patch", f"{base}/", {"title": "X"}, 403),
        (rostered, "post", f"{base}/sessions/", session_payload, 403),
        (rostered, "get", f"{base}/roster/", None, 403),
        (rostered, "post", f"{base}/roster/", {"users": [outsider.pk]}, 403),
        (rostered, "get", f"{base}/attendance/", None, 403),
        (rostered, "get", f"/api/v1/sessions/{session.pk}/attendance/", None, 403),
        (rostered, "post", f"/api/v1/sessions/{session.pk}/attendance/", attendance, 403),
        (rostered, "patch", f"/api/v1/sessions/{session.pk}/", {"title": "X"}, 403),
        (rostered, "delete", f"/api/v1/sessions/{session.pk}/", None, 403),
        (hr_babe, "get", f"{base}/attendance/", None, 200),
        (hr_babe, "get", f"{base}/roster/", None, 200),
        (hr_babe, "patch", f"{base}/", {"title": "X"}, 403),
        (hr_babe, "post", f"{base}/sessions/", session_payload, 403),
        (hr_babe, "post", f"/api/v1/sessions/{session.pk}/attendance/", attendance, 403),
        (hr_babe, "delete", f"/api/v1/sessions/{session.pk}/", None, 403),
    ]
    for person, method, path, payload, expected in cases:
        response = getattr(client_for(person), method)(path, payload)
        assert response.status_code == expected, (person.username, method, path, response.content)
    conference.refresh_from_db()
    assert conference.title != "X" and conference.sessions.count() == 2
    assert not session.attendance.exists()


def test_its_instructors_can_add_a_colleague_who_then_runs_it(instructor, other_instructor, conference):
    response = client_for(instructor).patch(f"/api/v1/conferences/{conference.pk}/",
                                            {"instructors": [instructor.pk, other_instructor.pk]})
    assert response.status_code == 200, response.content
    assert client_for(other_instructor).get(f"/api/v1/conferences/{conference.pk}/roster/").status_code == 200


def test_an_administrator_runs_any_class_or_conference(admin_user, conference, learner):
    api = client_for(admin_user)
    assert api.post(f"/api/v1/conferences/{conference.pk}/roster/", {"users": [learner.pk]}).status_code == 200
    response = api.post(f"/api/v1/sessions/{conference.sessions.first().pk}/attendance/",
                        {"user": learner.pk, "status": "present"})
    assert response.status_code == 200


def test_nothing_is_open_without_signing_in(conference, api):
    assert api.get("/api/v1/conferences/").status_code == 401
    assert api.get(f"/api/v1/conferences/{conference.pk}/attendance/").status_code == 401
