"""Review of the teaching workspace: every page, and every refused form, runs as many queries with 2 varied rows
of everything as with 9 (modules, questions in categories, learners of different units, attempts, roster, banks)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OrgUnit
from courses import services as course_services
from quizzes import services as quiz_services
from quizzes.formats import ParsedQuestion, ParsedAnswer
from tests.factories import UserFactory, org_unit
from tests.conftest import unit
from tests.frontend.conftest import browser_for
from tests.frontend.teaching.test_review_access import URLS, world
from training import services as training_services

pytestmark = pytest.mark.django_db


def grow(me, objects, n):
    course, bank, event = objects["course"], objects["bank"], objects["event"]
    for i in range(n):
        module = course_services.add_module(course=course, title=f"M{i}-{n}")
        course_services.add_lesson(module=module, title=f"L{i}", body="<p>x</p>")
        quiz_services.add_questions(bank=bank, parsed=[ParsedQuestion("single", f"Q{i}", category=f"Cat{i}/Sub",
                                    answers=[ParsedAnswer("a", 1), ParsedAnswer("b", 0)])])
        unit_ = org_unit(f"Unit {i}{len(str(n))}{n}", parent=OrgUnit.objects.get(code="SNV"))
        person = UserFactory(org_unit=unit_, roles=["learner"])
        course_services.enroll(user=person, course=course)
        training_services.add_to_roster(actor=me, event=event, user_ids=[person.pk])
        session = event.sessions.first()
        training_services.record_attendance(actor=me, session=session, records=[(person.pk, "present")])
        attempt, _ = quiz_services.start_attempt(user=person, quiz=objects["quiz"])
        quiz_services.submit_attempt(attempt=attempt, user=person)
        other = course_services.create_course(actor=me, code=f"X{i}-{n}", title=f"X{i}")
        quiz_services.create_bank(actor=me, name=f"B{i}", course=other)


def counts(client, objects, me):
    result = {}
    for pattern, _ in URLS + [("/teach/", None), ("/teach/courses/new/", None), ("/teach/quizzes/new/", None),
                              ("/teach/banks/new/", None), ("/teach/events/new/", None), ("/grading/", None),
                              ("/teach/events/{event}/?q=a", None)]:
        if any(word in pattern for word in ("publish", "archive", "modules", "delete", "move", "order", "regrade",
                                            "remove", "certificates", "roster/")) \
                and not pattern.endswith("modules/{module}/"):
            continue
        url = pattern.format(me=me.pk, **{k: v.pk for k, v in objects.items()})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        result[url] = (response.status_code, len(queries))
    return result


def test_every_page_runs_the_same_queries_with_more_data(province):
    me = UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])
    objects = world(me, "A-01")
    client = browser_for(me)
    client.get("/teach/")
    grow(me, objects, 2)
    counts(client, objects, me)
    before = counts(client, objects, me)
    grow(me, objects, 7)
    after = counts(client, objects, me)
    diff = {url: (before[url], after[url]) for url in before if before[url][1] != after[url][1]}
    assert not diff, diff


POSTS = [
    ("/teach/courses/{course}/", {"title": ""}), ("/teach/courses/{course}/modules", {"title": ""}),
    ("/teach/courses/{course}/modules/order", {"order": ["x"]}), ("/teach/modules/{module}/move", {}),
    ("/teach/modules/{module}/", {"title": ""}), ("/teach/lessons/{lesson}/", {"title": ""}),
    ("/teach/courses/{course}/lessons/new/", {"title": ""}), ("/teach/events/{event}/", {"title": ""}),
    ("/teach/events/{event}/sessions/", {"title": ""}), ("/teach/events/{event}/roster/", {"users": ["x"]}),
    ("/teach/events/{event}/roster/unit/", {}), ("/teach/events/{event}/roster/import/", {}),
    ("/teach/sessions/{session}/", {"title": ""}), ("/teach/sessions/{session}/attendance/", {"status-{me}": "x"}),
    ("/teach/quizzes/{quiz}/", {"title": ""}), ("/teach/quizzes/new/", {"title": ""}),
    ("/teach/banks/{bank}/import/", {}), ("/teach/banks/new/", {}),
    ("/teach/banks/{bank}/questions/new/?type=single", {"text": ""}), ("/teach/questions/{question}/", {"text": ""}),
    ("/teach/questions/{question}/preview/", {}), ("/teach/courses/{course}/copy/", {}),
]


def post_counts(client, objects, me):
    result = {}
    for pattern, data in POSTS:
        ids = {k: v.pk for k, v in objects.items()} | {"me": me.pk}
        url = pattern.format(**ids)
        data = {key.format(**ids): value for key, value in data.items()}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        result[url] = (response.status_code, len(queries))
    return result


def test_every_refused_form_runs_the_same_queries_with_more_data(province):
    me = UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])
    objects = world(me, "A-01")
    client = browser_for(me)
    grow(me, objects, 2)
    post_counts(client, objects, me)
    before = post_counts(client, objects, me)
    grow(me, objects, 7)
    after = post_counts(client, objects, me)
    diff = {url: (before[url], after[url]) for url in before if before[url][1] != after[url][1]}
    assert not diff, diff
