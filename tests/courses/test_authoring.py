from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Course, Lesson
from tests.conftest import client_for
from tests.courses.conftest import build_course

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_instructor_builds_and_publishes_a_course_through_the_api(instructor, learner):
    api = client_for(instructor)
    created = api.post("/api/v1/courses/", {
        "code": "CCHC-02", "title": "Dịch vụ công trực tuyến mức độ 3, 4", "topic": "digital_government",
        "summary": "Cung cấp dịch vụ công trực tuyến toàn trình.", "hours": "6",
    })
    assert created.status_code == 201, created.content
    course_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert created.json()["completion_rule"] == "lessons_and_quiz"

    module = api.post(f"/api/v1/courses/{course_id}/modules/", {"title": "Tổng quan"})
    assert module.status_code == 201, module.content
    lesson = api.post(f"/api/v1/modules/{module.json()['id']}/lessons/", {
        "title": "Cổng dịch vụ công quốc gia", "kind": "text", "body": "<p>Giới thiệu</p>", "url": "",
    })
    assert lesson.status_code == 201, lesson.content
    assert client_for(learner).get(f"/api/v1/courses/{course_id}/").status_code == 404

    assert api.post(f"/api/v1/courses/{course_id}/publish/").status_code == 200
    detail = client_for(learner).get(f"/api/v1/courses/{course_id}/")
    assert detail.status_code == 200
    assert [m["title"] for m in detail.json()["modules"]] == ["Tổng quan"]
    assert detail.json()["modules"][0]["lessons"][0]["title"] == "Cổng dịch vụ công quốc gia"


def test_a_course_without_lessons_cannot_be_published(instructor):
    course = build_course(instructor, lessons=0, publish=False)
    response = client_for(instructor).post(f"/api/v1/courses/{course.pk}/publish/")
    assert response.status_code == 400
    assert Course.objects.get(pk=course.pk).status == "draft"


def test_an_instructor_cannot_touch_someone_elses_course(course, other_instructor):
    api = client_for(other_instructor)
    module = course.modules.first()
    assert api.post(f"/api/v1/modules/{module.pk}/lessons/", {"title": "Chen", "kind": "text"}).status_code == 403
    assert api.patch(f"/api/v1/courses/{course.pk}/", {"title": "Đổi"}).status_code == 403
    assert api.post(f"/api/v1/courses/{course.pk}/modules/", {"title": "Chen"}).status_code == 403
    assert api.patch(f"/api/v1/lessons/{module.lessons.first().pk}/", {"title": "Đổi"}).status_code == 403


def test_learners_and_hr_cannot_create_courses(learner, hr_babe):
    for person in (learner, hr_babe):
        response = client_for(person).post("/api/v1/courses/", {"code": "X", "title": "X", "topic": "other"})
        assert response.status_code == 403


def test_an_unknown_topic_is_refused(instructor):
    response = client_for(instructor).post("/api/v1/courses/", {"code": "X", "title": "X", "topic": "astrology"})
    assert response.status_code == 400
    assert "topic" in response.json()


def test_lesson_html_is_sanitised_on_the_way_in(course, instructor):
    module = course.modules.first()
    response = client_for(instructor).post(f"/api/v1/modules/{module.pk}/lessons/", {
        "title": "Bài nguy hiểm", "kind": "text",
        "body": '<p onclick="steal()">Xin chào<script>alert(1)</script>'
                '<a href="javascript:alert(2)">bấm</a><img src="x.png" onerror="steal()"></p>',
    })
    assert response.status_code == 201, response.content
    body = Lesson.objects.get(pk=response.json()["id"]).body
    for harmful in ("script", "onclick", "onerror", "javascript:", "alert"):
        assert harmful not in body
    assert "Xin chào" in body and 'src="x.png"' in body


def test_a_pdf_lesson_is_accepted(course, instructor):
    module = course.modules.first()
    upload = SimpleUploadedFile("quy-trinh.pdf", PDF, content_type="application/pdf")
    response = client_for(instructor).post(
        f"/api/v1/modules/{module.pk}/lessons/", {"title": "Quy trình", "kind": "file", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["file"].endswith(f"/api/v1/lessons/{response.json()['id']}/file/")


def test_a_file_of_a_refused_type_is_a_400(course, instructor):
    module = course.modules.first()
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client_for(instructor).post(
        f"/api/v1/modules/{module.pk}/lessons/", {"title": "X", "kind": "file", "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()


def test_a_file_whose_content_lies_about_its_type_is_a_400(course, instructor):
    module = course.modules.first()
    upload = SimpleUploadedFile("tai-lieu.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client_for(instructor).post(
        f"/api/v1/modules/{module.pk}/lessons/", {"title": "X", "kind": "file", "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()


def test_a_file_that_is_too_large_is_a_400(course, instructor, settings):
    settings.LESSON_FILE_MAX_BYTES = 1000
    module = course.modules.first()
    upload = SimpleUploadedFile("lon.pdf", PDF + b"0" * 2000, content_type="application/pdf")
    response = client_for(instructor).post(
        f"/api/v1/modules/{module.pk}/lessons/", {"title": "X", "kind": "file", "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()


def test_a_video_lesson_needs_an_address(course, instructor):
    module = course.modules.first()
    response = client_for(instructor).post(f"/api/v1/modules/{module.pk}/lessons/", {"title": "Video", "kind": "video"})
    assert response.status_code == 400
    assert "url" in response.json()


def test_modules_and_lessons_are_reordered(course, instructor):
    api = client_for(instructor)
    second = api.post(f"/api/v1/courses/{course.pk}/modules/", {"title": "Chương 2"}).json()
    first = course.modules.first()
    assert api.post(f"/api/v1/courses/{course.pk}/modules/reorder/", {"order": [second["id"], first.pk]}).status_code == 204
    lessons = list(first.lessons.values_list("pk", flat=True))
    assert api.post(f"/api/v1/modules/{first.pk}/lessons/reorder/", {"order": lessons[::-1]}).status_code == 204
    outline = api.get(f"/api/v1/courses/{course.pk}/").json()["modules"]
    assert [m["id"] for m in outline] == [second["id"], first.pk]
    assert [lesson["id"] for lesson in outline[1]["lessons"]] == lessons[::-1]


def test_a_reorder_that_misses_an_item_is_refused(course, instructor):
    response = client_for(instructor).post(f"/api/v1/courses/{course.pk}/modules/reorder/", {"order": [999]})
    assert response.status_code == 400


def test_a_course_is_copied_into_a_new_draft(course, instructor):
    response = client_for(instructor).post(f"/api/v1/courses/{course.pk}/copy/", {"code": "CCHC-01-2027"})
    assert response.status_code == 201, response.content
    copy = Course.objects.get(code="CCHC-01-2027")
    assert copy.status == "draft"
    assert list(copy.modules.values_list("lessons__title", flat=True)) == ["Bài 1", "Bài 2"]
    assert list(copy.instructors.all()) == [instructor]
