from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services as course_services
from courses.models import Enrollment, Lesson, LessonProgress
from quizzes.models import Attempt
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.quizzes.conftest import make_quiz
from tests.training.conftest import make_event
from training import services as training_services
from training.models import AttendanceRecord


@pytest.fixture
def instructor(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def scene(province, instructor, learner, outsider, hr_babe, django_capture_on_commit_callbacks):
    """Ba Bể's learners in every state, and one learner of Chợ Đồn outside the HR officer's scope.

    - learner (Nông Văn Học, BABE-TG): completed the procedures course (4 h) with a
      certificate, quiz grades 40 then 90 (highest 90); attended a conference of 2 h
      (digital government); mandatory digital course overdue;
    - formula (a name that starts with "="): in progress on the digital course, due later;
    - idle (BABE): enrolled in the procedures course, not started;
    - outsider (CHODON-BL): completed the procedures course.
    """
    procedures = build_course(instructor, code="CCHC-01", lessons=2, hours=4, topic="procedures")
    digital = build_course(instructor, code="CDS-01", lessons=1, hours=3, topic="digital_government",
                           title="Chính quyền số")
    formula = UserFactory(username="congthuc", full_name='=HYPERLINK("http://x.test","Bấm")',
                          org_unit=unit("BABE-TG"), roles=["learner"])
    idle = UserFactory(username="chuabatdau", full_name="Bế Thị Chưa", org_unit=unit("BABE"), roles=["learner"],
                       position="Chủ tịch UBND xã")
    lessons = list(Lesson.objects.filter(module__course=procedures))
    with django_capture_on_commit_callbacks(execute=True):
        for person in (learner, outsider, idle):
            course_services.enroll(user=person, course=procedures)
        for person in (learner, outsider):
            for lesson in lessons:
                course_services.complete_lesson(user=person, lesson=lesson)
    quiz = make_quiz(procedures, _bank(procedures, instructor), counts_for_completion=False)
    for number, percent in ((1, 40), (2, 90)):
        Attempt.objects.create(quiz=quiz, user=learner, number=number, status=Attempt.Status.SCORED, percent=percent,
                               deadline=timezone.now(), cycle=1)
    overdue = Enrollment.objects.create(user=learner, course=digital, mandatory=True,
                                        due_date=timezone.localdate() - timedelta(days=3))
    started = Enrollment.objects.create(user=formula, course=digital, mandatory=True,
                                        due_date=timezone.localdate() + timedelta(days=30))
    LessonProgress.objects.create(enrollment=started, lesson=Lesson.objects.get(module__course=digital))
    conference = make_event(instructor, sessions=2, topic="digital_government", hours=2)
    training_services.add_to_roster(actor=instructor, event=conference, user_ids=[learner.pk, formula.pk])
    first, second = conference.sessions.all()
    status = AttendanceRecord.Status
    with django_capture_on_commit_callbacks(execute=True):
        training_services.record_attendance(actor=instructor, session=first,
                                            records=[(learner.pk, status.PRESENT), (formula.pk, status.ABSENT)])
        training_services.record_attendance(actor=instructor, session=second, records=[(learner.pk, status.LATE)])
    return {
        "procedures": procedures, "digital": digital, "learner": learner, "formula": formula, "idle": idle,
        "outsider": outsider, "conference": conference, "quiz": quiz, "overdue": overdue, "hr": hr_babe,
        "year": timezone.localdate().year,
    }


def _bank(course, instructor):
    from quizzes import services

    return services.create_bank(actor=instructor, name="Ngân hàng", course=course)
