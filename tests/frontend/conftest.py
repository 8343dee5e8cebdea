import pytest


@pytest.fixture
def password():
    return "Mat-khau-rat-dai-2026"


@pytest.fixture
def signed_in(client, password):
    """Signs `person` in through the sign-in page, as a person would."""

    def sign_in(person):
        person.set_password(password)
        person.save(update_fields=["password"])
        response = client.post("/accounts/login/", {"username": person.username, "password": password})
        assert response.status_code == 302, response.content.decode()
        return client

    return sign_in


# The quiz fixtures: an instructor's published course with one lesson, a bank of one
# question of each auto-scored type, a quiz on it, and the learner enrolled.
from tests.quizzes.conftest import bank, course, enrolled, instructor, quiz  # noqa: E402,F401


def browser_for(person):
    """A test client signed in as `person` (without going through the sign-in page)."""
    from django.test import Client

    client = Client()
    client.force_login(person)
    return client
