"""Demo courses on the province's administrative-reform work. Loading twice changes nothing."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, User
from courses import services
from courses.models import Assignment, Course, Enrollment, Lesson, LessonProgress


@dataclass
class DemoLesson:
    title: str
    body: str = ""
    kind: str = "text"
    url: str = ""
    minutes: int = 15


def p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


COURSES = [
    {
        "code": "CCHC-MC01",
        "title": "Cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
        "topic": "procedures",
        "hours": Decimal("8"),
        "completion_rule": "lessons_and_quiz",
        "summary": "Quy định tại Nghị định 61/2018/NĐ-CP và Nghị định 107/2021/NĐ-CP; tổ chức Bộ phận Một cửa "
                   "các cấp và Trung tâm Phục vụ hành chính công tỉnh Bắc Kạn.",
        "modules": {
            "Quy định chung": [
                DemoLesson("Mục đích, nguyên tắc thực hiện cơ chế một cửa", p(
                    "Cơ chế một cửa là phương thức tiếp nhận hồ sơ, giải quyết và trả kết quả giải quyết thủ tục "
                    "hành chính theo quy định tại <strong>Nghị định 61/2018/NĐ-CP</strong> của Chính phủ.",
                    "Nguyên tắc: lấy sự hài lòng của tổ chức, cá nhân là thước đo chất lượng; công khai, minh "
                    "bạch; không làm phát sinh chi phí ngoài quy định.")),
                DemoLesson("Bộ phận Một cửa các cấp", p("Ở cấp tỉnh là Trung tâm Phục vụ hành chính công; ở cấp "
                                                        "huyện và cấp xã là Bộ phận Một cửa.") + ul(
                    "Tiếp nhận, số hóa hồ sơ", "Chuyển hồ sơ đến cơ quan có thẩm quyền",
                    "Trả kết quả và thu phí, lệ phí (nếu có)")),
            ],
            "Quy trình giải quyết hồ sơ": [
                DemoLesson("Tiếp nhận và số hóa hồ sơ", p("Cán bộ tiếp nhận kiểm tra tính đầy đủ của hồ sơ, "
                                                          "số hóa thành phần hồ sơ và cấp mã hồ sơ.")),
                DemoLesson("Xin lỗi khi trễ hạn", p("Trường hợp hồ sơ quá hạn giải quyết, cơ quan có thẩm quyền "
                                                    "gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.")),
                DemoLesson("Văn bản: Nghị định 107/2021/NĐ-CP", kind="link",
                           url="https://vbpl.vn/", minutes=20),
            ],
        },
    },
    {
        "code": "CCHC-DVC02",
        "title": "Dịch vụ công trực tuyến toàn trình và một phần",
        "topic": "digital_government",
        "hours": Decimal("6"),
        "completion_rule": "lessons_and_quiz",
        "summary": "Cung cấp dịch vụ công trực tuyến mức độ 3, 4 (nay là toàn trình, một phần) trên Cổng Dịch "
                   "vụ công quốc gia và Hệ thống thông tin giải quyết thủ tục hành chính tỉnh.",
        "modules": {
            "Dịch vụ công trực tuyến": [
                DemoLesson("Từ mức độ 3, 4 đến toàn trình, một phần", p(
                    "Nghị định 42/2022/NĐ-CP thay các mức độ 3, 4 bằng hai loại: dịch vụ công trực tuyến "
                    "<em>toàn trình</em> và <em>một phần</em>.")),
                DemoLesson("Hướng dẫn người dân nộp hồ sơ trực tuyến", kind="video",
                           url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", minutes=12),
            ],
            "Thanh toán trực tuyến": [
                DemoLesson("Thanh toán phí, lệ phí trực tuyến", p("Người dân thanh toán qua Cổng Dịch vụ công "
                                                                  "quốc gia bằng tài khoản ngân hàng hoặc ví điện tử.")),
            ],
        },
    },
    {
        "code": "CCHC-TTHC03",
        "title": "Công bố, công khai và kiểm soát thủ tục hành chính",
        "topic": "procedures",
        "hours": Decimal("4"),
        "completion_rule": "lessons",
        "summary": "Nghị định 63/2010/NĐ-CP và Nghị định 92/2017/NĐ-CP về kiểm soát thủ tục hành chính; công bố "
                   "danh mục thủ tục hành chính của tỉnh.",
        "modules": {
            "Kiểm soát thủ tục hành chính": [
                DemoLesson("Công bố danh mục thủ tục hành chính", p("Chủ tịch UBND tỉnh công bố danh mục thủ tục "
                                                                    "hành chính thuộc thẩm quyền giải quyết của các "
                                                                    "cấp chính quyền trên địa bàn tỉnh.")),
                DemoLesson("Niêm yết, công khai tại Bộ phận Một cửa", p("Thủ tục hành chính được công khai đầy đủ, "
                                                                        "kịp thời tại nơi tiếp nhận hồ sơ và trên "
                                                                        "Cổng thông tin điện tử.")),
            ],
        },
    },
    {
        "code": "CCHC-TT04",
        "title": "Kế hoạch thông tin, tuyên truyền cải cách hành chính năm 2026",
        "topic": "institutions",
        "hours": Decimal("3"),
        "completion_rule": "lessons",
        "summary": "Nội dung, hình thức tuyên truyền cải cách hành chính của tỉnh Bắc Kạn; vai trò của báo cáo "
                   "viên các sở, ngành, địa phương.",
        "modules": {
            "Tuyên truyền cải cách hành chính": [
                DemoLesson("Mục đích, yêu cầu của kế hoạch", p("Nâng cao nhận thức của cán bộ, công chức và người "
                                                               "dân về cải cách hành chính; góp phần cải thiện chỉ "
                                                               "số PAR INDEX và SIPAS của tỉnh.")),
                DemoLesson("Hình thức tuyên truyền", ul("Hội nghị tuyên truyền", "Cuộc thi tìm hiểu CCHC",
                                                        "Chuyên mục trên Báo Bắc Kạn, Đài PT-TH tỉnh",
                                                        "Mạng xã hội và cổng thông tin điện tử")),
            ],
        },
    },
    {
        "code": "CCHC-CV05",
        "title": "Văn hóa công vụ và đạo đức công chức",
        "topic": "civil_service",
        "hours": Decimal("4"),
        "completion_rule": "lessons_and_quiz",
        "summary": "Quy tắc ứng xử của cán bộ, công chức; tinh thần, thái độ phục vụ người dân và doanh nghiệp.",
        "modules": {
            "Văn hóa công vụ": [
                DemoLesson("Chuẩn mực ứng xử khi tiếp công dân", p("Tôn trọng, lắng nghe, hướng dẫn tận tình; "
                                                                   "không gây phiền hà, sách nhiễu.")),
                DemoLesson("Trách nhiệm người đứng đầu", p("Người đứng đầu chịu trách nhiệm về kết quả cải cách "
                                                           "hành chính của cơ quan, đơn vị mình.")),
            ],
        },
    },
    {
        "code": "CCHC-TC06",
        "title": "Cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập",
        "topic": "public_finance",
        "hours": Decimal("4"),
        "completion_rule": "lessons",
        "summary": "Nghị định 60/2021/NĐ-CP về cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập.",
        "modules": {
            "Tự chủ tài chính": [
                DemoLesson("Các mức độ tự chủ", p("Đơn vị tự bảo đảm chi thường xuyên và chi đầu tư; tự bảo đảm "
                                                  "chi thường xuyên; tự bảo đảm một phần; do Nhà nước bảo đảm.")),
            ],
        },
    },
]

# Mandatory assignments: course code, unit code, days until the due date.
ASSIGNMENTS = [("CCHC-MC01", "BK-BABE", 30), ("CCHC-MC01", "BK-CHODON", 45), ("CCHC-CV05", "BK-SNV", 20)]


# Courses completed before 1 July 2025 by the two officials of Xã Dương Quang, which merged into Phường Đức
# Xuân that day (accounts.demo.MERGERS): the ward's reports count their hours. (username, course, day).
EARLIER_COMPLETIONS = [("hocvien30", "CCHC-TTHC03", date(2025, 4, 18)), ("hocvien31", "CCHC-TTHC03", date(2025, 5, 23))]


def load() -> dict[str, Course]:
    instructor = User.objects.filter(username="giangvien1").first()
    courses = {}
    for data in COURSES:
        course = Course.objects.filter(code=data["code"]).first() or _create(data, instructor)
        courses[course.code] = course
    _assign(courses)
    for username, code, day in EARLIER_COMPLETIONS:
        _complete_earlier(username, courses[code], day)
    return courses


def _create(data: dict, instructor: User | None) -> Course:
    fields = {key: data[key] for key in ("topic", "hours", "completion_rule", "summary")}
    course = services.create_course(actor=instructor, code=data["code"], title=data["title"], **fields)
    for module_title, lessons in data["modules"].items():
        module = services.add_module(course=course, title=module_title)
        for lesson in lessons:
            services.add_lesson(module=module, title=lesson.title, kind=lesson.kind, body=lesson.body,
                                url=lesson.url, estimated_minutes=lesson.minutes)
    return services.publish_course(actor=instructor, course=course)


def _assign(courses: dict[str, Course]) -> None:
    hr = User.objects.filter(username="hr").first()
    for code, unit_code, days in ASSIGNMENTS:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None or Assignment.objects.filter(course=courses[code], org_unit=unit).exists():
            continue
        services.assign_course(actor=hr, course=courses[code], org_unit=unit,
                               due_date=timezone.localdate() + timedelta(days=days))


@transaction.atomic
def _complete_earlier(username: str, course: Course, day: date) -> None:
    """A completion dated `day`: the lessons are read as a learner reads them, then the dates set back.

    In one transaction, so that the certificate, asked for on commit, carries the earlier date.
    """
    user = User.objects.filter(username=username).first()
    if user is None or Enrollment.objects.filter(user=user, course=course).exists():
        return
    enrollment = services.enroll(user=user, course=course)
    for lesson in Lesson.objects.filter(module__course=course).order_by("module__position", "position"):
        services.complete_lesson(user=user, lesson=lesson)
    completed_at = datetime.combine(day, time(15, 30), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    LessonProgress.objects.filter(enrollment=enrollment).update(completed_at=completed_at)
    Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_at=completed_at - timedelta(days=10),
                                                       completed_at=completed_at)
