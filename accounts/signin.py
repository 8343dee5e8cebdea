"""Failed sign-ins are throttled per account and per address, successful ones never.

Each failure counts against the username and against the caller's address, in
the cache, for `SIGNIN_WINDOW_SECONDS`. Past either limit, sign-ins for that
account (or from that address) are refused without checking the password, until
the window ends. A successful sign-in clears the account's count; the address
count is left alone, since one office shares one address. Beside each count the
cache keeps when its window ends, so that a refusal says how long to wait.
"""

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.audit import client_ip, current_request
from accounts.models import User
from accounts.notifications import with_unread_count


class SignInThrottled(PermissionDenied):
    """A refused sign-in; `wait` is the seconds until sign-ins are taken again (the whole window when unknown)."""

    def __init__(self, wait: int | None = None):
        self.wait = settings.SIGNIN_WINDOW_SECONDS if wait is None else wait
        minutes = max(1, math.ceil(self.wait / 60))
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


def _window_end_key(key: str) -> str:
    return f"{key}:ends"


def retry_after(username: str, address: str | None) -> int | None:
    """Seconds until sign-ins for this account from this address are taken again; None if they are now."""
    keys = _keys(username, address)
    values = cache.get_many([name for key, _limit in keys for name in (key, _window_end_key(key))])
    now = time.time()
    waits = [
        values.get(_window_end_key(key), now + settings.SIGNIN_WINDOW_SECONDS) - now
        for key, limit in keys
        if values.get(key, 0) >= limit
    ]
    return max(1, math.ceil(max(waits))) if waits else None


def record_failure(username: str, address: str | None) -> None:
    window = settings.SIGNIN_WINDOW_SECONDS
    for key, _limit in _keys(username, address):
        # add() starts the window only on the first failure; incr() keeps it.
        if cache.add(key, 1, timeout=window):
            cache.set(_window_end_key(key), time.time() + window, timeout=window)
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set_many({key: 1, _window_end_key(key): time.time() + window}, timeout=window)


def record_success(username: str) -> None:
    key = _key("account", username or "")
    cache.delete_many([key, _window_end_key(key)])


class ThrottledModelBackend(ModelBackend):
    """Django's backend behind the throttle, for every way in: pages, admin, API."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username", "")
        request = request or current_request.get()
        address = client_ip(request) if request is not None else None
        wait = retry_after(username, address)
        if wait is not None:
            raise SignInThrottled(wait)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, address)
        else:
            record_success(username)
        return user

    def get_user(self, user_id):
        """The signed-in person of a session, who carries the number of their unread notifications for the menu.

        A subquery of the one query that loads the person: the menu of every page costs no query more.
        """
        user = with_unread_count(User.objects.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
