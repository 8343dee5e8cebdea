"""An instructor builds a quiz on a bank, learners take it, and the instructor reads its statistics and regrades it."""

import pytest

from quizzes import services
from quizzes.models import Quiz
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.frontend.teaching.test_quizzes import take
from tests.quizzes.conftest import every_type
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.fixture
def bank(instructor):
    course = build_course(instructor, code="CCHC-QZ", lessons=1, title="Cải cách hành chính cơ bản")
    bank = services.create_bank(actor=instructor, name="Ngân hàng CCHC", course=course)
    services.add_questions(bank=bank, parsed=[q for q in every_type() if q.type != "essay"])
    return bank


def test_an_instructor_builds_a_quiz_reads_its_statistics_and_regrades_it(instructor_page, bank, screenshots):
    from playwright.sync_api import expect

    page = instructor_page
    page.goto("/teach/quizzes/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bài kiểm tra mới")
    check_accessibility(page, "/teach/quizzes/new/")
    shoot(page, screenshots, "quiz-new")

    page.get_by_label("Tiêu đề").fill("Kiểm tra cuối khóa CCHC")
    page.get_by_label("Khóa học").select_option(label="CCHC-QZ – Cải cách hành chính cơ bản")
    page.get_by_label("Ngân hàng câu hỏi").select_option(label="Ngân hàng CCHC (CCHC-QZ)")
    page.get_by_label("Thời điểm mở").fill("2026-03-02T07:30")
    page.get_by_label("Thời điểm đóng").fill("2026-03-01T07:30")
    page.get_by_role("button", name="Tạo bài kiểm tra").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_closes_at")
    check_accessibility(page, "/teach/quizzes/new/ with errors")
    shoot(page, screenshots, "quiz-new-errors")

    page.get_by_label("Thời điểm mở").fill("")
    page.get_by_label("Thời điểm đóng").fill("")
    page.get_by_role("button", name="Tạo bài kiểm tra").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã tạo bài kiểm tra")
    quiz = Quiz.objects.get(title="Kiểm tra cuối khóa CCHC")
    assert page.url.endswith(f"/teach/quizzes/{quiz.pk}/")
    check_accessibility(page, "/teach/quizzes/{id}/")
    shoot(page, screenshots, "quiz-settings")

    for number in range(4):
        learner = UserFactory(username=f"hocvien{number}", roles=["learner"], org_unit=unit("BABE-TG"))
        take(quiz, learner, single="Sở Tài chính" if number else "Sở Nội vụ", rest_right=number == 0)

    page.get_by_role("link", name="Thống kê").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thống kê")
    expect(page.locator("svg.quiz-chart").first).to_be_visible()
    expect(page.get_by_role("heading", name="Câu hỏi cần xem lại")).to_be_visible()
    expect(page.locator(".quiz-flag-list")).to_contain_text("chọn phương án sai “Sở Tài chính”")
    check_accessibility(page, "/teach/quizzes/{id}/statistics/")
    shoot(page, screenshots, "quiz-statistics")

    page.get_by_role("button", name="Chấm lại mọi lượt làm bài").click()
    expect(page.get_by_role("status").first).to_contain_text("Đang chấm lại 4 lượt làm bài")
    progress = page.locator(".job-progress")
    expect(progress).to_contain_text("4/4")
    expect(progress.locator("[data-job-status]")).to_have_text("Đã xong")
    check_accessibility(page, "/teach/quizzes/{id}/statistics/ after a regrade")
    shoot(page, screenshots, "quiz-regraded")

    page.get_by_role("link", name="Lượt làm bài").first.click()
    expect(page.get_by_role("table")).to_contain_text("Chưa đạt")
    check_accessibility(page, "/teach/quizzes/{id}/attempts/")
    shoot(page, screenshots, "quiz-attempts")
