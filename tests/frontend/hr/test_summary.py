"""HR's summary (/hr/): the units rolled up as a tree, a drill-down with the people problems first, the scope kept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from courses.models import Course, Enrollment
from reports.models import HoursRequirement
from tests.conftest import unit
from tests.factories import UserFactory, org_unit
from tests.frontend.conftest import browser_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MAX_QUERIES = 21


def course(code: str) -> Course:
    return Course.objects.create(code=code, title=f"Khóa {code}", topic="procedures", hours=4, status="published")


def enrol(person: User, course: Course, *, due_in: int | None = None, completed: bool = False) -> Enrollment:
    return Enrollment.objects.create(
        user=person, course=course, mandatory=due_in is not None,
        due_date=TODAY + timedelta(days=due_in) if due_in is not None else None,
        status=Enrollment.Status.COMPLETED if completed else Enrollment.Status.ENROLLED,
        completed_at=timezone.now() if completed else None, credited_hours=4 if completed else None,
    )


@pytest.fixture
def tree(province, hr_babe, outsider):
    """Ba Bể: five people of Thượng Giáo and one of the district itself; every requirement 4 hours this year.

    - Bùi (TG): two courses overdue (3 and 10 days), the earliest due 10 days ago;
    - An (TG): one course overdue, due 20 days ago;
    - Cao (TG): one course overdue, due 5 days ago, and one completed (4 hours);
    - Đinh (TG): completed one course (4 hours: meets the requirement);
    - Giang (TG): nothing at all (below the requirement);
    - Em (BABE): enrolled, due later (below the requirement);
    - the outsider (Chợ Đồn): one overdue course, outside the HR officer's scope.
    """
    HoursRequirement.objects.create(year=TODAY.year, hours=4)
    first, second, third = course("K-1"), course("K-2"), course("K-3")
    tg = unit("BABE-TG")
    people = {name: UserFactory(full_name=name, org_unit=tg, roles=["learner"])
              for name in ("Bùi Văn Hai", "An Thị Một", "Cao Văn Ba", "Đinh Thị Bốn", "Giang Văn Năm")}
    people["Em Thị Sáu"] = UserFactory(full_name="Em Thị Sáu", org_unit=unit("BABE"), roles=["learner"])
    enrol(people["Bùi Văn Hai"], first, due_in=-3)
    enrol(people["Bùi Văn Hai"], second, due_in=-10)
    enrol(people["An Thị Một"], first, due_in=-20)
    enrol(people["Cao Văn Ba"], first, due_in=-5)
    enrol(people["Cao Văn Ba"], second, completed=True)
    enrol(people["Đinh Thị Bốn"], third, completed=True)
    enrol(people["Em Thị Sáu"], first, due_in=30)
    enrol(outsider, first, due_in=-1)
    return {"hr": hr_babe, "people": people, "courses": (first, second, third)}


def figures_of(page) -> dict:
    return {item.unit.code: (item.people, item.enrolled, item.completed, item.overdue, item.completion_rate,
                             item.below_hours) for item in page.context["rows"]}


def test_the_top_level_shows_the_units_of_the_scope_rolled_up_with_exact_figures(tree):
    page = browser_for(tree["hr"]).get("/hr/")
    assert page.status_code == 200
    figures = figures_of(page)
    # Thượng Giáo: 5 people, 6 enrolments, 2 completed, 4 overdue, 3 short of hours (not Cao nor Đinh).
    assert figures["BABE-TG"] == (5, 6, 2, 4, Decimal("33.3"), 3)
    assert figures["BABE"] == (6, 7, 2, 4, Decimal("28.6"), 4)
    assert set(figures) == {"BABE", "BABE-TG"}
    total = page.context["total"]
    assert (total.people, total.enrolled, total.completed, total.overdue, total.below_hours) == (6, 7, 2, 4, 4)
    html = page.content.decode()
    assert "Huyện Chợ Đồn" not in html and "Lục Thị Ngoài" not in html
    assert 'class="bar-chart"' in html and "Xã Thượng Giáo" in html


def test_the_figures_read_as_cards_and_the_chart_has_its_table(tree):
    html = browser_for(tree["hr"]).get("/hr/").content.decode()
    assert 'class="figure-cards"' in html
    assert "Quá hạn</dt><dd>4</dd>" in html and "Số người</dt><dd>6</dd>" in html
    # The chart is hidden from screen readers: the visible table of units holds the same figures.
    assert '<svg class="bar-chart"' in html and 'aria-hidden="true" focusable="false"' in html
    assert "<caption" in html and "33,3" in html


def test_a_unit_drills_down_with_breadcrumbs_back_up(tree):
    client = browser_for(tree["hr"])
    top = client.get("/hr/").content.decode()
    assert f'href="?org_unit={unit("BABE-TG").pk}"' in top
    page = client.get("/hr/", {"org_unit": unit("BABE-TG").pk})
    assert page.status_code == 200
    assert list(figures_of(page)) == ["BABE-TG"]
    html = page.content.decode()
    assert "<h1>Xã Thượng Giáo</h1>" in html
    crumbs = html[html.index('class="breadcrumbs"'):html.index("</nav>", html.index('class="breadcrumbs"'))]
    assert 'href="/hr/"' in crumbs and f'href="?org_unit={unit("BABE").pk}"' in crumbs
    assert "Tỉnh Bắc Kạn" not in crumbs  # above the scope: no way up there
    assert 'aria-current="page">Xã Thượng Giáo' in crumbs


def test_the_people_of_a_unit_come_overdue_first_then_short_of_hours(tree):
    page = browser_for(tree["hr"]).get("/hr/", {"org_unit": unit("BABE").pk})
    names = [person.full_name for person in page.context["people"].object_list]
    # Most overdue courses first; then the earliest due date; then short of hours (by name); then the rest.
    assert names == ["Bùi Văn Hai", "An Thị Một", "Cao Văn Ba", "Em Thị Sáu", "Giang Văn Năm", "Đinh Thị Bốn"]
    first = page.context["people"].object_list[0]
    assert (first.overdue, first.first_overdue, first.enrolled) == (2, TODAY - timedelta(days=10), 2)
    html = page.content.decode()
    assert html.index("Bùi Văn Hai") < html.index("Đinh Thị Bốn")
    person = tree["people"]["Bùi Văn Hai"]
    assert f'href="/hr/people/{person.pk}/"' in html


def test_the_year_changes_whose_hours_fall_short(tree):
    client = browser_for(tree["hr"])
    last_year = client.get("/hr/", {"org_unit": unit("BABE").pk, "year": TODAY.year - 1})
    assert last_year.status_code == 200
    names = [person.full_name for person in last_year.context["people"].object_list]
    # Đinh's hours were earned this year: last year, under the default 40 hours, everyone fell short.
    assert names[:3] == ["Bùi Văn Hai", "An Thị Một", "Cao Văn Ba"]
    assert set(names[3:]) == {"Em Thị Sáu", "Giang Văn Năm", "Đinh Thị Bốn"}
    assert all(person.below_hours for person in last_year.context["people"].object_list)
    assert last_year.context["total"].below_hours == 6
    assert f'<option value="{TODAY.year - 1}" selected>' in last_year.content.decode()


def test_the_people_are_paginated_keeping_the_unit_and_the_year(tree):
    tg = unit("BABE-TG")
    for number in range(30):
        UserFactory(full_name=f"Zô Văn {number:02d}", org_unit=tg, roles=["learner"])
    client = browser_for(tree["hr"])
    page = client.get("/hr/", {"org_unit": tg.pk, "year": TODAY.year})
    html = page.content.decode()
    assert len(page.context["people"].object_list) == 25
    assert f"?org_unit={tg.pk}&amp;year={TODAY.year}&amp;page=2" in html
    second = client.get("/hr/", {"org_unit": tg.pk, "year": TODAY.year, "page": 2})
    assert len(second.context["people"].object_list) == 35 - 25


def test_a_large_scope_lists_no_people_on_the_top_level(tree, monkeypatch):
    from frontend.hr import views

    monkeypatch.setattr(views, "SMALL_SCOPE", 5)
    client = browser_for(tree["hr"])
    assert client.get("/hr/").context["people"] is None
    assert client.get("/hr/", {"org_unit": unit("BABE").pk}).context["people"] is not None


def test_hr_of_ba_be_cannot_drill_into_cho_don(tree):
    client = browser_for(tree["hr"])
    refused = client.get("/hr/", {"org_unit": unit("CHODON").pk})
    assert refused.status_code == 403
    assert "Lục Thị Ngoài" not in refused.content.decode()
    assert client.get("/hr/", {"org_unit": unit("CHODON-BL").pk}).status_code == 403
    assert client.get("/hr/", {"org_unit": unit("BK").pk}).status_code == 403
    assert client.get("/hr/", {"org_unit": 999999}).status_code == 400
    assert client.get("/hr/", {"year": "abc"}).status_code == 400


def test_learners_are_refused_and_administrators_see_everything(tree, admin_user, learner):
    assert browser_for(learner).get("/hr/").status_code == 403
    page = browser_for(admin_user).get("/hr/")
    assert page.status_code == 200
    assert {"BK", "BABE", "CHODON", "SNV"} <= set(figures_of(page))


def test_the_summary_and_a_drill_down_run_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    client = browser_for(tree["hr"])
    addresses = [{}, {"org_unit": unit("BABE-TG").pk}, {"org_unit": unit("BABE").pk, "year": TODAY.year - 1}]
    for query in addresses:
        with django_assert_max_num_queries(MAX_QUERIES):
            assert client.get("/hr/", query).status_code == 200
    villages = [org_unit(f"Thôn {number}", parent=unit("BABE-TG")) for number in range(5)]
    first, second, _third = tree["courses"]
    for number in range(60):
        person = UserFactory(org_unit=villages[number % 5], roles=["learner"])
        enrol(person, first, due_in=-number)
        enrol(person, second, completed=number % 2 == 0)
    for query in [*addresses, {"org_unit": unit("BABE").pk, "page": 3}]:
        with django_assert_max_num_queries(MAX_QUERIES):
            page = client.get("/hr/", query)
            assert page.status_code == 200 and page.context["people"].object_list
