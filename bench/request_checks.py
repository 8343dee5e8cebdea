"""What the input checks cost an exam-day autosave: the project's parsers and middleware against DRF's and none.

    .venv/bin/python bench/request_checks.py [--rounds 2000]

A learner's autosave of a 30-question attempt (an essay of 2,000 characters
among the answers) goes through Django's test client in this process, in turns
with the checks on (the project's settings) and off (DRF's own parsers, without
the control-character middleware), so that both see the same machine. Prints
the median time of a request each way and their ratio.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import set_up_django  # noqa: E402

STOCK_PARSERS = ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser",
                 "rest_framework.parsers.MultiPartParser"]
CHECKS_MIDDLEWARE = "accounts.input_checks.RefuseControlCharactersMiddleware"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-checks-") as folder:
        database = set_up_django(Path(folder))
        try:
            run(options.rounds)
        finally:
            database.close()


def run(rounds: int) -> None:
    from django.conf import settings
    from django.test import override_settings
    from django.urls import resolve
    from django.utils.module_loading import import_string
    from rest_framework.test import APIClient

    quiz, learner = make_quiz()
    client = APIClient()
    client.force_authenticate(learner)
    started = client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
    answers = {str(question["id"]): answer_for(question) for question in started["questions"]}
    url = f"/api/v1/attempts/{started['id']}/answers/"
    # A view's parsers are fixed when its class is made: swap them on the class itself.
    view = resolve(url).func.cls
    parsers = {"checked": view.parser_classes, "stock": [import_string(name) for name in STOCK_PARSERS]}
    middleware = {"checked": settings.MIDDLEWARE,
                  "stock": [name for name in settings.MIDDLEWARE if name != CHECKS_MIDDLEWARE]}
    times = {"checked": [], "stock": []}
    for round_number in range(rounds):
        for label in ("checked", "stock") if round_number % 2 else ("stock", "checked"):
            view.parser_classes = parsers[label]
            with override_settings(MIDDLEWARE=middleware[label]):
                started = time.perf_counter()
                response = client.patch(url, {"answers": answers}, format="json")
                times[label].append(time.perf_counter() - started)
            assert response.status_code == 200, response.content
    view.parser_classes = parsers["checked"]
    checked, plain = (statistics.median(times[label]) * 1000 for label in ("checked", "stock"))
    print(f"autosave of {len(answers)} answers, {rounds} requests each way, in turns")
    print(f"DRF's parsers, no middleware (baseline)  {plain:7.3f} ms")
    print(f"the project's checks                     {checked:7.3f} ms")
    print(f"ratio: {checked / plain:5.3f}")


def make_quiz():
    from accounts.models import User
    from bench.exam_day import exam_questions
    from courses import services as courses
    from courses.models import Lesson
    from quizzes import services
    from quizzes.formats import ParsedQuestion
    from quizzes.models import Quiz

    teacher = User.objects.create(username="teacher", full_name="Giảng Viên", is_superuser=True)
    course = courses.create_course(actor=teacher, code="EXAM", title="Thi cuối khoá", topic="procedures")
    Lesson.objects.create(module=courses.add_module(course=course, title="Chương 1"), title="Bài 1")
    courses.publish_course(actor=teacher, course=course)
    bank = services.create_bank(actor=teacher, name="Đề thi", course=course)
    services.add_questions(bank=bank, parsed=[*exam_questions(29), ParsedQuestion("essay", "Trình bày.")])
    quiz = Quiz.objects.create(title="Thi", course=course, bank=bank, counts_for_completion=False)
    learner = User.objects.create(username="thisinh", full_name="Thí Sinh")
    courses.enroll(user=learner, course=course)
    return quiz, learner


def answer_for(question: dict):
    kind, choices = question["type"], question.get("choices")
    if kind == "essay":
        return ("Cải cách hành chính là khâu đột phá, đẩy mạnh ứng dụng công nghệ thông tin.\n" * 25)[:2000]
    if kind == "single":
        return choices[0]["id"]
    if kind == "multiple":
        return [choice["id"] for choice in choices[:2]]
    if kind == "true_false":
        return True
    if kind == "numerical":
        return 4
    if kind == "matching":
        return {str(item["id"]): choices["options"][0]["id"] for item in choices["items"]}
    return "một cửa"


if __name__ == "__main__":
    main()
