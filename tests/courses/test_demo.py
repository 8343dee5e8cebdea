from django.core.management import call_command

from courses.models import Assignment, Course, Enrollment
from quizzes import services as quiz_services
from quizzes.models import Question, Quiz


def test_the_demo_has_published_reform_courses_assignments_and_quizzes(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    courses = Course.objects.filter(status="published")
    assert courses.count() >= 5
    assert {"procedures", "digital_government", "civil_service", "public_finance", "institutions"} <= set(
        courses.values_list("topic", flat=True))
    assert all(course.modules.filter(lessons__isnull=False).exists() for course in courses)
    assert Assignment.objects.count() == 3
    assert Enrollment.objects.filter(mandatory=True, due_date__isnull=False).count() > 10
    for quiz in Quiz.objects.all():
        types = set(Question.objects.filter(bank=quiz.bank).values_list("type", flat=True))
        assert types == {"single", "multiple", "true_false", "short_answer", "numerical", "matching", "essay"}
    diacritics = Question.objects.filter(title="Tiếng Việt không dấu")
    assert diacritics and all(question.options == {"ignore_diacritics": True} for question in diacritics)
    enrollment = Enrollment.objects.filter(course__code="CCHC-MC01").select_related("user").first()
    attempt, created = quiz_services.start_attempt(user=enrollment.user, quiz=Quiz.objects.get(course__code="CCHC-MC01"))
    assert created and len(attempt.questions) == 8
