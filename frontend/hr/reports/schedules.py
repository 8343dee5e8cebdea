"""Reports e-mailed to their owner every week or month: create one from the report form, pause, resume, delete.

Each officer sees and changes only their own schedules; anyone else's does not exist (404).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework import exceptions

from frontend.hr.reports.filter_words import in_words
from frontend.hr.reports.forms import FORMAT_LABELS, ScheduleForm
from frontend.hr.reports.views import checked_filters, confirmation, officer_required, refused_page
from reports import services
from reports.models import Format, ReportSchedule

SCHEDULES = "#schedules"


def own_schedule(request, pk: int) -> ReportSchedule:
    return get_object_or_404(ReportSchedule, pk=pk, owner=request.user)


@officer_required
@require_http_methods(["GET", "POST"])
def new_schedule(request):
    """GET: the report chosen on the reports page, in words, and how often to send it; POST: saved."""
    data = request.POST if request.method == "POST" else request.GET
    kind, format = data.get("kind", ""), data.get("format") or Format.XLSX
    form = ScheduleForm(request.POST if request.method == "POST" else None)
    try:
        filters = checked_filters(request.user, kind, format, data)
        if request.method == "POST" and form.is_valid():
            schedule = services.create_schedule(actor=request.user, kind=kind, format=format, raw_filters=filters,
                                                every=form.cleaned_data["every"])
            messages.success(request, _("Saved: “%(report)s” will be e-mailed to you %(every)s.")
                             % {"report": schedule.get_kind_display(),
                                "every": schedule.get_every_display().lower()})
            return redirect(reverse("hr-reports") + SCHEDULES)
    except exceptions.APIException as error:
        return refused_page(request, kind, data, error)
    context = {**confirmation(kind, format, data), "form": form}
    return render(request, "frontend/hr/reports/schedule_new.html", context, status=400 if form.errors else 200)


@officer_required
@require_POST
def pause_schedule(request, pk: int):
    schedule = services.set_schedule_active(actor=request.user, schedule=own_schedule(request, pk), active=False)
    messages.success(request, _("Paused “%(report)s”: nothing is sent until you resume it.")
                     % {"report": schedule.get_kind_display()})
    return redirect(reverse("hr-reports") + SCHEDULES)


@officer_required
@require_POST
def resume_schedule(request, pk: int):
    schedule = services.set_schedule_active(actor=request.user, schedule=own_schedule(request, pk), active=True)
    messages.success(request, _("Resumed “%(report)s”.") % {"report": schedule.get_kind_display()})
    return redirect(reverse("hr-reports") + SCHEDULES)


@officer_required
@require_http_methods(["GET", "POST"])
def delete_schedule(request, pk: int):
    """GET asks to confirm; POST deletes. The files already sent stay in the owner's mailbox and jobs."""
    schedule = own_schedule(request, pk)
    if request.method == "POST":
        services.delete_schedule(actor=request.user, schedule=schedule)
        messages.success(request, _("Deleted the schedule of “%(report)s”.") % {"report": schedule.get_kind_display()})
        return redirect(reverse("hr-reports") + SCHEDULES)
    context = {"schedule": schedule, "filter_words": in_words([schedule.filters])[0],
               "format_label": FORMAT_LABELS.get(schedule.format, schedule.format)}
    return render(request, "frontend/hr/reports/schedule_delete.html", context)
