"""How questions and answers are shown on pages. No database.

Answers are written as a person reads them (the texts of the chosen choices,
"True", a number with a decimal comma), never as ids.
"""

from decimal import Decimal

from django.template.defaultfilters import linebreaksbr
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from courses.content import clean_html
from quizzes import snapshot


def question_html(question: dict) -> SafeString:
    """The question's text: HTML questions sanitised here (imports do not clean them), others escaped."""
    if question.get("text_format") == "html":
        return mark_safe(clean_html(question["text"]))  # noqa: S308 - cleaned just above
    return linebreaksbr(question["text"], autoescape=True)


def is_answered(answer) -> bool:
    return answer not in (None, "", [], {})


def unanswered(questions: list[dict], answers: dict) -> list[tuple[int, dict]]:
    """(number, question) of each question left without an answer, numbered from 1 as the page shows them."""
    return [(number, question) for number, question in enumerate(questions, start=1)
            if not is_answered(answers.get(str(question["id"])))]


def answer_text(question: dict, answer) -> list[str]:
    """What the learner answered, one line per part; empty when they left it blank."""
    if not is_answered(answer):
        return []
    kind = question["type"]
    if kind in ("single", "multiple"):
        texts = _choice_texts(question)
        return [texts.get(pk, "?") for pk in (answer if isinstance(answer, list) else [answer])]
    if kind == "true_false":
        return [_("True") if answer else _("False")]
    if kind == "numerical":
        return [_number(answer)]
    if kind == "matching":
        return _pairs(question, answer if isinstance(answer, dict) else {})
    return [str(answer)]


def right_answer_text(question: dict) -> list[str]:
    """The best answer, for review only: call it only where `review_allowed` said yes."""
    right = snapshot.correct_answer(question)
    if question["type"] == "numerical" and isinstance(right, dict):
        if "minimum" in right:
            return [f"{_number(right['minimum'])} – {_number(right['maximum'])}"]
        tolerance = Decimal(right["tolerance"])
        value = _number(right["value"])
        return [f"{value} ± {_number(tolerance)}" if tolerance else value]
    return answer_text(question, right)


def _choice_texts(question: dict) -> dict[int, str]:
    return {choice["id"]: choice["text"] for choice in question["choices"]}


def _pairs(question: dict, answer: dict) -> list[str]:
    items = [choice for choice in question["choices"] if choice["text"]]
    options = {option["id"]: option["text"] for option in snapshot.matching_options(question)}
    return [f"{item['text']} → {options.get(answer.get(str(item['id'])), '—')}" for item in items]


def _number(value) -> str:
    number = Decimal(str(value).strip().replace(",", "."))
    # normalize() drops trailing zeros ("3.50000000" → "3.5") but writes 100 as 1E+2.
    return number_format(number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize())
