"""Rotating self check-in codes: signed, short-lived, with no database.

A code names a session and a time window of `rotate_seconds` and carries an
HMAC of both made with the site's secret key, so it cannot be altered or made
for another session or window. The session screen shows the code of the
current window; a new one appears at every rotation. A code is accepted from
the start of its window for `ACCEPT_SECONDS`, so a photo of it shared later is
worthless.

This module says only whether a code is genuine and fresh; whether the session
takes check-ins at that moment is the services' rule.

The time is always a parameter; `now()` is the clock the services read for
check-ins and attendance records, so tests move it with
`unittest.mock.patch("training.checkin.now")`.
"""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.crypto import salted_hmac

ACCEPT_SECONDS = 60
SALT = "training.checkin"
MAC_LENGTH = 24  # hex digits: 96 bits


class InvalidCode(Exception):
    """Not a code this site made: mistyped, truncated or altered."""


class ExpiredCode(Exception):
    """A genuine code, shown longer ago than `ACCEPT_SECONDS`."""


@dataclass(frozen=True)
class CheckInCode:
    code: str
    session_id: int
    shown_from: datetime  # the start of its window
    rotates_at: datetime  # when the screen should show the next code
    expires_at: datetime  # the last moment it is accepted


def now() -> datetime:
    return datetime.now(UTC)


def current_code(session_id: int, *, at: datetime, secret: str, rotate_seconds: int) -> CheckInCode:
    """The code the session screen shows at `at`."""
    window = int(at.timestamp()) // rotate_seconds
    return _code(session_id, window, secret=secret, rotate_seconds=rotate_seconds)


def read_code(code: str, *, at: datetime, secret: str, rotate_seconds: int) -> CheckInCode:
    """The code's session and times, or `InvalidCode` / `ExpiredCode`."""
    session_id, window = _parts(code)
    if not hmac.compare_digest(_text(session_id, window, secret=secret, rotate_seconds=rotate_seconds), code.strip()):
        raise InvalidCode
    shown_from = window * rotate_seconds
    if at.timestamp() < shown_from:
        # Only the key's holder can make a code of a window still to come.
        raise InvalidCode
    if at.timestamp() > shown_from + ACCEPT_SECONDS:
        raise ExpiredCode
    return _code(session_id, window, secret=secret, rotate_seconds=rotate_seconds)


def _code(session_id: int, window: int, *, secret: str, rotate_seconds: int) -> CheckInCode:
    shown_from = datetime.fromtimestamp(window * rotate_seconds, UTC)
    return CheckInCode(
        code=_text(session_id, window, secret=secret, rotate_seconds=rotate_seconds),
        session_id=session_id,
        shown_from=shown_from,
        rotates_at=shown_from + timedelta(seconds=rotate_seconds),
        expires_at=shown_from + timedelta(seconds=ACCEPT_SECONDS),
    )


def _text(session_id: int, window: int, *, secret: str, rotate_seconds: int) -> str:
    # The rotation period is signed too: changing it retires every code in use.
    message = f"{session_id}.{window}.{rotate_seconds}"
    mac = salted_hmac(SALT, message, secret=secret, algorithm="sha256").hexdigest()[:MAC_LENGTH]
    return f"{session_id}.{window}.{mac}"


def _parts(code: str) -> tuple[int, int]:
    parts = code.strip().split(".") if isinstance(code, str) else []
    if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts[:2]):
        raise InvalidCode
    if len(parts[0]) > 18 or len(parts[1]) > 18:
        raise InvalidCode
    return int(parts[0]), int(parts[1])
