"""`/hr/assignments/...`: HR's mandatory courses: the list with its progress, assigning with a preview, due dates,
reminders; and the services behind the preview and the due date."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AuditEntry, Notification
from courses import services
from courses.models import Assignment, Enrollment
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory, org_unit
from tests.frontend.conftest import browser_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int):
    return TODAY + timedelta(days=n)


@pytest.fixture
def teacher(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def course(teacher):
    return build_course(teacher)


def people(count: int, code: str = "BABE-TG", prefix: str = "hv"):
    return [UserFactory(username=f"{prefix}{code}{number}", full_name=f"Học Viên {prefix} {number:03d}",
                        org_unit=unit(code), roles=["learner"]) for number in range(count)]


def complete(person, course) -> None:
    for module in course.modules.all():
        for lesson in module.lessons.all():
            services.complete_lesson(user=person, lesson=lesson)


def make_overdue(*persons) -> None:
    Enrollment.objects.filter(user__in=persons).update(due_date=days(-3))


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's words, without tags and with spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def assign(actor, course, code: str, due=None) -> Assignment:
    services.assign_course(actor=actor, course=course, org_unit=unit(code), due_date=due or days(30))
    return Assignment.objects.get(course=course, org_unit=unit(code))


def form_data(course, code: str = "BABE-TG", due=None) -> dict:
    return {"course": course.pk, "org_unit": unit(code).pk, "due_date": (due or days(30)).isoformat()}


# The list ---------------------------------------------------------------------------------------------------


def test_the_list_shows_each_assignment_of_the_scope_with_its_exact_progress(hr_babe, admin_user, course):
    done, late, waiting = people(1, prefix="xong"), people(1, prefix="tre"), people(2, prefix="cho")
    in_district = people(1, code="BABE")
    assignment = assign(hr_babe, course, "BABE")
    complete(done[0], course)
    make_overdue(*late)
    assign(admin_user, course, "CHODON")  # another district: not the officer's
    response = browser_for(hr_babe).get("/hr/assignments/")
    assert response.status_code == 200
    [row] = response.context["page"].object_list
    assert row == assignment
    assert (row.enrolled, row.completed, row.overdue, str(row.rate), row.percent) == (5, 1, 1, "20.0", 20)
    page = text(response)
    assert "Huyện Ba Bể" in page and "Chợ Đồn" not in page
    assert "20,0 %" in page and f"{days(30):%d/%m/%Y}" in page
    assert '<progress max="100" value="20"' in html(response)
    assert len(done + late + waiting + in_district) == 5


def test_an_administrator_sees_every_assignment(hr_babe, admin_user, course):
    assign(hr_babe, course, "BABE")
    assign(admin_user, course, "CHODON")
    rows = browser_for(admin_user).get("/hr/assignments/").context["page"].object_list
    assert sorted(row.org_unit.code for row in rows) == ["BABE", "CHODON"]


def test_people_who_moved_out_of_the_scope_are_not_counted_for_the_officer(hr_babe, admin_user, course):
    stay, leave = people(2)
    assignment = assign(hr_babe, course, "BABE")
    account_services.update_user(actor=admin_user, user=leave, org_unit=unit("CHODON-BL"))
    [row] = browser_for(hr_babe).get("/hr/assignments/").context["page"].object_list
    assert row.enrolled == 1
    detail = browser_for(hr_babe).get(f"/hr/assignments/{assignment.pk}/")
    assert stay.full_name in html(detail) and leave.full_name not in html(detail)
    [row] = browser_for(admin_user).get("/hr/assignments/").context["page"].object_list
    assert row.enrolled == 2


def test_running_assignments_come_first_soonest_due_then_the_past_latest_first(hr_babe, admin_user, teacher):
    courses = [build_course(teacher, code=f"K{number}", title=f"Khóa {number}") for number in range(4)]
    for course, due in zip(courses, (days(40), days(5), days(-10), days(-2)), strict=True):
        assignment = assign(admin_user, course, "BABE")
        Assignment.objects.filter(pk=assignment.pk).update(due_date=due)  # the past cannot be chosen any more
    rows = browser_for(hr_babe).get("/hr/assignments/").context["page"].object_list
    assert [row.course.code for row in rows] == ["K1", "K0", "K3", "K2"]
    assert [row.past for row in rows] == [0, 0, 1, 1]


def test_the_list_filters_by_course_and_by_unit_with_the_units_under_it(hr_babe, teacher):
    first, second = build_course(teacher, code="A1"), build_course(teacher, code="B2", title="Chuyển đổi số")
    assign(hr_babe, first, "BABE")
    assign(hr_babe, second, "BABE-TG")
    client = browser_for(hr_babe)

    def codes(query):
        response = client.get("/hr/assignments/", query)
        assert response.status_code == 200
        return sorted(row.course.code for row in response.context["page"].object_list)

    assert codes({}) == ["A1", "B2"]
    assert codes({"course": first.pk}) == ["A1"]
    assert codes({"org_unit": unit("BABE-TG").pk}) == ["B2"]
    assert codes({"org_unit": unit("BABE").pk}) == ["A1", "B2"]
    assert codes({"course": first.pk, "org_unit": unit("BABE-TG").pk}) == []


def test_a_filter_outside_the_scope_is_a_field_error(hr_babe, course):
    assign(hr_babe, course, "BABE")
    response = browser_for(hr_babe).get("/hr/assignments/", {"org_unit": unit("CHODON").pk})
    assert response.status_code == 400
    assert 'class="error-summary"' in html(response) and 'id="id_org_unit_error"' in html(response)
    response = browser_for(hr_babe).get("/hr/assignments/", {"course": "abc"})
    assert response.status_code == 400 and 'id="id_course_error"' in html(response)


def test_the_list_pages_keep_the_filters(hr_babe, teacher, course):
    for number in range(21):
        assign(hr_babe, build_course(teacher, code=f"P{number:02d}", lessons=1), "BABE")
    assign(hr_babe, course, "BABE-TG")
    client = browser_for(hr_babe)
    first = client.get("/hr/assignments/", {"org_unit": unit("BABE").pk})
    assert len(first.context["page"].object_list) == 20
    assert f"?org_unit={unit('BABE').pk}&amp;page=2" in html(first)
    second = client.get("/hr/assignments/", {"org_unit": unit("BABE").pk, "page": 2})
    assert len(second.context["page"].object_list) == 2


def test_an_officer_without_assignments_is_invited_to_assign_one(hr_babe):
    response = browser_for(hr_babe).get("/hr/assignments/")
    assert "Chưa có khóa học nào được giao" in text(response)
    assert 'href="/hr/assignments/new/"' in html(response)


# Assigning ----------------------------------------------------------------------------------------------------


def test_the_form_offers_published_courses_and_the_active_units_of_the_scope_as_a_tree(hr_babe, teacher, course,
                                                                                      admin_user):
    build_course(teacher, code="NHAP", title="Bản nháp", publish=False)
    old = org_unit("Xã Cũ", parent=unit("BABE"), code="BABE-CU", kind="commune")
    account_services.merge_org_unit(actor=admin_user, unit=old, into=unit("BABE-TG"), on=TODAY)
    response = browser_for(hr_babe).get("/hr/assignments/new/")
    assert response.status_code == 200
    page = html(response)
    assert "Cơ chế một cửa" in page and "Bản nháp" not in page
    assert re.search(r'<option value="\d+">Huyện Ba Bể</option>', page)
    assert re.search(r'<option value="\d+">— Xã Thượng Giáo</option>', page)
    assert "Xã Cũ" not in page and "Chợ Đồn" not in page
    for name in ("course", "org_unit", "due_date"):
        assert f'<label for="id_{name}">' in page and f'name="{name}"' in page
    assert 'type="date"' in page and ">Giao khóa học</button>" in page


def test_the_preview_counts_whom_it_enrols_and_changes_nothing(hr_babe, course):
    newcomers = people(3)
    enrolled, finished = people(2, prefix="co")
    people(1, code="CHODON-BL", prefix="ngoai")  # outside the unit: not counted
    services.enroll(user=enrolled, course=course)
    services.enroll(user=finished, course=course)
    complete(finished, course)
    UserFactory(org_unit=unit("BABE-TG"), is_active=False)  # a deactivated account is not enrolled
    response = browser_for(hr_babe).post("/hr/assignments/new/", form_data(course))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview["new"], preview["enrolled"], preview["completed"], preview["people"]) == (3, 2, 1, 5)
    assert preview["assignment"] is None
    page = html(response)
    assert '<strong class="assign-preview__number" data-figure="new">3</strong>' in page
    assert '<strong class="assign-preview__number" data-figure="enrolled">2</strong>' in page
    assert "Huyện Ba Bể › <strong>Xã Thượng Giáo</strong>" in page and f"{days(30):%d/%m/%Y}" in page
    assert ">Xác nhận</button>" in page
    assert f'href="/hr/assignments/new/?course={course.pk}&amp;org_unit={unit("BABE-TG").pk}' in page
    assert not Assignment.objects.exists()
    assert Enrollment.objects.count() == 2 and len(newcomers) == 3


def test_going_back_from_the_preview_fills_the_form_in_again(hr_babe, course):
    response = browser_for(hr_babe).get("/hr/assignments/new/", form_data(course, due=days(9)))
    page = html(response)
    assert f'<option value="{course.pk}" selected>' in page
    assert f'<option value="{unit("BABE-TG").pk}" selected>' in page
    assert f'value="{days(9).isoformat()}"' in page


def test_the_preview_of_a_course_already_assigned_says_the_due_date_changes(hr_babe, course):
    people(2)
    assign(hr_babe, course, "BABE-TG", due=days(10))
    people(1, prefix="moi")
    response = browser_for(hr_babe).post("/hr/assignments/new/", form_data(course, due=days(20)))
    assert response.context["preview"]["assignment"].due_date == days(10)
    assert (response.context["preview"]["new"], response.context["preview"]["enrolled"]) == (1, 2)
    page = text(response)
    assert f"đã được giao cho đơn vị, hạn hoàn thành {days(10):%d/%m/%Y}" in page
    assert f"sẽ đổi thành {days(20):%d/%m/%Y}" in page


def test_confirming_enrols_everyone_of_the_unit_and_shows_it_in_the_list(hr_babe, course):
    persons = people(3)
    client = browser_for(hr_babe)
    response = client.post("/hr/assignments/confirm/", form_data(course))
    assert response.status_code == 302
    assert response["Location"] == f"/hr/assignments/?course={course.pk}"
    assignment = Assignment.objects.get()
    assert (assignment.org_unit, assignment.due_date, assignment.assigned_by) == (unit("BABE-TG"), days(30), hr_babe)
    enrolments = Enrollment.objects.filter(assignment=assignment, mandatory=True, due_date=days(30))
    assert sorted(enrolments.values_list("user_id", flat=True)) == sorted(person.pk for person in persons)
    listed = client.get(response["Location"])
    assert "3 người được ghi danh mới" in text(listed)
    assert [row.pk for row in listed.context["page"].object_list] == [assignment.pk]


def test_a_second_confirm_enrols_nobody_twice(hr_babe, course):
    people(2)
    client = browser_for(hr_babe)
    client.post("/hr/assignments/confirm/", form_data(course))
    again = client.post("/hr/assignments/confirm/", form_data(course), follow=True)
    assert Assignment.objects.count() == 1 and Enrollment.objects.count() == 2
    assert "0 người được ghi danh mới" in text(again)


@pytest.mark.parametrize("url", ["/hr/assignments/new/", "/hr/assignments/confirm/"])
@pytest.mark.parametrize("change, field", [
    ({"due_date": (TODAY - timedelta(days=1)).isoformat()}, "due_date"),
    ({"due_date": "31/02/2027"}, "due_date"),
    ({"due_date": ""}, "due_date"),
    ({"org_unit": "CHODON"}, "org_unit"),
    ({"org_unit": "999999"}, "org_unit"),
    ({"org_unit": "x"}, "org_unit"),
    ({"course": "draft"}, "course"),
    ({"course": ""}, "course"),
])
def test_bad_input_is_a_field_error_and_changes_nothing(hr_babe, course, teacher, url, change, field):
    people(1)
    draft = build_course(teacher, code="NHAP", publish=False)
    data = form_data(course) | change
    if data["org_unit"] == "CHODON":
        data["org_unit"] = unit("CHODON").pk
    if data["course"] == "draft":
        data["course"] = draft.pk
    response = browser_for(hr_babe).post(url, data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in html(response) and 'class="error-summary"' in html(response)
    assert not Assignment.objects.exists() and not Enrollment.objects.exists()


def test_a_course_unpublished_after_the_preview_is_refused_at_the_confirm(hr_babe, course, teacher):
    people(1)
    client = browser_for(hr_babe)
    assert client.post("/hr/assignments/new/", form_data(course)).status_code == 200
    services.archive_course(actor=teacher, course=course)
    response = client.post("/hr/assignments/confirm/", form_data(course))
    assert response.status_code == 400 and 'id="id_course_error"' in html(response)
    assert not Enrollment.objects.exists()


# Due date and reminders -------------------------------------------------------------------------------------


def test_changing_the_due_date_moves_it_for_those_who_have_not_completed(hr_babe, course):
    waiting, done = people(2)
    assignment = assign(hr_babe, course, "BABE-TG", due=days(10))
    complete(done, course)
    response = browser_for(hr_babe).post(f"/hr/assignments/{assignment.pk}/due-date/",
                                         {"due_date": days(60).isoformat()}, follow=True)
    assert response.redirect_chain == [(f"/hr/assignments/{assignment.pk}/", 302)]
    assert f"Hạn hoàn thành đã đổi thành {days(60):%d/%m/%Y} cho 1 người" in text(response)
    assignment.refresh_from_db()
    assert assignment.due_date == days(60)
    assert Enrollment.objects.get(user=waiting).due_date == days(60)
    assert Enrollment.objects.get(user=done).due_date == days(10)
    entry = AuditEntry.objects.get(action="course.assignment_due_date_changed")
    assert entry.actor == hr_babe and entry.target_id == str(assignment.pk)
    assert entry.changes == {"due_date": [days(10).isoformat(), days(60).isoformat()], "enrolments": 1}


@pytest.mark.parametrize("value", [(TODAY - timedelta(days=1)).isoformat(), "", "ngày mai"])
def test_a_bad_due_date_is_shown_beside_the_field_and_changes_nothing(hr_babe, course, value):
    people(1)
    assignment = assign(hr_babe, course, "BABE-TG", due=days(10))
    response = browser_for(hr_babe).post(f"/hr/assignments/{assignment.pk}/due-date/", {"due_date": value})
    assert response.status_code == 400
    assert 'id="id_due_date_error"' in html(response) and 'href="#id_due_date"' in html(response)
    assert Assignment.objects.get().due_date == days(10) and Enrollment.objects.get().due_date == days(10)


def test_a_reminder_notifies_those_who_have_not_completed_once_a_day(hr_babe, course):
    waiting = people(2)
    done = people(1, prefix="xong")[0]
    assignment = assign(hr_babe, course, "BABE-TG")
    complete(done, course)
    client = browser_for(hr_babe)
    response = client.post(f"/hr/assignments/{assignment.pk}/remind/", {"back": "list"}, follow=True)
    assert response.redirect_chain == [("/hr/assignments/", 302)]
    assert "Đã gửi nhắc nhở cho 2 người" in text(response)
    reminded = Notification.objects.filter(kind=Notification.Kind.REMINDER).values_list("recipient_id", flat=True)
    assert sorted(reminded) == sorted(person.pk for person in waiting)
    assert f'action="/hr/assignments/{assignment.pk}/remind/"' not in html(response)  # sent today: no button
    again = client.post(f"/hr/assignments/{assignment.pk}/remind/")
    assert again.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', html(again), re.S).group()
    assert "24" in summary  # the service's words: a reminder was sent less than 24 hours ago
    assert Notification.objects.filter(kind=Notification.Kind.REMINDER).count() == 2
    detail = client.get(f"/hr/assignments/{assignment.pk}/")
    assert "Có thể gửi lần tiếp theo từ" in text(detail)


def test_a_reminder_from_the_assignment_page_comes_back_to_it(hr_babe, course):
    people(1)
    assignment = assign(hr_babe, course, "BABE-TG")
    response = browser_for(hr_babe).post(f"/hr/assignments/{assignment.pk}/remind/", follow=True)
    assert response.redirect_chain == [(f"/hr/assignments/{assignment.pk}/", 302)]
    assert "Đã gửi nhắc nhở cho 1 người" in text(response)


# The assignment's page ----------------------------------------------------------------------------------------


def test_the_assignment_page_lists_its_people_overdue_first_with_their_status(hr_babe, course):
    done, late, started, waiting = (people(1, prefix=prefix)[0] for prefix in ("a", "b", "c", "d"))
    assignment = assign(hr_babe, course, "BABE-TG")
    complete(done, course)
    make_overdue(late)
    services.complete_lesson(user=started, lesson=course.modules.first().lessons.first())
    response = browser_for(hr_babe).get(f"/hr/assignments/{assignment.pk}/")
    rows = response.context["people"].object_list
    assert [row.user for row in rows] == [late, waiting, started, done]
    page = text(response)
    assert re.search(rf"{late.full_name} .*Quá hạn.*{waiting.full_name} .*Chưa bắt đầu.*{started.full_name} .*"
                     rf"Đang học.*50 %.*{done.full_name} .*Đã hoàn thành", page)
    assert f'href="/hr/people/{late.pk}/"' in html(response)
    figures = html(response)
    assert '<dd data-figure="enrolled">4</dd>' in figures and '<dd data-figure="completed">1</dd>' in figures
    assert '<dd data-figure="overdue">1</dd>' in figures and "25,0 %" in figures


# Who may ------------------------------------------------------------------------------------------------------


def urls(assignment) -> list[tuple[str, str]]:
    return [("get", "/hr/assignments/"), ("get", "/hr/assignments/new/"), ("post", "/hr/assignments/new/"),
            ("post", "/hr/assignments/confirm/"), ("get", f"/hr/assignments/{assignment.pk}/"),
            ("post", f"/hr/assignments/{assignment.pk}/due-date/"), ("post", f"/hr/assignments/{assignment.pk}/remind/")]


@pytest.mark.parametrize("role", ["learner", "instructor"])
def test_learners_and_instructors_are_refused_every_door(admin_user, course, role):
    people(1)
    assignment = assign(admin_user, course, "BABE-TG")
    someone = UserFactory(org_unit=unit("BABE"), roles=[role])
    client = browser_for(someone)
    for method, url in urls(assignment):
        response = getattr(client, method)(url, form_data(course) if method == "post" else None)
        assert response.status_code == 403, url
        assert "Chỉ cán bộ tổ chức mới giao khóa học bắt buộc" in text(response)
    assert Assignment.objects.get().due_date == days(30) and not Notification.objects.filter(kind="reminder").exists()


def test_signed_out_visitors_are_sent_to_sign_in(admin_user, course, client):
    assignment = assign(admin_user, course, "BABE-TG")
    for method, url in urls(assignment):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_an_assignment_outside_the_scope_does_not_exist_for_the_officer(hr_babe, admin_user, course):
    people(1, code="CHODON-BL")
    assignment = assign(admin_user, course, "CHODON")
    client = browser_for(hr_babe)
    assert client.get(f"/hr/assignments/{assignment.pk}/").status_code == 404
    assert client.post(f"/hr/assignments/{assignment.pk}/due-date/",
                       {"due_date": days(90).isoformat()}).status_code == 404
    assert client.post(f"/hr/assignments/{assignment.pk}/remind/").status_code == 404
    assert client.get("/hr/assignments/999999/").status_code == 404
    assert Assignment.objects.get().due_date == days(30)
    assert not Notification.objects.filter(kind="reminder").exists()
    assert browser_for(admin_user).get(f"/hr/assignments/{assignment.pk}/").status_code == 200


def test_an_officer_cannot_assign_to_a_unit_outside_the_scope(hr_babe, course):
    people(1, code="CHODON-BL")
    response = browser_for(hr_babe).post("/hr/assignments/confirm/", form_data(course, "CHODON-BL"))
    assert response.status_code == 400 and 'id="id_org_unit_error"' in html(response)
    assert not Assignment.objects.exists() and not Enrollment.objects.exists()


# Services ------------------------------------------------------------------------------------------------------


def test_the_preview_is_two_queries_whatever_the_subtree(course, django_assert_num_queries):
    people(30)
    people(5, code="BABE", prefix="huyen")
    province = unit("BK")
    with django_assert_num_queries(2):
        preview = services.assignment_preview(course=course, org_unit=province)
    # and the instructor, of the province's Sở Nội vụ
    assert (preview["people"], preview["new"], preview["enrolled"], preview["completed"]) == (36, 36, 0, 0)


def test_the_preview_agrees_with_what_assigning_does(hr_babe, course):
    people(4)
    services.enroll(user=people(1, prefix="tu")[0], course=course)
    preview = services.assignment_preview(course=course, org_unit=unit("BABE"))
    enrolled = services.assign_course(actor=hr_babe, course=course, org_unit=unit("BABE"), due_date=days(5))
    assert enrolled == preview["new"] == 4
    after = services.assignment_preview(course=course, org_unit=unit("BABE"))
    assert (after["new"], after["enrolled"], after["assignment"].due_date) == (0, 5, days(5))


def test_changing_the_due_date_refuses_the_past(hr_babe, course):
    from django.core.exceptions import ValidationError

    assignment = assign(hr_babe, course, "BABE")
    with pytest.raises(ValidationError) as refused:
        services.change_due_date(actor=hr_babe, assignment=assignment, due_date=days(-1))
    assert "due_date" in refused.value.error_dict
    assert Assignment.objects.get().due_date == days(30)


# Query counts ---------------------------------------------------------------------------------------------------


def grow(hr, teacher, size: int) -> Assignment:
    """`size` people in two units, `size` assignments with finished, overdue and waiting people."""
    persons = people(size, prefix=f"q{size}-") + people(size, code="BABE", prefix=f"r{size}-")
    first = None
    for number in range(size):
        course = build_course(teacher, code=f"Q{size}-{number}", lessons=1)
        assignment = assign(hr, course, "BABE" if number % 2 else "BABE-TG")
        first = first or assignment
        complete(persons[number], course)
        make_overdue(persons[-1 - number])
    return first


def test_every_page_runs_as_many_queries_with_more_data(hr_babe, teacher, django_assert_max_num_queries):
    """Each page's count is the same with 2 assignments of 4 people as with 12 of 24; and never more than MOST."""
    most = 12

    def visit(assignment) -> dict:
        client = browser_for(hr_babe)
        client.get("/hr/assignments/")  # the session is read once more on a first visit
        course = assignment.course
        visits = {
            "list": lambda: client.get("/hr/assignments/"),
            "filtered": lambda: client.get("/hr/assignments/", {"course": course.pk, "org_unit": unit("BABE").pk}),
            "detail": lambda: client.get(f"/hr/assignments/{assignment.pk}/"),
            "new": lambda: client.get("/hr/assignments/new/"),
            "preview": lambda: client.post("/hr/assignments/new/", form_data(course, "BABE")),
        }
        counts = {}
        for name, go in visits.items():
            with django_assert_max_num_queries(most) as queries:
                assert go().status_code == 200, name
            counts[name] = len(queries)
        return counts

    small = visit(grow(hr_babe, teacher, 2))
    assert visit(grow(hr_babe, teacher, 12)) == small
