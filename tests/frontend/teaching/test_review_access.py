"""Review of the teaching workspace: every page and action against another instructor (404), a learner or HR
(403/404), an administrator (allowed), and hostile input (never a 500)."""

import pytest

from quizzes import services as quiz_services
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.conftest import unit
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import every_type, make_quiz
from tests.training.conftest import make_event

pytestmark = pytest.mark.django_db


def world(person, code):
    course = build_course(person, code=code, lessons=2)
    bank = quiz_services.create_bank(actor=person, name="NH " + code, course=course)
    quiz_services.add_questions(bank=bank, parsed=every_type())
    quiz = make_quiz(course, bank)
    event = make_event(person, title="Lớp " + code)
    return {"course": course, "module": course.modules.first(), "lesson": course.modules.first().lessons.first(),
            "bank": bank, "question": bank.questions.first(), "quiz": quiz, "event": event,
            "session": event.sessions.first()}


URLS = [
    ("/teach/courses/{course}/", "course"), ("/teach/courses/{course}/publish", "course"),
    ("/teach/courses/{course}/archive", "course"), ("/teach/courses/{course}/copy/", "course"),
    ("/teach/courses/{course}/learners/", "course"), ("/teach/courses/{course}/modules", "course"),
    ("/teach/courses/{course}/modules/order", "course"), ("/teach/courses/{course}/lessons/new/", "course"),
    ("/teach/modules/{module}/", "module"), ("/teach/modules/{module}/delete", "module"),
    ("/teach/modules/{module}/move", "module"), ("/teach/modules/{module}/lessons/order", "module"),
    ("/teach/lessons/{lesson}/", "lesson"), ("/teach/lessons/{lesson}/delete", "lesson"),
    ("/teach/lessons/{lesson}/move", "lesson"),
    ("/teach/banks/{bank}/", "bank"), ("/teach/banks/{bank}/questions/new/?type=single", "bank"),
    ("/teach/banks/{bank}/import/", "bank"), ("/teach/banks/{bank}/export?format=gift", "bank"),
    ("/teach/questions/{question}/", "question"), ("/teach/questions/{question}/preview/", "question"),
    ("/teach/questions/{question}/delete/", "question"),
    ("/teach/quizzes/{quiz}/", "quiz"), ("/teach/quizzes/{quiz}/statistics/", "quiz"),
    ("/teach/quizzes/{quiz}/regrade/", "quiz"), ("/teach/quizzes/{quiz}/attempts/", "quiz"),
    ("/teach/events/{event}/", "event"), ("/teach/events/{event}/sessions/", "event"),
    ("/teach/events/{event}/roster/", "event"), ("/teach/events/{event}/roster/unit/", "event"),
    ("/teach/events/{event}/roster/import/", "event"), ("/teach/events/{event}/roster/{me}/remove/", "event"),
    ("/teach/events/{event}/certificates/", "event"),
    ("/teach/sessions/{session}/", "session"), ("/teach/sessions/{session}/delete/", "session"),
    ("/teach/sessions/{session}/attendance/", "session"), ("/sessions/{session}/screen/", "session"),
]

GARBAGE = [
    {},
    {"title": "x\x00y", "name": "\x00", "code": "\x00", "order": ["a", "\x00"], "direction": "\x00",
     "users": ["\x00", "-1", "99999999999999999999"], "org_unit": "abc", "course": "abc", "bank": "1e9",
     "category": "x", "module": "x", "starts_at": "\x00", "starts_on": "31/12/2026", "ends_on": "2026-13-45",
     "hours": "1e400", "question_count": "99999999999999999999", "pass_percent": "NaN", "kind": "\x00",
     "format": "\x00", "points": "Infinity", "answers-TOTAL_FORMS": "x", "status-1": "\x00",
     "opens_at": "99999-01-01T00:00", "closes_at": "0000-00-00T00:00", "attendance_percent": "1e99",
     "time_limit_minutes": "-5", "max_attempts": "99999999999999999999999", "estimated_minutes": "-1",
     "topic": "\x00", "completion_rule": "x", "certificate_template": "99999999999",
     "certificate_validity_months": "99999999999999", "text": "\x00", "file": "", "grading_method": "x"},
    {"order": ["99999999999999999999999999", "1"], "module": "99999999999999999999", "course": "99999999999999999999",
     "bank": "99999999999999999999", "category": "99999999999999999999", "org_unit": "99999999999999999999",
     "answers-TOTAL_FORMS": "1000000", "answers-INITIAL_FORMS": "-1", "answers-0-id": "99999999999999999999",
     "hours": "99999999999999999999", "starts_at": "2026-02-30T10:00", "ends_at": "1-01-01T00:00",
     "title": "t" * 300, "points": "1" * 45},
]


@pytest.fixture
def mine(province):
    me = UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])
    return me, world(me, "A-01")


@pytest.fixture
def theirs(province):
    them = UserFactory(username="giangvien2", full_name="Lý Thị Dạy", org_unit=unit("SNV"), roles=["instructor"])
    return them, world(them, "B-01")


def url_of(pattern, objects, me):
    return pattern.format(me=me.pk, **{k: v.pk for k, v in objects.items()})


def test_every_page_and_action_of_another_instructor_is_a_404(mine, theirs):
    me, _ = mine
    them, objects = theirs
    client = browser_for(me)
    bad = []
    for pattern, _kind in URLS:
        url = url_of(pattern, objects, them)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code not in (404, 405):
                bad.append((method, url, response.status_code))
    assert not bad


def test_a_learner_gets_a_403_or_404_everywhere(mine, learner):
    me, objects = mine
    client = browser_for(learner)
    bad = []
    for pattern, _kind in URLS:
        url = url_of(pattern, objects, me)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code not in (403, 404, 405):
                bad.append((method, url, response.status_code))
    assert not bad


@pytest.mark.parametrize("payload", range(len(GARBAGE)))
def test_hostile_posts_are_never_a_500(mine, payload):
    me, objects = mine
    client = browser_for(me)
    client.raise_request_exception = False
    bad = []
    extra = ["/teach/courses/new/", "/teach/banks/new/", "/teach/quizzes/new/", "/teach/events/new/",
             "/teach/banks/{bank}/questions/new/?type=numerical", "/teach/banks/{bank}/questions/new/?type=matching",
             "/teach/banks/{bank}/questions/new/?type=true_false", "/teach/banks/{bank}/questions/new/?type=essay"]
    for pattern in [p for p, _ in URLS] + extra:
        url = url_of(pattern, objects, me)
        response = client.post(url, GARBAGE[payload])
        if response.status_code >= 500:
            bad.append(("post", url, response.status_code))
    assert not bad


def test_hostile_query_strings_are_never_a_500(mine):
    me, objects = mine
    client = browser_for(me)
    client.raise_request_exception = False
    bad = []
    q = "?page=abc&q=%00&category=x&search=%00&format=%00&type=%00&course=abc&module=%C2%B2&all=present"
    for pattern in [p for p, _ in URLS] + ["/teach/courses/new/", "/teach/banks/new/", "/teach/quizzes/new/",
                                           "/teach/events/new/", "/teach/events/", "/teach/quizzes/", "/teach/banks/",
                                           "/teach/", "/grading/"]:
        url = url_of(pattern, objects, me).split("?")[0] + q
        response = client.get(url)
        if response.status_code >= 500:
            bad.append(("get", url, response.status_code))
    assert not bad


def test_an_administrator_opens_everything_and_hr_nothing(mine, admin_user, hr_babe):
    me, objects = mine
    for person, allowed in ((admin_user, (200, 302, 405)), (hr_babe, (403, 404, 405))):
        client = browser_for(person)
        bad = []
        for pattern, _kind in URLS:
            url = url_of(pattern, objects, me)
            response = client.get(url)
            if response.status_code not in allowed:
                bad.append(("get", url, response.status_code))
        for url in ("/teach/", "/teach/courses/new/", "/teach/quizzes/new/", "/teach/banks/new/", "/teach/events/new/",
                    "/grading/"):
            if client.get(url).status_code not in allowed:
                bad.append(("get", url))
        assert not bad, person
