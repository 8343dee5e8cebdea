"""Self check-in with the rotating QR code, and the kiosk."""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from training import services
from training.models import AttendanceRecord
from tests.conftest import client_for, unit
from tests.factories import UserFactory
from tests.training.conftest import make_event


@pytest.fixture
def session(conference):
    return conference.sessions.order_by("starts_at").first()


@pytest.fixture
def rostered(conference, instructor, learner):
    services.add_to_roster(actor=instructor, event=conference, user_ids=[learner.pk])
    return learner


def code_of(instructor, session) -> str:
    response = client_for(instructor).get(f"/api/v1/sessions/{session.pk}/check-in-code/")
    assert response.status_code == 200, response.content
    return response.json()["code"]


def check_in(person, code):
    return client_for(person).post("/api/v1/check-in/", {"code": code}, HTTP_ACCEPT_LANGUAGE="en")


def test_a_rostered_learner_checks_in_with_the_code_on_the_screen(instructor, session, rostered, clock):
    response = check_in(rostered, code_of(instructor, session))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["method"], body["session"], body["user"]["id"]) == (
        "present", "self", session.pk, rostered.pk)
    record = AttendanceRecord.objects.get(session=session, user=rostered)
    assert record.recorded_by == rostered and record.recorded_at == clock.at


def test_the_code_tells_the_screen_when_to_change_and_until_when_it_is_accepted(instructor, session, clock):
    body = client_for(instructor).get(f"/api/v1/sessions/{session.pk}/check-in-code/").json()
    assert body["url"].endswith(f"/check-in/?code={body['code']}")
    assert set(body) == {"code", "url", "rotates_at", "expires_at"}


def test_checking_in_again_returns_the_same_record_and_changes_nothing(instructor, session, rostered, clock):
    first = check_in(rostered, code_of(instructor, session)).json()
    clock.advance(25 * 60)  # long after the grace period: a second scan must not turn "present" into "late"
    again = check_in(rostered, code_of(instructor, session))
    assert again.status_code == 200
    assert again.json() == first
    assert AuditEntry.objects.filter(action="attendance.checked_in").count() == 1


def test_a_check_in_after_the_grace_period_is_late(instructor, session, rostered, clock, settings):
    settings.CHECKIN_LATE_AFTER_MINUTES = 10
    clock.at = session.starts_at + timedelta(minutes=10)
    assert check_in(rostered, code_of(instructor, session)).json()["status"] == "present"
    AttendanceRecord.objects.all().delete()
    clock.advance(1)
    assert check_in(rostered, code_of(instructor, session)).json()["status"] == "late"


def test_a_captured_code_is_refused_once_it_has_rotated_out_of_its_minute(instructor, session, conference, clock):
    people = UserFactory.create_batch(3, org_unit=unit("BABE"))
    services.add_to_roster(actor=instructor, event=conference, user_ids=[person.pk for person in people])
    captured = code_of(instructor, session)
    clock.advance(16)
    assert code_of(instructor, session) != captured  # the screen shows a new code
    assert check_in(people[0], captured).status_code == 201  # scanned a moment before the change: still fine
    clock.advance(60)
    replayed = check_in(people[1], captured)
    assert replayed.status_code == 400
    assert "expired" in replayed.json()["code"][0]
    assert check_in(people[2], code_of(instructor, session)).status_code == 201
    assert not AttendanceRecord.objects.filter(user=people[1]).exists()


def test_an_altered_code_is_refused(instructor, session, rostered, clock):
    code = code_of(instructor, session)
    for altered in (code[:-1] + ("a" if code[-1] != "a" else "b"), code + "x", "not-a-code", " "):
        response = check_in(rostered, altered)
        assert response.status_code == 400, altered
        assert "code" in response.json()
    assert not AttendanceRecord.objects.exists()


def test_a_code_of_a_session_the_caller_is_not_on_the_roster_of_is_forbidden(instructor, rostered, outsider, clock):
    elsewhere = make_event(instructor, title="Lớp khác", sessions=1).sessions.get()
    response = check_in(rostered, code_of(instructor, elsewhere))
    assert response.status_code == 403
    assert "roster" in response.json()["detail"]
    assert not AttendanceRecord.objects.exists()


def test_a_code_of_a_deleted_session_is_refused(instructor, session, rostered, clock):
    code = code_of(instructor, session)
    services.delete_session(actor=instructor, session=session)
    assert check_in(rostered, code).status_code == 400


def test_check_in_needs_a_code_and_a_signed_in_caller(rostered):
    assert client_for(rostered).post("/api/v1/check-in/", {}).status_code == 400
    assert "code" in client_for(rostered).post("/api/v1/check-in/", {}).json()
    assert APIClient().post("/api/v1/check-in/", {"code": "1.2.3"}).status_code == 401


@pytest.mark.parametrize("recorded", ["absent", "excused", "late", "present"])
def test_self_check_in_never_changes_what_an_instructor_recorded(instructor, session, rostered, clock, recorded):
    services.record_attendance(actor=instructor, session=session, records=[(rostered.pk, recorded)])
    response = check_in(rostered, code_of(instructor, session))
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["method"]) == (recorded, "manual")
    record = AttendanceRecord.objects.get(session=session, user=rostered)
    assert (record.status, record.method, record.recorded_by) == (recorded, "manual", instructor)
    assert not AuditEntry.objects.filter(action="attendance.checked_in").exists()


def test_the_session_screen_gets_the_code_as_an_svg_qr_code(instructor, session, clock):
    response = client_for(instructor).get(f"/api/v1/sessions/{session.pk}/check-in-qr/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "no-store"
    assert b"<svg" in response.content and b"<path" in response.content


def test_the_screen_gets_codes_outside_the_check_in_time_too(instructor, session, clock):
    """The screen can be set up ahead of the session; the check-in itself is refused then."""
    clock.at = session.starts_at - timedelta(days=1)
    assert client_for(instructor).get(f"/api/v1/sessions/{session.pk}/check-in-code/").status_code == 200


def test_only_its_instructors_see_the_code(instructor, other_instructor, session, rostered, hr_babe, outsider):
    for path in ("check-in-code", "check-in-qr"):
        url = f"/api/v1/sessions/{session.pk}/{path}/"
        assert client_for(rostered).get(url).status_code == 403
        assert client_for(hr_babe).get(url).status_code == 403
        assert client_for(other_instructor).get(url).status_code == 404
        assert client_for(outsider).get(url).status_code == 404


# The kiosk --------------------------------------------------------------------------


def kiosk(person, session, employee_code):
    return client_for(person).post(f"/api/v1/sessions/{session.pk}/kiosk/", {"employee_code": employee_code},
                                   HTTP_ACCEPT_LANGUAGE="en")


def test_a_kiosk_marks_a_rostered_person_by_employee_code(instructor, session, rostered, clock):
    response = kiosk(instructor, session, f"  {rostered.employee_code} ")
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["method"]) == ("present", "kiosk")
    assert AttendanceRecord.objects.get(user=rostered).recorded_by == instructor
    again = kiosk(instructor, session, rostered.employee_code)
    assert again.status_code == 200 and again.json() == response.json()


def test_a_kiosk_marks_latecomers_late(instructor, session, rostered, clock):
    clock.at = session.starts_at + timedelta(minutes=16)
    assert kiosk(instructor, session, rostered.employee_code).json()["status"] == "late"


def test_a_kiosk_refuses_unknown_codes_and_people_not_on_the_roster(instructor, session, rostered, outsider, clock):
    unknown = kiosk(instructor, session, "KHONG-CO")
    assert unknown.status_code == 400 and "KHONG-CO" in unknown.json()["employee_code"][0]
    stranger = kiosk(instructor, session, outsider.employee_code)
    assert stranger.status_code == 400 and "not on the roster" in stranger.json()["employee_code"][0]
    assert kiosk(instructor, session, "").status_code == 400
    assert not AttendanceRecord.objects.exists()


def test_only_its_instructors_run_a_kiosk(session, rostered, hr_babe, other_instructor):
    assert kiosk(rostered, session, rostered.employee_code).status_code == 403
    assert kiosk(hr_babe, session, rostered.employee_code).status_code == 403
    assert kiosk(other_instructor, session, rostered.employee_code).status_code == 404
    assert not AttendanceRecord.objects.exists()


def test_a_kiosk_refuses_people_outside_the_check_in_time(instructor, session, rostered, clock):
    clock.at = session.ends_at + timedelta(minutes=1)
    response = kiosk(instructor, session, rostered.employee_code)
    assert response.status_code == 409
    assert "ended" in response.json()["detail"]
    assert not AttendanceRecord.objects.exists()


def test_a_kiosk_keeps_what_an_instructor_recorded(instructor, session, rostered, clock):
    services.record_attendance(actor=instructor, session=session, records=[(rostered.pk, "absent")])
    response = kiosk(instructor, session, rostered.employee_code)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["method"]) == ("absent", "manual")


# The check-in time ------------------------------------------------------------------


def test_a_code_of_an_october_session_is_refused_in_december(instructor, learner, clock):
    """The defect: a December check-in turned the instructor's "absent" of an October session into "late"."""
    october = datetime(2026, 10, 5, 0, 30, tzinfo=UTC)  # 07:30 in Bắc Kạn
    event = services.create_event(actor=instructor, kind="class", title="Lớp CCHC tháng 10",
                                  starts_on=october.date(), ends_on=october.date())
    session = services.add_session(actor=instructor, event=event, title="Chuyên đề 1", starts_at=october,
                                   ends_at=october + timedelta(hours=3, minutes=30))
    absentee = UserFactory(org_unit=unit("BABE"))
    services.add_to_roster(actor=instructor, event=event, user_ids=[learner.pk, absentee.pk])
    services.record_attendance(actor=instructor, session=session, records=[(absentee.pk, "absent")])

    clock.at = datetime(2026, 12, 14, 2, 0, tzinfo=UTC)
    code = code_of(instructor, session)
    refused = check_in(learner, code)
    assert refused.status_code == 409
    assert refused.json() == {"detail": "This session ended at 11:00 05/10/2026, so check-in is closed: "
                                        "only its instructors can record attendance now."}
    assert not AttendanceRecord.objects.filter(user=learner).exists()
    kept = check_in(absentee, code)
    assert kept.status_code == 200 and kept.json()["status"] == "absent"
    assert AttendanceRecord.objects.get(user=absentee).status == "absent"


def test_check_in_opens_a_configurable_time_before_the_session(instructor, session, rostered, clock, settings):
    settings.CHECKIN_OPENS_BEFORE_MINUTES = 30
    clock.at = session.starts_at - timedelta(minutes=30, seconds=1)
    early = check_in(rostered, code_of(instructor, session))
    assert early.status_code == 409
    assert early.json() == {"detail": "Check-in to this session opens at 07:30 12/11/2026."}
    assert not AttendanceRecord.objects.exists()
    clock.advance(1)
    opened = check_in(rostered, code_of(instructor, session))
    assert opened.status_code == 201 and opened.json()["status"] == "present"


def test_check_in_may_open_earlier_when_so_configured(instructor, session, rostered, clock, settings):
    settings.CHECKIN_OPENS_BEFORE_MINUTES = 60
    clock.at = session.starts_at - timedelta(minutes=45)
    assert check_in(rostered, code_of(instructor, session)).status_code == 201


def test_check_in_closes_when_the_session_ends(instructor, session, conference, rostered, clock):
    punctual = UserFactory(org_unit=unit("BABE"))
    services.add_to_roster(actor=instructor, event=conference, user_ids=[punctual.pk])
    clock.at = session.ends_at
    last_moment = check_in(punctual, code_of(instructor, session))
    assert last_moment.status_code == 201 and last_moment.json()["status"] == "late"
    clock.advance(1)
    closed = check_in(rostered, code_of(instructor, session))
    assert closed.status_code == 409 and "ended" in closed.json()["detail"]
    assert not AttendanceRecord.objects.filter(user=rostered).exists()


def test_checking_in_again_after_the_session_ended_returns_the_same_record(instructor, session, rostered, clock):
    first = check_in(rostered, code_of(instructor, session))
    clock.at = session.ends_at + timedelta(seconds=5)  # the phone sends its check-in again
    again = check_in(rostered, code_of(instructor, session))
    assert again.status_code == 200 and again.json() == first.json()
