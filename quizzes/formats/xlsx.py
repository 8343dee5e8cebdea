"""The XLSX question template: `template`, `parse` and `dump`.

One sheet, "Câu hỏi", holds one question per row under a header row; a second
sheet, "Hướng dẫn", explains it in Vietnamese. The columns, found by their header
in any order (Vietnamese or English name, with or without diacritics; unknown
columns such as "STT" are ignored):

| column | holds |
| --- | --- |
| Nhóm (category) | category path, levels separated by `/`; blank: the bank's top |
| Loại (type) | Một đáp án, Nhiều đáp án, Đúng/Sai, Trả lời ngắn, Số, Ghép đôi, Tự luận |
|  | (or the API's names: single, multiple, true_false, ...) |
| Tiêu đề (title) | optional title |
| Câu hỏi (question) | the question text (required) |
| Điểm (points) | blank: 1 |
| Đáp án đúng (correct answer) | see below |
| A ... H | options (more letters, I, J, ..., may be added as columns) |
| Phản hồi chung (general feedback) | shown after the question |
| Phản hồi A ... H (feedback A ...) | shown to whoever picks that option |
| Định dạng (format) | plain (blank), html, markdown or moodle |
| Bỏ qua dấu (ignore diacritics) | Có/Không, short answers only; blank: the platform's default |
| Phân biệt chữ hoa (case sensitive) | the same |

"Đáp án đúng", by type:

- Một đáp án: the right letter, e.g. `B`; partial credit for others as `B, C=50%`;
- Nhiều đáp án: the right letters, e.g. `A, C`: they share +100% and the other
  options share -100%, so ticking everything earns nothing. Or every weight
  written out, e.g. `A=50%, C=50%, D=-100%` (unlisted options: 0);
- Đúng/Sai: `Đúng` or `Sai` (also True/False, T/F, Đ/S); the feedback for
  "Đúng" goes in "Phản hồi A", for "Sai" in "Phản hồi B";
- Trả lời ngắn, Số: the answer itself (`Hà Nội`; `3.14 ± 0.01`, `1..5`, `42`); or,
  for several, the answers in A, B, ... and their letters here as for a
  single-choice question (blank: all full marks). `*` is "any other answer";
- Ghép đôi: blank; each option cell is `item -> match` (`→` also works), and
  `-> match` alone is a distractor;
- Tự luận: blank.

Weights are percentages from -100 to 100; a comma works as decimal point when
there is no dot ("33,3"). The template's example rows (category "Ví dụ") are
questions like any other: an instructor deletes them or writes over them.
Errors name the row (`line`, the header being row 1), the column (`column`, as
headed in the file) and the problem.
"""

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from quizzes.formats import TEXT_FORMATS, FormatError, ParsedAnswer, ParsedQuestion

SHEET = "Câu hỏi"
INSTRUCTIONS_SHEET = "Hướng dẫn"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DEFAULT_OPTIONS = 8

TYPE_LABELS = {
    "single": "Một đáp án",
    "multiple": "Nhiều đáp án",
    "true_false": "Đúng/Sai",
    "short_answer": "Trả lời ngắn",
    "numerical": "Số",
    "matching": "Ghép đôi",
    "essay": "Tự luận",
}
YES, NO = "Có", "Không"


@dataclass(frozen=True)
class Column:
    key: str
    vietnamese: str
    english: str
    width: int
    note: str

    @property
    def header(self) -> str:
        return f"{self.vietnamese} ({self.english})" if self.english else self.vietnamese


HEAD_COLUMNS = (
    Column("category", "Nhóm", "category", 22, "Nhóm câu hỏi, các cấp cách nhau bởi /, ví dụ: Luật/Chương 1."),
    Column("type", "Loại", "type", 16, "Chọn trong danh sách: Một đáp án, Nhiều đáp án, Đúng/Sai, Trả lời ngắn, "
                                       "Số, Ghép đôi, Tự luận."),
    Column("title", "Tiêu đề", "title", 20, "Không bắt buộc: tên ngắn để tìm câu hỏi."),
    Column("text", "Câu hỏi", "question", 50, "Nội dung câu hỏi (bắt buộc)."),
    Column("points", "Điểm", "points", 8, "Để trống: 1 điểm."),
    Column("correct", "Đáp án đúng", "correct answer", 20, "Một đáp án: B. Nhiều đáp án: A, C. Đúng/Sai: Đúng "
                                                           "hoặc Sai. Trả lời ngắn/Số: chính đáp án. Ghép đôi, "
                                                           "Tự luận: để trống."),
)
TAIL_COLUMNS = (
    Column("general_feedback", "Phản hồi chung", "general feedback", 30, "Hiện cho người học sau khi làm bài."),
)
SETTING_COLUMNS = (
    Column("text_format", "Định dạng", "format", 12, "Để trống: văn bản thường. Hoặc html, markdown."),
    Column("ignore_diacritics", "Bỏ qua dấu", "ignore diacritics", 14, "Trả lời ngắn: Có để chấp nhận câu trả "
                                                                        "lời viết không dấu."),
    Column("case_sensitive", "Phân biệt chữ hoa", "case sensitive", 14, "Trả lời ngắn: Có để phân biệt chữ hoa, "
                                                                         "chữ thường."),
)
_LABELS = {column.key: column.vietnamese for column in (*HEAD_COLUMNS, *TAIL_COLUMNS, *SETTING_COLUMNS)}
_OPTION_PREFIXES = ("phuong an", "lua chon", "dap an", "option", "answer", "choice")
_FEEDBACK_PREFIXES = ("phan hoi", "feedback")

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_WEIGHTED_LETTER = re.compile(r"([A-Za-z])(?:\s*[=:(]?\s*([+-]?\d+(?:[.,]\d+)?)\s*%?\s*\)?)?")
_RANGE = re.compile(r"(.+?)\s*\.\.\s*(.+)")
_TOLERANCE = re.compile(r"(.+?)\s*(?:±|\+/-|\+-|:)\s*(.+)")
_ARROW = re.compile(r"->|→")
_SEPARATORS = " \t,;"
_PERCENT = Decimal(100)


def _fold(text: str) -> str:
    """A label compared loosely: no diacritics, no case, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def _squeeze(text: str) -> str:
    return re.sub(r"[\W_]+", "", _fold(text))


_TYPES = {_squeeze(label): kind for kind, label in TYPE_LABELS.items()} | {
    _squeeze(name): kind for kind in TYPE_LABELS for name in (kind, kind.replace("_", " "))
} | {"tracnghiem": "single", "ghepnoi": "matching", "numeric": "numerical", "number": "numerical",
     "match": "matching", "truefalse": "true_false", "dungsai": "true_false"}
_TRUE_WORDS = {"dung", "d", "true", "t", "yes", "co", "1", "x"}
_FALSE_WORDS = {"sai", "s", "false", "f", "no", "khong", "0"}


# Reading


class _RowProblems(Exception):
    pass


def parse(data: bytes) -> list[ParsedQuestion]:
    """Every question of the workbook's question sheet; raises `FormatError` listing every bad cell."""
    rows = _read_rows(data)
    if not rows:
        raise FormatError([{"line": 1, "message": _("The sheet is empty: download the template and fill it in.")}])
    header_line, header = rows[0]
    columns = _columns(header_line, header)
    questions, errors = [], []
    headers = {key: _cell_text(header[index]) for index, key in columns.items()}
    for line, values in rows[1:]:
        row = _Row(line, {key: values[index] for index, key in columns.items() if index < len(values)}, headers)
        if not any(row.text(key) for key in row.cells):
            continue  # only columns this reader ignores, such as a pre-numbered "STT"
        try:
            question = row.question()
        except _RowProblems:
            errors.extend(row.problems)
            continue
        questions.append(question)
    if errors:
        raise FormatError(errors)
    return questions


def _read_rows(data: bytes) -> list[tuple[int, tuple]]:
    """The non-blank rows of the question sheet, with their row numbers."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(_("This is an old Excel (.xls) file: open it in Excel and save it as .xlsx."))
    if not data.startswith(b"PK"):
        raise _file_error(_("This is not an XLSX file: download the template and fill it in."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many kinds of error on a damaged or foreign ZIP file.
        raise _file_error(_("This XLSX file is damaged and cannot be read.")) from None
    try:
        sheets = [sheet for sheet in workbook.worksheets if sheet.title != INSTRUCTIONS_SHEET] or workbook.worksheets
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else sheets[0]
        # Some programs write a wrong sheet size; trusting it would drop rows.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        return [(line, values) for line, values in enumerate(rows, 1) if any(_cell_text(v) for v in values)]
    except Exception:
        raise _file_error(_("This XLSX file is damaged and cannot be read.")) from None
    finally:
        workbook.close()


def _file_error(message: str) -> FormatError:
    return FormatError([{"line": 1, "message": message}])


def _columns(line: int, header: tuple) -> dict[int, str]:
    """Column index to column key, from the header row; the type and question columns are required."""
    columns = {}
    for index, value in enumerate(header):
        key = _column_key(_cell_text(value))
        if key and key not in columns.values():
            columns[index] = key
    missing = [column for column in HEAD_COLUMNS if column.key in ("type", "text")
               and column.key not in columns.values()]
    if missing:
        raise FormatError([{"line": line, "message": _(
            "The header row has no “%(column)s” column; keep the template's first row as it is.")
            % {"column": column.header}} for column in missing])
    return columns


def _column_key(header: str) -> str | None:
    folded = _fold(header)
    for column in (*HEAD_COLUMNS, *TAIL_COLUMNS, *SETTING_COLUMNS):
        if folded and folded in (_fold(column.header), _fold(column.vietnamese), _fold(column.english)):
            return column.key
    bare = re.sub(r"\s*\(.*\)$", "", folded)
    for prefixes, kind in ((_FEEDBACK_PREFIXES, "feedback"), (("", *_OPTION_PREFIXES), "option")):
        for prefix in prefixes:
            rest = bare.removeprefix(prefix).strip()
            if (bare.startswith(prefix + " ") or not prefix) and len(rest) == 1 and rest.upper() in LETTERS:
                return f"{kind}:{rest.upper()}"
    return None


def _cell_text(value) -> str:
    """A cell as text, whatever it holds: Excel stores every number as a float, so 3.0 is 3."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


class _Row:
    """One row of the sheet, read into a question; every problem is kept with its column."""

    def __init__(self, line: int, cells: dict, headers: dict):
        self.line, self.cells, self.headers = line, cells, headers
        self.problems: list[dict] = []

    def text(self, key: str) -> str:
        return _cell_text(self.cells.get(key))

    def problem(self, key: str, message: str) -> None:
        column = self.headers.get(key) or _LABELS.get(key) or key.partition(":")[2]
        self.problems.append({"line": self.line, "column": column, "message": _("Column “%(column)s”: %(problem)s")
                              % {"column": column, "problem": message}})

    def letters(self, kind: str) -> dict[str, str]:
        found = {key.partition(":")[2]: self.text(key) for key in self.cells if key.startswith(kind + ":")}
        return {letter: found[letter] for letter in sorted(found) if found[letter]}

    def question(self) -> ParsedQuestion:
        kind = self.kind()
        text = self.text("text")
        if not text:
            self.problem("text", _("the question has no text."))
        question = ParsedQuestion(type=kind or "essay", text=text, line=self.line, title=self.text("title"),
                                  category=self.text("category"), general_feedback=self.text("general_feedback"),
                                  points=self.points(), text_format=self.text_format())
        if kind:
            question.answers = _ANSWER_READERS[kind](self)
            question.options = self.short_answer_options() if kind == "short_answer" else {}
            self.check_feedback(kind)
        if self.problems:
            raise _RowProblems
        return question

    def kind(self) -> str | None:
        label = self.text("type")
        kind = _TYPES.get(_squeeze(label))
        if not kind:
            self.problem("type", _("“%(value)s” is not a question type; choose one from the list: %(types)s.")
                         % {"value": label, "types": ", ".join(TYPE_LABELS.values())} if label else
                         _("the question type is missing; choose one from the list: %(types)s.")
                         % {"types": ", ".join(TYPE_LABELS.values())})
        return kind

    def points(self) -> Decimal:
        value = self.cells.get("points")
        if not self.text("points"):
            return Decimal(1)
        points = None if isinstance(value, (datetime, date, time)) else _decimal(self.text("points"))
        if points is None or points <= 0:
            self.problem("points", _("“%(value)s” is not a number of points above 0.") % {"value": self.text("points")})
            return Decimal(1)
        return points

    def text_format(self) -> str:
        written = self.text("text_format").casefold()
        if written and written not in TEXT_FORMATS:
            self.problem("text_format", _("“%(value)s” is not a format; write html, markdown or leave it blank.")
                         % {"value": self.text("text_format")})
        return written if written in TEXT_FORMATS else "plain"

    def short_answer_options(self) -> dict:
        options = {}
        for key in ("ignore_diacritics", "case_sensitive"):
            written = _fold(self.text(key))
            if written in _TRUE_WORDS or written in _FALSE_WORDS:
                options[key] = written in _TRUE_WORDS
            elif written:
                self.problem(key, _("write Có or Không (or leave it blank)."))
        return options

    def check_feedback(self, kind: str) -> None:
        if kind in ("true_false", "matching", "essay"):
            return
        options = self.letters("option")
        for letter in self.letters("feedback"):
            if letter not in options:
                self.problem(f"feedback:{letter}", _("there is feedback for option %(letter)s, which is empty.")
                             % {"letter": letter})

    def weights(self, options: dict[str, str]) -> list[tuple[str, Decimal | None]] | None:
        """The letters of "Đáp án đúng", each with its weight as a fraction (None when not written)."""
        written = self.text("correct")
        items, end = [], 0
        for match in _WEIGHTED_LETTER.finditer(written):
            if written[end:match.start()].strip(_SEPARATORS):
                break
            weight = _decimal(match.group(2)) if match.group(2) else None
            items.append((match.group(1).upper(), None if weight is None else weight / _PERCENT))
            end = match.end()
        if written[end:].strip(_SEPARATORS) or not items:
            self.problem("correct", _("write the letters of the right options, as in B or A, C (with weights "
                                      "as in %(example)s).") % {"example": "C=50%"})
            return None
        for letter, weight in items:
            if letter not in options:
                self.problem("correct", _("option %(letter)s is empty.") % {"letter": letter})
            if weight is not None and not -1 <= weight <= 1:
                self.problem("correct", _("the weight of %(letter)s is outside -100%% to 100%%.") % {"letter": letter})
        return items


def _read_choice(row: _Row, fractions_of) -> list[ParsedAnswer]:
    options = row.letters("option")
    if len(options) < 2:
        row.problem("option:A", _("a multiple-choice question needs at least two options, in A, B, ..."))
    if not row.text("correct"):
        row.problem("correct", _("write the letter of the right option, as in B."))
        return []
    items = row.weights(options)
    if items is None:
        return []
    fractions = fractions_of(row, items, list(options))
    feedback = row.letters("feedback")
    return [ParsedAnswer(text=text, fraction=fractions.get(letter, Decimal(0)), feedback=feedback.get(letter, ""))
            for letter, text in options.items()]


def _single_fractions(row: _Row, items: list, letters: list[str]) -> dict[str, Decimal]:
    fractions = {letter: Decimal(1) if weight is None else weight for letter, weight in items}
    if sum(1 for _letter, weight in items if weight is None) > 1:
        row.problem("correct", _("a single-choice question has one right letter; choose Nhiều đáp án for several."))
    if Decimal(1) not in fractions.values():
        row.problem("correct", _("one option must be fully right: write its letter without a weight."))
    if any(fraction < 0 for fraction in fractions.values()):
        row.problem("correct", _("only a question with several right answers (Nhiều đáp án) may have negative "
                                 "weights."))
    return fractions


def _multiple_fractions(row: _Row, items: list, letters: list[str]) -> dict[str, Decimal]:
    weighted = [weight is not None for _letter, weight in items]
    if any(weighted) and not all(weighted):
        row.problem("correct", _("give every letter a weight, or none."))
        return {}
    if all(weighted):
        fractions = {letter: weight for letter, weight in items}
        if not any(fraction > 0 for fraction in fractions.values()):
            row.problem("correct", _("at least one option needs a positive weight."))
        return fractions
    return _shared_fractions([letter for letter, _weight in items], letters)


def _shared_fractions(right: list[str], letters: list[str]) -> dict[str, Decimal]:
    """Right options share +100%, the others -100%, to 7 places, adding up exactly."""
    wrong = [letter for letter in letters if letter not in right]
    return dict(zip(right, _shares(len(right), 1))) | dict(zip(wrong, _shares(len(wrong), -1)))


def _shares(count: int, total: int) -> list[Decimal]:
    if not count:
        return []
    part = (Decimal(total) / count).quantize(Decimal("0.0000001"))
    return [part.normalize()] * (count - 1) + [(total - part * (count - 1)).normalize()]


def _read_true_false(row: _Row) -> list[ParsedAnswer]:
    written = _fold(row.text("correct"))
    if written not in _TRUE_WORDS and written not in _FALSE_WORDS:
        row.problem("correct", _("write Đúng or Sai."))
    is_true = written in _TRUE_WORDS
    feedback = row.letters("feedback")
    return [ParsedAnswer(text="true", fraction=Decimal(is_true), feedback=feedback.get("A", "")),
            ParsedAnswer(text="false", fraction=Decimal(not is_true), feedback=feedback.get("B", ""))]


def _read_accepted(row: _Row, answer_from_text) -> list[ParsedAnswer]:
    """Short-answer and numerical answers: "Đáp án đúng" alone, or options A... weighted by letters."""
    options = row.letters("option")
    if not options:
        if not row.text("correct"):
            row.problem("correct", _("write the right answer."))
            return []
        return [answer_from_text("correct", row.text("correct"), Decimal(1))]
    items = row.weights(options) if row.text("correct") else [(letter, None) for letter in options]
    fractions = {letter: Decimal(1) if weight is None else weight for letter, weight in items or []}
    if any(fraction < 0 for fraction in fractions.values()):
        row.problem("correct", _("only a question with several right answers (Nhiều đáp án) may have negative "
                                 "weights."))
    if items is not None and not any(fraction > 0 for fraction in fractions.values()):
        row.problem("correct", _("at least one answer must earn points."))
    feedback = row.letters("feedback")
    answers = []
    for letter, text in options.items():
        answer = answer_from_text(f"option:{letter}", text, fractions.get(letter, Decimal(0)))
        answer.feedback = feedback.get(letter, "")
        answers.append(answer)
    return answers


def _read_short_answer(row: _Row) -> list[ParsedAnswer]:
    return _read_accepted(row, lambda key, text, fraction: ParsedAnswer(text=text, fraction=fraction))


def _read_numerical(row: _Row) -> list[ParsedAnswer]:
    def answer(key: str, text: str, fraction: Decimal) -> ParsedAnswer:
        if isinstance(row.cells.get(key), (datetime, date, time)):
            row.problem(key, _("Excel turned this number into a date; format the cell as Text and type it again."))
            return ParsedAnswer(fraction=fraction)
        parsed = _numerical_answer(text)
        if parsed is None:
            row.problem(key, _("“%(value)s” is not a number, a number ± a tolerance, or a range such as 1..5.")
                        % {"value": text})
            return ParsedAnswer(fraction=fraction)
        parsed.fraction = fraction
        return parsed

    return _read_accepted(row, answer)


def _numerical_answer(text: str) -> ParsedAnswer | None:
    """`3.14`, `3.14 ± 0.01` (or `+-`, `:`), `1..5` or `*` as an answer; None when it is none of these."""
    text = text.strip()
    if text == "*":
        return ParsedAnswer(text="*")
    if match := _RANGE.fullmatch(text):
        low, high = _decimal(match.group(1)), _decimal(match.group(2))
        return ParsedAnswer(minimum=low, maximum=high) if None not in (low, high) and low <= high else None
    if match := _TOLERANCE.fullmatch(text):
        value, tolerance = _decimal(match.group(1)), _decimal(match.group(2))
        return ParsedAnswer(value=value, tolerance=tolerance) if None not in (value, tolerance) and tolerance >= 0 \
            else None
    value = _decimal(text)
    return None if value is None else ParsedAnswer(value=value, tolerance=Decimal(0))


def _decimal(text: str) -> Decimal | None:
    text = text.strip().replace("\u2212", "-")
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    return Decimal(text) if _NUMBER.fullmatch(text) else None


def _read_matching(row: _Row) -> list[ParsedAnswer]:
    answers = []
    for letter, text in row.letters("option").items():
        arrow = _ARROW.search(text)
        if not arrow:
            row.problem(f"option:{letter}", _("write the pair as item -> match."))
            continue
        item, match = text[:arrow.start()].strip(), text[arrow.end():].strip()
        if not match:
            row.problem(f"option:{letter}", _("nothing comes after the arrow."))
        answers.append(ParsedAnswer(text=item, match_text=match))
    if sum(1 for answer in answers if answer.text) < 2:
        row.problem("option:A", _("a matching question needs at least two pairs, one per cell: item -> match."))
    return answers


_ANSWER_READERS = {
    "single": lambda row: _read_choice(row, _single_fractions),
    "multiple": lambda row: _read_choice(row, _multiple_fractions),
    "true_false": _read_true_false,
    "short_answer": _read_short_answer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "essay": lambda row: [],
}


# Writing


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
    if question.type == "multiple" and _shared_fractions(right, list(letters)) == fractions:
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
    return format((fraction * _PERCENT).normalize(), "f") + "%"


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
