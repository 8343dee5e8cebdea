from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper, F
from django.shortcuts import render

from accounts.roles import Role
from accounts.scope import users_in_scope
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Enrollment
from reports import hours
from reports.queries import started_q


@login_required
def home(request):
    person = request.user
    context = {
        "roles": [Role(role).label for role in person.roles],
        "is_admin": person.has_role(Role.ADMIN),
        "is_instructor": person.has_role(Role.INSTRUCTOR),
        "enrollments": my_enrollments(person),
        "training_hours": hours.person_hours(person),
        "certificates": list(Certificate.objects.filter(holder=person).exclude(sha256="")
                             .order_by("-issued_at", "-pk")[:3]),
    }
    if person.has_role(Role.HR):
        context["is_hr"] = True
        context["hr_units"] = list(person.hr_scope.order_by("path"))
        context["people_in_scope"] = users_in_scope(person).filter(is_active=True).count()
    return render(request, "frontend/learner/home.html", context)


def my_enrollments(person) -> list[Enrollment]:
    """Unfinished courses first, the nearest due date first; one query whatever their number."""
    enrollments = (
        course_services.with_progress(Enrollment.objects.filter(user=person)).select_related("course")
        .annotate(started=ExpressionWrapper(started_q(), output_field=BooleanField()))
    )
    # "enrolled" sorts after "completed": descending puts unfinished courses first.
    return list(enrollments.order_by("-status", F("due_date").asc(nulls_last=True), "-enrolled_at"))
