"""A session's attendance sheet: the whole roster on one page, one radio group per person, one submit.

Each person's group is named `status-<user id>`. A person left unmarked is not
recorded; what people recorded themselves (QR code, kiosk) shows beside their
name and stands until the instructor changes it. `?all=present` marks
everyone not yet recorded present, for the instructor to change the exceptions
(the page's script does the same without reloading).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from frontend.access import error_text, instructor_required
from frontend.teaching.events.views import taught_session
from training import services
from training.models import AttendanceRecord, RosterEntry, Session

Status = AttendanceRecord.Status


@dataclass
class Row:
    entry: RosterEntry
    record: AttendanceRecord | None
    chosen: str
    error: str = ""

    @property
    def name(self) -> str:
        return f"status-{self.entry.user_id}"


@instructor_required
@require_http_methods(["GET", "POST"])
def attendance_sheet(request, pk: int):
    session = taught_session(request, pk)
    entries, records = services.attendance_sheet(session)
    if request.method == "POST":
        return save(request, session, entries, records)
    everyone_present = request.GET.get("all") == Status.PRESENT
    rows = [Row(entry, records.get(entry.user_id),
                _recorded(records.get(entry.user_id)) or (Status.PRESENT if everyone_present else ""))
            for entry in entries]
    return render_sheet(request, session, rows)


def save(request, session: Session, entries: list[RosterEntry], records: dict):
    rows = [Row(entry, records.get(entry.user_id), request.POST.get(f"status-{entry.user_id}", "")) for entry in entries]
    for row in rows:
        if row.chosen and row.chosen not in Status.values:
            row.error = _("Choose one of the statuses.")
            row.chosen = ""
    errors = [row for row in rows if row.error]
    if errors:
        return render_sheet(request, session, rows, status=400)
    chosen = [(row.entry.user_id, row.chosen) for row in rows if row.chosen]
    try:
        recorded, changed = services.record_attendance(actor=request.user, session=session, records=chosen)
    except ValidationError as error:
        return render_sheet(request, session, rows, status=400, problem=error_text(error))
    messages.success(request, ngettext("Saved the attendance: %(changed)s change.",
                                       "Saved the attendance: %(changed)s changes.", changed) % {"changed": changed})
    return redirect("teach-session-attendance", pk=session.pk)


def _recorded(record: AttendanceRecord | None) -> str:
    return record.status if record is not None else ""


def render_sheet(request, session: Session, rows: list[Row], *, status: int = 200, problem: str = ""):
    counts = {value: sum(1 for row in rows if row.record and row.record.status == value) for value in Status.values}
    context = {
        "session": session, "event": session.event, "rows": rows, "statuses": Status.choices,
        "counts": [(label, counts[value]) for value, label in Status.choices],
        "unmarked": sum(1 for row in rows if row.record is None),
        "problem": problem,
        "summary": [(f"#{row.name}", f"{row.entry.user.full_name}: {row.error}") for row in rows if row.error],
    }
    return render(request, "frontend/teaching/events/attendance.html", context, status=status)
