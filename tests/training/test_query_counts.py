"""Lists run a fixed number of queries whatever the size of the roster or the number of sessions."""

import pytest

from training import services
from tests.conftest import client_for, unit
from tests.factories import UserFactory
from tests.training.conftest import make_event


def filled_event(instructor, people, sessions):
    event = make_event(instructor, sessions=sessions)
    ids = [person.pk for person in UserFactory.create_batch(people, org_unit=unit("BABE-TG"))]
    services.add_to_roster(actor=instructor, event=event, user_ids=ids)
    for session in event.sessions.all():
        services.record_attendance(actor=instructor, session=session, records=[(pk, "present") for pk in ids])
    return event


@pytest.mark.parametrize("people, sessions", [(2, 1), (40, 4)])
def test_the_roster_is_a_fixed_number_of_queries(people, sessions, instructor, hr_babe, django_assert_max_num_queries):
    event = filled_event(instructor, people, sessions)
    for person in (instructor, hr_babe):
        with django_assert_max_num_queries(6):
            response = client_for(person).get(f"/api/v1/conferences/{event.pk}/roster/")
        assert response.json()["count"] == people


@pytest.mark.parametrize("people, sessions", [(2, 1), (40, 4)])
def test_the_attendance_summary_is_a_fixed_number_of_queries(people, sessions, instructor, hr_babe,
                                                            django_assert_max_num_queries):
    event = filled_event(instructor, people, sessions)
    for person in (instructor, hr_babe):
        with django_assert_max_num_queries(7):
            response = client_for(person).get(f"/api/v1/conferences/{event.pk}/attendance/")
        assert {row["present"] for row in response.json()["results"]} == {sessions}


@pytest.mark.parametrize("people, sessions", [(2, 1), (40, 6)])
def test_the_sessions_and_their_records_are_a_fixed_number_of_queries(people, sessions, instructor,
                                                                       django_assert_max_num_queries):
    event = filled_event(instructor, people, sessions)
    with django_assert_max_num_queries(5):
        response = client_for(instructor).get(f"/api/v1/conferences/{event.pk}/sessions/")
    assert [row["present"] for row in response.json()["results"]] == [people] * sessions
    with django_assert_max_num_queries(6):
        response = client_for(instructor).get(f"/api/v1/sessions/{event.sessions.first().pk}/attendance/")
    assert response.json()["count"] == people


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_of_conferences_is_a_fixed_number_of_queries(count, instructor, django_assert_max_num_queries):
    for number in range(count):
        make_event(instructor, title=f"Hội nghị {number}", sessions=2)
    with django_assert_max_num_queries(5):
        response = client_for(instructor).get("/api/v1/conferences/")
    assert response.json()["count"] == count


def test_recording_a_whole_roster_is_a_fixed_number_of_queries(instructor, django_assert_max_num_queries):
    """Bounded by batches of rows, not by people: 120 people take no more queries than 3."""
    small, large = filled_event(instructor, 3, 2), filled_event(instructor, 120, 2)
    for event, status in ((small, "late"), (large, "late")):
        session = event.sessions.first()
        records = [{"user": entry.user_id, "status": status} for entry in event.roster.all()]
        with django_assert_max_num_queries(16):
            response = client_for(instructor).post(f"/api/v1/sessions/{session.pk}/attendance/", {"records": records})
        assert response.json()["changed"] == len(records)
