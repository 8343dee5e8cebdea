"""Question interchange formats (GIFT, Aiken, XLSX), without the database.

Every reader turns a file into a list of `ParsedQuestion`; every writer turns such
a list back into a file. The quiz services map them to and from the models. A
reader reports every problem it finds at once, with its line (or row), by
raising `FormatError`.
"""

from dataclasses import dataclass, field
from decimal import Decimal

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
