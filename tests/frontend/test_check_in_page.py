from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from training import checkin, services
from training.models import AttendanceRecord, Session
from tests.conftest import unit
from tests.factories import UserFactory


@pytest.fixture
def session(province, learner):
    instructor = UserFactory(roles=["instructor"], org_unit=unit("SNV"))
    today = timezone.localdate()
    # Until tomorrow: a session starting late in the evening runs past midnight.
    event = services.create_event(actor=instructor, kind="conference", title="Hội nghị CCHC", starts_on=today,
                                  ends_on=today + timedelta(days=1), venue="Hội trường")
    now = timezone.now()
    session = services.add_session(actor=instructor, event=event, title="Phiên sáng", starts_at=now,
                                   ends_at=now + timedelta(hours=2))
    services.add_to_roster(actor=instructor, event=event, user_ids=[learner.pk])
    return session


def code_for(session, at):
    return checkin.current_code(session.pk, at=at, secret=settings.SECRET_KEY,
                             rotate_seconds=settings.CHECKIN_ROTATE_SECONDS).code


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_a_learner_checks_in_from_the_qr_page(session, learner):
    client = signed_in(learner)
    code = code_for(session, timezone.now())
    page = client.get(f"/check-in/?code={code}")
    assert page.status_code == 200 and b'name="code"' in page.content
    done = client.post("/check-in/", {"code": code})
    assert done.status_code == 200
    assert AttendanceRecord.objects.get(session=session, user=learner).status == "present"
    assert "Hội nghị CCHC" in done.content.decode()


def test_an_expired_code_is_refused_on_the_page(session, learner):
    code = code_for(session, timezone.now() - timedelta(minutes=5))
    response = signed_in(learner).post("/check-in/", {"code": code})
    assert response.status_code == 400
    assert not AttendanceRecord.objects.exists()


def test_someone_not_on_the_roster_is_told_so(session, outsider):
    response = signed_in(outsider).post("/check-in/", {"code": code_for(session, timezone.now())})
    assert response.status_code == 403


def test_unknown_pages_and_refusals_have_the_platforms_look(learner, client):
    client.force_login(learner)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "Không tìm thấy trang".encode() in missing.content


def test_the_session_screen_shows_a_rotating_qr_to_its_instructors_only(session, learner):
    instructor = session.event.instructors.first()
    page = signed_in(instructor).get(f"/sessions/{session.pk}/screen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/api/v1/sessions/{session.pk}/check-in-qr/" in html and 'http-equiv="refresh"' in html
    qr = signed_in(instructor).get(f"/api/v1/sessions/{session.pk}/check-in-qr/")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert signed_in(learner).get(f"/sessions/{session.pk}/screen/").status_code == 404


def test_the_session_screen_does_not_tell_others_that_the_session_exists(session, learner, outsider):
    other_instructor = UserFactory(roles=["instructor"], org_unit=unit("SNV"))
    for person in (learner, outsider, other_instructor):
        refused = signed_in(person).get(f"/sessions/{session.pk}/screen/")
        missing = signed_in(person).get(f"/sessions/{session.pk + 1000}/screen/")
        assert refused.status_code == missing.status_code == 404
        assert session.event.title not in refused.content.decode()


def test_a_check_in_after_the_session_ended_is_refused_on_the_page(session, learner):
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(starts_at=now - timedelta(hours=2), ends_at=now - timedelta(seconds=1))
    response = signed_in(learner).post("/check-in/", {"code": code_for(session, timezone.now())})
    assert response.status_code == 409
    assert "Buổi này đã kết thúc lúc" in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_a_check_in_before_it_opens_is_refused_on_the_page(session, learner, settings):
    settings.CHECKIN_OPENS_BEFORE_MINUTES = 30
    starts_at = timezone.now() + timedelta(minutes=31)
    Session.objects.filter(pk=session.pk).update(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
    response = signed_in(learner).post("/check-in/", {"code": code_for(session, timezone.now())})
    assert response.status_code == 409
    assert "Buổi này mở điểm danh từ" in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_the_page_keeps_what_an_instructor_recorded_and_says_so(session, learner):
    instructor = session.event.instructors.first()
    services.record_attendance(actor=instructor, session=session, records=[(learner.pk, "absent")])
    response = signed_in(learner).post("/check-in/", {"code": code_for(session, timezone.now())})
    assert response.status_code == 200
    assert "Giảng viên đã ghi nhận việc tham dự của đồng chí" in response.content.decode()
    assert AttendanceRecord.objects.get(session=session, user=learner).status == "absent"
