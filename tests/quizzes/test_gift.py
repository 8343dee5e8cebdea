"""Moodle's GIFT format: what `gift.parse` reads, what it refuses, and what `gift.dump` writes back."""

import unicodedata
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import TEXT_FORMATS, FormatError, ParsedAnswer, ParsedQuestion, gift

SAMPLES = Path(__file__).parent / "gift_samples"


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def one(text: str) -> ParsedQuestion:
    questions = gift.parse(text)
    assert len(questions) == 1
    return questions[0]


def errors(text: str) -> list[dict]:
    with pytest.raises(FormatError) as raised:
        gift.parse(text)
    return raised.value.errors


def only_error(text: str) -> dict:
    found = errors(text)
    assert len(found) == 1, found
    return found[0]


def fractions(question: ParsedQuestion) -> list[Decimal]:
    return [answer.fraction for answer in question.answers]


def without_lines(questions: list[ParsedQuestion]) -> list[ParsedQuestion]:
    return [replace(question, line=0) for question in questions]


def round_trip(questions: list[ParsedQuestion]) -> list[ParsedQuestion]:
    return without_lines(gift.parse(gift.dump(questions)))


# Every type


def test_it_reads_a_single_choice_question_with_answer_feedback():
    question = one("::Q2:: Màu giữa cam và lục?\n{\n =vàng # đúng!\n ~đỏ # sai, là vàng\n ~lam\n}")

    assert question.type == "single"
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("vàng", 1, "đúng!"), ("đỏ", 0, "sai, là vàng"), ("lam", 0, "")]


def test_it_reads_partial_credit_in_a_single_choice_question():
    question = one("Câu khó.{~sai ~%50%nửa điểm =trọn điểm}")

    assert question.type == "single"
    assert fractions(question) == [0, Decimal("0.5"), 1]


def test_it_keeps_several_fully_right_answers_in_a_single_choice_question():
    question = one("Chọn một.{=Hà Nội =Thăng Long ~Huế}")

    assert question.type == "single"
    assert fractions(question) == [1, 1, 0]


def test_only_tilde_weights_make_a_multiple_answer_question_and_they_may_be_negative():
    question = one("Cơ quan hành chính? {\n ~%-100%Quốc hội\n ~%50%Chính phủ\n ~%50%UBND\n ~Tòa án }")

    assert question.type == "multiple"
    assert fractions(question) == [-1, Decimal("0.5"), Decimal("0.5"), 0]


def test_it_reads_decimal_weights():
    question = one("Ba đáp án đúng.{~%33.33333%a ~%33.33333%b ~%33.33334%c ~%-100%d}")

    assert fractions(question) == [Decimal("0.3333333"), Decimal("0.3333333"), Decimal("0.3333334"), -1]


@pytest.mark.parametrize(("written", "true_fraction"), [("T", 1), ("TRUE", 1), ("F", 0), ("FALSE", 0)])
def test_it_reads_every_spelling_of_true_and_false(written, true_fraction):
    question = one(f"Hiến pháp 2013 có 11 chương.{{{written}}}")

    assert question.type == "true_false"
    assert [(a.text, a.fraction) for a in question.answers] == [("true", true_fraction), ("false", 1 - true_fraction)]


def test_true_false_feedback_goes_to_the_answer_whose_choice_shows_it():
    """Moodle: the first feedback is for a wrong answer, the second for the right one."""
    true_right = one("Đúng?{TRUE#Bạn chọn Sai.#Bạn chọn Đúng.}")
    false_right = one("Sai?{F#Bạn chọn Đúng.#Bạn chọn Sai.}")

    for question in (true_right, false_right):
        assert [(a.text, a.feedback) for a in question.answers] == [
            ("true", "Bạn chọn Đúng."), ("false", "Bạn chọn Sai.")]


def test_a_true_false_question_may_have_feedback_for_the_right_answer_only():
    question = one("Đúng?{T##Chính xác.}")

    assert [a.feedback for a in question.answers] == ["Chính xác.", ""]


def test_it_reads_a_short_answer_question_with_weights_feedback_and_a_wildcard():
    question = one("::Con vật::Con vật nào?{\n =Ếch#Tốt!\n =%50%Mèo#Tạm được.\n =%0%*#Sai hoàn toàn\n}")

    assert question.type == "short_answer"
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("Ếch", 1, "Tốt!"), ("Mèo", Decimal("0.5"), "Tạm được."), ("*", 0, "Sai hoàn toàn")]


def test_a_bare_answer_is_a_short_answer_as_in_moodle():
    question = one("1 + 2 \\= {3}")

    assert question.type == "short_answer"
    assert [(a.text, a.fraction) for a in question.answers] == [("3", 1)]


def test_it_reads_a_numerical_answer_with_a_tolerance():
    answer = one("Pi?{#3.14:0.01}").answers[0]

    assert (answer.value, answer.tolerance, answer.fraction) == (Decimal("3.14"), Decimal("0.01"), 1)


def test_an_exact_numerical_answer_has_zero_tolerance():
    answer = one("Năm?{#1946}").answers[0]

    assert (answer.value, answer.tolerance) == (1946, 0)


def test_it_reads_a_numerical_range():
    answer = one("Một số từ 1 đến 5?{#1..5}").answers[0]

    assert (answer.minimum, answer.maximum, answer.value, answer.tolerance) == (1, 5, None, None)


def test_it_reads_negative_numbers_and_ranges():
    question = one("Âm?{#=-5..-1 =%50%-10:0.5 =-2e1}")

    assert [(a.minimum, a.maximum, a.value, a.tolerance) for a in question.answers] == [
        (-5, -1, None, None), (None, None, -10, Decimal("0.5")), (None, None, -20, 0)]


def test_it_reads_several_weighted_numerical_answers_with_their_feedback():
    question = one("Năm?{#=%100%3:0 =%50%3:1 #gần đúng}")

    assert [(a.value, a.tolerance, a.fraction, a.feedback) for a in question.answers] == [
        (3, 0, 1, ""), (3, 1, Decimal("0.5"), "gần đúng")]


def test_the_numerical_wrong_answer_feedback_is_an_answer_for_anything_else():
    question = one("::Q5:: Một số từ 1 đến 5? {#3:2~#Sai hoàn toàn}")

    assert question.answers[-1] == ParsedAnswer(text="*", fraction=Decimal(0), feedback="Sai hoàn toàn")


def test_it_reads_a_matching_question_whose_option_without_item_is_a_distractor():
    question = one("Ghép.{\n =Quốc hội -> Lập pháp\n =Chính phủ->Hành pháp\n = -> Ngoại giao\n}")

    assert question.type == "matching"
    assert [(a.text, a.match_text) for a in question.answers] == [
        ("Quốc hội", "Lập pháp"), ("Chính phủ", "Hành pháp"), ("", "Ngoại giao")]


def test_a_matching_option_may_itself_hold_an_arrow_and_a_hash():
    question = one("Ghép.{=a -> b -> c =d -> #1}")

    assert [(a.text, a.match_text) for a in question.answers] == [("a", "b -> c"), ("d", "#1")]


def test_it_reads_an_essay_question():
    question = one("::Q8:: Bạn khỏe không? {}")

    assert (question.type, question.text, question.title, question.answers) == ("essay", "Bạn khỏe không?", "Q8", [])


@pytest.mark.parametrize("block", ["{####Chung.}", "{T####Chung.}", "{=a ~b ####Chung.}", "{#1####Chung.}",
                                   "{=a -> 1 =b -> 2\n####Chung.\n}", "{=có\n####[html]Chung.}"])
def test_it_reads_the_general_feedback_after_four_hashes(block):
    assert one("Câu hỏi?" + block).general_feedback == "Chung."


def test_every_question_is_worth_one_point_and_has_no_options():
    for question in gift.parse("Một?{T}\n\nHai?{=hai}\n\nBa?{}"):
        assert (question.points, question.options) == (1, {})



def test_an_options_comment_before_a_short_answer_question_sets_its_options():
    text = ("// [options] ignore_diacritics case_sensitive=false\nTỉnh lỵ của Đắk Lắk?{=Buôn Ma Thuột}\n\n"
            "// [options] case_sensitive\n::Viết tắt::Ủy ban nhân dân?{=UBND}\n\nKhông có?{=x}")

    assert [question.options for question in gift.parse(text)] == [
        {"ignore_diacritics": True, "case_sensitive": False}, {"case_sensitive": True}, {}]


def test_an_options_comment_may_follow_the_category_line_or_stand_a_blank_line_before_its_question():
    text = "$CATEGORY: Địa danh\n// [options] ignore_diacritics\n\nTỉnh lỵ?{=Buôn Ma Thuột}\n\nThủ đô?{=Hà Nội}"

    first, second = gift.parse(text)
    assert (first.category, first.options, second.options) == ("Địa danh", {"ignore_diacritics": True}, {})


def test_an_unknown_option_is_reported_at_its_line():
    error = only_error("Câu một?{=một}\n\n// [options] ignore_accents\nCâu hai?{=hai}")

    assert error["line"] == 3
    assert "ignore_accents" in error["message"] and "ignore_diacritics" in error["message"]


# The text


def test_the_text_is_as_written_without_its_title():
    question = one("::Tiêu đề::  Thủ tục   hành chính: là gì?{}")

    assert (question.title, question.text) == ("Tiêu đề", "Thủ tục   hành chính: là gì?")


def test_answers_inside_the_text_become_a_blank():
    question = one("Thủ đô là {~Huế =Hà Nội} từ năm 1010.")

    assert question.text == "Thủ đô là _____ từ năm 1010."


def test_answers_that_end_the_text_leave_no_blank():
    assert one("Thủ đô là?\n{=Hà Nội ~Huế}").text == "Thủ đô là?"


def test_even_a_full_stop_after_the_answers_makes_a_blank_as_in_moodle():
    assert one("Pi là {#3.14:0.01}.").text == "Pi là _____."


def test_text_keeps_its_lines_and_their_indentation():
    question = one("::Q001::[html]<p>Kết quả?</p>\n<pre>\n    def f() \\{\n        return 1\n    \\}\n</pre>\n{}")

    assert question.text == "<p>Kết quả?</p>\n<pre>\n    def f() {\n        return 1\n    }\n</pre>"


@pytest.mark.parametrize(("prefix", "text_format"), [
    ("", "plain"), ("[plain]", "plain"), ("[html]", "html"), ("[markdown]", "markdown"), ("[moodle]", "moodle")])
def test_the_format_prefix_sets_the_text_format_and_plain_is_the_default(prefix, text_format):
    question = one(f"::T::{prefix}Câu **hỏi**?{{}}")

    assert (question.text_format, question.text) == (text_format, "Câu **hỏi**?")


def test_an_unknown_bracket_prefix_is_text():
    assert one("[ghi chú] Câu hỏi?{}").text == "[ghi chú] Câu hỏi?"


def test_format_prefixes_of_answers_and_feedback_are_dropped():
    question = one("[html]Câu?{=[html]<b>đúng</b>#[plain]tốt ~[markdown]sai ####[html]<i>chung</i>}")

    assert [(a.text, a.feedback) for a in question.answers] == [("<b>đúng</b>", "tốt"), ("sai", "")]
    assert (question.text_format, question.general_feedback) == ("html", "<i>chung</i>")


# Escapes, comments, categories, lines


def test_every_escape_gives_its_character():
    question = one("::a\\:b:: Ký tự \\~ \\= \\# \\{ \\} \\: \\\\ và\\ndòng mới?{}")

    assert question.title == "a:b"
    assert question.text == "Ký tự ~ = # { } : \\ và\ndòng mới?"


def test_a_backslash_before_an_ordinary_character_stays():
    assert one("Đường dẫn C\\Windows và \\d+?{}").text == "Đường dẫn C\\Windows và \\d+?"


def test_escaped_characters_in_answers_and_feedback_are_plain_characters():
    question = one("Bằng 5? {\n ~ \\= 2 + 2 # \\# sai\n = \\= 2 + 3 # a\\~b\\{c\\}\n}")

    assert [(a.text, a.feedback) for a in question.answers] == [("= 2 + 2", "# sai"), ("= 2 + 3", "a~b{c}")]


def test_an_escaped_backslash_before_a_brace_leaves_the_brace_special():
    question = one("Gạch chéo \\\\{=có ~không}")

    assert (question.text, question.type) == ("Gạch chéo \\", "single")


def test_comment_lines_are_ignored_even_inside_a_question():
    question = one("// đầu\n  // thụt lề\nDòng một\n// giữa\ndòng hai{\n// trong\n=a ~b}")

    assert question.text == "Dòng một\ndòng hai"
    assert question.line == 3


def test_a_category_line_sets_the_category_of_the_questions_that_follow():
    questions = gift.parse("Đầu?{}\n\n$CATEGORY: Luật/Chương 1\n\nMột?{}\n\nHai?{}\n\n$CATEGORY: Khác\n\nBa?{}")

    assert [q.category for q in questions] == ["", "Luật/Chương 1", "Luật/Chương 1", "Khác"]


@pytest.mark.parametrize(("written", "category"), [
    ("$course$/top/Default for Luật/Chương 1", "Default for Luật/Chương 1"),
    ("$course$/Default for Luật", "Default for Luật"),
    ("$system$/top", ""),
    ("$module$/top/Ôn tập", "Ôn tập"),
    ("top/Ôn tập", "top/Ôn tập"),
])
def test_moodles_context_prefix_is_dropped_from_categories(written, category):
    assert one(f"$CATEGORY: {written}\n\nCâu?{{}}").category == category


def test_a_question_may_follow_its_category_line_without_a_blank_line():
    question = one("// question: 0\n$CATEGORY: Luật\n::Q::Câu?{T}")

    assert (question.category, question.title, question.line) == ("Luật", "Q", 3)


def test_each_question_knows_the_line_where_it_starts():
    questions = gift.parse("// tiêu đề\n\nMột?{\n=a\n}\n\n\n// c\n::Hai::\nHai?{}\n")

    assert [q.line for q in questions] == [3, 9]


def test_a_file_of_comments_has_no_questions():
    assert gift.parse("// chỉ có chú thích\n\n   \n// hết\n") == []


def test_it_reads_a_byte_order_mark_and_windows_line_endings():
    questions = gift.parse_bytes("\ufeff// c\r\nMột?{T}\r\n\r\nHai?{\r\n=a\r\n~b\r\n}\r\n".encode())

    assert [(q.text, q.type, q.line) for q in questions] == [("Một?", "true_false", 2), ("Hai?", "single", 4)]


def test_it_reads_old_mac_line_endings():
    assert [q.line for q in gift.parse("Một?{T}\r\rHai?{F}")] == [1, 3]


def test_it_reads_utf16_with_its_byte_order_mark():
    assert one(gift.decode("Câu hỏi?{T}".encode("utf-16"))).text == "Câu hỏi?"


def test_decomposed_vietnamese_is_read_as_composed():
    """macOS writes decomposed text, where ≠ is = followed by a combining stroke."""
    question = one(unicodedata.normalize("NFD", "Tiếng Việt: 1 ≠ 2?{=Đúng ~Sai}"))

    assert question.text == "Tiếng Việt: 1 ≠ 2?"
    assert question.answers[0].text == "Đúng"


def test_it_reads_the_constructs_of_moodles_gift_documentation():
    questions = gift.parse_bytes((SAMPLES / "moodle_documentation.gift.txt").read_bytes())

    assert [q.type for q in questions] == [
        "single", "single", "single", "short_answer", "short_answer", "true_false", "true_false", "matching",
        "numerical", "numerical", "numerical", "numerical", "numerical", "short_answer", "single", "short_answer",
        "true_false", "single", "single", "multiple", "single", "single", "essay", "essay", "true_false"]
    assert questions[1].text == "Thủ đô của nước ta là _____ từ năm 1010."
    assert questions[13].title == "Quốc hiệu"
    assert questions[13].text == "Quốc hiệu được ghi trên\nvăn bản hành chính ở đâu?"
    assert questions[15].text_format == "markdown"
    assert questions[18].text == "Nghị định do cơ quan nào ban hành? _____."
    assert fractions(questions[18]) == [0, Decimal("0.25"), Decimal("0.5"), 1]
    assert questions[21].answers[-1].text == "\\"
    assert questions[21].answers[-1].feedback.startswith("Đúng! \\ (gạch chéo ngược)")
    assert questions[22].general_feedback == "Mong bạn luôn khỏe."
    assert [q.category for q in questions[-2:]] == ["", "Cải cách hành chính/Thủ tục"]


def test_it_reads_a_bank_exported_by_moodle():
    questions = gift.parse_bytes((SAMPLES / "moodle_export.gift.txt").read_bytes())

    assert {q.category for q in questions} == {"Default for Luật cán bộ/Chương 1"}
    assert [q.type for q in questions] == ["matching", "single", "short_answer", "true_false", "numerical", "essay"]
    assert questions[0].answers[2] == ParsedAnswer(text="", match_text="Ngoại giao")
    assert questions[1].text == '<a href="https://thuvienphapluat.vn/">Mở văn bản:</a><br>Văn bản này là gì?'
    assert [(a.text, a.fraction, a.feedback) for a in questions[2].answers] == [
        ("Moodler", 1, ""), ("moodler", Decimal("0.5"), "Gần đúng.")]
    assert questions[3].general_feedback == "Xem Luật Tổ chức chính quyền địa phương."
    assert questions[4].answers == [
        ParsedAnswer(value=Decimal(5), tolerance=Decimal(0), fraction=Decimal(1)),
        ParsedAnswer(text="*", feedback="Không đúng.")]
    assert [q.line for q in questions] == [6, 13, 20, 26, 29, 35]


# Errors, each with the line where its question starts


def test_an_unclosed_brace_is_reported_at_the_line_where_the_question_starts():
    error = only_error("Một?{T}\n\n// c\nHai?\n{=a ~b")

    assert error["line"] == 4
    assert "no }" in error["message"]


def test_a_blank_line_inside_the_answers_is_reported_on_both_halves():
    found = errors("Câu?{\n=a\n\n~b\n}")

    assert [e["line"] for e in found] == [1, 4]
    assert "blank line" in found[0]["message"]
    assert "} without a {" in found[1]["message"]


def test_a_second_answer_block_is_reported():
    assert "one answer block" in only_error("Câu {=a ~b} và {=c ~d}?")["message"]


def test_a_question_without_answers_is_reported():
    assert "no answers between { and }" in only_error("Chỉ là mô tả.")["message"]


def test_an_unclosed_title_is_reported():
    assert "title is not closed" in only_error("::Tiêu đề Câu hỏi?{}")["message"]


def test_a_question_without_text_is_reported():
    assert "no text" in only_error("::Tiêu đề::{T}")["message"]


@pytest.mark.parametrize("block", ["{a ~b =c}", "{sai =đúng}"])
def test_text_before_the_first_answer_is_reported(block):
    assert "text before the first answer" in only_error(f"Câu?{block}")["message"]


def test_a_choice_question_without_a_right_answer_is_reported():
    assert "no right answer" in only_error("Câu?{~a ~b ~c}")["message"]


def test_a_multiple_answer_question_without_a_positive_weight_is_reported():
    assert "no right answer" in only_error("Câu?{~%-50%a ~%0%b ~c}")["message"]


def test_a_choice_question_with_one_answer_is_reported():
    assert "at least two answers" in only_error("Câu?{~%100%chỉ một}")["message"]


def test_an_empty_answer_is_reported():
    assert "Answer 2 is empty" in only_error("Câu?{=a ~ ~c}")["message"]


@pytest.mark.parametrize("block", ["{=a ~%150%b}", "{~%-200%a ~%50%b}", "{=%101%a}", "{#=%120%3}"])
def test_a_weight_outside_minus_100_to_100_is_reported(block):
    assert "outside -100% to 100%" in only_error(f"Câu?{block}")["message"]


@pytest.mark.parametrize("block", ["{=a ~%-50%b}", "{=a =%-50%b}", "{#=3 =%-50%4}"])
def test_a_negative_weight_is_reported_outside_a_multiple_answer_question(block):
    assert "negative weight" in only_error(f"Câu?{block}")["message"]


@pytest.mark.parametrize(("block", "shown"), [
    ("{#ba}", "ba"), ("{#3,14}", "3,14"), ("{#3:abc}", "abc"), ("{#1..x}", "x"), ("{#3\\:1}", "3:1"), ("{#3:}", "")])
def test_a_numerical_answer_that_is_not_a_number_is_reported(block, shown):
    assert f"“{shown}” is not a number" in only_error(f"Câu?{block}")["message"]


def test_an_upside_down_range_and_a_negative_tolerance_are_both_reported():
    found = errors("Câu?{#=5..1 =3:-1}")

    assert ["range starts above" in e["message"] or "tolerance cannot be negative" in e["message"]
            for e in found] == [True, True]


def test_a_numerical_question_without_answers_is_reported():
    assert "at least one answer" in only_error("Câu?{#~#sai}")["message"]


def test_a_matching_pair_without_an_arrow_is_reported():
    assert "Pair 2 has no “->”" in only_error("Ghép.{=a -> 1 =b =c -> 3}")["message"]


def test_a_matching_pair_without_a_match_is_reported():
    assert "Pair 1 has nothing after" in only_error("Ghép.{=a -> =b -> 2 =c -> 3}")["message"]


def test_a_matching_question_with_fewer_than_two_pairs_is_reported():
    assert "at least two pairs" in only_error("Ghép.{=a -> 1 = -> 2}")["message"]


def test_every_error_of_the_file_is_reported_at_once():
    text = "Tốt?{T}\n\nXấu một?{~a ~b}\n\n$CATEGORY: X\n\nTốt?{}\n\n::Xấu hai::{=a ~%300%b ~}\n\nXấu ba?{#x}"

    assert [e["line"] for e in errors(text)] == [3, 9, 9, 9, 11]


def test_a_file_that_is_not_utf8_is_reported_at_the_line_of_the_first_bad_byte():
    data = "Câu một?{T}\n\nCâu hai?{F}\n".encode() + "Câu ba?{T}".encode("cp1258")

    with pytest.raises(FormatError) as raised:
        gift.parse_bytes(data)

    assert raised.value.errors[0]["line"] == 4
    assert "UTF-8" in raised.value.errors[0]["message"]


# Writing


def test_it_writes_each_type_as_moodle_does():
    questions = [
        ParsedQuestion("single", "Chọn?", title="Q1", answers=[
            ParsedAnswer("đúng", Decimal(1), "Tốt!"), ParsedAnswer("nửa", Decimal("0.5")), ParsedAnswer("sai")]),
        ParsedQuestion("multiple", "Nhiều?", answers=[
            ParsedAnswer("a", Decimal("0.5")), ParsedAnswer("b", Decimal("0.5")), ParsedAnswer("c", Decimal(-1))]),
        ParsedQuestion("true_false", "Đúng?", general_feedback="Chung", answers=[
            ParsedAnswer("true", Decimal(1), "Đúng rồi"), ParsedAnswer("false", Decimal(0), "Sai rồi")]),
        ParsedQuestion("short_answer", "Ngắn?", answers=[
            ParsedAnswer("UBND", Decimal(1)), ParsedAnswer("Ủy ban", Decimal("0.5"), "Gần")]),
        ParsedQuestion("numerical", "Số?", answers=[
            ParsedAnswer(value=Decimal("3.14"), tolerance=Decimal("0.01"), fraction=Decimal(1)),
            ParsedAnswer(minimum=Decimal(1), maximum=Decimal(5), fraction=Decimal("0.5")),
            ParsedAnswer(text="*", feedback="Sai")]),
        ParsedQuestion("matching", "Ghép.", answers=[
            ParsedAnswer("Quốc hội", match_text="Lập pháp"), ParsedAnswer("", match_text="Ngoại giao")]),
        ParsedQuestion("essay", "Viết.", general_feedback="Chấm tay"),
    ]

    assert gift.dump(questions) == (
        "::Q1::Chọn?{\n\t=đúng#Tốt!\n\t~%50%nửa\n\t~sai\n}\n\n"
        "Nhiều?{\n\t~%50%a\n\t~%50%b\n\t~%-100%c\n}\n\n"
        "Đúng?{TRUE#Sai rồi#Đúng rồi####Chung}\n\n"
        "Ngắn?{\n\t=UBND\n\t=%50%Ủy ban#Gần\n}\n\n"
        "Số?{#\n\t=3.14:0.01\n\t=%50%1..5\n\t~#Sai\n}\n\n"
        "Ghép.{\n\t=Quốc hội -> Lập pháp\n\t= -> Ngoại giao\n}\n\n"
        "Viết.{####Chấm tay}\n\n"
    )


def test_it_writes_a_category_line_only_when_the_category_changes():
    questions = [ParsedQuestion("essay", str(n), category=category)
                 for n, category in enumerate(["", "A/B", "A/B", "C", ""])]

    assert gift.dump(questions) == (
        "0{}\n\n$CATEGORY: A/B\n\n1{}\n\n2{}\n\n$CATEGORY: C\n\n3{}\n\n$CATEGORY: \n\n4{}\n\n")


def test_it_escapes_special_characters_and_new_lines():
    question = ParsedQuestion("essay", "a~b=c#d{e}f:g\\h\ni", title="t::1")

    assert gift.dump([question]) == "::t\\:\\:1::a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni{}\n\n"


def test_it_puts_the_answers_where_the_blank_was():
    question = ParsedQuestion("single", "Thủ đô là _____ từ năm 1010.", answers=[
        ParsedAnswer("Hà Nội", Decimal(1)), ParsedAnswer("Huế")])

    assert gift.dump([question]).startswith("Thủ đô là {\n\t=Hà Nội\n\t~Huế\n} từ năm 1010.")


def test_it_keeps_text_from_reading_as_a_comment_a_format_or_a_weight():
    question = ParsedQuestion("multiple", "// không phải chú thích", answers=[
        ParsedAnswer("[html]<b>", Decimal(1)), ParsedAnswer("%50%x", Decimal(0), "[markdown]y")])

    assert gift.dump([question]) == (
        "[plain]// không phải chú thích{\n\t~%100%[plain][html]<b>\n\t~%0%%50%x#[plain][markdown]y\n}\n\n")


def test_it_writes_the_right_answer_of_a_single_choice_question_with_equals_even_when_all_are_right():
    question = ParsedQuestion("single", "Chọn.", answers=[ParsedAnswer("a", Decimal(1)), ParsedAnswer("b", Decimal(1))])

    assert gift.dump([question]) == "Chọn.{\n\t=a\n\t~%100%b\n}\n\n"
    assert round_trip([question]) == [question]


def test_an_arrow_in_a_short_answer_or_a_matching_item_is_written_so_it_reads_back():
    questions = [
        ParsedQuestion("short_answer", "Phản ứng?", answers=[ParsedAnswer("A -> B", Decimal(1), "x -> y")]),
        ParsedQuestion("matching", "Ghép.", answers=[
            ParsedAnswer("1 -> 2", match_text="3 -> 4"), ParsedAnswer("-\\>", match_text="5")]),
    ]

    assert round_trip(questions) == questions



def test_it_writes_short_answer_options_as_a_comment_that_moodle_ignores():
    question = ParsedQuestion("short_answer", "Tỉnh lỵ?", answers=[ParsedAnswer("Buôn Ma Thuột", Decimal(1))],
                              options={"ignore_diacritics": True, "case_sensitive": False})

    assert gift.dump([question]) == (
        "// [options] ignore_diacritics case_sensitive=false\nTỉnh lỵ?{\n\t=Buôn Ma Thuột\n}\n\n")
    assert round_trip([question]) == [question]


# Round trips

VIETNAMESE = [
    ParsedQuestion("single", "Theo Luật {Cán bộ}, công chức: ai ~ là = người # nào?", title="Câu 1: định nghĩa",
                   category="Luật cán bộ/Chương 1", general_feedback="Điều 4 \\ khoản 2 # xem thêm",
                   answers=[ParsedAnswer("Công dân Việt Nam ~ được tuyển dụng", Decimal(1), "Đúng: {Điều 4}"),
                            ParsedAnswer("Người lao động = hợp đồng", Decimal(0), "Sai # vì"),
                            ParsedAnswer("Viên chức: đơn vị sự nghiệp", Decimal("0.25"))]),
    ParsedQuestion("multiple", "Chọn các cơ quan\nthuộc hành pháp:", category="Luật cán bộ/Chương 1",
                   answers=[ParsedAnswer("Chính phủ", Decimal("0.5")), ParsedAnswer("Bộ", Decimal("0.5")),
                            ParsedAnswer("Quốc hội", Decimal(-1), "Lập pháp!")]),
    ParsedQuestion("true_false", "Hiến pháp năm 2013 có 11 chương", text_format="markdown", category="Khác",
                   general_feedback="**120** điều", answers=[
                       ParsedAnswer("true", Decimal(0), "Sai: đếm lại"), ParsedAnswer("false", Decimal(1))]),
    ParsedQuestion("short_answer", "Viết tắt của Ủy ban nhân dân là _____.", category="Khác",
                   options={"case_sensitive": True, "ignore_diacritics": False}, answers=[
        ParsedAnswer("UBND", Decimal(1), "Đúng"), ParsedAnswer("U.B.N.D", Decimal("0.5")),
        ParsedAnswer("*", Decimal(0), "Xem lại")]),
    ParsedQuestion("numerical", "Nhiệm kỳ Quốc hội (năm)?", title="Nhiệm kỳ", answers=[
        ParsedAnswer(value=Decimal(5), tolerance=Decimal(0), fraction=Decimal(1)),
        ParsedAnswer(minimum=Decimal("4.5"), maximum=Decimal("5.5"), fraction=Decimal("0.5"), feedback="Gần"),
        ParsedAnswer(text="*", feedback="Sai")]),
    ParsedQuestion("matching", "<p>Ghép <b>cơ quan</b>:</p>", text_format="html", answers=[
        ParsedAnswer("Quốc hội", match_text="Lập pháp"), ParsedAnswer("Chính phủ", match_text="Hành pháp"),
        ParsedAnswer("", match_text="Ngoại giao")]),
    ParsedQuestion("essay", "Trình bày {ý kiến} của bạn: 3 ý.", text_format="moodle", general_feedback="Chấm tay"),
]


def test_vietnamese_questions_with_special_characters_survive_a_round_trip():
    assert round_trip(VIETNAMESE) == VIETNAMESE


def test_the_sample_files_survive_a_round_trip():
    for sample in SAMPLES.iterdir():
        questions = without_lines(gift.parse_bytes(sample.read_bytes()))

        assert round_trip(questions) == questions


ALPHABET = "aăâbđeêoôơuưAĂĐƯ áàảãạếềểễệ ~=#{}:\\%[]->/_*$.,0123456789\n\t"
TRICKY = ["[html]", "[plain]x", "//", "::", "%50%", "%-5.5%", "->", "-\\>", "_____", "$CATEGORY:", "\\n", "{T}",
          "TRUE", "####", "#", "~%", "=%100%", "..", ":0", "*"]


def texts(min_size: int = 1):
    piece = st.one_of(st.sampled_from(TRICKY), st.text(alphabet=ALPHABET, max_size=8))
    text = st.lists(piece, max_size=4).map("".join).map(str.strip)
    return text.filter(lambda t: len(t) >= min_size)


def numbers():
    return st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False)


WEIGHTS = [Decimal(w) for w in ("0", "0.1", "0.25", "0.3333333", "0.5", "1")]


@st.composite
def choice_answers(draw, kind):
    weights = WEIGHTS if kind == "single" else WEIGHTS + [-w for w in WEIGHTS[1:]]
    answers = [ParsedAnswer(draw(texts()), draw(st.sampled_from(weights)), draw(texts(0)))
               for _ in range(draw(st.integers(2, 5)))]
    right = draw(st.integers(0, len(answers) - 1))
    answers[right].fraction = Decimal(1) if kind == "single" else draw(st.sampled_from(WEIGHTS[1:]))
    return answers


@st.composite
def true_false_answers(draw):
    right = draw(st.booleans())
    return [ParsedAnswer("true", Decimal(right), draw(texts(0))),
            ParsedAnswer("false", Decimal(not right), draw(texts(0)))]


@st.composite
def short_answers(draw):
    answers = [ParsedAnswer(draw(texts()), draw(st.sampled_from(WEIGHTS)), draw(texts(0)))
               for _ in range(draw(st.integers(1, 4)))]
    answers[0].fraction = Decimal(1)
    return answers


@st.composite
def numerical_answer(draw):
    form = draw(st.sampled_from(["value", "range", "any"]))
    fraction, feedback = draw(st.sampled_from(WEIGHTS)), draw(texts(0))
    if form == "value":
        tolerance = draw(st.decimals(min_value=0, max_value=100, places=2))
        return ParsedAnswer(value=draw(numbers()), tolerance=tolerance, fraction=fraction, feedback=feedback)
    if form == "range":
        low, high = sorted([draw(numbers()), draw(numbers())])
        return ParsedAnswer(minimum=low, maximum=high, fraction=fraction, feedback=feedback)
    return ParsedAnswer(text="*", fraction=fraction, feedback=feedback)


@st.composite
def numerical_answers(draw):
    answers = draw(st.lists(numerical_answer(), min_size=1, max_size=4))
    answers[0].fraction = Decimal(1)
    return answers


@st.composite
def matching_answers(draw):
    pairs = [ParsedAnswer(draw(texts()), match_text=draw(texts())) for _ in range(draw(st.integers(2, 4)))]
    distractors = [ParsedAnswer("", match_text=draw(texts())) for _ in range(draw(st.integers(0, 2)))]
    return pairs + distractors


ANSWERS = {
    "single": choice_answers("single"),
    "multiple": choice_answers("multiple"),
    "true_false": true_false_answers(),
    "short_answer": short_answers(),
    "numerical": numerical_answers(),
    "matching": matching_answers(),
    "essay": st.just([]),
}

SHORT_ANSWER_OPTIONS = st.dictionaries(st.sampled_from(["ignore_diacritics", "case_sensitive"]), st.booleans())
OPTIONS = {kind: SHORT_ANSWER_OPTIONS if kind == "short_answer" else st.just({}) for kind in ANSWERS}


@st.composite
def any_question(draw):
    kind = draw(st.sampled_from(sorted(ANSWERS)))
    return ParsedQuestion(
        type=kind, text=draw(texts()), title=draw(texts(0)), text_format=draw(st.sampled_from(TEXT_FORMATS)),
        category=draw(st.sampled_from(["", "Luật", "Luật/Chương 1", "Cải cách: hành chính"])),
        general_feedback=draw(texts(0)), answers=draw(ANSWERS[kind]), options=draw(OPTIONS[kind]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_question(), min_size=1, max_size=5))
def test_any_list_of_questions_survives_a_round_trip(questions):
    assert round_trip(questions) == questions
