"""An instructor builds a course in a real browser: create, outline, the lesson editor, reorder, preview, publish."""

import re

import pytest

from accounts.models import User
from courses import services
from courses.models import Course, Lesson
from tests.conftest import unit
from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.e2e.teaching.conftest import person

pytestmark = [pytest.mark.e2e, needs_chromium]


def policy_violations(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    return violations


def lesson_titles(course) -> list[str]:
    return list(Lesson.objects.filter(module__course=course).order_by("module__position", "position", "id")
                .values_list("title", flat=True))


def test_an_instructor_builds_reorders_previews_and_publishes_a_course(instructor_page, screenshots):
    from playwright.sync_api import expect

    page = instructor_page
    violations = policy_violations(page)

    # The new-course form, first sent empty: the error summary links to the fields.
    page.goto("/teach/courses/new/")
    page.get_by_role("button", name="Tạo khóa học").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Lỗi:"))
    check_accessibility(page, "new course, with errors")
    shoot(page, screenshots, "course-new-errors")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_code")).to_be_focused()

    page.get_by_label("Mã khóa học").fill("CCHC-WALK")
    page.get_by_label("Tên khóa học").fill("Cải cách thủ tục hành chính ở cấp xã")
    page.get_by_label("Chủ đề").select_option("procedures")
    page.get_by_label("Số giờ đào tạo").fill("4")
    page.get_by_role("button", name="Tạo khóa học").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cải cách thủ tục hành chính ở cấp xã")
    course = Course.objects.get(code="CCHC-WALK")
    check_accessibility(page, "course page, empty")

    # A module, then a text lesson written in the editor.
    page.locator("#module_title").fill("Tổng quan về một cửa")
    page.get_by_role("button", name="Thêm chương").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thêm chương")
    page.get_by_role("link", name=re.compile("^\\+ Thêm bài học")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bài học mới")
    editor = page.locator("trix-editor")
    expect(editor).to_be_visible()
    check_accessibility(page, "new lesson, the editor")
    shoot(page, screenshots, "lesson-new")
    page.get_by_label("Tên bài học").fill("Mục tiêu của cơ chế một cửa")
    editor.click()
    page.get_by_role("button", name="Tiêu đề mục").click()
    page.keyboard.type("Mục tiêu")
    page.keyboard.press("Enter")
    page.keyboard.type("Giải quyết thủ tục nhanh, ")
    page.get_by_role("button", name="In đậm").click()
    page.keyboard.type("công khai")
    page.get_by_role("button", name="In đậm").click()
    page.keyboard.type(", minh bạch.")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thêm bài học")
    body = Lesson.objects.get(title="Mục tiêu của cơ chế một cửa").body
    assert "<h2>Mục tiêu</h2>" in body and "<strong>công khai</strong>" in body, body

    # A link lesson: first without its address (the error beside the field), then with it.
    page.get_by_role("link", name=re.compile("^\\+ Thêm bài học")).click()
    page.get_by_label("Tên bài học").fill("Cổng dịch vụ công quốc gia")
    page.get_by_label("Loại").select_option("link")
    expect(page.locator("trix-editor")).to_be_hidden()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".error-summary")).to_contain_text("địa chỉ")
    expect(page.locator("#id_url_error")).to_be_visible()
    check_accessibility(page, "new lesson, with errors")
    shoot(page, screenshots, "lesson-new-errors")
    page.get_by_label("Địa chỉ (URL)").fill("https://dichvucong.gov.vn/")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thêm bài học")
    assert lesson_titles(course) == ["Mục tiêu của cơ chế một cửa", "Cổng dịch vụ công quốc gia"]
    check_accessibility(page, "course page, with its outline")
    shoot(page, screenshots, "course")

    # Drag the second lesson above the first, then put it back with the arrow button (no JavaScript needed).
    second = page.locator(".outline__lesson", has_text="Cổng dịch vụ công quốc gia")
    first = page.locator(".outline__lesson", has_text="Mục tiêu của cơ chế một cửa")
    second.locator(".drag-handle").drag_to(first, target_position={"x": 20, "y": 5})
    expect(page.locator("[aria-live=polite]")).to_have_text("Đã lưu thứ tự mới.")
    assert lesson_titles(course) == ["Cổng dịch vụ công quốc gia", "Mục tiêu của cơ chế một cửa"]
    page.get_by_role("button", name="Chuyển lên: Mục tiêu của cơ chế một cửa").click()
    expect(page.locator(".outline__lesson").first).to_contain_text("Mục tiêu của cơ chế một cửa")
    assert lesson_titles(course) == ["Mục tiêu của cơ chế một cửa", "Cổng dịch vụ công quốc gia"]

    # The other pages of the course: its module, a lesson, the copy form, its learners.
    page.get_by_role("link", name="Sửa Tổng quan về một cửa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa chương")
    check_accessibility(page, "module page")
    shoot(page, screenshots, "module")
    page.get_by_role("link", name="Quay lại khóa học").click()
    page.get_by_role("link", name="Mục tiêu của cơ chế một cửa", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa bài học")
    expect(page.locator("trix-editor h2")).to_have_text("Mục tiêu")
    check_accessibility(page, "lesson page")
    shoot(page, screenshots, "lesson")
    page.goto(f"/teach/courses/{course.pk}/copy/")
    check_accessibility(page, "copy page")
    shoot(page, screenshots, "course-copy")

    # Preview as a learner, then publish.
    page.goto(f"/teach/courses/{course.pk}/")
    page.get_by_role("link", name="Xem trước như học viên").click()
    expect(page).to_have_url(re.compile(f"/courses/{course.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cải cách thủ tục hành chính ở cấp xã")
    page.go_back()
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.get_by_role("status")).to_contain_text("Đã xuất bản khóa học")
    expect(page.locator(".course-head__status .badge")).to_have_text("Đã xuất bản")
    course.refresh_from_db()
    assert course.status == "published"
    check_accessibility(page, "course page, published")
    for number in range(3):
        services.enroll(user=person(f"hocvien{number}", ["learner"], full_name=f"Nông Văn Học {number}",
                                    org_unit=unit("BABE-TG")), course=course)
    services.complete_lesson(user=User.objects.get(username="hocvien0"), lesson=Lesson.objects.filter(
        module__course=course).first())

    page.get_by_role("link", name="Học viên và tiến độ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Học viên và tiến độ")
    expect(page.get_by_role("row", name=re.compile("Nông Văn Học 0"))).to_contain_text("50%")
    check_accessibility(page, "learners page")
    shoot(page, screenshots, "course-learners")
    assert not violations, violations
