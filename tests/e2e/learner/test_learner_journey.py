"""A learner's journey in a real browser: the course HR assigned, its lessons, a timed quiz, the result, the certificate.

The whole journey runs against the live server with a real Celery worker on the
same test database (PostgreSQL and Redis, as .ci/run provides): the worker scores
the attempt, completes the course and issues the certificate. A shorter walk of a
quiz laid out one question per page runs with tasks in-process, and checks each
state of the page with axe-core and screenshots at office-PC and phone widths.
tests/e2e/test_quiz_in_browser.py walks a quiz with every question on one page.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from certificates.models import Certificate
from courses import services as course_services
from courses.models import Enrollment
from quizzes import services
from quizzes.models import Attempt
from quizzes.services.quizzes import create_quiz
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.e2e.browser import check_accessibility, needs_chromium, shoot, sign_in
from tests.e2e.teaching.conftest import person
from tests.quizzes.conftest import every_type

pytestmark = [pytest.mark.e2e, needs_chromium]

COURSE_TITLE = "Cơ chế một cửa, một cửa liên thông"


def paged_quiz(*, time_limit_minutes: int | None):
    """A published course of two lessons whose quiz shows its three auto-scored questions one per page.

    The questions, in this order: single choice (Sở Nội vụ), short answer (CCHC), numerical (4).
    """
    instructor = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    course = build_course(instructor, code="E2E-HT", lessons=2, title=COURSE_TITLE)
    bank = services.create_bank(actor=instructor, name="Ngân hàng CCHC", course=course)
    services.add_questions(bank=bank, parsed=[
        question for question in every_type() if question.type in ("single", "short_answer", "numerical")])
    return create_quiz(actor=instructor, course=course, title="Kiểm tra cuối khoá", bank=bank, layout="one_per_page",
                       time_limit_minutes=time_limit_minutes, shuffle_questions=False, shuffle_choices=False)


def saved_answers(learner) -> dict:
    return Attempt.objects.get(user=learner).answers


# The journey, with a real worker ------------------------------------------------------------------


@pytest.fixture
def assigned_quiz(learner_person):
    """HR of Ba Bể assigned the course, due in a month, to the district; the quiz has a one-minute limit."""
    quiz = paged_quiz(time_limit_minutes=1)
    hr = person("tochuc", ["hr"], full_name="Hoàng Thị Tổ Chức", org_unit=unit("BABE"), hr_scope=[unit("BABE")])
    course_services.assign_course(actor=hr, course=quiz.course, org_unit=unit("BABE"),
                                  due_date=timezone.localdate() + timedelta(days=30))
    return quiz


@pytest.mark.worker
def test_a_learner_completes_the_assigned_course_and_downloads_the_certificate(
    celery_worker_process, assigned_quiz, learner_person, browser_context, screenshots,
):
    from playwright.sync_api import expect

    page = browser_context.new_page()
    sign_in(page, "hocvien")
    page.get_by_role("link", name=COURSE_TITLE).first.click()
    due = (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")
    expect(page.get_by_text(f"Hạn hoàn thành: {due}")).to_be_visible()

    # The lessons: "done" on the first opens the second; on the last, back to the course.
    page.get_by_role("link", name="Bài 1").click()
    page.get_by_role("button", name="Đánh dấu đã học xong").click()
    expect(page.get_by_role("heading", name="Bài 2")).to_be_visible()
    page.get_by_role("button", name="Đánh dấu đã học xong").click()
    expect(page.locator(".lesson-list__item.is-done")).to_have_count(2)

    # The timed quiz, one question per page.
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^(0:[0-5]\d|1:00)$"))
    page.get_by_label("Sở Nội vụ").check()
    expect(page.locator("#save-status")).to_contain_text("Đã lưu lúc")
    page.get_by_role("button", name="Câu sau").click()
    page.wait_for_url("**/?page=2")
    expect(page.get_by_role("link", name="Câu 1, đã trả lời")).to_be_visible()
    page.get_by_label("Câu trả lời của bạn cho câu 2").fill("cchc")
    expect(page.locator("#save-status")).to_contain_text("Đã lưu lúc")

    # The minute would make the walk wait: the server's deadline comes closer (as when the quiz closes soon).
    attempt = Attempt.objects.get(user=learner_person)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=30))
    page.reload()
    expect(page.get_by_label("Câu trả lời của bạn cho câu 2")).to_have_value("cchc")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^0:[0-3]\d$"))
    page.get_by_role("link", name="Câu 1, đã trả lời").click()
    page.wait_for_url("**/?page=1")
    expect(page.get_by_label("Sở Nội vụ")).to_be_checked()
    page.get_by_role("link", name="Câu 3, chưa trả lời").click()
    page.wait_for_url("**/?page=3")

    # The connection drops while answering: the page says the answer is not saved, and sends it once back.
    browser_context.set_offline(True)
    page.get_by_label("Câu trả lời của bạn cho câu 3").fill("4")
    status = page.locator("#save-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text("Chưa lưu được — đang thử lại")
    assert len(saved_answers(learner_person)) == 2
    shoot(page, screenshots, "journey-offline")
    browser_context.set_offline(False)
    expect(status).to_contain_text("Đã lưu lúc")
    assert len(saved_answers(learner_person)) == 3

    # The deadline passes: the page hands in by itself; the worker scores; the result page shows it.
    page.wait_for_url(f"**/attempts/{attempt.pk}/result/", timeout=40_000)
    expect(page.locator(".result__percent")).to_have_text("100%", timeout=30_000)
    expect(page.get_by_text("Đạt", exact=True)).to_be_visible()

    page.get_by_role("link", name="Quay lại khóa học").click()
    expect(page.get_by_text("Đã hoàn thành", exact=True)).to_be_visible()
    assert Enrollment.objects.get(user=learner_person).status == "completed"

    # The worker issues the certificate; the page lists it once its PDF is stored.
    page.goto("/certificates/")
    download_link = page.get_by_role("link", name=re.compile("^Tải PDF"))
    for _second in range(30):
        if download_link.count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    with page.expect_download() as download:
        download_link.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert Certificate.objects.get(holder=learner_person).enrollment.course == assigned_quiz.course


# One question per page, each state checked (tasks in-process) -------------------------------------


@pytest.fixture
def enrolled_quiz(learner_person):
    quiz = paged_quiz(time_limit_minutes=30)
    course_services.enroll(user=learner_person, course=quiz.course)
    return quiz


def test_a_quiz_one_question_per_page_moves_saves_and_hands_in(enrolled_quiz, learner_person, browser_context,
                                                                screenshots):
    from playwright.sync_api import expect

    page = browser_context.new_page()
    sign_in(page, "hocvien")
    page.goto(f"/courses/{enrolled_quiz.course_id}/")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    nav = page.get_by_role("navigation", name="Danh sách câu hỏi")
    expect(nav.get_by_role("link")).to_have_count(3)
    expect(nav.get_by_role("link", name="Câu 1, chưa trả lời")).to_have_attribute("aria-current", "page")
    expect(page.locator("#attempt-form").get_by_role("group")).to_have_count(1)
    check_accessibility(page, "question 1 of 3")
    shoot(page, screenshots, "one-per-page-first")

    # "Next" right after answering: the answer reaches the server before the page changes.
    page.get_by_label("Sở Nội vụ").check()
    page.get_by_role("button", name="Câu sau").click()
    page.wait_for_url("**/?page=2")
    assert len(saved_answers(learner_person)) == 1
    expect(nav.get_by_role("link", name="Câu 1, đã trả lời")).to_be_visible()
    expect(nav.get_by_role("link", name="Câu 2, chưa trả lời")).to_have_attribute("aria-current", "page")
    page.get_by_label("Câu trả lời của bạn cho câu 2").fill("cchc")
    check_accessibility(page, "question 2 of 3")
    shoot(page, screenshots, "one-per-page-middle")
    page.get_by_role("button", name="Câu trước").click()
    page.wait_for_url("**/?page=1")
    expect(page.get_by_label("Sở Nội vụ")).to_be_checked()
    expect(nav.get_by_role("link", name="Câu 2, đã trả lời")).to_be_visible()

    # Handing in from the first page: the summary lists the question left, on its own page.
    page.get_by_role("button", name="Nộp bài…").click()
    dialog = page.get_by_role("dialog", name="Nộp bài?")
    expect(dialog.get_by_role("link")).to_have_text(["Câu 3"])
    check_accessibility(page, "hand in: one question left")
    shoot(page, screenshots, "one-per-page-hand-in")
    dialog.get_by_role("link", name="Câu 3").click()
    page.wait_for_url("**/?page=3")
    expect(page.get_by_role("button", name="Câu sau")).to_have_count(0)
    page.get_by_label("Câu trả lời của bạn cho câu 3").fill("4,0")
    check_accessibility(page, "question 3 of 3")
    shoot(page, screenshots, "one-per-page-last")
    page.get_by_role("button", name="Nộp bài…").click()
    expect(dialog.get_by_text("Bạn đã trả lời tất cả các câu hỏi.")).to_be_visible()
    dialog.get_by_role("button", name="Nộp bài", exact=True).click()

    page.wait_for_url("**/result/")
    expect(page.locator(".result__percent")).to_have_text("100%")
    check_accessibility(page, "/attempts/{id}/result/")
    shoot(page, screenshots, "one-per-page-result")
