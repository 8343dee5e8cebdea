"""Attendance recorded by instructors, and the attendance rule that follows from it."""

from datetime import timedelta
from unittest import mock

import pytest

from accounts.models import AuditEntry
from courses import services as course_services
from courses.models import Course, Enrollment
from training import services
from training.models import AttendanceRecord, RosterEntry
from tests.conftest import client_for, unit
from tests.factories import UserFactory
from tests.training.conftest import START, make_event


def attendance_url(session):
    return f"/api/v1/sessions/{session.pk}/attendance/"


def make_course(instructor, code="HP-01", rule=Course.CompletionRule.ATTENDANCE):
    course = course_services.create_course(actor=instructor, code=code, title="Học phần CCHC", topic="procedures",
                                           hours=8, completion_rule=rule)
    module = course_services.add_module(course=course, title="Chương 1")
    course_services.add_lesson(module=module, title="Bài 1", body="<p>x</p>")
    return course_services.publish_course(actor=instructor, course=course)


@pytest.fixture
def people(province, conference, instructor):
    people = UserFactory.create_batch(5, org_unit=unit("BABE"))
    services.add_to_roster(actor=instructor, event=conference, user_ids=[person.pk for person in people])
    return people


def test_the_whole_roster_is_recorded_in_one_request(instructor, conference, people):
    session = conference.sessions.first()
    records = [{"user": person.pk, "status": status}
               for person, status in zip(people, ["present", "late", "excused", "absent", "present"])]
    response = client_for(instructor).post(attendance_url(session), {"records": records})
    assert response.status_code == 200, response.content
    assert response.json() == {"recorded": 5, "changed": 5}
    stored = {r.user_id: r for r in AttendanceRecord.objects.filter(session=session)}
    assert {pk: r.status for pk, r in stored.items()} == {r["user"]: r["status"] for r in records}
    assert {(r.method, r.recorded_by_id) for r in stored.values()} == {("manual", instructor.pk)}
    listed = client_for(instructor).get(attendance_url(session)).json()
    assert listed["count"] == 5 and {row["user"]["id"] for row in listed["results"]} == {p.pk for p in people}


def test_one_person_can_be_recorded_on_their_own(instructor, conference, people):
    session = conference.sessions.first()
    response = client_for(instructor).post(attendance_url(session), {"user": people[0].pk, "status": "late"})
    assert response.json() == {"recorded": 1, "changed": 1}
    assert AttendanceRecord.objects.get(session=session, user=people[0]).status == "late"


def test_recording_the_same_again_changes_nothing_and_logs_nothing(instructor, conference, people):
    session = conference.sessions.first()
    payload = {"records": [{"user": person.pk, "status": "present"} for person in people]}
    client_for(instructor).post(attendance_url(session), payload)
    logged = AuditEntry.objects.filter(action="attendance.recorded").count()
    again = client_for(instructor).post(attendance_url(session), payload)
    assert again.json() == {"recorded": 5, "changed": 0}
    assert AuditEntry.objects.filter(action="attendance.recorded").count() == logged == 1


def test_a_change_of_status_is_logged_with_before_and_after(instructor, conference, people):
    session = conference.sessions.first()
    api = client_for(instructor)
    api.post(attendance_url(session), {"user": people[0].pk, "status": "absent"})
    api.post(attendance_url(session), {"user": people[0].pk, "status": "excused"})
    entry = AuditEntry.objects.filter(action="attendance.recorded").first()
    assert entry.actor == instructor and entry.target_id == str(session.pk)
    assert entry.changes == {"records": {str(people[0].pk): ["absent", "excused"]}}


@pytest.mark.parametrize("payload, field", [
    ({"records": [{"user": 1, "status": "asleep"}]}, "records"),
    ({"records": [{"status": "present"}]}, "records"),
    ({"records": [{"user": "abc", "status": "present"}]}, "records"),
    ({"records": [{"user": True, "status": "present"}]}, "records"),
    ({"records": ["present"]}, "records"),
    ({"records": []}, "records"),
    ({"records": "everyone"}, "records"),
    ({"user": 1}, "status"),
    ({"status": "present"}, "user"),
    ({"user": "x", "status": "present"}, "user"),
    ({"user": 2**70, "status": "present"}, "user"),
    ({"records": [{"user": 2**70, "status": "present"}]}, "records"),
    ({}, "user"),
    ({"user": 1, "status": "present", "records": [{"user": 1, "status": "present"}]}, "detail"),
])
def test_bad_attendance_input_is_a_400_naming_the_field(instructor, conference, people, payload, field):
    response = client_for(instructor).post(attendance_url(conference.sessions.first()), payload)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not AttendanceRecord.objects.exists()


def test_people_not_on_the_roster_or_named_twice_are_refused_and_nothing_is_recorded(
    instructor, conference, people, outsider
):
    api = client_for(instructor)
    session = conference.sessions.first()
    foreign = api.post(attendance_url(session), {"records": [
        {"user": people[0].pk, "status": "present"}, {"user": outsider.pk, "status": "present"},
    ]})
    assert foreign.status_code == 400
    assert str(outsider.pk) in foreign.json()["records"][0]
    twice = api.post(attendance_url(session), {"records": [
        {"user": people[0].pk, "status": "present"}, {"user": people[0].pk, "status": "late"},
    ]})
    assert twice.status_code == 400 and "records" in twice.json()
    assert not AttendanceRecord.objects.exists()


def record_all(instructor, event, status="present", people=None):
    people = people or [entry.user_id for entry in event.roster.all()]
    for session in event.sessions.all():
        services.record_attendance(actor=instructor, session=session, records=[(pk, status) for pk in people])


def attended(event):
    return set(RosterEntry.objects.filter(event=event, attended=True).values_list("user_id", flat=True))


def test_present_or_late_at_enough_sessions_meets_the_rule_and_excused_does_not(instructor, people):
    event = make_event(instructor, sessions=5, attendance_percent=80)
    services.add_to_roster(actor=instructor, event=event, user_ids=[p.pk for p in people])
    sessions = list(event.sessions.order_by("starts_at"))
    plan = {  # statuses per session for each person
        people[0].pk: ["present"] * 5,
        people[1].pk: ["present", "late", "late", "present", "absent"],  # 4 of 5 = 80%
        people[2].pk: ["present", "present", "present", "excused", "absent"],  # 60%
        people[3].pk: ["late"] * 4 + ["excused"],  # 80%
        people[4].pk: ["present"] * 3,  # two sessions not recorded: 60%
    }
    for number, session in enumerate(sessions):
        records = [(pk, statuses[number]) for pk, statuses in plan.items() if number < len(statuses)]
        services.record_attendance(actor=instructor, session=session, records=records)
    assert attended(event) == {people[0].pk, people[1].pk, people[3].pk}


def test_a_person_with_no_sessions_to_attend_has_not_attended(instructor, people):
    event = make_event(instructor, sessions=0)
    services.add_to_roster(actor=instructor, event=event, user_ids=[people[0].pk])
    assert attended(event) == set()


def test_meeting_the_rule_completes_a_linked_attendance_course_at_once(instructor, people):
    course = make_course(instructor)
    other = make_course(instructor, code="HP-02", rule=Course.CompletionRule.LESSONS)
    event = make_event(instructor, sessions=2, courses=[course, other])
    services.add_to_roster(actor=instructor, event=event, user_ids=[people[0].pk, people[1].pk])
    record_all(instructor, event, people=[people[0].pk])
    first, second = (Enrollment.objects.get(user=person, course=course) for person in people[:2])
    assert first.status == "completed" and first.credited_hours == 8
    assert second.status == "enrolled" and second.attendance_met_at is None
    lessons_course = Enrollment.objects.get(user=people[0], course=other)
    assert lessons_course.status == "enrolled" and lessons_course.attendance_met_at is not None


def test_the_course_service_hears_only_about_people_whose_result_changed(instructor, people):
    course = make_course(instructor)
    event = make_event(instructor, sessions=2, courses=[course])
    services.add_to_roster(actor=instructor, event=event, user_ids=[p.pk for p in people])
    first, second = event.sessions.order_by("starts_at")
    real = course_services.record_attendance_results
    with mock.patch("training.services.course_services.record_attendance_results", wraps=real) as told:
        services.record_attendance(actor=instructor, session=first, records=[(p.pk, "present") for p in people])
        assert told.call_count == 0  # one session of two is 50%: nobody's result changed
        services.record_attendance(actor=instructor, session=second,
                                   records=[(p.pk, "present") for p in people[:3]])
        results = {user_id: met for call in told.call_args_list for user_id, met in call.kwargs["results"].items()}
        assert results == {p.pk: True for p in people[:3]}


def test_a_new_session_decides_everyone_again_but_never_takes_a_completion_back(instructor, people):
    course = make_course(instructor)
    event = make_event(instructor, sessions=2, courses=[course])
    services.add_to_roster(actor=instructor, event=event, user_ids=[people[0].pk])
    record_all(instructor, event)
    assert attended(event) == {people[0].pk}
    response = client_for(instructor).post(f"/api/v1/conferences/{event.pk}/sessions/", {
        "title": "Phiên 3", "starts_at": (START + timedelta(days=1, hours=4)).isoformat(),
        "ends_at": (START + timedelta(days=1, hours=6)).isoformat(),
    })
    assert response.status_code == 201
    assert attended(event) == set()  # 2 of 3 sessions
    enrollment = Enrollment.objects.get(user=people[0], course=course)
    assert enrollment.status == "completed" and enrollment.attendance_met_at is None


def test_deleting_a_session_decides_everyone_again(instructor, people):
    event = make_event(instructor, sessions=3)
    services.add_to_roster(actor=instructor, event=event, user_ids=[people[0].pk])
    first, second, third = event.sessions.order_by("starts_at")
    for session in (first, second):
        services.record_attendance(actor=instructor, session=session, records=[(people[0].pk, "present")])
    assert attended(event) == set()
    assert client_for(instructor).delete(f"/api/v1/sessions/{third.pk}/").status_code == 204
    assert attended(event) == {people[0].pk}


def test_changing_the_required_share_applies_at_once(instructor, people):
    event = make_event(instructor, sessions=2)
    services.add_to_roster(actor=instructor, event=event, user_ids=[people[0].pk])
    services.record_attendance(actor=instructor, session=event.sessions.first(), records=[(people[0].pk, "late")])
    response = client_for(instructor).patch(f"/api/v1/conferences/{event.pk}/", {"attendance_percent": 50})
    assert response.status_code == 200, response.content
    assert attended(event) == {people[0].pk}


def test_linking_a_course_later_enrols_the_roster_and_passes_on_known_results(instructor, people):
    event = make_event(instructor, sessions=1)
    services.add_to_roster(actor=instructor, event=event, user_ids=[people[0].pk, people[1].pk])
    record_all(instructor, event, people=[people[0].pk])
    course = make_course(instructor)
    response = client_for(instructor).patch(f"/api/v1/conferences/{event.pk}/", {"courses": [course.pk]})
    assert response.status_code == 200, response.content
    statuses = dict(Enrollment.objects.filter(course=course).values_list("user_id", "status"))
    assert statuses == {people[0].pk: "completed", people[1].pk: "enrolled"}


def test_the_attendance_summary_counts_each_status_per_person(instructor, conference, people, hr_babe):
    first, second = conference.sessions.order_by("starts_at")
    services.record_attendance(actor=instructor, session=first, records=[(people[0].pk, "excused")])
    services.record_attendance(actor=instructor, session=second, records=[(people[0].pk, "absent")])
    rows = client_for(instructor).get(f"/api/v1/conferences/{conference.pk}/attendance/").json()["results"]
    row = next(row for row in rows if row["user"]["id"] == people[0].pk)
    assert (row["present"], row["late"], row["excused"], row["absent"], row["not_recorded"]) == (0, 0, 1, 1, 0)
    untouched = next(row for row in rows if row["user"]["id"] == people[1].pk)
    assert untouched["not_recorded"] == 2 and untouched["attended"] is False


@pytest.mark.parametrize("size", [5, 40])
def test_when_a_whole_roster_meets_the_rule_the_courses_complete_in_the_same_request(
    instructor, province, size, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    people = UserFactory.create_batch(size, org_unit=unit("BABE"))
    course = make_course(instructor)
    event = make_event(instructor, sessions=1, courses=[course])
    services.add_to_roster(actor=instructor, event=event, user_ids=[p.pk for p in people])
    records = {"records": [{"user": p.pk, "status": "present"} for p in people]}
    with django_assert_max_num_queries(40):
        response = client_for(instructor).post(attendance_url(event.sessions.get()), records)
    assert response.status_code == 200
    assert Enrollment.objects.filter(course=course, status="completed").count() == size


def test_a_course_linked_to_two_events_counts_the_rule_met_at_either(instructor, people):
    course = make_course(instructor, rule=Course.CompletionRule.LESSONS)
    first = make_event(instructor, sessions=1, courses=[course], title="Lớp 1")
    second = make_event(instructor, sessions=1, courses=[course], title="Lớp 2")
    for event in (first, second):
        services.add_to_roster(actor=instructor, event=event, user_ids=[people[0].pk])
    record_all(instructor, first)
    record_all(instructor, second)
    record_all(instructor, second, status="absent")  # no longer met at the second: still met at the first
    assert attended(second) == set()
    assert Enrollment.objects.get(user=people[0], course=course).attendance_met_at is not None
    record_all(instructor, first, status="absent")
    assert Enrollment.objects.get(user=people[0], course=course).attendance_met_at is None


def test_a_session_changed_through_the_api_answers_with_its_attendance_counts(conference, instructor):
    session = conference.sessions.first()
    response = client_for(instructor).patch(f"/api/v1/sessions/{session.pk}/", {"title": "Phiên sáng"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Phiên sáng"
    assert {"present", "late", "excused", "absent"} <= set(response.json())
