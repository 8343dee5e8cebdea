"""Demo data: a class at the provincial political school and an administrative-reform conference.

`load(stdout)` is called by `manage.py load_demo` after the demo province and
people exist. Everything is found by its title or code and made only when
missing, so loading twice changes nothing. Rosters are drawn from several
units of the demo tree; when those units are not there, from whatever
learners exist.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import OrgUnit, User
from accounts.roles import Role
from courses import services as course_services
from courses.models import Course
from training import services
from training.models import AttendanceRecord, Event

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
Status = AttendanceRecord.Status

COURSE_CODE = "BK-TCT-CCHC"
CLASS_TITLE = ("Lớp bồi dưỡng kiến thức cải cách hành chính cho công chức cấp xã, "
               "Trường Chính trị tỉnh Bắc Kạn")
CONFERENCE_TITLE = "Hội nghị tuyên truyền cải cách hành chính năm 2026"
CLASS_UNITS = ["BK-BABE", "BK-CHODON", "BK-NARI"]
CONFERENCE_UNITS = ["BK-TP", "BK-BTHONG", "BK-PACNAM", "BK-SNV", "BK-VPUB", "BK-STP"]
CLASS_SESSIONS = [
    ("Chuyên đề 1: Tổng quan về cải cách hành chính nhà nước giai đoạn 2021–2030",
     datetime(2026, 10, 5, 7, 30), datetime(2026, 10, 5, 11, 0)),
    ("Chuyên đề 2: Cải cách thủ tục hành chính, cơ chế một cửa, một cửa liên thông",
     datetime(2026, 10, 6, 7, 30), datetime(2026, 10, 6, 11, 0)),
    ("Chuyên đề 3: Xây dựng chính quyền điện tử, chính quyền số ở cấp xã",
     datetime(2026, 10, 7, 7, 30), datetime(2026, 10, 7, 11, 0)),
]
CONFERENCE_SESSIONS = [
    ("Phiên buổi sáng: Quán triệt Chương trình tổng thể cải cách hành chính nhà nước",
     datetime(2026, 11, 12, 8, 0), datetime(2026, 11, 12, 11, 30)),
    ("Phiên buổi chiều: Chỉ số cải cách hành chính (PAR INDEX), SIPAS và thảo luận",
     datetime(2026, 11, 12, 14, 0), datetime(2026, 11, 12, 16, 30)),
]
# Coming up a week after the demo is loaded, whenever that is: the learners' home page shows it with its sessions.
UPCOMING_TITLE = "Hội nghị sơ kết công tác cải cách hành chính, triển khai nhiệm vụ thời gian tới"
UPCOMING_UNITS = CLASS_UNITS
UPCOMING_SESSIONS = [
    ("Phiên buổi sáng: Kết quả cải cách hành chính và chỉ số PAR INDEX của tỉnh", time(8, 0), time(11, 30)),
    ("Phiên buổi chiều: Thảo luận, giải đáp về thủ tục hành chính cấp xã", time(14, 0), time(16, 30)),
]
SPEAKERS = (
    "Báo cáo viên Vụ Cải cách hành chính, Bộ Nội vụ\n"
    "Lãnh đạo Sở Nội vụ tỉnh Bắc Kạn\n"
    "Trưởng phòng Kiểm soát thủ tục hành chính, Văn phòng UBND tỉnh Bắc Kạn"
)


@transaction.atomic
def load(stdout) -> None:
    instructor = _instructor()
    if instructor is None:
        stdout.write("Training demo skipped: there is no instructor yet.")
        return
    course = _course(instructor)
    school_class = _event(
        instructor, Event.Kind.CLASS, CLASS_TITLE, date(2026, 10, 5), date(2026, 10, 7),
        venue="Hội trường A, Trường Chính trị tỉnh Bắc Kạn", cohort="Khóa 1 năm 2026",
        school="Trường Chính trị tỉnh Bắc Kạn", courses=[course],
    )
    conference = _event(
        instructor, Event.Kind.CONFERENCE, CONFERENCE_TITLE, date(2026, 11, 12), date(2026, 11, 12),
        venue="Hội trường Ủy ban nhân dân tỉnh Bắc Kạn", speakers=SPEAKERS,
    )
    class_people = _fill(instructor, school_class, CLASS_SESSIONS, CLASS_UNITS, fallback=slice(0, 20))
    conference_people = _fill(instructor, conference, CONFERENCE_SESSIONS, CONFERENCE_UNITS, fallback=slice(20, 45))
    upcoming_people = _upcoming(instructor)
    stdout.write(f"Training demo ready: a class of {class_people}, a conference of {conference_people}"
                 f" and one coming up for {upcoming_people}.")


def _upcoming(instructor: User) -> int:
    """A conference a week from now, with its sessions and roster and, it being to come, no attendance yet."""
    day = timezone.localdate() + timedelta(days=7)
    event = _event(instructor, Event.Kind.CONFERENCE, UPCOMING_TITLE, day, day,
                   venue="Hội trường Ủy ban nhân dân tỉnh", speakers=SPEAKERS)
    if not event.sessions.exists():
        for title, starts, ends in UPCOMING_SESSIONS:
            services.add_session(actor=instructor, event=event, title=title,
                                 starts_at=datetime.combine(event.starts_on, starts, tzinfo=LOCAL),
                                 ends_at=datetime.combine(event.starts_on, ends, tzinfo=LOCAL))
    people = _people(UPCOMING_UNITS, slice(0, 20))
    services.add_to_roster(actor=instructor, event=event, user_ids=people)
    return len(people)


def _instructor() -> User | None:
    instructors = User.objects.filter(groups__name=Role.INSTRUCTOR, is_active=True)
    return (instructors.filter(username="giangvien2").first() or instructors.order_by("pk").first()
            or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first())


def _course(instructor: User) -> Course:
    """The class's reform module as a course completed by attending the class."""
    course = Course.objects.filter(code=COURSE_CODE).first()
    if course is not None:
        return course
    course = course_services.create_course(
        actor=instructor, code=COURSE_CODE, title="Cải cách hành chính nhà nước (học phần tại Trường Chính trị)",
        topic="procedures", hours=24, completion_rule=Course.CompletionRule.ATTENDANCE,
        summary="Học phần cải cách hành chính của lớp bồi dưỡng công chức cấp xã; hoàn thành khi đủ số buổi học.",
    )
    module = course_services.add_module(course=course, title="Tài liệu học phần")
    course_services.add_lesson(
        module=module, title="Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021–2030",
        body="<p>Sáu nội dung cải cách: thể chế, thủ tục hành chính, tổ chức bộ máy, công vụ, "
             "tài chính công, chính phủ điện tử và chính phủ số.</p>",
    )
    return course_services.publish_course(actor=instructor, course=course)


def _event(instructor: User, kind: str, title: str, starts_on: date, ends_on: date, **fields) -> Event:
    event = Event.objects.filter(kind=kind, title=title).first()
    if event is None:
        event = services.create_event(actor=instructor, kind=kind, title=title, starts_on=starts_on,
                                      ends_on=ends_on, **fields)
    return event


def _fill(instructor: User, event: Event, sessions: list, unit_codes: list[str], *, fallback: slice) -> int:
    """Sessions, a roster and partial attendance, each only when missing."""
    if not event.sessions.exists():
        for title, starts_at, ends_at in sessions:
            services.add_session(actor=instructor, event=event, title=title,
                                 starts_at=starts_at.replace(tzinfo=LOCAL), ends_at=ends_at.replace(tzinfo=LOCAL))
    people = _people(unit_codes, fallback)
    services.add_to_roster(actor=instructor, event=event, user_ids=people)
    for number, session in enumerate(event.sessions.order_by("starts_at")):
        if not session.attendance.exists():
            records = [(pk, _status(index, number)) for index, pk in enumerate(people)]
            services.record_attendance(actor=instructor, session=session, records=records)
    return len(people)


def _people(unit_codes: list[str], fallback: slice) -> list[int]:
    learners = User.objects.filter(groups__name=Role.LEARNER, is_active=True).order_by("username", "pk")
    paths = list(OrgUnit.objects.filter(code__in=unit_codes).values_list("path", flat=True))
    if paths:
        inside = Q(pk__in=[])
        for path in paths:
            inside |= Q(org_unit__path__startswith=path)
        return list(learners.filter(inside).values_list("pk", flat=True))
    return list(learners.values_list("pk", flat=True)[fallback])


def _status(person: int, session: int) -> str:
    """Mostly present, with a few people late, excused or absent, so that some miss the rule."""
    if person % 9 == 4 and session == 0:
        return Status.ABSENT
    if person % 7 == 3 and session == 1:
        return Status.EXCUSED
    if person % 5 == 2:
        return Status.LATE
    return Status.PRESENT
