"""A learner takes a quiz in a real browser: autosave, reload, hand in, result.

Drives Debian's Chromium (not a browser Playwright downloads) against Django's
live server. Screenshots of the attempt and result pages at office-PC and phone
widths go to $E2E_SCREENSHOT_DIR when it is set, else to the test's tmp_path.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from courses import services as course_services
from quizzes import services
from tests.conftest import unit
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, OFFICE_PC, PASSWORD, check_accessibility
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.quizzes.conftest import every_type, make_quiz

PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture
def quiz_to_take(erasable_audit_log, province):
    """A learner enrolled in a published course whose 30-minute quiz has one question of each auto-scored type."""
    instructor = UserFactory(username="giangvien", full_name="Triệu Văn Giảng", roles=["instructor"])
    learner = UserFactory(username="hocvien", full_name="Nông Văn Học", org_unit=unit("BABE-TG"), roles=["learner"])
    learner.set_password(PASSWORD)
    learner.save(update_fields=["password"])
    course = build_course(instructor, code="E2E-01", lessons=1)
    bank = services.create_bank(actor=instructor, name="Ngân hàng CCHC", course=course)
    services.add_questions(bank=bank, parsed=[q for q in every_type() if q.type != "essay"])
    quiz = make_quiz(course, bank, time_limit_minutes=30)
    course_services.enroll(user=learner, course=course)
    return quiz


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(live_server, settings, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (requirements-dev.txt)")
    # The live server speaks plain HTTP.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made
    # by the fixtures' teardown are safe all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=OFFICE_PC, locale="vi-VN", base_url=live_server.url)
        context.set_default_timeout(15_000)
        yield context.new_page()
        browser.close()


def shoot(page, folder: Path, name: str) -> None:
    """The whole page from its top, and the screen a little way down (where sticky parts show), at both widths."""
    for label, size in (("1280", OFFICE_PC), ("390", PHONE)):
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
        page.evaluate("window.scrollTo(0, 700)")
        page.screenshot(path=str(folder / f"{name}-{label}-scrolled.png"))
    page.set_viewport_size(OFFICE_PC)


def sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("hocvien")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_learner_takes_the_quiz_and_autosave_keeps_the_answers(quiz_to_take, page, screenshots):
    from playwright.sync_api import expect

    sign_in(page)
    page.get_by_role("link", name=quiz_to_take.course.title).first.click()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^(29|30):\d\d$"))

    page.get_by_label("Sở Nội vụ").check()
    page.get_by_label("Câu trả lời của bạn cho câu 4").fill("cchc")
    page.get_by_label("Câu trả lời của bạn cho câu 5").fill("4")
    page.get_by_label("Mức 3").select_option(label="Nộp hồ sơ trực tuyến")
    page.get_by_label("Mức 4").select_option(label="Toàn trình")
    expect(page.locator("#attempt-form")).to_have_attribute("data-unsaved", "false")
    expect(page.locator("#save-status")).to_contain_text("Đã lưu lúc")

    page.reload()
    expect(page.get_by_label("Sở Nội vụ")).to_be_checked()
    expect(page.get_by_label("Câu trả lời của bạn cho câu 4")).to_have_value("cchc")
    expect(page.get_by_label("Câu trả lời của bạn cho câu 5")).to_have_value("4")
    expect(page.get_by_label("Mức 4").locator("option:checked")).to_have_text("Toàn trình")
    check_accessibility(page, "/attempts/{id}/ all on one page")
    shoot(page, screenshots, "attempt")

    page.get_by_role("button", name="Nộp bài…").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("link")).to_have_text(["Câu 2", "Câu 3"])
    dialog.get_by_role("button", name="Nộp bài", exact=True).click()

    expect(page.locator(".result__percent")).to_have_text("66,67%")
    expect(page.get_by_text("Đạt", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Xem lại bài làm")).to_be_visible()
    check_accessibility(page, "/attempts/{id}/result/ with the review")
    shoot(page, screenshots, "result")


def test_an_answer_refused_after_the_deadline_says_so_and_hands_in(quiz_to_take, page):
    from playwright.sync_api import expect

    from quizzes.models import Attempt

    sign_in(page)
    attempt, _created = services.start_attempt(user=quiz_to_take.course.enrollments.get().user, quiz=quiz_to_take)
    page.goto(f"/attempts/{attempt.pk}/")
    # The server's clock passes the deadline while the page still counts down.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    page.get_by_label("Sở Nội vụ").check()
    expect(page.locator("#save-status")).to_contain_text("Đã hết thời gian làm bài")
    page.wait_for_url(f"**/attempts/{attempt.pk}/result/")
    expect(page.get_by_role("status").first).to_contain_text("câu trả lời gửi lúc này không được lưu")
