"""The course admin shows each role what the API shows it; only a course's instructors change it."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses import services
from courses.models import Assignment, Course, Enrollment, Module
from tests.accounts.test_admin_scope import api_listed, assert_missing, listed, offered, signed_in
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory

COVERED = {"courses.Course", "courses.Module", "courses.Assignment", "courses.Enrollment"}


@pytest.fixture
def world(instructor, other_instructor, learner, outsider, admin_user):
    """The instructor teaches MINE; another teaches THEIRS and a DRAFT. Two learners, in and out of Ba Bể."""
    mine = build_course(instructor, code="MINE")
    theirs = build_course(other_instructor, code="THEIRS")
    draft = build_course(other_instructor, code="DRAFT", publish=False)
    for person in (learner, outsider):
        for course in (mine, theirs):
            services.enroll(user=person, course=course)
    due = timezone.localdate() + timedelta(days=30)
    for course, code in ((theirs, "BABE"), (mine, "CHODON"), (theirs, "BK")):  # BK: the province, above Ba Bể
        services.assign_course(actor=admin_user, course=course, org_unit=unit(code), due_date=due)
    return {"mine": mine, "theirs": theirs, "draft": draft}


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_the_course_list_shows_each_role_what_the_api_shows(world, hr_babe, instructor, other_instructor, admin_user):
    mine, theirs, draft = world["mine"].pk, world["theirs"].pk, world["draft"].pk
    for person, expected in ((hr_babe, {mine, theirs}), (instructor, {mine, theirs}),
                             (other_instructor, {mine, theirs, draft}), (admin_user, {mine, theirs, draft})):
        assert listed(person, "/admin/courses/course/") == api_listed(person, "/api/v1/courses/") == expected
    assert_missing(instructor, Course, draft)


def test_only_a_courses_instructors_change_it_in_the_admin(world, instructor, hr_babe):
    theirs = world["theirs"]
    for person in (instructor, hr_babe):
        client = signed_in(person)
        page = client.get(f"/admin/courses/course/{theirs.pk}/change/")
        assert page.status_code == 200 and b'name="title"' not in page.content
        assert client.post(f"/admin/courses/course/{theirs.pk}/change/", {"title": "Bị sửa"}).status_code == 403
        assert client.post(f"/admin/courses/course/{theirs.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Course.objects.get(pk=theirs.pk).title == theirs.title


def test_the_course_actions_leave_alone_courses_the_instructor_does_not_teach(world, instructor):
    mine, theirs = world["mine"], world["theirs"]
    response = signed_in(instructor).post("/admin/courses/course/", {
        "action": "archive", "_selected_action": [mine.pk, theirs.pk]}, follow=True)
    assert response.status_code == 200
    assert Course.objects.get(pk=mine.pk).status == "archived"
    assert Course.objects.get(pk=theirs.pk).status == "published"
    assert any(str(theirs) in str(message) for message in get_messages(response.wsgi_request))


def test_hr_are_not_offered_the_course_actions(world, hr_babe):
    page = signed_in(hr_babe).get("/admin/courses/course/")
    assert page.status_code == 200 and page.context["action_form"] is None


def test_the_module_list_holds_the_modules_of_the_courses_taught(world, instructor, hr_babe, admin_user):
    assert listed(instructor, "/admin/courses/module/") == ids(Module.objects.filter(course=world["mine"]))
    assert listed(admin_user, "/admin/courses/module/") == ids(Module.objects.all())
    assert signed_in(hr_babe).get("/admin/courses/module/").status_code == 403
    assert_missing(instructor, Module, world["theirs"].modules.first().pk)


@pytest.mark.parametrize("kind, upload, refusal", [
    ("video", None, ("url", "A video or link lesson needs an address.")),
    ("file", ("bai.html", b"<script>alert(1)</script>"),
     ("file", "Files of type %(type)s are not accepted. Accepted: %(accepted)s.")),
])
def test_a_lesson_added_in_the_admin_goes_through_the_lesson_rules(world, instructor, kind, upload, refusal):
    module = world["mine"].modules.first()
    lessons = list(module.lessons.all())
    data = {"title": module.title, "position": module.position,
            "lessons-TOTAL_FORMS": len(lessons) + 1, "lessons-INITIAL_FORMS": len(lessons)}
    for n, lesson in enumerate(lessons):
        data |= {f"lessons-{n}-id": lesson.pk, f"lessons-{n}-module": module.pk, f"lessons-{n}-title": lesson.title,
                 f"lessons-{n}-kind": lesson.kind, f"lessons-{n}-position": lesson.position,
                 f"lessons-{n}-estimated_minutes": lesson.estimated_minutes, f"lessons-{n}-body": lesson.body,
                 f"lessons-{n}-url": ""}
    new = len(lessons)
    data |= {f"lessons-{new}-module": module.pk, f"lessons-{new}-title": "Bài bị từ chối",
             f"lessons-{new}-kind": kind, f"lessons-{new}-position": 0, f"lessons-{new}-estimated_minutes": 5,
             f"lessons-{new}-body": "", f"lessons-{new}-url": ""}
    if upload:
        data[f"lessons-{new}-file"] = SimpleUploadedFile(*upload)
    response = signed_in(instructor).post(f"/admin/courses/module/{module.pk}/change/", data)
    # Refused on the form itself, which keeps what was typed.
    assert response.status_code == 200
    [lesson_form] = [form for form in response.context["inline_admin_formsets"][0].formset.forms if form.errors]
    with translation.override("vi"):
        assert [str(error) for error in lesson_form.errors[refusal[0]]][0].startswith(
            gettext(refusal[1]).split("%")[0])
    assert 'value="Bài bị từ chối"' in response.content.decode()
    assert not module.lessons.filter(title="Bài bị từ chối").exists()


def test_the_assignment_list_shows_hr_exactly_what_the_api_shows(world, hr_babe, instructor, admin_user):
    babe = ids(Assignment.objects.filter(org_unit=unit("BABE")))
    assert listed(hr_babe, "/admin/courses/assignment/") == api_listed(hr_babe, "/api/v1/assignments/") == babe
    everything = ids(Assignment.objects.all())
    assert listed(admin_user, "/admin/courses/assignment/") == api_listed(admin_user, "/api/v1/assignments/")
    assert listed(admin_user, "/admin/courses/assignment/") == everything and len(everything) == 3
    assert signed_in(instructor).get("/admin/courses/assignment/").status_code == 403
    province_wide = Assignment.objects.get(org_unit=unit("BK"))
    assert_missing(hr_babe, Assignment, province_wide.pk)


def test_assignments_are_read_only_in_the_admin(world, admin_user):
    assignment = Assignment.objects.get(org_unit=unit("BABE"))
    client = signed_in(admin_user)
    changed = client.post(f"/admin/courses/assignment/{assignment.pk}/change/", {"due_date": "2020-01-01"})
    assert changed.status_code == 403
    assert client.post(f"/admin/courses/assignment/{assignment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Assignment.objects.get(pk=assignment.pk).due_date == assignment.due_date


def test_the_enrolment_list_shows_hr_their_people_and_instructors_their_courses(
    world, hr_babe, instructor, learner, outsider, admin_user
):
    mine = world["mine"]
    assert listed(hr_babe, "/admin/courses/enrollment/") == ids(Enrollment.objects.filter(user=learner))
    # The API gives instructors the enrolments of each course they teach.
    taught = api_listed(instructor, f"/api/v1/courses/{mine.pk}/enrollments/")
    assert listed(instructor, "/admin/courses/enrollment/") == taught == ids(Enrollment.objects.filter(course=mine))
    assert listed(admin_user, "/admin/courses/enrollment/") == ids(Enrollment.objects.all())
    assert_missing(hr_babe, Enrollment, Enrollment.objects.get(user=outsider, course=mine).pk)
    assert_missing(instructor, Enrollment, Enrollment.objects.get(user=learner, course=world["theirs"]).pk)


def test_the_enrolment_list_of_hr_runs_a_fixed_number_of_queries(world, hr_babe, django_assert_max_num_queries):
    client = signed_in(hr_babe)
    client.get("/admin/courses/enrollment/")  # the session and the permissions, once
    with django_assert_max_num_queries(9):
        assert client.get("/admin/courses/enrollment/").status_code == 200


def course_form(course, **changes) -> dict:
    """The change page of a course and its modules, as an instructor would post it back."""
    modules = list(course.modules.all())
    data = {"code": course.code, "title": course.title, "topic": course.topic, "summary": course.summary,
            "hours": course.hours, "completion_rule": course.completion_rule,
            "instructors": [person.pk for person in course.instructors.all()],
            "modules-TOTAL_FORMS": len(modules), "modules-INITIAL_FORMS": len(modules)}
    for n, module in enumerate(modules):
        data |= {f"modules-{n}-id": module.pk, f"modules-{n}-course": course.pk,
                 f"modules-{n}-title": module.title, f"modules-{n}-position": module.position}
    return {**data, **changes}


def test_the_course_form_offers_as_instructors_only_the_people_who_teach(
    world, instructor, other_instructor, learner, hr_babe, admin_user
):
    UserFactory(full_name="Giảng Viên Đã Nghỉ", roles=["instructor"], is_active=False)
    teachers = {instructor.pk, other_instructor.pk}
    for person in (instructor, admin_user):
        assert offered(person, "/admin/courses/course/add/", "instructors") == teachers
    page = signed_in(instructor).get("/admin/courses/course/add/").content.decode()
    assert learner.full_name not in page and hr_babe.full_name not in page and "Đã Nghỉ" not in page
    # Someone who teaches the course already stays offered, so that saving it never drops them.
    mine = world["mine"]
    mine.instructors.add(learner)
    assert offered(instructor, f"/admin/courses/course/{mine.pk}/change/", "instructors") == teachers | {learner.pk}
    refused = signed_in(instructor).post("/admin/courses/course/add/", {
        **course_form(mine, code="NEW", instructors=[hr_babe.pk]), "modules-TOTAL_FORMS": 0,
        "modules-INITIAL_FORMS": 0})
    assert refused.status_code == 200 and "instructors" in refused.context["adminform"].form.errors
    assert not Course.objects.filter(code="NEW").exists()


def test_a_module_added_in_the_admin_is_added_by_the_service(world, instructor):
    mine = world["mine"]  # one module, at position 0
    client = signed_in(instructor)
    added = client.post("/admin/courses/module/add/", {"course": mine.pk, "title": "Chương 2", "position": 0,
                                                       "lessons-TOTAL_FORMS": 0, "lessons-INITIAL_FORMS": 0})
    assert added.status_code == 302, added.content[:2000]
    # As through the API: last of its course.
    assert Module.objects.get(course=mine, title="Chương 2").position == 1
    data = course_form(mine, **{"modules-TOTAL_FORMS": 3, "modules-2-course": mine.pk,
                                "modules-2-title": "Chương 3", "modules-2-position": 0})
    changed = client.post(f"/admin/courses/course/{mine.pk}/change/", data)
    assert changed.status_code == 302, changed.content[:2000]
    assert Module.objects.get(course=mine, title="Chương 3").position == 2


def test_a_position_typed_for_a_new_module_wins(world, instructor):
    mine = world["mine"]
    added = signed_in(instructor).post("/admin/courses/module/add/", {
        "course": mine.pk, "title": "Chương 0", "position": 5, "lessons-TOTAL_FORMS": 0, "lessons-INITIAL_FORMS": 0})
    assert added.status_code == 302, added.content[:2000]
    assert Module.objects.get(course=mine, title="Chương 0").position == 5


def test_modules_changed_and_removed_on_the_course_page_are_saved(world, instructor):
    mine = world["mine"]
    services.add_module(course=mine, title="Chương thừa")
    first, extra = mine.modules.order_by("position")
    data = course_form(mine, **{"modules-0-title": "Chương mở đầu", "modules-1-DELETE": "on"})
    response = signed_in(instructor).post(f"/admin/courses/course/{mine.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    assert Module.objects.get(pk=first.pk).title == "Chương mở đầu"
    assert not Module.objects.filter(pk=extra.pk).exists()
