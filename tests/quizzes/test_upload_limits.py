"""Hostile files at POST /api/v1/question-banks/{id}/import/: a 400 naming the limit or the line, nothing imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts import uploads
from quizzes import formats
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


def test_a_header_without_the_question_column_is_refused_before_any_other_row_is_read(instructor, bank, settings):
    # More questions than the limit: read past the header, the file would be refused for that.
    settings.QUESTION_IMPORT_MAX_ROWS = 1000
    data = hostile.written(["Loại (type)", "Nội dung"], *(["Tự luận", f"Câu {number}?"] for number in range(1010)))
    assert hostile.refusal(post(instructor, bank, data, "xlsx")) == [
        (1, "The header row has no “Câu hỏi (question)” column; keep the template's first row as it is.")]


@pytest.mark.parametrize("file_format, text, line", [
    ("gift", "Một?{T}\n\n// chú thích\nHai?{F}\n\nBa?{T}\n\nBốn? {\n", 6),
    ("aiken", "Một?\nA. Có\nB. Không\nANSWER: A\nHai?\nA. Có\nB. Không\nANSWER: B\n\nBa?\nA. Có\nBốn?\n", 10),
])
def test_a_text_file_with_more_questions_than_allowed_is_refused_at_the_first_one_too_many(
        instructor, bank, settings, file_format, text, line):
    settings.QUESTION_IMPORT_MAX_ROWS = 2
    before = Question.objects.count()
    # Nothing is read past the first question too many: the broken ones after it are not reported.
    assert hostile.refusal(post(instructor, bank, text.encode(), file_format)) == [
        (line, "The file has more than 2 questions. Split it into smaller files.")]
    assert Question.objects.count() == before


@pytest.mark.parametrize("file_format, text", [
    ("gift", "Câu một?{T}\n\n" + "x" * 100_001 + "{}\n"),
    ("gift", "Câu một?{T}\n\nCâu hai?\n" + "Một dòng, mà không có dòng trống nào sau nó.\n" * 3000),
    ("aiken", "Câu một?\nA. Có\nB. Không\nANSWER: A\n" + "Một dòng, mà không có dòng ANSWER nào sau nó.\n" * 3000),
])
def test_a_question_far_longer_than_a_question_is_refused_at_its_first_line(instructor, bank, file_format, text):
    assert hostile.refusal(post(instructor, bank, text.encode(), file_format)) == [
        (3 if file_format == "gift" else 5,
         "This question is longer than 100,000 characters, far longer than a question: check that it ends where it "
         "should (a blank line ends a GIFT question, an ANSWER line an Aiken one).")]


def test_a_text_file_of_more_lines_than_allowed_is_refused_before_it_is_read(instructor, bank):
    data = b"\n" * 1_000_000 + "Câu hỏi?{T}\n".encode()
    assert hostile.refusal(post(instructor, bank, data, "gift")) == [
        (1_000_001, "The file has more than 1,000,000 lines. Split it into smaller files.")]


def test_a_text_file_with_more_answers_than_allowed_is_refused_at_the_question_past_the_limit(instructor, bank,
                                                                                            monkeypatch):
    monkeypatch.setattr(formats, "ANSWERS_LIMIT", 5)
    text = "Một?{T}\n\nHai?{=a ~b}\n\nBa?{F}\n"  # two answers each: true and false count as two
    assert hostile.refusal(post(instructor, bank, text.encode(), "gift")) == [
        (5, "The questions of this file have more than 5 answers in all. Split it into smaller files.")]


def test_a_text_file_is_read_no_further_than_the_errors_anyone_reads(instructor, bank):
    errors = post(instructor, bank, "Câu hỏi không có đáp án?\n\n".encode() * 300, "gift").json()["errors"]
    assert len(errors) == 201 and errors[199]["line"] == 399
    assert errors[-1] == {"line": 401, "message": "… and more errors from this line on: the file was read no further."}


def test_the_api_reads_the_file_as_every_import_does(instructor, bank, monkeypatch):
    monkeypatch.setattr(uploads, "read_upload", refuse_every_upload)
    assert hostile.refusal(post(instructor, bank, b"Cau?{T}", "gift")) == [(1, "refused by the shared reader")]


def test_the_admin_page_reads_the_file_as_every_import_does(instructor, bank, monkeypatch):
    monkeypatch.setattr(uploads, "read_upload", refuse_every_upload)
    client = Client()
    client.force_login(instructor)
    page = client.post(f"/admin/quizzes/questionbank/{bank.pk}/import/",
                       {"file": SimpleUploadedFile("cau-hoi.gift", b"Cau?{T}"), "format": "auto"},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "refused by the shared reader" in page


def refuse_every_upload(upload, *, max_bytes: int) -> bytes:
    raise uploads.UploadError([{"line": 1, "message": "refused by the shared reader"}])
