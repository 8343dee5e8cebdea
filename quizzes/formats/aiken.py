"""Moodle's Aiken format: single-choice questions, read with `parse` or `parse_bytes`, written with `dump`.

    Thủ đô của Việt Nam là thành phố nào?
    A. Hà Nội
    B) Huế
    ANSWER: A

As in Moodle (question/format/aiken/format.php): an option line is a capital
letter, `.` or `)`, then its text; `ANSWER: X` names the right option and ends
the question; blank lines are ignored; the text is plain. Moodle's errors are
kept: an option or ANSWER outside a question, fewer than two options, a question
left without its ANSWER line. Beyond Moodle, and never changing what a valid
Moodle file means:

- the text lines before the first option are all question text (Moodle allows
  one line; a second line was an error);
- `ANSWER` may be written in any case, or in Vietnamese as `ĐÁP ÁN:`;
- the answer is looked up by the options' own letters (Moodle counts lines, so
  options A, C, D with `ANSWER: C` gave D); a letter used twice, an answer letter
  that is not an option, or an ANSWER that is not one letter is an error.

`dump` writes, as Moodle's exporter does, only the single-choice questions with
2 to 26 options, each text on one line, and the first fully right option as the
ANSWER; other types, feedback, partial credit, titles and categories have no
place in Aiken and are left out.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from quizzes.formats import FormatError, ParsedAnswer, ParsedQuestion, TextLimits
from quizzes.formats.gift import decode

_OPTION = re.compile(r"([A-Z])[.)][ \t]?(.*)")
_ANSWER = re.compile(r"(?:ANSWER|ĐÁP ÁN)\s*:(.*)", re.IGNORECASE)
_LETTER = re.compile(r"([A-Za-z])\s*[.)]?")
_NOT_SPACE = re.compile(r"\S")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class _Draft:
    line: int
    text: list[str]
    options: dict[str, tuple[int, str]] = field(default_factory=dict)
    characters: int = 0


def parse_bytes(data: bytes) -> list[ParsedQuestion]:
    return parse(decode(data))


def parse(text: str) -> list[ParsedQuestion]:
    """Every question of an Aiken text; raises `FormatError` listing every problem with its line (`TextLimits`)."""
    questions, errors, limits = [], [], TextLimits()
    text = _normalised(text)
    limits.check_lines(text)
    draft = None
    for number, line in _lines(text):
        option, answer = _OPTION.fullmatch(line), _ANSWER.fullmatch(line)
        if (option or answer) and draft is None:
            errors.append(_error(number, _("This line is an option or an ANSWER, but no question text comes "
                                           "before it.")))
        elif option:
            _add_option(draft, number, option, errors)
        elif answer:
            question = _finish(draft, number, answer.group(1), errors)
            if question:
                limits.question_read(question)
                questions.append(question)
            draft = None
        elif draft is None or not draft.options:
            draft = draft or _started(number, limits)
            draft.text.append(line)
        else:
            errors.append(_missing_answer(draft))
            draft = _started(number, limits)
            draft.text.append(line)
        if draft is not None:
            draft.characters += len(line)
            limits.check_length(draft.line, draft.characters)
        limits.check_errors(errors)
    if draft is not None:
        errors.append(_missing_answer(draft))
    if errors:
        raise FormatError(errors)
    return questions


def _normalised(text: str) -> str:
    """Composed Unicode (NFC), without a byte-order mark, every line ending in LF."""
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str):
    """The lines that hold anything, stripped, with their numbers; blank lines are skipped without a step each."""
    position, number = 0, 1
    while found := _NOT_SPACE.search(text, position):
        start = text.rfind("\n", position, found.start()) + 1
        number += text.count("\n", position, start)
        end = text.find("\n", found.end())
        position = len(text) if end < 0 else end
        yield number, text[start:position].strip()


def _started(line: int, limits: TextLimits) -> _Draft:
    limits.question_starts(line)
    return _Draft(line=line, text=[])


def _add_option(draft: _Draft, number: int, option: re.Match, errors: list) -> None:
    letter, text = option.group(1), option.group(2).strip()
    if letter in draft.options:
        errors.append(_error(number, _("Option %(letter)s appears twice in this question.") % {"letter": letter}))
    elif not text:
        errors.append(_error(number, _("Option %(letter)s has no text.") % {"letter": letter}))
    draft.options.setdefault(letter, (number, text))


def _finish(draft: _Draft, number: int, written: str, errors: list) -> ParsedQuestion | None:
    letter = _LETTER.fullmatch(written.strip())
    if len(draft.options) < 2:
        errors.append(_error(number, _("A question needs at least two options (A. and B.) before its ANSWER line.")))
    elif not letter:
        errors.append(_error(number, _("The ANSWER line must name one option letter, as in ANSWER: B.")))
    elif letter.group(1).upper() not in draft.options:
        errors.append(_error(number, _("The answer %(letter)s is not one of this question's options (%(options)s).")
                             % {"letter": letter.group(1).upper(), "options": ", ".join(draft.options)}))
    else:
        right = letter.group(1).upper()
        answers = [ParsedAnswer(text=text, fraction=Decimal(key == right)) for key, (_, text) in draft.options.items()]
        return ParsedQuestion(type="single", text="\n".join(draft.text), line=draft.line, answers=answers)
    return None


def _missing_answer(draft: _Draft) -> dict:
    return _error(draft.line, _("This question has no ANSWER line (such as ANSWER: B) after its options."))


def _error(line: int, message: str) -> dict:
    return {"line": line, "message": message}


def dump(questions: list[ParsedQuestion]) -> str:
    """The single-choice questions as Aiken text, a blank line between two questions."""
    return "\n".join(_write(question) for question in questions
                     if question.type == "single" and 2 <= len(question.answers) <= len(LETTERS))


def _write(question: ParsedQuestion) -> str:
    answers = question.answers
    right = max(range(len(answers)), key=lambda index: answers[index].fraction)
    lines = [_one_line(question.text)]
    lines += [f"{letter}. {_one_line(answer.text)}" for letter, answer in zip(LETTERS, answers)]
    lines.append(f"ANSWER: {LETTERS[right]}")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())
