"""Fixtures of the instructor's walks: a live server, Debian's Chromium, an instructor signed in."""

import pytest

from tests.conftest import unit
from tests.e2e.browser import PASSWORD, open_browser, screenshots_folder, sign_in
from tests.factories import UserFactory


def person(username: str, roles: list[str], **fields):
    user = UserFactory(username=username, roles=roles, **fields)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def browser_context(live_server, settings, monkeypatch):
    yield from open_browser(live_server, settings, monkeypatch)


@pytest.fixture
def instructor(erasable_audit_log, province):
    return person("giangvien", ["instructor"], full_name="Triệu Văn Giảng", org_unit=unit("SNV"))


@pytest.fixture
def instructor_page(browser_context, instructor):
    """A page signed in as the instructor `giangvien`."""
    page = browser_context.new_page()
    sign_in(page, instructor.username)
    return page


@pytest.fixture
def screenshots(tmp_path):
    return screenshots_folder(tmp_path)
