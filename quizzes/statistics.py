"""Item statistics of a quiz, as Moodle defines them. Pure: no database.

For each question: how many attempts saw it, the facility index (the mean
fraction scored, from 0 to 1), the discrimination index (Pearson's correlation between the
question's score and the score on the rest of the attempt, times 100) and how
often each answer was chosen.

The database sums what is needed per question (see `services.review`), so the
figures come from a few aggregate rows, not from every response: `Moments` are
those sums.
"""

from collections import Counter
from dataclasses import dataclass
from math import sqrt

# Below this, per response, a sum of squared deviations is rounding error: every value was the same.
# Real spreads are far above it (two scores 0.01 apart already give 0.00005).
ROUNDING = 1e-12


@dataclass(frozen=True)
class Moments:
    """One question over the attempts that saw it: x is the fraction scored, y the rest of the attempt's score."""

    count: int
    mean_x: float
    co_deviation: float  # sum of (x - mean x) (y - mean y)
    deviation_x: float  # sum of (x - mean x)²
    deviation_y: float  # sum of (y - mean y)²


def correlation(moments: Moments) -> float | None:
    """Pearson's r; None for fewer than two attempts, or when either side never varies."""
    spreads = (moments.deviation_x, moments.deviation_y)
    if moments.count < 2 or min(spreads) <= ROUNDING * moments.count:
        return None
    return max(-1.0, min(1.0, moments.co_deviation / sqrt(spreads[0] * spreads[1])))


def question_statistics(question_id: int, moments: Moments, choices: dict[str, int]) -> dict:
    discrimination = correlation(moments)
    return {
        "question": question_id,
        "attempts": moments.count,
        "facility": round(moments.mean_x, 4),
        "discrimination": None if discrimination is None else round(100 * discrimination, 2),
        "choices": choices,
    }


def choice_counts(question_type: str | None, answers) -> dict[str, int]:
    """How often each answer was chosen, from `(answer, how many responses gave it)`.

    Single and true/false answers count once each; a multiple answer counts each
    choice it names, once. Other types have no choices to count.
    """
    counts: Counter = Counter()
    for answer, times in answers:
        if question_type in ("single", "true_false") and answer is not None:
            counts[str(answer).lower()] += times
        elif question_type == "multiple" and isinstance(answer, list):
            for choice in set(answer):
                counts[str(choice)] += times
    return dict(counts)
