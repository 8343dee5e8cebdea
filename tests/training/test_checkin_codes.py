"""The rotating check-in code on its own: no database, the time is a parameter."""

from datetime import UTC, datetime, timedelta

import pytest

from training.checkin import ACCEPT_SECONDS, ExpiredCode, InvalidCode, current_code, read_code

SECRET = "a-secret-key-for-these-tests-only-0123456789"
T0 = datetime(2026, 11, 12, 1, 0, 3, tzinfo=UTC)


def code_at(at, session_id=7, rotate_seconds=15, secret=SECRET):
    return current_code(session_id, at=at, secret=secret, rotate_seconds=rotate_seconds)


def read(code, at, rotate_seconds=15, secret=SECRET):
    return read_code(code, at=at, secret=secret, rotate_seconds=rotate_seconds)


def test_the_code_changes_at_every_rotation_and_not_in_between():
    first = code_at(T0)
    assert code_at(T0 + timedelta(seconds=5)).code == first.code
    assert code_at(first.rotates_at).code != first.code
    assert first.rotates_at - first.shown_from == timedelta(seconds=15)


def test_a_code_is_accepted_until_sixty_seconds_after_it_first_appeared():
    shown = code_at(T0)
    assert shown.expires_at == shown.shown_from + timedelta(seconds=ACCEPT_SECONDS) == shown.shown_from + timedelta(
        seconds=60)
    assert read(shown.code, shown.rotates_at + timedelta(seconds=1)).session_id == 7
    assert read(shown.code, shown.expires_at).session_id == 7
    with pytest.raises(ExpiredCode):
        read(shown.code, shown.expires_at + timedelta(seconds=1))


def test_a_code_shown_last_is_never_accepted_longer_than_sixty_seconds():
    shown = code_at(T0)
    last_moment_on_screen = shown.rotates_at - timedelta(microseconds=1)
    assert shown.expires_at - shown.shown_from <= timedelta(seconds=60)
    assert shown.expires_at > last_moment_on_screen


@pytest.mark.parametrize("change", [
    lambda code: code[:-1] + ("0" if code[-1] != "0" else "1"),  # the signature
    lambda code: "8" + code[1:],  # another session
    lambda code: code.replace(f".{code.split('.')[1]}.", f".{int(code.split('.')[1]) - 1}."),  # an earlier window
    lambda code: code + "0",
    lambda code: code.split(".")[0],
    lambda code: "",
    lambda code: "7.abc.def",
    lambda code: "٧.1.abc",  # Arabic-Indic digits are digits to Python, not to us
    lambda code: "9" * 40 + ".1.abc",
])
def test_an_altered_code_is_refused(change):
    shown = code_at(T0)
    with pytest.raises(InvalidCode):
        read(change(shown.code), T0)


def test_a_code_made_with_another_key_is_refused():
    with pytest.raises(InvalidCode):
        read(code_at(T0, secret="another-key-" + "x" * 40).code, T0)


def test_a_code_of_a_window_still_to_come_is_refused():
    later = code_at(T0 + timedelta(minutes=5))
    with pytest.raises(InvalidCode):
        read(later.code, T0)


def test_changing_the_rotation_period_retires_the_codes_in_use():
    shown = code_at(T0, rotate_seconds=15)
    with pytest.raises(InvalidCode):
        read(shown.code, T0, rotate_seconds=30)


def test_surrounding_spaces_do_not_matter():
    shown = code_at(T0)
    assert read(f"  {shown.code}\n", T0).code == shown.code
