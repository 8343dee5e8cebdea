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
