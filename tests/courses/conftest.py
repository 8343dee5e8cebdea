import pytest

from courses import services
from courses.models import Course
from tests.conftest import unit
from tests.factories import UserFactory


@pytest.fixture
def instructor(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def other_instructor(province):
    return UserFactory(username="giangvien2", full_name="Lý Thị Dạy", org_unit=unit("SNV"), roles=["instructor"])


def build_course(instructor, *, code="CCHC-01", lessons=2, publish=True, **fields) -> Course:
    """A course with one module of `lessons` text lessons, made through the services."""
    course = services.create_course(
        actor=instructor, code=code, title=fields.pop("title", "Cơ chế một cửa, một cửa liên thông"),
        topic=fields.pop("topic", "procedures"), hours=fields.pop("hours", 4), **fields,
    )
    module = services.add_module(course=course, title="Chương 1")
    for number in range(lessons):
        services.add_lesson(module=module, title=f"Bài {number + 1}", body="<p>Nội dung</p>")
    if publish and lessons:
        services.publish_course(actor=instructor, course=course)
    return course


@pytest.fixture
def course(instructor):
    return build_course(instructor)
