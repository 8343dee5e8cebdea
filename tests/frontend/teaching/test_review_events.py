"""Review of the teaching workspace's event pages: changes that would leave the event inconsistent."""

import pytest

from tests.conftest import unit
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for
from tests.frontend.teaching.test_events import make_event
from training.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


def details(event, **fields) -> dict:
    data = {"title": event.title, "starts_on": "2026-11-12", "ends_on": "2026-11-14", "venue": event.venue,
            "speakers": "", "topic": "other", "hours": "4", "attendance_percent": "80"}
    return data | fields


def test_narrowing_the_dates_past_a_session_is_a_400_naming_the_date(teacher):
    event = make_event(teacher, sessions=2)  # sessions on 12 and 13 November
    response = browser_for(teacher).post(f"/teach/events/{event.pk}/", details(event, ends_on="2026-11-12"))
    assert response.status_code == 400
    assert 'href="#id_ends_on"' in response.content.decode()
    assert Event.objects.get(pk=event.pk).ends_on.isoformat() == "2026-11-14"


def test_a_later_start_past_the_first_session_is_refused_too(teacher):
    event = make_event(teacher, sessions=2)
    response = browser_for(teacher).post(f"/teach/events/{event.pk}/", details(event, starts_on="2026-11-13"))
    assert response.status_code == 400 and 'href="#id_starts_on"' in response.content.decode()
    assert Event.objects.get(pk=event.pk).starts_on.isoformat() == "2026-11-12"


def test_dates_that_still_hold_every_session_are_saved(teacher):
    event = make_event(teacher, sessions=2)
    response = browser_for(teacher).post(f"/teach/events/{event.pk}/",
                                         details(event, starts_on="2026-11-11", ends_on="2026-11-13"))
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).ends_on.isoformat() == "2026-11-13"


def test_the_refusal_says_why_in_vietnamese(teacher):
    event = make_event(teacher, sessions=2)
    response = browser_for(teacher).post(f"/teach/events/{event.pk}/", details(event, ends_on="2026-11-12"))
    assert "Có buổi kết thúc sau ngày này" in response.content.decode()


def test_the_api_refuses_the_same_dates_with_a_400(teacher):
    from tests.conftest import client_for

    event = make_event(teacher, sessions=2)
    response = client_for(teacher).patch(f"/api/v1/conferences/{event.pk}/", {"ends_on": "2026-11-12"}, format="json")
    assert response.status_code == 400 and "ends_on" in response.json()
    assert Event.objects.get(pk=event.pk).ends_on.isoformat() == "2026-11-14"
