"""The rules a question must meet to be stored and scored, whichever way it came in
(the API, an imported file, the admin). Pure: no database.

`question_problems` lists what is wrong by field (`type`, `points`, `category`,
`options`, `answers`); `check_parsed` raises them as a `ValidationError`.

By type, so that `quizzes.scoring` can always score the question and full marks
can be reached:

- single: two answers or more, one of them at 100%. GIFT always gives one (its
  `=` answer is 100%), and Moodle's own form refuses a single-answer question
  without one, since nobody could then get full marks;
- multiple: two answers or more, at least one with a positive weight (the score
  is the sum of the chosen weights);
- true_false: the answers "true" and "false", one of them at 100%;
- short_answer: accepted answers that are not empty, at least one with a
  positive weight, as the GIFT reader asks;
- numerical: each answer a value (with a tolerance of 0 or more), a range, or
  Moodle's "any other answer" (`*`, without numbers); at least one value or range
  and a positive weight;
- matching: at least two pairs of an item and its match; a distractor (no item)
  still has a match;
- every weight from -100% to 100%; numbers and points that fit their columns.

Options are an object; only a short-answer question takes them:
`{"ignore_diacritics": bool, "case_sensitive": bool}`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quizzes.formats import QUESTION_TYPES, ParsedAnswer, ParsedQuestion

SHORT_ANSWER_OPTIONS = ("ignore_diacritics", "case_sensitive")
CATCH_ALL = "*"
MAX_POINTS = Decimal("9999.99")  # Question.points: 6 digits, 2 decimals
MAX_NUMBER = Decimal(10) ** 12  # beyond what Choice.value and the like hold: 20 digits, 8 decimals
MAX_CATEGORY = 255
_NUMBER_FIELDS = ("value", "tolerance", "minimum", "maximum")


def check_parsed(parsed: ParsedQuestion) -> None:
    """Raise a ValidationError naming each field whose rule the question breaks."""
    problems = question_problems(parsed)
    if problems:
        raise ValidationError(problems)


def question_problems(parsed: ParsedQuestion) -> dict[str, list[str]]:
    if parsed.type not in QUESTION_TYPES:
        return {"type": [_("“%(value)s” is not a question type.") % {"value": parsed.type}]}
    found = {
        "points": _points_problems(parsed.points),
        "category": _category_problems(parsed.category),
        "options": _options_problems(parsed.type, parsed.options),
        "answers": _answers_problems(parsed.type, parsed.answers),
    }
    return {field: messages for field, messages in found.items() if messages}


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _fits(number: Decimal, limit: Decimal, places: int) -> bool:
    """Whether a number stays below the limit once rounded to the places its column keeps."""
    return abs(number) < limit and abs(number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)) < limit


def _points_problems(points) -> list[str]:
    number = _decimal(points)
    if number is None or number < 0 or not _fits(number, MAX_POINTS + Decimal("0.01"), 2):
        return [_("Points are a number from 0 to %(maximum)s.") % {"maximum": MAX_POINTS}]
    return []


def _category_problems(category: str) -> list[str]:
    if len(category or "") > MAX_CATEGORY:
        return [_("A category name has at most %(count)d characters.") % {"count": MAX_CATEGORY}]
    return []


def _options_problems(kind: str, options) -> list[str]:
    if not isinstance(options, dict):
        return [_("Options are an object, such as {\"ignore_diacritics\": true}.")]
    if not options:
        return []
    if kind != "short_answer":
        return [_("Only a short-answer question takes options.")]
    problems = [_("“%(key)s” is not an option; the options are %(options)s.")
                % {"key": key, "options": ", ".join(SHORT_ANSWER_OPTIONS)}
                for key in options if key not in SHORT_ANSWER_OPTIONS]
    problems += [_("The option “%(key)s” is true or false.") % {"key": key}
                 for key, value in options.items() if key in SHORT_ANSWER_OPTIONS and not isinstance(value, bool)]
    return problems


def _answers_problems(kind: str, answers: list[ParsedAnswer]) -> list[str]:
    problems = []
    fractions = []
    for number, answer in enumerate(answers, 1):
        fraction = _decimal(answer.fraction)
        if fraction is None or not -1 <= fraction <= 1:
            problems.append(_("Answer %(number)d: the weight is between -100%% and 100%%.") % {"number": number})
        fractions.append(fraction or Decimal(0))
        problems += _number_problems(answer, number)
    if problems:
        return problems
    return _TYPE_RULES[kind](answers, fractions) if kind in _TYPE_RULES else []


def _number_problems(answer: ParsedAnswer, number: int) -> list[str]:
    for field in _NUMBER_FIELDS:
        value = getattr(answer, field)
        decimal = _decimal(value)
        if value is not None and (decimal is None or not _fits(decimal, MAX_NUMBER, 8)):
            return [_("Answer %(number)d: a number has at most 12 digits before the decimal point.")
                    % {"number": number}]
    return []


def _single(answers: list[ParsedAnswer], fractions: list[Decimal]) -> list[str]:
    problems = _choices(answers)
    if max(fractions, default=0) != 1:
        problems.append(_("A single-choice question needs a right answer at 100%."))
    return problems


def _multiple(answers: list[ParsedAnswer], fractions: list[Decimal]) -> list[str]:
    problems = _choices(answers)
    if not any(fraction > 0 for fraction in fractions):
        problems.append(_("A multiple-choice question needs at least one answer with a positive weight."))
    return problems


def _choices(answers: list[ParsedAnswer]) -> list[str]:
    problems = [] if len(answers) >= 2 else [_("A choice question needs at least two answers.")]
    return problems + _empty_answers(answers)


def _empty_answers(answers: list[ParsedAnswer]) -> list[str]:
    return [_("Answer %(number)d is empty.") % {"number": number}
            for number, answer in enumerate(answers, 1) if not (answer.text or "").strip()]


def _true_false(answers: list[ParsedAnswer], fractions: list[Decimal]) -> list[str]:
    if sorted(answer.text for answer in answers) != ["false", "true"]:
        return [_("A true/false question has exactly the answers true and false.")]
    if max(fractions) != 1:
        return [_("One answer of a true/false question is right, at 100%.")]
    return []


def _short_answer(answers: list[ParsedAnswer], fractions: list[Decimal]) -> list[str]:
    if not answers:
        return [_("Give at least one accepted answer.")]
    return _empty_answers(answers) + _positive_weight(fractions)


def _positive_weight(fractions: list[Decimal]) -> list[str]:
    if any(fraction > 0 for fraction in fractions):
        return []
    return [_("This question has no right answer: give at least one answer a positive weight.")]


def _is_catch_all(answer: ParsedAnswer) -> bool:
    """Moodle's "any other answer" (`*` and no number), as `quizzes.scoring` reads it."""
    numbers = (answer.value, answer.minimum, answer.maximum)
    return (answer.text or "").strip() == CATCH_ALL and all(number is None for number in numbers)


def _numerical(answers: list[ParsedAnswer], fractions: list[Decimal]) -> list[str]:
    if not answers:
        return [_("Give at least one accepted answer.")]
    problems = []
    for number, answer in enumerate(answers, 1):
        problems += _numerical_answer_problems(answer, number)
    if not problems and all(_is_catch_all(answer) for answer in answers):
        problems.append(_("Give at least one accepted value or range besides “any other answer” (*)."))
    return problems + _positive_weight(fractions)


def _numerical_answer_problems(answer: ParsedAnswer, number: int) -> list[str]:
    if _is_catch_all(answer):
        return []
    value, tolerance, minimum, maximum = (_decimal(getattr(answer, field)) for field in _NUMBER_FIELDS)
    has_value, has_range = value is not None, minimum is not None or maximum is not None
    if not has_value and not has_range:
        return [_("Answer %(number)d has neither a value nor a range (nor * for any other answer).")
                % {"number": number}]
    if has_value and has_range:
        return [_("Answer %(number)d has both a value and a range; give one of them.") % {"number": number}]
    if has_range and (minimum is None or maximum is None):
        return [_("Answer %(number)d: a range needs both its minimum and its maximum.") % {"number": number}]
    if has_range and minimum > maximum:
        return [_("Answer %(number)d: the range starts above where it ends.") % {"number": number}]
    if tolerance is not None and tolerance < 0:
        return [_("Answer %(number)d: the tolerance cannot be negative.") % {"number": number}]
    return []


def _matching(answers: list[ParsedAnswer], fractions: list[Decimal]) -> list[str]:
    problems = [_("Pair %(number)d has no match.") % {"number": number}
                for number, answer in enumerate(answers, 1) if not (answer.match_text or "").strip()]
    if sum(1 for answer in answers if (answer.text or "").strip() and (answer.match_text or "").strip()) < 2:
        problems.append(_("A matching question needs at least two pairs of an item and its match."))
    return problems


_TYPE_RULES = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numerical": _numerical,
    "matching": _matching,
}
