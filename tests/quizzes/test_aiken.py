"""Moodle's Aiken format: single-choice questions read by `aiken.parse`, errors with their lines."""

from decimal import Decimal

import pytest
from django.utils import translation

from quizzes.formats import FormatError, ParsedAnswer, ParsedQuestion, aiken


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def errors(text: str) -> list[dict]:
    with pytest.raises(FormatError) as raised:
        aiken.parse(text)
    return raised.value.errors


def test_it_reads_a_single_choice_question_with_its_options_and_answer():
    [question] = aiken.parse("Thủ đô của Việt Nam là thành phố nào?\nA. Huế\nB) Hà Nội\nC.Đà Nẵng\nANSWER: B\n")

    assert (question.type, question.text, question.line, question.points) == (
        "single", "Thủ đô của Việt Nam là thành phố nào?", 1, 1)
    assert [(a.text, a.fraction) for a in question.answers] == [("Huế", 0), ("Hà Nội", 1), ("Đà Nẵng", 0)]


def test_the_text_is_plain_and_keeps_html_characters():
    [question] = aiken.parse("Ký hiệu < & > là gì?\nA. <b>\nB. &amp;\nANSWER: A")

    assert (question.text_format, question.text, question.answers[1].text) == ("plain", "Ký hiệu < & > là gì?", "&amp;")


def test_questions_follow_each_other_with_or_without_blank_lines():
    text = "Một?\nA. a\nB. b\nANSWER: A\nHai?\nA) c\nB) d\nANSWER: B\n\n\n   Ba?\n   A. e\n   B. f\n   ANSWER: A"

    assert [(q.text, q.line) for q in aiken.parse(text)] == [("Một?", 1), ("Hai?", 5), ("Ba?", 11)]


def test_the_question_text_may_take_several_lines():
    [question] = aiken.parse("Theo Luật Cán bộ, công chức,\nai là công chức?\nA. Viên chức\nB. Công chức\nANSWER: B")

    assert question.text == "Theo Luật Cán bộ, công chức,\nai là công chức?"


def test_the_answer_is_the_option_with_that_letter_even_when_letters_are_skipped():
    [question] = aiken.parse("Câu?\nA. một\nC. ba\nD. bốn\nANSWER: C")

    assert [(a.text, a.fraction) for a in question.answers] == [("một", 0), ("ba", Decimal(1)), ("bốn", 0)]


@pytest.mark.parametrize("line", ["ANSWER: B", "ANSWER:B", "answer: b", "Answer : B.", "ĐÁP ÁN: B", "Đáp án: b)"])
def test_the_answer_line_may_be_written_in_several_ways(line):
    [question] = aiken.parse(f"Câu?\nA. sai\nB. đúng\n{line}")

    assert [a.fraction for a in question.answers] == [0, 1]


def test_it_reads_a_byte_order_mark_and_windows_line_endings():
    [question] = aiken.parse_bytes("\ufeffCâu?\r\nA. sai\r\nB. đúng\r\nANSWER: B\r\n".encode())

    assert (question.text, question.answers[1].fraction) == ("Câu?", 1)


def test_moodles_error_cases_are_reported_with_their_lines():
    text = (
        "Câu có quá ít phương án\nA) Chỉ một\nANSWER: A\n\n"
        "A) Chưa có câu hỏi\n\nANSWER: A\n\n"
        "Câu hỏi tốt\nA) Đúng\nB) Sai\nANSWER: A\n\n"
        "Câu chưa xong\nA) Gần đúng\nB) Gần sai\n\n"
        "Câu tốt thứ hai\nA)Sai (không dấu cách)\nB)Đúng (không dấu cách)\nANSWER: B"
    )

    found = errors(text)

    assert [error["line"] for error in found] == [3, 5, 7, 14]
    assert "at least two options" in found[0]["message"]
    assert "no question text" in found[1]["message"]
    assert "no question text" in found[2]["message"]
    assert "no ANSWER line" in found[3]["message"]


def test_a_question_left_without_answer_at_the_end_is_reported_at_its_first_line():
    assert errors("Một?\nA. a\nB. b\nANSWER: A\n\nHai?\nA. c\nB. d\n") == [
        {"line": 6, "message": "This question has no ANSWER line (such as ANSWER: B) after its options."}]


def test_an_answer_letter_that_is_not_an_option_is_reported():
    [error] = errors("Câu?\nA. a\nB. b\nANSWER: E")

    assert error["line"] == 4
    assert "E is not one of this question's options (A, B)" in error["message"]


@pytest.mark.parametrize("line", ["ANSWER: B, C", "ANSWER:", "ANSWER: Hà Nội"])
def test_an_answer_that_is_not_one_letter_is_reported(line):
    [error] = errors(f"Câu?\nA. a\nB. b\n{line}")

    assert "one option letter" in error["message"]


def test_a_letter_used_twice_and_an_empty_option_are_reported():
    found = errors("Câu?\nA. a\nA. b\nB.\nANSWER: A")

    assert [(error["line"], error["message"]) for error in found] == [
        (3, "Option A appears twice in this question."), (4, "Option B has no text.")]


def test_a_file_that_is_not_utf8_is_reported():
    with pytest.raises(FormatError) as raised:
        aiken.parse_bytes("Câu?\nA. a\nB. b\nANSWER: A\n\nCâu hai?".encode("cp1258"))

    assert raised.value.errors[0]["line"] == 1
    assert "UTF-8" in raised.value.errors[0]["message"]


def test_an_empty_file_has_no_questions():
    assert aiken.parse("\n\n  \n") == []


def test_it_writes_single_choice_questions_and_leaves_out_the_other_types():
    questions = [
        ParsedQuestion("single", "Thủ đô\ncủa Việt Nam?", answers=[
            ParsedAnswer("Huế", Decimal("0.5"), "gần"), ParsedAnswer("Hà Nội", Decimal(1)), ParsedAnswer("Đà Nẵng")]),
        ParsedQuestion("essay", "Trình bày."),
        ParsedQuestion("multiple", "Chọn.", answers=[ParsedAnswer("a", Decimal("0.5")), ParsedAnswer("b")]),
        ParsedQuestion("single", "Hai?", answers=[ParsedAnswer("một"), ParsedAnswer("hai", Decimal(1))]),
    ]

    assert aiken.dump(questions) == (
        "Thủ đô của Việt Nam?\nA. Huế\nB. Hà Nội\nC. Đà Nẵng\nANSWER: B\n\nHai?\nA. một\nB. hai\nANSWER: B\n")


def test_what_it_writes_reads_back_to_the_same_questions():
    questions = [ParsedQuestion("single", f"Câu {n}: “Ủy ban” = ?", answers=[
        ParsedAnswer(f"Phương án {letter}", Decimal(letter == "ABCD"[n % 4])) for letter in "ABCD"])
        for n in range(6)]

    assert [(q.text, q.answers) for q in aiken.parse(aiken.dump(questions))] == [
        (q.text, q.answers) for q in questions]
