"""An instructor opens the teaching workspace in a real browser, and its lists."""

import pytest

from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.frontend.teaching.test_dashboard import build_world

pytestmark = [pytest.mark.e2e, needs_chromium]


def test_the_workspace_and_its_lists_open_from_the_menu_and_pass_axe(instructor, instructor_page, screenshots):
    from playwright.sync_api import expect

    build_world(instructor, courses=2, people=3)
    page = instructor_page
    page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Giảng dạy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giảng dạy")
    expect(page.get_by_role("link", name="Khóa 0")).to_be_visible()
    check_accessibility(page, "/teach/")
    shoot(page, screenshots, "teach")
    for path, heading, name in [("/teach/events/", "Lớp học và hội nghị của tôi", "teach-events"),
                                ("/teach/quizzes/", "Bài kiểm tra của tôi", "teach-quizzes"),
                                ("/teach/banks/", "Ngân hàng câu hỏi của tôi", "teach-banks")]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_accessibility(page, path)
        shoot(page, screenshots, name)


def test_a_second_click_while_the_form_is_on_its_way_sends_nothing_more(instructor_page, monkeypatch):
    """A slow answer invites a second click on "Tạo khóa học"; the form is sent once all the same."""
    import time

    from playwright.sync_api import expect

    from courses import services
    from courses.models import Course

    real = services.create_course

    def slow_create_course(**fields):
        time.sleep(1.5)
        return real(**fields)

    monkeypatch.setattr(services, "create_course", slow_create_course)
    page = instructor_page
    page.goto("/teach/courses/new/")
    page.get_by_label("Mã khóa học").fill("CCHC-HAI-LAN")
    page.get_by_label("Tên khóa học").fill("Bấm hai lần")
    page.get_by_label("Số giờ đào tạo").fill("2")
    # The second click 0.4 s after the first, while the server still works on the first.
    page.get_by_role("button", name="Tạo khóa học").evaluate(
        "(button) => { button.click(); setTimeout(() => button.click(), 400); }")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bấm hai lần", timeout=10_000)
    expect(page.locator(".error-summary")).to_have_count(0)
    assert Course.objects.filter(code="CCHC-HAI-LAN").count() == 1
