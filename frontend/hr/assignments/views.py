"""`/hr/assignments/`: courses HR made mandatory for their units; assigning one, its due date, reminders.

Assigning is two steps: the form, then a preview that says how many people it
will enrol, with "Xác nhận" to do it (the preview reads and changes nothing).
An officer sees the assignments to the units of their scope, and in their
figures and lists only the people of their scope (a person who moved to another
district keeps the enrolment, but is no longer theirs to see). Every page is a
fixed number of queries: the figures are counted in the query that lists the rows.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from accounts.scope import scope_q
from courses import services
from courses.access import visible_assignments
from courses.models import Enrollment
from frontend.access import add_errors, error_text, role_required
from frontend.hr.assignments.forms import AssignForm, AssignmentFilterForm, DueDateForm
from reports.queries import COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE, STATUS_LABELS, status_case

ASSIGNMENTS_PER_PAGE = 20
PEOPLE_PER_PAGE = 50
TEMPLATES = "frontend/hr/assignments/"

hr_required = role_required(Role.HR, Role.ADMIN,
                            message=gettext_lazy("Only HR officers assign mandatory courses."))


# Reading ------------------------------------------------------------------------------------------


def assignments_of(actor):
    """The actor's assignments with their figures; running ones first (soonest due first), then past ones (latest
    first): what needs chasing now comes before what is over, and the list does not fill up with old years."""
    today = timezone.localdate()
    mine = scope_q(actor, "enrollments__user__org_unit__path")
    past = Q(due_date__lt=today)
    return (
        visible_assignments(actor).select_related("course", "org_unit")
        .annotate(
            enrolled=Count("enrollments", filter=mine),
            completed=Count("enrollments", filter=mine & Q(enrollments__status=Enrollment.Status.COMPLETED)),
            overdue=Count("enrollments", filter=mine & Q(enrollments__status=Enrollment.Status.ENROLLED,
                                                         enrollments__due_date__lt=today)),
            past=Case(When(past, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .order_by("past", Case(When(past, then=None), default="due_date"), "-due_date", "course__title", "pk")
    )


def with_rates(assignments):
    """Each assignment's completion rate: a percentage with one decimal (None without enrolments), and whole for
    the bar; and when its next reminder may be sent, if not now."""
    for assignment in assignments:
        enrolled, completed = assignment.enrolled, assignment.completed
        assignment.rate = (Decimal(100 * completed) / enrolled).quantize(Decimal("0.1")) if enrolled else None
        assignment.percent = 100 * completed // enrolled if enrolled else 0
        assignment.next_reminder_at = next_reminder_at(assignment)
    return assignments


def next_reminder_at(assignment):
    """When the next reminder may be sent, if not now (the service allows one a day)."""
    if assignment.reminded_at is None:
        return None
    allowed = assignment.reminded_at + services.REMINDER_INTERVAL
    return allowed if allowed > timezone.now() else None


def assignment_or_404(request, pk: int):
    """The assignment with its figures, if it is to a unit of the caller's scope; to anyone else it does not exist."""
    return with_rates([get_object_or_404(assignments_of(request.user), pk=pk)])[0]


def people_of(actor, assignment):
    """The people enrolled through the assignment (of the actor's scope): overdue first, then by name."""
    rank = Case(*(When(person_status=value, then=Value(number))
                  for number, value in enumerate((OVERDUE, NOT_STARTED, IN_PROGRESS, COMPLETED))),
                output_field=IntegerField())
    return (
        services.with_progress(Enrollment.objects.filter(scope_q(actor, "user__org_unit__path"), assignment=assignment))
        .select_related("user", "user__org_unit")
        .annotate(person_status=status_case(timezone.localdate())).annotate(rank=rank)
        .order_by("rank", "due_date", "user__full_name", "pk")
    )


@hr_required
@require_GET
def assignment_list(request):
    filters = AssignmentFilterForm(request.GET or None, actor=request.user)
    assignments = assignments_of(request.user)
    if filters.is_bound and filters.is_valid():
        assignments = filters.filter(assignments)
    page = Paginator(assignments, ASSIGNMENTS_PER_PAGE).get_page(request.GET.get("page"))
    with_rates(page.object_list)
    query = {key: request.GET[key] for key in ("course", "org_unit") if request.GET.get(key)}
    context = {"filters": filters, "page": page, "query": urlencode(query), "today": timezone.localdate()}
    return render(request, TEMPLATES + "list.html", context, status=400 if filters.errors else 200)


@hr_required
@require_GET
def assignment_detail(request, pk: int):
    return render_detail(request, assignment_or_404(request, pk))


def render_detail(request, assignment, *, due_form=None, problem: str = ""):
    """The assignment's page; a refused change of its due date or reminder shows here, with status 400."""
    people = Paginator(people_of(request.user, assignment), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    for enrollment in people.object_list:
        enrollment.status_label = STATUS_LABELS[enrollment.person_status]
    context = {
        "assignment": assignment, "people": people, "problem": problem,
        "due_form": due_form or DueDateForm(initial={"due_date": assignment.due_date}),
    }
    failed = problem or (due_form is not None and due_form.errors)
    return render(request, TEMPLATES + "detail.html", context, status=400 if failed else 200)


# Assigning --------------------------------------------------------------------------------------------


@hr_required
@require_http_methods(["GET", "POST"])
def new_assignment(request):
    """GET: the form (filled in again from the query when coming back from the preview); POST: the preview."""
    if request.method == "GET":
        initial = {key: request.GET[key] for key in ("course", "org_unit", "due_date") if request.GET.get(key)}
        return render(request, TEMPLATES + "new.html", {"form": AssignForm(initial=initial, actor=request.user)})
    form = AssignForm(request.POST, actor=request.user)
    if not form.is_valid():
        return render(request, TEMPLATES + "new.html", {"form": form}, status=400)
    data = form.cleaned_data
    preview = services.assignment_preview(course=data["course"], org_unit=data["org_unit"])
    context = {
        "form": form, **data, "preview": preview,
        "ancestors": list(data["org_unit"].get_ancestors()),
        "change_url": reverse("hr-assignment-new") + "?" + urlencode(
            {"course": data["course"].pk, "org_unit": data["org_unit"].pk, "due_date": data["due_date"].isoformat()}),
    }
    return render(request, TEMPLATES + "preview.html", context)


@hr_required
@require_POST
def confirm_assignment(request):
    """Assign the course: everything is checked again, as the preview may have been left open for a while."""
    form = AssignForm(request.POST, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            enrolled = services.assign_course(actor=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, ngettext(
                "Assigned “%(course)s” to %(unit)s, due by %(date)s: %(count)s person newly enrolled.",
                "Assigned “%(course)s” to %(unit)s, due by %(date)s: %(count)s people newly enrolled.", enrolled,
            ) % {"course": data["course"].title, "unit": data["org_unit"].name, "count": enrolled,
                 "date": formats.date_format(data["due_date"], "d/m/Y")})
            return redirect(reverse("hr-assignments") + "?" + urlencode({"course": data["course"].pk}))
    return render(request, TEMPLATES + "new.html", {"form": form}, status=400)



# Changing one -------------------------------------------------------------------------------------------


@hr_required
@require_POST
def change_due_date(request, pk: int):
    assignment = assignment_or_404(request, pk)
    form = DueDateForm(request.POST)
    if form.is_valid():
        try:
            moved = services.change_due_date(actor=request.user, assignment=assignment, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, ngettext(
                "The due date is now %(date)s, for %(count)s person who has not completed the course.",
                "The due date is now %(date)s, for %(count)s people who have not completed the course.", moved,
            ) % {"date": formats.date_format(assignment.due_date, "d/m/Y"), "count": moved})
            return redirect("hr-assignment", pk=assignment.pk)
    return render_detail(request, assignment, due_form=form)


@hr_required
@require_POST
def remind(request, pk: int):
    """Remind the people who have not completed it; back to the list or to the assignment, where it was asked."""
    assignment = assignment_or_404(request, pk)
    try:
        reminded = services.remind_assignment(actor=request.user, assignment=assignment)
    except ValidationError as error:
        return render_detail(request, assignment, problem=error_text(error))
    if reminded:
        messages.success(request, ngettext("Sent a reminder to %(count)s person.",
                                           "Sent a reminder to %(count)s people.", reminded) % {"count": reminded})
    else:
        messages.info(request, _("Everyone has completed the course: nobody to remind."))
    if request.POST.get("back") == "list":
        return redirect("hr-assignments")
    return redirect("hr-assignment", pk=assignment.pk)
