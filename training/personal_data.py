from django.db.models import Prefetch

from training.models import AttendanceRecord, RosterEntry


def export_attendance(person) -> dict:
    """The classes and conferences the person was on the roster of, with their attendance."""
    records = AttendanceRecord.objects.filter(user=person).select_related("session").order_by("session__starts_at")
    entries = (
        RosterEntry.objects.filter(user=person).select_related("event").order_by("event__starts_on", "pk")
        .prefetch_related(Prefetch("event__sessions__attendance", queryset=records))
    )
    return {
        "classes_and_conferences": [
            {
                "kind": entry.event.kind,
                "title": entry.event.title,
                "starts_on": entry.event.starts_on,
                "ends_on": entry.event.ends_on,
                "venue": entry.event.venue,
                "added_at": entry.created_at,
                "attended": entry.attended,
                "attendance": [
                    {
                        "session": record.session.title,
                        "starts_at": record.session.starts_at,
                        "status": record.status,
                        "method": record.method,
                        "recorded_at": record.recorded_at,
                    }
                    for session in entry.event.sessions.all()
                    for record in session.attendance.all()
                ],
            }
            for entry in entries
        ]
    }
