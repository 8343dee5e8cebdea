"""Question snapshots: what an attempt stores of each question, and what a learner is shown.

`question_data` turns a question and its answers into a JSON-ready dict (the
key included); an attempt stores one per question, with the display order of
its choices fixed once at the start. `learner_view` is the only thing a learner
receives of it before review: ids and texts, never weights or feedback.

No id a learner sees tells anything about the key. Answers go by their random
`public_id`, never the database id, which follows the order they were written
in (the right one usually first). The options of a matching question get
numbers of their own in each attempt: were they named after the first item
they match, each item's id would point at its option.
"""

import random


def _text(value) -> str | None:
    return None if value is None else str(value)


def question_data(question, choices, *, with_pk: bool = False) -> dict:
    """`with_pk`: each answer also carries its database id, for a regrade to find it again
    in attempts started before public ids. Attempts do not store it: it would only
    make every exam-day read of their questions longer."""
    data = {
        "id": question.pk,
        "type": question.type,
        "text": question.text,
        "text_format": question.text_format,
        "points": str(question.points),
        "general_feedback": question.general_feedback,
        "options": question.options or {},
        "choices": [
            {
                "id": choice.public_id,
                "text": choice.text,
                "fraction": str(choice.fraction),
                "feedback": choice.feedback,
                "match_text": choice.match_text,
                "value": _text(choice.value),
                "tolerance": _text(choice.tolerance),
                "minimum": _text(choice.minimum),
                "maximum": _text(choice.maximum),
            }
            for choice in choices
        ],
    }
    if with_pk:
        for entry, choice in zip(data["choices"], choices, strict=True):
            entry["pk"] = choice.pk
    return data


def matching_options(data: dict) -> list[dict]:
    """The distinct right-hand options of a matching question, `[{id, text}]`.

    An attempt stores them with its own numbers (`match_options`). Attempts
    started before that named each option after its first item; those still read so.
    """
    if "match_options" in data:
        return data["match_options"]
    options = {}
    for choice in data["choices"]:
        if choice["match_text"] and choice["match_text"] not in options:
            options[choice["match_text"]] = {"id": choice["id"], "text": choice["match_text"]}
    return list(options.values())


def for_attempt(data: dict, rng: random.Random, shuffle_choices: bool) -> dict:
    """The question as this attempt shows it: choice (or item and option) order fixed now."""
    snapshot = dict(data)
    if data["type"] in ("single", "multiple"):
        order = [choice["id"] for choice in data["choices"]]
        if shuffle_choices:
            rng.shuffle(order)
        snapshot["order"] = order
    elif data["type"] == "matching":
        items = [choice["id"] for choice in data["choices"] if choice["text"]]
        texts = list(dict.fromkeys(choice["match_text"] for choice in data["choices"] if choice["match_text"]))
        # Options are always shuffled: in source order they would line up with the items.
        rng.shuffle(texts)
        if shuffle_choices:
            rng.shuffle(items)
        numbers = rng.sample(range(1, 1_000_000), len(texts))
        snapshot["match_options"] = [{"id": number, "text": text} for number, text in zip(numbers, texts, strict=True)]
        snapshot["order"], snapshot["option_order"] = items, numbers
    return snapshot


def learner_view(snapshot: dict) -> dict:
    view = {"id": snapshot["id"], "type": snapshot["type"], "text": snapshot["text"],
            "text_format": snapshot.get("text_format", "plain"), "points": snapshot["points"]}
    choices = {choice["id"]: choice for choice in snapshot["choices"]}
    if snapshot["type"] in ("single", "multiple"):
        view["choices"] = [{"id": pk, "text": choices[pk]["text"]} for pk in snapshot["order"] if pk in choices]
    elif snapshot["type"] == "matching":
        options = {option["id"]: option for option in matching_options(snapshot)}
        view["choices"] = {
            "items": [{"id": pk, "text": choices[pk]["text"]} for pk in snapshot["order"] if pk in choices],
            "options": [options[pk] for pk in snapshot["option_order"] if pk in options],
        }
    return view


def refresh_key(snapshot: dict, current: dict | None) -> dict:
    """The snapshot with the current answer key of its question (for a regrade).

    Texts and display order stay as the learner saw them; weights, values and
    feedback come from the question now. Answers deleted since keep their old key.
    """
    if current is None:
        return snapshot
    found = [_current_answer(choice, current) for choice in snapshot["choices"]]
    refreshed = dict(snapshot)
    refreshed["points"] = current["points"]
    refreshed["options"] = current["options"]
    refreshed["choices"] = [{**choice, **_key_of(now)} if now else choice
                            for choice, now in zip(snapshot["choices"], found, strict=True)]
    known = {now["id"] for now in found if now}
    if snapshot["type"] in ("short_answer", "numerical"):
        # New accepted answers count in a regrade: they show nothing to the learner.
        refreshed["choices"] += [choice for choice in current["choices"] if choice["id"] not in known]
    if "match_options" in snapshot:
        refreshed["match_options"] = _renamed_options(snapshot, refreshed["choices"])
    return refreshed


def _current_answer(choice: dict, current: dict) -> dict | None:
    """The answer as the question has it now: by public id, or by database id in attempts
    started before public ids (`current` is built `with_pk`)."""
    by_public_id = next((now for now in current["choices"] if now["id"] == choice["id"]), None)
    return by_public_id or next((now for now in current["choices"] if now.get("pk") == choice["id"]), None)


def _renamed_options(snapshot: dict, choices: list[dict]) -> list[dict]:
    """The attempt's matching options after a regrade: an option whose text was corrected shows the new text.

    A match changed to another option the attempt already shows is a new key,
    not a new text, and a text some answer still matches stays: the options stay
    as they were.
    """
    shown = {option["text"] for option in snapshot["match_options"]}
    still_used = {choice["match_text"] for choice in choices}
    renamed = {old["match_text"]: new["match_text"] for old, new in zip(snapshot["choices"], choices, strict=False)
               if new["match_text"] not in shown and old["match_text"] not in still_used}
    return [{**option, "text": renamed.get(option["text"], option["text"])} for option in snapshot["match_options"]]


def _key_of(choice: dict) -> dict:
    keys = ("fraction", "feedback", "match_text", "value", "tolerance", "minimum", "maximum")
    return {key: choice[key] for key in keys}


MAX_TEXT_ANSWER = 20_000


def answer_fits(snapshot: dict, value) -> bool:
    """Whether an answer has the shape its question type takes (see API.md), with ids of this attempt."""
    kind = snapshot["type"]
    ids = {choice["id"] for choice in snapshot["choices"]}
    if kind == "single":
        return _is_id(value, ids)
    if kind == "multiple":
        return isinstance(value, list) and len(value) <= len(ids) and all(_is_id(item, ids) for item in value)
    if kind == "true_false":
        return isinstance(value, bool)
    if kind in ("short_answer", "essay"):
        return isinstance(value, str) and len(value) <= MAX_TEXT_ANSWER
    if kind == "numerical":
        return _is_number(value)
    if kind == "matching":
        items = {str(choice["id"]) for choice in snapshot["choices"] if choice["text"]}
        options = {option["id"] for option in matching_options(snapshot)}
        return isinstance(value, dict) and all(
            str(item) in items and _is_id(option, options) for item, option in value.items()
        )
    return False


def _is_id(value, ids: set[int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in ids


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value == value and abs(value) != float("inf")
    if isinstance(value, str) and len(value) < 50:
        try:
            return abs(float(value.strip().replace(",", "."))) != float("inf")
        except ValueError:
            return False
    return False


def correct_answer(snapshot: dict):
    """The best answer of a question, in the shape a learner answers it (for review only)."""
    kind, choices = snapshot["type"], snapshot["choices"]
    best = max(choices, key=lambda choice: float(choice["fraction"]), default=None)
    if kind == "single":
        return best["id"] if best else None
    if kind == "multiple":
        return [choice["id"] for choice in choices if float(choice["fraction"]) > 0]
    if kind == "true_false":
        return best["text"] == "true" if best else None
    if kind == "short_answer":
        return best["text"] if best else None
    if kind == "numerical":
        if best is None:
            return None
        if best.get("minimum") is not None:
            return {"minimum": best["minimum"], "maximum": best["maximum"]}
        return {"value": best["value"], "tolerance": best.get("tolerance") or "0"}
    if kind == "matching":
        options = {option["text"]: option["id"] for option in matching_options(snapshot)}
        return {str(choice["id"]): options.get(choice["match_text"]) for choice in choices if choice["text"]}
    return None
