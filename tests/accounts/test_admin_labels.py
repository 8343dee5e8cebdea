"""The admin's labels read as the platform means them, and its inputs each have an accessible name."""

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import User
from courses.models import Lesson, Module
from quizzes import services as quiz_services
from quizzes.models import Choice
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz


@pytest.fixture
def instructor(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def label(model, field: str) -> str:
    with translation.override("vi"):
        return str(model._meta.get_field(field).verbose_name)


def test_a_persons_position_is_their_post_and_title_not_an_order():
    assert label(User, "position") == "chức vụ, chức danh"


def test_the_position_of_modules_lessons_and_answers_is_their_order():
    assert label(Module, "position") == label(Lesson, "position") == label(Choice, "position") == "thứ tự"


@pytest.mark.django_db
def test_the_module_list_heads_its_order_column_thu_tu_not_chuc_vu(instructor):
    build_course(instructor)
    page = signed_in(instructor).get("/admin/courses/module/").content.decode()
    assert "Thứ tự" in page and "Chức vụ" not in page


@pytest.mark.django_db
def test_the_user_form_labels_the_position_chuc_vu_chuc_danh(admin_user, instructor):
    page = signed_in(admin_user).get(f"/admin/accounts/user/{instructor.pk}/change/").content.decode()
    assert '<label for="id_position">Chức vụ, chức danh:</label>' in page


@pytest.mark.django_db
def test_the_date_and_the_time_of_a_quiz_each_have_a_name(instructor):
    course = build_course(instructor)
    bank = quiz_services.create_bank(actor=instructor, name="Ngân hàng", course=course)
    quiz = make_quiz(course, bank, opens_at=datetime(2026, 11, 12, 1, tzinfo=UTC))
    page = signed_in(instructor).get(f"/admin/quizzes/quiz/{quiz.pk}/change/").content.decode()
    assert 'aria-label="Thời điểm mở – Ngày"' in page and 'aria-label="Thời điểm mở – Giờ"' in page
    assert 'aria-label="Thời điểm đóng – Ngày"' in page


@pytest.mark.django_db
def test_each_input_of_a_tabular_inline_row_is_named_after_its_column(instructor):
    course = build_course(instructor)
    page = signed_in(instructor).get(f"/admin/courses/course/{course.pk}/change/").content.decode()
    for name, heading in (("title", "Tiêu đề"), ("position", "Thứ tự"), ("DELETE", "Xóa")):
        row_input = re.search(rf'<input[^>]*name="modules-0-{name}"[^>]*>', page)[0]
        assert f'aria-label="{heading}' in row_input, row_input


@pytest.mark.django_db
def test_the_admin_pages_load_the_platforms_fixes(instructor):
    course = build_course(instructor)
    client = signed_in(instructor)
    for address in ("/admin/courses/course/", f"/admin/courses/course/{course.pk}/change/",
                    "/admin/training/event/add/"):
        page = client.get(address).content.decode()
        assert "accounts/admin-fixes.css" in page and "accounts/admin-fixes.js" in page, address


def test_djangos_missing_vietnamese_is_supplied():
    from django.utils.translation import gettext

    with translation.override("vi"):
        assert gettext("Delete?") == "Xóa?"
        assert gettext("memory cost") == "chi phí bộ nhớ"
        assert gettext("Show counts") == "Hiện số lượng"
