"""Failed sign-ins are throttled per account and per address, successful ones never.

Each failure counts against the username and against the caller's address, in
the cache, for `SIGNIN_WINDOW_SECONDS`. Past either limit, sign-ins for that
account (or from that address) are refused without checking the password, until
the window ends. A successful sign-in clears the account's count; the address
count is left alone, since one office shares one address.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.audit import client_ip, current_request


class SignInThrottled(PermissionDenied):
    def __init__(self):
        minutes = max(1, settings.SIGNIN_WINDOW_SECONDS // 60)
        super().__init__(
            _("Too many failed sign-ins. Try again in %(minutes)d minutes or reset your password.")
            % {"minutes": minutes}
        )


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"signin-failures:{kind}:{digest}"


def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(_key("account", username or ""), settings.SIGNIN_FAILURES_PER_ACCOUNT)]
    if address:
        keys.append((_key("address", address), settings.SIGNIN_FAILURES_PER_ADDRESS))
    return keys


def is_throttled(username: str, address: str | None) -> bool:
    counts = cache.get_many([key for key, _limit in _keys(username, address)])
    return any(counts.get(key, 0) >= limit for key, limit in _keys(username, address))


def record_failure(username: str, address: str | None) -> None:
    for key, _limit in _keys(username, address):
        # add() starts the window only on the first failure; incr() keeps it.
        if not cache.add(key, 1, timeout=settings.SIGNIN_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.SIGNIN_WINDOW_SECONDS)


def record_success(username: str) -> None:
    cache.delete(_key("account", username or ""))


class ThrottledModelBackend(ModelBackend):
    """Django's backend behind the throttle, for every way in: pages, admin, API."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username", "")
        request = request or current_request.get()
        address = client_ip(request) if request is not None else None
        if is_throttled(username, address):
            raise SignInThrottled()
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, address)
        else:
            record_success(username)
        return user
