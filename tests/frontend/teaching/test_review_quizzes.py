"""Review of the teaching workspace's quiz pages: what a refused change must not show as saved."""

import re

import pytest

from quizzes.models import Quiz
from tests.frontend.conftest import browser_for
from tests.frontend.teaching.test_quizzes import quiz_form

pytestmark = pytest.mark.django_db


def heading(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


def test_a_refused_settings_change_keeps_the_saved_title_in_the_heading(instructor, course, bank, quiz):
    data = quiz_form(course, bank, title="Tên mới chưa lưu", pass_percent="150")
    response = browser_for(instructor).post(f"/teach/quizzes/{quiz.pk}/", data)
    assert response.status_code == 400
    assert heading(response) == "Kiểm tra cuối khoá"
    assert "Tên mới chưa lưu" in response.content.decode()  # still in the form, for the person to correct
    assert Quiz.objects.get(pk=quiz.pk).title == "Kiểm tra cuối khoá"
