"""`/sessions/{id}/screen/`: the check-in QR code for the room's projector, rotating in place."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from tests.conftest import unit
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for
from training import checkin, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def session(teacher):
    today = timezone.localdate()
    event = services.create_event(actor=teacher, kind="conference", title="Hội nghị CCHC", starts_on=today,
                                  ends_on=today + timedelta(days=1))
    now = timezone.now()
    return services.add_session(actor=teacher, event=event, title="Phiên sáng", starts_at=now,
                                ends_at=now + timedelta(hours=2))


def screen(person, session) -> str:
    response = browser_for(person).get(f"/sessions/{session.pk}/screen/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_screen_shows_the_code_of_the_moment_as_a_scalable_svg(teacher, session):
    page = screen(teacher, session)
    svg = re.search(r"<svg [^>]*>", page).group(0)
    assert 'viewBox="0 0 ' in svg and "width=" not in svg and "height=" not in svg
    code = checkin.current_code(session.pk, at=checkin.now(), secret=settings.SECRET_KEY,
                                rotate_seconds=settings.CHECKIN_ROTATE_SECONDS).code
    assert f'data-code="{code}"' in page


def test_the_screen_has_no_site_header_and_shows_the_sites_check_in_address(teacher, session, settings):
    settings.SITE_URL = "https://daotao.backan.gov.vn"
    page = screen(teacher, session)
    assert "site-header" not in page and "site-nav" not in page
    assert "https://daotao.backan.gov.vn/check-in/" in page
    assert "Hội nghị CCHC" in page and "Phiên sáng" in page


def test_the_script_fetches_the_code_from_the_api_and_no_javascript_reloads(teacher, session):
    page = screen(teacher, session)
    assert f'data-code-url="/api/v1/sessions/{session.pk}/check-in-code/"' in page
    assert f'data-qr-url="/api/v1/sessions/{session.pk}/check-in-qr/"' in page
    assert "session-screen.js" in page
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', page)
    assert "<script>" not in page and "style=" not in page


def test_the_reload_comes_when_the_code_rotates(teacher, session, settings):
    settings.CHECKIN_ROTATE_SECONDS = 30
    window_start = timezone.now().replace(second=0, microsecond=0)
    with mock.patch("training.checkin.now", return_value=window_start + timedelta(seconds=20)):
        page = screen(teacher, session)
    assert 'content="11"' in page


def test_the_api_the_script_reads_gives_a_new_code_after_rotation(teacher, session, settings):
    client = browser_for(teacher)
    first = client.get(f"/api/v1/sessions/{session.pk}/check-in-code/").json()
    with mock.patch("training.checkin.now", return_value=timezone.now() + timedelta(seconds=60)):
        later = client.get(f"/api/v1/sessions/{session.pk}/check-in-code/").json()
    assert first["code"] != later["code"] and "rotates_at" in first


def test_others_never_see_the_screen(session, learner, province):
    colleague = UserFactory(roles=["instructor"], org_unit=unit("SNV"))
    for person in (learner, colleague):
        response = browser_for(person).get(f"/sessions/{session.pk}/screen/")
        assert response.status_code == 404 and "Hội nghị CCHC" not in response.content.decode()


def test_the_event_page_links_each_session_to_its_screen(teacher, session):
    page = browser_for(teacher).get(f"/teach/events/{session.event_id}/").content.decode()
    assert f'href="/sessions/{session.pk}/screen/"' in page and "Mở màn hình QR" in page
