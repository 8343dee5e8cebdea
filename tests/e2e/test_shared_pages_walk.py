"""The pages of UI.md that are nobody's workspace: sign-in, password reset, verification, catalogue, lesson, grading.

Each is opened in Debian's Chromium as its user would, checked by axe-core and
photographed at office-PC and phone widths (the other pages have their walks
in tests/e2e/teaching/, tests/e2e/hr/ and tests/e2e/learner/).
"""

import pytest
from django.db import transaction

from certificates.models import Certificate
from courses import services as course_services
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.e2e.browser import check_accessibility, needs_chromium, screenshots_folder, shoot, sign_in
from tests.e2e.teaching.conftest import person
from tests.frontend.test_grading_page import handed_in
from tests.quizzes.conftest import make_quiz

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.fixture
def browser_context(live_server, settings, monkeypatch):
    from tests.e2e.browser import open_browser

    yield from open_browser(live_server, settings, monkeypatch)


@pytest.fixture
def screenshots(tmp_path):
    return screenshots_folder(tmp_path)


@pytest.fixture
def world(erasable_audit_log, province):
    """A published course of one lesson, completed by `hocvien` (so a certificate), and an essay waiting."""
    from quizzes import services as quiz_services
    from quizzes.formats import ParsedQuestion

    instructor = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    learner = person("hocvien", ["learner"], full_name="Nông Thị Học", org_unit=unit("BABE-TG"),
                     email="hocvien@example.gov.vn")
    course = build_course(instructor, code="CCHC-01", lessons=1, title="Cải cách thủ tục hành chính")
    with transaction.atomic():
        course_services.enroll(user=learner, course=course)
        course_services.complete_lesson(user=learner, lesson=course.modules.first().lessons.first())
    essays = build_course(instructor, code="CCHC-02", lessons=1, title="Chính quyền số")
    bank = quiz_services.create_bank(actor=instructor, name="Tự luận", course=essays)
    quiz_services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", "Nêu giải pháp nâng cao chỉ số PAR INDEX.")])
    course_services.enroll(user=learner, course=essays)
    handed_in(make_quiz(essays, bank), learner)
    return {"course": course, "learner": learner, "instructor": instructor,
            "certificate": Certificate.objects.get(holder=learner)}


def test_sign_in_and_password_reset_pages_pass_axe(browser_context, world, screenshots):
    from playwright.sync_api import expect

    page = browser_context.new_page()
    page.goto("/accounts/login/")
    check_accessibility(page, "/accounts/login/")
    shoot(page, screenshots, "login")
    page.get_by_label("Tên đăng nhập").fill("hocvien")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check_accessibility(page, "/accounts/login/ with errors")
    shoot(page, screenshots, "login-errors")

    page.goto("/accounts/password_reset/")
    check_accessibility(page, "/accounts/password_reset/")
    shoot(page, screenshots, "password-reset")
    page.get_by_label("Địa chỉ thư điện tử").fill("khong-phai-thu")
    page.get_by_role("button").filter(has_text="Gửi").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check_accessibility(page, "/accounts/password_reset/ with errors")
    page.get_by_label("Địa chỉ thư điện tử").fill("hocvien@example.gov.vn")
    page.get_by_role("button").filter(has_text="Gửi").click()
    page.wait_for_url("**/password_reset/done/")
    check_accessibility(page, "/accounts/password_reset/done/")
    shoot(page, screenshots, "password-reset-done")


def test_the_public_verification_page_passes_axe(browser_context, world, screenshots):
    from playwright.sync_api import expect

    page = browser_context.new_page()
    certificate = world["certificate"]
    page.goto(f"/verify/{certificate.code}/")
    expect(page.get_by_text("Nông Thị Học").first).to_be_visible()
    check_accessibility(page, "/verify/{code}/")
    shoot(page, screenshots, "verify")
    response = page.goto("/verify/KHONG-CO-MA-NAY/")
    assert response.status == 404
    check_accessibility(page, "/verify/ an unknown code")
    shoot(page, screenshots, "verify-unknown")


def test_the_catalogue_lesson_and_grading_pages_pass_axe(browser_context, world, screenshots):
    from playwright.sync_api import expect

    page = browser_context.new_page()
    sign_in(page, "hocvien")
    page.goto("/courses/")
    expect(page.get_by_role("link", name="Cải cách thủ tục hành chính").first).to_be_visible()
    check_accessibility(page, "/courses/")
    shoot(page, screenshots, "catalogue")
    lesson = world["course"].modules.first().lessons.first()
    page.goto(f"/lessons/{lesson.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    check_accessibility(page, "/lessons/{id}/")
    shoot(page, screenshots, "lesson")

    browser_context.clear_cookies()  # signed out: the instructor signs in on the same browser
    teacher = browser_context.new_page()
    sign_in(teacher, "giangvien")
    teacher.goto("/grading/")
    expect(teacher.get_by_text("Nêu giải pháp nâng cao chỉ số PAR INDEX.").first).to_be_visible()
    check_accessibility(teacher, "/grading/")
    shoot(teacher, screenshots, "grading")
