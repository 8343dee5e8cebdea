"""An HR officer of Ba Bể uses the reports page in a real browser: a period refused, a completion report
downloaded at once (only Ba Bể's people in it), one made in the background, a schedule made and paused."""

import csv
import io
from pathlib import Path

import pytest

from courses import services as course_services
from reports.models import ReportSchedule
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.e2e.teaching.conftest import person

pytestmark = [pytest.mark.e2e, needs_chromium]

BOM = b"\xef\xbb\xbf"


def names_in(body: bytes) -> set[str]:
    assert body.startswith(BOM), body[:20]
    rows = list(csv.reader(io.StringIO(body[len(BOM):].decode("utf-8"))))
    return {row[1] for row in rows[1:]}


def test_an_officer_downloads_makes_and_schedules_reports(hr_page, hr_officer, screenshots):
    from playwright.sync_api import expect

    teacher = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    course = build_course(teacher, code="CCHC-01", title="Cơ chế một cửa, một cửa liên thông")
    ours = [person(f"hocvien{number}", ["learner"], full_name=f"Hoàng Thị Học {number}", org_unit=unit("BABE-TG"))
            for number in range(2)]
    theirs = person("ngoai", ["learner"], full_name="Lục Thị Ngoài", org_unit=unit("CHODON-BL"))
    for someone in [*ours, theirs]:
        course_services.enroll(user=someone, course=course)
    page = hr_page

    page.goto("/hr/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo")
    expect(page.get_by_role("link", name="Báo cáo kết quả hoàn thành")).to_have_attribute("aria-current", "page")
    check_accessibility(page, "/hr/reports/")
    shoot(page, screenshots, "reports")

    # A period that ends before it starts: the form comes back with the error beside "Đến ngày".
    page.get_by_label("Từ ngày").fill("2026-05-01")
    page.get_by_label("Đến ngày").fill("2026-04-01")
    page.get_by_role("button", name="Tải về ngay").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_to_error")).to_contain_text("trước ngày đầu kỳ")
    check_accessibility(page, "/hr/reports/ with errors")
    shoot(page, screenshots, "reports-errors")

    # Downloaded at once, as CSV: only Ba Bể's people.
    page.get_by_label("Từ ngày").fill("")
    page.get_by_label("Đến ngày").fill("")
    page.get_by_label("Khóa học").select_option(str(course.pk))
    page.get_by_label("Tệp CSV").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải về ngay").click()
    assert download.value.suggested_filename.startswith("bao-cao-hoan-thanh-")
    assert names_in(Path(download.value.path()).read_bytes()) == {someone.full_name for someone in ours}

    # Made in the background: confirmed, then its page with the file.
    page.get_by_role("button", name="Tạo trong nền").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tạo báo cáo trong nền")
    expect(page.locator(".report-facts")).to_contain_text("CCHC-01")
    check_accessibility(page, "/hr/reports/jobs/new/")
    shoot(page, screenshots, "job-new")
    page.get_by_role("button", name="Xác nhận").click()
    link = page.locator("[data-job-download]")
    expect(link).to_be_visible(timeout=30_000)
    check_accessibility(page, "/hr/reports/jobs/{id}/")
    shoot(page, screenshots, "job")
    with page.expect_download() as made:
        link.click()
    assert names_in(Path(made.value.path()).read_bytes()) == {someone.full_name for someone in ours}

    # A schedule of the summary of Thượng Giáo, every week; then paused.
    page.goto("/hr/reports/")
    page.get_by_role("link", name="Tổng hợp kết quả bồi dưỡng theo đơn vị").click()
    page.locator("#id_org_unit").select_option(str(unit("BABE-TG").pk))
    page.get_by_role("button", name="Gửi định kỳ qua thư điện tử").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gửi báo cáo định kỳ qua thư điện tử")
    page.get_by_label("Hằng tuần").check()
    check_accessibility(page, "/hr/reports/schedules/new/")
    shoot(page, screenshots, "schedule-new")
    page.get_by_role("button", name="Lưu lịch gửi").click()
    expect(page.locator(".notice--success")).to_contain_text("hằng tuần")
    schedules = page.locator("#schedules")
    expect(schedules).to_contain_text("Đơn vị: Xã Thượng Giáo")
    schedules.get_by_role("button", name="Tạm dừng").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã tạm dừng")
    expect(schedules.get_by_role("button", name="Gửi tiếp")).to_be_visible()
    schedule = ReportSchedule.objects.get()
    assert (schedule.owner_id, schedule.kind, schedule.every, schedule.active) == (
        hr_officer.pk, "summary", "week", False)
    expect(page.locator("#jobs")).to_contain_text("Báo cáo kết quả hoàn thành")
    check_accessibility(page, "/hr/reports/ with a job and a schedule")
    shoot(page, screenshots, "reports-lists")

    schedules.get_by_role("link", name="Xóa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thôi gửi")
    check_accessibility(page, "/hr/reports/schedules/{id}/delete/")
    shoot(page, screenshots, "schedule-delete")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã xóa lịch gửi")
    assert not ReportSchedule.objects.exists()


def test_an_administrator_merges_a_commune_after_seeing_what_moves(browser_context, province, erasable_audit_log,
                                                                  screenshots):
    from playwright.sync_api import expect

    from tests.e2e.browser import sign_in

    admin = person("quantri", ["admin"], full_name="Quản Trị Viên", org_unit=unit("BK"))
    person("hocvien", ["learner"], full_name="Hoàng Thị Học", org_unit=unit("BABE-TG"))
    page = browser_context.new_page()
    sign_in(page, admin.username)

    page.goto("/hr/reports/")
    section = page.locator("#org-units")
    expect(section).to_be_visible()
    check_accessibility(page, "/hr/reports/ as an administrator")
    shoot(page, screenshots, "admin-reports")

    # A date in the future: the service's reason beside "Ngày sáp nhập".
    section.get_by_label("Đơn vị được sáp nhập").select_option(str(unit("BABE-TG").pk))
    section.get_by_label("Sáp nhập vào").select_option(str(unit("CHODON-BL").pk))
    section.get_by_label("Ngày sáp nhập").fill("2999-01-01")
    section.get_by_role("button", name="Tiếp tục").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sáp nhập “Xã Thượng Giáo” vào “Xã Bằng Lãng”")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#merge-on_error")).to_be_visible()
    check_accessibility(page, "/hr/reports/org-units/merge/ with errors")
    shoot(page, screenshots, "merge-errors")

    page.get_by_label("Ngày sáp nhập").fill("2025-07-01")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".report-moves")).to_contain_text("1 người")
    check_accessibility(page, "/hr/reports/org-units/merge/ confirmation")
    shoot(page, screenshots, "merge-confirm")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã sáp nhập “Xã Thượng Giáo” vào “Xã Bằng Lãng”")
    assert unit("BABE-TG").merged_into == unit("CHODON-BL")
