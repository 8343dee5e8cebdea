"""Demo data, admin pages and the personal-data download."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import AuditEntry
from courses.models import Enrollment
from training import demo, services
from training.models import AttendanceRecord, Event, RosterEntry
from tests.conftest import client_for
from tests.factories import UserFactory


def counts():
    return (Event.objects.count(), RosterEntry.objects.count(), AttendanceRecord.objects.count(),
            Enrollment.objects.count())


def test_the_demo_has_a_class_and_a_conference_with_partial_attendance_and_loads_twice_the_same(db):
    accounts_demo.load()
    output = io.StringIO()
    demo.load(output)
    before = counts()
    demo.load(output)
    assert counts() == before
    school_class = Event.objects.get(kind="class")
    conference = Event.objects.get(kind="conference", title=demo.CONFERENCE_TITLE)
    assert "Trường Chính trị tỉnh Bắc Kạn" in school_class.title
    assert conference.title == "Hội nghị tuyên truyền cải cách hành chính năm 2026" and conference.speakers
    for event in (school_class, conference):
        units = set(event.roster.values_list("user__org_unit__parent__code", flat=True))
        assert len(units) >= 3  # drawn from several districts or departments
        assert 0 < event.roster.filter(attended=True).count() < event.roster.count()
        assert 2 <= event.sessions.count() <= 3
    # And one coming up a week from now, its roster waiting, for the learners' home page.
    upcoming = Event.objects.get(title=demo.UPCOMING_TITLE)
    assert upcoming.starts_on == timezone.localdate() + timedelta(days=7) and upcoming.sessions.count() == 2
    assert upcoming.roster.exists() and not AttendanceRecord.objects.filter(session__event=upcoming).exists()
    course = school_class.courses.get()
    completed = set(Enrollment.objects.filter(course=course, status="completed").values_list("user_id", flat=True))
    assert completed == set(school_class.roster.filter(attended=True).values_list("user_id", flat=True))


def test_the_demo_makes_do_with_whatever_learners_exist(province):
    UserFactory(roles=["instructor"])
    UserFactory.create_batch(6, roles=["learner"])
    demo.load(io.StringIO())
    assert RosterEntry.objects.filter(event__kind="class").count() == 6


def test_the_demo_is_skipped_without_an_instructor(db):
    output = io.StringIO()
    demo.load(output)
    assert not Event.objects.exists() and "skipped" in output.getvalue()


@pytest.fixture
def filled(conference, instructor, learner):
    services.add_to_roster(actor=instructor, event=conference, user_ids=[learner.pk])
    services.record_attendance(actor=instructor, session=conference.sessions.first(), records=[(learner.pk, "late")])
    return conference


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.mark.parametrize("model", ["event", "session", "rosterentry", "attendancerecord"])
def test_admin_pages_show_administrators_everything_and_instructors_their_own(
    model, filled, admin_user, instructor, other_instructor
):
    for person, rows in ((admin_user, True), (instructor, True), (other_instructor, False)):
        page = signed_in(person).get(f"/admin/training/{model}/")
        assert page.status_code == 200, (person.username, model)
        assert (b"result_list" in page.content) == rows, (person.username, model)
    entry = {"event": filled, "session": filled.sessions.first(), "rosterentry": filled.roster.first(),
             "attendancerecord": AttendanceRecord.objects.first()}[model]
    assert signed_in(admin_user).get(f"/admin/training/{model}/{entry.pk}/change/").status_code == 200


def test_roster_and_attendance_are_read_only_in_the_admin(filled, admin_user):
    client = signed_in(admin_user)
    assert client.get("/admin/training/attendancerecord/add/").status_code == 403
    assert client.get("/admin/training/rosterentry/add/").status_code == 403
    record = AttendanceRecord.objects.get()
    assert client.post(f"/admin/training/attendancerecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403


def test_an_instructor_plans_a_class_with_sessions_in_the_admin(instructor):
    added = signed_in(instructor).post("/admin/training/event/add/", {
        "kind": "class", "title": "Lớp CCHC", "starts_on": "2026-10-05", "ends_on": "2026-10-06",
        "attendance_percent": "80", "topic": "procedures", "hours": "0", "instructors": [], "courses": [],
        "sessions-TOTAL_FORMS": "1", "sessions-INITIAL_FORMS": "0",
        # ISO dates, as the admin's calendar writes them ("05/10/2026" would be read as 10 May).
        "sessions-0-title": "Buổi 1", "sessions-0-starts_at_0": "2026-10-05", "sessions-0-starts_at_1": "07:30",
        "sessions-0-ends_at_0": "2026-10-05", "sessions-0-ends_at_1": "11:00",
    })
    assert added.status_code == 302, added.content[:3000]
    event = Event.objects.get()
    assert event.created_by == instructor and list(event.instructors.all()) == [instructor]
    assert event.sessions.count() == 1
    # Made by the services, as through the API.
    assert set(AuditEntry.objects.filter(actor=instructor).values_list("action", flat=True)) == {
        "event.created", "session.created"}


def test_the_personal_data_download_lists_attendance(filled, learner):
    data = client_for(learner).get("/api/v1/me/data/")
    assert data.status_code == 200
    [event] = data.json()["classes_and_conferences"]
    assert event["title"] == filled.title and event["attended"] is False
    assert [(row["status"], row["method"]) for row in event["attendance"]] == [("late", "manual")]
