"""HR officers' pages: the summary of their units, with a chart and a drill-down (reports: frontend/hr/reports/)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Min
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework import exceptions

from accounts.models import OrgUnit, User
from accounts.roles import Role
from accounts.scope import unit_in_scope
from frontend.access import forbidden
from reports import hours as hours_
from reports import queries
from reports.filters import filters_for
from reports.services import describe

PEOPLE_PER_PAGE = 25
SMALL_SCOPE = 300  # people: a scope this small lists its people on the top level too
YEARS_SHOWN = 5  # the hours requirement of this year and of the years before it
CHART_ROW = 34  # SVG units per bar: the unit's name above, its bar below
CHART_BAR = 240  # SVG units for 100 %: with the figures beside it, fits a phone at a legible size


@login_required
@require_GET
def summary(request):
    """The officer's units rolled up, a chart of the units one level down, drill-down, and the people with problems
    first; `org_unit` drills into a unit of the scope, `year` picks the year of the hours requirement."""
    person = request.user
    if not person.has_role(Role.HR, Role.ADMIN):
        return forbidden(request, _("Only HR officers read the summary of their units."), back_url=reverse("home"))
    raw = {key: request.GET[key] for key in ("org_unit", "year") if request.GET.get(key)}
    try:
        filters = filters_for(person, raw)
    except exceptions.PermissionDenied as refused:
        return forbidden(request, str(refused.detail), back_url=reverse("hr-summary"))
    except exceptions.ValidationError as invalid:
        return render(request, "frontend/hr/summary.html", {"error": describe(invalid)}, status=400)
    figures = queries.summary_figures(filters)
    roots = _levels(figures)
    total = _total(roots) if filters.org_unit is None else roots[0]
    people = None
    if filters.org_unit is not None or total.people <= SMALL_SCOPE:
        people = Paginator(PeopleProblemsFirst(filters), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/hr/summary.html", {
        "filters": filters, "figures": figures, "total": total, "chart": _chart(_compared(figures, roots)),
        "rows": [item for item in figures if item.level <= 1], "breadcrumbs": _ancestors(person, filters.org_unit),
        "people": people, "years": _years(filters.year), "download_query": raw,
        "page_query": urlencode(raw),
    })


def _levels(figures) -> list:
    """Sets each unit's `level` under the topmost units shown (which it returns) and its `indent` (at most 5)."""
    levels = {}
    roots = []
    for item in figures:  # in tree order: a unit's parent comes before it
        level = levels.get(item.unit.parent_id, -1) + 1
        levels[item.unit.pk] = item.level = level
        item.indent = min(level, 5)
        if level == 0:
            roots.append(item)
    return roots


def _total(roots) -> queries.UnitFigures:
    total = queries.UnitFigures(unit=None)
    for item in roots:
        total.add(item)
    return total


def _compared(figures, roots) -> list:
    """The units the chart compares: those one level down from a single top unit, else the top units."""
    if len(roots) == 1:
        return [item for item in figures if item.level == 1] or roots
    return roots


def _chart(items) -> dict:
    rows = []
    for number, item in enumerate(items):
        rate = item.completion_rate
        rows.append({
            "item": item, "y": number * CHART_ROW,
            "width": round(CHART_BAR * float(rate) / 100, 1) if rate is not None else 0,
        })
    return {"rows": rows, "height": max(len(rows), 1) * CHART_ROW, "bar": CHART_BAR}


def _ancestors(person, unit) -> list[OrgUnit]:
    """The units above `unit` that are in the person's scope, top first: the way back up."""
    if unit is None:
        return []
    step = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path), step)]
    return [above for above in OrgUnit.objects.filter(path__in=paths).order_by("path") if unit_in_scope(person, above)]


def _years(year: int) -> list[int]:
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    return years if year in years else sorted([*years, year], reverse=True)


@dataclass
class Standing:
    """One person's courses and training hours, as the summary lists them."""

    pk: int
    full_name: str
    employee_code: str
    unit: str
    enrolled: int = 0
    completed: int = 0
    overdue: int = 0
    first_overdue: date | None = None
    hours: Decimal = hours_.ZERO
    required: Decimal = hours_.ZERO

    @property
    def below_hours(self) -> bool:
        return self.hours < self.required


class PeopleProblemsFirst:
    """The active people of the filters' subtree: those with overdue courses first (the most overdue courses, then
    the earliest due date), then those short of the year's hours (fewest first), then everyone else.

    A Paginator's list that reads one page at a time: the database orders the people (a
    province's 10,000 in one query) and only the page's are read; nine queries a page.
    """

    def __init__(self, filters):
        self.filters = filters
        self.today = timezone.localdate()
        self.requirements = hours_.Requirements(filters.year)

    def count(self) -> int:
        return self.filters.people().count()

    def __getitem__(self, page: slice) -> list[Standing]:
        offset = page.start or 0
        if page.stop <= offset:
            return []
        return self._standings(self._ordered_ids(offset, page.stop - offset))

    def _ordered_ids(self, offset: int, limit: int) -> list[int]:
        people = self.filters.people()
        person, person_params = people.order_by().values_list("pk", "full_name", "position").query.sql_with_params()
        overdue, overdue_params = (
            queries.enrollments(self.filters, with_status=False).filter(queries.status_q(queries.OVERDUE, self.today))
            .order_by().values_list("user_id").annotate(courses=Count("pk"), first_due=Min("due_date"))
            .query.sql_with_params()
        )
        earned, earned_params = queries.earned_hours_sql(people, self.filters.year)
        required, required_params = self._required_sql(people)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH person(id, full_name, position) AS ({person}), "
                f"overdue(user_id, courses, first_due) AS ({overdue}), {earned} "
                "SELECT id FROM (SELECT person.id, person.full_name, COALESCE(overdue.courses, 0) AS courses, "
                f"overdue.first_due, COALESCE(earned.hours, 0) AS hours, CASE WHEN ROUND(COALESCE(earned.hours, 0), 1) < {required} THEN 1 ELSE 2 END "
                "AS concern FROM person LEFT JOIN overdue ON overdue.user_id = person.id "
                "LEFT JOIN earned ON earned.user_id = person.id) standing "
                "ORDER BY CASE WHEN courses > 0 THEN 0 ELSE concern END, courses DESC, first_due, hours, full_name, id "
                "LIMIT %s OFFSET %s",
                [*person_params, *overdue_params, *earned_params, *required_params, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def _required_sql(self, people) -> tuple[str, list]:
        """The hours each person's position asks, as SQL: a CASE over the positions whose requirement is not the
        general one, each one's hours from `Requirements`, so that the order and the figures shown agree."""
        general = self.requirements.of("")
        branches, params = [], []
        for position in people.order_by().values_list("position", flat=True).distinct():
            required = self.requirements.of(position)
            if required != general:
                branches.append("WHEN %s THEN CAST(%s AS DECIMAL(6, 1))")
                params += [position, str(required)]
        if not branches:
            return "CAST(%s AS DECIMAL(6, 1))", [str(general)]
        return (f"CASE person.position {' '.join(branches)} ELSE CAST(%s AS DECIMAL(6, 1)) END",
                [*params, str(general)])

    def _standings(self, ids: list[int]) -> list[Standing]:
        if not ids:
            return []
        people = User.objects.filter(pk__in=ids)
        overdue = queries.status_q(queries.OVERDUE, self.today)
        courses = (
            queries.enrollments(self.filters, with_status=False).filter(user_id__in=ids).order_by()
            .values_list("user_id").annotate(
                enrolled=Count("pk"), completed=Count("pk", filter=queries.status_q(queries.COMPLETED, self.today)),
                overdue=Count("pk", filter=overdue), first_overdue=Min("due_date", filter=overdue),
            )
        )
        counts = {user_id: rest for user_id, *rest in courses}
        earned = hours_.hours_by_person(people, self.filters.year)
        standings = {
            pk: Standing(pk, full_name, code, unit or "", *counts.get(pk, ()),
                         hours=sum(earned.get(pk, {}).values(), hours_.ZERO), required=self.requirements.of(position))
            for pk, full_name, code, unit, position in people.values_list(
                "pk", "full_name", "employee_code", "org_unit__name", "position")
        }
        return [standings[pk] for pk in ids]
