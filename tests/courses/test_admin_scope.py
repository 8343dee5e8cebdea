"""The course admin shows each role what the API shows it; only a course's instructors change it."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses import services
from courses.models import Assignment, Course, Enrollment, Module
from tests.accounts.test_admin_scope import api_listed, assert_missing, listed, signed_in
from tests.conftest import unit
from tests.courses.conftest import build_course

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
    ("video", None, "A video or link lesson needs an address."),
    ("file", ("bai.html", b"<script>alert(1)</script>"), "Files of type %(type)s are not accepted. Accepted: %(accepted)s."),
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
    assert response.status_code == 302
    [message] = [str(message) for message in get_messages(response.wsgi_request)]
    with translation.override("vi"):
        assert message.startswith(gettext(refusal).split("%")[0])
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
