"""`/hr/reports/`: each report with its filters, downloaded at once or made in the background; my jobs.

A report is chosen by its kind (`?kind=`), then its filters. "Download now" is a GET
form to `download` (UI.md); "Make in the background" sends the same GET form to
`new_job`, which shows the request in words with a POST "Confirm" (a POST form's
CSRF token must never land in a download's address). `reports.filters` checks
every request, as it checks the API's: a bad value redisplays the form with the
field's error (400), a unit outside the officer's scope too, with 403.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework import exceptions

from accounts.models import Job
from accounts.roles import Role
from frontend.access import role_required
from frontend.hr.reports.filter_words import in_words
from frontend.hr.reports.forms import FORMAT_LABELS, DissolveForm, MergeForm, PrintForm, ReportForm
from reports import services
from reports.downloads import download_response
from reports.models import Format, Kind, ReportSchedule

RECENT_JOBS = 10
DESCRIPTIONS = {
    Kind.COMPLETION: gettext_lazy(
        "One row per enrolment of a person in a course: employee code, full name, unit, course, enrolled at, "
        "due date, status (not started, in progress, overdue, completed), completed at, quiz percent and "
        "certificate code."),
    Kind.ATTENDANCE: gettext_lazy(
        "One row per person on the roster of a class or conference: its dates and sessions, how many sessions "
        "the person was present, late, excused or absent, whether the attendance rule is met, and the "
        "certificate code."),
    Kind.HOURS: gettext_lazy(
        "One row per official: the training hours of the year by topic, the total, the hours required of them "
        "and whether the requirement is met."),
    Kind.SUMMARY: gettext_lazy(
        "One row per unit, each counting everything under it: people, enrolments, completed, overdue, "
        "completion rate and people below the hours requirement."),
}

LAST_RESULTS = {
    "sent": gettext_lazy("sent"), "empty": gettext_lazy("no rows, nothing attached"), "failed": gettext_lazy("failed"),
}

officer_required = role_required(Role.HR, Role.ADMIN, message=gettext_lazy("Only HR officers download reports."))


@officer_required
@require_GET
def report_page(request):
    kind = request.GET.get("kind")
    return render_page(request, kind=kind if kind in Kind.values else Kind.COMPLETION)


def render_page(request, *, kind: str, form: ReportForm | None = None, status: int = 200, problem: str = ""):
    """The reports page; `form` replaces the blank form of `kind` with one whose errors are shown."""
    user = request.user
    jobs = list(Job.objects.filter(owner=user, kind=services.REPORT_JOB).order_by("-created_at", "-pk")[:RECENT_JOBS])
    schedules = list(ReportSchedule.objects.filter(owner=user).order_by("pk"))
    described = in_words([job.parameters.get("filters", {}) for job in jobs] + [item.filters for item in schedules])
    for item, words in zip([*jobs, *schedules], described):
        item.filter_words = words
    for schedule in schedules:
        schedule.last_result = LAST_RESULTS.get(schedule.last_status, schedule.last_status)
    for job in jobs:
        job.report = _report_label(job.parameters.get("kind"))
        job.download_url = _download_url(job)
    is_admin = user.has_role(Role.ADMIN)
    context = {
        "kind": kind, "kinds": [(value, label, DESCRIPTIONS[value]) for value, label in Kind.choices],
        "description": DESCRIPTIONS[kind], "kind_label": Kind(kind).label,
        "form": form or ReportForm(kind=kind, user=user), "problem": problem,
        "print_form": PrintForm(user=user, auto_id="print-%s"),
        "jobs": jobs, "schedules": schedules, "is_admin": is_admin,
    }
    if is_admin:
        context.update(merge_form=MergeForm(auto_id="merge-%s"), dissolve_form=DissolveForm(auto_id="dissolve-%s"))
    return render(request, "frontend/hr/reports/page.html", context, status=status)


def refused_page(request, kind: str, data, error: exceptions.APIException):
    """The page with the form of `kind` showing what `reports.filters` or the service refused."""
    if kind not in Kind.values:
        return render_page(request, kind=Kind.COMPLETION, problem=_("Choose a report."), status=400)
    if isinstance(error.detail, dict):
        refusal = error.detail
    else:  # a unit outside the scope, or no scope at all
        refusal = {"org_unit" if data.get("org_unit") else "detail": [error.detail]}
    form = ReportForm(data, kind=kind, user=request.user, refusal=refusal)
    return render_page(request, kind=kind, form=form, status=error.status_code)


@officer_required
@require_GET
def download(request):
    """A report at once, from a GET form (UI.md): `kind`, `format` and the filters as query parameters."""
    kind = request.GET.get("kind", "")
    try:
        return download_response(request.user, kind, request.GET.get("format") or Format.CSV, request.GET)
    except exceptions.APIException as error:
        return refused_page(request, kind, request.GET, error)


@officer_required
@require_http_methods(["GET", "POST"])
def new_job(request):
    """GET: the report asked for, in words, with "Confirm"; POST: a worker makes it, and its page follows it."""
    data = request.POST if request.method == "POST" else request.GET
    kind, format = data.get("kind", ""), data.get("format") or Format.XLSX
    try:
        filters = checked_filters(request.user, kind, format, data)
        if request.method == "POST":
            with transaction.atomic():
                job = services.request_report(actor=request.user, kind=kind, format=format, raw_filters=filters)
            messages.success(request, _("The report is being made. You can leave this page: it stays in your "
                                        "recent reports."))
            return redirect("hr-report-job", pk=job.pk)
    except exceptions.APIException as error:
        return refused_page(request, kind, data, error)
    return render(request, "frontend/hr/reports/job_new.html", confirmation(kind, format, data))


def checked_filters(user, kind: str, format: str, data) -> dict:
    """The filters of `data` that the report `kind` takes, once `reports.filters` accepts them."""
    if kind not in Kind.values:
        raise exceptions.ValidationError({"kind": [_("Choose a report.")]})
    filters = ReportForm.filters_of(kind, data)
    services.check_request(user, kind, format, filters)
    return filters


def confirmation(kind: str, format: str, data) -> dict:
    """What a confirmation page says of a report, and the hidden fields that carry it."""
    filters = {key: value for key, value in ReportForm.filters_of(kind, data).items() if value}
    return {
        "kind_label": Kind(kind).label, "description": DESCRIPTIONS[kind], "format_label": FORMAT_LABELS[format],
        "filter_words": in_words([filters])[0], "carried": {"kind": kind, "format": format, **filters},
        "back_url": f"{reverse('hr-reports')}?kind={kind}",
    }


@officer_required
@require_GET
def job_page(request, pk: int):
    """One of my report jobs: its progress, then its file; anyone else's does not exist."""
    job = get_object_or_404(Job, pk=pk, owner=request.user, kind=services.REPORT_JOB)
    filters = job.parameters.get("filters", {})
    context = {
        "job": job, "report": _report_label(job.parameters.get("kind")),
        "format_label": FORMAT_LABELS.get(job.parameters.get("format"), ""),
        "filter_words": in_words([filters])[0], "download_url": _download_url(job),
    }
    return render(request, "frontend/hr/reports/job.html", context)


def _report_label(kind) -> str:
    return Kind(kind).label if kind in Kind.values else str(kind)


def _download_url(job: Job) -> str:
    return reverse("api-job-download", args=[job.pk]) if job.status == Job.Status.DONE and job.file else ""
