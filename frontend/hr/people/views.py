"""HR's people: everyone in the officer's units, searched and filtered; a person's training record; editing a learner.

People are looked up among those of the officer's scope (everyone for an
administrator): anyone else is a 404, as in the users API. HR officers change
learners only, with the API's rules (`accounts.api.UserViewSet`), through
`accounts.services.update_user`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts import services
from accounts.models import User
from accounts.roles import Role
from accounts.scope import may_change_person, users_in_scope
from courses.models import Enrollment
from frontend.access import forbidden, role_required
from frontend.hr.people import record
from frontend.hr.people.forms import PeopleFilter, PersonForm

PER_PAGE = 25
TEMPLATES = "frontend/hr/people/"

hr_required = role_required(
    Role.HR, Role.ADMIN, message=gettext_lazy("Only HR officers manage the people of their units."))


def person_in_scope(request, pk: int) -> User:
    people = users_in_scope(request.user).select_related("org_unit").prefetch_related("groups")
    return get_object_or_404(people, pk=pk)


def with_course_figures(people):
    """Each person's mandatory courses (assigned, done) and overdue courses, in the query that lists them."""
    mandatory = Q(enrollments__mandatory=True)
    overdue = Q(enrollments__status=Enrollment.Status.ENROLLED, enrollments__due_date__lt=timezone.localdate())
    return people.annotate(
        mandatory_assigned=Count("enrollments", filter=mandatory),
        mandatory_done=Count("enrollments", filter=mandatory & Q(enrollments__status=Enrollment.Status.COMPLETED)),
        overdue=Count("enrollments", filter=overdue),
    )


@hr_required
@require_safe
def people_list(request):
    people = with_course_figures(users_in_scope(request.user).select_related("org_unit")).order_by("full_name", "pk")
    filters = PeopleFilter(request.GET, queryset=people, request=request)
    valid = filters.is_valid()
    page = Paginator(filters.qs if valid else people.none(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, TEMPLATES + "list.html", {
        "page": page, "filters": filters.form,
        "filtered": valid and any(filters.form.cleaned_data.values()),
    }, status=200 if valid else 400)


@hr_required
@require_safe
def person_record(request, pk: int):
    person = person_in_scope(request, pk)
    return render(request, TEMPLATES + "record.html", {
        "person": person, "roles": [Role(role).label for role in person.roles],
        "may_edit": may_change_person(request.user, person), "read_only_reason": _read_only_reason(request.user, person),
        "enrollments": record.enrollments_of(person), "events": record.events_of(person),
        "hours": record.hours_of(person), "certificates": record.certificates_of(request.user, person),
    })


def _read_only_reason(actor: User, person: User) -> str:
    if may_change_person(actor, person):
        return ""
    # The words of the users API's refusal.
    return _("Only an administrator can change an instructor, HR officer or administrator.")


@hr_required
@require_http_methods(["GET", "POST"])
def edit_person(request, pk: int):
    person = person_in_scope(request, pk)
    if not may_change_person(request.user, person):
        return forbidden(request, _read_only_reason(request.user, person), back_url=_record_url(person),
                         back_label=_("Back to the training record"))
    form = PersonForm(request.POST if request.method == "POST" else None, actor=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        before = person.email
        try:
            person = services.update_user(actor=request.user, user=person, **form.cleaned_data)
        except ValidationError as refused:  # the unit was merged or dissolved meanwhile
            form.add_error(None, refused)
        except IntegrityError:  # another person took the employee code meanwhile
            form.add_error("employee_code", _("Another person already has this employee code."))
        else:
            return _saved(request, person, before)
    return render(request, TEMPLATES + "edit.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)


def _saved(request, person: User, email_before: str):
    messages.success(request, _("The details of %(name)s were saved.") % {"name": person.full_name})
    if person.email != email_before and not person.email_confirmed:
        messages.info(request, _("The new e-mail address is used for password resets only once its owner "
                                 "confirms it: a link was sent to it."))
    return redirect("hr-person", pk=person.pk)


def _record_url(person: User) -> str:
    return reverse("hr-person", args=[person.pk])
