"""`/teach/`: an instructor's courses, banks, quizzes, classes and conferences, and essays waiting."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontend.access import instructor_required


@instructor_required
@require_GET
def dashboard(request):
    return render(request, "frontend/teaching/dashboard.html", {})
