"""Fixtures of HR's walks: a live server, Debian's Chromium, an HR officer of Ba Bể signed in."""

import pytest

from tests.conftest import unit
from tests.e2e.browser import open_browser, screenshots_folder, sign_in
from tests.e2e.teaching.conftest import person


@pytest.fixture
def browser_context(live_server, settings, monkeypatch):
    yield from open_browser(live_server, settings, monkeypatch)


@pytest.fixture
def hr_officer(erasable_audit_log, province):
    """`tochuc`: HR for Huyện Ba Bể and everything under it (not Chợ Đồn)."""
    officer = person("tochuc", ["hr"], full_name="Hoàng Thị Tổ Chức", org_unit=unit("BABE"))
    officer.hr_scope.set([unit("BABE")])
    return officer


@pytest.fixture
def hr_page(browser_context, hr_officer):
    """A page signed in as the HR officer `tochuc`."""
    page = browser_context.new_page()
    sign_in(page, hr_officer.username)
    return page


@pytest.fixture
def screenshots(tmp_path):
    return screenshots_folder(tmp_path)


@pytest.fixture
def units_in_training(hr_officer):
    """Ba Bể's people in every state, for the summary and the admin lists; Chợ Đồn's one learner outside the scope.

    A course assigned to Ba Bể (two people overdue, one completed with a certificate), a
    conference with attendance, a report schedule of the officer's; Lục Thị Ngoài of Chợ Đồn
    is enrolled and on the roster too, and must show nowhere.
    """
    from datetime import timedelta

    from django.utils import timezone

    from courses import services as course_services
    from courses.models import Enrollment, Lesson
    from reports import services as report_services
    from tests.courses.conftest import build_course
    from tests.training.conftest import make_event
    from training import services as training_services

    teacher = person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))
    learners = [person(f"hocvien{number}", ["learner"], full_name=name, org_unit=unit(code),
                       employee_code=f"BB-{number:03d}", position="Chuyên viên")
                for number, (name, code) in enumerate([
                    ("Nông Văn Học", "BABE-TG"), ("Hoàng Thị Quá Hạn", "BABE-TG"), ("Lý Văn Chưa", "BABE-TG"),
                    ("Ma Thị Xong", "BABE"), ("Triệu Văn Mới", "BABE")], start=1)]
    outsider = person("ngoai", ["learner"], full_name="Lục Thị Ngoài", org_unit=unit("CHODON-BL"))
    course = build_course(teacher, code="CCHC-01", title="Cơ chế một cửa, một cửa liên thông trong giải quyết "
                                                         "thủ tục hành chính tại cấp xã", lessons=1)
    course_services.assign_course(actor=hr_officer, course=course, org_unit=unit("BABE"),
                                  due_date=timezone.localdate() + timedelta(days=30))
    Enrollment.objects.filter(user__in=learners[:2], course=course).update(
        due_date=timezone.localdate() - timedelta(days=5))
    course_services.enroll(user=outsider, course=course)
    course_services.complete_lesson(user=learners[3], lesson=Lesson.objects.get(module__course=course))
    event = make_event(teacher, title="Hội nghị tuyên truyền cải cách hành chính năm 2026", sessions=2,
                       topic="procedures", hours=4)
    training_services.add_to_roster(actor=teacher, event=event, user_ids=[learners[0].pk, outsider.pk])
    training_services.record_attendance(actor=teacher, session=event.sessions.order_by("starts_at").first(),
                                        records=[(learners[0].pk, "present"), (outsider.pk, "late")])
    report_services.create_schedule(actor=hr_officer, kind="completion", format="xlsx", raw_filters={},
                                    every="month")
    return {"learners": learners, "outsider": outsider, "course": course, "event": event, "teacher": teacher}
