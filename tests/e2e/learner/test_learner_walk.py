"""A learner's own pages in a real browser: the dashboard (on a phone too), a course, certificates, check-in.

The learner has an overdue assigned course, one in progress, one completed with its
certificate, a class to come with its sessions and a conference under way now.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.conftest import unit
from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.e2e.teaching.conftest import person
from tests.frontend import learner_data as data
from training import checkin
from training.models import AttendanceRecord, Session

pytestmark = [pytest.mark.e2e, needs_chromium]

PHONE_800 = {"width": 360, "height": 800}


@pytest.fixture
def learning(learner_person):
    """What the learner has on the go; returns the courses, the class and the session under way."""
    instructor = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    overdue = data.assigned(learner_person, data.course(instructor, 1, title="Nghiệp vụ một cửa, một cửa liên thông"),
                            due_in_days=-5)
    going = data.in_progress(learner_person, data.course(instructor, 2, title="Chuyển đổi số trong cơ quan nhà nước",
                                                         lessons=3))
    done = data.completed(learner_person, data.course(instructor, 3, title="Kỹ năng soạn thảo văn bản hành chính"))
    data.upcoming_event(instructor, learner_person, title="Lớp bồi dưỡng CCHC khóa 5", sessions=3,
                        venue="Hội trường Trường Chính trị tỉnh")
    today = data.upcoming_event(instructor, learner_person, title="Hội nghị triển khai Đề án 06", kind="conference",
                                in_days=0, sessions=1, venue="Hội trường Tỉnh ủy")
    now = timezone.now()
    Session.objects.filter(event=today).update(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=2))
    return {"overdue": overdue, "going": going, "done": done, "session": Session.objects.get(event=today)}


def test_a_learner_sees_what_to_do_first_and_gets_their_certificate_and_checks_in(learner_page, learning,
                                                                                  screenshots):
    from playwright.sync_api import expect

    page = learner_page

    # The dashboard on a phone: the overdue course first, above the fold.
    page.set_viewport_size(PHONE_800)
    page.goto("/")
    first = page.locator(".course-item").first
    expect(first).to_contain_text("Nghiệp vụ một cửa, một cửa liên thông")
    expect(first).to_contain_text("Quá hạn")
    box = first.bounding_box()
    assert box is not None and box["y"] < 700, box
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("heading", name="Lớp học và hội nghị sắp tới")).to_be_visible()
    expect(page.locator(".event-item").first).to_contain_text("Hội nghị triển khai Đề án 06")
    expect(page.locator(".event-item").nth(1)).to_contain_text("Hội trường Trường Chính trị tỉnh")
    expect(page.locator(".hours-figure")).to_have_text("4 / 40 giờ")
    check_accessibility(page, "/")
    shoot(page, screenshots, "learner-dashboard")

    # The course in progress goes on at its next lesson; the completed one says "Xem lại", never "continue".
    going = learning["going"]
    page.get_by_role("link", name="Chuyển đổi số trong cơ quan nhà nước", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chuyển đổi số trong cơ quan nhà nước")
    expect(page.get_by_role("link", name="Tiếp tục học", exact=True)).to_have_attribute(
        "href", f"/lessons/{data.lessons_of(going.course)[1].pk}/")
    check_accessibility(page, "course page")
    shoot(page, screenshots, "learner-course")
    page.goto(f"/courses/{learning['done'].course_id}/")
    expect(page.get_by_role("link", name="Xem lại", exact=True)).to_be_visible()
    expect(page.get_by_text("Tiếp tục")).to_have_count(0)

    # Certificates: the PDF downloads.
    page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Giấy chứng nhận của tôi").click()
    item = page.locator(".certificate-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Kỹ năng soạn thảo văn bản hành chính")
    expect(item).to_contain_text("Còn hiệu lực")
    check_accessibility(page, "/certificates/")
    shoot(page, screenshots, "learner-certificates")
    with page.expect_download() as download:
        item.get_by_role("link", name=re.compile("^Tải PDF")).click()
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"

    # Check-in with a typed code: first nothing typed, then the code of the screen.
    page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Điểm danh").click()
    page.get_by_role("button", name="Điểm danh").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_code_error")).to_contain_text("Hãy nhập mã điểm danh")
    check_accessibility(page, "/check-in/ with an error")
    shoot(page, screenshots, "learner-check-in-error")
    session = learning["session"]
    code = checkin.current_code(session.pk, at=checkin.now(), secret=settings.SECRET_KEY,
                                rotate_seconds=settings.CHECKIN_ROTATE_SECONDS).code
    page.get_by_label("Mã điểm danh").fill(code)
    page.get_by_role("button", name="Điểm danh").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã điểm danh: Buổi 1")
    expect(page.locator("main")).to_contain_text("Hội nghị triển khai Đề án 06")
    assert AttendanceRecord.objects.get(session=session, user=learning["overdue"].user).method == "self"
    check_accessibility(page, "/check-in/ done")
    shoot(page, screenshots, "learner-check-in-done")
