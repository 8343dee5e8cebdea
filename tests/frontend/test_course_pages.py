"""The catalogue, a course's page, its lessons and enrolling, as learners and instructors see them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services as course_services
from courses.models import Enrollment, LessonProgress
from tests.courses.conftest import build_course
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import make_quiz


@pytest.fixture
def course(instructor):
    """A published course with one module of two lessons."""
    return build_course(instructor, code="CCHC-01", lessons=2)


def lessons_of(course):
    return [lesson for module in course.modules.all() for lesson in module.lessons.order_by("position")]


# The catalogue ---------------------------------------------------------------


def test_the_catalogue_lists_published_courses_only(instructor, learner):
    build_course(instructor, code="PUB", title="Cải cách thủ tục hành chính")
    build_course(instructor, code="DRAFT", title="Bản nháp chưa công bố", publish=False)
    page = browser_for(learner).get("/courses/").content.decode()
    assert "Cải cách thủ tục hành chính" in page
    assert "Bản nháp chưa công bố" not in page


def test_the_catalogue_filters_by_topic_and_searches_titles(instructor, learner):
    build_course(instructor, code="A", title="Chính phủ số cấp xã", topic="digital_government")
    build_course(instructor, code="B", title="Tài chính công cơ sở", topic="public_finance")
    client = browser_for(learner)
    by_topic = client.get("/courses/", {"topic": "digital_government"}).content.decode()
    assert "Chính phủ số cấp xã" in by_topic and "Tài chính công cơ sở" not in by_topic
    by_title = client.get("/courses/", {"q": "tài chính"}).content.decode()
    assert "Tài chính công cơ sở" in by_title and "Chính phủ số cấp xã" not in by_title


def test_enrolling_from_the_catalogue_enrols_and_opens_the_course(course, learner):
    client = browser_for(learner)
    response = client.post(f"/courses/{course.pk}/enroll")
    assert response.status_code == 302 and response["Location"] == f"/courses/{course.pk}/"
    assert Enrollment.objects.filter(user=learner, course=course).exists()
    assert "Ghi danh" not in client.get(response["Location"]).content.decode().split("my-progress-heading")[1][:400]


def test_enrolling_in_a_draft_someone_else_teaches_is_a_404(instructor, learner):
    draft = build_course(instructor, code="DRAFT", publish=False)
    assert browser_for(learner).post(f"/courses/{draft.pk}/enroll").status_code == 404
    assert not Enrollment.objects.filter(user=learner).exists()


@pytest.mark.parametrize("count", [2, 25])
def test_the_catalogue_is_a_fixed_number_of_queries(count, instructor, learner, django_assert_max_num_queries):
    for number in range(count):
        course = build_course(instructor, code=f"C{number}", title=f"Khóa {number}", lessons=1)
        if number % 2:
            course_services.enroll(user=learner, course=course)
    client = browser_for(learner)
    with django_assert_max_num_queries(6):
        assert client.get("/courses/").status_code == 200


# A course's page ------------------------------------------------------------------


def test_the_course_page_shows_the_outline_with_lessons_done_ticked(course, learner):
    course_services.enroll(user=learner, course=course)
    first, second = lessons_of(course)
    course_services.complete_lesson(user=learner, lesson=first)
    page = browser_for(learner).get(f"/courses/{course.pk}/").content.decode()
    assert page.count("is-done") == 1
    assert f'href="/lessons/{first.pk}/"' in page and f'href="/lessons/{second.pk}/"' in page
    assert 'value="50"' in page  # the progress bar
    assert "Triệu Văn Giảng" in page  # the instructor


def test_a_learner_not_enrolled_sees_the_outline_but_no_lesson_links(course, learner):
    page = browser_for(learner).get(f"/courses/{course.pk}/").content.decode()
    assert "Bài 1" in page and "/lessons/" not in page
    assert f'action="/courses/{course.pk}/enroll"' in page


def test_a_draft_course_is_a_404_for_learners_and_open_to_its_instructor(instructor, learner):
    draft = build_course(instructor, code="DRAFT", publish=False)
    assert browser_for(learner).get(f"/courses/{draft.pk}/").status_code == 404
    assert browser_for(instructor).get(f"/courses/{draft.pk}/").status_code == 200


def test_the_course_page_shows_the_quiz_with_my_attempts_and_best_result(course, bank, enrolled):
    from quizzes import services

    quiz = make_quiz(course, bank, max_attempts=3)
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    services.submit_attempt(attempt=attempt)
    services.score_attempt(attempt.pk)
    page = browser_for(enrolled).get(f"/courses/{course.pk}/").content.decode()
    assert "Kiểm tra cuối khoá" in page
    assert f'href="/attempts/{attempt.pk}/result/"' in page
    assert "Kết quả cao nhất: 0%" in page
    assert f'action="/quizzes/{quiz.pk}/start"' in page
    assert "Còn 2 lần làm bài" in page


def test_the_course_page_offers_to_continue_an_attempt_in_progress(quiz, enrolled, course):
    from quizzes import services

    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    page = browser_for(enrolled).get(f"/courses/{course.pk}/").content.decode()
    assert f'href="/attempts/{attempt.pk}/"' in page
    assert f'action="/quizzes/{quiz.pk}/start"' not in page


@pytest.mark.parametrize("size", [1, 6])
def test_the_course_page_is_a_fixed_number_of_queries(size, instructor, bank, course, learner,
                                                      django_assert_max_num_queries):
    from quizzes import services

    for module_number in range(size):
        module = course_services.add_module(course=course, title=f"Chương {module_number + 2}")
        for lesson_number in range(size):
            course_services.add_lesson(module=module, title=f"Bài {lesson_number}", body="<p>x</p>")
    course_services.enroll(user=learner, course=course)
    for number in range(size):
        quiz = make_quiz(course, bank, title=f"Bài kiểm tra {number}")
        attempt, _created = services.start_attempt(user=learner, quiz=quiz)
        services.submit_attempt(attempt=attempt)
    client = browser_for(learner)
    # Session, person, roles, unit; course, instructors, modules, lessons; enrolment, lessons done; quizzes, attempts.
    with django_assert_max_num_queries(12):
        assert client.get(f"/courses/{course.pk}/").status_code == 200


# Lessons ---------------------------------------------------------------------------


def test_an_enrolled_learner_reads_a_lesson_with_its_sanitised_body(course, learner):
    course_services.enroll(user=learner, course=course)
    lesson = lessons_of(course)[0]
    course_services.update_lesson(lesson=lesson, body='<p onclick="steal()">Một cửa</p><script>alert(1)</script>')
    page = browser_for(learner).get(f"/lessons/{lesson.pk}/").content.decode()
    assert "<p>Một cửa</p>" in page
    assert "steal()" not in page and "alert(1)" not in page
    assert f'action="/lessons/{lesson.pk}/done"' in page


def test_a_learner_not_enrolled_gets_a_403_that_points_to_the_course(course, learner):
    page = browser_for(learner).get(f"/lessons/{lessons_of(course)[0].pk}/")
    assert page.status_code == 403
    assert f'href="/courses/{course.pk}/"' in page.content.decode()


def test_a_lesson_of_a_course_one_cannot_see_is_a_404(instructor, learner):
    draft = build_course(instructor, code="DRAFT", publish=False)
    assert browser_for(learner).get(f"/lessons/{lessons_of(draft)[0].pk}/").status_code == 404
    assert browser_for(learner).post(f"/lessons/{lessons_of(draft)[0].pk}/done").status_code == 404


def test_instructors_read_the_lessons_of_their_course_without_enrolling(course, instructor):
    page = browser_for(instructor).get(f"/lessons/{lessons_of(course)[0].pk}/")
    assert page.status_code == 200
    assert "/done" not in page.content.decode()


def test_a_youtube_lesson_is_embedded_and_any_other_host_is_a_link(course, learner):
    course_services.enroll(user=learner, course=course)
    module = course.modules.first()
    youtube = course_services.add_lesson(module=module, title="Video", kind="video",
                                         url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    other = course_services.add_lesson(module=module, title="Video khác", kind="video",
                                       url="https://video.example.vn/xem/42")
    client = browser_for(learner)
    embedded = client.get(f"/lessons/{youtube.pk}/").content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in embedded
    linked = client.get(f"/lessons/{other.pk}/").content.decode()
    assert "<iframe" not in linked and 'href="https://video.example.vn/xem/42"' in linked


def test_a_link_lesson_shows_its_link(course, learner):
    course_services.enroll(user=learner, course=course)
    lesson = course_services.add_lesson(module=course.modules.first(), title="Văn bản", kind="link",
                                        url="https://vbpl.vn/")
    assert 'href="https://vbpl.vn/"' in browser_for(learner).get(f"/lessons/{lesson.pk}/").content.decode()


def test_lessons_link_to_the_previous_and_next_lesson(course, learner):
    course_services.enroll(user=learner, course=course)
    first, second = lessons_of(course)
    client = browser_for(learner)
    first_page = client.get(f"/lessons/{first.pk}/").content.decode()
    assert f'rel="next" class="pager__next" href="/lessons/{second.pk}/"' in first_page
    assert 'rel="prev"' not in first_page
    assert f'rel="prev" href="/lessons/{first.pk}/"' in client.get(f"/lessons/{second.pk}/").content.decode()


def test_marking_a_lesson_done_records_it_and_opens_the_next_one(course, learner):
    course_services.enroll(user=learner, course=course)
    first, second = lessons_of(course)
    response = browser_for(learner).post(f"/lessons/{first.pk}/done")
    assert response["Location"] == f"/lessons/{second.pk}/"
    assert LessonProgress.objects.filter(enrollment__user=learner, lesson=first).exists()


def test_the_lesson_that_completes_the_course_says_so(course, learner):
    course.completion_rule = "lessons"
    course.save()
    course_services.enroll(user=learner, course=course)
    first, second = lessons_of(course)
    client = browser_for(learner)
    client.post(f"/lessons/{first.pk}/done")
    response = client.post(f"/lessons/{second.pk}/done", follow=True)
    assert Enrollment.objects.get(user=learner, course=course).is_completed
    assert "Chúc mừng! Bạn đã hoàn thành khóa học" in response.content.decode()


def test_marking_a_lesson_done_without_enrolling_is_refused(course, learner):
    assert browser_for(learner).post(f"/lessons/{lessons_of(course)[0].pk}/done").status_code == 403


# Home ------------------------------------------------------------------------------


def test_home_lists_my_courses_with_progress_and_due_date(course, learner):
    enrollment = course_services.enroll(user=learner, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(due_date=timezone.localdate() + timedelta(days=10))
    course_services.complete_lesson(user=learner, lesson=lessons_of(course)[0])
    page = browser_for(learner).get("/").content.decode()
    assert f'href="/courses/{course.pk}/"' in page
    assert 'value="50"' in page
    assert (timezone.localdate() + timedelta(days=10)).strftime("%d/%m/%Y") in page
    assert "Quá hạn" not in page


def test_home_flags_an_overdue_course(course, learner):
    enrollment = course_services.enroll(user=learner, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    assert 'badge--overdue">Quá hạn<' in browser_for(learner).get("/").content.decode()


def test_home_shows_training_hours_per_year(course, learner):
    course.completion_rule = "lessons"
    course.save()
    course_services.enroll(user=learner, course=course)
    for lesson in lessons_of(course):
        course_services.complete_lesson(user=learner, lesson=lesson)
    page = browser_for(learner).get("/").content.decode()
    assert f"Giờ học năm {timezone.localdate().year}" in page and "4 / 40 giờ" in page
    assert "Đã hoàn thành" in page


@pytest.mark.parametrize("count", [1, 12])
def test_home_is_a_fixed_number_of_queries_with_courses(count, instructor, learner, django_assert_max_num_queries):
    for number in range(count):
        course = build_course(instructor, code=f"H{number}", lessons=1, completion_rule="lessons")
        course_services.enroll(user=learner, course=course)
        if number % 2:
            course_services.complete_lesson(user=learner, lesson=lessons_of(course)[0])
    client = browser_for(learner)
    # See tests/frontend/test_home.py: the frame's five and the dashboard's seven at most.
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
