from courses.models import Enrollment


def export_learning(person) -> dict:
    """The person's enrolments, lessons done and training hours, for their personal-data download."""
    enrollments = Enrollment.objects.filter(user=person).select_related("course").prefetch_related(
        "lesson_progress__lesson"
    )
    return {
        "enrollments": [
            {
                "course": enrollment.course.code,
                "title": enrollment.course.title,
                "status": enrollment.status,
                "mandatory": enrollment.mandatory,
                "due_date": enrollment.due_date,
                "enrolled_at": enrollment.enrolled_at,
                "completed_at": enrollment.completed_at,
                "credited_hours": enrollment.credited_hours,
                "lessons_done": [
                    {"lesson": progress.lesson.title, "completed_at": progress.completed_at}
                    for progress in enrollment.lesson_progress.all()
                ],
            }
            for enrollment in enrollments
        ]
    }
