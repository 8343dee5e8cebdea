"""Token sign-in and the throttle on failed sign-ins."""

import math
import os
import re
import runpy
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.conftest import client_for
from tests.factories import UserFactory

PASSWORD = "Dung-Mat-Khau-2026"


def person(username):
    user = UserFactory(username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def token_request(api, username, password, address="10.0.0.1"):
    return api.post("/api/v1/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_token_is_issued_for_good_credentials_and_works(api, db):
    person("lan")
    response = token_request(api, "lan", PASSWORD)
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/me/").json()["username"] == "lan"


def test_wrong_credentials_get_a_400_not_a_token(api, db):
    person("lan")
    response = token_request(api, "lan", "wrong")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_an_account_is_throttled_after_five_failures_even_with_the_right_password(api, db):
    person("lan")
    for _attempt in range(5):
        assert token_request(api, "lan", "wrong").status_code == 400
    response = token_request(api, "lan", PASSWORD)
    assert response.status_code == 429
    assert response.json()["detail"]


def test_failures_on_one_account_do_not_lock_colleagues_at_the_same_address(api, db):
    person("lan")
    person("minh")
    for _attempt in range(6):
        token_request(api, "lan", "wrong")
    assert token_request(api, "minh", PASSWORD).status_code == 200


@override_settings(SIGNIN_FAILURES_PER_ADDRESS=10)
def test_an_address_is_throttled_after_many_failures_across_accounts(api, db):
    person("minh")
    for number in range(10):
        token_request(api, f"guess{number}", "wrong")
    assert token_request(api, "minh", PASSWORD, address="10.0.0.1").status_code == 429
    assert token_request(api, "minh", PASSWORD, address="10.0.0.2").status_code == 200


def test_successful_sign_ins_are_never_throttled(api, db):
    person("lan")
    for _attempt in range(12):
        assert token_request(api, "lan", PASSWORD).status_code == 200


def test_a_success_clears_the_account_count(api, db):
    person("lan")
    for _attempt in range(4):
        token_request(api, "lan", "wrong")
    assert token_request(api, "lan", PASSWORD).status_code == 200
    for _attempt in range(4):
        token_request(api, "lan", "wrong")
    assert token_request(api, "lan", PASSWORD).status_code == 200


def test_the_admin_sign_in_is_throttled_too(client, db):
    user = person("quantri")
    user.is_staff = True
    user.save()
    for _attempt in range(5):
        client.post("/admin/login/", {"username": "quantri", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "quantri", "password": PASSWORD})
    assert response.status_code == 200  # the form again, not the redirect of a success
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2(db):
    assert person("lan").password.startswith("argon2")


def test_api_users_are_rate_limited_per_user(db, settings):
    from rest_framework.throttling import UserRateThrottle

    user = UserFactory()
    api = client_for(user)
    UserRateThrottle.THROTTLE_RATES = {**UserRateThrottle.THROTTLE_RATES, "user": "3/hour"}
    try:
        codes = [api.get("/api/v1/me/").status_code for _ in range(4)]
    finally:
        UserRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert codes == [200, 200, 200, 429]


def test_a_token_can_be_revoked_by_its_holder(api, db):
    person("lan")
    token = token_request(api, "lan", PASSWORD).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


def test_the_api_documentation_is_served_without_the_internet(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content
    # Every script, style and image comes from this server (a CDN would need the internet). Only the
    # addresses are looked at: the page also holds a random CSRF token, which may spell anything.
    addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page.content.decode())
    assert addresses and all(address.startswith("/") and not address.startswith("//") for address in addresses)
    schema = client.get("/api/schema/?format=json")
    assert "/api/v1/users/import/" in schema.json()["paths"]


def test_a_token_of_a_deactivated_or_unknown_person_is_refused(db):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user = UserFactory()
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == user.username
    user.is_active = False
    user.save()
    assert api.get("/api/v1/me/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert api.get("/api/v1/me/").status_code == 401


def test_the_authenticated_user_reads_like_the_orm_would_give_it(db):
    """One SQL statement instead of the ORM: time zones and types come out the same on every backend."""
    from rest_framework.authtoken.models import Token

    from accounts.authentication import TokenAuthentication
    from accounts.models import User

    token = Token.objects.create(user=UserFactory())
    user, auth = TokenAuthentication().authenticate_credentials(token.key)
    expected = User.objects.get(pk=token.user_id)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert user.date_joined.tzinfo is not None and auth.key == token.key


def lock_out(api, username):
    for _attempt in range(5):
        token_request(api, username, "wrong")


def test_a_refused_sign_in_says_when_to_try_again_in_retry_after(api, db, settings):
    person("lan")
    lock_out(api, "lan")
    response = token_request(api, "lan", PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.SIGNIN_WINDOW_SECONDS


def test_retry_after_counts_down_from_the_first_failure(api, db, settings):
    person("lan")
    start = time.time()
    with mock.patch("accounts.signin.time.time", return_value=start):
        lock_out(api, "lan")
    with mock.patch("accounts.signin.time.time", return_value=start + 600):
        response = token_request(api, "lan", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.SIGNIN_WINDOW_SECONDS - 600)
    assert str(math.ceil((settings.SIGNIN_WINDOW_SECONDS - 600) / 60)) in response.json()["detail"]


def signed_in_token(api, username) -> str:
    token = token_request(api, username, PASSWORD).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return token


def issued_hours_ago(token: str, hours: float) -> None:
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(hours=hours))


def test_a_token_expires_after_its_lifetime_with_a_clear_401(api, db, settings):
    person("lan")
    token = signed_in_token(api, "lan")
    issued_hours_ago(token, settings.API_TOKEN_LIFETIME_HOURS - 0.1)
    assert api.get("/api/v1/me/").status_code == 200
    issued_hours_ago(token, settings.API_TOKEN_LIFETIME_HOURS + 0.1)
    response = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has expired. Sign in again for a new one."


def test_signing_in_again_gives_a_new_token_once_the_old_one_has_expired(api, db, settings):
    person("lan")
    old = signed_in_token(api, "lan")
    issued_hours_ago(old, settings.API_TOKEN_LIFETIME_HOURS + 1)
    new = signed_in_token(api, "lan")
    assert new != old
    assert api.get("/api/v1/me/").status_code == 200


def test_signing_in_again_early_in_a_tokens_life_gives_the_same_key(api, db, settings):
    """One token per person, shared by their devices: signing in on another keeps the first working."""
    person("lan")
    token = signed_in_token(api, "lan")
    issued_hours_ago(token, settings.API_TOKEN_LIFETIME_HOURS / 2 - 1)
    assert signed_in_token(api, "lan") == token


def test_signing_in_never_makes_a_key_live_longer(api, db, settings):
    """A key someone copied dies one lifetime after it was issued, however often its owner signs in."""
    person("lan")
    token = signed_in_token(api, "lan")
    issued_hours_ago(token, settings.API_TOKEN_LIFETIME_HOURS / 2 + 1)
    renewed = signed_in_token(api, "lan")
    assert renewed != token
    assert not Token.objects.filter(key=token).exists()
    assert Token.objects.get(key=renewed).created > timezone.now() - timedelta(minutes=1)


def test_a_token_is_checked_in_one_query(db, django_assert_num_queries):
    from accounts.authentication import TokenAuthentication

    token = Token.objects.create(user=UserFactory())
    with django_assert_num_queries(1):
        TokenAuthentication().authenticate_credentials(token.key)


@pytest.mark.parametrize("hours", ["7", "0", "-24"])
def test_a_token_lifetime_under_eight_hours_stops_start_up(monkeypatch, tmp_path, hours):
    from django.conf import settings

    # A copy of the environment, so that the settings' .env reading leaks nothing into this process.
    monkeypatch.setattr(os, "environ", {**os.environ, "API_TOKEN_LIFETIME_HOURS": hours, "DEBUG": "true",
                                        "VAR_DIR": str(tmp_path)})
    with pytest.raises(ImproperlyConfigured, match="API_TOKEN_LIFETIME_HOURS"):
        runpy.run_path(str(settings.BASE_DIR / "config" / "settings.py"))
