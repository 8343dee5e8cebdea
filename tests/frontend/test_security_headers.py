"""Every response carries the strict Content-Security-Policy and the Permissions-Policy; no page needs more.

tests/e2e/test_content_security_policy.py checks in a real browser that the pages work under them.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.courses.conftest import build_course
from tests.frontend.conftest import browser_for

PAGES = [
    "/", "/courses/", "/courses/{course}/", "/lessons/{lesson}/", "/grading/", "/check-in/",
    "/accounts/password_change/", "/admin/", "/admin/courses/course/", "/admin/courses/course/{course}/change/",
    "/admin/password_change/", "/api/docs/", "/api/docs/?script", "/api/v1/me/", "/api/v1/courses/?format=api",
    "/api/schema/", "/no-such-page/",
]
ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/password_reset/", "/api/docs/", "/api/v1/me/"]


def assert_policies(response, path: str) -> None:
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'", path
    assert policy["script-src"] == "'self'", path
    assert policy["style-src"].startswith("'self'") and "'unsafe-inline'" not in policy["style-src"], path
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'", path
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'", path
    features = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in features, path


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_content_security_policy_and_permissions_policy(path, admin_user, instructor):
    course = build_course(instructor, lessons=1)
    url = path.format(course=course.pk, lesson=course.modules.get().lessons.get().pk)
    response = browser_for(admin_user).get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    assert_policies(response, url)


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_pages_for_people_signed_out_send_them_too(client, db, path):
    assert_policies(client.get(path), path)


def test_only_a_lesson_page_may_frame_the_video_players(admin_user, instructor):
    course = build_course(instructor, lessons=1)
    lesson = course.modules.get().lessons.get()
    client = browser_for(admin_user)
    framing = client.get(f"/lessons/{lesson.pk}/")["Content-Security-Policy"]
    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in framing
    assert "frame-src" not in client.get("/")["Content-Security-Policy"]


def test_the_browsable_api_allows_no_inline_style_but_drfs_own_attribute(admin_user):
    response = browser_for(admin_user).get("/api/v1/courses/", HTTP_ACCEPT="text/html")
    page = response.content.decode()
    assert "<style" not in page
    assert set(re.findall(r'style="([^"]*)"', page)) <= {"float: right; margin-right: 10px"}
    assert "'unsafe-hashes' 'sha256-" in response["Content-Security-Policy"]


def test_the_api_docs_load_their_script_from_this_site(client, db):
    page = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script=' in page
    assert "<style" not in page


def test_the_old_redoc_address_leads_to_the_api_docs(client, db):
    response = client.get("/api/redoc/")
    assert response.status_code == 302 and response["Location"] == "/api/docs/"


# Page templates hold no inline script, style or event handler: the CSP would block them.
# E-mails are not pages, and need their inline styles.
INLINE = re.compile(r"<script(?![^>]*\ssrc=)|<style\b|\sstyle\s*=|\son[a-z]+\s*=\s*[\"']|javascript:", re.IGNORECASE)
PAGE_TEMPLATES = [
    path for path in Path(settings.BASE_DIR).glob("*/templates/**/*.html")
    if ".venv" not in path.parts and "email" not in path.name
]


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_no_page_template_has_inline_script_style_or_event_handler(template):
    assert not INLINE.findall(template.read_text(encoding="utf-8"))
