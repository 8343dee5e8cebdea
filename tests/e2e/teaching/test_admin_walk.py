"""An instructor walks the admin pages the workspaces still send them to, in Vietnamese, in a real browser.

Every page passes axe-core, shows none of Django's English, fits a phone's width
and shows its list's key columns on an office PC's screen.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from courses import services as course_services
from quizzes import services as quiz_services
from quizzes.models import Category, Question
from training import services as training_services
from training.models import AttendanceRecord, Event, RosterEntry
from tests.courses.conftest import build_course
from tests.e2e.browser import check_accessibility, needs_chromium, shoot
from tests.e2e.teaching.conftest import person
from tests.quizzes.conftest import every_type, make_quiz
from tests.training.conftest import START, make_event

pytestmark = [pytest.mark.e2e, needs_chromium]

# Django's own English, which the Vietnamese pages must not show (its catalogue lacked some of them).
ENGLISH = ["Choose all", "Show counts", "Add another", "Save and continue", "Save and add another", "Delete?",
           "Django administration", "Filter", "Date:", "Time:", "Today", "Now", "Home"]


@pytest.fixture
def taught(instructor, province):
    """A course with a module, a bank, a quiz and an attempt; a class with sessions, a roster and attendance."""
    course = build_course(instructor, code="CCHC-MC01", title="Cơ chế một cửa, một cửa liên thông trong giải quyết "
                                                            "thủ tục hành chính tại cấp xã", lessons=2)
    bank = quiz_services.create_bank(actor=instructor, name="Ngân hàng câu hỏi CCHC-MC01", course=course)
    quiz_services.add_questions(bank=bank, parsed=every_type())
    quiz = make_quiz(course, bank, title="Kiểm tra cuối khoá: cơ chế một cửa", question_count=3,
                     time_limit_minutes=20, opens_at=START, closes_at=START + timedelta(days=30))
    learner = person("hocvien01", ["learner"], full_name="Nông Thị Hồng Nhung")
    course_services.enroll(user=learner, course=course)
    attempt, _ = quiz_services.start_attempt(user=learner, quiz=quiz)
    event = make_event(instructor, kind=Event.Kind.CLASS, title="Lớp bồi dưỡng kiến thức cải cách hành chính cho "
                                                                 "công chức cấp xã", sessions=2, courses=[course])
    training_services.add_to_roster(actor=instructor, event=event, user_ids=[learner.pk])
    session = event.sessions.order_by("starts_at").first()
    training_services.record_attendance(actor=instructor, session=session, records=[(learner.pk, "present")])
    return {"course": course, "module": course.modules.get(), "bank": bank, "quiz": quiz, "attempt": attempt,
            "question": Question.objects.filter(bank=bank, type="single").get(),
            "category": Category.objects.filter(bank=bank).first(), "event": event, "session": session,
            "roster": RosterEntry.objects.get(event=event), "attendance": AttendanceRecord.objects.get(session=session),
            "enrollment": course.enrollments.get()}


def admin_pages(taught) -> list[tuple[str, str]]:
    """(name, address) of every admin page an instructor reaches: the index, and each model's list, add and change."""
    pages = [("index", reverse("admin:index"))]
    changed = {"courses_course": "course", "courses_module": "module", "courses_enrollment": "enrollment",
               "quizzes_questionbank": "bank", "quizzes_question": "question", "quizzes_quiz": "quiz",
               "quizzes_attempt": "attempt", "training_event": "event", "training_session": "session",
               "training_rosterentry": "roster", "training_attendancerecord": "attendance"}
    added = ["courses_course", "courses_module", "quizzes_questionbank", "quizzes_question", "quizzes_quiz",
             "training_event", "training_session"]
    for model, key in changed.items():
        pages.append((f"{model}-list", reverse(f"admin:{model}_changelist")))
        if model in added:
            pages.append((f"{model}-add", reverse(f"admin:{model}_add")))
        pages.append((f"{model}-change", reverse(f"admin:{model}_change", args=[taught[key].pk])))
    if taught["category"] is not None:
        pages.append(("quizzes_category-list", reverse("admin:quizzes_category_changelist")))
    pages.append(("quizzes_questionbank-import", reverse("admin:quizzes_questionbank_change",
                                                         args=[taught["bank"].pk]).replace("change/", "import/")))
    pages.append(("accounts_orgunit-list", reverse("admin:accounts_orgunit_changelist")))
    return pages


def assert_in_vietnamese(page, name: str) -> None:
    text = page.locator("body").inner_text()
    left = [english for english in ENGLISH if english in text]
    assert not left, f"{name} shows English: {left}"
    assert page.locator("html").get_attribute("lang") == "vi"


def assert_key_columns_visible(page, name: str) -> None:
    """At 1280 px a list's table fits its box: no column is cut off or needs the box scrolled sideways."""
    table = page.locator("#result_list")
    if table.count():
        overflow = page.evaluate("() => { const t = document.querySelector('#result_list');"
                                 " return t.scrollWidth - t.parentElement.clientWidth; }")
        assert overflow <= 1, f"{name}: the list is {overflow} px wider than its box at 1280 px"


def test_an_instructor_walks_the_admin_pages_in_vietnamese_and_each_passes_axe(instructor_page, taught, screenshots):
    page = instructor_page
    for name, address in admin_pages(taught):
        response = page.goto(address)
        assert response.status == 200, f"{name} ({address}) answered {response.status}"
        assert_in_vietnamese(page, name)
        assert_key_columns_visible(page, name)
        check_accessibility(page, name)
        shoot(page, screenshots, f"admin-{name}")


def test_the_bank_import_page_shows_its_error_in_vietnamese_and_passes_axe(instructor_page, taught, screenshots):
    from playwright.sync_api import expect

    page = instructor_page
    page.goto(reverse("admin:quizzes_questionbank_change", args=[taught["bank"].pk]).replace("change/", "import/"))
    page.locator("form#content-main form, #content-main form").first.locator("[type=submit]").click()
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    assert_in_vietnamese(page, "import with an error")
    check_accessibility(page, "import with an error")
    shoot(page, screenshots, "admin-quizzes_questionbank-import-error")


def test_a_change_form_with_an_error_passes_axe(instructor_page, taught, screenshots):
    from playwright.sync_api import expect

    page = instructor_page
    page.goto(reverse("admin:training_session_change", args=[taught["session"].pk]))
    page.locator("#id_starts_at_0").fill("")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".errornote")).to_be_visible()  # waits for the answer to the post
    assert_in_vietnamese(page, "session with an error")
    check_accessibility(page, "session with an error")
    shoot(page, screenshots, "admin-training_session-error")


def test_the_labels_read_as_the_pages_mean_them(instructor_page, taught):
    page = instructor_page
    page.goto(reverse("admin:courses_module_changelist"))
    headings = page.locator("#result_list thead th").all_inner_texts()
    assert "THỨ TỰ" in [heading.strip().upper() for heading in headings]
    assert not any("CHỨC VỤ" in heading.upper() for heading in headings)
    page.goto(reverse("admin:quizzes_quiz_change", args=[taught["quiz"].pk]))
    # Each of the date and the time has a name of its own.
    assert page.get_by_label("Thời điểm mở – Ngày").count() == 1
    assert page.get_by_label("Thời điểm mở – Giờ").count() == 1
