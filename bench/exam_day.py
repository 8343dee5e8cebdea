"""Exam day on this machine: gunicorn, PostgreSQL, Redis and one Celery worker under a load of learners.

    .venv/bin/python bench/exam_day.py [--learners 2000] [--ramp 60] [--questions 30] [--workers 5]

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL; by default the ones on
127.0.0.1). It makes a throwaway database beside DATABASE_URL's, starts gunicorn
and one worker on it, drives them from this process over loopback, prints the
figures, and drops the database. Phases:

1. ramp: the learners arrive evenly over --ramp seconds; each starts the quiz,
   autosaves twice and submits (with a short pause between steps); then the
   time until every attempt is scored;
2. burst: the same learners all start a new attempt at the same instant and
   run the same steps with no pause;
3. sustained submits: open-loop submit rates rising step by step, to the last
   rate whose p95 stays under 300 ms;
4. in-process: the worker's scoring cost per attempt (in batches, as a worker
   scores when many wait, and one at a time), and the SQL queries of
   start, autosave and submit for 10 and 30 questions.
Latency baseline, measured in the same run on the idle server: GET /api/v1/me/.
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = 8731
BASE = f"http://127.0.0.1:{PORT}"
IDLE = {}  # the baseline latency, measured first
RATES = [25, 50, 100, 150, 200, 300, 400, 500, 600, 800]  # submits per second, step by step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--ramp", type=float, default=60)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes (2 x cores + 1)")
    parser.add_argument("--skip-ramp", action="store_true")
    parser.add_argument("--skip-burst", action="store_true")
    parser.add_argument("--skip-sustained", action="store_true")
    options = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    database = f"bench_exam_{uuid.uuid4().hex[:8]}"
    bench_url = urlunsplit(urlsplit(server_url)._replace(path="/" + database))
    admin_database(server_url, f'CREATE DATABASE "{database}"')
    env = bench_environment(bench_url)
    processes = []
    try:
        run_manage(env, "migrate", "--verbosity", "0")
        os.environ.update(env)
        import django

        django.setup()
        tokens, quizzes = make_exam(options.learners, options.questions)
        processes = start_servers(env, options.workers)
        asyncio.run(drive(options, tokens, quizzes))
        stop(processes)  # the in-process figures must not share the database with a running worker
        in_process_figures(options.questions)
    finally:
        stop(processes)
        from django.db import connections

        connections.close_all()
        admin_database(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# Set-up ----------------------------------------------------------------------


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def admin_database(url: str, statement: str) -> None:
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(statement)


def bench_environment(database_url: str) -> dict:
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_URL": os.environ.get("CACHE_URL", redis_url),
        "CELERY_TASK_DEFAULT_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
        "API_USER_RATE": "1000000/hour",
        "LOG_LEVEL": "WARNING",
        "QUIZ_SWEEP_SECONDS": "20",
    }


def run_manage(env: dict, *arguments: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *arguments], env=env, check=True)


def make_exam(learners: int, questions: int):
    """Learners with tokens, a course, a bank of `questions` questions of mixed types, and quizzes."""
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from courses import services as courses
    from courses.models import Enrollment, Lesson
    from quizzes import services as quizzes
    from quizzes.models import Quiz

    teacher = User.objects.create(username="teacher", full_name="Giảng Viên", is_superuser=True)
    course = courses.create_course(actor=teacher, code="EXAM", title="Thi cuối khoá", topic="procedures")
    Lesson.objects.create(module=courses.add_module(course=course, title="Chương 1"), title="Bài 1")
    courses.publish_course(actor=teacher, course=course)
    bank = quizzes.create_bank(actor=teacher, name="Đề thi", course=course)
    quizzes.add_questions(bank=bank, parsed=exam_questions(questions))
    password = make_password(None)
    people = User.objects.bulk_create(
        [User(username=f"thi{n:05d}", full_name=f"Thí Sinh {n}", password=password) for n in range(learners)],
        batch_size=1000,
    )
    Enrollment.objects.bulk_create([Enrollment(user=person, course=course) for person in people], batch_size=1000)
    tokens = Token.objects.bulk_create([Token(user=person, key=Token.generate_key()) for person in people])
    made = {name: Quiz.objects.create(title=name, course=course, bank=bank, time_limit_minutes=45)
            for name in ("ramp", "burst", *(f"rate{rate}" for rate in RATES))}
    return [token.key for token in tokens], made


def exam_questions(count: int):
    from quizzes.formats import ParsedAnswer as A
    from quizzes.formats import ParsedQuestion as Q

    makers = [
        lambda n: Q("single", f"Câu {n}: cơ quan nào?", answers=[A("Sở Nội vụ", 1), A("Sở Tài chính", 0),
                                                               A("Sở Y tế", 0), A("Sở Tư pháp", 0)]),
        lambda n: Q("multiple", f"Câu {n}: chọn các ý đúng", answers=[A("Ý 1", "0.5"), A("Ý 2", "0.5"),
                                                                      A("Ý 3", -1), A("Ý 4", 0)]),
        lambda n: Q("true_false", f"Câu {n}: đúng hay sai?", answers=[A("true", 1), A("false", 0)]),
        lambda n: Q("short_answer", f"Câu {n}: viết tắt?", answers=[A("CCHC", 1)]),
        lambda n: Q("numerical", f"Câu {n}: bao nhiêu?", answers=[A(value=4, tolerance=0, fraction=1)]),
        lambda n: Q("matching", f"Câu {n}: ghép đôi", answers=[A("Mức 3", match_text="Một phần"),
                                                             A("Mức 4", match_text="Toàn trình")]),
    ]
    return [makers[n % len(makers)](n) for n in range(count)]


def start_servers(env: dict, workers: int) -> list[subprocess.Popen]:
    import urllib.request

    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / "bench-exam-day.log", "w")
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{PORT}",
         "--backlog", "4096", "--timeout", "60"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1", "--loglevel", "WARNING",
         "-Q", env["CELERY_TASK_DEFAULT_QUEUE"], "--beat", "--schedule", "/tmp/bench-exam-beat"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not come up; see /tmp/bench-exam-day.log") from None
            time.sleep(0.5)
    return [web, worker]


# The load ------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def add(self, operation: str, seconds: float) -> None:
        self.times.setdefault(operation, []).append(seconds)

    def all_times(self) -> list[float]:
        return [value for values in self.times.values() for value in values]


async def call(session, recorder: Recorder, operation: str, method: str, path: str, token: str, body=None):
    started = time.perf_counter()
    try:
        async with session.request(method, BASE + path, json=body,
                                   headers={"Authorization": f"Token {token}"}) as response:
            payload = await response.json(content_type=None)
            if response.status >= 400:
                recorder.errors.append(f"{operation} {response.status} {str(payload)[:120]}")
                return None
            return payload
    except Exception as error:  # timeouts and refused connections are what this counts
        recorder.errors.append(f"{operation} {type(error).__name__}")
        return None
    finally:
        recorder.add(operation, time.perf_counter() - started)


def answers_for(questions: list[dict]) -> dict:
    answers = {}
    for question in questions:
        kind, choices = question["type"], question.get("choices")
        value = {
            "single": lambda: choices[0]["id"],
            "multiple": lambda: [choices[0]["id"], choices[1]["id"]],
            "true_false": lambda: True,
            "short_answer": lambda: "cchc",
            "numerical": lambda: 4,
            "matching": lambda: {str(item["id"]): choices["options"][0]["id"] for item in choices["items"]},
        }.get(kind, lambda: "")()
        answers[str(question["id"])] = value
    return answers


async def take_quiz(session, recorder, token: str, quiz_id: int, pause: float, submitted_at: list) -> None:
    started = await call(session, recorder, "start", "POST", f"/api/v1/quizzes/{quiz_id}/attempts/", token)
    if started is None:
        return
    answers = list(answers_for(started["questions"]).items())
    half = len(answers) // 2
    for part in (answers[:half], answers[half:]):
        await asyncio.sleep(random.uniform(0, 2 * pause))
        await call(session, recorder, "autosave", "PATCH", f"/api/v1/attempts/{started['id']}/answers/", token,
                   {"answers": dict(part)})
    await asyncio.sleep(random.uniform(0, 2 * pause))
    if await call(session, recorder, "submit", "POST", f"/api/v1/attempts/{started['id']}/submit/", token):
        submitted_at.append(time.monotonic())


def session_for(concurrency: int):
    import aiohttp

    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency, force_close=False),
        timeout=aiohttp.ClientTimeout(total=60),
    )


async def drive(options, tokens: list[str], quizzes: dict) -> None:
    print(f"Exam day: {len(tokens):,} learners, {options.questions} questions, gunicorn x{options.workers}, "
          f"one Celery worker, PostgreSQL, Redis; {os.cpu_count()} cores shared with this load generator\n")
    await baseline(tokens[0])
    if not options.skip_ramp:
        await ramp(options, tokens, quizzes["ramp"])
    if not options.skip_burst:
        await burst(tokens, quizzes["burst"])
    if not options.skip_sustained:
        await sustained(tokens, [quizzes[f"rate{rate}"] for rate in RATES])


async def baseline(token: str) -> None:
    recorder = Recorder()
    async with session_for(4) as session:
        for _ in range(50):
            await call(session, recorder, "me", "GET", "/api/v1/me/", token)
    median = statistics.median(recorder.times["me"])
    print(f"baseline, idle server: GET /api/v1/me/ median {median * 1000:.1f} ms; "
          f"CPU speed now: 3 million Python additions in {cpu_calibration() * 1000:.0f} ms "
          "(this shared VM has shown from 70 to over 300)\n")
    IDLE["me"] = median


def cpu_calibration() -> float:
    """Best of three runs of a fixed pure-Python loop: how fast this machine is during this run."""
    def loop():
        started, total = time.perf_counter(), 0
        for number in range(3_000_000):
            total += number
        return time.perf_counter() - started

    return min(loop() for _ in range(3))


async def ramp(options, tokens: list[str], quiz) -> None:
    from asgiref.sync import sync_to_async

    from quizzes.models import Attempt

    recorder, submitted_at = Recorder(), []
    started = time.monotonic()
    async with session_for(len(tokens)) as session:
        async def learner(index: int, token: str):
            await asyncio.sleep(index * options.ramp / len(tokens))
            await take_quiz(session, recorder, token, quiz.pk, 0.5, submitted_at)

        await asyncio.gather(*(learner(index, token) for index, token in enumerate(tokens)))
    elapsed = time.monotonic() - started
    print(f"1. ramp: {len(tokens):,} learners over {options.ramp:.0f} s, each start + 2 autosaves + submit "
          f"({elapsed:.0f} s in all)")
    report(recorder)
    last_submit = max(submitted_at, default=time.monotonic())
    scored_after = await wait_scored(quiz, len(submitted_at), last_submit)
    scored = await sync_to_async(lambda: Attempt.objects.filter(quiz=quiz, status="scored").count())()
    lost = len(submitted_at) - scored
    print(f"   every attempt scored {scored_after:.1f} s after the last submit (aim: within 30 s); "
          f"submitted {len(submitted_at):,}, not scored {lost}\n")


async def wait_scored(quiz, count: int, since: float) -> float:
    from asgiref.sync import sync_to_async

    from quizzes.models import Attempt

    scored = sync_to_async(lambda: Attempt.objects.filter(quiz=quiz, status="scored").count())
    while await scored() < count:
        if time.monotonic() - since > 300:
            break
        await asyncio.sleep(0.25)
    return time.monotonic() - since


async def burst(tokens: list[str], quiz) -> None:
    recorder, submitted_at = Recorder(), []
    started = time.monotonic()
    async with session_for(len(tokens)) as session:
        await asyncio.gather(*(take_quiz(session, recorder, token, quiz.pk, 0, submitted_at) for token in tokens))
    elapsed = time.monotonic() - started
    print(f"2. burst: {len(tokens):,} learners released at the same instant, no pauses "
          f"({elapsed:.1f} s in all, {len(recorder.all_times()) / elapsed:.0f} requests/s)")
    report(recorder)
    slowest = max(recorder.all_times())
    print(f"   slowest request {slowest:.2f} s (aim: every request within 10 s); "
          f"CPU calibration after it: {cpu_calibration() * 1000:.0f} ms")
    scored_after = await wait_scored(quiz, len(submitted_at), max(submitted_at, default=time.monotonic()))
    print(f"   every attempt scored {scored_after:.1f} s after the last submit\n")


async def sustained(tokens: list[str], quizzes: list) -> None:
    """Open-loop submits at rising rates, each for a few seconds, on attempts opened beforehand."""
    from asgiref.sync import sync_to_async

    seconds, best = 6, None
    print(f"3. sustained submits: open-loop rates {RATES} per second, {seconds} s each "
          f"(or {len(tokens):,} submits, when that is fewer)")
    async with session_for(2000) as session:
        for rate, quiz in zip(RATES, quizzes, strict=True):
            count = min(rate * seconds, len(tokens))
            attempts = await sync_to_async(open_attempts)(quiz, count)
            recorder = Recorder()
            begin = time.monotonic()

            async def one(index: int, token: str, attempt_id: int):
                await asyncio.sleep(begin + index / rate - time.monotonic())
                await call(session, recorder, "submit", "POST", f"/api/v1/attempts/{attempt_id}/submit/", token)

            await asyncio.gather(*(one(i, tokens[i], attempts[i]) for i in range(count)))
            p95 = percentile(recorder.times["submit"], 95)
            ok = p95 < 0.3 and not recorder.errors
            print(f"   {rate:4d}/s: p50 {percentile(recorder.times['submit'], 50) * 1000:6.0f} ms, "
                  f"p95 {p95 * 1000:6.0f} ms, errors {len(recorder.errors)}{'' if ok else '  <- over'}")
            if not ok:
                break
            best = rate
    print(f"   highest sustained submit rate with p95 under 300 ms: {best or 0}/s\n")


def open_attempts(quiz, count: int) -> list[int]:
    """In-progress attempts for the first `count` learners, made in bulk like a start would."""
    from accounts.models import User
    from quizzes import services
    from quizzes.models import Attempt

    people = list(User.objects.filter(username__startswith="thi").order_by("username")[:count])
    template, _created = services.start_attempt(user=people[0], quiz=quiz)
    others = Attempt.objects.bulk_create(
        [Attempt(quiz=quiz, user=person, questions=template.questions) for person in people[1:]], batch_size=500
    )
    return [template.pk, *(attempt.pk for attempt in others)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share / 100))] if ordered else float("nan")


def report(recorder: Recorder) -> None:
    for operation, values in recorder.times.items():
        p50, p95, p99 = (percentile(values, share) for share in (50, 95, 99))
        print(f"   {operation:<9} n={len(values):5d}  p50 {p50 * 1000:6.0f} ms  p95 {p95 * 1000:6.0f} ms  "
              f"p99 {p99 * 1000:6.0f} ms  ({p95 / IDLE['me']:5.1f}x the idle baseline at p95)")
    kinds = {}
    for error in recorder.errors:
        kinds[error] = kinds.get(error, 0) + 1
    print(f"   errors: {len(recorder.errors)} {dict(list(kinds.items())[:5]) if kinds else ''}")


# In-process figures -----------------------------------------------------------


def in_process_figures(questions: int) -> None:
    import warnings

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quizzes import scoring
    from quizzes.models import Attempt
    from quizzes.services import grading as service

    print("4. in-process")
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: the bench collects no static files
    while service.score_submitted():  # what the stopped worker left, so that only these are measured
        pass
    ids = submitted_for_scoring(questions, 1000)
    sample = Attempt.objects.get(pk=ids[0])
    pure = time_per(lambda: [scoring.score(data, sample.answers.get(str(data["id"]))) for data in sample.questions],
                    300)
    started = time.perf_counter()
    for pk in ids[:100]:  # one at a time, as when submits trickle in
        assert service.score_submitted(first=pk, limit=1) == {pk}
    alone = (time.perf_counter() - started) / 100
    started, scored = time.perf_counter(), 0
    while batch := service.score_submitted():  # what a worker does when many wait
        scored += len(batch)
    batched = (time.perf_counter() - started) / scored
    assert scored == len(ids) - 100
    print(f"   worker scoring cost per {questions}-question attempt: {batched * 1000:.2f} ms in batches of "
          f"{settings.QUIZ_SCORING_BATCH} (aim: under 5 ms), {alone * 1000:.2f} ms one at a time; "
          f"of which pure scoring {pure * 1000:.2f} ms")
    for count in (10, 30):
        quiz, token = query_fixture(count)
        from rest_framework.test import APIClient

        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        figures = []
        with CaptureQueriesContext(connection) as start:
            attempt = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
        with CaptureQueriesContext(connection) as autosave:
            api.patch(f"/api/v1/attempts/{attempt['id']}/answers/", {"answers": answers_for(attempt["questions"])},
                      format="json")
        with CaptureQueriesContext(connection) as submit:
            api.post(f"/api/v1/attempts/{attempt['id']}/submit/")
        figures = [len(start), len(autosave), len(submit)]
        print(f"   SQL queries with {count} questions: start {figures[0]}, autosave {figures[1]}, "
              f"submit {figures[2]}")


def time_per(action, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - started) / repeat


def submitted_for_scoring(questions: int, count: int) -> list[int]:
    from django.utils import timezone

    from quizzes.models import Attempt, Quiz

    from accounts.models import User

    quiz = Quiz.objects.get(title="ramp")
    template = Attempt.objects.filter(quiz__course=quiz.course, status="scored").first() or taken_attempt(quiz)
    scoring_quiz = Quiz.objects.create(title="scoring", course=quiz.course, bank=quiz.bank)
    people = list(User.objects.filter(username__startswith="thi").order_by("username")[:count])
    made = Attempt.objects.bulk_create([
        Attempt(quiz=scoring_quiz, user=person, status="submitted", submitted_at=timezone.now(),
                questions=template.questions, answers=template.answers)
        for person in people
    ])
    return [attempt.pk for attempt in made]


def taken_attempt(quiz):
    """One attempt started, answered, submitted and scored in-process, for when the load phases were skipped."""
    from accounts.models import User
    from quizzes import services
    from quizzes.serializers import StartedAttemptSerializer

    attempt, _created = services.start_attempt(user=User.objects.get(username="thi00000"), quiz=quiz)
    shown = StartedAttemptSerializer(attempt).data["questions"]
    services.save_answers(attempt=attempt, answers=answers_for(shown))
    services.submit_attempt(attempt=attempt)
    services.score_submitted(first=attempt.pk, limit=1)
    attempt.refresh_from_db()
    return attempt


def query_fixture(count: int):
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from courses.models import Enrollment
    from quizzes import services
    from quizzes.models import Quiz

    teacher = User.objects.get(username="teacher")
    quiz = Quiz.objects.get(title="ramp")
    bank = services.create_bank(actor=teacher, name=f"q{count}", course=quiz.course)
    services.add_questions(bank=bank, parsed=exam_questions(count))
    person = User.objects.create(username=f"queries{count}", full_name="Đo Truy Vấn")
    Enrollment.objects.create(user=person, course=quiz.course)
    token = Token.objects.create(user=person)
    return Quiz.objects.create(title=f"queries{count}", course=quiz.course, bank=bank), token.key


if __name__ == "__main__":
    main()
