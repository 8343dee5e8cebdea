from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from training import services
from training.models import Event
from tests.conftest import unit
from tests.factories import UserFactory

START = datetime(2026, 11, 12, 1, 0, tzinfo=UTC)  # 08:00 in Bắc Kạn


@pytest.fixture
def instructor(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def other_instructor(province):
    return UserFactory(username="giangvien2", full_name="Lý Thị Dạy", org_unit=unit("SNV"), roles=["instructor"])


class Clock:
    """The time `training.checkin.now()` returns; tests move it instead of sleeping."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    clock = Clock(START + timedelta(minutes=2))
    with mock.patch("training.checkin.now", clock):
        yield clock


def make_event(instructor, *, kind=Event.Kind.CONFERENCE, sessions=2, title="Hội nghị tuyên truyền CCHC", **fields):
    """A class or conference with `sessions` sessions of an hour, a day apart, made through the services."""
    event = services.create_event(actor=instructor, kind=kind, title=title, starts_on=START.date(),
                                  ends_on=(START + timedelta(days=max(sessions - 1, 0))).date(), **fields)
    for number in range(sessions):
        starts_at = START + timedelta(days=number)
        services.add_session(actor=instructor, event=event, title=f"Phiên {number + 1}", starts_at=starts_at,
                             ends_at=starts_at + timedelta(hours=1))
    return event


@pytest.fixture
def conference(instructor):
    return make_event(instructor)
