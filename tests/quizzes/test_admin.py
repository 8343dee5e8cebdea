"""The quiz admin: its pages, and edits that go through the same rules and cache rules as the API."""

import json

import pytest
from django.test import Client

from quizzes import services
from quizzes.models import Category, Question, QuestionBank, Quiz
from tests.conftest import client_for


def test_an_instructor_opens_the_quiz_admin_pages(instructor, quiz, bank):
    client = Client()
    client.force_login(instructor)
    for path in ("/admin/quizzes/quiz/", f"/admin/quizzes/quiz/{quiz.pk}/change/", "/admin/quizzes/question/",
                 f"/admin/quizzes/question/{bank.questions.first().pk}/change/", "/admin/quizzes/attempt/"):
        assert client.get(path).status_code == 200, path


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_data(question, **changes) -> dict:
    """The admin change form of a question and its answers, as the page would post it back."""
    choices = list(question.choices.all())
    data = {
        "bank": question.bank_id, "category": question.category_id or "", "type": question.type,
        "title": question.title, "text": question.text, "text_format": question.text_format,
        "points": question.points, "general_feedback": question.general_feedback,
        "options": json.dumps(question.options),
        "choices-TOTAL_FORMS": len(choices), "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 0, "choices-MAX_NUM_FORMS": 1000,
    }
    for n, choice in enumerate(choices):
        for field in ("id", "position", "text", "fraction", "feedback", "match_text", "value", "tolerance",
                      "minimum", "maximum"):
            value = getattr(choice, field)
            data[f"choices-{n}-{field}"] = "" if value is None else value
        data[f"choices-{n}-question"] = question.pk
    return {**data, **changes}


def test_an_admin_edit_that_breaks_the_rules_is_shown_on_the_form_and_saves_nothing(instructor, bank):
    question = bank.questions.get(type="numerical")
    version = QuestionBank.objects.get(pk=bank.pk).version
    response = admin_client(instructor).post(f"/admin/quizzes/question/{question.pk}/change/",
                                             change_data(question, **{"choices-0-value": ""}))

    assert response.status_code == 200
    assert "Đáp án 1 không có giá trị cũng không có khoảng" in response.content.decode()
    assert question.choices.get().value == 4
    assert QuestionBank.objects.get(pk=bank.pk).version == version


def test_admin_options_that_are_not_an_object_are_refused(instructor, bank):
    question = bank.questions.get(type="short_answer")
    response = admin_client(instructor).post(f"/admin/quizzes/question/{question.pk}/change/",
                                             change_data(question, options='"abc"'))

    assert response.status_code == 200
    assert "Tùy chọn phải là một đối tượng JSON" in response.content.decode()
    question.refresh_from_db()
    assert question.options == {"ignore_diacritics": True}


def test_an_admin_edit_within_the_rules_is_saved_and_changes_the_bank(instructor, bank):
    question = bank.questions.get(type="numerical")
    version = QuestionBank.objects.get(pk=bank.pk).version
    response = admin_client(instructor).post(f"/admin/quizzes/question/{question.pk}/change/",
                                             change_data(question, **{"choices-0-value": "5"}))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert question.choices.get().value == 5
    assert QuestionBank.objects.get(pk=bank.pk).version == version + 1


def drawn_texts(quiz) -> set[str]:
    quiz = Quiz.objects.select_related("bank").get(pk=quiz.pk)
    return {question["text"] for question in services.question_pool(quiz)}


def test_a_question_deleted_in_the_admin_leaves_the_cached_question_pool(instructor, bank, quiz):
    question = bank.questions.get(type="numerical")
    assert question.text in drawn_texts(quiz)

    response = admin_client(instructor).post(f"/admin/quizzes/question/{question.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    assert question.text not in drawn_texts(quiz)


def test_questions_deleted_with_the_bulk_action_leave_the_cached_question_pool(instructor, bank, quiz):
    doomed = list(bank.questions.filter(type__in=["numerical", "matching"]))
    assert {question.text for question in doomed} <= drawn_texts(quiz)

    response = admin_client(instructor).post("/admin/quizzes/question/", {
        "action": "delete_selected", "post": "yes", "_selected_action": [question.pk for question in doomed]})

    assert response.status_code == 302
    assert not {question.text for question in doomed} & drawn_texts(quiz)
    assert len(drawn_texts(quiz)) == 4



def test_a_question_added_in_the_admin_goes_through_the_rules_too(instructor, bank):
    data = {"bank": bank.pk, "category": "", "type": "single", "title": "", "text": "Chọn?", "text_format": "plain",
            "points": "1", "general_feedback": "", "options": "{}",
            "choices-TOTAL_FORMS": 2, "choices-INITIAL_FORMS": 0, "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 1000}
    for n, (text, fraction) in enumerate([("Sở Nội vụ", "0.5"), ("Sở Y tế", "0")]):
        data |= {f"choices-{n}-position": n, f"choices-{n}-text": text, f"choices-{n}-fraction": fraction}
    client = admin_client(instructor)

    refused = client.post("/admin/quizzes/question/add/", data)
    assert refused.status_code == 200
    assert "Câu hỏi một đáp án cần có một đáp án đúng với trọng số 100%." in refused.content.decode()
    assert not bank.questions.filter(text="Chọn?").exists()

    added = client.post("/admin/quizzes/question/add/", {**data, "choices-0-fraction": "1"})
    assert added.status_code == 302
    assert bank.questions.get(text="Chọn?").choices.count() == 2


def test_the_quiz_admin_regrades_and_computes_statistics(instructor, quiz, enrolled, django_capture_on_commit_callbacks):
    from accounts.models import Job
    from quizzes.models import QuizStatistics
    from tests.quizzes.test_review_and_grading import finished_attempt

    finished_attempt(quiz, enrolled)
    client = admin_client(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        regraded = client.post("/admin/quizzes/quiz/", {"action": "regrade", "_selected_action": [quiz.pk]},
                               follow=True)
    assert regraded.status_code == 200
    job = Job.objects.get(kind="quiz.regrade")
    assert job.status == "done" and job.total == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/quizzes/quiz/", {"action": "compute_statistics", "_selected_action": [quiz.pk]})
    assert QuizStatistics.objects.get(quiz=quiz).attempts == 1


def test_admin_forms_offer_and_accept_only_what_the_instructor_teaches(instructor, bank, province):
    from tests.conftest import unit
    from tests.courses.conftest import build_course
    from tests.factories import UserFactory

    colleague = UserFactory(username="giangvien2", org_unit=unit("SNV"), roles=["instructor"])
    theirs = services.create_bank(actor=colleague, name="Ngân hàng khác",
                                  course=build_course(colleague, code="QZ-99", lessons=1))
    question = bank.questions.get(type="single")
    client = admin_client(instructor)
    form = client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
    assert "Ngân hàng khác" not in form

    form = client.get("/admin/quizzes/question/add/").content.decode()
    assert "Ngân hàng CCHC" in form and "Ngân hàng khác" not in form
    # A question stays in its bank, as in the API.
    client.post(f"/admin/quizzes/question/{question.pk}/change/", change_data(question, bank=theirs.pk))
    assert Question.objects.get(pk=question.pk).bank_id == bank.pk
    quiz = client.post("/admin/quizzes/quiz/add/", {"title": "Lạc khoá", "course": theirs.course_id,
                                                    "bank": theirs.pk, "grading_method": "highest",
                                                    "pass_percent": "50", "review": "after_submit"})
    assert quiz.status_code == 200 and not Quiz.objects.filter(title="Lạc khoá").exists()


def quiz_form(course, bank, /, **changes) -> dict:
    return {"title": "Kiểm tra giữa khoá", "course": course.pk, "bank": bank.pk, "category": "",
            "grading_method": "highest", "pass_percent": "50", "review": "after_submit", "layout": "all_on_one_page",
            **changes}


def test_html_of_a_question_changed_in_the_admin_is_cleaned_as_in_the_api(instructor, bank):
    question = bank.questions.get(type="single")
    response = admin_client(instructor).post(f"/admin/quizzes/question/{question.pk}/change/", change_data(
        question, text_format="html", text="<p>Chọn<script>alert(1)</script></p>",
        general_feedback='<p onclick="alert(1)">Xem lại</p>'))
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.text == "<p>Chọn</p>" and question.general_feedback == "<p>Xem lại</p>"


def test_html_of_a_question_added_in_the_admin_is_cleaned_as_in_the_api(instructor, bank):
    data = {"bank": bank.pk, "category": "", "type": "true_false", "title": "", "text_format": "html",
            "text": "<p>Đúng?<script>alert(1)</script></p>", "points": "1",
            "general_feedback": "<img src=x onerror=alert(1)>", "options": "{}",
            "choices-TOTAL_FORMS": 2, "choices-INITIAL_FORMS": 0, "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 1000}
    for n, (text, fraction) in enumerate([("true", "1"), ("false", "0")]):
        data |= {f"choices-{n}-position": n, f"choices-{n}-text": text, f"choices-{n}-fraction": fraction}
    response = admin_client(instructor).post("/admin/quizzes/question/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question = bank.questions.get(text__startswith="<p>Đúng?")
    assert question.text == "<p>Đúng?</p>" and "onerror" not in question.general_feedback
    assert question.choices.count() == 2


def test_a_category_of_another_bank_is_refused_on_the_question_form(instructor, bank, course):
    other = services.create_bank(actor=instructor, name="Ngân hàng phụ", course=course)
    elsewhere = Category.objects.create(bank=other, name="Ở ngân hàng phụ")
    question = bank.questions.get(type="single")
    response = admin_client(instructor).post(f"/admin/quizzes/question/{question.pk}/change/",
                                             change_data(question, category=elsewhere.pk))
    assert response.status_code == 200 and set(response.context["adminform"].form.errors) == {"category"}
    assert Question.objects.get(pk=question.pk).category_id is None
    assert not bank.categories.filter(name="Ở ngân hàng phụ").exists()


@pytest.mark.parametrize("field", ["bank", "category", "closes_at"])
def test_a_quiz_saved_in_the_admin_is_checked_as_in_the_api(instructor, course, bank, field):
    from tests.courses.conftest import build_course

    other_course = build_course(instructor, code="QZ-02", lessons=1)  # taught by the same instructor
    other_bank = services.create_bank(actor=instructor, name="Ngân hàng khoá khác", course=other_course)
    changes = {
        "bank": {"bank": other_bank.pk},
        "category": {"category": Category.objects.create(bank=other_bank, name="Khác").pk},
        "closes_at": {"opens_at_0": "2026-05-02", "opens_at_1": "08:00",
                      "closes_at_0": "2026-05-01", "closes_at_1": "08:00"},
    }[field]
    client = admin_client(instructor)
    refused = client.post("/admin/quizzes/quiz/add/", quiz_form(course, bank, **changes))
    assert refused.status_code == 200 and set(refused.context["adminform"].form.errors) == {field}
    assert not Quiz.objects.filter(title="Kiểm tra giữa khoá").exists()
    api = client_for(instructor).post("/api/v1/quizzes/", {
        "title": "Qua API", "course": course.pk, "bank": bank.pk,
        **{"bank": {"bank": other_bank.pk}, "category": {"category": changes.get("category")},
           "closes_at": {"opens_at": "2026-05-02T08:00:00+07:00", "closes_at": "2026-05-01T08:00:00+07:00"}}[field]},
        format="json")
    assert api.status_code == 400 and set(api.json()) == {field}
    added = client.post("/admin/quizzes/quiz/add/", quiz_form(course, bank))
    assert added.status_code == 302, added.content.decode()[:2000]
