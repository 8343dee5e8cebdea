"""Training hours: what each official earned in a year, by reform topic, and what the rules ask of them.

Hours are credited from three sources, the same for the hours report, the summary
and the learner's own pages:

- a completed course credits the hours it had when completed (`credited_hours`),
  in the year of completion (in the province's time zone), by the course's topic;
- a cycle completed before a renewal keeps its hours in its own year;
- a class or conference with hours of its own credits them, by its topic, to each
  person who meets its attendance rule, in the year it ends.
"""

from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Sum, Value
from django.db.models.functions import ExtractYear
from django.utils import timezone

from courses.models import CompletedCycle, Enrollment, Topic
from reports.models import HoursRequirement
from training.models import RosterEntry

TOPICS = [topic.value for topic in Topic]
ZERO = Decimal("0")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first instant of the year and of the next one, in the province's time zone."""
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(datetime(year, 1, 1), time.min), zone),
            timezone.make_aware(datetime.combine(datetime(year + 1, 1, 1), time.min), zone))


def credits(people, year: int, *, by_topic: bool = True) -> tuple:
    """The three sources of hours for the people of the queryset `people` in `year`: querysets of
    (person id, topic, hours), or of (person id, hours) without `by_topic`, each grouped in the database."""
    start, end = year_bounds(year)
    ids = people.values("pk")
    topic = ["course__topic"] if by_topic else []
    return (
        Enrollment.objects.filter(status=Enrollment.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end,
                                  user__in=ids)
        .values_list("user_id", *topic).annotate(hours=Sum("credited_hours")).order_by(),
        CompletedCycle.objects.filter(completed_at__gte=start, completed_at__lt=end, enrollment__user__in=ids)
        .values_list("enrollment__user_id", *(f"enrollment__{name}" for name in topic))
        .annotate(hours=Sum("credited_hours")).order_by(),
        RosterEntry.objects.filter(attended=True, event__hours__gt=0, event__ends_on__year=year, user__in=ids)
        .values_list("user_id", *(["event__topic"] if by_topic else [])).annotate(hours=Sum("event__hours")).order_by(),
    )


def hours_by_person(people, year: int) -> dict[int, dict[str, Decimal]]:
    """{person id: {topic: hours}} for the people of the queryset `people`: three grouped queries."""
    hours: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for source in credits(people, year):
        for person_id, topic, amount in source:
            hours[person_id][topic] += amount or ZERO
    return hours


def requirement_rows() -> list[tuple]:
    return list(HoursRequirement.objects.order_by("year", "position").values_list("year", "position", "hours"))


class Requirements:
    """The hours asked of each position in one year, read once (see `HoursRequirement`).

    The newest row not after the year decides: a position's own row, unless a
    general row of a later year has replaced every earlier rule since.
    """

    def __init__(self, year: int, rows: list[tuple] | None = None):
        """`rows`: every (year, position, hours), oldest first, when already read."""
        if rows is None:
            rows = requirement_rows()
        self.year = year
        self.general = Decimal(settings.REPORTS_DEFAULT_REQUIRED_HOURS)
        self.by_position: dict[str, Decimal] = {}
        for row_year, position, hours in rows:
            if row_year > year:
                break
            if position:
                self.by_position[position.casefold().strip()] = hours
            else:
                # A new rule for everyone: the earlier rules of positions end with it.
                self.general, self.by_position = hours, {}

    def of(self, position: str) -> Decimal:
        return self.by_position.get((position or "").casefold().strip(), self.general)


def person_hours(person) -> list[dict]:
    """One person's hours per year, newest first, with the courses completed and the requirement of the year.

    What the learner's own pages show; it agrees with the hours report by construction
    (the same sources, the same years).
    """
    years: dict[int, dict] = {}
    course, event = Value(1), Value(0)
    credits = (
        Enrollment.objects.filter(user=person, status=Enrollment.Status.COMPLETED)
        .annotate(year=ExtractYear("completed_at"), hours=F("credited_hours"), courses=course)
        .values_list("year", "hours", "courses")
    ).union(
        CompletedCycle.objects.filter(enrollment__user=person)
        .annotate(year=ExtractYear("completed_at"), hours=F("credited_hours"), courses=course)
        .values_list("year", "hours", "courses"),
        RosterEntry.objects.filter(user=person, attended=True, event__hours__gt=0)
        .annotate(year=ExtractYear("event__ends_on"), hours=F("event__hours"), courses=event)
        .values_list("year", "hours", "courses"),
        all=True,
    )
    # One query for every source; years in the province's time zone (the current one, as in the report).
    for year, hours, courses in credits:
        row = years.setdefault(year, {"year": year, "hours": ZERO, "courses": 0})
        row["hours"] += hours or ZERO
        row["courses"] += courses
    rows = sorted(years.values(), key=lambda row: row["year"], reverse=True)
    requirements = requirement_rows()
    for row in rows:
        row["required"] = Requirements(row["year"], requirements).of(person.position)
    return rows
