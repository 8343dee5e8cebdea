from django.test import Client

from accounts.models import AuditEntry
from courses.models import Course

from tests.courses.conftest import build_course


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_an_instructor_builds_a_course_in_the_admin_and_changes_only_their_own(instructor, other_instructor):
    mine = build_course(instructor, code="MINE")
    theirs = build_course(other_instructor, code="THEIRS")
    build_course(other_instructor, code="DRAFT", publish=False)
    client = signed_in(instructor)
    listing = client.get("/admin/courses/course/")
    assert listing.status_code == 200
    # As in the API: published courses and their own drafts, never another's draft.
    assert b"MINE" in listing.content and b"THEIRS" in listing.content and b"DRAFT" not in listing.content
    assert client.get(f"/admin/courses/course/{mine.pk}/change/").status_code == 200
    assert client.post(f"/admin/courses/course/{theirs.pk}/change/", {"code": "X"}).status_code == 403
    added = client.post("/admin/courses/course/add/", {
        "code": "NEW", "title": "Khoá mới", "topic": "institutions", "summary": "", "hours": "2",
        "completion_rule": "lessons", "instructors": [],
        "modules-TOTAL_FORMS": "0", "modules-INITIAL_FORMS": "0",
    })
    assert added.status_code == 302, added.content[:2000]
    # Made by the service: its author teaches it, and the audit log has it.
    assert list(Course.objects.get(code="NEW").instructors.all()) == [instructor]
    assert AuditEntry.objects.filter(action="course.created", target_id=str(Course.objects.get(code="NEW").pk)).exists()


def test_lesson_html_saved_in_the_admin_is_sanitised(instructor, course):
    module = course.modules.first()
    lesson = module.lessons.first()
    client = signed_in(instructor)
    response = client.post(f"/admin/courses/module/{module.pk}/change/", {
        "course": course.pk, "title": module.title, "position": 0,
        "lessons-TOTAL_FORMS": "1", "lessons-INITIAL_FORMS": "1",
        "lessons-0-id": lesson.pk, "lessons-0-module": module.pk, "lessons-0-title": lesson.title,
        "lessons-0-kind": "text", "lessons-0-position": 0, "lessons-0-estimated_minutes": 5,
        "lessons-0-body": "<p>Ok<script>alert(1)</script></p>", "lessons-0-url": "",
    })
    assert response.status_code == 302, response.content[:3000]
    lesson.refresh_from_db()
    assert lesson.body == "<p>Ok</p>"
