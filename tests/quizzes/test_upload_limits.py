"""Hostile files at POST /api/v1/question-banks/{id}/import/: a 400 naming the limit or the line, nothing imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.models import Question
from tests import hostile_files as hostile
from tests.conftest import client_for

HEADER = ["Loại (type)", "Câu hỏi (question)"]


def post(instructor, bank, data: bytes, file_format: str):
    return client_for(instructor).post(
        f"/api/v1/question-banks/{bank.pk}/import/",
        {"file": SimpleUploadedFile(f"cau-hoi.{file_format}", data), "format": file_format},
        format="multipart", HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize("build, line, words", [
    pytest.param(build, line, words, id=name) for name, build, line, words in hostile.refused_workbooks(
        HEADER, lambda number: ["Tự luận", f"Câu {number}?"], row_limit=20_000,
        limit_words="more than 20000 questions")
])
def test_a_hostile_workbook_is_refused_naming_the_limit_and_nothing_is_imported(instructor, bank, build, line,
                                                                                words):
    before = Question.objects.count()
    [(error_line, message)] = hostile.refusal(post(instructor, bank, build(), "xlsx"))
    assert error_line == line and words in message
    assert Question.objects.count() == before


def test_the_row_limit_is_a_setting(instructor, bank, settings):
    settings.QUESTION_IMPORT_MAX_ROWS = 2
    data = hostile.numbered_rows(HEADER, 3, lambda number: ["Tự luận", f"Câu {number}?"])
    assert hostile.refusal(post(instructor, bank, data, "xlsx")) == [
        (4, "The file has more than 2 questions. Split it into smaller files.")]


def test_a_formula_never_calculated_is_named_as_a_formula_at_its_row_and_column(instructor, bank):
    data = hostile.formulas(HEADER, ["Tự luận", '=HYPERLINK("http://example.com","Câu hỏi?")'])
    [error] = post(instructor, bank, data, "xlsx").json()["errors"]
    assert error["line"] == 2 and error["column"] == "Câu hỏi (question)"
    assert "holds the formula =HYPERLINK(" in error["message"]


def test_a_control_character_in_a_workbook_cell_is_refused_at_its_line(instructor, bank):
    before = Question.objects.count()
    data = hostile.workbook(hostile.sheet(hostile.row(*HEADER), hostile.row("Tự luận", "Câu một?"),
                                          hostile.row("Tự luận", "Câu\u009b hai?")))
    [(line, message)] = hostile.refusal(post(instructor, bank, data, "xlsx"))
    assert line == 3 and "control character (U+009B)" in message
    assert Question.objects.count() == before


@pytest.mark.parametrize("file_format, text, line", [
    ("gift", "::Một::Câu một? {T}\n\n::Hai::Câu\x00 hai? {F}\n", 3),
    ("gift", "Câu một? {T}\r\n\r\n// chú thích\r\nCâu hai?\x01 {F}\r\n", 4),
    ("aiken", "Câu một?\nA. Có\nB. Không\nANSWER: A\n\nCâu hai?\nA. Có\x00\nB. Không\nANSWER: B\n", 7),
])
def test_a_control_character_in_a_text_file_is_refused_at_its_line(instructor, bank, file_format, text, line):
    before = Question.objects.count()
    [(error_line, message)] = hostile.refusal(post(instructor, bank, text.encode(), file_format))
    assert error_line == line and "control character" in message
    assert Question.objects.count() == before
