"""Review of the teaching workspace's forms: a POST without its fields is refused (400), never taken for a GET."""

import pytest

from quizzes import services as quiz_services
from tests.courses.conftest import build_course
from tests.conftest import unit
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import every_type, make_quiz
from tests.training.conftest import make_event

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/teach/courses/new/", "/teach/courses/{course}/", "/teach/courses/{course}/copy/", "/teach/modules/{module}/",
    "/teach/courses/{course}/lessons/new/", "/teach/lessons/{lesson}/", "/teach/banks/new/",
    "/teach/banks/{bank}/questions/new/?type=single", "/teach/questions/{question}/", "/teach/banks/{bank}/import/",
    "/teach/quizzes/new/", "/teach/quizzes/{quiz}/", "/teach/sessions/{session}/",
]


@pytest.fixture
def teacher(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def ids(teacher) -> dict:
    course = build_course(teacher, code="CCHC-01", lessons=1)
    module = course.modules.get()
    bank = quiz_services.create_bank(actor=teacher, name="Ngân hàng", course=course)
    event = make_event(teacher, sessions=1)
    return {"course": course.pk, "module": module.pk, "lesson": module.lessons.get().pk, "bank": bank.pk,
            "question": _question(bank).pk, "quiz": make_quiz(course, bank).pk,
            "session": event.sessions.get().pk}


def _question(bank):
    return quiz_services.add_questions(bank=bank, parsed=every_type()[:1])[0]


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_post_without_any_field_is_a_400_with_the_errors(teacher, ids, address):
    response = browser_for(teacher).post(address.format(**ids), {})
    assert response.status_code == 400
    assert 'class="error-summary' in response.content.decode()
