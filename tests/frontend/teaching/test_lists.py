"""`/teach/events/`, `/teach/quizzes/`, `/teach/banks/`: all of mine, searchable, paged, in fixed queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.frontend.conftest import browser_for
from tests.frontend.teaching.test_dashboard import build_world, colleague, teacher  # noqa: F401
from training import services as training_services

pytestmark = pytest.mark.django_db


def past_event(instructor, title: str):
    day = timezone.localdate() - timedelta(days=30)
    return training_services.create_event(actor=instructor, kind="class", title=title, starts_on=day, ends_on=day)


def test_past_events_stay_reachable_after_those_coming_up(teacher):
    build_world(teacher, courses=1, people=2)
    past_event(teacher, "Lớp bồi dưỡng tháng trước")

    page = browser_for(teacher).get("/teach/events/")

    titles = [event.title for event in page.context["page"].object_list]
    assert titles == ["Hội nghị ", "Lớp bồi dưỡng tháng trước"]
    assert "Đã kết thúc" in page.content.decode()


def test_the_dashboard_links_to_the_whole_list_when_it_shows_only_the_first(teacher):
    for number in range(9):
        past_event(teacher, f"Lớp {number}")

    html = browser_for(teacher).get("/teach/").content.decode()

    assert 'href="/teach/events/"' in html and "Xem tất cả 9 lớp học và hội nghị" in html


@pytest.mark.parametrize("path, found, missing", [
    ("/teach/quizzes/?q=tra 1", "Kiểm tra 1", "Kiểm tra 0"),
    ("/teach/banks/?q=hàng 0", "Ngân hàng 0", "Ngân hàng 1"),
    ("/teach/events/?q=zzz", "Không có lớp học hay hội nghị nào phù hợp.", "Hội nghị"),
])
def test_each_list_searches_by_name(teacher, path, found, missing):
    build_world(teacher, courses=2, people=1)

    html = browser_for(teacher).get(path).content.decode()

    assert found in html and missing not in html.split('<section class="card">')[1]


@pytest.mark.parametrize("path", ["/teach/events/", "/teach/quizzes/", "/teach/banks/"])
def test_another_instructors_rows_are_not_listed(teacher, colleague, path):
    build_world(colleague, courses=1, people=1, suffix="x")

    page = browser_for(teacher).get(path)

    assert page.status_code == 200 and not page.context["page"].object_list


@pytest.mark.parametrize("path", ["/teach/events/", "/teach/quizzes/", "/teach/banks/"])
def test_each_list_runs_the_same_queries_whatever_the_data_size(teacher, path, django_assert_max_num_queries):
    build_world(teacher, courses=1, people=1, suffix="a")
    client = browser_for(teacher)
    with django_assert_max_num_queries(9) as small:
        assert client.get(path).status_code == 200
    build_world(teacher, courses=5, people=6, suffix="b")
    for number in range(25):
        past_event(teacher, f"Lớp {number}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200
