"""The XLSX question template: what `xlsx.template` offers, what `xlsx.parse` reads or refuses, `xlsx.dump`."""

import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import TEXT_FORMATS, FormatError, ParsedAnswer, ParsedQuestion, xlsx

HEADER = ["Nhóm (category)", "Loại (type)", "Tiêu đề (title)", "Câu hỏi (question)", "Điểm (points)",
          "Đáp án đúng (correct answer)", "A", "B", "C", "D", "Phản hồi chung (general feedback)",
          "Phản hồi A (feedback A)", "Phản hồi B (feedback B)", "Phản hồi C (feedback C)",
          "Định dạng (format)", "Bỏ qua dấu (ignore diacritics)", "Phân biệt chữ hoa (case sensitive)"]


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def workbook_bytes(rows: list[list], header: list | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Câu hỏi"
    for row in [header or HEADER, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(type_, text, correct=None, options=(), feedback=(), **cells) -> list:
    """A row of HEADER: options A-D, feedback A-C, other cells by name."""
    options, feedback = list(options) + [None] * (4 - len(options)), list(feedback) + [None] * (3 - len(feedback))
    return [cells.get("category"), type_, cells.get("title"), text, cells.get("points"), correct, *options,
            cells.get("general_feedback"), *feedback, cells.get("text_format"), cells.get("ignore_diacritics"),
            cells.get("case_sensitive")]


def parse_one(*cells, **named) -> ParsedQuestion:
    [question] = xlsx.parse(workbook_bytes([row(*cells, **named)]))
    return question


def errors_of(rows: list[list], header: list | None = None) -> list[dict]:
    with pytest.raises(FormatError) as raised:
        xlsx.parse(workbook_bytes(rows, header))
    return raised.value.errors


def only_error(*cells, **named) -> dict:
    [error] = errors_of([row(*cells, **named)])
    return error


def fractions(question: ParsedQuestion) -> list[Decimal]:
    return [answer.fraction for answer in question.answers]


# The template


def test_the_template_has_a_frozen_header_row_with_vietnamese_and_english_names_and_an_instructions_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.template()))
    sheet = workbook["Câu hỏi"]
    header = [cell.value for cell in sheet[1]]

    assert workbook.sheetnames == ["Câu hỏi", "Hướng dẫn"]
    assert header[:7] == ["Nhóm (category)", "Loại (type)", "Tiêu đề (title)", "Câu hỏi (question)",
                          "Điểm (points)", "Đáp án đúng (correct answer)", "A"]
    assert header[13:15] == ["H", "Phản hồi chung (general feedback)"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width == 50
    assert all(cell.comment for cell in sheet[1])
    assert "Ghép đôi" in [row[0] for row in workbook["Hướng dẫn"].iter_rows(values_only=True)]


def test_the_template_offers_the_question_types_in_a_dropdown():
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.template()))["Câu hỏi"]
    [type_list] = [v for v in sheet.data_validations.dataValidation if "B2" in str(v.sqref)]

    assert type_list.formula1 == '"Một đáp án,Nhiều đáp án,Đúng/Sai,Trả lời ngắn,Số,Ghép đôi,Tự luận"'


def test_the_template_has_an_example_of_every_type_that_imports_as_a_question():
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.template()))["Câu hỏi"]
    questions = xlsx.parse(xlsx.template())

    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == list(xlsx.TYPE_LABELS.values())
    assert [(q.type, q.category, q.line) for q in questions] == [
        (kind, "Ví dụ", line) for line, kind in enumerate(xlsx.TYPE_LABELS, 2)]


# Every type


def test_it_reads_a_single_choice_row_with_feedback():
    question = parse_one("Một đáp án", "Thủ đô?", "B", ["Huế", "Hà Nội", "Đà Nẵng"], ["Sai", "Đúng"],
                         category="Địa lý/Việt Nam", title="Thủ đô", general_feedback="Từ năm 1010.")

    assert (question.type, question.category, question.title, question.general_feedback, question.points) == (
        "single", "Địa lý/Việt Nam", "Thủ đô", "Từ năm 1010.", 1)
    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("Huế", 0, "Sai"), ("Hà Nội", 1, "Đúng"), ("Đà Nẵng", 0, "")]


def test_a_single_choice_row_may_give_partial_credit():
    assert fractions(parse_one("Một đáp án", "Câu?", "b, C=50%", ["a", "b", "c"])) == [0, 1, Decimal("0.5")]


def test_the_right_letters_of_a_multiple_answer_row_share_plus_100_and_the_others_minus_100():
    question = parse_one("Nhiều đáp án", "Câu?", "A, C", ["a", "b", "c", "d"])

    assert fractions(question) == [Decimal("0.5"), Decimal("-0.5"), Decimal("0.5"), Decimal("-0.5")]


def test_shares_that_do_not_divide_evenly_still_add_up_to_exactly_100():
    question = parse_one("Nhiều đáp án", "Câu?", "A;B;D", ["a", "b", "c", "d"])

    assert fractions(question) == [Decimal("0.3333333"), Decimal("0.3333333"), -1, Decimal("0.3333334")]
    assert sum(f for f in fractions(question) if f > 0) == 1


@pytest.mark.parametrize("correct", ["A=50%, C=50%, D=-100%", "A 50%; C:50% D (-100%)", "a=50,0% c=50 d=-100%"])
def test_a_multiple_answer_row_may_write_every_weight(correct):
    question = parse_one("Nhiều đáp án", "Câu?", correct, ["a", "b", "c", "d"])

    assert fractions(question) == [Decimal("0.5"), 0, Decimal("0.5"), -1]


@pytest.mark.parametrize(("correct", "true_fraction"), [
    ("Đúng", 1), ("Sai", 0), ("đ", 1), ("S", 0), ("TRUE", 1), ("false", 0), (True, 1), (False, 0)])
def test_a_true_false_row_takes_dung_or_sai_in_many_spellings(correct, true_fraction):
    question = parse_one("Đúng/Sai", "Câu?", correct)

    assert [(a.text, a.fraction) for a in question.answers] == [("true", true_fraction), ("false", 1 - true_fraction)]


def test_true_false_feedback_comes_from_feedback_a_for_true_and_feedback_b_for_false():
    question = parse_one("Đúng/Sai", "Câu?", "Sai", ["Đúng", "Sai"], ["Bạn chọn Đúng", "Bạn chọn Sai"])

    assert [(a.text, a.feedback) for a in question.answers] == [("true", "Bạn chọn Đúng"), ("false", "Bạn chọn Sai")]


def test_a_short_answer_row_may_hold_its_answer_in_the_correct_answer_column():
    question = parse_one("Trả lời ngắn", "Viết tắt?", "UBND", ignore_diacritics="Có", case_sensitive="không")

    assert question.answers == [ParsedAnswer("UBND", Decimal(1))]
    assert question.options == {"ignore_diacritics": True, "case_sensitive": False}


def test_a_short_answer_row_may_accept_several_weighted_answers():
    question = parse_one("Trả lời ngắn", "Viết tắt?", "A, B=50%", ["UBND", "U.B.N.D", "*"], ["", "Gần", "Sai"])

    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
        ("UBND", 1, ""), ("U.B.N.D", Decimal("0.5"), "Gần"), ("*", 0, "Sai")]
    assert question.options == {}


def test_several_short_answers_without_letters_are_all_fully_right():
    assert fractions(parse_one("Trả lời ngắn", "Viết tắt?", None, ["UBND", "Ủy ban"])) == [1, 1]


@pytest.mark.parametrize(("correct", "expected"), [
    ("3.14 ± 0.01", ParsedAnswer(value=Decimal("3.14"), tolerance=Decimal("0.01"))),
    ("3.14 +- 0.01", ParsedAnswer(value=Decimal("3.14"), tolerance=Decimal("0.01"))),
    ("3,14 ± 0,01", ParsedAnswer(value=Decimal("3.14"), tolerance=Decimal("0.01"))),
    ("1..5", ParsedAnswer(minimum=Decimal(1), maximum=Decimal(5))),
    ("-5 .. −1", ParsedAnswer(minimum=Decimal(-5), maximum=Decimal(-1))),
    (12, ParsedAnswer(value=Decimal(12), tolerance=Decimal(0))),
    (2.5, ParsedAnswer(value=Decimal("2.5"), tolerance=Decimal(0))),
])
def test_a_numerical_row_reads_a_number_a_tolerance_or_a_range(correct, expected):
    [answer] = parse_one("Số", "Số?", correct).answers

    assert answer == replace(expected, fraction=Decimal(1))


def test_a_numerical_row_may_accept_several_weighted_answers():
    question = parse_one("Số", "Năm?", "A, B=50%", ["1946", "1945..1947", "*"], ["", "", "Xem lại"])

    assert question.answers == [
        ParsedAnswer(value=Decimal(1946), tolerance=Decimal(0), fraction=Decimal(1)),
        ParsedAnswer(minimum=Decimal(1945), maximum=Decimal(1947), fraction=Decimal("0.5")),
        ParsedAnswer(text="*", feedback="Xem lại")]


def test_a_matching_row_reads_pairs_and_distractors():
    question = parse_one("Ghép đôi", "Ghép.", None, ["Quốc hội -> Lập pháp", "Chính phủ→Hành pháp", "-> Ngoại giao"])

    assert [(a.text, a.match_text) for a in question.answers] == [
        ("Quốc hội", "Lập pháp"), ("Chính phủ", "Hành pháp"), ("", "Ngoại giao")]


def test_an_essay_row_needs_only_its_text():
    question = parse_one("Tự luận", "Trình bày ý kiến.", points=5)

    assert (question.type, question.answers, question.points) == ("essay", [], 5)


@pytest.mark.parametrize(("label", "kind"), [
    ("Một đáp án", "single"), ("mot dap an", "single"), ("single", "single"), ("Nhiều đáp án", "multiple"),
    ("Đúng/Sai", "true_false"), ("đúng - sai", "true_false"), ("true_false", "true_false"),
    ("TRẢ LỜI NGẮN", "short_answer"), ("short answer", "short_answer"), ("Số", "numerical"),
    ("numerical", "numerical"), ("Ghép đôi", "matching"), ("ghep noi", "matching"), ("Tự luận", "essay"),
    ("essay", "essay")])
def test_the_type_may_be_its_vietnamese_label_or_its_api_name_in_any_case_with_or_without_diacritics(label, kind):
    cells = {"single": ("A", ["a", "b"]), "multiple": ("A", ["a", "b"]), "true_false": ("Đúng", []),
             "short_answer": ("x", []), "numerical": ("1", []), "matching": (None, ["a -> 1", "b -> 2"]),
             "essay": (None, [])}[kind]

    assert parse_one(label, "Câu?", *cells).type == kind


def test_columns_are_found_by_name_in_any_order_and_unknown_columns_are_ignored():
    header = ["STT", "Question", "Phương án A", "answer b", "Loai", "Dap an dung", "Ghi chú", "Feedback A"]
    [question] = xlsx.parse(workbook_bytes([[1, "Câu?", "a", "b", "Một đáp án", "A", "nháp", "Tốt"]], header))

    assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [("a", 1, "Tốt"), ("b", 0, "")]


def test_blank_rows_and_rows_holding_only_ignored_columns_are_skipped():
    header = ["STT", *HEADER]
    rows = [[1, *row("Tự luận", "Một?")], [2], [], [3, *row(None, None)], [4, *row("Tự luận", "Hai?")]]

    assert [(q.text, q.line) for q in xlsx.parse(workbook_bytes(rows, header))] == [("Một?", 2), ("Hai?", 6)]


def test_points_may_be_decimal_numbers_or_text_with_a_decimal_comma():
    assert [parse_one("Tự luận", "Câu?", points=points).points for points in (None, 2, 1.5, "0,25")] == [
        1, 2, Decimal("1.5"), Decimal("0.25")]


def test_odd_cells_are_read_as_text_without_crashing():
    rows = [row("Trả lời ngắn", 2024, 1.5, title=datetime(2024, 5, 1, 8, 30), category=3.0),
            row("Tự luận", "=1+1", title=date(2024, 5, 1), general_feedback=True),
            row("Tự luận", "Câu?", category="=SUM(1,2)")]
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(rows)))
    workbook.active["D3"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)

    questions = xlsx.parse(buffer.getvalue())

    assert [(q.text, q.title, q.category) for q in questions] == [
        ("2024", "2024-05-01T08:30:00", "3"), ("=1+1", "2024-05-01", ""), ("Câu?", "", "")]
    assert questions[0].answers[0].text == "1.5"
    assert questions[1].general_feedback == "true"


def test_text_cells_are_normalised_to_composed_unicode_and_trimmed():
    question = parse_one("Tự luận", "  Tie\u0302\u0301ng Vie\u0323\u0302t \n")

    assert question.text == "Tiếng Việt"


# Errors name the row and the column


def test_an_error_names_the_row_the_column_and_the_problem():
    [error] = errors_of([row("Tự luận", "Một?"), row("Một đáp án", "Hai?", "E", ["a", "b"])])

    assert error == {"line": 3, "column": "Đáp án đúng (correct answer)",
                     "message": "Column “Đáp án đúng (correct answer)”: option E is empty."}


def test_a_header_without_the_type_or_question_column_is_reported():
    found = errors_of([["x", "y"]], header=["Nhóm", "Tiêu đề"])

    assert [e["line"] for e in found] == [1, 1]
    assert "“Loại (type)”" in found[0]["message"] and "“Câu hỏi (question)”" in found[1]["message"]


@pytest.mark.parametrize(("cells", "column", "problem"), [
    (("Câu đố", "Câu?"), "Loại (type)", "is not a question type"),
    ((None, "Câu?"), "Loại (type)", "type is missing"),
    (("Tự luận", None), "Câu hỏi (question)", "no text"),
    (("Một đáp án", "Câu?", "A", ["chỉ một"]), "A", "at least two options"),
    (("Một đáp án", "Câu?", None, ["a", "b"]), "Đáp án đúng (correct answer)", "letter of the right option"),
    (("Một đáp án", "Câu?", "A, B", ["a", "b"]), "Đáp án đúng (correct answer)", "one right letter"),
    (("Một đáp án", "Câu?", "A=50%", ["a", "b"]), "Đáp án đúng (correct answer)", "fully right"),
    (("Một đáp án", "Câu?", "A, B=-50%", ["a", "b"]), "Đáp án đúng (correct answer)", "negative weights"),
    (("Một đáp án", "Câu?", "A, B=150%", ["a", "b"]), "Đáp án đúng (correct answer)", "outside -100% to 100%"),
    (("Một đáp án", "Câu?", "Hà Nội", ["a", "b"]), "Đáp án đúng (correct answer)", "letters of the right options"),
    (("Nhiều đáp án", "Câu?", "A, B=50%", ["a", "b"]), "Đáp án đúng (correct answer)", "every letter a weight"),
    (("Nhiều đáp án", "Câu?", "A=-50%, B=0%", ["a", "b"]), "Đáp án đúng (correct answer)", "positive weight"),
    (("Đúng/Sai", "Câu?", "Có lẽ"), "Đáp án đúng (correct answer)", "Đúng or Sai"),
    (("Trả lời ngắn", "Câu?"), "Đáp án đúng (correct answer)", "right answer"),
    (("Trả lời ngắn", "Câu?", "A=0%", ["x"]), "Đáp án đúng (correct answer)", "earn points"),
    (("Số", "Câu?", "ba"), "Đáp án đúng (correct answer)", "“ba” is not a number"),
    (("Số", "Câu?", "A", ["5..1"]), "A", "“5..1” is not a number"),
    (("Số", "Câu?", "3 ± -1"), "Đáp án đúng (correct answer)", "is not a number"),
    (("Số", "Câu?", datetime(2024, 5, 1)), "Đáp án đúng (correct answer)", "into a date"),
    (("Ghép đôi", "Câu?", None, ["a -> 1", "b = 2", "c -> 3"]), "B", "item -> match"),
    (("Ghép đôi", "Câu?", None, ["a -> 1", "b ->"]), "B", "nothing comes after the arrow"),
    (("Ghép đôi", "Câu?", None, ["a -> 1", "-> 2"]), "A", "at least two pairs"),
    (("Một đáp án", "Câu?", "A", ["a", "b"], ["", "", "phản hồi"]), "Phản hồi C (feedback C)", "option C"),
])
def test_each_bad_cell_is_reported_with_its_column(cells, column, problem):
    error = only_error(*cells)

    assert (error["line"], error["column"]) == (2, column)
    assert problem in error["message"]


@pytest.mark.parametrize(("named", "column"), [
    ({"points": 0}, "Điểm (points)"), ({"points": "một"}, "Điểm (points)"),
    ({"points": date(2024, 1, 2)}, "Điểm (points)"), ({"text_format": "word"}, "Định dạng (format)")])
def test_bad_points_and_formats_are_reported(named, column):
    assert only_error("Tự luận", "Câu?", **named)["column"] == column


def test_a_bad_yes_no_cell_is_reported_for_a_short_answer():
    assert only_error("Trả lời ngắn", "Câu?", "x", case_sensitive="đôi khi")["column"] == (
        "Phân biệt chữ hoa (case sensitive)")


def test_every_bad_cell_of_every_row_is_reported_at_once():
    rows = [row("Tự luận", "Tốt"), row("Câu đố", None), row("Số", "Câu?", "x", points=-1)]

    assert [(e["line"], e["column"]) for e in errors_of(rows)] == [
        (3, "Loại (type)"), (3, "Câu hỏi (question)"), (4, "Điểm (points)"), (4, "Đáp án đúng (correct answer)")]


@pytest.mark.parametrize(("data", "problem"), [
    (b"Loai,Cau hoi\nTu luan,Cau?\n", "not an XLSX file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel (.xls)"),
    (b"PK\x03\x04 not really a zip file", "damaged"),
])
def test_a_file_that_is_not_a_readable_xlsx_is_reported(data, problem):
    with pytest.raises(FormatError) as raised:
        xlsx.parse(data)

    assert raised.value.errors[0]["line"] == 1
    assert problem in raised.value.errors[0]["message"]


def test_an_empty_sheet_is_reported():
    workbook = openpyxl.Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)

    with pytest.raises(FormatError) as raised:
        xlsx.parse(buffer.getvalue())

    assert "empty" in raised.value.errors[0]["message"]


# Export, then import


EVERY_TYPE = [
    ParsedQuestion("single", "Theo Luật, ai là công chức?\n(chọn một)", title="Câu 1", category="Luật/Chương 1",
                   general_feedback="Điều 4.", text_format="html", points=Decimal("2.5"), answers=[
                       ParsedAnswer("=Công dân được tuyển dụng", Decimal(1), "Đúng"),
                       ParsedAnswer("Người lao động", Decimal(0), "Sai"),
                       ParsedAnswer("Viên chức", Decimal("0.3333333"))]),
    ParsedQuestion("multiple", "Cơ quan hành pháp?", category="Luật/Chương 1", answers=[
        ParsedAnswer("Chính phủ", Decimal("0.5")), ParsedAnswer("Bộ", Decimal("0.5")),
        ParsedAnswer("Quốc hội", Decimal(-1), "Lập pháp")]),
    ParsedQuestion("multiple", "Chọn hai.", answers=[
        ParsedAnswer("a", Decimal("0.5")), ParsedAnswer("b", Decimal("0.5")), ParsedAnswer("c", Decimal(0))]),
    ParsedQuestion("true_false", "Hiến pháp có 11 chương.", answers=[
        ParsedAnswer("true", Decimal(1), "Đúng"), ParsedAnswer("false", Decimal(0), "Đếm lại")]),
    ParsedQuestion("short_answer", "Viết tắt?", answers=[ParsedAnswer("UBND", Decimal(1))],
                   options={"ignore_diacritics": True, "case_sensitive": False}),
    ParsedQuestion("short_answer", "Viết tắt?", answers=[
        ParsedAnswer("UBND", Decimal(1), "Tốt"), ParsedAnswer("U.B.N.D", Decimal("0.5")), ParsedAnswer("*")]),
    ParsedQuestion("numerical", "Pi?", answers=[
        ParsedAnswer(value=Decimal("3.14"), tolerance=Decimal("0.01"), fraction=Decimal(1))]),
    ParsedQuestion("numerical", "Năm?", answers=[
        ParsedAnswer(value=Decimal(1946), tolerance=Decimal(0), fraction=Decimal(1)),
        ParsedAnswer(minimum=Decimal(-1), maximum=Decimal("1e3"), fraction=Decimal("0.5"), feedback="Gần"),
        ParsedAnswer(text="*", feedback="Sai")]),
    ParsedQuestion("matching", "Ghép.", text_format="markdown", answers=[
        ParsedAnswer("Quốc hội", match_text="Lập pháp -> luật"), ParsedAnswer("Chính phủ", match_text="Hành pháp"),
        ParsedAnswer("", match_text="Ngoại giao")]),
    ParsedQuestion("essay", "Trình bày.", points=Decimal(10), general_feedback="Chấm tay"),
]


def test_every_type_survives_an_export_and_an_import():
    questions = xlsx.parse(xlsx.dump(EVERY_TYPE))

    assert [replace(question, line=0) for question in questions] == EVERY_TYPE
    assert [question.line for question in questions] == list(range(2, 12))


def test_more_than_eight_answers_get_more_letter_columns():
    question = ParsedQuestion("single", "Chọn.", answers=[ParsedAnswer(str(n), Decimal(n == 9)) for n in range(10)])
    data = xlsx.dump([question])

    header = next(openpyxl.load_workbook(io.BytesIO(data))["Câu hỏi"].iter_rows(max_row=1, values_only=True))
    assert header[6:16] == tuple("ABCDEFGHIJ")
    assert [replace(q, line=0) for q in xlsx.parse(data)] == [question]


ALPHABET = "aăâbđeêoôơuưAĂĐƯ áàảãạếềểễệ ~=#{}:\\%[]/_*$.,;0123456789\n->"
WEIGHTS = [Decimal(w) for w in ("0", "0.1", "0.25", "0.3333333", "0.5", "1")]


def texts(min_size: int = 1):
    return st.text(alphabet=ALPHABET, max_size=12).map(str.strip).filter(lambda t: len(t) >= min_size)


def numbers():
    return st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def choice_answers(draw, kind):
    weights = WEIGHTS if kind == "single" else WEIGHTS + [-w for w in WEIGHTS[1:]]
    answers = [ParsedAnswer(draw(texts()), draw(st.sampled_from(weights)), draw(texts(0)))
               for _ in range(draw(st.integers(2, 9)))]
    answers[draw(st.integers(0, len(answers) - 1))].fraction = Decimal(1)
    return answers


@st.composite
def accepted_answers(draw, kind):
    count = draw(st.integers(1, 3))
    if kind == "numerical":
        answers = [ParsedAnswer(value=draw(numbers()), tolerance=draw(st.decimals(0, 100, places=2)),
                                fraction=draw(st.sampled_from(WEIGHTS)), feedback=draw(texts(0)))
                   for _ in range(count)]
    else:
        answers = [ParsedAnswer(draw(texts()), draw(st.sampled_from(WEIGHTS)), draw(texts(0))) for _ in range(count)]
    answers[0].fraction = Decimal(1)
    return answers


@st.composite
def matching_answers(draw):
    items = st.text(alphabet=ALPHABET.replace(">", ""), max_size=12).map(str.strip).filter(bool)
    return [ParsedAnswer(draw(items), match_text=draw(texts())) for _ in range(draw(st.integers(2, 4)))] + [
        ParsedAnswer("", match_text=draw(texts())) for _ in range(draw(st.integers(0, 2)))]


@st.composite
def true_false_answers(draw):
    right = draw(st.booleans())
    return [ParsedAnswer("true", Decimal(right), draw(texts(0))),
            ParsedAnswer("false", Decimal(not right), draw(texts(0)))]


ANSWERS = {
    "single": choice_answers("single"), "multiple": choice_answers("multiple"), "true_false": true_false_answers(),
    "short_answer": accepted_answers("short_answer"), "numerical": accepted_answers("numerical"),
    "matching": matching_answers(), "essay": st.just([]),
}


@st.composite
def any_question(draw):
    kind = draw(st.sampled_from(sorted(ANSWERS)))
    options = {}
    if kind == "short_answer":
        options = draw(st.dictionaries(st.sampled_from(["ignore_diacritics", "case_sensitive"]), st.booleans()))
    return ParsedQuestion(
        type=kind, text=draw(texts()), title=draw(texts(0)), category=draw(texts(0)),
        text_format=draw(st.sampled_from(TEXT_FORMATS)), general_feedback=draw(texts(0)),
        points=draw(st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)), answers=draw(ANSWERS[kind]),
        options=options)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_question(), min_size=1, max_size=4))
def test_any_list_of_questions_survives_an_export_and_an_import(questions):
    assert [replace(question, line=0) for question in xlsx.parse(xlsx.dump(questions))] == questions
