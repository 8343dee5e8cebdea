"""Rotating self check-in codes: signed, short-lived, with no database.

A code names a session and a time window of `rotate_seconds` and carries an
HMAC of both made with the site's secret key, so it cannot be altered or made
for another session or window. The session screen shows the code of the
current window; a new one appears at every rotation. A code is accepted from
the start of its window for `ACCEPT_SECONDS`, so a photo of it shared later is
worthless.

Beside each code the screen shows a short code of `SHORT_DIGITS` digits, for
people who type rather than scan. It is an HMAC of the same session and window
with another salt, so it rotates and expires with the full code; it does not
name its session, so it is looked for among the sessions a person may check in
to now (`read_short_code`). A million values are few: the services limit the
wrong tries of each person, and the full code, 96 bits, needs no such limit.

This module says only whether a code is genuine and fresh; whether the session
takes check-ins at that moment is the services' rule.

The time is always a parameter; `now()` is the clock the services read for
check-ins and attendance records, so tests move it with
`unittest.mock.patch("training.checkin.now")`.
"""

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.crypto import salted_hmac

ACCEPT_SECONDS = 60
SALT = "training.checkin"
MAC_LENGTH = 24  # hex digits: 96 bits
SHORT_SALT = "training.checkin.short"
SHORT_DIGITS = 6
# How long after its window a typed short code is still told apart as expired rather than wrong.
SHORT_EXPIRED_SECONDS = 5 * 60


class InvalidCode(Exception):
    """Not a code this site made: mistyped, truncated or altered."""


class ExpiredCode(Exception):
    """A genuine code, shown longer ago than `ACCEPT_SECONDS`."""


@dataclass(frozen=True)
class CheckInCode:
    code: str
    short_code: str  # SHORT_DIGITS digits, for typing
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


def is_short_code(text: str) -> bool:
    """Whether the text is typed as a short code: its digits, spaces anywhere ignored."""
    digits = "".join(text.split()) if isinstance(text, str) else ""
    return len(digits) == SHORT_DIGITS and digits.isascii() and digits.isdigit()


def read_short_code(code: str, session_ids: Iterable[int], *, at: datetime, secret: str,
                    rotate_seconds: int) -> CheckInCode:
    """The code of the one session among `session_ids` whose screen showed the short `code` lately.

    Every window accepted at `at` is tried for every session, each comparison
    in constant time. `ExpiredCode` when it matches only older windows (of the
    last `SHORT_EXPIRED_SECONDS`); `InvalidCode` when it matches nothing, or
    two sessions at once: the person types the next code rather than check in
    to a session they did not mean.
    """
    if not is_short_code(code):
        raise InvalidCode
    fresh: dict[int, int] = {}  # session id: its newest matching window still accepted
    expired = False
    for session_id, window in _short_matches("".join(code.split()), list(session_ids), at=at, secret=secret,
                                             rotate_seconds=rotate_seconds):
        if at.timestamp() <= window * rotate_seconds + ACCEPT_SECONDS:
            fresh.setdefault(session_id, window)
        else:
            expired = True
    if len(fresh) == 1:
        [(session_id, window)] = fresh.items()
        return _code(session_id, window, secret=secret, rotate_seconds=rotate_seconds)
    if expired and not fresh:
        raise ExpiredCode
    raise InvalidCode


def _short_matches(typed: str, session_ids: list[int], *, at: datetime, secret: str, rotate_seconds: int):
    """(session id, window) of each short code of the last windows that is the typed one, newest first."""
    current = int(at.timestamp()) // rotate_seconds
    oldest = (int(at.timestamp()) - ACCEPT_SECONDS - SHORT_EXPIRED_SECONDS) // rotate_seconds
    for window in range(current, oldest - 1, -1):
        for session_id in session_ids:
            # Every comparison is made, in constant time: the answer's timing tells nothing of the codes.
            if hmac.compare_digest(_short_text(session_id, window, secret=secret, rotate_seconds=rotate_seconds),
                                   typed):
                yield session_id, window


def _code(session_id: int, window: int, *, secret: str, rotate_seconds: int) -> CheckInCode:
    shown_from = datetime.fromtimestamp(window * rotate_seconds, UTC)
    return CheckInCode(
        code=_text(session_id, window, secret=secret, rotate_seconds=rotate_seconds),
        short_code=_short_text(session_id, window, secret=secret, rotate_seconds=rotate_seconds),
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


def _short_text(session_id: int, window: int, *, secret: str, rotate_seconds: int) -> str:
    message = f"{session_id}.{window}.{rotate_seconds}"
    digest = salted_hmac(SHORT_SALT, message, secret=secret, algorithm="sha256").digest()
    # 64 bits reduced to a million values: no digit is noticeably likelier than another.
    return str(int.from_bytes(digest[:8], "big") % 10**SHORT_DIGITS).zfill(SHORT_DIGITS)


def _parts(code: str) -> tuple[int, int]:
    parts = code.strip().split(".") if isinstance(code, str) else []
    if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts[:2]):
        raise InvalidCode
    if len(parts[0]) > 18 or len(parts[1]) > 18:
        raise InvalidCode
    return int(parts[0]), int(parts[1])
