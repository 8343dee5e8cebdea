"""An instructor opens the teaching workspace in a real browser."""

import pytest

from tests.e2e.browser import check_accessibility, needs_chromium, shoot

pytestmark = [pytest.mark.e2e, needs_chromium]


def test_the_workspace_opens_from_the_menu_and_passes_axe(instructor_page, screenshots):
    from playwright.sync_api import expect

    page = instructor_page
    page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Giảng dạy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giảng dạy")
    check_accessibility(page, "/teach/")
    shoot(page, screenshots, "teach")
