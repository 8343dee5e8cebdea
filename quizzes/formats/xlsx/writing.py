"""Writing the template: `dump`, `template`, and the examples and instructions the template carries."""

import io
from decimal import Decimal

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.formats.xlsx.layout import (
    DEFAULT_OPTIONS,
    HEAD_COLUMNS,
    INSTRUCTIONS_SHEET,
    LETTERS,
    NO,
    PERCENT,
    SETTING_COLUMNS,
    SHEET,
    TAIL_COLUMNS,
    TYPE_LABELS,
    YES,
    Column,
    shared_fractions,
)


def template() -> bytes:
    """The template to fill in: the header, one example per type, the instructions."""
    return dump(_EXAMPLES)


def dump(questions: list[ParsedQuestion]) -> bytes:
    """The questions in the template's layout; `parse` reads them back the same."""
    count = max([DEFAULT_OPTIONS, *(len(question.answers) for question in questions)])
    if count > len(LETTERS):
        raise ValueError(f"A question has more than {len(LETTERS)} answers, more than the sheet has columns for.")
    columns = _layout(count)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    _write_header(sheet, columns)
    for number, question in enumerate(questions, 2):
        values = _row_values(question)
        for index, column in enumerate(columns, 1):
            _write_cell(sheet, number, index, values.get(column.key))
    _add_validation(sheet, columns)
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _layout(count: int) -> list[Column]:
    options = [Column(f"option:{letter}", letter, "", 22, f"Phương án {letter}.") for letter in LETTERS[:count]]
    feedback = [Column(f"feedback:{letter}", f"Phản hồi {letter}", f"feedback {letter}", 18,
                       f"Hiện khi người học chọn phương án {letter}.") for letter in LETTERS[:count]]
    return [*HEAD_COLUMNS, *options, *TAIL_COLUMNS, *feedback, *SETTING_COLUMNS]


def _write_header(sheet, columns: list[Column]) -> None:
    fill, font = PatternFill("solid", fgColor="DDEBF7"), Font(bold=True)
    for index, column in enumerate(columns, 1):
        cell = sheet.cell(1, index, column.header)
        cell.fill, cell.font = fill, font
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(column.note, "Mẫu nhập câu hỏi")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"


def _write_cell(sheet, row: int, column: int, value) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"  # text that starts with "=" stays text, not a formula
        if "\n" in value or len(value) > 40:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _add_validation(sheet, columns: list[Column]) -> None:
    keys = [column.key for column in columns]
    lists = {
        "type": (",".join(TYPE_LABELS.values()), "Chọn loại câu hỏi trong danh sách."),
        "text_format": ("plain,html,markdown,moodle", "Để trống nếu là văn bản thường."),
        "ignore_diacritics": (f"{YES},{NO}", "Có hoặc Không; để trống: theo mặc định."),
        "case_sensitive": (f"{YES},{NO}", "Có hoặc Không; để trống: theo mặc định."),
    }
    last_row = sheet.max_row + 1000
    for key, (choices, prompt) in lists.items():
        letter = get_column_letter(keys.index(key) + 1)
        # A warning, not a refusal: the API names (single, multiple, ...) are accepted too.
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
                                    errorStyle="warning", showInputMessage=True, prompt=prompt)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)


def _row_values(question: ParsedQuestion) -> dict:
    values = {
        "category": question.category,
        "type": TYPE_LABELS[question.type],
        "title": question.title,
        "text": question.text,
        "points": int(question.points) if question.points == int(question.points) else float(question.points),
        "general_feedback": question.general_feedback,
        "text_format": "" if question.text_format == "plain" else question.text_format,
    }
    for key, value in question.options.items():
        values[key] = YES if value else NO
    return values | _ANSWER_WRITERS[question.type](question)


def _choice_values(question: ParsedQuestion) -> dict:
    values = _options_and_feedback(question.answers, lambda answer: answer.text)
    letters = LETTERS[:len(question.answers)]
    fractions = {letter: answer.fraction for letter, answer in zip(letters, question.answers)}
    right = [letter for letter, fraction in fractions.items() if fraction > 0]
    if question.type == "multiple" and shared_fractions(right, list(letters)) == fractions:
        values["correct"] = ", ".join(right)
    elif question.type == "multiple":
        values["correct"] = ", ".join(f"{letter}={_percent(f)}" for letter, f in fractions.items() if f)
    else:
        fully_right = [letter for letter in right if fractions[letter] == 1]
        values["correct"] = _letters_with_weights(fractions, bare=fully_right[:1])
    return values


def _letters_with_weights(fractions: dict[str, Decimal], bare: list[str] | None = None) -> str:
    """`A, B=50%`: fully right letters bare (only those in `bare`, when given), the others weighted."""
    return ", ".join(letter if fraction == 1 and (bare is None or letter in bare) else f"{letter}={_percent(fraction)}"
                     for letter, fraction in fractions.items() if fraction)


def _percent(fraction: Decimal) -> str:
    return format((fraction * PERCENT).normalize(), "f") + "%"


def _options_and_feedback(answers: list[ParsedAnswer], cell_text) -> dict:
    values = {}
    for letter, answer in zip(LETTERS, answers):
        values[f"option:{letter}"] = cell_text(answer)
        values[f"feedback:{letter}"] = answer.feedback
    return values


def _true_false_values(question: ParsedQuestion) -> dict:
    by_text = {answer.text: answer for answer in question.answers}
    true, false = by_text.get("true", ParsedAnswer()), by_text.get("false", ParsedAnswer())
    return {"correct": "Đúng" if true.fraction > 0 else "Sai", "option:A": "Đúng", "option:B": "Sai",
            "feedback:A": true.feedback, "feedback:B": false.feedback}


def _accepted_values(question: ParsedQuestion, cell_text) -> dict:
    answers = question.answers
    if len(answers) == 1 and answers[0].fraction == 1 and not answers[0].feedback:
        return {"correct": cell_text(answers[0])}
    letters = LETTERS[:len(answers)]
    return _options_and_feedback(answers, cell_text) | {
        "correct": _letters_with_weights({letter: answer.fraction for letter, answer in zip(letters, answers)})}


def _numerical_text(answer: ParsedAnswer) -> str:
    """A numerical answer as "Đáp án đúng" takes it: `3.14 ± 0.01`, `1..5`, `42` or `*`."""
    if answer.value is not None:
        value = _plain(answer.value)
        return f"{value} ± {_plain(answer.tolerance)}" if answer.tolerance else value
    if answer.minimum is not None and answer.maximum is not None:
        return f"{_plain(answer.minimum)}..{_plain(answer.maximum)}"
    return "*"


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _matching_values(question: ParsedQuestion) -> dict:
    return {f"option:{letter}": f"{answer.text} -> {answer.match_text}" if answer.text else f"-> {answer.match_text}"
            for letter, answer in zip(LETTERS, question.answers)}


_ANSWER_WRITERS = {
    "single": _choice_values,
    "multiple": _choice_values,
    "true_false": _true_false_values,
    "short_answer": lambda question: _accepted_values(question, lambda answer: answer.text),
    "numerical": lambda question: _accepted_values(question, _numerical_text),
    "matching": _matching_values,
    "essay": lambda question: {},
}


# The template's examples and instructions


def _example(kind: str, text: str, answers: list[ParsedAnswer], **fields) -> ParsedQuestion:
    return ParsedQuestion(type=kind, text=text, category="Ví dụ", title=f"Ví dụ: {TYPE_LABELS[kind]}",
                          answers=answers, **fields)


_EXAMPLES = [
    _example("single", "Cơ quan nào ban hành Hiến pháp?", [
        ParsedAnswer("Quốc hội", Decimal(1), "Đúng: chỉ Quốc hội có quyền lập hiến."),
        ParsedAnswer("Chính phủ", Decimal(0), "Chính phủ là cơ quan hành chính nhà nước cao nhất."),
        ParsedAnswer("Chủ tịch nước"), ParsedAnswer("Tòa án nhân dân tối cao"),
    ], general_feedback="Điều 69 Hiến pháp năm 2013."),
    _example("multiple", "Những văn bản nào là văn bản quy phạm pháp luật?", [
        ParsedAnswer("Luật", Decimal("0.5")), ParsedAnswer("Nghị định", Decimal("0.5")),
        ParsedAnswer("Công văn", Decimal(-1), "Công văn là văn bản hành chính."),
    ]),
    _example("true_false", "Thủ tục hành chính phải được công bố công khai.", [
        ParsedAnswer("true", Decimal(1), "Chính xác."), ParsedAnswer("false", Decimal(0), "Chưa đúng: phải công khai."),
    ]),
    _example("short_answer", "Viết tắt của “Ủy ban nhân dân” là gì?", [ParsedAnswer("UBND", Decimal(1))],
             options={"ignore_diacritics": False, "case_sensitive": False}),
    _example("numerical", "Một năm có bao nhiêu tháng?", [ParsedAnswer(value=Decimal(12), tolerance=Decimal(0),
                                                                       fraction=Decimal(1))], points=Decimal(2)),
    _example("matching", "Ghép cơ quan với chức năng của nó.", [
        ParsedAnswer("Quốc hội", match_text="Lập pháp"), ParsedAnswer("Chính phủ", match_text="Hành pháp"),
        ParsedAnswer("Tòa án", match_text="Tư pháp"), ParsedAnswer("", match_text="Ngoại giao"),
    ]),
    _example("essay", "Nêu ba giải pháp cải cách hành chính ở cấp xã.", [], points=Decimal(5),
             general_feedback="Chấm theo mức độ cụ thể và khả thi."),
]

_INSTRUCTIONS = [
    ("Cách dùng mẫu", ""),
    ("", "Mỗi dòng của trang “Câu hỏi” là một câu hỏi. Giữ nguyên dòng tiêu đề (dòng 1)."),
    ("", "Các dòng ví dụ (nhóm “Ví dụ”) cũng được nhập như câu hỏi: xóa hoặc ghi đè lên chúng nếu không cần."),
    ("", "Nếu có lỗi, hệ thống không nhập câu nào và báo dòng, cột cần sửa."),
    ("Cột", "Ý nghĩa"),
    ("Nhóm", "Nhóm câu hỏi; các cấp cách nhau bởi dấu /, ví dụ: Luật cán bộ/Chương 1. Để trống: nhóm gốc."),
    ("Loại", "Chọn trong danh sách: Một đáp án, Nhiều đáp án, Đúng/Sai, Trả lời ngắn, Số, Ghép đôi, Tự luận."),
    ("Tiêu đề", "Không bắt buộc."),
    ("Câu hỏi", "Nội dung câu hỏi (bắt buộc). Xuống dòng trong ô: Alt+Enter."),
    ("Điểm", "Để trống: 1 điểm. Có thể dùng số lẻ, ví dụ 0.5."),
    ("A ... H", "Các phương án. Cần thêm thì thêm cột I, J, ..."),
    ("Phản hồi chung", "Hiện cho người học sau khi làm bài."),
    ("Phản hồi A ... H", "Hiện khi người học chọn phương án tương ứng."),
    ("Định dạng", "Để trống nếu là văn bản thường; html hoặc markdown nếu có định dạng."),
    ("Bỏ qua dấu, Phân biệt chữ hoa", "Chỉ cho Trả lời ngắn: Có hoặc Không. Để trống: theo mặc định."),
    ("Loại câu hỏi", "Cách điền “Đáp án đúng” và các phương án"),
    ("Một đáp án", "Điền các phương án vào A, B, ...; “Đáp án đúng” là chữ cái đúng, ví dụ B. Cho điểm một phần: "
                   "B, C=50%."),
    ("Nhiều đáp án", "Điền các phương án; “Đáp án đúng” liệt kê các chữ cái đúng, ví dụ A, C: các phương án đúng "
                     "chia nhau 100%, các phương án sai chia nhau -100% (chọn tất cả sẽ không được điểm). Hoặc ghi "
                     "rõ trọng số từng phương án: A=50%, C=50%, D=-100%."),
    ("Đúng/Sai", "“Đáp án đúng” là Đúng hoặc Sai. Phản hồi khi chọn Đúng ở cột Phản hồi A, khi chọn Sai ở Phản hồi B."),
    ("Trả lời ngắn", "“Đáp án đúng” là câu trả lời, ví dụ UBND. Nhiều câu trả lời được chấp nhận: điền vào A, B, ... "
                     "và ghi các chữ cái ở “Đáp án đúng” (để trống: tất cả đều đúng; A, B=50% để cho điểm một phần)."),
    ("Số", "“Đáp án đúng” là số (12), số với sai số (3.14 ± 0.01) hoặc khoảng (1..5). Dùng dấu chấm cho phần "
           "thập phân. Nhiều đáp án: như Trả lời ngắn."),
    ("Ghép đôi", "Mỗi ô A, B, ... là một cặp: vế trái -> vế phải, ví dụ Quốc hội -> Lập pháp. Ô chỉ có -> vế phải "
                 "là phương án nhiễu. Cần ít nhất hai cặp."),
    ("Tự luận", "Chỉ cần Câu hỏi và Điểm; giảng viên chấm tay."),
]


def _write_instructions(sheet) -> None:
    bold = Font(bold=True)
    for name, explanation in _INSTRUCTIONS:
        sheet.append([name, explanation])
        if not explanation or name in ("Cột", "Loại câu hỏi"):
            for cell in sheet[sheet.max_row]:
                cell.font = bold
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 100
