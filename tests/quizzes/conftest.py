import pytest

from courses import services as course_services
from quizzes import services
from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.models import Quiz
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.conftest import unit

A = ParsedAnswer


def every_type() -> list[ParsedQuestion]:
    """One question of each type, in Vietnamese."""
    return [
        ParsedQuestion("single", "Cơ quan nào tham mưu về cải cách hành chính?", answers=[
            A("Sở Nội vụ", 1, "Đúng"), A("Sở Tài chính", 0, "Chưa đúng"), A("Sở Y tế", 0)]),
        ParsedQuestion("multiple", "Những dịch vụ nào là trực tuyến toàn trình?", answers=[
            A("Cấp lý lịch tư pháp", "0.5"), A("Đăng ký khai sinh", "0.5"), A("Công chứng hợp đồng", -1)]),
        ParsedQuestion("true_false", "Bộ phận một cửa tiếp nhận hồ sơ.", answers=[A("true", 1), A("false", 0)]),
        ParsedQuestion("short_answer", "Viết tắt của cải cách hành chính?", answers=[A("CCHC", 1)],
                       options={"ignore_diacritics": True}),
        ParsedQuestion("numerical", "Có bao nhiêu mức độ dịch vụ công trực tuyến?", answers=[
            A(value=4, tolerance=0, fraction=1)]),
        ParsedQuestion("matching", "Ghép mức độ với mô tả.", answers=[
            A("Mức 3", match_text="Nộp hồ sơ trực tuyến"), A("Mức 4", match_text="Toàn trình"),
            A("", match_text="Chỉ thông tin")]),
        ParsedQuestion("essay", "Nêu giải pháp nâng cao chỉ số PAR INDEX của tỉnh."),
    ]


@pytest.fixture
def instructor(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def course(instructor):
    return build_course(instructor, code="QZ-01", lessons=1)


@pytest.fixture
def bank(course, instructor):
    bank = services.create_bank(actor=instructor, name="Ngân hàng CCHC", course=course)
    services.add_questions(bank=bank, parsed=[q for q in every_type() if q.type != "essay"])
    return bank


def make_quiz(course, bank, **fields) -> Quiz:
    defaults = {"title": "Kiểm tra cuối khoá", "shuffle_questions": False, "shuffle_choices": False}
    return Quiz.objects.create(course=course, bank=bank, **{**defaults, **fields})


@pytest.fixture
def quiz(course, bank):
    return make_quiz(course, bank)


@pytest.fixture
def enrolled(course, learner):
    course_services.enroll(user=learner, course=course)
    return learner
