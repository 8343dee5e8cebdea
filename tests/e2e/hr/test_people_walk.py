"""An HR officer of Ba Bể looks after their people in a real browser: searches a person, opens the training record,
edits and saves it; imports a staff file with a bad line (refused at its line, nobody created), then a good one
(the preview, "Xác nhận", the people exist)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from courses import services as course_services
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.e2e.teaching.conftest import person

pytestmark = [pytest.mark.e2e, needs_chromium]

HEADER = "username,full_name,email,employee_code,org_unit,position"
BAD = f"{HEADER}\nmoi1,Lý Văn Mới,moi1@babe.gov.vn,BB-101,BABE-TG,\nmoi2,Ngoài Phạm Vi,,BB-102,CHODON,\n"
GOOD = (f"{HEADER}\nmoi1,Lý Văn Mới,moi1@babe.gov.vn,BB-101,BABE-TG,Chuyên viên\n"
        "moi2,Triệu Thị Hai,,BB-102,BABE,\nhocvien,Nông Văn Học,hocvien@babe.gov.vn,BB-001,BABE,Phó chủ tịch\n")


def test_an_officer_finds_a_person_edits_them_and_imports_staff(hr_page, screenshots):
    from playwright.sync_api import expect

    teacher = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    learner = person("hocvien", ["learner"], full_name="Nông Văn Học", org_unit=unit("BABE-TG"),
                     employee_code="BB-001", email="hocvien@babe.gov.vn")
    for number in range(3):
        person(f"canbo{number}", ["learner"], full_name=f"Hoàng Văn Cán {number}", org_unit=unit("BABE"))
    person("ngoai", ["learner"], full_name="Lục Thị Ngoài", org_unit=unit("CHODON-BL"))
    course = build_course(teacher, code="CCHC-01", title="Cơ chế một cửa, một cửa liên thông")
    course_services.assign_course(actor=teacher, course=course, org_unit=unit("BABE"),
                                  due_date=timezone.localdate() + timedelta(days=30))
    page = hr_page

    # The list, then a search.
    page.goto("/hr/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cán bộ thuộc đơn vị tôi phụ trách")
    expect(page.get_by_role("row")).to_have_count(6)  # the header, four learners of Ba Bể and the officer
    expect(page.locator("main")).not_to_contain_text("Lục Thị Ngoài")
    check_accessibility(page, "/hr/people/")
    shoot(page, screenshots, "people-list")
    page.get_by_label("Họ tên, tên đăng nhập, mã cán bộ hoặc thư điện tử").fill("nông văn")
    page.get_by_label("Đơn vị, gồm cả các đơn vị trực thuộc").select_option(str(unit("BABE").pk))
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("row")).to_have_count(2)
    row = page.get_by_role("row", name="Nông Văn Học")
    expect(row).to_contain_text("Xã Thượng Giáo")
    expect(row).to_contain_text("0 / 1")
    check_accessibility(page, "/hr/people/?search=")
    shoot(page, screenshots, "people-search")

    # The record.
    row.get_by_role("link", name="Nông Văn Học").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nông Văn Học")
    expect(page.locator("[data-enrollments]")).to_contain_text("Cơ chế một cửa, một cửa liên thông")
    expect(page.locator("[data-enrollments]")).to_contain_text("Chưa bắt đầu")
    check_accessibility(page, "the record")
    shoot(page, screenshots, "person-record")

    # Editing: an error first, then saved.
    page.get_by_role("link", name="Sửa thông tin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa thông tin")
    page.get_by_label("Họ và tên").fill("")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".error-summary")).to_be_focused()
    check_accessibility(page, "edit with errors")
    shoot(page, screenshots, "person-edit-errors")
    page.get_by_label("Họ và tên").fill("Nông Văn Học Mới")
    page.get_by_label("Chức vụ, chức danh").fill("Công chức văn hóa")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã lưu thông tin của Nông Văn Học Mới.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nông Văn Học Mới")
    learner.refresh_from_db()
    assert (learner.full_name, learner.position) == ("Nông Văn Học Mới", "Công chức văn hóa")

    # The import: a file with a bad line, refused at it.
    page.goto("/hr/people/")
    page.get_by_role("link", name="Nhập danh sách cán bộ từ tệp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập danh sách cán bộ")
    check_accessibility(page, "/hr/people/import/")
    shoot(page, screenshots, "import")
    page.get_by_label("Tệp danh sách cán bộ (CSV hoặc XLSX)").set_input_files(
        files=[{"name": "can-bo.csv", "mimeType": "text/csv", "buffer": BAD.encode()}])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator(".error-summary")).to_contain_text("Dòng 3: Đơn vị “CHODON” nằm ngoài phạm vi phụ trách")
    expect(page.locator(".staff-file-errors")).to_contain_text("Chưa nhập gì: tệp có 1 lỗi.")
    assert not User.objects.filter(username__in=["moi1", "moi2"]).exists()
    check_accessibility(page, "import with errors")
    shoot(page, screenshots, "import-errors")

    # A good file: the preview, then "Xác nhận".
    page.get_by_label("Tệp danh sách cán bộ (CSV hoặc XLSX)").set_input_files(
        files=[{"name": "can-bo.csv", "mimeType": "text/csv", "buffer": GOOD.encode()}])
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra và xác nhận nhập danh sách")
    expect(page.locator('[data-figure="created"]')).to_have_text("2")
    expect(page.locator('[data-figure="changed"]')).to_have_text("1")
    expect(page.locator('[data-changed] li[data-username="hocvien"]')).to_contain_text(
        "Họ và tên: Nông Văn Học Mới → thành Nông Văn Học")
    assert not User.objects.filter(username__in=["moi1", "moi2"]).exists()
    check_accessibility(page, "the preview")
    shoot(page, screenshots, "import-preview")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".notice--success")).to_contain_text("Đã nhập tệp: tạo mới 2 người, cập nhật 1 người.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cán bộ thuộc đơn vị tôi phụ trách")
    expect(page.get_by_role("row", name="Lý Văn Mới")).to_contain_text("Xã Thượng Giáo")
    assert User.objects.get(username="moi1").org_unit.code == "BABE-TG"
    assert User.objects.get(username="moi2").full_name == "Triệu Thị Hai"
    learner.refresh_from_db()
    assert (learner.full_name, learner.org_unit.code) == ("Nông Văn Học", "BABE")
    check_accessibility(page, "/hr/people/ after the import")
    shoot(page, screenshots, "people-after-import")


def test_an_officer_sees_why_an_instructor_is_read_only(hr_page, screenshots):
    from playwright.sync_api import expect

    teacher = person("giangvien2", ["instructor"], full_name="Lý Thị Dạy", org_unit=unit("BABE"))
    page = hr_page
    page.goto(f"/hr/people/{teacher.pk}/")
    expect(page.locator(".staff-read-only")).to_contain_text("Chỉ quản trị viên mới được thay đổi")
    expect(page.get_by_role("link", name="Sửa thông tin")).to_have_count(0)
    check_accessibility(page, "a read-only record")
    shoot(page, screenshots, "person-read-only")
