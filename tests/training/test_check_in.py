"""Self check-in with the rotating QR code, and the kiosk."""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from django.utils.dateparse import parse_datetime

from accounts.models import AuditEntry
from training import checkin, services
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
    assert set(body) == {"code", "short_code", "url", "rotates_at", "expires_at"}


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


# Typing the short code ---------------------------------------------------------------


def short_code_of(instructor, session) -> dict:
    response = client_for(instructor).get(f"/api/v1/sessions/{session.pk}/check-in-code/")
    assert response.status_code == 200, response.content
    return response.json()


def wrong_short_codes(right: str, count: int) -> list[str]:
    return [f"{(int(right) + step) % 10**6:06d}" for step in range(1, count + 1)]


def test_the_screen_gets_the_short_code_of_the_moment(instructor, session, clock, settings):
    body = short_code_of(instructor, session)
    shown = checkin.current_code(session.pk, at=clock.at, secret=settings.SECRET_KEY,
                                 rotate_seconds=settings.CHECKIN_ROTATE_SECONDS)
    assert body["short_code"] == shown.short_code and len(body["short_code"]) == 6
    clock.advance(settings.CHECKIN_ROTATE_SECONDS)
    assert short_code_of(instructor, session)["short_code"] != body["short_code"]


def test_a_rostered_learner_checks_in_with_the_six_digits_under_the_qr_code(instructor, session, rostered, clock):
    short = short_code_of(instructor, session)["short_code"]
    response = check_in(rostered, f" {short[:3]} {short[3:]} ")
    assert response.status_code == 201, response.content
    assert (response.json()["session"], response.json()["status"], response.json()["method"]) == (
        session.pk, "present", "self")
    assert AttendanceRecord.objects.get(user=rostered).session == session


def test_a_short_code_is_accepted_for_sixty_seconds_and_then_expires(instructor, session, conference, clock):
    people = UserFactory.create_batch(2, org_unit=unit("BABE"))
    services.add_to_roster(actor=instructor, event=conference, user_ids=[person.pk for person in people])
    body = short_code_of(instructor, session)
    clock.at = parse_datetime(body["expires_at"])
    assert check_in(people[0], body["short_code"]).status_code == 201
    clock.advance(1)
    late = check_in(people[1], body["short_code"])
    assert late.status_code == 400 and "expired" in late.json()["code"][0]
    assert not AttendanceRecord.objects.filter(user=people[1]).exists()


def test_a_short_code_of_a_session_the_caller_is_not_on_the_roster_of_is_forbidden(instructor, rostered, clock):
    elsewhere = make_event(instructor, title="Lớp khác", sessions=1).sessions.get()
    response = check_in(rostered, short_code_of(instructor, elsewhere)["short_code"])
    assert response.status_code == 403
    assert "roster" in response.json()["detail"]
    assert not AttendanceRecord.objects.exists()


def test_the_short_code_of_a_session_another_day_checks_in_to_nothing(instructor, conference, rostered, clock):
    tomorrow = conference.sessions.order_by("starts_at").last()
    response = check_in(rostered, short_code_of(instructor, tomorrow)["short_code"])
    assert response.status_code == 400 and "not a valid" in response.json()["code"][0]
    assert not AttendanceRecord.objects.exists()


def test_a_short_code_checks_in_to_its_own_session_among_the_callers_sessions(instructor, session, rostered, clock):
    other = make_event(instructor, title="Hội nghị cùng giờ", sessions=1)
    services.add_to_roster(actor=instructor, event=other, user_ids=[rostered.pk])
    response = check_in(rostered, short_code_of(instructor, other.sessions.get())["short_code"])
    assert response.status_code == 201
    assert list(AttendanceRecord.objects.values_list("session_id", flat=True)) == [other.sessions.get().pk]


def test_a_short_code_typed_before_check_in_opens_says_when_it_opens(instructor, session, rostered, clock, settings):
    settings.CHECKIN_OPENS_BEFORE_MINUTES = 30
    clock.at = session.starts_at - timedelta(minutes=45)
    early = check_in(rostered, short_code_of(instructor, session)["short_code"])
    assert early.status_code == 409
    assert early.json() == {"detail": "Check-in to this session opens at 07:30 12/11/2026."}


def test_wrong_short_codes_are_limited_per_person(instructor, session, conference, rostered, clock):
    neighbour = UserFactory(org_unit=unit("BABE"))
    services.add_to_roster(actor=instructor, event=conference, user_ids=[neighbour.pk])
    right = short_code_of(instructor, session)["short_code"]
    for wrong in wrong_short_codes(right, services.TYPED_CODE_TRIES):
        assert check_in(rostered, wrong).status_code == 400
    refused = check_in(rostered, right)
    assert refused.status_code == 429
    assert "Too many wrong check-in codes" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= services.TYPED_CODE_WINDOW_SECONDS
    assert not AttendanceRecord.objects.filter(user=rostered).exists()
    assert check_in(neighbour, right).status_code == 201  # another person is not held back
    assert check_in(rostered, code_of(instructor, session)).status_code == 201  # scanning still works


def test_short_codes_are_taken_again_once_the_window_of_wrong_tries_ends(instructor, session, rostered, clock):
    for wrong in wrong_short_codes(short_code_of(instructor, session)["short_code"], services.TYPED_CODE_TRIES):
        check_in(rostered, wrong)
    assert check_in(rostered, short_code_of(instructor, session)["short_code"]).status_code == 429
    clock.advance(services.TYPED_CODE_WINDOW_SECONDS)
    assert check_in(rostered, short_code_of(instructor, session)["short_code"]).status_code == 201


def test_refusals_of_other_sessions_short_codes_count_as_wrong_tries(instructor, session, rostered, clock):
    elsewhere = make_event(instructor, title="Lớp khác", sessions=1).sessions.get()
    for _try in range(services.TYPED_CODE_TRIES):
        assert check_in(rostered, short_code_of(instructor, elsewhere)["short_code"]).status_code == 403
        clock.advance(15)
    assert check_in(rostered, short_code_of(instructor, session)["short_code"]).status_code == 429


@pytest.mark.parametrize("sessions_now", [1, 15])
def test_a_short_code_check_in_costs_the_same_queries_however_many_sessions_run(
    instructor, learner, clock, django_assert_max_num_queries, sessions_now,
):
    events = [make_event(instructor, title=f"Hội nghị {number}", sessions=1) for number in range(sessions_now)]
    for event in events:
        services.add_to_roster(actor=instructor, event=event, user_ids=[learner.pk])
    short = short_code_of(instructor, events[-1].sessions.get())["short_code"]
    with django_assert_max_num_queries(17):
        assert check_in(learner, short).status_code == 201


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
