"""Scoring one answer against one question snapshot. Pure: no database.

A snapshot is the dict stored in `Attempt.questions` (see `quizzes.snapshot`):
`{"id", "type", "points", "choices": [{"id", "text", "fraction", "feedback",
"match_text", "value", "tolerance", "minimum", "maximum"}], "options": {...}}`.
Fractions and numbers are strings there (JSON has no decimals).

`score(snapshot, answer)` returns a `Result`: the fraction in [0, 1] (None for an
essay, graded by hand), the points, and the feedback of what was chosen.
In short-answer and numerical questions an answer `*` alone is Moodle's "any
other answer": it counts, with its own fraction and feedback, only when no
other answer matched.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from quizzes.snapshot import matching_options

ZERO, ONE = Decimal("0"), Decimal("1")


@dataclass(frozen=True)
class Result:
    fraction: Decimal | None
    points: Decimal | None
    max_points: Decimal
    feedback: str = ""


def score(snapshot: dict, answer) -> Result:
    max_points = Decimal(snapshot["points"])
    if snapshot["type"] == "essay":
        return Result(None, None, max_points)
    fraction, feedback = SCORERS[snapshot["type"]](snapshot, answer)
    fraction = min(ONE, max(ZERO, fraction))
    return Result(fraction, (fraction * max_points).quantize(Decimal("0.01")), max_points, feedback)


def _choices(snapshot: dict) -> dict[int, dict]:
    return {choice["id"]: choice for choice in snapshot["choices"]}


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def score_single(snapshot: dict, answer) -> tuple[Decimal, str]:
    choice = _choices(snapshot).get(_as_int(answer))
    if choice is None:
        return ZERO, ""
    return Decimal(choice["fraction"]), choice["feedback"]


def score_multiple(snapshot: dict, answer) -> tuple[Decimal, str]:
    if not isinstance(answer, list):
        return ZERO, ""
    choices = _choices(snapshot)
    chosen = [choices[pk] for pk in dict.fromkeys(_as_int(item) for item in answer) if pk in choices]
    total = sum((Decimal(choice["fraction"]) for choice in chosen), ZERO)
    return total, "\n".join(choice["feedback"] for choice in chosen if choice["feedback"])


def score_true_false(snapshot: dict, answer) -> tuple[Decimal, str]:
    if not isinstance(answer, bool):
        return ZERO, ""
    wanted = "true" if answer else "false"
    for choice in snapshot["choices"]:
        if choice["text"] == wanted:
            return Decimal(choice["fraction"]), choice["feedback"]
    return ZERO, ""


def normalise(text: str, *, ignore_diacritics: bool = False, case_sensitive: bool = False) -> str:
    """NFC, case folding and collapsed spaces; optionally without Vietnamese diacritics (đ → d)."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not case_sensitive:
        text = text.casefold()
    if ignore_diacritics:
        decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        text = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return text


def _matches(given: str, accepted: str) -> bool:
    # Moodle's wildcard: `*` in an accepted answer stands for any text.
    if "*" in accepted:
        pattern = ".*".join(re.escape(part) for part in accepted.split("*"))
        return re.fullmatch(pattern, given, flags=re.DOTALL) is not None
    return given == accepted


def score_short_answer(snapshot: dict, answer) -> tuple[Decimal, str]:
    if not isinstance(answer, str) or not answer.strip():
        return ZERO, ""
    options = snapshot.get("options") or {}
    flags = {"ignore_diacritics": bool(options.get("ignore_diacritics")),
             "case_sensitive": bool(options.get("case_sensitive"))}
    given = normalise(answer, **flags)
    best = None
    for choice in snapshot["choices"]:
        if not _any_other(choice) and _matches(given, normalise(choice["text"], **flags)):
            if best is None or Decimal(choice["fraction"]) > Decimal(best["fraction"]):
                best = choice
    return _fraction_and_feedback(best or _catch_all(snapshot))


def _any_other(choice: dict) -> bool:
    """Moodle's "any other answer": `*` alone (and no number, in a numerical question)."""
    numbers = (choice.get(field) for field in ("value", "minimum", "maximum"))
    return choice["text"].strip() == "*" and all(number is None for number in numbers)


def _catch_all(snapshot: dict) -> dict | None:
    # Only reached when no other answer matched, so it never hides a specific answer's feedback.
    return next((choice for choice in snapshot["choices"] if _any_other(choice)), None)


def _fraction_and_feedback(choice: dict | None) -> tuple[Decimal, str]:
    return (Decimal(choice["fraction"]), choice["feedback"]) if choice else (ZERO, "")


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        # Vietnamese writes a decimal comma: "3,14".
        value = value.strip().replace(",", ".")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _within(number: Decimal, choice: dict) -> bool:
    if choice.get("minimum") is not None and choice.get("maximum") is not None:
        return Decimal(choice["minimum"]) <= number <= Decimal(choice["maximum"])
    if choice.get("value") is None:
        return False
    tolerance = Decimal(choice.get("tolerance") or "0")
    return abs(number - Decimal(choice["value"])) <= tolerance


def score_numerical(snapshot: dict, answer) -> tuple[Decimal, str]:
    number = _number(answer)
    if number is None:
        return ZERO, ""
    matching = [choice for choice in snapshot["choices"] if _within(number, choice)]
    if not matching:
        return _fraction_and_feedback(_catch_all(snapshot))
    best = max(matching, key=lambda choice: Decimal(choice["fraction"]))
    return Decimal(best["fraction"]), best["feedback"]


def score_matching(snapshot: dict, answer) -> tuple[Decimal, str]:
    items = [choice for choice in snapshot["choices"] if choice["text"]]
    if not items or not isinstance(answer, dict):
        return ZERO, ""
    options = {option["id"]: option["text"] for option in matching_options(snapshot)}
    correct = 0
    for item in items:
        chosen = options.get(_as_int(answer.get(str(item["id"]), answer.get(item["id"]))))
        if chosen is not None and chosen == item["match_text"]:
            correct += 1
    return Decimal(correct) / Decimal(len(items)), ""


SCORERS = {
    "single": score_single,
    "multiple": score_multiple,
    "true_false": score_true_false,
    "short_answer": score_short_answer,
    "numerical": score_numerical,
    "matching": score_matching,
}
