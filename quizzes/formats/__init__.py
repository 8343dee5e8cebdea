"""Question interchange formats (GIFT, Aiken, XLSX), without the database.

Every reader turns a file into a list of `ParsedQuestion`; every writer turns such
a list back into a file. The quiz services map them to and from the models. A
reader reports every problem it finds at once, with its line (or row), by
raising `FormatError`, within the limits of `TextLimits` (GIFT, Aiken) or of
`accounts.uploads.workbook` (XLSX).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.uploads import MAX_ERRORS, read_no_further

# Lines of a text file: the largest file accepted, of twenty thousand
# questions, has fewer than 200,000. A reader takes a step of Python or two
# for each line.
LINES_LIMIT = 1_000_000
# Far longer than a question (with its answers and feedback) is written; what
# a question without its end (a blank line in GIFT, an ANSWER line in Aiken)
# runs to in a long file.
QUESTION_CHARACTERS_LIMIT = 100_000
# Answers of all the questions of a file: ten per question of the largest file
# accepted. Each costs about 300 bytes once read, and a GIFT answer can be
# written in two characters.
ANSWERS_LIMIT = 200_000
TOO_MANY_QUESTIONS = gettext_lazy("The file has more than %(limit)d questions. Split it into smaller files.")

QUESTION_TYPES = ("single", "multiple", "true_false", "short_answer", "numerical", "matching", "essay")
TEXT_FORMATS = ("plain", "html", "markdown", "moodle")


@dataclass
class ParsedAnswer:
    """One answer of a question; which fields matter depends on the question type.

    - single, multiple: `text`, `fraction` (-1..1; multiple may have negative ones), `feedback`
    - true_false: two answers, `text` "true" and "false", the right one with `fraction` 1
    - short_answer: `text` is an accepted answer, with its `fraction`
    - numerical: `value` with `tolerance` (0 = exact), or `minimum`..`maximum`; `fraction`
    - matching: `text` is the item (left side), `match_text` its option (right side);
      an item with empty `text` is a distractor option
    """

    text: str = ""
    fraction: Decimal = Decimal("0")
    feedback: str = ""
    match_text: str = ""
    value: Decimal | None = None
    tolerance: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None


@dataclass
class ParsedQuestion:
    type: str
    text: str
    line: int = 0
    title: str = ""
    text_format: str = "plain"
    category: str = ""
    general_feedback: str = ""
    points: Decimal = Decimal("1")
    answers: list[ParsedAnswer] = field(default_factory=list)
    # Type options: {"ignore_diacritics": bool, "case_sensitive": bool} for short_answer.
    options: dict = field(default_factory=dict)


class FormatError(Exception):
    """A file that cannot be imported: `errors` is `[{"line": n, "message": "..."}]`."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


class TextLimits:
    """Where a text reader (GIFT, Aiken) stops, at the line where a limit is passed:

    - more than `LINES_LIMIT` lines, before anything is read;
    - the first question past `QUESTION_IMPORT_MAX_ROWS`;
    - a question longer than `QUESTION_CHARACTERS_LIMIT`;
    - more than `ANSWERS_LIMIT` answers in all;
    - more than MAX_ERRORS errors: those are told, and the file is read no further.

    So that no text file costs much more than the largest one accepted.
    """

    def __init__(self):
        self.max_questions = settings.QUESTION_IMPORT_MAX_ROWS
        self.questions = self.answers = 0

    def check_lines(self, text: str) -> None:
        """Before the text is read; its line breaks are all LF by then."""
        if text.count("\n") >= LINES_LIMIT:
            raise FormatError([{"line": LINES_LIMIT + 1, "message": _(
                "The file has more than %(limit)s lines. Split it into smaller files.")
                % {"limit": number_format(LINES_LIMIT, force_grouping=True)}}])

    def question_starts(self, line: int) -> None:
        self.questions += 1
        if self.questions > self.max_questions:
            raise FormatError([{"line": line, "message": TOO_MANY_QUESTIONS % {"limit": self.max_questions}}])

    def check_length(self, line: int, characters: int) -> None:
        if characters > QUESTION_CHARACTERS_LIMIT:
            raise FormatError([{"line": line, "message": _(
                "This question is longer than %(limit)s characters, far longer than a question: check that it ends "
                "where it should (a blank line ends a GIFT question, an ANSWER line an Aiken one).")
                % {"limit": number_format(QUESTION_CHARACTERS_LIMIT, force_grouping=True)}}])

    def question_read(self, question: ParsedQuestion) -> None:
        self.answers += len(question.answers)
        if self.answers > ANSWERS_LIMIT:
            raise FormatError([{"line": question.line, "message": _(
                "The questions of this file have more than %(limit)s answers in all. Split it into smaller files.")
                % {"limit": number_format(ANSWERS_LIMIT, force_grouping=True)}}])

    def check_errors(self, errors: list[dict]) -> None:
        if len(errors) > MAX_ERRORS:
            raise FormatError(read_no_further(errors))
