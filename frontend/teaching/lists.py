"""The workspace's lists beyond what `/teach/` shows: every class and conference, quiz and bank of mine.

The queries are shared with `/teach/`, which shows the first rows of each;
each row carries its figures, so a page is a fixed number of queries.
"""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from courses.access import taught_courses
from frontend.access import instructor_required
from quizzes.models import Attempt, Question, QuestionBank, Quiz
from training.access import taught_events
from training.models import RosterEntry, Session

PER_PAGE = 20


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))


def events_of(person):
    """Classes and conferences still to come or under way first (soonest first), then the past (latest first)."""
    today = timezone.localdate()
    next_session = (Session.objects.filter(event=OuterRef("pk"), ends_at__gte=timezone.now())
                    .order_by("starts_at").values("starts_at")[:1])
    return (
        taught_events(person)
        .annotate(people=_count(RosterEntry), sessions_count=_count(Session), next_session_at=Subquery(next_session),
                  past=Case(When(ends_on__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("past", Case(When(ends_on__lt=today, then=None), default="starts_on"), "-ends_on", "pk")
    )


def _count(model):
    """The rows of `model` that belong to the event, as a subquery (two joins would multiply each other)."""
    rows = model.objects.filter(event=OuterRef("pk")).order_by().values("event").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def quizzes_of(person):
    handed_in = Count("attempts", filter=~Q(attempts__status=Attempt.Status.IN_PROGRESS))
    return (Quiz.objects.filter(course__in=taught_courses(person)).select_related("course")
            .annotate(attempts_handed_in=handed_in).order_by("-updated_at", "pk"))


def banks_of(person):
    questions = Question.objects.filter(bank=OuterRef("pk")).order_by().values("bank").annotate(n=Count("pk")).values("n")
    return (QuestionBank.objects.filter(course__in=taught_courses(person)).select_related("course")
            .annotate(question_count=Coalesce(Subquery(questions), 0)).order_by("-updated_at", "pk"))


@instructor_required
@require_GET
def events(request):
    return _list(request, events_of(request.user), "title", {
        "heading": _("My classes and conferences"), "new_url": "teach-event-new",
        "new_label": _("New class or conference"), "no_match": _("No class or conference matches."),
        "items": "frontend/teaching/lists/event_items.html",
    })


@instructor_required
@require_GET
def quizzes(request):
    return _list(request, quizzes_of(request.user), "title", {
        "heading": _("My quizzes"), "new_url": "teach-quiz-new", "new_label": _("New quiz"),
        "no_match": _("No quiz matches."), "items": "frontend/teaching/lists/quiz_items.html",
    })


@instructor_required
@require_GET
def banks(request):
    return _list(request, banks_of(request.user), "name", {
        "heading": _("My question banks"), "new_url": "teach-bank-new", "new_label": _("New question bank"),
        "no_match": _("No question bank matches."), "items": "frontend/teaching/lists/bank_items.html",
    })


def _list(request, rows, name_field: str, context: dict):
    search = SearchForm(request.GET)
    if search.is_valid() and search.cleaned_data["q"]:
        rows = rows.filter(**{f"{name_field}__icontains": search.cleaned_data["q"]})
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/teaching/lists/list.html", {**context, "page": page, "filters": search})
