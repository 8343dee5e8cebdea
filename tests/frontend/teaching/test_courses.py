"""The instructor's course pages under /teach/: create, edit, outline, lessons, publish, copy, archive, learners."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEntry
from courses import services
from courses.models import Course, Lesson, Module
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def teacher(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def colleague(province):
    return UserFactory(username="giangvien2", full_name="Lý Thị Dạy", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def draft(teacher):
    return build_course(teacher, code="CCHC-01", lessons=2, publish=False)


@pytest.fixture
def client(teacher):
    return browser_for(teacher)


def lesson_titles(module) -> list[str]:
    return list(module.lessons.order_by("position", "id").values_list("title", flat=True))


def error_summary(page: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


# Creating and editing a course -------------------------------------------------------------------


def test_an_instructor_creates_a_draft_course_and_lands_on_its_page(client, teacher):
    response = client.post("/teach/courses/new/", {
        "code": "CCHC-09", "title": "Chính quyền số", "topic": "digital_government", "summary": "", "hours": "6",
    })
    course = Course.objects.get(code="CCHC-09")
    assert response.status_code == 302 and response["Location"] == f"/teach/courses/{course.pk}/"
    assert course.status == "draft" and list(course.instructors.all()) == [teacher]
    assert AuditEntry.objects.filter(action="course.created", target_id=str(course.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Chính quyền số" in page and 'href="/teach/"' in page


def test_the_new_course_form_names_its_fields_as_the_api_and_labels_them(client):
    page = client.get("/teach/courses/new/").content.decode()
    for name in ("code", "title", "topic", "summary", "hours"):
        assert f'name="{name}"' in page and f'<label for="id_{name}"' in page


def test_a_course_with_a_missing_title_and_a_taken_code_gets_400_with_the_errors_linked(client, draft):
    response = client.post("/teach/courses/new/", {"code": "CCHC-01", "title": "", "topic": "other", "hours": "1"})
    assert response.status_code == 400
    summary = error_summary(response.content.decode())
    assert 'href="#id_code"' in summary and 'href="#id_title"' in summary
    assert 'id="id_title_error"' in response.content.decode()
    assert Course.objects.count() == 1


def test_nul_bytes_in_a_title_are_refused_with_400(client):
    response = client.post("/teach/courses/new/", {"code": "X-1", "title": "Bad\x00title", "topic": "other",
                                                   "hours": "1"})
    assert response.status_code == 400 and "title" in response.content.decode()
    assert not Course.objects.filter(code="X-1").exists()


def test_the_settings_are_saved_through_the_course_page(client, draft):
    response = client.post(f"/teach/courses/{draft.pk}/", {
        "code": draft.code, "title": "Một cửa liên thông hiện đại", "topic": "procedures", "summary": "Tóm tắt",
        "hours": "8.5", "completion_rule": "lessons", "certificate_template": "", "certificate_validity_months": "",
    })
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, str(draft.hours), draft.completion_rule) == ("Một cửa liên thông hiện đại", "8.5", "lessons")


def test_hours_read_and_write_with_a_decimal_comma_and_no_template_means_the_default(client, draft):
    page = client.get(f"/teach/courses/{draft.pk}/").content.decode()
    assert 'name="hours" value="4,0"' in page
    assert ">Mẫu mặc định</option>" in page and "---------" not in page
    client.post(f"/teach/courses/{draft.pk}/", {
        "code": draft.code, "title": draft.title, "topic": "procedures", "hours": "7,5", "completion_rule": "lessons",
    })
    draft.refresh_from_db()
    assert str(draft.hours) == "7.5"


def test_refused_settings_keep_the_saved_title_in_the_heading(client, draft):
    response = client.post(f"/teach/courses/{draft.pk}/", {"code": draft.code, "title": "Mới", "topic": "other",
                                                           "hours": "-3", "completion_rule": "lessons"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_hours"' in error_summary(page)
    assert f"<h1>{draft.title}</h1>" in page
    assert Course.objects.get(pk=draft.pk).title == draft.title


# Who may open the pages ---------------------------------------------------------------------------


def test_another_instructors_course_and_its_actions_answer_404(colleague, draft):
    client = browser_for(colleague)
    module = draft.modules.get()
    lesson = module.lessons.first()
    for path in (f"/teach/courses/{draft.pk}/", f"/teach/courses/{draft.pk}/learners/",
                 f"/teach/courses/{draft.pk}/copy/", f"/teach/courses/{draft.pk}/lessons/new/",
                 f"/teach/modules/{module.pk}/", f"/teach/lessons/{lesson.pk}/"):
        assert client.get(path).status_code == 404, path
    for path in (f"/teach/courses/{draft.pk}/publish", f"/teach/courses/{draft.pk}/archive",
                 f"/teach/courses/{draft.pk}/modules", f"/teach/modules/{module.pk}/delete",
                 f"/teach/lessons/{lesson.pk}/delete", f"/teach/lessons/{lesson.pk}/move",
                 f"/teach/modules/{module.pk}/lessons/order"):
        assert client.post(path, {"title": "Chen", "direction": "up", "order": [lesson.pk]}).status_code == 404, path
    draft.refresh_from_db()
    assert draft.status == "draft" and module.lessons.count() == 2


def test_learners_and_hr_get_the_403_page(learner, hr_babe, draft):
    for person in (learner, hr_babe):
        client = browser_for(person)
        assert client.get("/teach/courses/new/").status_code == 403
        assert client.get(f"/teach/courses/{draft.pk}/").status_code == 403
        assert client.post(f"/teach/courses/{draft.pk}/publish").status_code == 403
    assert Course.objects.get(pk=draft.pk).status == "draft"


def test_a_visitor_signed_out_is_sent_to_sign_in(db, draft):
    from django.test import Client

    response = Client().get(f"/teach/courses/{draft.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_administrator_edits_any_course(admin_user, draft):
    assert browser_for(admin_user).get(f"/teach/courses/{draft.pk}/").status_code == 200


def test_actions_refuse_get(client, draft):
    assert client.get(f"/teach/courses/{draft.pk}/publish").status_code == 405


# Publishing, archiving, copying -------------------------------------------------------------------


def test_publishing_opens_the_course_to_learners(client, draft):
    response = client.post(f"/teach/courses/{draft.pk}/publish")
    assert response.status_code == 302
    assert Course.objects.get(pk=draft.pk).status == "published"


def test_a_course_without_lessons_is_not_published_and_the_page_says_why(client, teacher):
    empty = build_course(teacher, code="RONG", lessons=0, publish=False)
    response = client.post(f"/teach/courses/{empty.pk}/publish")
    assert response.status_code == 400
    assert "thêm ít nhất một bài học" in error_summary(response.content.decode())
    assert Course.objects.get(pk=empty.pk).status == "draft"


def test_archiving_takes_the_course_out_of_the_catalogue(client, teacher):
    course = build_course(teacher, code="CU")
    assert client.post(f"/teach/courses/{course.pk}/archive").status_code == 302
    assert Course.objects.get(pk=course.pk).status == "archived"


def test_a_copy_is_a_new_draft_with_the_same_outline(client, draft):
    response = client.post(f"/teach/courses/{draft.pk}/copy/", {"code": "CCHC-01-2026", "title": "Bản 2026"})
    copy = Course.objects.get(code="CCHC-01-2026")
    assert response.status_code == 302 and response["Location"] == f"/teach/courses/{copy.pk}/"
    assert copy.status == "draft" and lesson_titles(copy.modules.get()) == ["Bài 1", "Bài 2"]


def test_a_copy_with_a_code_already_taken_gets_400(client, draft):
    response = client.post(f"/teach/courses/{draft.pk}/copy/", {"code": "CCHC-01", "title": "Trùng"})
    assert response.status_code == 400 and 'href="#id_code"' in error_summary(response.content.decode())
    assert Course.objects.count() == 1


# The outline: modules ---------------------------------------------------------------------------


def test_a_module_is_added_at_the_end(client, draft):
    response = client.post(f"/teach/courses/{draft.pk}/modules", {"title": "Chương 2"})
    module = draft.modules.get(title="Chương 2")
    assert response.status_code == 302 and response["Location"].endswith(f"#module-{module.pk}")
    assert list(draft.modules.values_list("title", flat=True)) == ["Chương 1", "Chương 2"]


def test_a_module_without_a_title_gets_400_linking_to_its_own_field(client, draft):
    response = client.post(f"/teach/courses/{draft.pk}/modules", {"title": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#module_title"' in error_summary(page) and 'id="module_title"' in page
    assert draft.modules.count() == 1


def test_a_module_is_renamed_and_deleted(client, draft):
    module = draft.modules.get()
    assert client.post(f"/teach/modules/{module.pk}/", {"title": "Tổng quan"}).status_code == 302
    assert Module.objects.get(pk=module.pk).title == "Tổng quan"
    assert client.post(f"/teach/modules/{module.pk}/delete").status_code == 302
    assert not draft.modules.exists()


def test_a_module_with_learners_progress_is_kept_and_the_page_says_why(client, teacher, learner):
    course = build_course(teacher, code="HOC")
    services.enroll(user=learner, course=course)
    module = course.modules.get()
    services.complete_lesson(user=learner, lesson=module.lessons.first())
    response = client.post(f"/teach/modules/{module.pk}/delete")
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    assert Module.objects.filter(pk=module.pk).exists()


def test_modules_move_with_the_arrow_buttons(client, draft):
    second = services.add_module(course=draft, title="Chương 2")
    assert client.post(f"/teach/modules/{second.pk}/move", {"direction": "up"}).status_code == 302
    assert list(draft.modules.values_list("title", flat=True)) == ["Chương 2", "Chương 1"]


def test_a_move_in_an_unknown_direction_gets_400(client, draft):
    module = draft.modules.get()
    assert client.post(f"/teach/modules/{module.pk}/move", {"direction": "sideways"}).status_code == 400


def test_modules_are_reordered_by_drag_and_drop(client, draft):
    first = draft.modules.get()
    second = services.add_module(course=draft, title="Chương 2")
    response = client.post(f"/teach/courses/{draft.pk}/modules/order", {"order": [second.pk, first.pk]},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json() == {"order": [second.pk, first.pk]}
    assert list(draft.modules.values_list("title", flat=True)) == ["Chương 2", "Chương 1"]


# The outline: lessons -----------------------------------------------------------------------------


def test_lessons_are_reordered_by_drag_and_drop(client, draft):
    module = draft.modules.get()
    ids = list(module.lessons.values_list("pk", flat=True))
    response = client.post(f"/teach/modules/{module.pk}/lessons/order", {"order": ids[::-1]},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert lesson_titles(module) == ["Bài 2", "Bài 1"]


@pytest.mark.parametrize("order", [["1"], ["abc", "def"], []])
def test_an_order_that_is_not_every_lesson_once_gets_400(client, draft, order):
    module = draft.modules.get()
    response = client.post(f"/teach/modules/{module.pk}/lessons/order", {"order": order},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "order" in response.json()
    assert lesson_titles(module) == ["Bài 1", "Bài 2"]


def test_an_order_naming_another_courses_lesson_gets_400(client, draft, colleague):
    module = draft.modules.get()
    foreign = build_course(colleague, code="KHAC").modules.get().lessons.first()
    mine = list(module.lessons.values_list("pk", flat=True))
    response = client.post(f"/teach/modules/{module.pk}/lessons/order", {"order": [mine[0], foreign.pk]})
    assert response.status_code == 400 and "error-summary" in response.content.decode()


def test_lessons_move_with_the_arrow_buttons_without_javascript(client, draft):
    module = draft.modules.get()
    lesson = module.lessons.get(title="Bài 2")
    response = client.post(f"/teach/lessons/{lesson.pk}/move", {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#lesson-{lesson.pk}")
    assert lesson_titles(module) == ["Bài 2", "Bài 1"]


def test_the_course_page_shows_the_outline_with_move_buttons_and_learner_previews(client, draft):
    page = client.get(f"/teach/courses/{draft.pk}/").content.decode()
    lesson = draft.modules.get().lessons.first()
    assert f'action="/teach/lessons/{lesson.pk}/move"' in page
    assert f'href="/lessons/{lesson.pk}/"' in page and f'href="/courses/{draft.pk}/"' in page
    assert f'href="/teach/lessons/{lesson.pk}/"' in page


def test_a_text_lesson_is_added_with_its_html_sanitised(client, draft):
    module = draft.modules.get()
    body = ('<h2>Mục tiêu</h2><p onclick="steal()">Nội dung <a href="javascript:alert(1)">xấu</a>'
            '<img src="x" onerror="alert(1)"></p><script>alert(1)</script>')
    response = client.post(f"/teach/courses/{draft.pk}/lessons/new/", {
        "module": module.pk, "title": "Mục tiêu", "kind": "text", "body": body, "url": "",
        "estimated_minutes": "15",
    })
    assert response.status_code == 302
    lesson = module.lessons.get(title="Mục tiêu")
    assert "<h2>Mục tiêu</h2>" in lesson.body
    for bad in ("<script", "onclick", "onerror", "javascript:", "alert"):
        assert bad not in lesson.body
    assert lesson_titles(module)[-1] == "Mục tiêu"


def test_a_video_lesson_without_an_address_gets_400_beside_the_address(client, draft):
    module = draft.modules.get()
    response = client.post(f"/teach/courses/{draft.pk}/lessons/new/", {
        "module": module.pk, "title": "Video", "kind": "video", "body": "", "url": "", "estimated_minutes": "5",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_url"' in error_summary(page) and 'id="id_url_error"' in page
    assert module.lessons.count() == 2


def test_a_link_lesson_with_a_javascript_address_is_refused(client, draft):
    module = draft.modules.get()
    response = client.post(f"/teach/courses/{draft.pk}/lessons/new/", {
        "module": module.pk, "title": "Link", "kind": "link", "url": "javascript:alert(1)", "estimated_minutes": "5",
    })
    assert response.status_code == 400 and 'href="#id_url"' in error_summary(response.content.decode())


def test_a_lesson_cannot_be_added_to_another_courses_module(client, draft, colleague):
    foreign = build_course(colleague, code="KHAC").modules.get()
    response = client.post(f"/teach/courses/{draft.pk}/lessons/new/", {
        "module": foreign.pk, "title": "Chen", "kind": "text", "body": "<p>x</p>", "estimated_minutes": "5",
    })
    assert response.status_code == 400 and 'href="#id_module"' in error_summary(response.content.decode())
    assert not foreign.lessons.filter(title="Chen").exists()


def test_a_file_lesson_takes_a_real_pdf(client, draft):
    module = draft.modules.get()
    upload = SimpleUploadedFile("tai-lieu.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/teach/courses/{draft.pk}/lessons/new/", {
        "module": module.pk, "title": "Tài liệu", "kind": "file", "file": upload, "estimated_minutes": "5",
    })
    assert response.status_code == 302
    assert module.lessons.get(title="Tài liệu").file.name.endswith(".pdf")


def test_a_file_whose_content_is_not_its_name_gets_400_beside_the_file(client, draft):
    module = draft.modules.get()
    upload = SimpleUploadedFile("tai-lieu.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    response = client.post(f"/teach/courses/{draft.pk}/lessons/new/", {
        "module": module.pk, "title": "Giả", "kind": "file", "file": upload, "estimated_minutes": "5",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_file"' in error_summary(page) and 'id="id_file_error"' in page
    assert not module.lessons.filter(title="Giả").exists()


def test_a_lesson_is_edited_keeping_its_file_when_none_is_uploaded(client, draft):
    module = draft.modules.get()
    lesson = services.add_lesson(module=module, title="Tài liệu", kind="file",
                                 file=SimpleUploadedFile("a.pdf", PDF))
    response = client.post(f"/teach/lessons/{lesson.pk}/", {
        "title": "Tài liệu mới", "kind": "file", "body": "", "url": "", "estimated_minutes": "7",
    })
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == "Tài liệu mới" and lesson.estimated_minutes == 7 and lesson.file.name.endswith(".pdf")


def test_an_edited_body_is_sanitised_too(client, draft):
    lesson = draft.modules.get().lessons.first()
    client.post(f"/teach/lessons/{lesson.pk}/", {
        "title": lesson.title, "kind": "text", "body": '<p>Ok<a href="javascript:x()">a</a></p><script>x()</script>',
        "url": "", "estimated_minutes": "10",
    })
    lesson.refresh_from_db()
    assert "<script" not in lesson.body and "javascript:" not in lesson.body and "Ok" in lesson.body


def test_a_lesson_is_deleted(client, draft):
    lesson = draft.modules.get().lessons.first()
    assert client.post(f"/teach/lessons/{lesson.pk}/delete").status_code == 302
    assert not Lesson.objects.filter(pk=lesson.pk).exists()


def test_the_lesson_editor_page_allows_trixs_style_by_nonce_only(client, draft):
    lesson = draft.modules.get().lessons.first()
    response = client.get(f"/teach/lessons/{lesson.pk}/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert re.search(r"style-src 'self' 'nonce-[^']+'", policy) and "unsafe-inline" not in policy
    assert f'<meta name="trix-csp-nonce" content="{nonce}">' in response.content.decode()
    assert "nonce" not in client.get(f"/teach/courses/{draft.pk}/")["Content-Security-Policy"]


def test_the_lesson_page_preselects_the_module_asked_for(client, draft):
    second = services.add_module(course=draft, title="Chương 2")
    page = client.get(f"/teach/courses/{draft.pk}/lessons/new/?module={second.pk}").content.decode()
    assert f'<option value="{second.pk}" selected>' in page


def test_a_course_without_modules_asks_for_one_before_a_lesson(client, teacher):
    empty = build_course(teacher, code="RONG", lessons=0, publish=False)
    empty.modules.all().delete()
    response = client.get(f"/teach/courses/{empty.pk}/lessons/new/")
    assert response.status_code == 302 and response["Location"] == f"/teach/courses/{empty.pk}/#module_title"


# Learners and their progress ----------------------------------------------------------------------


def test_the_learners_page_shows_each_learners_progress(client, teacher, learner):
    course = build_course(teacher, code="HOC")
    services.enroll(user=learner, course=course)
    services.complete_lesson(user=learner, lesson=course.modules.get().lessons.first())
    page = client.get(f"/teach/courses/{course.pk}/learners/").content.decode()
    assert learner.full_name in page and 'value="50"' in page


# Fixed numbers of queries -------------------------------------------------------------------------


def grow(course, *, modules: int, lessons: int, learners: int) -> None:
    for number in range(modules):
        module = services.add_module(course=course, title=f"Chương thêm {number}")
        for lesson in range(lessons):
            services.add_lesson(module=module, title=f"Bài {number}.{lesson}", body="<p>x</p>")
    people = [UserFactory(org_unit=unit("BABE-TG"), roles=["learner"]) for _ in range(learners)]
    services.enroll_people(actor=None, course=course, users=people)
    for person in people[: learners // 2]:
        services.complete_lesson(user=person, lesson=course.modules.first().lessons.first())


@pytest.mark.parametrize("size", [1, 6])
def test_the_pages_take_a_fixed_number_of_queries(teacher, draft, size, django_assert_max_num_queries):
    grow(draft, modules=size, lessons=size, learners=size * 10)
    client = browser_for(teacher)
    lesson = draft.modules.first().lessons.first()
    for path in (f"/teach/courses/{draft.pk}/", f"/teach/courses/{draft.pk}/learners/",
                 f"/teach/lessons/{lesson.pk}/", f"/teach/courses/{draft.pk}/lessons/new/",
                 f"/teach/modules/{lesson.module_id}/", f"/teach/courses/{draft.pk}/copy/", "/teach/courses/new/"):
        with django_assert_max_num_queries(9):
            assert client.get(path).status_code == 200, path


def test_a_code_taken_by_someone_else_at_the_same_moment_is_a_400_on_the_form(client):
    from unittest import mock

    from django.core.exceptions import ValidationError

    taken = ValidationError({"code": ["Đã có khóa học dùng mã này."]})
    with mock.patch("courses.services.create_course", side_effect=taken):
        response = client.post("/teach/courses/new/", {"code": "CCHC-77", "title": "Mới", "topic": "other",
                                                       "hours": "1"})
    assert response.status_code == 400 and "Đã có khóa học dùng mã này." in error_summary(response.content.decode())
