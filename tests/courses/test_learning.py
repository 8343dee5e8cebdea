from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts import services as accounts_services
from courses import services
from reports.hours import person_hours
from courses.models import Course, Enrollment
from tests.conftest import client_for, unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory


def due_in(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_the_whole_journey_through_the_api(instructor, hr_babe, learner, outsider):
    """Build, publish, assign to a district, learn, complete: hours credited in the last request."""
    api = client_for(instructor)
    course = api.post("/api/v1/courses/", {"code": "MC-01", "title": "Một cửa", "topic": "procedures",
                                           "hours": "4.5", "completion_rule": "lessons"}).json()
    module = api.post(f"/api/v1/courses/{course['id']}/modules/", {"title": "Chương 1"}).json()
    lessons = [
        api.post(f"/api/v1/modules/{module['id']}/lessons/", {"title": f"Bài {n}", "kind": "text", "body": "x"}).json()
        for n in (1, 2)
    ]
    assert api.post(f"/api/v1/courses/{course['id']}/publish/").status_code == 200
    colleague = UserFactory(org_unit=unit("BABE"))

    assigned = client_for(hr_babe).post(
        "/api/v1/assignments/", {"course": course["id"], "org_unit": unit("BABE").pk, "due_date": due_in(30)}
    )
    assert assigned.status_code == 201, assigned.content
    assert assigned.json() == {"enrolled": 2}
    enrolled = set(Enrollment.objects.filter(course_id=course["id"]).values_list("user__username", flat=True))
    assert enrolled == {learner.username, colleague.username}
    mine = client_for(learner).get("/api/v1/me/enrollments/").json()
    assert mine[0]["due_date"] == due_in(30) and mine[0]["status"] == "enrolled" and mine[0]["progress_percent"] == 0

    me = client_for(learner)
    first = me.post(f"/api/v1/lessons/{lessons[0]['id']}/complete/").json()
    assert first["status"] == "enrolled" and first["progress_percent"] == 50
    last = me.post(f"/api/v1/lessons/{lessons[1]['id']}/complete/").json()
    assert last["status"] == "completed" and last["progress_percent"] == 100 and last["completed_at"]
    year = timezone.localdate().year
    assert me.get("/api/v1/me/training-hours/").json() == [{"year": year, "hours": "4.5", "courses": 1, "required": "40.0"}]


def test_assigning_again_enrols_nobody_twice(course, hr_babe, learner):
    api = client_for(hr_babe)
    payload = {"course": course.pk, "org_unit": unit("BABE").pk, "due_date": due_in(10)}
    assert api.post("/api/v1/assignments/", payload).json() == {"enrolled": 1}
    again = api.post("/api/v1/assignments/", {**payload, "due_date": due_in(20)})
    assert again.json() == {"enrolled": 0}
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.due_date.isoformat() == due_in(20)


def test_hr_cannot_assign_outside_their_scope(course, hr_babe):
    response = client_for(hr_babe).post(
        "/api/v1/assignments/", {"course": course.pk, "org_unit": unit("CHODON").pk, "due_date": due_in(10)}
    )
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_a_due_date_in_the_past_is_refused(course, hr_babe):
    response = client_for(hr_babe).post(
        "/api/v1/assignments/", {"course": course.pk, "org_unit": unit("BABE").pk, "due_date": due_in(-1)}
    )
    assert response.status_code == 400
    assert "due_date" in response.json()


def test_learners_cannot_assign(course, learner):
    response = client_for(learner).post(
        "/api/v1/assignments/", {"course": course.pk, "org_unit": unit("BABE").pk, "due_date": due_in(10)}
    )
    assert response.status_code == 403


def test_people_who_join_or_move_into_an_assigned_unit_are_enrolled(course, hr_babe, admin_user, outsider):
    services.assign_course(actor=hr_babe, course=course, org_unit=unit("BABE"), due_date=timezone.localdate())
    newcomer = accounts_services.create_user(
        actor=admin_user, username="moi", full_name="Hà Văn Mới", org_unit=unit("BABE-TG"), password="Mat-Khau-2026!"
    )
    accounts_services.update_user(actor=admin_user, user=outsider, org_unit=unit("BABE"))
    enrolled = set(Enrollment.objects.filter(course=course, mandatory=True).values_list("user__username", flat=True))
    assert enrolled == {"moi", "ngoai"}
    assert newcomer.enrollments.get().due_date == timezone.localdate()


def test_self_enrolment_returns_the_same_enrolment_again(course, learner):
    api = client_for(learner)
    first = api.post(f"/api/v1/courses/{course.pk}/enroll/")
    second = api.post(f"/api/v1/courses/{course.pk}/enroll/")
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]


def test_a_draft_course_is_invisible_and_cannot_be_enrolled_in(instructor, learner):
    draft = build_course(instructor, code="NHAP", publish=False)
    assert client_for(learner).post(f"/api/v1/courses/{draft.pk}/enroll/").status_code == 404
    listed = [row["code"] for row in client_for(learner).get("/api/v1/courses/").json()["results"]]
    assert "NHAP" not in listed
    assert "NHAP" in [row["code"] for row in client_for(instructor).get("/api/v1/courses/").json()["results"]]


def test_lessons_are_for_enrolled_learners_and_instructors(course, learner, outsider, instructor):
    lesson = course.modules.first().lessons.first()
    services.enroll(user=learner, course=course)
    assert client_for(learner).get(f"/api/v1/lessons/{lesson.pk}/").status_code == 200
    assert client_for(instructor).get(f"/api/v1/lessons/{lesson.pk}/").status_code == 200
    assert client_for(outsider).get(f"/api/v1/lessons/{lesson.pk}/").status_code == 403
    assert client_for(outsider).post(f"/api/v1/lessons/{lesson.pk}/complete/").status_code == 403


def test_an_instructor_enrols_people_by_hand(course, instructor, learner, outsider):
    api = client_for(instructor)
    response = api.post(f"/api/v1/courses/{course.pk}/enrollments/", {"users": [learner.pk, outsider.pk]})
    assert response.json() == {"enrolled": 2}
    listed = api.get(f"/api/v1/courses/{course.pk}/enrollments/").json()
    assert listed["count"] == 2


def test_a_completed_enrolment_stays_completed_when_the_course_grows(course, learner, instructor):
    services.enroll(user=learner, course=course)
    for lesson in course.modules.first().lessons.all():
        services.complete_lesson(user=learner, lesson=lesson)
    services.add_lesson(module=course.modules.first(), title="Bài mới", body="x")
    services.update_course(actor=instructor, course=course, hours=Decimal("10"))
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.status == "completed" and enrollment.credited_hours == Decimal("4.0")
    assert person_hours(learner)[0]["hours"] == Decimal("4.0")


def test_lessons_and_quiz_waits_for_the_quiz_only_when_there_is_one(course, learner):
    course.completion_rule = Course.CompletionRule.QUIZ
    course.save()
    enrollment = services.enroll(user=learner, course=course)
    for lesson in course.modules.first().lessons.all():
        services.complete_lesson(user=learner, lesson=lesson)
    assert not Enrollment.objects.get(pk=enrollment.pk).is_completed
    assert services.record_quiz_results(course=course, results={learner.pk: True}) == 1
    assert Enrollment.objects.get(pk=enrollment.pk).is_completed


def test_attendance_rule_completes_on_the_attendance_result(course, learner):
    course.completion_rule = Course.CompletionRule.ATTENDANCE
    course.save()
    enrollment = services.enroll(user=learner, course=course)
    assert services.record_attendance_results(course=course, results={learner.pk: True}) == 1
    assert Enrollment.objects.get(pk=enrollment.pk).is_completed


def test_overdue_enrolments_are_flagged(course, learner):
    enrollment = services.enroll(user=learner, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(due_date=timezone.localdate() - timedelta(days=1), mandatory=True)
    assert client_for(learner).get("/api/v1/me/enrollments/").json()[0]["overdue"] is True
