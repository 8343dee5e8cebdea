"""An HR officer of Ba Bể assigns a mandatory course in a real browser: the form, the preview with its count,
"Xác nhận", the list with its progress; then changes the due date and sends a reminder."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from courses.models import Assignment, Enrollment
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.e2e.teaching.conftest import person

pytestmark = [pytest.mark.e2e, needs_chromium]


def test_an_officer_assigns_a_course_changes_its_due_date_and_reminds(hr_page, screenshots):
    from playwright.sync_api import expect

    teacher = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    course = build_course(teacher, code="CCHC-01", title="Cơ chế một cửa, một cửa liên thông")
    for number in range(3):
        person(f"hocvien{number}", ["learner"], full_name=f"Hoàng Thị Học {number}", org_unit=unit("BABE-TG"))
    due, later = timezone.localdate() + timedelta(days=30), timezone.localdate() + timedelta(days=60)
    page = hr_page

    page.goto("/hr/assignments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Khóa học bắt buộc")
    check_accessibility(page, "/hr/assignments/ (empty)")
    page.get_by_role("link", name="Giao khóa học").first.click()

    # The form, first sent empty to see its errors.
    expect(page.get_by_role("heading", level=1)).to_have_text("Giao khóa học")
    check_accessibility(page, "/hr/assignments/new/")
    shoot(page, screenshots, "assignment-new")
    page.get_by_role("button", name="Giao khóa học").click()
    expect(page.locator(".error-summary")).to_be_focused()
    check_accessibility(page, "/hr/assignments/new/ with errors")
    shoot(page, screenshots, "assignment-new-errors")
    page.get_by_label("Khóa học").select_option(str(course.pk))
    page.get_by_label("Đơn vị").select_option(str(unit("BABE-TG").pk))
    page.get_by_label("Hạn hoàn thành").fill(due.isoformat())
    page.get_by_role("button", name="Giao khóa học").click()

    # The preview: how many it enrols; nothing done yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra và xác nhận giao khóa học")
    expect(page.locator('[data-figure="new"]')).to_have_text("3")
    expect(page.locator(".assign-preview")).to_contain_text("Xã Thượng Giáo")
    expect(page.locator(".assign-preview")).to_contain_text(f"{due:%d/%m/%Y}")
    assert not Assignment.objects.exists()
    check_accessibility(page, "the preview")
    shoot(page, screenshots, "assignment-preview")
    page.get_by_role("button", name="Xác nhận").click()

    # In the list, with its figures.
    expect(page.locator(".notice--success")).to_contain_text("3 người được ghi danh mới")
    row = page.get_by_role("row", name="Cơ chế một cửa")
    expect(row).to_contain_text("Xã Thượng Giáo")
    expect(row).to_contain_text(f"{due:%d/%m/%Y}")
    assert Enrollment.objects.filter(mandatory=True, due_date=due).count() == 3
    check_accessibility(page, "/hr/assignments/")
    shoot(page, screenshots, "assignments")

    # Its page: a new due date, then a reminder.
    row.get_by_role("link", name="Cơ chế một cửa, một cửa liên thông").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cơ chế một cửa, một cửa liên thông")
    expect(page.get_by_role("row", name="Hoàng Thị Học 0")).to_contain_text("Chưa bắt đầu")
    page.get_by_label("Hạn hoàn thành mới").fill(later.isoformat())
    page.get_by_role("button", name="Đổi hạn hoàn thành").click()
    expect(page.locator(".notice--success")).to_contain_text(f"Hạn hoàn thành đã đổi thành {later:%d/%m/%Y}")
    assert set(Enrollment.objects.values_list("due_date", flat=True)) == {later}
    page.get_by_role("button", name="Gửi nhắc nhở").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã gửi nhắc nhở cho 3 người")
    assert Notification.objects.filter(kind="reminder").count() == 3
    expect(page.get_by_role("button", name="Gửi nhắc nhở")).to_have_count(0)
    check_accessibility(page, "/hr/assignments/{id}/")
    shoot(page, screenshots, "assignment")
