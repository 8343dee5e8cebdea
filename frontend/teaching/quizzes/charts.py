"""Each question's figures as a small SVG bar chart drawn by the template: facility, discrimination, and how
often each answer was chosen. The template also gives the same figures as a table for screen readers."""

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from frontend.teaching.quizzes.flags import ChoiceFigure, reasons
from quizzes.models import Question

WIDTH = 400  # the SVG's own units; it scales to the card's width
ROW = 44  # a label line, then the bar
BAR = 14
LABEL_CHARS = 30


def question_charts(rows: list[dict], questions: dict[int, Question]) -> list[dict]:
    """One item per question of the statistics, in the bank's order, with its chart rows and its flags."""
    items = [_item(row, questions.get(row["question"])) for row in rows]
    for number, item in enumerate(items, start=1):
        item["number"] = number
    return items


def _item(row: dict, question: Question | None) -> dict:
    choices = _choices(row, question)
    facility, discrimination = row["facility"], row["discrimination"]
    bars = [_facility_bar(facility), _discrimination_bar(discrimination)]
    bars += [_choice_bar(choice, row["attempts"]) for choice in choices]
    for position, bar in enumerate(bars):
        bar["y"] = position * ROW
    return {
        "id": row["question"], "question": question, "attempts": row["attempts"],
        "text": Truncator(strip_tags(question.text)).chars(160) if question else _("(a deleted question)"),
        "facility_percent": None if facility is None else round(100 * facility, 1),
        "discrimination": discrimination, "choices": choices, "bars": bars, "height": len(bars) * ROW,
        "flags": reasons(attempts=row["attempts"], facility=facility, discrimination=discrimination,
                         choices=choices),
    }


def _choices(row: dict, question: Question | None) -> list[ChoiceFigure]:
    if question is None or question.type not in ("single", "multiple", "true_false"):
        return []
    counts = row.get("choices") or {}
    figures = []
    for choice in question.choices.all():
        if question.type == "true_false":
            key = choice.text.strip().lower()
            text = _("True") if key == "true" else _("False")
        else:
            key, text = str(choice.pk), strip_tags(choice.text)
        figures.append(ChoiceFigure(text=text, count=counts.get(key, 0), fraction=float(choice.fraction)))
    return figures


def _facility_bar(facility: float | None) -> dict:
    return {"label": _("Facility (share scored)"), "kind": "facility", "x": 0,
            "width": 0 if facility is None else round(WIDTH * facility, 1),
            "value": "–" if facility is None else f"{round(100 * facility)} %"}


def _discrimination_bar(discrimination: float | None) -> dict:
    """Drawn from the middle: to the right above 0, to the left below."""
    middle = WIDTH / 2
    length = 0 if discrimination is None else round(middle * discrimination / 100, 1)
    return {"label": _("Discrimination (from −100 to 100)"), "kind": "bad" if (discrimination or 0) < 0 else "good",
            "x": middle + min(length, 0), "width": abs(length), "middle": middle,
            "value": "–" if discrimination is None else f"{discrimination:.0f}"}


def _choice_bar(choice: ChoiceFigure, attempts: int) -> dict:
    share = choice.count / attempts if attempts else 0
    mark = "✓ " if choice.right else ""
    return {"label": mark + Truncator(choice.text).chars(LABEL_CHARS), "kind": "right" if choice.right else "wrong",
            "x": 0, "width": round(WIDTH * min(share, 1), 1), "value": f"{choice.count} ({round(100 * share)} %)"}
