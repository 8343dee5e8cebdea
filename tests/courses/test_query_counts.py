"""Lists and pages run a fixed number of queries whatever the amount of data."""

import pytest

from courses import services
from tests.conftest import client_for, unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory


def make_courses(instructor, learner, count, lessons):
    for number in range(count):
        course = build_course(instructor, code=f"C{count}-{number}", lessons=lessons)
        services.enroll(user=learner, course=course)
        services.complete_lesson(user=learner, lesson=course.modules.first().lessons.first())
    return course


@pytest.mark.parametrize("count", [1, 15])
def test_the_course_list_is_a_fixed_number_of_queries(count, instructor, learner, django_assert_max_num_queries):
    make_courses(instructor, learner, count, lessons=3)
    with django_assert_max_num_queries(6):
        response = client_for(learner).get("/api/v1/courses/")
    assert response.json()["count"] == count


@pytest.mark.parametrize("lessons", [1, 25])
def test_the_course_detail_is_a_fixed_number_of_queries(lessons, instructor, learner, django_assert_max_num_queries):
    course = make_courses(instructor, learner, 1, lessons=lessons)
    services.add_module(course=course, title="Chương 2")
    with django_assert_max_num_queries(8):
        response = client_for(learner).get(f"/api/v1/courses/{course.pk}/")
    assert sum(len(module["lessons"]) for module in response.json()["modules"]) == lessons
    assert len(response.json()["enrollment"]["completed_lessons"]) == 1


@pytest.mark.parametrize("count", [1, 15])
def test_my_enrolments_are_a_fixed_number_of_queries(count, instructor, learner, django_assert_max_num_queries):
    make_courses(instructor, learner, count, lessons=4)
    with django_assert_max_num_queries(4):
        response = client_for(learner).get("/api/v1/me/enrollments/")
    assert len(response.json()) == count
    assert {row["progress_percent"] for row in response.json()} == {25}


def test_the_enrolments_of_a_course_are_a_fixed_number_of_queries(course, instructor, django_assert_max_num_queries):
    people = UserFactory.create_batch(30, org_unit=unit("BABE"))
    services.enroll_people(actor=instructor, course=course, users=people)
    with django_assert_max_num_queries(8):
        response = client_for(instructor).get(f"/api/v1/courses/{course.pk}/enrollments/")
    assert response.json()["count"] == 30
