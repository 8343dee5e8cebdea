"""Lesson files: only the course's instructors, admins and enrolled learners download them, never from /media/."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from courses import services
from courses.models import Lesson
from tests.conftest import client_for
from tests.courses.conftest import build_course
from tests.frontend.conftest import browser_for

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Django keeps Vietnamese letters in stored names and turns spaces into underscores.
STORED_NAME = "Tài_liệu_một_cửa.pdf"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def add_file_lesson(course, name="Tài liệu một cửa.pdf", content=PDF) -> Lesson:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return services.add_lesson(module=course.modules.first(), title="Quy trình một cửa", kind="file", file=upload)


@pytest.fixture
def lesson(course):
    return add_file_lesson(course)


@pytest.fixture
def enrolled_learner(course, learner):
    services.enroll(user=learner, course=course)
    return learner


def test_an_enrolled_learner_downloads_the_file_under_its_own_name(lesson, enrolled_learner):
    response = client_for(enrolled_learner).get(f"/api/v1/lessons/{lesson.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(STORED_NAME)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "private" in response["Cache-Control"]


def test_the_course_instructor_and_an_admin_download_it_too(lesson, instructor, admin_user):
    for person in (instructor, admin_user):
        assert client_for(person).get(f"/api/v1/lessons/{lesson.pk}/file/").status_code == 200


def test_a_learner_not_enrolled_is_refused_as_for_the_lesson_itself(lesson, learner):
    api = client_for(learner)
    assert api.get(f"/api/v1/lessons/{lesson.pk}/").status_code == 403
    assert api.get(f"/api/v1/lessons/{lesson.pk}/file/").status_code == 403


def test_the_file_of_a_draft_someone_else_teaches_does_not_exist_for_a_learner(instructor, learner):
    draft = build_course(instructor, code="DRAFT", lessons=1, publish=False)
    lesson = add_file_lesson(draft)
    assert client_for(learner).get(f"/api/v1/lessons/{lesson.pk}/file/").status_code == 404


def test_without_credentials_the_api_answers_401(api, lesson):
    assert api.get(f"/api/v1/lessons/{lesson.pk}/file/").status_code == 401


def test_a_lesson_without_a_file_or_whose_file_is_gone_is_a_404(course, lesson, enrolled_learner, media_root):
    text_lesson = course.modules.first().lessons.exclude(pk=lesson.pk).first()
    api = client_for(enrolled_learner)
    assert api.get(f"/api/v1/lessons/{text_lesson.pk}/file/").status_code == 404
    (media_root / lesson.file.name).unlink()
    assert api.get(f"/api/v1/lessons/{lesson.pk}/file/").status_code == 404


def test_nothing_serves_the_media_folder(lesson, enrolled_learner, client):
    client.force_login(enrolled_learner)
    assert client.get(f"/media/{lesson.file.name}").status_code == 404


def test_the_api_gives_the_checked_address_of_the_file(course, lesson, instructor, enrolled_learner):
    address = f"http://testserver/api/v1/lessons/{lesson.pk}/file/"
    assert client_for(enrolled_learner).get(f"/api/v1/lessons/{lesson.pk}/").json()["file"] == address
    upload = SimpleUploadedFile("quy-trinh.pdf", PDF, content_type="application/pdf")
    created = client_for(instructor).post(
        f"/api/v1/modules/{course.modules.first().pk}/lessons/",
        {"title": "Quy trình", "kind": "file", "file": upload}, format="multipart",
    )
    assert created.json()["file"] == f"http://testserver/api/v1/lessons/{created.json()['id']}/file/"


def test_behind_nginx_the_app_answers_with_an_internal_redirect_and_no_body(lesson, enrolled_learner, settings):
    settings.FILE_SERVING, settings.FILE_SERVING_INTERNAL_PREFIX = "nginx", "/protected-media/"
    response = client_for(enrolled_learner).get(f"/api/v1/lessons/{lesson.pk}/file/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(lesson.file.name)
    assert "%E1%BB%87" in response["X-Accel-Redirect"]  # "ệ", percent-encoded as nginx expects
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(STORED_NAME)


def test_behind_apache_or_lighttpd_the_app_names_the_file_in_x_sendfile(lesson, enrolled_learner, settings):
    settings.FILE_SERVING, settings.FILE_SERVING_INTERNAL_PREFIX = "sendfile", "/srv/media"
    response = client_for(enrolled_learner).get(f"/api/v1/lessons/{lesson.pk}/file/")
    assert response["X-Sendfile"] == "/srv/media/" + quote(lesson.file.name)
    assert response.content == b""


def test_the_web_server_is_never_sent_for_a_file_it_may_not_give(lesson, learner, settings):
    settings.FILE_SERVING = "nginx"
    response = client_for(learner).get(f"/api/v1/lessons/{lesson.pk}/file/")
    assert response.status_code == 403 and "X-Accel-Redirect" not in response


def test_a_file_a_browser_would_run_is_sent_as_an_inert_download(lesson, enrolled_learner):
    # Uploads through the services accept documents only; this one came in some other way.
    lesson.file.save("bai-giang.html", ContentFile(b"<script>alert(document.cookie)</script>"))
    response = client_for(enrolled_learner).get(f"/api/v1/lessons/{lesson.pk}/file/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize("path", ["/lessons/{pk}/file", "/api/v1/lessons/{pk}/file/"])
def test_the_page_and_the_api_download_the_same_bytes(lesson, enrolled_learner, path):
    response = browser_for(enrolled_learner).get(path.format(pk=lesson.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_the_lesson_page_links_the_checked_address(lesson, enrolled_learner):
    page = browser_for(enrolled_learner).get(f"/lessons/{lesson.pk}/").content.decode()
    assert f'href="/lessons/{lesson.pk}/file"' in page
    assert "/media/" not in page


def test_from_the_site_someone_signed_out_is_sent_to_sign_in(client, lesson):
    response = client.get(f"/lessons/{lesson.pk}/file")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/lessons/{lesson.pk}/file"


def test_from_the_site_a_learner_not_enrolled_is_told_to_enrol(lesson, learner):
    response = browser_for(learner).get(f"/lessons/{lesson.pk}/file")
    assert response.status_code == 403
    assert "Hãy đăng ký khóa học để xem các bài học." in response.content.decode()


def test_the_admin_links_a_stored_file_through_the_checked_download(lesson, instructor):
    page = browser_for(instructor).get(f"/admin/courses/module/{lesson.module_id}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/lessons/{lesson.pk}/file"' in html
    assert "/media/" not in html
