"""Why a question's statistics suggest it is broken, said in plain words. Pure: no database.

The thresholds follow Moodle's guidance on item analysis: a discrimination index
below 0 is invalid and below 20 very weak; a facility index near 0 or 100 % tells
learners apart no better than a coin.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

WEAK_DISCRIMINATION = 20  # in the index's own units, from -100 to 100
TOO_EASY, TOO_HARD = 0.95, 0.05  # facility, from 0 to 1
MOST = 0.5  # a wrong answer chosen by more than this share of the attempts


@dataclass(frozen=True)
class ChoiceFigure:
    text: str
    count: int
    fraction: float  # the answer's weight: 1 right, 0 wrong, in between partly right, below 0 penalised

    @property
    def right(self) -> bool:
        return self.fraction > 0


def reasons(*, attempts: int, facility: float | None, discrimination: float | None,
            choices: list[ChoiceFigure]) -> list[str]:
    """Each reason the question looks broken; empty when nothing is wrong with it."""
    if attempts == 0:
        return []
    found = []
    if discrimination is not None and discrimination < 0:
        found.append(_("Learners who did well on the rest of the quiz did worse on this question than those who "
                       "did badly: the answer key may be wrong, or the question misleading."))
    elif discrimination is not None and discrimination < WEAK_DISCRIMINATION:
        found.append(_("It hardly tells stronger learners from weaker ones: strong and weak score about alike."))
    if facility is not None and facility >= TOO_EASY:
        found.append(_("Almost everyone got it right: it tells you little about what learners know."))
    elif facility is not None and facility <= TOO_HARD:
        found.append(_("Almost nobody got it right: the answer key may be wrong, or the topic was not taught."))
    best = max((choice.fraction for choice in choices), default=0)
    for choice in choices:
        if choice.right and choice.fraction >= best and choice.count == 0:
            found.append(_("Nobody chose the right answer “%(answer)s”.") % {"answer": choice.text})
        elif not choice.right and choice.count > MOST * attempts:
            found.append(_("Most learners (%(count)d of %(attempts)d) chose the wrong answer “%(answer)s”: check "
                           "the key and the wording.") % {"count": choice.count, "attempts": attempts,
                                                          "answer": choice.text})
    return found
