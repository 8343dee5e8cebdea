"""Instructors grade essays: every answer waiting for a grade in the courses they teach, one form each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role
from courses.access import taught_courses, teaches
from frontend.access import error_text, forbidden
from frontend.questions import answer_text, question_html
from frontend.teaching.grading.forms import GradeForm
from quizzes import services
from quizzes.models import Attempt, Response

RESPONSES_PER_PAGE = 20


def waiting_responses(user):
    """Answers without points in attempts waiting for grading, oldest submission first."""
    return (
        Response.objects.filter(points__isnull=True, attempt__status=Attempt.Status.NEEDS_GRADING,
                                attempt__quiz__course__in=taught_courses(user))
        .select_related("attempt__quiz__course", "attempt__user").order_by("attempt__submitted_at", "attempt_id",
                                                                             "position")
    )


@login_required
@require_GET
def grading_page(request):
    if not request.user.has_role(Role.INSTRUCTOR, Role.ADMIN):
        return forbidden(request, _("Only instructors grade essays."), back_url=reverse("home"))
    page = Paginator(waiting_responses(request.user), RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    items = [grading_item(response) for response in page]
    return render(request, "frontend/teaching/grading/grading.html", {"page": page, "items": items})


def grading_item(response: Response) -> dict:
    question = response.attempt.questions[response.position]
    return {
        "response": response, "attempt": response.attempt, "html": question_html(question),
        "answer": answer_text(question, response.answer),
        "form": GradeForm(prefix=f"r{response.pk}", max_points=response.max_points),
    }


@login_required
@require_POST
def grade(request, pk: int):
    response = get_object_or_404(Response.objects.select_related("attempt__quiz__course", "attempt__user"), pk=pk)
    if not teaches(request.user, response.attempt.quiz.course):
        raise Http404
    form = GradeForm(request.POST, prefix=f"r{response.pk}", max_points=response.max_points)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(f"{reverse('grading')}#response-{response.pk}")
    try:
        services.grade_response(actor=request.user, response=response, **form.cleaned_data)
    except services.QuizError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Graded the answer of %(learner)s.") % {
            "learner": response.attempt.user.full_name or response.attempt.user.username})
    return redirect("grading")
