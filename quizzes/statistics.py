"""Item statistics of a quiz, as Moodle defines them. Pure: no database.

For each question: how many attempts saw it, the facility index (the mean
fraction scored, from 0 to 1), the discrimination index (Pearson's correlation between the
question's score and the score on the rest of the attempt, times 100) and how
often each answer was chosen.
"""

from collections import Counter
from math import sqrt


def correlation(xs: list[float], ys: list[float]) -> float | None:
    count = len(xs)
    if count < 2:
        return None
    mean_x, mean_y = sum(xs) / count, sum(ys) / count
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    spread = sqrt(sum((x - mean_x) ** 2 for x in xs) * sum((y - mean_y) ** 2 for y in ys))
    return None if spread == 0 else covariance / spread


def item_statistics(attempts: list[dict]) -> list[dict]:
    """`attempts`: `[{"score": s, "max_score": m, "items": {qid: {"points", "max_points", "answer", "type"}}}]`."""
    by_question: dict[int, list[tuple[dict, dict]]] = {}
    for attempt in attempts:
        for question_id, item in attempt["items"].items():
            by_question.setdefault(question_id, []).append((attempt, item))
    return [_one(question_id, rows) for question_id, rows in sorted(by_question.items())]


def _one(question_id: int, rows: list[tuple[dict, dict]]) -> dict:
    fractions = [item["points"] / item["max_points"] if item["max_points"] else 0.0 for _attempt, item in rows]
    rest = [attempt["score"] - item["points"] for attempt, item in rows]
    discrimination = correlation(fractions, rest)
    return {
        "question": question_id,
        "attempts": len(rows),
        "facility": round(sum(fractions) / len(fractions), 4) if fractions else None,
        "discrimination": None if discrimination is None else round(100 * discrimination, 2),
        "choices": _choice_counts(item for _attempt, item in rows),
    }


def _choice_counts(items) -> dict[str, int]:
    counts: Counter = Counter()
    for item in items:
        answer = item["answer"]
        if item["type"] in ("single", "true_false") and answer is not None:
            counts[str(answer).lower()] += 1
        elif item["type"] == "multiple" and isinstance(answer, list):
            counts.update(str(choice) for choice in set(answer))
    return dict(counts)
