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
