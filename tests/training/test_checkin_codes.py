"""The rotating check-in code on its own: no database, the time is a parameter."""

from datetime import UTC, datetime, timedelta

import pytest

from training.checkin import (
    ACCEPT_SECONDS,
    ExpiredCode,
    InvalidCode,
    current_code,
    is_short_code,
    read_code,
    read_short_code,
)

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


# The short code, for typing -----------------------------------------------------------


def read_short(code, session_ids, at, rotate_seconds=15, secret=SECRET):
    return read_short_code(code, session_ids, at=at, secret=secret, rotate_seconds=rotate_seconds)


def test_the_short_code_is_six_digits_that_rotate_with_the_code():
    first = code_at(T0)
    assert len(first.short_code) == 6 and first.short_code.isdigit()
    assert code_at(T0 + timedelta(seconds=5)).short_code == first.short_code
    later = [code_at(first.shown_from + timedelta(seconds=15 * n)).short_code for n in range(1, 6)]
    assert first.short_code not in later
    assert code_at(T0, session_id=8).short_code != first.short_code


def test_a_short_code_names_its_session_among_the_candidates_for_sixty_seconds():
    shown = code_at(T0, session_id=7)
    assert read_short(shown.short_code, [5, 7, 9], shown.rotates_at).session_id == 7
    found = read_short(shown.short_code, [5, 7, 9], shown.expires_at)
    assert (found.session_id, found.code, found.expires_at) == (7, shown.code, shown.expires_at)
    with pytest.raises(ExpiredCode):
        read_short(shown.short_code, [5, 7, 9], shown.expires_at + timedelta(seconds=1))


def test_a_short_code_long_past_is_wrong_rather_than_expired():
    shown = code_at(T0)
    with pytest.raises(InvalidCode):
        read_short(shown.short_code, [7], shown.expires_at + timedelta(hours=1))


def test_a_short_code_of_a_session_that_is_not_a_candidate_is_refused():
    shown = code_at(T0, session_id=7)
    with pytest.raises(InvalidCode):
        read_short(shown.short_code, [5, 9], T0)
    with pytest.raises(InvalidCode):
        read_short(shown.short_code, [], T0)


@pytest.mark.parametrize("typed", [
    lambda code: f" {code[:3]} {code[3:]}\n",
    lambda code: f"{code[0]} {code[1]} {code[2]}  {code[3:]}",
])
def test_spaces_in_a_short_code_do_not_matter(typed):
    shown = code_at(T0)
    assert read_short(typed(shown.short_code), [7], T0).session_id == 7


@pytest.mark.parametrize("change", [
    lambda code: code[:-1] + ("0" if code[-1] != "0" else "1"),
    lambda code: code[:5],
    lambda code: code + "0",
    lambda code: "",
    lambda code: code[:3] + "-" + code[3:],
    lambda code: "".join(chr(0x0660 + int(digit)) for digit in code),  # Arabic-Indic digits
])
def test_an_altered_short_code_is_refused(change):
    shown = code_at(T0)
    with pytest.raises(InvalidCode):
        read_short(change(shown.short_code), [7], T0)


def test_a_short_code_of_a_window_still_to_come_or_made_with_another_key_is_refused():
    with pytest.raises(InvalidCode):
        read_short(code_at(T0 + timedelta(minutes=1)).short_code, [7], T0)
    with pytest.raises(InvalidCode):
        read_short(code_at(T0, secret="another-key-" + "x" * 40).short_code, [7], T0)


def test_a_short_code_two_sessions_show_at_once_checks_in_to_neither():
    """A million values: among a few thousand sessions two share one; the person then types the next code."""
    seen = {}
    for session_id in range(1, 20_000):
        short = code_at(T0, session_id=session_id).short_code
        if short in seen:
            break
        seen[short] = session_id
    assert read_short(short, [session_id], T0).session_id == session_id
    with pytest.raises(InvalidCode):
        read_short(short, [seen[short], session_id], T0)


def test_the_short_code_is_a_short_code_and_the_full_code_is_not():
    shown = code_at(T0)
    assert is_short_code(shown.short_code) and is_short_code("123 456")
    assert not is_short_code(shown.code) and not is_short_code("12345") and not is_short_code("١٢٣٤٥٦")
