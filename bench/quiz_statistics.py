"""How long the item statistics of a big exam take to compute, as `GET /api/v1/quizzes/{id}/statistics/` does.

    .venv/bin/python bench/quiz_statistics.py [--learners 2000] [--questions 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_quizzes .venv/bin/python bench/quiz_statistics.py

Makes a quiz of --questions questions of mixed types (as `exam_day.py` does),
--learners learners who each answer at random, submit and are scored by the
scoring service, then times `compute_statistics` (one full recompute from the
stored responses) against the baseline of reading those responses once, and
prints how many responses it reads per second; then times the GET itself, with
stale figures (it recomputes them) and with figures up to date. The API computes
within the request up to `INLINE_STATISTICS_RESPONSES` responses.
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    from bench.harness import set_up_django

    with tempfile.TemporaryDirectory() as folder:
        database = set_up_django(Path(folder))
        try:
            measure(options)
        finally:
            database.close()


def measure(options) -> None:
    from django.db import connection
    from rest_framework.test import APIClient

    from accounts.models import User
    from quizzes.models import QuizStatistics, Response
    from quizzes.services import item_statistics

    quiz = scored_exam(options.learners, options.questions)
    if connection.vendor == "postgresql":
        connection.cursor().execute("ANALYZE")  # as autovacuum would have done after so many inserts
    responses = Response.objects.filter(attempt__quiz=quiz).count()
    print(f"{connection.vendor}: {options.learners} scored attempts x {options.questions} questions "
          f"= {responses:,} responses")
    read = best_of(options.repeat, lambda: list(Response.objects.filter(attempt__quiz=quiz).values_list(
        "attempt_id", "attempt__score", "question_id", "points", "max_points", "answer").iterator()))
    computed = best_of(options.repeat, lambda: item_statistics.compute_statistics(quiz))
    api = APIClient()
    api.force_authenticate(User.objects.get(username="teacher"))

    def stale_read():
        QuizStatistics.objects.filter(quiz=quiz).update(computed_at=None)
        answer = api.get(f"/api/v1/quizzes/{quiz.pk}/statistics/").json()
        assert answer["attempts"] == options.learners and not answer["stale"]

    request = best_of(options.repeat, stale_read)
    fresh = best_of(options.repeat, lambda: api.get(f"/api/v1/quizzes/{quiz.pk}/statistics/"))
    print(f"   reading the responses once (baseline): {read * 1000:7.0f} ms")
    print(f"   compute_statistics:                    {computed * 1000:7.0f} ms  "
          f"({responses / computed:,.0f} responses/s, {computed / read:.1f}x the baseline)")
    print(f"   GET statistics/, stale (computes):     {request * 1000:7.0f} ms")
    print(f"   GET statistics/, up to date:           {fresh * 1000:7.0f} ms")
    print(f"   computed within the request up to {item_statistics.INLINE_STATISTICS_RESPONSES:,} responses")


def best_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def scored_exam(learners: int, questions: int):
    """A quiz whose `learners` attempts, answered at random, are all scored."""
    from accounts.models import User
    from bench.exam_day import exam_questions
    from courses import services as courses
    from courses.models import Enrollment, Lesson
    from quizzes import services
    from quizzes.models import Quiz
    from quizzes.services import grading
    from quizzes.snapshot import learner_view

    teacher = User.objects.create(username="teacher", full_name="Giảng Viên", is_superuser=True)
    course = courses.create_course(actor=teacher, code="EXAM", title="Thi cuối khoá", topic="procedures")
    Lesson.objects.create(module=courses.add_module(course=course, title="Chương 1"), title="Bài 1")
    courses.publish_course(actor=teacher, course=course)
    bank = services.create_bank(actor=teacher, name="Đề thi", course=course)
    services.add_questions(bank=bank, parsed=exam_questions(questions))
    quiz = Quiz.objects.create(title="Thi", course=course, bank=bank, counts_for_completion=False)
    people = User.objects.bulk_create([User(username=f"thi{n:05d}", full_name=f"Thí Sinh {n}")
                                       for n in range(learners)], batch_size=1000)
    Enrollment.objects.bulk_create([Enrollment(user=person, course=course) for person in people], batch_size=1000)
    rng = random.Random(7)
    for person in people:
        attempt, _created = services.start_attempt(user=person, quiz=quiz)
        shown = [learner_view(data) for data in attempt.questions]
        services.save_answers(attempt=attempt, answers={str(q["id"]): random_answer(q, rng) for q in shown})
        services.submit_attempt(attempt=attempt)
    while grading.score_submitted():
        pass
    return quiz


def random_answer(question: dict, rng: random.Random):
    choices = question.get("choices")
    kind = question["type"]
    if kind == "single":
        return rng.choice(choices)["id"]
    if kind == "multiple":
        return [choice["id"] for choice in choices if rng.random() < 0.5]
    if kind == "true_false":
        return rng.random() < 0.6
    if kind == "short_answer":
        return rng.choice(["CCHC", "cchc", "CC"])
    if kind == "numerical":
        return rng.choice([3, 4, 4])
    if kind == "matching":
        return {str(item["id"]): rng.choice(choices["options"])["id"] for item in choices["items"]}
    return "Bài làm."


if __name__ == "__main__":
    main()
