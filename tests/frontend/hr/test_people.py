"""HR's people pages: /hr/people/ (list, search, unit filter), /hr/people/{id}/ (training record) and its edit page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEntry
from certificates import services as certificate_services
from courses import services as course_services
from courses.models import Enrollment
from quizzes import services as quiz_services
from quizzes.models import Attempt
from reports.models import HoursRequirement
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import make_quiz
from tests.training.conftest import make_event
from training import services as training_services

LIST = "/hr/people/"


def record_url(person) -> str:
    return f"/hr/people/{person.pk}/"


def edit_url(person) -> str:
    return f"/hr/people/{person.pk}/edit/"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def listed(response) -> list[str]:
    """The full names in the list's rows, in order."""
    assert response.status_code == 200, response.content.decode()[:2000]
    table = re.search(r'<table class="table table--stack table--dense staff-table">.*?</table>', response.content.decode(), re.S)
    if table is None:
        return []
    return [text_of(name) for name in re.findall(r'<th scope="row"><a href="/hr/people/\d+/">(.*?)</a>',
                                                 table.group(0), re.S)]


def errors_of(response) -> list[str]:
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


def row_of(response, marker: str) -> str:
    """The text of the table row carrying `marker` (a data- attribute)."""
    found = re.search(rf"<tr {marker}>(.*?)</tr>", response.content.decode(), re.S)
    assert found, f"no row {marker}"
    return text_of(found.group(1))


@pytest.fixture
def officer(hr_babe):
    return browser_for(hr_babe)


@pytest.fixture
def colleague(province):
    """A learner of the district itself (not of the commune), with capitals in his e-mail address."""
    return UserFactory(username="dinhvan", full_name="Đinh Văn Ánh", org_unit=unit("BABE"), employee_code="BB-042",
                       email="Dinh.Anh@BaBe.gov.vn", position="Chuyên viên", roles=["learner"])


# The list ---------------------------------------------------------------------------------


def test_an_hr_officer_lists_the_people_of_their_units_and_nobody_else(officer, learner, colleague, outsider):
    response = officer.get(LIST)
    assert sorted(listed(response)) == ["Nông Văn Học", "Đinh Văn Ánh"]
    html = response.content.decode()
    assert 'href="/hr/people/import/"' in html
    assert "Lục Thị Ngoài" not in html


def test_an_administrator_lists_everyone(admin_user, learner, outsider):
    names = listed(browser_for(admin_user).get(LIST))
    assert {"Nông Văn Học", "Lục Thị Ngoài", "Quản Trị Viên"} <= set(names)


def test_each_row_shows_code_unit_position_mandatory_courses_done_and_overdue(officer, learner, instructor):
    learner.position = "Công chức văn hóa"
    learner.save(update_fields=["position"])
    done, late, chosen = (build_course(instructor, code=code) for code in ("BB-1", "BB-2", "TU-1"))
    for course in (done, late):
        course_services.assign_course(actor=instructor, course=course, org_unit=unit("BABE"),
                                      due_date=timezone.localdate() + timedelta(days=30))
    course_services.enroll(user=learner, course=chosen)
    Enrollment.objects.filter(user=learner, course=done).update(status="completed", completed_at=timezone.now())
    Enrollment.objects.filter(user=learner, course=late).update(due_date=timezone.localdate() - timedelta(days=1))
    html = officer.get(LIST).content.decode()
    row = text_of(re.search(r"<tr>\s*<th scope=\"row\"><a href=\"/hr/people/%d/\">.*?</tr>" % learner.pk, html,
                            re.S).group(0))
    assert row == f"Nông Văn Học hocvien {learner.employee_code} Xã Thượng Giáo Công chức văn hóa 1 / 2 1"


@pytest.mark.parametrize("typed", ["nông văn", "NÔNG", "Học", "hocvien", "HOCVIEN@example", "văn học"])
def test_search_finds_a_person_by_name_username_or_e_mail_whatever_the_case(officer, learner, colleague, typed):
    assert listed(officer.get(LIST, {"search": typed})) == ["Nông Văn Học"]


@pytest.mark.parametrize("typed", ["đinh", "ĐINH VĂN", "ánh", "bb-042", "dinh.anh@babe"])
def test_search_matches_vietnamese_capitals_and_codes(officer, learner, colleague, typed):
    assert listed(officer.get(LIST, {"search": typed})) == ["Đinh Văn Ánh"]


def test_a_search_that_matches_nobody_says_so(officer, learner):
    response = officer.get(LIST, {"search": "Không Có Ai"})
    assert listed(response) == []
    assert "Không có ai khớp." in response.content.decode()


def test_the_unit_filter_includes_the_units_below_and_offers_only_units_in_scope(officer, learner, colleague):
    assert listed(officer.get(LIST, {"org_unit": unit("BABE-TG").pk})) == ["Nông Văn Học"]
    response = officer.get(LIST, {"org_unit": unit("BABE").pk})
    assert sorted(listed(response)) == ["Nông Văn Học", "Đinh Văn Ánh"]
    options = re.findall(r'<option value="(\d*)"[^>]*>(.*?)</option>', response.content.decode())
    assert [label for _value, label in options] == [
        "Tất cả các đơn vị tôi phụ trách", "Huyện Ba Bể (BABE)", "– Xã Thượng Giáo (BABE-TG)"]


def test_a_unit_outside_the_scope_is_refused_with_the_error_and_no_one_listed(officer, outsider, learner):
    response = officer.get(LIST, {"org_unit": unit("CHODON").pk})
    assert response.status_code == 400
    assert errors_of(response)[0].startswith("Đơn vị, gồm cả các đơn vị trực thuộc:")
    assert "Lục Thị Ngoài" not in response.content.decode()
    assert "Nông Văn Học" not in response.content.decode()


def test_pages_keep_the_search_and_the_filter(officer, province):
    for number in range(27):
        UserFactory(full_name=f"Hà Văn {number:02d}", org_unit=unit("BABE-TG"), roles=["learner"])
    response = officer.get(LIST, {"search": "hà văn", "org_unit": unit("BABE-TG").pk})
    assert len(listed(response)) == 25
    html = response.content.decode()
    assert f'href="?search=h%C3%A0+v%C4%83n&amp;org_unit={unit("BABE-TG").pk}&amp;page=2"' in html
    second = officer.get(LIST, {"search": "hà văn", "org_unit": unit("BABE-TG").pk, "page": 2})
    assert listed(second) == ["Hà Văn 25", "Hà Văn 26"]


def test_a_learner_may_not_open_the_people_pages(learner, colleague):
    client = browser_for(learner)
    for url in (LIST, record_url(colleague), edit_url(colleague), "/hr/people/import/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Chỉ cán bộ tổ chức" in response.content.decode()


def test_a_visitor_is_sent_to_sign_in(client, learner):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# The record -------------------------------------------------------------------------------


@pytest.fixture
def record(learner, instructor, settings):
    """The learner's training record this year: three courses, a conference, certificates."""
    settings.REPORTS_DEFAULT_REQUIRED_HOURS = 8
    done = build_course(instructor, code="CCHC-01", title="Cơ chế một cửa", lessons=1, hours=4)
    tested = build_course(instructor, code="QZ-01", title="Chính quyền số", lessons=1)
    overdue = build_course(instructor, code="TC-01", title="Tài chính công", lessons=2)
    course_services.assign_course(actor=instructor, course=overdue, org_unit=unit("BABE"),
                                  due_date=timezone.localdate() + timedelta(days=10))
    Enrollment.objects.filter(course=overdue).update(due_date=timezone.localdate() - timedelta(days=3))
    course_services.complete_lesson(user=learner, lesson=overdue.modules.get().lessons.first())
    course_services.enroll(user=learner, course=done)
    course_services.complete_lesson(user=learner, lesson=done.modules.get().lessons.get())
    course_services.enroll(user=learner, course=tested)
    quiz = make_quiz(tested, quiz_services.create_bank(actor=instructor, name="Ngân hàng", course=tested))
    Attempt.objects.create(quiz=quiz, user=learner, number=1, status="scored", percent=Decimal("62.50"))
    Attempt.objects.create(quiz=quiz, user=learner, number=2, status="scored", percent=Decimal("87.50"))
    conference = make_event(instructor, sessions=3, title="Hội nghị CCHC", attendance_percent=60)
    training_services.add_to_roster(actor=instructor, event=conference, user_ids=[learner.pk])
    first, second, third = conference.sessions.order_by("starts_at")
    training_services.record_attendance(actor=instructor, session=first, records=[(learner.pk, "present")])
    training_services.record_attendance(actor=instructor, session=second, records=[(learner.pk, "late")])
    training_services.record_attendance(actor=instructor, session=third, records=[(learner.pk, "excused")])
    certificate = certificate_services.issue_completion(
        [Enrollment.objects.get(user=learner, course=done).pk])[0]
    return {"certificate": certificate, "conference": conference, "quiz": quiz}


def test_the_record_shows_details_courses_attendance_hours_and_certificates(officer, learner, record):
    learner.position = "Công chức"
    learner.save(update_fields=["position"])
    response = officer.get(record_url(learner))
    assert response.status_code == 200
    html = response.content.decode()
    facts = text_of(re.search(r'<dl class="facts staff-facts">(.*?)</dl>', html, re.S).group(1))
    assert facts == (f"Tên đăng nhập hocvien Mã cán bộ {learner.employee_code} Địa chỉ thư điện tử "
                     "hocvien@example.gov.vn Đơn vị Xã Thượng Giáo (BABE-TG) Chức vụ, chức danh Công chức "
                     "Vai trò Học viên Tài khoản Đang sử dụng")
    today = timezone.localdate()
    # Cells in column order: course, mandatory, due date, status, progress, completed at, quiz.
    assert row_of(response, 'data-course="TC-01"') == (
        f"Tài chính công TC-01 Có {today - timedelta(days=3):%d/%m/%Y} Quá hạn 50% — —")
    assert row_of(response, 'data-course="CCHC-01"') == (
        f"Cơ chế một cửa CCHC-01 Không — Đã hoàn thành 100% {timezone.localtime():%d/%m/%Y} —")
    assert row_of(response, 'data-course="QZ-01"') == "Chính quyền số QZ-01 Không — Đang học 0% — 87,5%"
    assert re.findall(r'<tr data-course="([^"]+)">', html) == ["TC-01", "CCHC-01", "QZ-01"]
    # Event, dates, sessions, present, late, excused, absent, attended.
    conference = record["conference"]
    assert row_of(response, f'data-event="{conference.pk}"') == (
        f"Hội nghị CCHC Hội nghị {conference.starts_on:%d/%m/%Y} – {conference.ends_on:%d/%m/%Y} 3 1 1 1 0 Có")
    hours = text_of(re.search(r"<dl class=\"facts staff-facts\" data-hours>(.*?)</dl>", html, re.S).group(1))
    assert hours == "Số giờ đã tích lũy 4 Số giờ phải đạt 8 Yêu cầu Chưa đạt"
    certificate = record["certificate"]
    assert f'href="/api/v1/certificates/{certificate.code}/pdf/"' in html


def test_the_hours_follow_the_requirement_of_the_persons_position(officer, learner, record):
    HoursRequirement.objects.create(year=timezone.localdate().year, position="Công chức", hours=Decimal("4"))
    learner.position = "công chức"
    learner.save(update_fields=["position"])
    html = officer.get(record_url(learner)).content.decode()
    hours = text_of(re.search(r"<dl class=\"facts staff-facts\" data-hours>(.*?)</dl>", html, re.S).group(1))
    assert hours == "Số giờ đã tích lũy 4 Số giờ phải đạt 4 Yêu cầu Đạt"


def test_the_hr_officer_downloads_the_certificate_through_the_link_of_the_record(officer, learner, record):
    html = officer.get(record_url(learner)).content.decode()
    link = re.search(r'href="(/api/v1/certificates/[^"]+/pdf/)"', html).group(1)
    response = officer.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF")


def test_a_certificate_still_being_made_has_no_download_link(officer, learner, instructor):
    course = build_course(instructor, code="CCHC-02", lessons=1)
    course_services.enroll(user=learner, course=course)
    course_services.complete_lesson(user=learner, lesson=course.modules.get().lessons.get())
    [certificate] = certificate_services.create_completion_certificates([Enrollment.objects.get(user=learner).pk])
    html = officer.get(record_url(learner)).content.decode()
    item = text_of(re.search(rf'<li data-certificate="{certificate.code}">(.*?)</li>', html, re.S).group(1))
    assert item.endswith("Đang chuẩn bị")
    assert "/pdf/" not in html


def test_an_empty_record_says_so(officer, learner):
    text = text_of(officer.get(record_url(learner)).content.decode())
    assert "Chưa ghi danh khóa học nào." in text
    assert "Không có trong danh sách lớp học, hội nghị nào." in text
    assert "Chưa có giấy chứng nhận nào." in text


def test_a_person_outside_the_scope_or_unknown_is_not_found(officer, outsider):
    assert officer.get(record_url(outsider)).status_code == 404
    assert officer.get(edit_url(outsider)).status_code == 404
    assert officer.post(edit_url(outsider), {"full_name": "X"}).status_code == 404
    assert officer.get("/hr/people/999999/").status_code == 404


def test_an_hr_officer_without_a_scope_sees_nobody(learner, province):
    lonely = browser_for(UserFactory(username="tochuc2", roles=["hr"]))
    assert listed(lonely.get(LIST)) == []
    assert lonely.get(record_url(learner)).status_code == 404


def test_an_administrator_opens_anyones_record(admin_user, outsider):
    assert browser_for(admin_user).get(record_url(outsider)).status_code == 200


# Editing a learner -------------------------------------------------------------------------


def person_data(person, **changes) -> dict:
    data = {"full_name": person.full_name, "email": person.email, "employee_code": person.employee_code,
            "org_unit": person.org_unit_id, "position": person.position}
    return {**data, **changes}


def test_the_edit_form_shows_the_learners_details_with_units_of_the_scope(officer, learner):
    response = officer.get(edit_url(learner))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("full_name", "email", "employee_code", "org_unit", "position"):
        assert re.search(rf'<label for="id_{name}">', html), name
    assert f'value="{learner.full_name}"' in html
    assert re.findall(r'<option value="(\d+)"', html) == [str(unit("BABE").pk), str(unit("BABE-TG").pk)]
    assert re.search(rf'<option value="{unit("BABE-TG").pk}" selected>', html)


def test_an_hr_officer_saves_a_learners_details(officer, hr_babe, learner):
    response = officer.post(edit_url(learner), person_data(
        learner, full_name="  Nông   Văn Học Mới ", employee_code=" BB-777 ", position="Phó chủ tịch",
        org_unit=unit("BABE").pk))
    assert response.status_code == 302
    assert response["Location"] == record_url(learner)
    learner.refresh_from_db()
    assert (learner.full_name, learner.employee_code, learner.position, learner.org_unit.code) == (
        "Nông Văn Học Mới", "BB-777", "Phó chủ tịch", "BABE")
    entry = AuditEntry.objects.get(action="user.moved", target_id=str(learner.pk))
    assert entry.actor_id == hr_babe.pk
    page = officer.get(response["Location"]).content.decode()
    assert "Đã lưu thông tin của Nông Văn Học Mới." in page


def test_moving_a_learner_enrols_them_in_the_courses_assigned_to_the_new_unit(officer, colleague, instructor):
    course = build_course(instructor, code="TG-01")
    course_services.assign_course(actor=instructor, course=course, org_unit=unit("BABE-TG"),
                                  due_date=timezone.localdate() + timedelta(days=20))
    assert not Enrollment.objects.filter(user=colleague).exists()
    officer.post(edit_url(colleague), person_data(colleague, org_unit=unit("BABE-TG").pk))
    enrollment = Enrollment.objects.get(user=colleague, course=course)
    assert (enrollment.mandatory, enrollment.due_date) == (True, timezone.localdate() + timedelta(days=20))


def test_a_changed_e_mail_address_waits_for_its_owners_confirmation(officer, learner):
    learner.set_password("Mat-khau-rat-dai-2026")
    learner.save(update_fields=["password"])
    response = officer.post(edit_url(learner), person_data(learner, email="  Hoc.Moi@BaBe.gov.vn"), follow=True)
    learner.refresh_from_db()
    assert (learner.email, learner.email_confirmed) == ("hoc.moi@babe.gov.vn", False)
    assert "chỉ được dùng để đặt lại mật khẩu khi chủ của nó xác nhận" in response.content.decode()


def test_an_employee_code_of_another_person_is_refused_beside_the_field(officer, learner, outsider):
    response = officer.post(edit_url(learner), person_data(learner, employee_code=outsider.employee_code,
                                                           full_name="Tên Khác"))
    assert response.status_code == 400
    assert errors_of(response) == ["Mã cán bộ: Mã cán bộ này đã được dùng cho người khác."]
    assert 'href="#id_employee_code"' in response.content.decode()
    learner.refresh_from_db()
    assert learner.full_name == "Nông Văn Học"


def test_an_empty_name_and_a_unit_outside_the_scope_are_refused(officer, learner):
    response = officer.post(edit_url(learner), person_data(learner, full_name=" ", org_unit=unit("CHODON").pk))
    assert response.status_code == 400
    messages = errors_of(response)
    assert messages[0] == "Họ và tên: Trường này là bắt buộc."
    assert messages[1].startswith("Đơn vị: ")
    learner.refresh_from_db()
    assert learner.org_unit.code == "BABE-TG"


def test_a_code_taken_or_a_unit_merged_while_saving_is_an_error_not_a_500(officer, learner, monkeypatch):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    from frontend.hr.people import views

    for refusal, field in ((IntegrityError("unique_employee_code"), "employee_code"),
                           (ValidationError({"org_unit": ["“Xã Thượng Giáo” đã được sáp nhập."]}), "org_unit")):
        def refuse(**kwargs):
            raise refusal
        monkeypatch.setattr(views.services, "update_user", refuse)
        response = officer.post(edit_url(learner), person_data(learner, full_name="Tên Mới"))
        assert response.status_code == 400
        assert f'href="#id_{field}"' in response.content.decode()
    learner.refresh_from_db()
    assert learner.full_name == "Nông Văn Học"


@pytest.mark.parametrize("roles", [["instructor"], ["hr"], ["admin"]])
def test_staff_are_read_only_for_hr_and_the_record_says_why(officer, province, roles):
    staff = UserFactory(full_name="Người Có Vai Trò", org_unit=unit("BABE-TG"), roles=roles)
    html = officer.get(record_url(staff)).content.decode()
    assert edit_url(staff) not in html
    assert ("Chỉ quản trị viên mới được thay đổi thông tin của giảng viên, cán bộ tổ chức "
            "hoặc quản trị viên.") in text_of(html)
    assert officer.get(edit_url(staff)).status_code == 403
    assert officer.post(edit_url(staff), person_data(staff, full_name="Đổi Tên")).status_code == 403
    staff.refresh_from_db()
    assert staff.full_name == "Người Có Vai Trò"


def test_an_administrator_edits_an_instructor(admin_user, instructor):
    client = browser_for(admin_user)
    response = client.post(edit_url(instructor), person_data(instructor, position="Giảng viên chính"))
    assert response.status_code == 302
    instructor.refresh_from_db()
    assert instructor.position == "Giảng viên chính"


# Queries ----------------------------------------------------------------------------------


def grow(instructor, size: int, start: int) -> None:
    """`size` more learners in Ba Bể, each with a mandatory course, an overdue one and a conference."""
    for number in range(start, start + size):
        person = UserFactory(org_unit=unit("BABE-TG" if number % 2 else "BABE"), roles=["learner"])
        course = build_course(instructor, code=f"G-{number}", lessons=1)
        course_services.assign_course(actor=instructor, course=course, org_unit=person.org_unit,
                                      due_date=timezone.localdate() + timedelta(days=5))
        Enrollment.objects.filter(user=person).update(due_date=timezone.localdate() - timedelta(days=1))


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_the_list_runs_the_same_queries_for_few_and_many_people(officer, hr_babe, instructor,
                                                                django_assert_max_num_queries):
    grow(instructor, 2, 0)
    urls = [LIST, f"{LIST}?search=v%C4%83n&org_unit={unit('BABE').pk}"]
    few = [queries_of(officer, url) for url in urls]
    grow(instructor, 12, 2)
    with django_assert_max_num_queries(few[0]):
        officer.get(LIST)
    assert [queries_of(officer, url) for url in urls] == few


def test_the_record_runs_the_same_queries_whatever_the_person_did(officer, learner, record, instructor,
                                                                  django_assert_max_num_queries):
    few = queries_of(officer, record_url(learner))
    for number in range(4):
        course = build_course(instructor, code=f"MORE-{number}", lessons=1)
        course_services.enroll(user=learner, course=course)
        course_services.complete_lesson(user=learner, lesson=course.modules.get().lessons.get())
        make_quiz(course, quiz_services.create_bank(actor=instructor, name=f"B{number}", course=course))
        event = make_event(instructor, sessions=2, title=f"Lớp {number}")
        training_services.add_to_roster(actor=instructor, event=event, user_ids=[learner.pk])
        training_services.record_attendance(actor=instructor, session=event.sessions.first(),
                                            records=[(learner.pk, "absent")])
        certificate_services.create_completion_certificates([Enrollment.objects.get(user=learner, course=course).pk])
    with django_assert_max_num_queries(few):
        officer.get(record_url(learner))
    assert queries_of(officer, record_url(learner)) == few
    assert queries_of(officer, edit_url(learner)) == queries_of(officer, edit_url(learner))
