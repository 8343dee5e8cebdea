"""A quiz's `layout` (API.md): every question on one page, the default, or one question per page."""

from quizzes.models import Quiz
from quizzes.services.quizzes import create_quiz, update_quiz
from tests.conftest import client_for


def test_a_new_quiz_shows_every_question_on_one_page(instructor, course, bank):
    quiz = create_quiz(actor=instructor, course=course, title="Kiểm tra", bank=bank)

    assert Quiz.objects.get(pk=quiz.pk).layout == "all_on_one_page"


def test_the_api_takes_and_gives_back_the_layout(instructor, course, bank):
    api = client_for(instructor)
    created = api.post("/api/v1/quizzes/", {"title": "Qua API", "course": course.pk, "bank": bank.pk,
                                            "layout": "one_per_page"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["layout"] == "one_per_page"
    quiz_id = created.json()["id"]
    assert Quiz.objects.get(pk=quiz_id).layout == "one_per_page"

    changed = api.patch(f"/api/v1/quizzes/{quiz_id}/", {"layout": "all_on_one_page"}, format="json")
    assert changed.status_code == 200 and changed.json()["layout"] == "all_on_one_page"
    assert api.get(f"/api/v1/quizzes/{quiz_id}/").json()["layout"] == "all_on_one_page"


def test_the_api_gives_the_default_layout_when_none_is_sent(instructor, course, bank):
    created = client_for(instructor).post("/api/v1/quizzes/", {"title": "Qua API", "course": course.pk,
                                                               "bank": bank.pk}, format="json")
    assert created.json()["layout"] == "all_on_one_page"


def test_an_unknown_layout_is_a_400_naming_the_field_and_changes_nothing(instructor, quiz):
    response = client_for(instructor).patch(f"/api/v1/quizzes/{quiz.pk}/", {"layout": "two_per_page",
                                                                             "title": "Đổi tên"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["layout"]
    quiz.refresh_from_db()
    assert quiz.layout == "all_on_one_page" and quiz.title == "Kiểm tra cuối khoá"


def test_an_update_through_the_service_keeps_the_layout_unless_given(instructor, quiz):
    update_quiz(actor=instructor, quiz=quiz, layout="one_per_page")
    update_quiz(actor=instructor, quiz=quiz, title="Bài mới")

    quiz.refresh_from_db()
    assert quiz.layout == "one_per_page" and quiz.title == "Bài mới"


def test_the_admin_lists_and_edits_the_layout(instructor, quiz, client):
    client.force_login(instructor)
    listing = client.get("/admin/quizzes/quiz/").content.decode()
    assert "Cách trình bày" in listing and "Tất cả câu hỏi trên một trang" in listing
    form = client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").content.decode()
    assert 'name="layout"' in form and "Mỗi trang một câu hỏi" in form
