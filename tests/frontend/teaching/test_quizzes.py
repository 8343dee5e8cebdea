"""The quiz pages of the teaching workspace: /teach/quizzes/new/, /teach/quizzes/{id}/ (settings), its statistics
with charts and flags, the regrade, and the list of attempts."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from accounts.models import AuditEntry, Job
from courses import services as course_services
from frontend.teaching.quizzes import flags
from frontend.teaching.quizzes.flags import ChoiceFigure
from quizzes import services
from quizzes.models import Quiz
from quizzes.snapshot import learner_view
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import make_quiz
from tests.quizzes.test_attempts import right_answers

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def other_instructor(province):
    return UserFactory(username="giangvien2", full_name="Lý Thị Dạy", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def theirs(other_instructor):
    """Another instructor's course, bank and quiz."""
    course = build_course(other_instructor, code="KHAC-01", lessons=1)
    bank = services.create_bank(actor=other_instructor, name="Ngân hàng khác", course=course)
    return make_quiz(course, bank, title="Bài của người khác")


@pytest.fixture
def teacher(instructor):
    return browser_for(instructor)


def quiz_form(course, quiz_bank, **fields) -> dict:
    data = {"title": "Kiểm tra chương 1", "course": course.pk, "bank": quiz_bank.pk, "category": "", "question_count": "",
            "time_limit_minutes": "20", "max_attempts": "2", "grading_method": "highest", "pass_percent": "60",
            "shuffle_questions": "on", "review": "after_submit", "counts_for_completion": "on",
            "opens_at": "", "closes_at": ""}
    data.update(fields)
    return data


def summary_links(response) -> list[str]:
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'href="([^"]+)"', summary.group(0))


def take(quiz, person, *, single: str = "Sở Nội vụ", rest_right: bool = True):
    """`person` takes the quiz through the services, choosing `single` for the single-choice question."""
    course_services.enroll(user=person, course=quiz.course)
    attempt, _created = services.start_attempt(user=person, quiz=quiz)
    shown = [learner_view(question) for question in attempt.questions]
    answers = right_answers({"questions": shown}) if rest_right else {}
    question = next(question for question in shown if question["type"] == "single")
    answers[question["id"]] = next(choice["id"] for choice in question["choices"] if choice["text"] == single)
    services.save_answers(attempt=attempt, answers={str(key): value for key, value in answers.items()})
    services.submit_attempt(attempt=attempt)
    services.score_attempt(attempt.pk)
    return attempt


def learners(count: int, start: int = 0):
    return [UserFactory(username=f"hv{start + number}", roles=["learner"], org_unit=unit("BABE-TG"))
            for number in range(count)]


# Creating a quiz

def test_the_new_quiz_form_names_its_fields_as_the_api_and_labels_each(teacher, bank):
    html = teacher.get("/teach/quizzes/new/").content.decode()

    for name in ("title", "course", "bank", "category", "question_count", "time_limit_minutes", "max_attempts",
                 "grading_method", "pass_percent", "shuffle_questions", "shuffle_choices", "review",
                 "counts_for_completion", "opens_at", "closes_at"):
        assert f'name="{name}"' in html, name
        assert f'<label for="id_{name}"' in html, name
    assert 'type="datetime-local"' in html and "<script>" not in html and "style=" not in html
    assert "Tạo bài kiểm tra" in html


def test_an_instructor_creates_a_quiz_from_a_bank_of_their_course(teacher, course, bank, instructor):
    response = teacher.post("/teach/quizzes/new/", quiz_form(course, bank, opens_at="2026-03-02T07:30"))

    quiz = Quiz.objects.get(title="Kiểm tra chương 1")
    assert response.status_code == 302 and response["Location"] == f"/teach/quizzes/{quiz.pk}/"
    assert quiz.course == course and quiz.bank == bank and quiz.time_limit_minutes == 20
    assert quiz.opens_at == datetime(2026, 3, 2, 7, 30, tzinfo=HANOI), "read in Vietnam time"
    assert quiz.shuffle_choices is False and quiz.counts_for_completion is True
    assert AuditEntry.objects.filter(action="quiz.created", target_id=str(quiz.pk), actor=instructor).exists()
    page = teacher.get(response["Location"]).content.decode()
    assert "Kiểm tra chương 1" in page and 'value="2026-03-02T07:30"' in page


def test_a_quiz_that_closes_before_it_opens_is_a_400_linking_to_closes_at(teacher, course, bank):
    response = teacher.post("/teach/quizzes/new/", quiz_form(
        course, bank, opens_at="2026-03-02T07:30", closes_at="2026-03-01T07:30"))

    assert response.status_code == 400
    assert summary_links(response) == ["#id_closes_at"]
    html = response.content.decode()
    assert 'id="id_closes_at_error"' in html and 'aria-invalid="true"' in html
    assert not Quiz.objects.exists()


def test_a_bank_of_another_of_my_courses_is_a_400_naming_the_bank(teacher, instructor, course, bank):
    second = build_course(instructor, code="QZ-02", lessons=1)
    response = teacher.post("/teach/quizzes/new/", quiz_form(second, bank))

    assert response.status_code == 400 and summary_links(response) == ["#id_bank"]
    assert not Quiz.objects.exists()


def test_another_instructors_course_and_bank_are_refused(teacher, course, bank, theirs):
    response = teacher.post("/teach/quizzes/new/", quiz_form(theirs.course, theirs.bank))

    assert response.status_code == 400
    assert set(summary_links(response)) == {"#id_course", "#id_bank"}
    assert "Ngân hàng khác" not in teacher.get("/teach/quizzes/new/").content.decode()
    assert Quiz.objects.count() == 1


@pytest.mark.parametrize("field,value", [
    ("title", ""), ("pass_percent", "100.5"), ("time_limit_minutes", str(10**12)),
    ("max_attempts", "0"), ("question_count", "abc"), ("grading_method", "best"), ("opens_at", "2026-13-45T99:00"),
    ("opens_at", "1800-01-01T07:00"), ("category", "999999"),
])
def test_bad_input_is_a_400_naming_the_field(teacher, course, bank, field, value):
    response = teacher.post("/teach/quizzes/new/", quiz_form(course, bank, **{field: value}))

    assert response.status_code == 400
    assert summary_links(response) == [f"#id_{field}"]
    assert not Quiz.objects.exists()


@pytest.mark.parametrize("field", ["title", "bank", "closes_at"])
def test_a_nul_byte_is_a_400_naming_the_field(teacher, course, bank, field):
    response = teacher.post("/teach/quizzes/new/", quiz_form(course, bank, **{field: "Bài\x00kiểm tra"}))

    assert response.status_code == 400 and field in response.content.decode()
    assert not Quiz.objects.exists()


def test_a_learner_gets_the_403_page(client, enrolled, quiz):
    client.force_login(enrolled)
    for address in ("/teach/quizzes/new/", f"/teach/quizzes/{quiz.pk}/", f"/teach/quizzes/{quiz.pk}/statistics/",
                    f"/teach/quizzes/{quiz.pk}/attempts/"):
        assert client.get(address).status_code == 403, address
    assert client.post(f"/teach/quizzes/{quiz.pk}/regrade/").status_code == 403
    assert not Job.objects.exists()


# Settings

def test_the_settings_page_saves_through_the_service_and_keeps_the_course(teacher, quiz, instructor):
    response = teacher.post(f"/teach/quizzes/{quiz.pk}/", quiz_form(
        quiz.course, quiz.bank, title="Kiểm tra cuối khoá (sửa)", pass_percent="75", review="never",
        closes_at="2026-06-30T17:00"))

    assert response.status_code == 302 and response["Location"] == f"/teach/quizzes/{quiz.pk}/"
    quiz.refresh_from_db()
    assert quiz.title == "Kiểm tra cuối khoá (sửa)" and quiz.pass_percent == 75 and quiz.review == "never"
    assert quiz.closes_at == datetime(2026, 6, 30, 17, 0, tzinfo=HANOI)
    assert AuditEntry.objects.filter(action="quiz.updated", target_id=str(quiz.pk)).exists()
    page = teacher.get(response["Location"]).content.decode()
    assert "Đã lưu" in page or "đã được lưu" in page


def test_the_settings_page_explains_each_setting(teacher, quiz):
    html = teacher.get(f"/teach/quizzes/{quiz.pk}/").content.decode()

    for name in ("title", "bank", "category", "question_count", "time_limit_minutes", "max_attempts",
                 "grading_method", "pass_percent", "shuffle_questions", "shuffle_choices", "review",
                 "counts_for_completion", "opens_at", "closes_at"):
        assert f'id="id_{name}_helptext"' in html, name
    assert 'name="course"' not in html, "a quiz stays in its course"


def test_a_bad_setting_is_a_400_and_changes_nothing(teacher, quiz):
    response = teacher.post(f"/teach/quizzes/{quiz.pk}/", quiz_form(quiz.course, quiz.bank, pass_percent="-1"))

    assert response.status_code == 400 and summary_links(response) == ["#id_pass_percent"]
    quiz.refresh_from_db()
    assert quiz.pass_percent == 50 and quiz.title == "Kiểm tra cuối khoá"


def test_another_instructors_quiz_is_a_404_for_every_page_and_action(teacher, theirs):
    for address in (f"/teach/quizzes/{theirs.pk}/", f"/teach/quizzes/{theirs.pk}/statistics/",
                    f"/teach/quizzes/{theirs.pk}/attempts/"):
        assert teacher.get(address).status_code == 404, address
    assert teacher.post(f"/teach/quizzes/{theirs.pk}/", quiz_form(theirs.course, theirs.bank,
                                                                  title="Bị sửa")).status_code == 404
    assert teacher.post(f"/teach/quizzes/{theirs.pk}/regrade/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Bài của người khác" and not Job.objects.exists()


# Statistics

def test_the_statistics_flag_a_wrong_answer_most_learners_chose(teacher, quiz):
    for person in learners(3):
        take(quiz, person, single="Sở Tài chính")
    take(quiz, learners(1, start=10)[0], single="Sở Nội vụ", rest_right=False)

    response = teacher.get(f"/teach/quizzes/{quiz.pk}/statistics/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Phần lớn học viên (3 trên 4) chọn phương án sai “Sở Tài chính”" in html
    assert html.count('<svg class="quiz-chart"') == 6, "one chart per question"
    assert html.count('<div class="visually-hidden"><table>') == 6, "each chart also as a table"
    assert 'aria-hidden="true"' in html and "<script>" not in html and "style=" not in html


def test_a_quiz_without_scored_attempts_says_so(teacher, quiz):
    response = teacher.get(f"/teach/quizzes/{quiz.pk}/statistics/")

    assert response.status_code == 200
    assert "quiz-chart" not in response.content.decode()


def test_a_regrade_starts_a_job_and_the_page_shows_its_progress(teacher, quiz, instructor,
                                                                 django_capture_on_commit_callbacks):
    take(quiz, learners(1)[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = teacher.post(f"/teach/quizzes/{quiz.pk}/regrade/")

    assert response.status_code == 302 and response["Location"] == f"/teach/quizzes/{quiz.pk}/statistics/"
    job = Job.objects.get(kind="quiz.regrade", owner=instructor)
    assert job.parameters == {"quiz": quiz.pk} and job.status == "done", "tasks run at once in tests"
    html = teacher.get(response["Location"]).content.decode()
    assert f'data-job-url="/api/v1/jobs/{job.pk}/"' in html and "job-progress.js" in html


def test_a_regrade_is_only_a_post(teacher, quiz):
    assert teacher.get(f"/teach/quizzes/{quiz.pk}/regrade/").status_code == 405


# Attempts

def test_the_attempts_list_shows_each_learners_score(teacher, quiz):
    take(quiz, learners(1)[0])

    html = teacher.get(f"/teach/quizzes/{quiz.pk}/attempts/").content.decode()

    assert "hv0" in html or "Nguyễn Văn Thử" in html
    assert "100,0" in html


# Fixed numbers of queries

# Session, user, roles, the quiz, then the page's own: the settings' banks, categories and count of attempts; the
# statistics' stored figures, the check that they are up to date (and, when not, the few statements that recompute
# them), the questions, their answers and the regrade job; the attempts' count and page.
@pytest.mark.parametrize("address,limit", [("", 10), ("statistics/", 20), ("attempts/", 9)])
def test_the_quiz_pages_run_a_fixed_number_of_queries(teacher, quiz, address, limit, django_assert_max_num_queries):
    for person in learners(2):
        take(quiz, person)
    with django_assert_max_num_queries(limit):
        assert teacher.get(f"/teach/quizzes/{quiz.pk}/{address}").status_code == 200
    for person in learners(12, start=100):
        take(quiz, person, single="Sở Y tế")
    with django_assert_max_num_queries(limit):
        assert teacher.get(f"/teach/quizzes/{quiz.pk}/{address}").status_code == 200


def test_the_new_quiz_page_runs_a_fixed_number_of_queries(teacher, instructor, bank, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        assert teacher.get("/teach/quizzes/new/").status_code == 200
    for number in range(8):
        course = build_course(instructor, code=f"THEM-{number}", lessons=1)
        more = services.create_bank(actor=instructor, name=f"Ngân hàng {number}", course=course)
        more.categories.create(name="Một cửa")
    with django_assert_max_num_queries(9):
        assert teacher.get("/teach/quizzes/new/").status_code == 200


# The flags, in plain words (no database)

def reasons(**figures) -> list[str]:
    """The flags' reasons in Vietnamese, whatever language an earlier test left active."""
    with translation.override("vi"):
        return [str(reason) for reason in flags.reasons(**figures)]


def test_a_negative_discrimination_is_flagged():
    found = reasons(attempts=20, facility=0.5, discrimination=-30, choices=[])
    assert len(found) == 1 and "kém hơn" in found[0]


def test_a_question_that_works_is_not_flagged():
    choices = [ChoiceFigure("Đúng", 12, 1.0), ChoiceFigure("Sai", 8, 0.0)]
    assert reasons(attempts=20, facility=0.6, discrimination=45, choices=choices) == []


def test_a_right_answer_nobody_picks_and_a_wrong_one_most_pick_are_flagged():
    choices = [ChoiceFigure("Sở Nội vụ", 0, 1.0), ChoiceFigure("Sở Tài chính", 15, 0.0),
               ChoiceFigure("Sở Y tế", 5, 0.0)]
    found = reasons(attempts=20, facility=0.0, discrimination=None, choices=choices)
    assert len(found) == 3
    assert any("Sở Nội vụ" in reason for reason in found) and any("Sở Tài chính" in reason for reason in found)
    assert not any("Sở Y tế" in reason for reason in found)


def test_facility_near_zero_or_one_is_flagged():
    assert len(reasons(attempts=30, facility=0.97, discrimination=None, choices=[])) == 1
    assert len(reasons(attempts=30, facility=0.02, discrimination=None, choices=[])) == 1
    assert reasons(attempts=0, facility=None, discrimination=None, choices=[]) == []
