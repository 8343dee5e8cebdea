"""The rules every question must meet before it is stored, whichever way it comes in."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.models import Question, QuestionBank
from quizzes.question_rules import question_problems
from tests.conftest import client_for
from tests.quizzes.conftest import every_type

A = ParsedAnswer


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def test_every_well_formed_question_passes():
    for question in every_type():
        assert question_problems(question) == {}, question.type


@pytest.mark.parametrize("options", ["abc", ["ignore_diacritics"], 1, None])
def test_options_that_are_not_an_object_are_refused(options):
    question = ParsedQuestion("short_answer", "Viết tắt?", answers=[A("CCHC", 1)], options=options)

    assert list(question_problems(question)) == ["options"]


def test_unknown_options_and_options_of_the_wrong_type_are_refused():
    question = ParsedQuestion("short_answer", "Viết tắt?", answers=[A("CCHC", 1)],
                              options={"ignore_accents": True, "case_sensitive": "yes"})

    problems = question_problems(question)["options"]
    assert len(problems) == 2
    assert "ignore_accents" in problems[0] and "case_sensitive" in problems[1]


def test_only_a_short_answer_question_takes_options():
    question = ParsedQuestion("single", "Chọn?", answers=[A("a", 1), A("b")], options={"ignore_diacritics": True})

    assert question_problems(question) == {"options": ["Only a short-answer question takes options."]}


@pytest.mark.parametrize(("answers", "problem"), [
    ([A("", 1)], "neither a value nor a range"),
    ([A(value=4, fraction=1), A(minimum=1, fraction=Decimal("0.5"))], "both its minimum and its maximum"),
    ([A(value=4, minimum=1, maximum=5, fraction=1)], "both a value and a range"),
    ([A(minimum=5, maximum=1, fraction=1)], "starts above where it ends"),
    ([A(value=4, tolerance=-1, fraction=1)], "tolerance cannot be negative"),
    ([A(value=10**13, fraction=1)], "at most 12 digits"),
    ([A(text="*", fraction=1)], "besides “any other answer”"),
    ([A(value=4, fraction=0), A(text="*", fraction=0)], "no right answer"),
])
def test_a_numerical_question_that_cannot_be_scored_is_refused(answers, problem):
    problems = question_problems(ParsedQuestion("numerical", "Bao nhiêu?", answers=answers))

    assert problem in " ".join(problems["answers"])


def test_a_numerical_question_may_end_with_any_other_answer():
    question = ParsedQuestion("numerical", "Bao nhiêu?", answers=[A(value=4, fraction=1), A("*", 0, "Sai rồi")])

    assert question_problems(question) == {}


@pytest.mark.parametrize("answers", [
    [A("Mức 3", match_text="Một phần")],
    [A("Mức 3", match_text="Một phần"), A("", match_text="Toàn trình")],
    [A("Mức 3", match_text="Một phần"), A("Mức 4", match_text="")],
])
def test_a_matching_question_needs_two_pairs_each_with_its_match(answers):
    problems = question_problems(ParsedQuestion("matching", "Ghép.", answers=answers))

    assert "answers" in problems


def test_a_multiple_answer_question_needs_a_positive_weight():
    question = ParsedQuestion("multiple", "Chọn.", answers=[A("a", 0), A("b", -1)])

    assert question_problems(question) == {
        "answers": ["A multiple-choice question needs at least one answer with a positive weight."]}


def test_a_single_choice_question_needs_an_answer_at_full_weight():
    question = ParsedQuestion("single", "Chọn.", answers=[A("a", Decimal("0.5")), A("b", 0)])

    assert question_problems(question) == {"answers": ["A single-choice question needs a right answer at 100%."]}


@pytest.mark.parametrize(("question", "field"), [
    (ParsedQuestion("multiple", "Chọn.", answers=[A("a", 2), A("b", 0)]), "answers"),
    (ParsedQuestion("multiple", "Chọn.", answers=[A("a", "abc"), A("b", 1)]), "answers"),
    (ParsedQuestion("single", "Chọn.", answers=[A("a", 1), A(" ", 0)]), "answers"),
    (ParsedQuestion("true_false", "Đúng?", answers=[A("true", 0), A("false", 0)]), "answers"),
    (ParsedQuestion("short_answer", "Viết tắt?", answers=[A("CCHC", 0)]), "answers"),
    (ParsedQuestion("essay", "Viết.", points=Decimal("10000")), "points"),
    (ParsedQuestion("essay", "Viết.", points=Decimal("9999.999")), "points"),
    (ParsedQuestion("essay", "Viết.", category="x" * 256), "category"),
    (ParsedQuestion("sorting", "Sắp xếp."), "type"),
])
def test_each_other_problem_names_its_field(question, field):
    assert list(question_problems(question)) == [field]


# Through the API and the importers, in Vietnamese


def test_the_api_refuses_options_that_are_not_an_object(bank, instructor):
    response = client_for(instructor).post(f"/api/v1/question-banks/{bank.pk}/questions/", {
        "type": "short_answer", "text": "Viết tắt?", "options": "abc", "answers": [{"text": "CCHC", "fraction": "1"}],
    }, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["options"]


def test_a_replaced_question_goes_through_the_same_rules(bank, instructor):
    question = bank.questions.get(type="numerical")
    response = client_for(instructor).put(f"/api/v1/questions/{question.pk}/", {
        "type": "numerical", "text": "Bao nhiêu?", "answers": [{"fraction": "1"}]}, format="json")

    assert response.status_code == 400
    assert response.json()["answers"] == [
        "Đáp án 1 không có giá trị cũng không có khoảng (hoặc * cho mọi đáp án khác)."]
    assert question.choices.get().value == 4


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("cau-hoi.gift", text.encode(), content_type="text/plain")


def test_an_imported_file_goes_through_the_rules_and_names_the_line(course, instructor):
    bank = QuestionBank.objects.create(name="B", course=course)
    text = ("Câu đúng?{T}\n\n"
            "// [options] ignore_diacritics\nChọn?{=a ~b}\n\n"
            "Số lớn?{#1000000000000}\n")
    response = client_for(instructor).post(f"/api/v1/question-banks/{bank.pk}/import/",
                                           {"file": upload(text), "format": "gift"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"line": 4, "message": "Chỉ câu hỏi trả lời ngắn mới có tùy chọn."},
        {"line": 6, "message": "Đáp án 1: mỗi số có tối đa 12 chữ số ở phần nguyên (trước dấu thập phân)."},
    ]
    assert not Question.objects.filter(bank=bank).exists()


def test_an_imported_workbook_goes_through_the_rules_too(course, instructor):
    from quizzes.formats import xlsx

    bank = QuestionBank.objects.create(name="B", course=course)
    workbook = xlsx.dump([ParsedQuestion("essay", "Viết.", points=Decimal("1")),
                          ParsedQuestion("essay", "Viết nữa.", points=Decimal("100000"))])
    response = client_for(instructor).post(
        f"/api/v1/question-banks/{bank.pk}/import/",
        {"file": SimpleUploadedFile("cau-hoi.xlsx", workbook), "format": "xlsx"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 3, "message": "Điểm là một số từ 0 đến 9999.99."}]
    assert not Question.objects.filter(bank=bank).exists()
