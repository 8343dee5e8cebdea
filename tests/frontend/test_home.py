"""The learner's dashboard `/`: what to do first, what is under way, what is coming, the hours, what is done."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import Certificate
from reports.models import HoursRequirement
from tests.conftest import unit
from tests.factories import UserFactory
from tests.frontend import learner_data as data
from training.models import Session


@pytest.fixture
def instructor(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


def section(page: str, heading_id: str) -> str:
    """The HTML of the dashboard section labelled by `heading_id`."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', page, re.S)
    assert match, heading_id
    return match.group(0)


def items(html: str) -> list[str]:
    return re.findall(r'<li class="course-item">.*?</li>\s*(?=<li class="course-item">|</ul>)', html, re.S)


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_home_page_shows_the_person_their_unit_and_role(learner, signed_in):
    page = signed_in(learner).get("/").content.decode()
    assert "Nông Văn Học" in page
    assert "Xã Thượng Giáo" in page
    assert "Học viên" in page


def test_everyone_can_download_their_data_and_change_their_password(learner, signed_in):
    page = signed_in(learner).get("/").content.decode()
    assert 'href="/api/v1/me/data/"' in page
    assert 'href="/accounts/password_change/"' in page


def test_a_learner_sees_no_staff_links(learner, signed_in):
    page = signed_in(learner).get("/").content.decode()
    assert 'href="/admin/"' not in page
    assert 'href="/api/docs/"' not in page
    assert 'href="/hr/"' not in page and 'href="/teach/"' not in page


def test_courses_and_certificates_are_honest_empty_states(learner, signed_in):
    page = signed_in(learner).get("/").content.decode()
    assert "Chưa có khóa học nào." in page
    assert "Chưa có giấy chứng nhận nào." in page
    assert "Không có khóa học bắt buộc nào đang chờ." in page


def test_an_admin_finds_the_admin_site_the_audit_log_and_the_api_docs(admin_user, signed_in):
    page = signed_in(admin_user).get("/").content.decode()
    assert 'href="/admin/"' in page
    assert 'href="/api/docs/"' in page
    assert 'href="/admin/accounts/auditentry/"' in page


def test_an_hr_officer_finds_their_units_workspace_after_their_own_learning(hr_babe, signed_in):
    page = signed_in(hr_babe).get("/").content.decode()
    links = section(page, "links-heading")
    assert 'href="/hr/"' in links and "Đơn vị của tôi" in links
    assert page.index('id="to-do-heading"') < page.index('id="links-heading"')


def test_an_instructor_finds_the_teaching_workspace(instructor, signed_in):
    links = section(signed_in(instructor).get("/").content.decode(), "links-heading")
    assert 'href="/teach/"' in links and 'href="/grading/"' in links


def test_the_sections_come_in_the_order_a_learner_needs_them(learner, signed_in):
    """The same order on a phone: the courses first under the heading, the account last."""
    page = signed_in(learner).get("/").content.decode()
    order = ["to-do-heading", "courses-heading", "events-heading", "hours-heading", "completed-heading",
             "certificates-heading", "profile-heading", "links-heading"]
    positions = [page.index(f'id="{heading}"') for heading in order]
    assert positions == sorted(positions)
    assert page.index("<h1") < positions[0]
    assert "Việc cần làm" in section(page, "to-do-heading")


# Courses ------------------------------------------------------------------------------


def test_assigned_courses_come_overdue_first_then_by_due_date_marked_in_words(learner, instructor, signed_in):
    later = data.assigned(learner, data.course(instructor, 1, title="Khóa hạn sau"), due_in_days=30)
    data.assigned(learner, data.course(instructor, 2, title="Khóa quá hạn lâu"), due_in_days=-20)
    soon = data.assigned(learner, data.course(instructor, 3, title="Khóa sắp đến hạn"), due_in_days=3)
    data.assigned(learner, data.course(instructor, 4, title="Khóa vừa quá hạn"), due_in_days=-1)
    data.in_progress(learner, data.course(instructor, 5, title="Khóa tự chọn"))
    to_do = section(signed_in(learner).get("/").content.decode(), "to-do-heading")
    rows = items(to_do)
    titles = [re.search(r'course-item__title"[^>]*>([^<]+)<', row).group(1) for row in rows]
    assert titles == ["Khóa quá hạn lâu", "Khóa vừa quá hạn", "Khóa sắp đến hạn", "Khóa hạn sau"]
    overdue_date = (timezone.localdate() - timedelta(days=20)).strftime("%d/%m/%Y")
    assert "Quá hạn" in rows[0] and f"Hạn hoàn thành: {overdue_date}" in rows[0]
    assert "Quá hạn" in rows[1]
    assert "Quá hạn" not in rows[2] and f"Hạn hoàn thành: {soon.due_date:%d/%m/%Y}" in rows[2]
    assert f"Hạn hoàn thành: {later.due_date:%d/%m/%Y}" in rows[3]
    assert "Khóa tự chọn" not in to_do
    assert "(4)" in to_do


def test_each_course_says_start_continue_or_review_and_a_completed_one_never_continue(learner, instructor,
                                                                                      signed_in):
    new = data.assigned(learner, data.course(instructor, 1, title="Khóa chưa học"), due_in_days=10)
    going = data.in_progress(learner, data.course(instructor, 2, title="Khóa đang học", lessons=3))
    done = data.completed(learner, data.course(instructor, 3, title="Khóa đã xong"))
    page = signed_in(learner).get("/").content.decode()
    [not_started] = items(section(page, "to-do-heading"))
    [under_way] = items(section(page, "courses-heading"))
    [finished] = items(section(page, "completed-heading"))
    first, second = data.lessons_of(new.course)[0], data.lessons_of(going.course)[1]
    assert "Bắt đầu" in not_started and f'href="/lessons/{first.pk}/"' in not_started
    assert "Tiếp tục học" in under_way and f'href="/lessons/{second.pk}/"' in under_way
    assert "Xem lại" in finished and f'href="/courses/{done.course_id}/"' in finished
    assert "Tiếp tục" not in finished and "Tiếp tục" not in not_started
    assert "Đã học 33%" in under_way


def test_course_buttons_name_their_course_for_screen_readers(learner, instructor, signed_in):
    data.in_progress(learner, data.course(instructor, 1, title="Khóa đang học"))
    page = signed_in(learner).get("/").content.decode()
    assert 'Tiếp tục học<span class="visually-hidden">: Khóa đang học</span>' in page


# Classes and conferences ---------------------------------------------------------------


def test_upcoming_classes_show_their_next_sessions_in_vietnam_time_with_the_venue(learner, instructor, signed_in):
    event = data.upcoming_event(instructor, learner, title="Lớp bồi dưỡng CCHC khóa 5", sessions=5,
                                venue="Hội trường Trường Chính trị")
    events = section(signed_in(learner).get("/").content.decode(), "events-heading")
    assert "Lớp bồi dưỡng CCHC khóa 5" in events and "Hội trường Trường Chính trị" in events and "Lớp học" in events
    first = event.sessions.order_by("starts_at").first()
    assert f"{timezone.localtime(first.starts_at):%d/%m/%Y}, 07:30</time>–11:00" in events
    assert events.count('class="session-item"') == 3  # the next few, not all five
    assert "Buổi 1" in events and "Buổi 4" not in events


def test_past_events_and_other_peoples_events_are_not_shown(learner, outsider, instructor, signed_in):
    past = data.upcoming_event(instructor, learner, title="Hội nghị đã qua", kind="conference", in_days=-5)
    data.upcoming_event(instructor, outsider, title="Lớp của người khác")
    assert past.ends_on < timezone.localdate()
    events = section(signed_in(learner).get("/").content.decode(), "events-heading")
    assert "Hội nghị đã qua" not in events and "Lớp của người khác" not in events
    assert "Không có lớp học hoặc hội nghị nào sắp tới" in events


def test_events_come_nearest_first_and_only_a_few(learner, instructor, signed_in):
    for days in (9, 1, 5, 3):
        data.upcoming_event(instructor, learner, title=f"Lớp sau {days} ngày", in_days=days, sessions=1)
    events = section(signed_in(learner).get("/").content.decode(), "events-heading")
    titles = re.findall(r'event-item__title">([^<]+)<', events)
    assert titles == ["Lớp sau 1 ngày", "Lớp sau 3 ngày", "Lớp sau 5 ngày"]


def test_a_session_open_for_check_in_now_offers_the_check_in_page(learner, instructor, signed_in):
    event = data.upcoming_event(instructor, learner, title="Hội nghị hôm nay", kind="conference", in_days=0,
                                sessions=1)
    now = timezone.now()
    Session.objects.filter(event=event).update(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2))
    events = section(signed_in(learner).get("/").content.decode(), "events-heading")
    assert 'class="button button--small" href="/check-in/"' in events


# Hours, completed courses and certificates -------------------------------------------


def test_this_years_hours_are_shown_against_the_requirement_with_what_is_missing(learner, instructor, signed_in):
    year = timezone.localdate().year
    HoursRequirement.objects.create(year=year, hours=Decimal("40"))
    data.completed(learner, data.course(instructor, 1, title="Khóa 4 giờ"))  # 4 hours
    hours = section(signed_in(learner).get("/").content.decode(), "hours-heading")
    assert f"Giờ học năm {year}" in hours
    assert "4 / 40 giờ" in hours
    assert '<progress max="100" value="10"' in hours
    assert "Còn thiếu 36 giờ" in hours


def test_the_requirement_met_says_so(learner, instructor, signed_in):
    HoursRequirement.objects.create(year=timezone.localdate().year, hours=Decimal("4"))
    data.completed(learner, data.course(instructor, 1))
    hours = section(signed_in(learner).get("/").content.decode(), "hours-heading")
    assert "4 / 4 giờ" in hours and "Đã đạt yêu cầu" in hours and "Còn thiếu" not in hours


def test_with_no_hours_yet_the_requirement_is_still_shown(learner, signed_in):
    hours = section(signed_in(learner).get("/").content.decode(), "hours-heading")
    assert "0 / 40 giờ" in hours and "Còn thiếu 40 giờ" in hours


def test_completed_courses_and_their_certificates_are_listed_with_the_pdf(learner, instructor, signed_in):
    data.completed(learner, data.course(instructor, 1, title="Khóa đã xong"))
    certificate = Certificate.objects.get(holder=learner)
    page = signed_in(learner).get("/").content.decode()
    assert "Khóa đã xong" in section(page, "completed-heading")
    assert 'href="/certificates/"' in section(page, "completed-heading")
    certificates = section(page, "certificates-heading")
    assert certificate.number in certificates
    assert f'href="/api/v1/certificates/{certificate.code}/pdf/"' in certificates


def test_many_completed_courses_show_the_latest_and_fold_the_rest(learner, instructor, signed_in):
    for number in range(5):
        data.completed(learner, data.course(instructor, number))
    completed = section(signed_in(learner).get("/").content.decode(), "completed-heading")
    assert "(5)" in completed and "<details" in completed and "Thêm 2 khóa học đã hoàn thành" in completed
    assert completed.count('class="course-item"') == 3 and completed.count("Hoàn thành ngày") == 5


# Speed ------------------------------------------------------------------------------------


def fill(learner, instructor, count: int) -> None:
    for number in range(count):
        data.assigned(learner, data.course(instructor, 100 + number), due_in_days=number - count // 2)
        data.in_progress(learner, data.course(instructor, 200 + number))
        data.completed(learner, data.course(instructor, 300 + number))
        data.upcoming_event(instructor, learner, title=f"Lớp {number}", in_days=number + 1, sessions=4)


@pytest.mark.parametrize("count", [1, 20])
def test_the_dashboard_takes_a_fixed_number_of_queries(count, learner, instructor, signed_in,
                                                       django_assert_max_num_queries):
    HoursRequirement.objects.create(year=timezone.localdate().year - 1, hours=Decimal("30"))
    fill(learner, instructor, count)
    assert Certificate.objects.filter(holder=learner).count() == count
    client = signed_in(learner)
    # The page's frame: the session, me, my roles, my unit, my unread notices. The dashboard: my courses; events and
    # their next sessions; hours and the requirement (read twice when no hours this year); recent certificates.
    with django_assert_max_num_queries(12):
        page = client.get("/").content.decode()
    assert page.count('class="event-item"') == min(count, 3)
    assert page.count('class="course-item"') == 2 * count + 2 * min(count, 3)  # the latest 3 completed in full


def test_the_dashboard_of_an_hr_officer_takes_no_more_queries(hr_babe, learner, outsider, signed_in,
                                                              django_assert_max_num_queries):
    client = signed_in(hr_babe)
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def test_a_course_due_today_is_not_overdue(learner, instructor, signed_in):
    data.assigned(learner, data.course(instructor, 1), due_in_days=0)
    [row] = items(section(signed_in(learner).get("/").content.decode(), "to-do-heading"))
    assert "Quá hạn" not in row and "Hạn hoàn thành" in row
