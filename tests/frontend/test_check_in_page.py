from datetime import timedelta
from unittest import mock

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


def short_code_for(session, at):
    return checkin.current_code(session.pk, at=at, secret=settings.SECRET_KEY,
                                rotate_seconds=settings.CHECKIN_ROTATE_SECONDS).short_code


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
    assert done.status_code == 302 and done["Location"] == f"/check-in/?session={session.pk}"
    assert AttendanceRecord.objects.get(session=session, user=learner).status == "present"
    page = client.get(done["Location"]).content.decode()
    assert "Đã điểm danh: Phiên sáng" in page and "Hội nghị CCHC" in page and "Có mặt" in page


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
    response = signed_in(learner).post("/check-in/", {"code": code_for(session, timezone.now())}, follow=True)
    assert response.status_code == 200
    assert "Giảng viên đã ghi nhận việc tham dự của đồng chí" in response.content.decode()
    assert AttendanceRecord.objects.get(session=session, user=learner).status == "absent"


# Typing the code ---------------------------------------------------------------------------


def test_the_page_without_a_code_offers_a_form_to_type_it(learner):
    page = signed_in(learner).get("/check-in/").content.decode()
    assert '<label for="id_code">Mã điểm danh</label>' in page
    assert 'name="code"' in page and 'type="text"' in page
    assert "Hoặc nhập 6 chữ số hiển thị dưới mã QR vào đây" in page
    assert '<p class="field__help" id="id_code_helptext">6 chữ số trên màn chiếu, hoặc quét mã QR.</p>' in page
    assert 'inputmode="numeric"' in page and 'aria-describedby="id_code_helptext"' in page


def test_a_typed_code_checks_the_learner_in(session, learner):
    client = signed_in(learner)
    response = client.post("/check-in/", {"code": code_for(session, timezone.now())}, follow=True)
    assert AttendanceRecord.objects.get(session=session, user=learner).method == "self"
    assert "Đã điểm danh: Phiên sáng" in response.content.decode()


@pytest.mark.parametrize("typed", [
    lambda code: f"  {code.upper()}  ",
    lambda code: " ".join(code[i:i + 4] for i in range(0, len(code), 4)),
    lambda code: f"https://daotao.backan.gov.vn/check-in/?code={code}",
])
def test_a_code_typed_with_spaces_capitals_or_as_the_qr_address_is_read(typed, session, learner):
    response = signed_in(learner).post("/check-in/", {"code": typed(code_for(session, timezone.now()))})
    assert response.status_code == 302
    assert AttendanceRecord.objects.filter(session=session, user=learner).exists()


def test_an_empty_code_is_asked_for_beside_the_field_and_in_the_summary(learner):
    response = signed_in(learner).post("/check-in/", {"code": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_code"' in html
    assert 'id="id_code_error"' in html and "Hãy nhập mã điểm danh hiển thị trên màn hình." in html


def test_a_mistyped_code_is_refused_in_words_and_can_be_typed_again(session, learner):
    code = code_for(session, timezone.now())
    response = signed_in(learner).post("/check-in/", {"code": code[:-1] + ("0" if code[-1] != "0" else "1")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mã điểm danh không hợp lệ" in html and 'id="id_code_error"' in html and 'name="code"' in html
    assert not AttendanceRecord.objects.exists()


def test_an_expired_typed_code_says_it_expired(session, learner):
    code = code_for(session, timezone.now() - timedelta(minutes=5))
    response = signed_in(learner).post("/check-in/", {"code": code})
    assert response.status_code == 400 and "Mã này đã hết hạn" in response.content.decode()


def test_someone_not_on_the_roster_typing_a_code_is_told_so(session, outsider):
    response = signed_in(outsider).post("/check-in/", {"code": code_for(session, timezone.now())})
    assert response.status_code == 403
    assert "Bạn không có tên trong danh sách của lớp học hoặc hội nghị này" in response.content.decode()


def test_the_page_shows_only_ones_own_attendance(session, learner, outsider):
    instructor = session.event.instructors.first()
    services.add_to_roster(actor=instructor, event=session.event, user_ids=[outsider.pk])
    services.record_attendance(actor=instructor, session=session, records=[(outsider.pk, "present")])
    html = signed_in(learner).get(f"/check-in/?session={session.pk}").content.decode()
    assert "Hội nghị CCHC" not in html and 'name="code"' in html
    assert signed_in(learner).get("/check-in/?session=xyz").status_code == 200


def test_the_menu_links_to_check_in(learner):
    html = signed_in(learner).get("/").content.decode()
    assert 'href="/check-in/"' in html


# Typing the 6 digits -------------------------------------------------------------------------


def test_the_six_digits_on_the_screen_check_the_learner_in(session, learner):
    short = short_code_for(session, timezone.now())
    response = signed_in(learner).post("/check-in/", {"code": f"{short[:3]} {short[3:]}"}, follow=True)
    assert response.redirect_chain == [(f"/check-in/?session={session.pk}", 302)]
    assert "Đã điểm danh: Phiên sáng" in response.content.decode()
    assert AttendanceRecord.objects.get(session=session, user=learner).method == "self"


def test_six_digits_shown_over_a_minute_ago_have_expired(session, learner):
    response = signed_in(learner).post("/check-in/", {"code": short_code_for(session, timezone.now()
                                                                             - timedelta(seconds=90))})
    assert response.status_code == 400 and "Mã này đã hết hạn" in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_six_digits_of_a_session_one_is_not_on_the_roster_of_are_refused(session, outsider):
    response = signed_in(outsider).post("/check-in/", {"code": short_code_for(session, timezone.now())})
    assert response.status_code == 403
    assert "Bạn không có tên trong danh sách của lớp học hoặc hội nghị này" in response.content.decode()


def test_too_many_wrong_digits_are_refused_for_a_while_in_words(session, learner):
    client = signed_in(learner)
    right = short_code_for(session, timezone.now())
    for step in range(1, services.TYPED_CODE_TRIES + 1):
        wrong = client.post("/check-in/", {"code": f"{(int(right) + step) % 10**6:06d}"})
        assert wrong.status_code == 400 and "Mã điểm danh không hợp lệ" in wrong.content.decode()
    refused = client.post("/check-in/", {"code": short_code_for(session, timezone.now())})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Đã nhập sai mã điểm danh quá nhiều lần. Hãy thử lại sau" in html and 'id="id_code_error"' in html
    assert not AttendanceRecord.objects.exists()
    assert client.post("/check-in/", {"code": code_for(session, timezone.now())}).status_code == 302


@pytest.mark.parametrize("conferences", [1, 12])
def test_checking_in_with_the_digits_runs_the_same_queries_whatever_runs_now(session, learner, conferences,
                                                                             django_assert_max_num_queries):
    instructor = session.event.instructors.first()
    now = timezone.now()
    for number in range(conferences):
        event = services.create_event(actor=instructor, kind="conference", title=f"Hội nghị {number}",
                                      starts_on=timezone.localdate(), ends_on=timezone.localdate())
        services.add_session(actor=instructor, event=event, title="Phiên", starts_at=now,
                             ends_at=now + timedelta(hours=1))
        services.add_to_roster(actor=instructor, event=event, user_ids=[learner.pk])
    client = signed_in(learner)
    with django_assert_max_num_queries(20):
        response = client.post("/check-in/", {"code": short_code_for(session, timezone.now())})
    assert response.status_code == 302


def test_the_session_screen_shows_the_six_digits_under_the_qr_code(session):
    instructor = session.event.instructors.first()
    at = timezone.now()
    with mock.patch("training.checkin.now", return_value=at):
        html = signed_in(instructor).get(f"/sessions/{session.pk}/screen/").content.decode()
    short = short_code_for(session, at)
    assert f'<strong class="screen__digits" data-short-code>{short[:3]} {short[3:]}</strong>' in html
    assert "Hoặc nhập mã:" in html and "tại mục Điểm danh" in html
    assert html.index("data-qr") < html.index("data-short-code")


@pytest.mark.parametrize("code", ["http://[::1/?code=123456", "１２３４５６", "code=" + "9" * 250])
def test_whatever_is_typed_or_pasted_gets_an_answer_in_words_never_a_crash(session, learner, code):
    response = signed_in(learner).post("/check-in/", {"code": code})
    assert response.status_code in (400, 403, 409) and 'id="id_code_error"' in response.content.decode()
    assert not AttendanceRecord.objects.exists()


@pytest.mark.parametrize("value", ["²", "１", "-1", "9" * 30, "abc"])
def test_a_strange_session_number_in_the_address_is_ignored(session, learner, value):
    assert signed_in(learner).get("/check-in/", {"session": value}).status_code == 200
