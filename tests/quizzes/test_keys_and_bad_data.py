"""What ids tell a learner, and scoring that holds up when a question is broken or gone."""

from decimal import Decimal

from django.db import connection

from courses.models import Enrollment
from quizzes import scoring, services
from quizzes.models import Attempt, Choice, Question, Response
from quizzes.snapshot import learner_view
from tests.conftest import client_for
from tests.quizzes.conftest import make_quiz
from tests.quizzes.test_attempts import right_answers
from tests.quizzes.test_review_and_grading import finished_attempt


def started_questions(quiz, learner) -> dict:
    body = client_for(learner).post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
    return {question["type"]: question for question in body["questions"]}


def test_answers_are_shown_under_their_random_public_ids_not_database_ids(quiz, enrolled):
    single = started_questions(quiz, enrolled)["single"]
    stored = {choice.text: choice for choice in Choice.objects.filter(question_id=single["id"])}
    shown = {choice["text"]: choice["id"] for choice in single["choices"]}
    assert shown == {text: choice.public_id for text, choice in stored.items()}
    assert not set(shown.values()) & {choice.pk for choice in stored.values()}


def test_matching_options_are_not_numbered_after_the_items_they_match(quiz, enrolled, outsider, course):
    from courses import services as course_services

    course_services.enroll(user=outsider, course=course)
    mine, theirs = started_questions(quiz, enrolled)["matching"], started_questions(quiz, outsider)["matching"]
    items = {item["id"] for item in mine["choices"]["items"]}
    options = {option["id"] for option in mine["choices"]["options"]}
    assert len(options) == 3 and not items & options
    assert options != {option["id"] for option in theirs["choices"]["options"]}, "numbered afresh in each attempt"


def test_attempts_started_before_options_had_numbers_of_their_own_still_score():
    legacy = {"id": 1, "type": "matching", "points": "1", "options": {}, "choices": [
        {"id": 11, "text": "Mức 3", "match_text": "Một phần", "fraction": "0", "feedback": ""},
        {"id": 12, "text": "Mức 4", "match_text": "Toàn trình", "fraction": "0", "feedback": ""},
    ]}
    assert scoring.score(legacy, {"11": 11, "12": 12}).fraction == 1
    assert scoring.score(legacy, {"11": 12, "12": 11}).fraction == 0


def submitted(quiz, learner) -> Attempt:
    attempt, _created = services.start_attempt(user=learner, quiz=quiz)
    shown = {"questions": [learner_view(data) for data in attempt.questions]}
    services.save_answers(attempt=attempt, answers={str(key): value for key, value in right_answers(shown).items()})
    services.submit_attempt(attempt=attempt)
    return attempt


def test_a_question_the_scorer_cannot_read_waits_for_grading_and_holds_no_one_back(
    quiz, enrolled, outsider, course
):
    from courses import services as course_services

    course_services.enroll(user=outsider, course=course)
    broken, sound = submitted(quiz, enrolled), submitted(quiz, outsider)
    questions = Attempt.objects.get(pk=broken.pk).questions
    position = next(n for n, data in enumerate(questions) if data["type"] == "short_answer")
    questions[position]["options"] = "abc"  # what a bad import once let through
    Attempt.objects.filter(pk=broken.pk).update(questions=questions)

    assert services.score_submitted() == {broken.pk, sound.pk}

    broken, sound = Attempt.objects.get(pk=broken.pk), Attempt.objects.get(pk=sound.pk)
    assert sound.status == "scored" and sound.percent == Decimal("100.00")
    assert broken.status == "needs_grading"
    waiting = Response.objects.get(attempt=broken, position=position)
    assert waiting.points is None and waiting.max_points == Decimal("1.00")
    assert Response.objects.filter(attempt=broken, points__isnull=False).count() == len(questions) - 1


def test_a_question_deleted_before_scoring_is_scored_from_the_attempts_copy(quiz, bank, enrolled):
    attempt = submitted(quiz, enrolled)
    gone = Question.objects.get(bank=bank, type="single")
    gone.delete()

    assert services.score_submitted() == {attempt.pk}
    connection.check_constraints()  # the responses' links are checked now, not when the test rolls back

    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.status == "scored" and attempt.percent == Decimal("100.00")
    assert Response.objects.filter(attempt=attempt, question__isnull=True).count() == 1

    stats = services.compute_statistics(quiz)
    assert gone.pk not in {row["question"] for row in stats.questions} and None not in stats.questions


def test_a_regrade_gives_attempts_in_progress_the_new_key(course, bank, enrolled, instructor,
                                                          django_capture_on_commit_callbacks):
    quiz = make_quiz(course, bank)
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    single = Question.objects.get(bank=bank, type="single")
    old_right = single.choices.get(text="Sở Nội vụ")
    services.save_answers(attempt=attempt, answers={str(single.pk): old_right.public_id})
    api = client_for(instructor)
    edited = api.put(f"/api/v1/questions/{single.pk}/", {"type": "single", "text": single.text, "answers": [
        {"id": choice.pk, "text": choice.text, "fraction": "1" if choice.text == "Sở Tài chính" else "0"}
        for choice in single.choices.all()
    ]}, format="json")
    assert edited.status_code == 200, edited.content

    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/quizzes/{quiz.pk}/regrade/").status_code == 202
    services.submit_attempt(attempt=attempt)
    services.score_submitted()

    response = Response.objects.get(attempt=attempt, question=single)
    assert response.points == Decimal("0.00"), "scored with the key as fixed, not as it was at the start"


def test_statistics_count_choices_under_the_ids_instructors_know(quiz, enrolled):
    finished_attempt(quiz, enrolled, right=True)
    stats = services.compute_statistics(quiz)
    single = Question.objects.get(bank=quiz.bank, type="single")
    row = next(row for row in stats.questions if row["question"] == single.pk)
    assert row["choices"] == {str(single.choices.get(text="Sở Nội vụ").pk): 1}


def test_a_practice_quiz_does_not_complete_the_course(course, bank, enrolled):
    course.completion_rule = "quiz"
    course.save()
    practice = make_quiz(course, bank, title="Luyện tập", counts_for_completion=False)
    finished_attempt(practice, enrolled, right=True)
    assert Enrollment.objects.get(user=enrolled, course=course).status == "enrolled"


def test_the_course_is_completed_once_every_quiz_that_counts_is_passed(course, bank, enrolled):
    course.completion_rule = "quiz"
    course.save()
    midterm, final = make_quiz(course, bank, title="Giữa khoá"), make_quiz(course, bank, title="Cuối khoá")
    finished_attempt(final, enrolled, right=True)
    enrollment = Enrollment.objects.get(user=enrolled, course=course)
    assert enrollment.status == "enrolled" and enrollment.quiz_passed_at is None
    finished_attempt(midterm, enrolled, right=True)
    assert Enrollment.objects.get(user=enrolled, course=course).status == "completed"


def test_statistics_with_the_broker_down_are_the_last_ones_marked_stale(quiz, enrolled, instructor, monkeypatch):
    from kombu.exceptions import OperationalError

    from quizzes import tasks
    from quizzes.services import item_statistics

    finished_attempt(quiz, enrolled)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(item_statistics, "INLINE_STATISTICS_RESPONSES", 0)  # too big to count within the request
    monkeypatch.setattr(tasks.statistics_job, "delay", broker_down)
    answer = client_for(instructor).get(f"/api/v1/quizzes/{quiz.pk}/statistics/")
    assert answer.status_code == 200 and answer.json()["stale"] is True and answer.json()["attempts"] == 0


def regrade(api, quiz, capture) -> None:
    with capture(execute=True):
        assert api.post(f"/api/v1/quizzes/{quiz.pk}/regrade/").status_code == 202


def test_a_matching_option_whose_text_is_corrected_keeps_its_right_answers(
    quiz, enrolled, instructor, django_capture_on_commit_callbacks
):
    attempt = finished_attempt(quiz, enrolled, right=True)
    matching = Question.objects.get(bank=quiz.bank, type="matching")
    api = client_for(instructor)
    edited = api.put(f"/api/v1/questions/{matching.pk}/", {"type": "matching", "text": matching.text, "answers": [
        {"id": choice.pk, "text": choice.text,
         "match_text": "Toàn trình (mức 4)" if choice.match_text == "Toàn trình" else choice.match_text}
        for choice in matching.choices.all()
    ]}, format="json")
    assert edited.status_code == 200, edited.content

    regrade(api, quiz, django_capture_on_commit_callbacks)

    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.percent == Decimal("100.00")
    shown = next(data for data in attempt.questions if data["type"] == "matching")["match_options"]
    assert "Toàn trình (mức 4)" in {option["text"] for option in shown}
    for viewer in (enrolled, instructor):
        assert client_for(viewer).get(f"/api/v1/attempts/{attempt.pk}/").status_code == 200


def test_a_regrade_reaches_attempts_started_before_public_ids(
    quiz, enrolled, instructor, django_capture_on_commit_callbacks
):
    attempt = finished_attempt(quiz, enrolled, right=True)
    single = Question.objects.get(bank=quiz.bank, type="single")
    stored = Attempt.objects.get(pk=attempt.pk)
    by_public_id = {choice.public_id: choice.pk for choice in single.choices.all()}
    for data in stored.questions:  # as such an attempt was stored: database ids, no `pk`
        if data["id"] == single.pk:
            data["choices"] = [{**choice, "id": by_public_id[choice["id"]]}
                               for choice in data["choices"]]
            data["order"] = [by_public_id[pk] for pk in data["order"]]
            stored.answers[str(single.pk)] = by_public_id[stored.answers[str(single.pk)]]
    Attempt.objects.filter(pk=stored.pk).update(questions=stored.questions, answers=stored.answers)
    Response.objects.filter(attempt=stored, question=single).update(answer=stored.answers[str(single.pk)])
    api = client_for(instructor)
    assert api.put(f"/api/v1/questions/{single.pk}/", {"type": "single", "text": single.text, "answers": [
        {"id": choice.pk, "text": choice.text, "fraction": "1" if choice.text == "Sở Tài chính" else "0"}
        for choice in single.choices.all()
    ]}, format="json").status_code == 200

    regrade(api, quiz, django_capture_on_commit_callbacks)

    assert Response.objects.get(attempt=stored, question=single).points == Decimal("0.00")
