"""An HR officer of Ba Bể reads the summary of their units, drills down into a commune, and walks every admin list
and page the admin's menu offers them, in a real browser.

Every page passes axe-core and fits a phone; the admin lists show their scope only (never
Chợ Đồn's learner), and their tables scroll inside their box instead of being cut off, so
that an enrolment's status and due date stay within reach on a phone and in sight on an office PC.
"""

import re

import pytest

from tests.conftest import unit
from tests.e2e.browser import OFFICE_PC, PHONE, check_accessibility, needs_chromium, shoot

pytestmark = [pytest.mark.e2e, needs_chromium]

OUTSIDER = "Lục Thị Ngoài"
CHANGE_LINK = re.compile(r"^/admin/[a-z_]+/[a-z_]+/\d+/change/$")


def test_the_summary_drills_down_to_the_people_overdue_first(hr_page, units_in_training, screenshots):
    from playwright.sync_api import expect

    page = hr_page
    page.goto("/hr/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng hợp các đơn vị tôi phụ trách")
    expect(page.locator("nav.sub-nav")).to_be_visible()
    units = page.get_by_role("table", name="Mỗi đơn vị gồm cả các đơn vị trực thuộc")
    expect(units.get_by_role("row", name="Huyện Ba Bể")).to_contain_text("6")  # five learners and the officer
    expect(page.locator("main")).not_to_contain_text("Chợ Đồn")
    expect(page.locator("main")).not_to_contain_text(OUTSIDER)
    check_accessibility(page, "/hr/")
    shoot(page, screenshots, "summary")

    units.get_by_role("link", name="Xã Thượng Giáo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã Thượng Giáo")
    breadcrumbs = page.get_by_role("navigation", name="Đường dẫn trang")
    expect(breadcrumbs.get_by_role("link", name="Huyện Ba Bể")).to_be_visible()
    people = page.get_by_role("table", name=re.compile("ưu tiên"))
    names = people.locator("tbody th").all_inner_texts()
    assert [name.split("·")[0].strip() for name in names] == ["Hoàng Thị Quá Hạn", "Nông Văn Học", "Lý Văn Chưa"]
    expect(people.get_by_role("row", name=re.compile("Hoàng Thị Quá Hạn"))).to_contain_text("1")
    check_accessibility(page, "/hr/?org_unit=Thượng Giáo")
    shoot(page, screenshots, "summary-commune")

    breadcrumbs.get_by_role("link", name="Huyện Ba Bể").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Huyện Ba Bể")
    page.get_by_label("Giờ học của năm").select_option(index=1)
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(re.compile(rf"org_unit={unit('BABE').pk}&year=\d+"))
    check_accessibility(page, "/hr/?year=")


def admin_pages(page) -> list[tuple[str, str]]:
    """(name, address) of each list the admin's index offers the officer, then of the first row's page of each."""
    page.goto("/admin/")
    lists = []
    for href in page.locator("#content-main table a").evaluate_all("links => links.map(link => link.pathname)"):
        if re.fullmatch(r"/admin/[a-z_]+/[a-z_]+/", href) and href not in lists:
            lists.append(href)
    pages = [("index", "/admin/")]
    for address in lists:
        name = "-".join(address.strip("/").split("/")[1:])
        pages.append((f"{name}-list", address))
        page.goto(address)
        rows = page.locator("#result_list tbody a").evaluate_all("links => links.map(link => link.pathname)")
        first = next((href for href in rows if CHANGE_LINK.match(href)), None)
        if first:
            pages.append((f"{name}-change", first))
    return pages


def test_every_admin_page_the_officer_opens_keeps_to_the_scope_and_passes_axe(hr_page, units_in_training,
                                                                                 screenshots):
    page = hr_page
    pages = admin_pages(page)
    names = [name for name, _address in pages]
    for expected in ("accounts-user-list", "courses-enrollment-list", "courses-enrollment-change",
                     "courses-assignment-list", "certificates-certificate-list", "training-rosterentry-list"):
        assert expected in names, f"the officer's admin lacks {expected}: {names}"
    for name, address in pages:
        response = page.goto(address)
        assert response.status == 200, f"{name} ({address}) answered {response.status}"
        assert OUTSIDER not in page.locator("body").inner_text(), f"{name} shows a learner outside the scope"
        if name.endswith("-list"):
            assert_list_fits(page, name)
        check_accessibility(page, name)
        shoot(page, screenshots, f"hr-admin-{name}")


TABLE_BOX = """() => { const table = document.querySelector('#result_list'); if (!table) return null;
  const box = table.closest('.results');
  return {table: table.scrollWidth, box: box.clientWidth, scrolls: getComputedStyle(box).overflowX,
          page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth}; }"""


def assert_list_fits(page, name: str) -> None:
    """From 1024 px up every column is in sight; narrower, the list scrolls inside its box, not cut off."""
    for width in (1280, 1024):
        page.set_viewport_size({**OFFICE_PC, "width": width})
        sizes = page.evaluate(TABLE_BOX)
        if sizes is not None:
            assert sizes["table"] <= sizes["box"] + 1, f"{name}: columns cut off at {width} px: {sizes}"
    page.set_viewport_size(PHONE)
    sizes = page.evaluate(TABLE_BOX)
    if sizes is not None:
        assert sizes["scrolls"] in ("auto", "scroll") and sizes["page"] <= sizes["viewport"], f"{name}: {sizes}"
    page.set_viewport_size(OFFICE_PC)


def test_the_enrolment_list_keeps_status_and_due_date_within_reach(hr_page, units_in_training, screenshots):
    """On an office PC the list fits its box; on a phone it scrolls inside its box, the page itself does not."""
    from playwright.sync_api import expect

    page = hr_page
    page.goto("/admin/courses/enrollment/")
    headings = [text.strip().upper() for text in page.locator("#result_list thead th").all_inner_texts()]
    assert "TRẠNG THÁI" in headings and "HẠN HOÀN THÀNH" in headings, headings
    office = page.evaluate(TABLE_BOX)
    assert office["table"] <= office["box"] + 1, f"cut off at {OFFICE_PC['width']} px: {office}"
    page.set_viewport_size(PHONE)
    phone = page.evaluate(TABLE_BOX)
    assert phone["page"] <= phone["viewport"], f"the page scrolls sideways at {PHONE['width']} px: {phone}"
    assert phone["scrolls"] in ("auto", "scroll"), phone
    # Scrolled to the first row's due date, the row's name stays in sight beside it (the first column holds still).
    first_row = page.locator("#result_list tbody tr").first
    due = first_row.locator("td.field-due_date")
    due.scroll_into_view_if_needed()
    expect(due).to_be_in_viewport()
    expect(first_row.locator("th")).to_be_in_viewport()
    status = first_row.locator("td.field-status")
    status.scroll_into_view_if_needed()
    expect(status).to_be_in_viewport()
    page.screenshot(path=str(screenshots / "hr-admin-enrollment-scrolled-360.png"))
    page.set_viewport_size(OFFICE_PC)
