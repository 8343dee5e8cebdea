"""The issue's journey through the API alone: plan, roster a district, take attendance, check in."""

from datetime import timedelta

from courses.models import Enrollment
from tests.conftest import client_for, unit
from tests.factories import UserFactory
from tests.training.conftest import START


def test_a_conference_from_creation_to_the_attendance_rule(instructor, learner, outsider, clock):
    api = client_for(instructor)
    course = api.post("/api/v1/courses/", {"code": "HN-CCHC", "title": "Tuyên truyền CCHC", "topic": "procedures",
                                           "hours": "4", "completion_rule": "attendance"}).json()
    module = api.post(f"/api/v1/courses/{course['id']}/modules/", {"title": "Tài liệu"}).json()
    api.post(f"/api/v1/modules/{module['id']}/lessons/", {"title": "Đề cương", "kind": "text", "body": "x"})
    assert api.post(f"/api/v1/courses/{course['id']}/publish/").status_code == 200

    created = api.post("/api/v1/conferences/", {
        "title": "Hội nghị tuyên truyền cải cách hành chính năm 2026", "starts_on": "2026-11-12",
        "ends_on": "2026-11-13", "venue": "Hội trường UBND tỉnh", "speakers": "Báo cáo viên Bộ Nội vụ",
        "courses": [course["id"]], "attendance_percent": 80,
    })
    assert created.status_code == 201, created.content
    conference = created.json()
    assert conference["kind"] == "conference" and conference["instructors"] == [instructor.pk]
    sessions = []
    for number in range(2):
        starts_at = START + timedelta(days=number)
        response = api.post(f"/api/v1/conferences/{conference['id']}/sessions/", {
            "title": f"Phiên {number + 1}", "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=3)).isoformat(),
        })
        assert response.status_code == 201, response.content
        sessions.append(response.json())

    punctual = UserFactory(full_name="Hà Văn Đúng Giờ", org_unit=unit("BABE"))
    latecomer = UserFactory(full_name="Ma Thị Muộn", org_unit=unit("BABE-TG"))
    absentee = UserFactory(full_name="Bàn Văn Vắng", org_unit=unit("BABE-TG"))
    added = api.post(f"/api/v1/conferences/{conference['id']}/roster/", {"org_unit": unit("BABE").pk})
    assert added.json() == {"added": 4, "already": 0}
    enrolled = set(Enrollment.objects.filter(course_id=course["id"]).values_list("user_id", flat=True))
    assert enrolled == {learner.pk, punctual.pk, latecomer.pk, absentee.pk}

    first = api.post(f"/api/v1/sessions/{sessions[0]['id']}/attendance/", {"records": [
        {"user": learner.pk, "status": "present"}, {"user": punctual.pk, "status": "present"},
        {"user": latecomer.pk, "status": "late"}, {"user": absentee.pk, "status": "absent"},
    ]})
    assert first.json() == {"recorded": 4, "changed": 4}

    clock.at = START + timedelta(days=1, minutes=2)
    code = api.get(f"/api/v1/sessions/{sessions[1]['id']}/check-in-code/").json()["code"]
    for person in (learner, punctual, absentee):
        response = client_for(person).post("/api/v1/check-in/", {"code": code})
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "present"
    clock.advance(20 * 60)
    late_code = api.get(f"/api/v1/sessions/{sessions[1]['id']}/check-in-code/").json()["code"]
    late = client_for(latecomer).post("/api/v1/check-in/", {"code": late_code})
    assert late.json()["status"] == "late" and late.json()["method"] == "self"

    summary = api.get(f"/api/v1/conferences/{conference['id']}/attendance/").json()
    rows = {row["user"]["id"]: row for row in summary["results"]}
    assert {pk for pk, row in rows.items() if row["attended"]} == {learner.pk, punctual.pk, latecomer.pk}
    assert rows[latecomer.pk] | {"user": None} == {
        "user": None, "present": 0, "late": 2, "excused": 0, "absent": 0, "not_recorded": 0, "attended": True,
        "certificate_eligible": True,
    }
    assert (rows[absentee.pk]["present"], rows[absentee.pk]["absent"], rows[absentee.pk]["attended"]) == (1, 1, False)
    assert outsider.pk not in rows
    completed = set(Enrollment.objects.filter(course_id=course["id"], status="completed").values_list("user_id", flat=True))
    assert completed == {learner.pk, punctual.pk, latecomer.pk}
    mine = client_for(learner).get("/api/v1/me/enrollments/").json()
    assert [(row["course"], row["status"]) for row in mine] == [(course["id"], "completed")]
