"""`/teach/events/...` and `/teach/sessions/...`: classes and conferences, sessions, rosters, attendance, certificates."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Job
from courses import services as course_services
from tests.conftest import unit
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for
from training import services
from training.models import AttendanceRecord, Event, RosterEntry, Session

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 12, 1, 0, tzinfo=UTC)  # 08:00 in Bắc Kạn


@pytest.fixture
def teacher(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def colleague(province):
    return UserFactory(username="giangvien2", full_name="Lý Thị Dạy", org_unit=unit("SNV"), roles=["instructor"])


def make_event(instructor, *, sessions=1, kind=Event.Kind.CONFERENCE, **fields):
    event = services.create_event(actor=instructor, kind=kind, title="Hội nghị tuyên truyền CCHC",
                                  starts_on=START.date(), ends_on=(START + timedelta(days=2)).date(),
                                  venue="Hội trường tỉnh", **fields)
    for number in range(sessions):
        starts_at = START + timedelta(days=number)
        services.add_session(actor=instructor, event=event, title=f"Phiên {number + 1}", starts_at=starts_at,
                             ends_at=starts_at + timedelta(hours=2))
    return event


@pytest.fixture
def conference(teacher):
    return make_event(teacher)


def people(count: int, prefix: str = "hv"):
    return [UserFactory(username=f"{prefix}{number}", full_name=f"Học Viên {prefix} {number:03d}",
                        org_unit=unit("BABE-TG"), roles=["learner"]) for number in range(count)]


def on_roster(event, persons):
    services.add_to_roster(actor=event.instructors.first(), event=event, user_ids=[p.pk for p in persons])


def csv_file(text: str, name: str = "danh-sach.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def html(response) -> str:
    return response.content.decode()


# Creating and editing ----------------------------------------------------------------------


def test_an_instructor_creates_a_conference_and_runs_it(teacher):
    course = course_services.create_course(actor=teacher, code="CCHC-01", title="Cải cách hành chính", hours=4)
    response = browser_for(teacher).post("/teach/events/new/", {
        "kind": "conference", "title": "Hội nghị chuyển đổi số", "starts_on": "2026-11-12", "ends_on": "2026-11-13",
        "venue": "Hội trường tỉnh", "speakers": "TS. Nguyễn Văn A", "topic": "digital_government", "hours": "3,5",
        "attendance_percent": "75", "courses": [course.pk],
    })
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/teach/events/{event.pk}/"
    assert event.kind == "conference" and event.speakers == "TS. Nguyễn Văn A" and event.attendance_percent == 75
    assert list(event.instructors.all()) == [teacher] and list(event.courses.all()) == [course]
    assert str(event.hours) == "3.5"  # typed with a decimal comma


def test_the_new_event_form_has_a_visible_label_for_each_api_field(teacher):
    page = html(browser_for(teacher).get("/teach/events/new/"))
    for name in ("kind", "title", "starts_on", "ends_on", "venue", "speakers", "topic", "hours", "attendance_percent"):
        assert f'name="{name}"' in page
    assert '<label for="id_title">Tên' in page or 'for="id_title"' in page
    assert "Hội nghị" in page and "Lớp học" in page


def test_it_refuses_an_end_before_the_start_and_says_so_beside_the_field(teacher):
    response = browser_for(teacher).post("/teach/events/new/", {
        "kind": "class", "title": "Lớp bồi dưỡng", "starts_on": "2026-11-12", "ends_on": "2026-11-10",
        "topic": "other", "hours": "0", "attendance_percent": "80",
    })
    assert response.status_code == 400
    page = html(response)
    assert 'class="error-summary"' in page and 'href="#id_ends_on"' in page and 'id="id_ends_on_error"' in page
    assert not Event.objects.exists()


def test_it_refuses_missing_fields_with_a_400_naming_each(teacher):
    response = browser_for(teacher).post("/teach/events/new/", {"kind": "class", "starts_on": "", "hours": "x"})
    assert response.status_code == 400
    page = html(response)
    for name in ("title", "starts_on", "ends_on", "hours"):
        assert f'href="#id_{name}"' in page
    assert not Event.objects.exists()


def test_it_refuses_nul_bytes_with_a_400(teacher):
    response = browser_for(teacher).post("/teach/events/new/", {
        "kind": "class", "title": "Lớp\x00học", "starts_on": "2026-11-12", "ends_on": "2026-11-12",
        "topic": "other", "hours": "0", "attendance_percent": "80"})
    assert response.status_code == 400 and not Event.objects.exists()


def test_learners_get_the_403_page_and_other_instructors_a_404(conference, learner, colleague):
    assert browser_for(learner).get("/teach/events/new/").status_code == 403
    assert browser_for(learner).get(f"/teach/events/{conference.pk}/").status_code == 403
    session = conference.sessions.get()
    other = browser_for(colleague)
    for path in (f"/teach/events/{conference.pk}/", f"/teach/sessions/{session.pk}/",
                 f"/teach/sessions/{session.pk}/attendance/", f"/teach/sessions/{session.pk}/delete/"):
        assert other.get(path).status_code == 404, path
    for path in (f"/teach/events/{conference.pk}/", f"/teach/events/{conference.pk}/sessions/",
                 f"/teach/events/{conference.pk}/roster/", f"/teach/events/{conference.pk}/roster/unit/",
                 f"/teach/events/{conference.pk}/roster/import/", f"/teach/events/{conference.pk}/certificates/",
                 f"/teach/events/{conference.pk}/roster/{learner.pk}/remove/", f"/teach/sessions/{session.pk}/",
                 f"/teach/sessions/{session.pk}/delete/", f"/teach/sessions/{session.pk}/attendance/"):
        assert other.post(path, {"title": "x", "users": [colleague.pk]}).status_code == 404, path
    assert Session.objects.filter(pk=session.pk).exists() and not RosterEntry.objects.exists()
    assert "Hội nghị tuyên truyền" not in html(other.get(f"/teach/events/{conference.pk}/"))


def test_the_details_are_saved_and_the_new_rule_applies(teacher, conference):
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/", {
        "title": "Hội nghị đã đổi tên", "starts_on": "2026-11-12", "ends_on": "2026-11-14", "venue": "Phòng 2",
        "speakers": "", "topic": "other", "hours": "2.5", "attendance_percent": "50",
    })
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.title == "Hội nghị đã đổi tên" and conference.attendance_percent == 50
    assert str(conference.hours) == "2.5"


def test_details_that_the_service_refuses_come_back_with_a_400(teacher, conference):
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/", {
        "title": "Hội nghị", "starts_on": "1999-11-12", "ends_on": "2026-11-14", "topic": "other", "hours": "0",
        "attendance_percent": "101",
    })
    assert response.status_code == 400
    page = html(response)
    assert 'href="#id_attendance_percent"' in page
    conference.refresh_from_db()
    assert conference.title == "Hội nghị tuyên truyền CCHC"


def test_an_event_links_only_courses_its_instructor_teaches(teacher, colleague, conference):
    theirs = course_services.create_course(actor=colleague, code="KHAC-01", title="Khóa học của người khác", hours=1)
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/", {
        "title": "Hội nghị", "starts_on": "2026-11-12", "ends_on": "2026-11-14", "topic": "other", "hours": "0",
        "attendance_percent": "80", "courses": [theirs.pk],
    })
    assert response.status_code == 400 and 'href="#id_courses"' in html(response)
    assert not conference.courses.exists()


# Sessions ---------------------------------------------------------------------------------


def test_a_session_is_added_edited_and_deleted_after_a_confirmation(teacher, conference):
    client = browser_for(teacher)
    response = client.post(f"/teach/events/{conference.pk}/sessions/", {
        "title": "Phiên chiều", "starts_at": "2026-11-13T13:30", "ends_at": "2026-11-13T16:30"})
    assert response.status_code == 302
    session = Session.objects.get(title="Phiên chiều")
    assert session.starts_at == datetime(2026, 11, 13, 6, 30, tzinfo=UTC)
    page = html(client.get(f"/teach/events/{conference.pk}/"))
    assert f"/teach/sessions/{session.pk}/attendance/" in page and f"/sessions/{session.pk}/screen/" in page
    assert "Mở màn hình QR" in page
    assert client.post(f"/teach/sessions/{session.pk}/", {
        "title": "Phiên chiều (đổi)", "starts_at": "2026-11-13T14:00", "ends_at": "2026-11-13T16:00"}).status_code == 302
    session.refresh_from_db()
    assert session.title == "Phiên chiều (đổi)"
    confirm = client.get(f"/teach/sessions/{session.pk}/delete/")
    assert confirm.status_code == 200 and "Xác nhận" in html(confirm)
    assert Session.objects.filter(pk=session.pk).exists()
    assert client.post(f"/teach/sessions/{session.pk}/delete/").status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()


def test_a_session_outside_the_events_dates_is_refused_beside_the_field(teacher, conference):
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/sessions/", {
        "title": "Phiên lạc", "starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T09:00"})
    assert response.status_code == 400
    page = html(response)
    assert 'href="#session-starts_at"' in page and 'id="session-starts_at_error"' in page
    assert conference.sessions.count() == 1


def test_a_session_that_ends_before_it_starts_is_refused(teacher, conference):
    session = conference.sessions.get()
    response = browser_for(teacher).post(f"/teach/sessions/{session.pk}/", {
        "title": "Phiên 1", "starts_at": "2026-11-12T10:00", "ends_at": "2026-11-12T09:00"})
    assert response.status_code == 400 and 'href="#id_ends_at"' in html(response)


# The roster -------------------------------------------------------------------------------


def test_people_found_by_name_or_employee_code_are_added(teacher, conference):
    first, second = people(2)
    client = browser_for(teacher)
    page = html(client.get(f"/teach/events/{conference.pk}/?q={second.employee_code}"))
    assert second.full_name in page and first.full_name not in page
    page = html(client.get(f"/teach/events/{conference.pk}/?q=Học Viên"))
    assert first.full_name in page and second.full_name in page
    response = client.post(f"/teach/events/{conference.pk}/roster/", {"users": [first.pk, second.pk]})
    assert response.status_code == 302
    assert set(conference.roster.values_list("user_id", flat=True)) == {first.pk, second.pk}
    again = html(client.get(f"/teach/events/{conference.pk}/?q=Học Viên"))
    assert "đã có trong danh sách" in again


def test_adding_nobody_or_someone_unknown_is_a_400(teacher, conference):
    client = browser_for(teacher)
    for data in ({}, {"users": ["999999"]}, {"users": ["abc"]}, {"users": ["99999999999999999999999"]}):
        response = client.post(f"/teach/events/{conference.pk}/roster/", data)
        assert response.status_code == 400 and 'href="#id_users"' in html(response), data
    assert not conference.roster.exists()


def test_a_whole_unit_is_added(teacher, conference):
    inside = people(3)
    elsewhere = UserFactory(org_unit=unit("CHODON-BL"), roles=["learner"])
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/roster/unit/", {"org_unit": unit("BABE").pk})
    assert response.status_code == 302
    added = set(conference.roster.values_list("user_id", flat=True))
    assert {person.pk for person in inside} <= added and elsewhere.pk not in added
    bad = browser_for(teacher).post(f"/teach/events/{conference.pk}/roster/unit/", {"org_unit": "abc"})
    assert bad.status_code == 400 and 'href="#id_org_unit"' in html(bad)


def test_a_file_with_a_bad_line_adds_nobody_and_names_the_line(teacher, conference):
    first, second = people(2)
    text = f"employee_code,full_name\n{first.employee_code},A\nKHONG-CO,B\n{second.employee_code},C\n"
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/roster/import/", {"file": csv_file(text)})
    assert response.status_code == 400
    page = html(response)
    assert "Dòng 3" in page and "KHONG-CO" in page and 'href="#id_file"' in page
    assert not conference.roster.exists()


def test_a_formula_cell_is_refused_with_its_line(teacher, conference):
    text = 'employee_code\n=HYPERLINK("http://evil.example","x")\n'
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/roster/import/", {"file": csv_file(text)})
    assert response.status_code == 400 and "Dòng 2" in html(response)
    assert not conference.roster.exists()


def test_a_good_file_adds_everyone(teacher, conference):
    first, second = people(2)
    text = f"employee_code\n{first.employee_code}\n{second.employee_code}\n"
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/roster/import/", {"file": csv_file(text)})
    assert response.status_code == 302
    assert set(conference.roster.values_list("source", flat=True)) == {"import"}
    assert conference.roster.count() == 2


def test_no_file_is_a_400_beside_the_field(teacher, conference):
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/roster/import/", {})
    assert response.status_code == 400 and 'id="id_file_error"' in html(response)


def test_a_person_is_removed_from_the_roster_and_keeps_their_attendance(teacher, conference):
    person, = people(1)
    on_roster(conference, [person])
    session = conference.sessions.get()
    services.record_attendance(actor=teacher, session=session, records=[(person.pk, "present")])
    response = browser_for(teacher).post(f"/teach/events/{conference.pk}/roster/{person.pk}/remove/")
    assert response.status_code == 302
    assert not conference.roster.exists() and AttendanceRecord.objects.filter(user=person).exists()


def test_the_roster_shows_each_persons_attendance_summary(teacher):
    event = make_event(teacher, sessions=2)
    first, second = people(2)
    on_roster(event, [first, second])
    one, two = event.sessions.order_by("starts_at")
    services.record_attendance(actor=teacher, session=one, records=[(first.pk, "present"), (second.pk, "absent")])
    services.record_attendance(actor=teacher, session=two, records=[(first.pk, "late"), (second.pk, "excused")])
    page = html(browser_for(teacher).get(f"/teach/events/{event.pk}/"))
    assert page.count("Đạt") >= 1 and "Chưa đạt" in page
    assert first.full_name in page and second.full_name in page


# The attendance sheet ---------------------------------------------------------------------


def test_the_sheet_saves_everyones_status_in_one_submit(teacher, conference):
    persons = people(3)
    on_roster(conference, persons)
    session = conference.sessions.get()
    client = browser_for(teacher)
    page = html(client.get(f"/teach/sessions/{session.pk}/attendance/"))
    for person in persons:
        assert f'name="status-{person.pk}"' in page
    for label in ("Có mặt", "Đi muộn", "Vắng có phép", "Vắng"):
        assert label in page
    data = {f"status-{persons[0].pk}": "present", f"status-{persons[1].pk}": "late",
            f"status-{persons[2].pk}": "excused"}
    response = client.post(f"/teach/sessions/{session.pk}/attendance/", data)
    assert response.status_code == 302
    assert dict(AttendanceRecord.objects.values_list("user_id", "status")) == {
        persons[0].pk: "present", persons[1].pk: "late", persons[2].pk: "excused"}


def test_everyone_else_present_keeps_what_is_recorded(teacher, conference):
    persons = people(2)
    on_roster(conference, persons)
    session = conference.sessions.get()
    services.record_attendance(actor=teacher, session=session, records=[(persons[0].pk, "absent")])
    page = html(browser_for(teacher).get(f"/teach/sessions/{session.pk}/attendance/?all=present"))
    assert f'id="status-{persons[0].pk}-absent" class="segmented__input segmented__input--absent" checked' in page
    assert f'id="status-{persons[1].pk}-present" class="segmented__input segmented__input--present" checked' in page


def test_the_sheet_shows_who_checked_in_by_qr(teacher, conference):
    person, = people(1)
    on_roster(conference, [person])
    session = conference.sessions.get()
    AttendanceRecord.objects.create(session=session, user=person, status="present", method="self",
                                    recorded_at=START + timedelta(minutes=3))
    page = html(browser_for(teacher).get(f"/teach/sessions/{session.pk}/attendance/"))
    assert "Đã tự điểm danh bằng mã QR" in page and "08:03" in page


def test_an_unknown_status_is_a_400_naming_the_person(teacher, conference):
    person, = people(1)
    on_roster(conference, [person])
    session = conference.sessions.get()
    for value in ("here", "present "):
        response = browser_for(teacher).post(f"/teach/sessions/{session.pk}/attendance/",
                                             {f"status-{person.pk}": value})
        assert response.status_code == 400
        assert f'href="#status-{person.pk}"' in html(response) and person.full_name in html(response)
    assert not AttendanceRecord.objects.exists()
    nul = browser_for(teacher).post(f"/teach/sessions/{session.pk}/attendance/", {f"status-{person.pk}": "present\x00"})
    assert nul.status_code == 400 and not AttendanceRecord.objects.exists()


def test_people_not_on_the_roster_are_never_recorded(teacher, conference, outsider):
    session = conference.sessions.get()
    response = browser_for(teacher).post(f"/teach/sessions/{session.pk}/attendance/",
                                         {f"status-{outsider.pk}": "present"})
    assert response.status_code == 302 and not AttendanceRecord.objects.exists()


# Certificates -----------------------------------------------------------------------------


def test_certificates_are_issued_in_bulk_and_the_zip_is_offered(teacher, conference,
                                                                django_capture_on_commit_callbacks):
    persons = people(2)
    on_roster(conference, persons)
    session = conference.sessions.get()
    services.record_attendance(actor=teacher, session=session, records=[(p.pk, "present") for p in persons])
    client = browser_for(teacher)
    assert "Cấp giấy chứng nhận" in html(client.get(f"/teach/events/{conference.pk}/"))
    with django_capture_on_commit_callbacks(execute=True):  # the job runs at once: tasks are eager here
        response = client.post(f"/teach/events/{conference.pk}/certificates/")
    assert response.status_code == 302
    job = Job.objects.get(kind="certificates.bulk")
    assert job.status == "done"
    page = html(client.get(f"/teach/events/{conference.pk}/"))
    assert f"/api/v1/jobs/{job.pk}/download/" in page and "job-progress.js" in page


# Fixed queries ----------------------------------------------------------------------------


def build(teacher, count: int, prefix: str):
    event = make_event(teacher, sessions=3)
    persons = people(count, prefix)
    on_roster(event, persons)
    for session in event.sessions.all():
        services.record_attendance(actor=teacher, session=session, records=[(p.pk, "present") for p in persons])
    return event


@pytest.mark.parametrize("count", [2, 40])
def test_the_event_page_runs_a_fixed_number_of_queries(teacher, count, django_assert_max_num_queries):
    event = build(teacher, count, f"p{count}")
    client = browser_for(teacher)
    with django_assert_max_num_queries(15):
        assert client.get(f"/teach/events/{event.pk}/?q=Học").status_code == 200


@pytest.mark.parametrize("count", [2, 40])
def test_the_sheet_runs_a_fixed_number_of_queries(teacher, count, django_assert_max_num_queries):
    event = build(teacher, count, f"s{count}")
    session = event.sessions.first()
    client = browser_for(teacher)
    with django_assert_max_num_queries(8):
        assert client.get(f"/teach/sessions/{session.pk}/attendance/").status_code == 200
