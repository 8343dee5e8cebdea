"""Check-in by typing in a real browser: the instructor's session screen shows 6 digits, the learner types them.

The digits rotate with the QR code, in place; a learner types them on their
phone at the check-in page (from the menu), first wrongly, then rightly.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import unit
from tests.e2e.browser import check_accessibility, needs_chromium, shoot, sign_in
from tests.e2e.teaching.conftest import person
from training import services
from training.models import AttendanceRecord

pytestmark = [pytest.mark.e2e, needs_chromium]

PHONE = {"width": 360, "height": 780}
SIX_DIGITS = re.compile(r"^\d{3} \d{3}$")


@pytest.fixture
def session(learner_person):
    """A conference under way now, with the learner on its roster; its instructor is `giangvien`."""
    instructor = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    today = timezone.localdate()
    event = services.create_event(actor=instructor, kind="conference", title="Hội nghị triển khai Đề án 06",
                                  starts_on=today, ends_on=today + timedelta(days=1), venue="Hội trường Tỉnh ủy")
    now = timezone.now()
    session = services.add_session(actor=instructor, event=event, title="Phiên khai mạc",
                                   starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=2))
    services.add_to_roster(actor=instructor, event=event, user_ids=[learner_person.pk])
    return session


def test_a_learner_types_the_six_digits_shown_on_the_session_screen(browser_context, session, learner_person,
                                                                     screenshots, settings):
    from playwright.sync_api import expect

    settings.CHECKIN_ROTATE_SECONDS = 3  # so that the digits rotate while we watch

    # The screen, as its instructor shows it: the digits under the QR code, rotating in place.
    screen = browser_context.new_page()
    sign_in(screen, "giangvien")
    screen.goto(f"/sessions/{session.pk}/screen/")
    digits = screen.locator("[data-short-code]")
    expect(screen.get_by_text("Hoặc nhập mã:")).to_be_visible()
    expect(screen.get_by_text("tại mục Điểm danh")).to_be_visible()
    expect(digits).to_have_text(SIX_DIGITS)
    first = digits.inner_text()
    screen.wait_for_function("(shown) => document.querySelector('[data-short-code]').textContent !== shown",
                             arg=first, timeout=15_000)
    expect(digits).to_have_text(SIX_DIGITS)
    qr, code = screen.locator("svg.session-screen__svg").bounding_box(), digits.bounding_box()
    assert code["y"] >= qr["y"] + qr["height"] - 1, "the digits stand under the QR code"
    check_accessibility(screen, "/sessions/{id}/screen/ with the digits")
    shoot(screen, screenshots, "session-screen-digits")
    typed = digits.inner_text()
    screen.close()
    browser_context.clear_cookies()

    # The learner, on a phone: the menu's check-in page, a wrong number first.
    page = browser_context.new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, learner_person.username)
    page.goto("/check-in/")
    field = page.get_by_label("Mã điểm danh")
    expect(field).to_have_attribute("inputmode", "numeric")
    expect(page.get_by_text("6 chữ số trên màn chiếu, hoặc quét mã QR.")).to_be_visible()
    wrong = f"{(int(typed.replace(' ', '')) + 1) % 10**6:06d}"
    field.fill(wrong)
    page.get_by_role("button", name="Điểm danh").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_code_error")).to_contain_text("Mã điểm danh không hợp lệ")
    assert not AttendanceRecord.objects.exists()
    check_accessibility(page, "/check-in/ with wrong digits")
    shoot(page, screenshots, "check-in-digits-error")

    page.set_viewport_size(PHONE)
    page.get_by_label("Mã điểm danh").fill(typed)
    page.get_by_role("button", name="Điểm danh").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã điểm danh: Phiên khai mạc")
    expect(page.locator("main")).to_contain_text("Hội nghị triển khai Đề án 06")
    record = AttendanceRecord.objects.get(session=session, user=learner_person)
    assert (record.status, record.method) == ("present", "self")
    check_accessibility(page, "/check-in/ done with the digits")
    shoot(page, screenshots, "check-in-digits-done")
