"""Fixtures of the learner's walks: a live server, Debian's Chromium, a learner signed in."""

import pytest

from tests.conftest import unit
from tests.e2e.browser import open_browser, screenshots_folder, sign_in
from tests.e2e.teaching.conftest import person


@pytest.fixture
def browser_context(live_server, settings, monkeypatch):
    yield from open_browser(live_server, settings, monkeypatch)


@pytest.fixture
def screenshots(tmp_path):
    return screenshots_folder(tmp_path)


@pytest.fixture
def learner_person(erasable_audit_log, province):
    """`hocvien`: a learner of Xã Thượng Giáo, with a password for the sign-in page."""
    return person("hocvien", ["learner"], full_name="Nông Văn Học", org_unit=unit("BABE-TG"),
                  position="Chuyên viên", email="hocvien@example.gov.vn")


@pytest.fixture
def learner_page(browser_context, learner_person):
    """A page signed in as the learner `hocvien`."""
    page = browser_context.new_page()
    sign_in(page, learner_person.username)
    return page
