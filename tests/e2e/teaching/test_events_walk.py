"""An instructor runs a conference in a real browser: creates it, a session, a roster, attendance, the QR screen,
certificates."""

import pytest

from tests.conftest import unit
from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.e2e.teaching.conftest import person
from training.models import AttendanceRecord, Event, RosterEntry

pytestmark = [pytest.mark.e2e, needs_chromium]


def test_an_instructor_runs_a_conference_from_creation_to_certificates(instructor_page, screenshots, settings):
    from playwright.sync_api import expect

    settings.CHECKIN_ROTATE_SECONDS = 2  # so that the screen's code rotates while we watch
    found = [person(f"hocvien{n}", ["learner"], full_name=f"Hoàng Thị Học {n}", org_unit=unit("BABE-TG"))
             for n in range(2)]
    filed = [person(f"daibieu{n}", ["learner"], full_name=f"Lục Văn Đại Biểu {n}", org_unit=unit("CHODON-BL"))
             for n in range(2)]
    page = instructor_page

    # A new conference: first sent empty, to see the errors.
    page.goto("/teach/events/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lớp học hoặc hội nghị mới")
    check_accessibility(page, "/teach/events/new/")
    shoot(page, screenshots, "event-new")
    page.get_by_role("button", name="Tạo mới").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    check_accessibility(page, "/teach/events/new/ with errors")
    shoot(page, screenshots, "event-new-errors")
    page.get_by_label("Hội nghị", exact=True).check()
    expect(page.get_by_label("Khóa", exact=True)).to_be_hidden()
    page.get_by_label("Tên", exact=True).fill("Hội nghị triển khai chuyển đổi số")
    page.get_by_label("Ngày bắt đầu").fill("2026-11-12")
    page.get_by_label("Ngày kết thúc").fill("2026-11-13")
    page.get_by_label("Địa điểm").fill("Hội trường Tỉnh ủy")
    page.get_by_label("Báo cáo viên").fill("TS. Nguyễn Văn A, Viện Chiến lược")
    page.get_by_role("button", name="Tạo mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị triển khai chuyển đổi số")
    event = Event.objects.get()
    assert event.kind == "conference" and event.speakers.startswith("TS.")

    # A session.
    page.locator("#session-title").fill("Phiên khai mạc")
    page.locator("#session-starts_at").fill("2026-11-12T08:00")
    page.locator("#session-ends_at").fill("2026-11-12T11:00")
    page.get_by_role("button", name="Thêm buổi", exact=True).click()
    expect(page.get_by_role("row", name="Phiên khai mạc")).to_be_visible()

    # People found by name.
    page.get_by_label("Họ tên, mã cán bộ hoặc tên đăng nhập").fill("Hoàng Thị Học")
    page.get_by_role("button", name="Tìm", exact=True).click()
    for someone in found:
        page.get_by_label(someone.full_name).check()
    page.get_by_role("button", name="Thêm vào danh sách").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã thêm 2 người")

    # A file with a bad line adds nobody and shows the line; then a good file.
    bad = f"employee_code,full_name\n{filed[0].employee_code},A\nKHONG-CO-AI,B\n"
    page.locator("#id_file").set_input_files(
        {"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    page.get_by_role("button", name="Nhập", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("Dòng 3")
    expect(page.locator("#id_file_error")).to_contain_text("KHONG-CO-AI")
    assert RosterEntry.objects.count() == 2
    check_accessibility(page, "event page with the file's errors")
    shoot(page, screenshots, "event-import-errors")
    good = "employee_code\n" + "\n".join(someone.employee_code for someone in filed) + "\n"
    page.locator("#id_file").set_input_files(
        {"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": good.encode()})
    page.get_by_role("button", name="Nhập", exact=True).click()
    expect(page.locator(".notice--success")).to_contain_text("Đã thêm 2 người")
    assert RosterEntry.objects.count() == 4
    check_accessibility(page, "/teach/events/{id}/")
    shoot(page, screenshots, "event")

    # Attendance: everyone present, then one exception.
    page.get_by_role("link", name="Điểm danh Phiên khai mạc").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Điểm danh")
    url = page.url
    page.get_by_role("link", name="Đánh dấu tất cả có mặt").click()
    assert page.url == url, "marked in place, without a reload"
    absent = filed[1]
    page.get_by_role("group", name=absent.full_name).get_by_text("Vắng", exact=True).click()
    check_accessibility(page, "/teach/sessions/{id}/attendance/")
    shoot(page, screenshots, "attendance")
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã lưu điểm danh")
    statuses = dict(AttendanceRecord.objects.values_list("user__username", "status"))
    assert statuses == {"hocvien0": "present", "hocvien1": "present", "daibieu0": "present", "daibieu1": "absent"}

    # The QR screen: the code rotates in place.
    page.goto(f"/teach/events/{event.pk}/")
    page.get_by_role("link", name="Mở màn hình QR Phiên khai mạc").click()
    screen = page.locator("[data-code-url]")
    expect(page.locator("svg.session-screen__svg")).to_be_visible()
    expect(page.locator(".site-header")).to_have_count(0)
    page.evaluate("window.stillTheSamePage = true")
    first_code = screen.get_attribute("data-code")
    first_svg = page.locator("[data-qr]").inner_html()
    page.wait_for_function("(code) => document.querySelector('[data-code-url]').dataset.code !== code",
                           arg=first_code, timeout=15_000)
    assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"
    assert page.locator("[data-qr]").inner_html() != first_svg
    expect(page.locator("svg.session-screen__svg")).to_be_visible()
    check_accessibility(page, "/sessions/{id}/screen/")
    shoot(page, screenshots, "session-screen")

    # Certificates in bulk: the job runs at once here, and the ZIP is offered.
    page.goto(f"/teach/events/{event.pk}/")
    expect(page.locator("#certificates")).to_contain_text("3 người đã đạt yêu cầu tham dự")
    page.get_by_role("button", name="Cấp giấy chứng nhận hàng loạt").click()
    download = page.locator("[data-job-download]")
    expect(download).to_be_visible(timeout=30_000)
    assert "/download/" in download.get_attribute("href")
    check_accessibility(page, "event page with the certificates' job")
    shoot(page, screenshots, "event-certificates")
