"""Every page keeps working under the strict Content-Security-Policy, for every role.

Walks the pages a learner, an instructor, an HR officer and an administrator
reach (the admin and the API docs included) in Debian's Chromium, doing what
needs script on them (autosave, countdown, the hand-in dialog, the admin's
calendar), and fails on any CSP violation the browser reports: on the console
or as a `securitypolicyviolation` event. Screenshots go to $E2E_SCREENSHOT_DIR
when it is set.
"""

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses import services as course_services
from quizzes import services as quiz_services
from quizzes.formats import ParsedQuestion
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, LISTEN, OFFICE_PC, PASSWORD
from tests.factories import UserFactory
from tests.quizzes.conftest import every_type, make_quiz
from training import checkin
from training import services as training_services

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's Chromium at {CHROMIUM}"),
]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def person(username: str, roles: list[str], **fields):
    user = UserFactory(username=username, roles=roles, **fields)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def world(erasable_audit_log, province, settings, tmp_path):
    """A course with text, video and file lessons, a timed quiz, an essay to grade and a session to check in to."""
    settings.MEDIA_ROOT = tmp_path
    settings.CHECKIN_ROTATE_SECONDS = 2
    instructor = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    learner = person("hocvien", ["learner"], full_name="Nông Văn Học", org_unit=unit("BABE-TG"))
    other = person("hocvien2", ["learner"], full_name="Hà Thị Hai", org_unit=unit("BABE-TG"))
    person("tochuc", ["hr"], full_name="Hoàng Thị Tổ Chức", hr_scope=[unit("BABE")])
    person("quantri", ["admin"], full_name="Quản Trị Viên", is_superuser=True)

    course = build_course(instructor, code="CSP-01", lessons=1, publish=False)
    module = course.modules.get()
    video = course_services.add_lesson(module=module, title="Video", kind="video",
                                       url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    document = course_services.add_lesson(module=module, title="Tài liệu", kind="file",
                                          file=SimpleUploadedFile("Tài liệu.pdf", PDF))
    course_services.publish_course(actor=instructor, course=course)
    bank = quiz_services.create_bank(actor=instructor, name="Ngân hàng CCHC", course=course)
    quiz_services.add_questions(bank=bank, parsed=[q for q in every_type() if q.type != "essay"])
    quiz = make_quiz(course, bank, time_limit_minutes=30)
    essays = quiz_services.create_bank(actor=instructor, name="Tự luận", course=course)
    quiz_services.add_questions(bank=essays, parsed=[ParsedQuestion("essay", "Nêu giải pháp.", points=Decimal(4))])
    essay_quiz = make_quiz(course, essays, title="Bài tự luận")
    for someone in (learner, other):
        course_services.enroll(user=someone, course=course)
    hand_in_essay(essay_quiz, other)

    today, now = timezone.localdate(), timezone.now()
    event = training_services.create_event(actor=instructor, kind="conference", title="Hội nghị CCHC",
                                           starts_on=today, ends_on=today + timedelta(days=1), venue="Hội trường")
    session = training_services.add_session(actor=instructor, event=event, title="Phiên sáng", starts_at=now,
                                            ends_at=now + timedelta(hours=2))
    training_services.add_to_roster(actor=instructor, event=event, user_ids=[learner.pk])
    # A certificate (eager Celery): a one-lesson course the learner finishes.
    short = build_course(instructor, code="CSP-GCN", lessons=1, completion_rule="lessons",
                         title="Cải cách thủ tục hành chính: những điều cần biết")
    course_services.enroll(user=learner, course=short)
    course_services.complete_lesson(user=learner, lesson=short.modules.get().lessons.get())
    certificate = learner.certificates.get()
    return {"course": course, "video": video, "document": document, "quiz": quiz, "session": session,
            "certificate": certificate}


def hand_in_essay(quiz, learner) -> None:
    attempt, _created = quiz_services.start_attempt(user=learner, quiz=quiz)
    question = attempt.questions[0]
    quiz_services.save_answers(attempt=attempt, answers={str(question["id"]): "Đẩy mạnh dịch vụ công."})
    quiz_services.submit_attempt(attempt=attempt)


@pytest.fixture
def browse(live_server, settings, monkeypatch, tmp_path):
    """`browse(username)`: a signed-in page whose CSP violations land in `browse.violations`."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (requirements-dev.txt)")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    violations: list[str] = []

    def open_as(username: str | None):
        context = browser.new_context(viewport=OFFICE_PC, locale="vi-VN", base_url=live_server.url,
                                      accept_downloads=True)
        context.set_default_timeout(15_000)
        context.expose_binding("reportViolation", lambda source, text: violations.append(f"{source['page'].url}: {text}"))
        context.add_init_script(LISTEN)
        page = context.new_page()
        page.on("console", lambda message: policy_message(message.text) and violations.append(
            f"{page.url}: {message.text}"))
        if username:
            page.goto("/accounts/login/")
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(f"{live_server.url}/")
        return page

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        open_as.violations = violations
        yield open_as
        browser.close()


def policy_message(text: str) -> bool:
    return "Content Security Policy" in text or "Permissions-Policy" in text or "Permissions policy" in text


def visit(page, path: str, screenshots: Path | None = None, name: str = ""):
    response = page.goto(path)
    assert response.status < 400, f"{path}: {response.status}"
    page.wait_for_load_state("networkidle")
    if screenshots and name:
        page.screenshot(path=str(screenshots / f"csp-{name}.png"), full_page=True)
    return response


@pytest.fixture
def screenshots() -> Path | None:
    folder = os.environ.get("E2E_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder) if folder else None


def test_no_page_breaks_the_content_security_policy(world, browse, screenshots):
    from playwright.sync_api import expect

    course, quiz, session = world["course"], world["quiz"], world["session"]

    anonymous = browse(None)
    for path in ("/accounts/login/", "/accounts/password_reset/", "/verify/unknown/"):
        anonymous.goto(path)
    code = world["certificate"].code
    visit(anonymous, f"/verify/{code}/", screenshots, "verify")
    expect(anonymous.locator("body")).to_contain_text("Còn hiệu lực")
    anonymous.set_viewport_size({"width": 360, "height": 740})
    visit(anonymous, f"/verify/{code}/", screenshots, "verify-360")
    assert anonymous.evaluate("document.documentElement.scrollWidth") <= 360, "the verify page scrolls sideways"
    visit(anonymous, "/api/docs/")
    expect(anonymous.locator(".opblock").first).to_be_visible()

    learner = browse("hocvien")
    visit(learner, "/", screenshots, "home")
    visit(learner, "/courses/", screenshots, "catalogue")
    visit(learner, f"/courses/{course.pk}/", screenshots, "course")
    for lesson in course.modules.get().lessons.all():
        visit(learner, f"/lessons/{lesson.pk}/", screenshots, f"lesson-{lesson.kind}")
    visit(learner, f"/lessons/{world['document'].pk}/")
    with learner.expect_download() as download:
        learner.get_by_role("link", name="Tải tệp bài học").click()
    assert download.value.suggested_filename == "Tài_liệu.pdf"
    visit(learner, "/accounts/password_change/")
    visit(learner, "/certificates/", screenshots, "my-certificates")
    with learner.expect_download() as download:
        learner.get_by_role("link", name="Tải PDF").first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    visit(learner, f"/courses/{course.pk}/")
    learner.locator(f"form[action='/quizzes/{quiz.pk}/start'] button").click()
    expect(learner.locator("#countdown")).to_have_text(re.compile(r"^(29|30):\d\d$"))
    learner.get_by_label("Sở Nội vụ").check()
    expect(learner.locator("#save-status")).to_contain_text("Đã lưu lúc")
    if screenshots:
        learner.screenshot(path=str(screenshots / "csp-attempt.png"), full_page=True)
    learner.get_by_role("button", name="Nộp bài…").click()
    learner.locator("#confirm-dialog").get_by_role("button", name="Nộp bài", exact=True).click()
    expect(learner.locator(".result__percent")).to_be_visible()
    if screenshots:
        learner.screenshot(path=str(screenshots / "csp-result.png"), full_page=True)

    code = checkin.current_code(session.pk, at=checkin.now(), secret=settings.SECRET_KEY,
                                rotate_seconds=settings.CHECKIN_ROTATE_SECONDS).code
    visit(learner, f"/check-in/?code={code}")
    learner.get_by_role("button", name="Điểm danh").click()
    expect(learner.locator(".notice--success")).to_be_visible()

    instructor = browse("giangvien")
    visit(instructor, "/grading/", screenshots, "grading")
    visit(instructor, f"/sessions/{session.pk}/screen/", screenshots, "session-screen")
    # The code rotates every 2 s here: its script fetches the new one and swaps the QR code in place.
    first = instructor.locator("[data-code-url]").get_attribute("data-code")
    instructor.wait_for_function("(first) => document.querySelector('[data-code-url]').dataset.code !== first",
                                 arg=first, timeout=10_000)
    assert instructor.locator("[data-qr] svg").count() == 1

    hr = browse("tochuc")
    visit(hr, "/")
    visit(hr, "/hr/", screenshots, "hr-summary")
    with hr.expect_download() as download:
        hr.get_by_role("button", name="Tải về").click()
    assert download.value.suggested_filename.startswith("bao-cao-tong-hop-")
    visit(hr, "/admin/reports/reportschedule/", screenshots, "admin-report-schedules")
    visit(hr, "/admin/reports/reportschedule/download/", screenshots, "admin-report-download")
    hr.locator("#id_kind").select_option("summary")
    hr.locator("#id_format").select_option("csv")
    with hr.expect_download() as download:
        hr.get_by_role("button", name="Tải về").click()
    assert download.value.suggested_filename.startswith("bao-cao-tong-hop-")
    assert Path(download.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")

    admin = browse("quantri")
    visit(admin, "/admin/", screenshots, "admin")
    visit(admin, "/admin/courses/course/")
    visit(admin, f"/admin/courses/course/{course.pk}/change/", screenshots, "admin-course")
    visit(admin, f"/admin/training/event/{session.event_id}/change/")
    admin.locator("#calendarlink0").click()
    expect(admin.locator("#calendarbox0")).to_be_visible()
    visit(admin, f"/admin/quizzes/quiz/{quiz.pk}/change/")
    admin.locator(".datetimeshortcuts a", has_text="Bây giờ").first.click()
    visit(admin, "/admin/password_change/")
    visit(admin, "/admin/certificates/certificate/", screenshots, "admin-certificates")
    visit(admin, "/admin/certificates/certificatetemplate/add/", screenshots, "admin-certificate-template")
    visit(admin, "/admin/reports/hoursrequirement/add/", screenshots, "admin-hours-requirement")
    visit(admin, "/admin/accounts/orgunit/", screenshots, "admin-org-units")
    admin.wait_for_timeout(1500)  # the live preview refreshes after a pause
    visit(admin, "/api/docs/", screenshots, "api-docs")
    expect(admin.locator(".opblock").first).to_be_visible()
    visit(admin, "/api/v1/courses/", screenshots, "browsable-api")

    assert not browse.violations, "\n".join(dict.fromkeys(browse.violations))
