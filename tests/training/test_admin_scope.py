"""The training admin shows each role what the API shows it; only an event's instructors change it."""

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from training import services
from training.models import AttendanceRecord, Event, RosterEntry, Session
from tests.accounts.test_admin_scope import api_listed, assert_missing, listed, offered, signed_in
from tests.courses.conftest import build_course
from tests.training.conftest import make_event

COVERED = {"training.Event", "training.Session", "training.RosterEntry", "training.AttendanceRecord"}


@pytest.fixture
def world(conference, other_instructor, instructor, learner, outsider):
    """Our instructor runs the conference and sits on the roster of another's class; two learners attend both."""
    theirs = make_event(other_instructor, kind=Event.Kind.CLASS, title="Lớp của người khác")
    services.add_to_roster(actor=instructor, event=conference, user_ids=[learner.pk, outsider.pk])
    services.add_to_roster(actor=other_instructor, event=theirs, user_ids=[learner.pk, outsider.pk, instructor.pk])
    for event, actor in ((conference, instructor), (theirs, other_instructor)):
        services.record_attendance(actor=actor, session=event.sessions.first(),
                                   records=[(learner.pk, "present"), (outsider.pk, "late")])
    return {"ours": conference, "theirs": theirs}


@pytest.fixture
def hr_reader(hr_babe):
    """An HR officer: the API shows them every class and conference, and the roster and attendance of their scope."""
    return hr_babe


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def api_events(person) -> set[int]:
    return api_listed(person, "/api/v1/classes/") | api_listed(person, "/api/v1/conferences/")


def test_the_event_list_shows_each_role_what_the_api_shows(world, instructor, other_instructor, hr_reader, admin_user):
    ours, theirs = world["ours"].pk, world["theirs"].pk
    for person, expected in ((instructor, {ours, theirs}), (other_instructor, {theirs}), (hr_reader, {ours, theirs}),
                             (admin_user, {ours, theirs})):
        assert listed(person, "/admin/training/event/") == api_events(person) == expected
    assert_missing(other_instructor, Event, ours)


def test_hr_open_the_training_admin_but_change_nothing_there(world, hr_babe):
    for model in ("event", "session", "rosterentry", "attendancerecord"):
        assert signed_in(hr_babe).get(f"/admin/training/{model}/").status_code == 200
        assert signed_in(hr_babe).get(f"/admin/training/{model}/add/").status_code == 403


def test_only_an_events_instructors_change_it_in_the_admin(world, instructor):
    theirs = world["theirs"]
    client = signed_in(instructor)
    page = client.get(f"/admin/training/event/{theirs.pk}/change/")
    assert page.status_code == 200 and b'name="title"' not in page.content
    assert client.post(f"/admin/training/event/{theirs.pk}/change/", {"title": "Bị sửa"}).status_code == 403
    session = theirs.sessions.first()
    assert client.post(f"/admin/training/session/{session.pk}/change/", {"title": "Bị sửa"}).status_code == 403
    assert client.post(f"/admin/training/session/{session.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Session.objects.get(pk=session.pk).title == session.title


def test_the_session_list_shows_the_sessions_of_the_events_the_api_shows(world, instructor, hr_reader, admin_user):
    ours, theirs = world["ours"], world["theirs"]
    api = (api_listed(instructor, f"/api/v1/conferences/{ours.pk}/sessions/")
           | api_listed(instructor, f"/api/v1/classes/{theirs.pk}/sessions/"))
    assert listed(instructor, "/admin/training/session/") == api == ids(Session.objects.all())
    assert listed(hr_reader, "/admin/training/session/") == ids(Session.objects.all())
    other = make_event(admin_user, title="Hội nghị khác", sessions=1)
    assert_missing(instructor, Session, other.sessions.get().pk)


def test_an_instructor_cannot_add_a_session_to_anothers_event_in_the_admin(world, instructor):
    theirs = world["theirs"]
    response = signed_in(instructor).post("/admin/training/session/add/", {
        "event": theirs.pk, "title": "Buổi chen vào",
        "starts_at_0": theirs.starts_on.isoformat(), "starts_at_1": "14:00",
        "ends_at_0": theirs.starts_on.isoformat(), "ends_at_1": "16:00"})
    assert response.status_code == 200 and b"errorlist" in response.content
    assert not Session.objects.filter(title="Buổi chen vào").exists()


def test_a_session_added_in_the_admin_goes_through_the_service(world, instructor):
    ours = world["ours"]
    day = ours.starts_on.isoformat()
    client = signed_in(instructor)
    added = client.post("/admin/training/session/add/", {
        "event": ours.pk, "title": "Buổi thêm", "starts_at_0": day, "starts_at_1": "14:00",
        "ends_at_0": day, "ends_at_1": "16:00"})
    assert added.status_code == 302, added.content[:2000]
    session = Session.objects.get(title="Buổi thêm")
    assert AuditEntry.objects.filter(action="session.created", target_id=str(session.pk), actor=instructor).exists()
    outside = client.post("/admin/training/session/add/", {
        "event": ours.pk, "title": "Buổi ngoài ngày", "starts_at_0": "2030-01-01", "starts_at_1": "14:00",
        "ends_at_0": "2030-01-01", "ends_at_1": "16:00"})
    # The service's rule refuses it on the form, which keeps what was typed; nothing is saved.
    assert outside.status_code == 200 and set(outside.context["adminform"].form.errors) == {"starts_at"}
    assert 'value="Buổi ngoài ngày"' in outside.content.decode()
    assert not Session.objects.filter(title="Buổi ngoài ngày").exists()


def test_a_session_changed_in_the_admin_is_saved_through_the_service(world, instructor):
    session = world["ours"].sessions.first()
    local = timezone.localtime
    response = signed_in(instructor).post(f"/admin/training/session/{session.pk}/change/", {
        "title": "Phiên khai mạc", "starts_at_0": local(session.starts_at).date().isoformat(),
        "starts_at_1": local(session.starts_at).strftime("%H:%M"),
        "ends_at_0": local(session.ends_at).date().isoformat(), "ends_at_1": local(session.ends_at).strftime("%H:%M")})
    assert response.status_code == 302, response.content[:2000]
    assert Session.objects.get(pk=session.pk).title == "Phiên khai mạc"
    assert AuditEntry.objects.filter(action="session.changed", target_id=str(session.pk), actor=instructor).exists()


def event_form(event, **changes) -> dict:
    """The change page of a class or conference and its sessions, as its instructor would post it back."""
    local = timezone.localtime
    sessions = list(event.sessions.order_by("starts_at"))
    data = {"title": event.title, "starts_on": event.starts_on, "ends_on": event.ends_on, "venue": event.venue,
            "attendance_percent": event.attendance_percent, "materials_url": event.materials_url,
            "topic": event.topic, "hours": event.hours,
            "cohort": event.cohort, "school": event.school, "speakers": event.speakers,
            "instructors": [person.pk for person in event.instructors.all()],
            "courses": [course.pk for course in event.courses.all()],
            "sessions-TOTAL_FORMS": len(sessions), "sessions-INITIAL_FORMS": len(sessions)}
    for n, session in enumerate(sessions):
        data |= {f"sessions-{n}-id": session.pk, f"sessions-{n}-event": event.pk, f"sessions-{n}-title": session.title,
                 f"sessions-{n}-starts_at_0": local(session.starts_at).date().isoformat(),
                 f"sessions-{n}-starts_at_1": local(session.starts_at).strftime("%H:%M"),
                 f"sessions-{n}-ends_at_0": local(session.ends_at).date().isoformat(),
                 f"sessions-{n}-ends_at_1": local(session.ends_at).strftime("%H:%M")}
    return {**data, **changes}


def test_sessions_changed_and_removed_on_the_event_page_go_through_the_services(world, instructor):
    ours = world["ours"]
    first, second = ours.sessions.order_by("starts_at")
    data = event_form(ours, **{"sessions-0-title": "Phiên khai mạc", "sessions-1-DELETE": "on"})
    response = signed_in(instructor).post(f"/admin/training/event/{ours.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    assert Session.objects.get(pk=first.pk).title == "Phiên khai mạc"
    assert not Session.objects.filter(pk=second.pk).exists()
    for action, session in (("session.changed", first), ("session.deleted", second)):
        assert AuditEntry.objects.filter(action=action, target_id=str(session.pk), actor=instructor).exists()


def test_what_the_event_services_refuse_is_shown_on_the_form(world, instructor):
    ours = world["ours"]
    client = signed_in(instructor)
    mistyped = client.post(f"/admin/training/event/{ours.pk}/change/",
                           event_form(ours, title="Đổi tên", ends_on="2106-11-13"))
    assert mistyped.status_code == 200 and set(mistyped.context["adminform"].form.errors) == {"ends_on"}
    assert 'value="Đổi tên"' in mistyped.content.decode()
    outside = {"sessions-0-starts_at_0": "2030-01-01", "sessions-0-ends_at_0": "2030-01-01"}
    late = client.post(f"/admin/training/event/{ours.pk}/change/", event_form(ours, **outside))
    assert late.status_code == 200
    [session_form] = [form for form in late.context["inline_admin_formsets"][0].formset.forms if form.errors]
    assert set(session_form.errors) == {"starts_at"}
    assert Event.objects.get(pk=ours.pk).title == ours.title


def test_the_event_form_offers_the_people_who_teach_and_the_courses_the_api_lists(
    world, instructor, other_instructor, learner, hr_babe, admin_user
):
    draft = build_course(other_instructor, code="NHAP", publish=False)
    published = build_course(other_instructor, code="CONG-KHAI")
    teachers = {instructor.pk, other_instructor.pk}
    assert offered(instructor, "/admin/training/event/add/", "instructors") == teachers
    page = signed_in(instructor).get("/admin/training/event/add/").content.decode()
    assert learner.full_name not in page and hr_babe.full_name not in page and "NHAP" not in page
    assert offered(instructor, "/admin/training/event/add/", "courses") == api_listed(instructor, "/api/v1/courses/")
    assert offered(instructor, "/admin/training/event/add/", "courses") == {published.pk}
    assert offered(admin_user, "/admin/training/event/add/", "courses") == {published.pk, draft.pk}
    # What the event has already stays offered, so that saving it never drops it.
    ours = world["ours"]
    ours.instructors.add(learner)
    ours.courses.add(draft)
    page = f"/admin/training/event/{ours.pk}/change/"
    assert offered(instructor, page, "instructors") == teachers | {learner.pk}
    assert offered(instructor, page, "courses") == {published.pk, draft.pk}


def test_the_roster_list_shows_instructors_their_events_and_hr_their_people(
    world, instructor, hr_reader, admin_user, learner
):
    ours, theirs = world["ours"], world["theirs"]
    assert listed(instructor, "/admin/training/rosterentry/") == api_listed(
        instructor, f"/api/v1/conferences/{ours.pk}/roster/") == ids(RosterEntry.objects.filter(event=ours))
    api = (api_listed(hr_reader, f"/api/v1/conferences/{ours.pk}/roster/")
           | api_listed(hr_reader, f"/api/v1/classes/{theirs.pk}/roster/"))
    assert listed(hr_reader, "/admin/training/rosterentry/") == api == ids(RosterEntry.objects.filter(user=learner))
    assert listed(admin_user, "/admin/training/rosterentry/") == ids(RosterEntry.objects.all())
    assert_missing(instructor, RosterEntry, RosterEntry.objects.get(event=theirs, user=instructor).pk)


def test_the_attendance_list_shows_instructors_their_events_and_hr_their_people(
    world, instructor, hr_reader, admin_user, learner, outsider
):
    ours = world["ours"]
    assert listed(instructor, "/admin/training/attendancerecord/") == ids(
        AttendanceRecord.objects.filter(session__event=ours))
    assert listed(hr_reader, "/admin/training/attendancerecord/") == ids(AttendanceRecord.objects.filter(user=learner))
    assert listed(admin_user, "/admin/training/attendancerecord/") == ids(AttendanceRecord.objects.all())
    assert_missing(hr_reader, AttendanceRecord, AttendanceRecord.objects.get(session__event=ours, user=outsider).pk)
