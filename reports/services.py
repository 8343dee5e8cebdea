"""Reports made for people: at once, as a background job, and on a schedule by e-mail.

A job or a schedule keeps the filters as given (ids and dates) and the asker's
language; each run checks them again against the owner's scope of that moment, so
a schedule never sends what its owner may no longer see.
"""

import logging
import os
import tempfile
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import exceptions

from accounts import audit
from accounts.models import Job, User
from accounts.queue import task
from reports import queries, writers
from reports.filters import check_format, clean_filters, filters_for
from reports.models import Format, HoursRequirement, Kind, ReportSchedule

logger = logging.getLogger(__name__)

REPORT_JOB = "report"
MAX_TRIES = 2
# Progress is written at most this often (rows), one UPDATE each.
PROGRESS_EVERY = queries.CHUNK
FILE_STEMS = {
    Kind.COMPLETION: "bao-cao-hoan-thanh",
    Kind.ATTENDANCE: "bao-cao-diem-danh",
    Kind.HOURS: "bao-cao-so-gio-boi-duong",
    Kind.SUMMARY: "bao-cao-tong-hop",
}


def file_name(kind: str, format: str) -> str:
    return f"{FILE_STEMS[kind]}-{timezone.localdate():%Y-%m-%d}.{format}"


def check_request(actor: User, kind: str, format: str, raw_filters) -> queries.Filters:
    """Everything about a report request that can be refused: 400 with the field, 403 for scope."""
    if kind not in Kind.values:
        raise exceptions.ValidationError({"kind": [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Kind.values)}]})
    check_format(kind, format)
    return filters_for(actor, raw_filters)


def write_file(kind: str, format: str, filters: queries.Filters, destination, on_rows=None) -> int:
    """The report written to the open binary file `destination`; returns its rows (units for the summary PDF)."""
    report = queries.build(kind, filters)
    if format == Format.CSV:
        rows = 0

        def counted(n):
            nonlocal rows
            rows += n
            if on_rows:
                on_rows(n)

        for piece in writers.csv_chunks(report, counted):
            destination.write(piece)
        return rows
    if format == Format.XLSX:
        # xlsxwriter writes the ZIP to a path of its own; it is copied after.
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "report.xlsx")
            rows = writers.write_xlsx(report, path, on_rows)
            with open(path, "rb") as made:
                while piece := made.read(1024 * 1024):
                    destination.write(piece)
        return rows
    pdf, units = writers.summary_pdf(filters, requested_by=filters.actor)
    destination.write(pdf)
    return units


# Jobs -----------------------------------------------------------------------------


def request_report(*, actor: User, kind: str, format: str, raw_filters) -> Job:
    """A report made by a worker, for its requester only (`/api/v1/jobs/{id}/`)."""
    filters = check_request(actor, kind, format, raw_filters)
    job = Job.objects.create(owner=actor, kind=REPORT_JOB, parameters={
        "kind": kind, "format": format, "filters": clean_filters(raw_filters),
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    })
    audit.record(actor=actor, action="report.requested", target=job,
                 changes={"kind": kind, "format": format, "org_unit": getattr(filters.org_unit, "pk", None)})
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: Job) -> None:
    try:
        task("reports.tasks.build_report").delay(job.pk)
    except Exception:
        logger.warning("Could not enqueue report job %s", job.pk, exc_info=True)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=_("The task queue is unavailable."),
                                             updated_at=timezone.now())


def run_report_job(job_id: int) -> Job:
    """Make the job's file. A failure is recorded on the job, never a file that looks complete."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    if job.status in (Job.Status.DONE, Job.Status.FAILED):
        return job
    # A report that took its worker down (memory, a kill) comes back through acks_late: twice is enough.
    tries = job.parameters.get("tries", 0) + 1
    job.parameters = {**job.parameters, "tries": tries}
    Job.objects.filter(pk=job.pk).update(parameters=job.parameters, updated_at=timezone.now())
    if tries > MAX_TRIES:
        _fail(job, _("The report stopped its worker twice; ask for a smaller one (a unit, a course, a period)."))
        job.refresh_from_db()
        return job
    params = job.parameters
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        try:
            filters = check_request(job.owner, params["kind"], params["format"], params.get("filters", {}))
            report = queries.build(params["kind"], filters)
            total = report.count()
            Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, total=total, done=0,
                                                 updated_at=timezone.now())
            done = 0

            def progress(n):
                nonlocal done
                done += n
                Job.objects.filter(pk=job.pk).update(done=min(done, total), updated_at=timezone.now())

            with tempfile.TemporaryFile() as made, queries.progress_outside_transaction():
                rows = write_file(params["kind"], params["format"], filters, made, progress)
                made.seek(0)
                job.file.save(file_name(params["kind"], params["format"]), File(made), save=False)
            params = {**params, "rows": rows}
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.DONE, file=job.file.name, done=total, parameters=params, error="",
                updated_at=timezone.now(),
            )
        except exceptions.APIException as error:
            _fail(job, describe(error))
        except Exception:
            logger.exception("Report job %s failed", job.pk)
            _fail(job, _("The report could not be made. Try again; if it fails again, tell an administrator."))
    job.refresh_from_db()
    return job


def describe(error: exceptions.APIException) -> str:
    """A DRF error as one line of text, for a job's or a schedule's record and the admin's form."""
    detail = error.detail
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {' '.join(str(m) for m in (value if isinstance(value, list) else [value]))}"
                         for key, value in detail.items())
    return str(detail)


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=message, updated_at=timezone.now())


# Schedules --------------------------------------------------------------------------


def create_schedule(*, actor: User, kind: str, format: str, raw_filters, every: str) -> ReportSchedule:
    check_request(actor, kind, format, raw_filters)
    if every not in ReportSchedule.Every.values:
        raise exceptions.ValidationError({"every": [_("Choose week or month.")]})
    schedule = ReportSchedule(
        owner=actor, kind=kind, format=format, filters=clean_filters(raw_filters), every=every,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    schedule.next_run_at = schedule.following_run(timezone.now())
    schedule.save()
    audit.record(actor=actor, action="report.scheduled", target=schedule,
                 changes={"kind": kind, "format": format, "every": every})
    return schedule


def set_schedule_active(*, actor: User, schedule: ReportSchedule, active: bool) -> ReportSchedule:
    """Pause a schedule (it sends nothing) or resume it."""
    schedule.active = active
    schedule.save(update_fields=["active"])
    audit.record(actor=actor, action="report.schedule_changed", target=schedule, changes={"active": active})
    return schedule


def delete_schedule(*, actor: User, schedule: ReportSchedule) -> None:
    audit.record(actor=actor, action="report.schedule_deleted", target=schedule,
                 changes={"kind": schedule.kind, "every": schedule.every})
    schedule.delete()


def send_due_schedules(now=None) -> int:
    """Run every active schedule whose time has come, each once, whatever number of workers run this."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            schedule = (ReportSchedule.objects.select_for_update(skip_locked=True)
                        .filter(active=True, next_run_at__lte=now).select_related("owner").order_by("next_run_at")
                        .first())
            if schedule is None:
                return sent
            if not schedule.owner.is_active:
                # Someone who left the service is sent nothing more; the schedule waits, paused.
                ReportSchedule.objects.filter(pk=schedule.pk).update(
                    active=False, last_status="failed", last_error=_("Paused: its owner's account is deactivated."),
                )
                continue
            # Claimed: the next time is set before the work, so a crash skips one run, never sends two.
            following = schedule.following_run(schedule.next_run_at)
            while following <= now:
                following = schedule.following_run(following)
            ReportSchedule.objects.filter(pk=schedule.pk).update(next_run_at=following)
        try:
            run_schedule(schedule, now)
        except Exception:  # one schedule's failure never stops the others
            logger.exception("Scheduled report %s could not be run", schedule.pk)
            ReportSchedule.objects.filter(pk=schedule.pk).update(last_run_at=now, last_status="failed")
        sent += 1


def run_schedule(schedule: ReportSchedule, now=None) -> str:
    """Make the report as a job of its owner and e-mail it: the file, or plainly why there is none."""
    now = now or timezone.now()
    owner = schedule.owner
    job = Job.objects.create(owner=owner, kind=REPORT_JOB, parameters={
        "kind": schedule.kind, "format": schedule.format, "filters": schedule.filters,
        "language": schedule.language, "schedule": schedule.pk,
    })
    job = run_report_job(job.pk)
    rows = job.parameters.get("rows", 0)
    if job.status != Job.Status.DONE:
        outcome = "failed"
    elif rows == 0:
        outcome = "empty"
    else:
        outcome = "sent"
    with translation.override(schedule.language or settings.LANGUAGE_CODE):
        context = {
            "schedule": schedule, "owner": owner, "job": job, "rows": rows, "outcome": outcome,
            "report": schedule.get_kind_display(), "site_url": settings.SITE_URL,
            "download_url": settings.SITE_URL + reverse("api-job-download", args=[job.pk]) if outcome == "sent" else "",
            "schedules_url": settings.SITE_URL + reverse("hr-reports") + "#schedules",
        }
        subject = render_to_string("reports/email/scheduled_subject.txt", context).strip()
        body = render_to_string("reports/email/scheduled.txt", context)
    message = EmailMessage(subject, body, to=[owner.email])
    attached = False
    if outcome == "sent" and job.file and job.file.size <= settings.REPORTS_ATTACH_MAX_BYTES:
        with job.file.open("rb") as made:
            message.attach(job.file.name.rsplit("/", 1)[-1], made.read(), writers.CONTENT_TYPES[schedule.format])
        attached = True
    error = job.error
    if not owner.email:
        outcome, error = "failed", _("Nothing was sent: your account has no e-mail address.")
    else:
        try:
            message.send()
        except Exception:
            logger.warning("Could not e-mail scheduled report %s", schedule.pk, exc_info=True)
            outcome, error = "failed", _("The e-mail could not be sent.")
    ReportSchedule.objects.filter(pk=schedule.pk).update(
        last_run_at=now, last_status=outcome, last_error=error, last_job=job,
    )
    audit.record(actor=None, action="report.schedule_ran", target=schedule,
                 changes={"outcome": outcome, "rows": rows, "attached": attached, "job": job.pk})
    return outcome


# Hours requirements -----------------------------------------------------------------


@transaction.atomic
def replace_requirements(*, actor: User, rows: list[dict]) -> list[HoursRequirement]:
    """The whole table of requirements, replaced at once (what `PUT /api/v1/hours-requirements/` sends)."""
    before = list(HoursRequirement.objects.values_list("year", "position", "hours"))
    HoursRequirement.objects.all().delete()
    made = HoursRequirement.objects.bulk_create(
        HoursRequirement(year=row["year"], position=row.get("position", "").strip(), hours=Decimal(row["hours"]))
        for row in rows
    )
    audit.record(actor=actor, action="report.requirements_changed", changes={
        "before": [[year, position, str(hours)] for year, position, hours in before],
        "after": [[row.year, row.position, str(row.hours)] for row in made],
    })
    return sorted(made, key=lambda row: (row.year, row.position))
