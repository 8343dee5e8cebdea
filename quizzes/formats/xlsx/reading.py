"""Reading the template: `parse`, and the readers of a row's answers by type.

The workbook is read by `accounts.uploads.workbook`, within the limits every
upload has, and at most `QUESTION_IMPORT_MAX_ROWS` questions.
"""

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.uploads import UploadError, formula_message, workbook
from quizzes.formats import TEXT_FORMATS, TOO_MANY_QUESTIONS, FormatError, ParsedAnswer, ParsedQuestion
from quizzes.formats.xlsx.layout import (
    HEAD_COLUMNS,
    INSTRUCTIONS_SHEET,
    LETTERS,
    PERCENT,
    SETTING_COLUMNS,
    SHEET,
    TAIL_COLUMNS,
    TYPE_LABELS,
    shared_fractions,
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


class _RowProblems(Exception):
    pass


def parse(data: bytes) -> list[ParsedQuestion]:
    """Every question of the workbook's question sheet; raises `FormatError` listing every bad cell."""
    rows = _read_rows(data)
    if not rows:
        raise FormatError([{"line": 1, "message": _("The sheet is empty: download the template and fill it in.")}])
    header, *records = rows
    columns = _columns(header.values)
    questions, errors = [], []
    headers = {key: _cell_text(header.values[index]) for index, key in columns.items()}
    for record in records:
        row = _row(record, columns, headers)
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


def _read_rows(data: bytes) -> list[workbook.SheetRow]:
    """The non-blank rows of the question sheet, with their row numbers, read within the limits of every upload."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(_("This is an old Excel (.xls) file: open it in Excel and save it as .xlsx."))
    if not data.startswith(b"PK"):
        raise _file_error(_("This is not an XLSX file: download the template and fill it in."))
    try:
        return workbook.read_sheet(
            data, max_rows=settings.QUESTION_IMPORT_MAX_ROWS, choose_sheet=_question_sheet,
            check_header=_header_errors,
            too_many_rows=TOO_MANY_QUESTIONS,
            not_a_workbook=_("This XLSX file is damaged and cannot be read."),
        )
    except UploadError as error:
        raise FormatError(error.errors) from None


def _row(record: workbook.SheetRow, columns: dict[int, str], headers: dict) -> "_Row":
    values, uncalculated = record.values, record.uncalculated
    cells = {key: values[index] for index, key in columns.items() if index < len(values)}
    formulas = {key: uncalculated[index] for index, key in columns.items() if index in uncalculated}
    return _Row(record.line, cells, headers, formulas)


def _question_sheet(book):
    if SHEET in book.sheetnames:
        return book[SHEET]
    return ([sheet for sheet in book.worksheets if sheet.title != INSTRUCTIONS_SHEET] or book.worksheets)[0]


def _file_error(message: str) -> FormatError:
    return FormatError([{"line": 1, "message": message}])


def _columns(header: tuple) -> dict[int, str]:
    """Column index to column key, from the header row."""
    columns = {}
    for index, value in enumerate(header):
        key = _column_key(_cell_text(value))
        if key and key not in columns.values():
            columns[index] = key
    return columns


def _header_errors(header: workbook.SheetRow) -> list[dict]:
    """The type and question columns are required."""
    found = _columns(header.values).values()
    return [{"line": header.line, "message": _(
        "The header row has no “%(column)s” column; keep the template's first row as it is.")
        % {"column": column.header}} for column in HEAD_COLUMNS if column.key in ("type", "text")
        and column.key not in found]


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

    def __init__(self, line: int, cells: dict, headers: dict, uncalculated: dict):
        self.line, self.cells, self.headers = line, cells, headers
        self.uncalculated = uncalculated  # column key -> a formula whose value was never calculated
        self.problems: list[dict] = []

    def text(self, key: str) -> str:
        return _cell_text(self.cells.get(key))

    def problem(self, key: str, message: str) -> None:
        if key in self.uncalculated:
            message = formula_message(self.uncalculated[key])
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
            items.append((match.group(1).upper(), None if weight is None else weight / PERCENT))
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
    return shared_fractions([letter for letter, _weight in items], letters)

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
