"""What people do with classes and conferences: plan them, fill rosters, take attendance, check in.

Every change of attendance, whatever its path (an instructor's list, a kiosk, a
learner's check-in, a session added or removed, a new rule), ends in
`refresh_attendance`, which decides the attendance rule for the people
concerned with one aggregate query and tells the linked courses only about
the people whose result changed.

Those people are passed on to the linked courses in the same transaction, a
few statements per chunk of people whatever the size of the roster, so their
courses are completed by the request itself.

People check themselves in (QR code, typed code or kiosk) only while check-in
is open, from `CHECKIN_OPENS_BEFORE_MINUTES` before a session starts until it
ends, and never over a record already there: what an instructor recorded stands.
Wrong typed short codes are limited per person (`TYPED_CODE_TRIES`).
"""

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import audit
from accounts.models import OrgUnit, User
from accounts.scope import scope_paths
from certificates import services as certificate_services
from config.throttling import count_in_window
from courses import services as course_services
from courses.models import Course
from training import checkin
from training.access import teaches
from training.models import AttendanceRecord, Event, RosterEntry, Session

EVENT_FIELDS = ("title", "starts_on", "ends_on", "venue", "cohort", "school", "speakers", "materials_url",
                "attendance_percent", "certificate_template", "topic", "hours")
SESSION_FIELDS = ("title", "starts_at", "ends_at")
Status = AttendanceRecord.Status
Method = AttendanceRecord.Method
# Rows per `__in` lookup and per UPDATE, below SQLite's 999 parameters.
CHUNK = 900
# A million short codes are few: each person may type `TYPED_CODE_TRIES` wrong ones per window.
TYPED_CODE_TRIES = 5
TYPED_CODE_WINDOW_SECONDS = 5 * 60
# A short code typed this long before check-in opens or after it closes is told so, not refused as wrong.
TYPED_CODE_NEAR = timedelta(hours=1)


# Classes and conferences ---------------------------------------------------


@transaction.atomic
def create_event(
    *, actor: User, kind: str, title: str, starts_on: date, ends_on: date, courses: Iterable[Course] = (),
    instructors: Iterable[User] = (), **fields,
) -> Event:
    """A class or conference; its creator is its first instructor."""
    event = Event(kind=kind, title=title, starts_on=starts_on, ends_on=ends_on, created_by=actor,
                  **_only(fields, EVENT_FIELDS))
    check_event(event)
    event.save()
    event.instructors.add(actor, *instructors)
    event.courses.set(courses)
    audit.record(actor=actor, action="event.created", target=event,
                 changes={"kind": kind, "title": title, "courses": sorted(course.pk for course in courses)})
    return event


@transaction.atomic
def update_event(
    *, actor: User, event: Event, courses: Iterable[Course] | None = None,
    instructors: Iterable[User] | None = None, **fields,
) -> Event:
    """Change a class or conference. A new rule or new linked courses are applied to the roster at once."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    changes = {}
    for field, value in _only(fields, EVENT_FIELDS).items():
        if getattr(event, field) != value:
            changes[field] = [str(getattr(event, field)), str(value)]
            setattr(event, field, value)
    check_event(event)
    event.save()
    if instructors is not None:
        event.instructors.set(instructors)
        changes["instructors"] = sorted(person.pk for person in instructors)
    new_courses = []
    if courses is not None:
        before = set(event.courses.values_list("pk", flat=True))
        event.courses.set(courses)
        new_courses = [course for course in courses if course.pk not in before]
        changes["courses"] = sorted(course.pk for course in courses)
    if changes:
        audit.record(actor=actor, action="event.changed", target=event, changes=changes)
    if new_courses:
        _link_courses(actor, event, new_courses)
    if "attendance_percent" in changes:
        refresh_attendance(event=event)
    return event


# Dates outside these are typing mistakes; before 1906 the province's clock was not UTC+7 either.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def check_event(event: Event) -> None:
    """What every class or conference must be; the admin's form asks it before saving, too."""
    for field in ("starts_on", "ends_on"):
        if not EARLIEST <= getattr(event, field) <= LATEST:
            raise ValidationError({field: [_("Give a date from 2000 to 2100.")]})
    if event.ends_on < event.starts_on:
        raise ValidationError({"ends_on": [_("The end date is before the start date.")]})
    if not 1 <= event.attendance_percent <= 100:
        raise ValidationError({"attendance_percent": [_("Give a percentage from 1 to 100.")]})
    if event.pk is not None:
        _check_sessions_within(event)


def _check_sessions_within(event: Event) -> None:
    """New dates must still hold every session (as `check_session` asks of each one)."""
    bounds = Session.objects.filter(event=event).aggregate(first=Min("starts_at"), last=Max("ends_at"))
    if bounds["first"] is not None and timezone.localdate(bounds["first"]) < event.starts_on:
        raise ValidationError({"starts_on": [_("A session starts before this date: move or delete it first.")]})
    if bounds["last"] is not None and timezone.localdate(bounds["last"]) > event.ends_on:
        raise ValidationError({"ends_on": [_("A session ends after this date: move or delete it first.")]})


def _link_courses(actor: User, event: Event, courses: list[Course]) -> None:
    """Enrol the roster in newly linked courses and pass on the results already known."""
    user_ids = list(RosterEntry.objects.filter(event=event).values_list("user_id", flat=True))
    if not user_ids:
        return
    for course in courses:
        course_services.enroll_people(actor=actor, course=course, users=[User(pk=pk) for pk in user_ids])
    attended = list(RosterEntry.objects.filter(event=event, attended=True).values_list("user_id", flat=True))
    _pass_on(sorted(attended), [course.pk for course in courses])


# Sessions -------------------------------------------------------------------


@transaction.atomic
def add_session(*, actor: User, event: Event, title: str, starts_at: datetime, ends_at: datetime) -> Session:
    """A session; everyone's attendance share changes with the number of sessions."""
    session = Session(event=event, title=title, starts_at=starts_at, ends_at=ends_at)
    check_session(session)
    session.save()
    audit.record(actor=actor, action="session.created", target=session,
                 changes={"event": event.pk, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()})
    refresh_attendance(event=event)
    return session


@transaction.atomic
def update_session(*, actor: User, session: Session, **fields) -> Session:
    # Read again: the caller's copy may hold the new values already (an admin form's does).
    session = Session.objects.select_for_update().select_related("event").get(pk=session.pk)
    changes = {}
    for field, value in _only(fields, SESSION_FIELDS).items():
        if getattr(session, field) != value:
            changes[field] = [str(getattr(session, field)), str(value)]
            setattr(session, field, value)
    check_session(session)
    if changes:
        session.save()
        audit.record(actor=actor, action="session.changed", target=session, changes=changes)
    return session


@transaction.atomic
def delete_session(*, actor: User, session: Session) -> None:
    """Remove a session and its attendance; everyone's attendance share is decided again."""
    event = session.event
    audit.record(actor=actor, action="session.deleted", target=session,
                 changes={"event": event.pk, "records": session.attendance.count()})
    session.delete()
    refresh_attendance(event=event)


def check_session(session: Session) -> None:
    """What every session must be; the admin's forms ask it before saving, too."""
    event = session.event
    for field in ("starts_at", "ends_at"):
        day = timezone.localdate(getattr(session, field))
        if not event.starts_on <= day <= event.ends_on:
            message = _("The session must take place from %(start)s to %(end)s, the dates of its class or conference.")
            raise ValidationError({field: [message % {"start": event.starts_on.strftime("%d/%m/%Y"),
                                                      "end": event.ends_on.strftime("%d/%m/%Y")}]})
    if session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": [_("The session must end after it starts.")]})


# Roster -----------------------------------------------------------------------


@transaction.atomic
def add_to_roster(
    *, actor: User, event: Event, user_ids: Iterable[int], source: str = RosterEntry.Source.PERSON
) -> tuple[int, int]:
    """Put people on the roster and enrol them in the linked courses; returns (added, already there)."""
    wanted = set(user_ids)
    existing = set(RosterEntry.objects.filter(event=event).values_list("user_id", flat=True))
    new_ids = sorted(wanted - existing)
    RosterEntry.objects.bulk_create(
        [RosterEntry(event=event, user_id=pk, source=source, added_by=actor) for pk in new_ids],
        batch_size=1000, ignore_conflicts=True,
    )
    if new_ids:
        audit.record(actor=actor, action="roster.added", target=event,
                     changes={"source": source, "users": new_ids})
        for course in event.courses.all():
            course_services.enroll_people(actor=actor, course=course, users=[User(pk=pk) for pk in new_ids])
    return len(new_ids), len(wanted & existing)


@transaction.atomic
def remove_from_roster(*, actor: User, event: Event, user_ids: Iterable[int]) -> int:
    """Take people off the roster; returns how many were on it.

    Their attendance records stay, so that putting them back restores their
    attendance; what they already earned (a completed course, a certificate) stays too.
    """
    ids = sorted(set(user_ids))
    removed = []
    for start in range(0, len(ids), CHUNK):
        entries = RosterEntry.objects.filter(event=event, user_id__in=ids[start:start + CHUNK])
        removed += entries.values_list("user_id", flat=True)
        entries.delete()
    if removed:
        audit.record(actor=actor, action="roster.removed", target=event, changes={"users": sorted(removed)})
    return len(removed)


def people_of_unit(unit: OrgUnit) -> QuerySet[User]:
    """The active people of a unit and every unit under it."""
    return User.objects.filter(unit.subtree_q("org_unit__path"), is_active=True)


def people_outside_scope(actor: User, event: Event, user_ids: Iterable[int]) -> list[int]:
    """Those of `user_ids` the actor may not put on this roster.

    The event's instructors and administrators may add anyone; HR officers only
    the people of their scope.
    """
    paths = scope_paths(actor)
    if paths is None or teaches(actor, event):
        return []
    inside = Q(pk__in=[])
    for path in paths:
        inside |= Q(org_unit__path__startswith=path)
    ids = sorted(set(user_ids))
    found = set()
    for start in range(0, len(ids), CHUNK):
        found.update(User.objects.filter(inside, pk__in=ids[start:start + CHUNK]).values_list("pk", flat=True))
    return sorted(set(ids) - found)


# Attendance -------------------------------------------------------------------


@transaction.atomic
def record_attendance(*, actor: User, session: Session, records: list[tuple[int, str]]) -> tuple[int, int]:
    """An instructor records attendance for one person or the whole roster; returns (recorded, changed).

    Recording what is already recorded changes nothing and is not logged again.
    """
    _check_records(session, records)
    before = dict(AttendanceRecord.objects.filter(session=session).values_list("user_id", "status"))
    changed = [(user_id, status) for user_id, status in records if before.get(user_id) != status]
    if changed:
        _save_records(session, changed, method=Method.MANUAL, actor=actor)
        audit.record(
            actor=actor, action="attendance.recorded", target=session,
            changes={"records": {str(pk): [before.get(pk), status] for pk, status in changed}},
        )
        refresh_attendance(event=session.event, user_ids=[user_id for user_id, _status in changed])
    return len(records), len(changed)


def _check_records(session: Session, records: list[tuple[int, str]]) -> None:
    user_ids = [user_id for user_id, _status in records]
    if len(set(user_ids)) != len(user_ids):
        raise ValidationError({"records": [_("Each person may appear only once.")]})
    if any(status not in Status.values for _user_id, status in records):
        raise ValidationError({"records": [_("Unknown attendance status.")]})
    rostered = set(RosterEntry.objects.filter(event_id=session.event_id).values_list("user_id", flat=True))
    missing = sorted(set(user_ids) - rostered)
    if missing:
        message = ngettext(
            "This person is not on the roster: %(ids)s.", "These people are not on the roster: %(ids)s.", len(missing)
        ) % {"ids": ", ".join(str(pk) for pk in missing[:20]) + (" …" if len(missing) > 20 else "")}
        raise ValidationError({"records": [message]})


def _save_records(session: Session, records: list[tuple[int, str]], *, method: str, actor: User) -> None:
    """Insert or overwrite the records in a few statements, whatever their number."""
    now = checkin.now()
    AttendanceRecord.objects.bulk_create(
        [
            AttendanceRecord(session=session, user_id=user_id, status=status, method=method, recorded_by=actor,
                             recorded_at=now)
            for user_id, status in records
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["session", "user"],
        update_fields=["status", "method", "recorded_by", "recorded_at"],
    )


class NotOnRoster(Exception):
    """The person is not on the roster of the session's class or conference."""


class CheckInClosed(Exception):
    """Check-in to the session has not opened yet or has closed; the message says which, and when."""


class TooManyTypedCodes(Exception):
    """The person typed too many wrong short codes lately; `wait` is the seconds until they may type again."""

    def __init__(self, wait: int):
        self.wait = wait
        minutes = max(1, math.ceil(wait / 60))
        super().__init__(ngettext(
            "Too many wrong check-in codes. Try again in %(minutes)d minute, or scan the QR code on the screen.",
            "Too many wrong check-in codes. Try again in %(minutes)d minutes, or scan the QR code on the screen.",
            minutes,
        ) % {"minutes": minutes})


@transaction.atomic
def check_in(*, user: User, code: str) -> tuple[AttendanceRecord, bool]:
    """A learner scanned the session's code, or typed it: present, or late after the grace period.

    `code` is the full code the QR code holds, or the short code of digits
    shown under it (spaces ignored), which is looked for among the sessions
    whose check-in is about to open, open or just closed. Returns the record
    and whether it is new. Raises `checkin.InvalidCode`, `checkin.ExpiredCode`,
    `Session.DoesNotExist`, `NotOnRoster`, `CheckInClosed` or `TooManyTypedCodes`.
    """
    at = checkin.now()
    if checkin.is_short_code(code):
        session = _typed_session(user, code, at=at)
    else:
        session = _scanned_session(user, code, at=at)
    return _check_in(session, user, at=at, method=Method.SELF, actor=user)


def _scanned_session(user: User, code: str, *, at: datetime) -> Session:
    scanned = checkin.read_code(code, at=at, secret=settings.SECRET_KEY,
                                rotate_seconds=settings.CHECKIN_ROTATE_SECONDS)
    session = Session.objects.select_related("event").get(pk=scanned.session_id)
    if not RosterEntry.objects.filter(event_id=session.event_id, user=user).exists():
        raise NotOnRoster
    return session


def _typed_session(user: User, code: str, *, at: datetime) -> Session:
    """The session whose short code the person typed; every wrong try counts against them."""
    failures_key, window_ends = _typed_code_failures(user, at)
    # Counted before the try, so that tries sent at the same moment cannot all pass the check; a right code
    # gives its count back.
    if count_in_window(cache, failures_key, TYPED_CODE_WINDOW_SECONDS) > TYPED_CODE_TRIES:
        raise TooManyTypedCodes(max(1, math.ceil(window_ends - at.timestamp())))
    session = _session_of_short_code(user, code, at=at)
    try:
        cache.decr(failures_key)
    except ValueError:  # the window ended meanwhile
        pass
    return session


def _typed_code_failures(user: User, at: datetime) -> tuple[str, int]:
    """The cache key counting the person's wrong short codes in the window of `at`, and when that window ends."""
    window_ends = (int(at.timestamp()) // TYPED_CODE_WINDOW_SECONDS + 1) * TYPED_CODE_WINDOW_SECONDS
    return f"checkin-typed-failures:{user.pk}:{window_ends}", window_ends


def _session_of_short_code(user: User, code: str, *, at: datetime) -> Session:
    """Among the sessions near their check-in time, the person's own first; another's is `NotOnRoster`."""
    opens_before = timedelta(minutes=settings.CHECKIN_OPENS_BEFORE_MINUTES)
    sessions = list(
        Session.objects.select_related("event")
        .filter(starts_at__lte=at + opens_before + TYPED_CODE_NEAR, ends_at__gte=at - TYPED_CODE_NEAR)
        .annotate(rostered=Exists(RosterEntry.objects.filter(event_id=OuterRef("event_id"), user=user)))
    )
    own = {session.pk: session for session in sessions if session.rostered}
    try:
        return own[_read_short_code(code, own, at=at).session_id]
    except checkin.InvalidCode:
        _read_short_code(code, [session.pk for session in sessions if not session.rostered], at=at)
        raise NotOnRoster from None


def _read_short_code(code: str, session_ids: Iterable[int], *, at: datetime) -> checkin.CheckInCode:
    return checkin.read_short_code(code, session_ids, at=at, secret=settings.SECRET_KEY,
                                   rotate_seconds=settings.CHECKIN_ROTATE_SECONDS)


@transaction.atomic
def kiosk_check_in(*, actor: User, session: Session, employee_code: str) -> tuple[AttendanceRecord, bool]:
    """Staff at a kiosk scanned or typed a person's employee code: present, or late.

    Raises `ValidationError` for an unknown code or someone not on the roster, and `CheckInClosed`.
    """
    code = employee_code.strip()
    person = User.objects.filter(employee_code=code, is_active=True).first() if code else None
    if person is None:
        raise ValidationError({"employee_code": [_("No one has the employee code “%(code)s”.") % {"code": code}]})
    if not RosterEntry.objects.filter(event_id=session.event_id, user=person).exists():
        message = _("%(name)s (%(code)s) is not on the roster of this class or conference.")
        raise ValidationError({"employee_code": [message % {"name": person.full_name, "code": code}]})
    return _check_in(session, person, at=checkin.now(), method=Method.KIOSK, actor=actor)


def _check_in(session: Session, person: User, *, at: datetime, method: str, actor: User):
    """Mark the person present or late while check-in is open; returns the record and whether it is new.

    A record already there is returned unchanged, whoever made it: checking in
    again changes nothing, and what an instructor recorded (absent and excused
    included) stands, until the instructor changes it.
    """
    record = AttendanceRecord.objects.filter(session=session, user=person).first()
    if record is not None:
        return record, False
    _check_window(session, at)
    late = at > session.starts_at + timedelta(minutes=settings.CHECKIN_LATE_AFTER_MINUTES)
    status = Status.LATE if late else Status.PRESENT
    # A double tap races itself here: the unique constraint lets one insert through, the other reads it.
    record, created = AttendanceRecord.objects.get_or_create(
        session=session, user=person,
        defaults={"status": status, "method": method, "recorded_by": actor, "recorded_at": at},
    )
    if created:
        audit.record(actor=actor, action="attendance.checked_in", target=session,
                     changes={"user": person.pk, "method": method, "status": [None, status]})
        refresh_attendance(event=session.event, user_ids=[person.pk])
    return record, created


def _check_window(session: Session, at: datetime) -> None:
    """Check-in opens `CHECKIN_OPENS_BEFORE_MINUTES` before the session starts and closes when it ends."""
    opens_at = session.starts_at - timedelta(minutes=settings.CHECKIN_OPENS_BEFORE_MINUTES)
    if at < opens_at:
        raise CheckInClosed(_("Check-in to this session opens at %(time)s.") % {"time": _moment(opens_at)})
    if at > session.ends_at:
        message = _("This session ended at %(time)s, so check-in is closed: "
                    "only its instructors can record attendance now.")
        raise CheckInClosed(message % {"time": _moment(session.ends_at)})


def _moment(at: datetime) -> str:
    return timezone.localtime(at).strftime("%H:%M %d/%m/%Y")


# The attendance rule ---------------------------------------------------------


@transaction.atomic
def refresh_attendance(*, event: Event, user_ids: Iterable[int] | None = None) -> int:
    """Decide the attendance rule again for these people (everyone on the roster by default).

    The rule's result is kept on the roster entry; for each person whose result
    changed, every linked course is told. Returns how many results changed.
    Called inside the transaction of the change that caused it.
    """
    entries = RosterEntry.objects.filter(event=event).select_for_update().order_by("pk")
    if user_ids is not None:
        user_ids = list(user_ids)
        # For many people, reading the whole roster is cheaper than a long `IN` list.
        if len(user_ids) > CHUNK:
            user_ids = None
        else:
            entries = entries.filter(user_id__in=user_ids)
    attended_before = dict(entries.values_list("user_id", "attended"))
    if not attended_before:
        return 0
    session_count = Session.objects.filter(event=event).count()
    counts = attended_sessions(event, user_ids)
    now_met = {user_id: event.attendance_rule_met(counts.get(user_id, 0), session_count)
               for user_id in attended_before}
    changed = {user_id: met for user_id, met in now_met.items() if met != attended_before[user_id]}
    now = timezone.now()
    for value in (True, False):
        ids = sorted(user_id for user_id, attended in changed.items() if attended is value)
        for start in range(0, len(ids), CHUNK):
            RosterEntry.objects.filter(event=event, user_id__in=ids[start:start + CHUNK]).update(
                attended=value, updated_at=now
            )
    if changed:
        _pass_on(sorted(changed), list(event.courses.values_list("pk", flat=True)))
        certificate_services.request_attendance_certificates(
            event_id=event.pk, user_ids=[user_id for user_id, met in changed.items() if met]
        )
    return len(changed)


def attended_sessions(event: Event, user_ids: list[int] | None = None) -> dict[int, int]:
    """Sessions each person was present or late at, in one grouped query."""
    records = AttendanceRecord.objects.filter(session__event=event, status__in=AttendanceRecord.ATTENDED)
    if user_ids is not None:
        records = records.filter(user_id__in=user_ids)
    return dict(records.order_by().values("user_id").annotate(count=Count("pk")).values_list("user_id", "count"))


def _pass_on(user_ids: list[int], course_ids: list[int]) -> None:
    """Tell the linked courses about these people, in the transaction that changed their result."""
    if user_ids and course_ids:
        pass_on_attendance(course_ids=course_ids, user_ids=user_ids)


@transaction.atomic
def pass_on_attendance(*, course_ids: Iterable[int], user_ids: Iterable[int]) -> int:
    """Tell each course whether each person met the rule of a class or conference linked to it.

    A course linked to several events counts the rule met at any of them. A few
    statements per chunk of people, whatever the size of the roster; returns how
    many enrolments were completed.
    """
    user_ids = sorted(set(user_ids))
    completed = 0
    for course in Course.objects.filter(pk__in=list(course_ids)).order_by("pk"):
        for start in range(0, len(user_ids), CHUNK):
            chunk = user_ids[start:start + CHUNK]
            met = set(RosterEntry.objects.filter(event__courses=course, user_id__in=chunk, attended=True)
                      .values_list("user_id", flat=True))
            completed += course_services.record_attendance_results(
                course=course, results={user_id: user_id in met for user_id in chunk}
            )
    return completed


# Reading ----------------------------------------------------------------------


def people_to_add(event: Event, text: str, *, limit: int) -> list[User]:
    """Active people found by name, employee code or username, each with `on_roster` saying if they are on it."""
    on_roster = RosterEntry.objects.filter(event=event, user=OuterRef("pk"))
    return list(
        User.objects.filter(Q(full_name__icontains=text) | Q(employee_code__iexact=text) | Q(username__iexact=text),
                            is_active=True)
        .select_related("org_unit").annotate(on_roster=Exists(on_roster)).order_by("full_name", "pk")[:limit]
    )


def attendance_sheet(session: Session) -> tuple[list[RosterEntry], dict[int, AttendanceRecord]]:
    """The session's roster in name order, and what is recorded for it so far, by person."""
    entries = list(RosterEntry.objects.filter(event_id=session.event_id).select_related("user__org_unit")
                   .order_by("user__full_name", "pk"))
    return entries, {record.user_id: record for record in AttendanceRecord.objects.filter(session=session)}


def roster_with_attendance(event: Event) -> QuerySet[RosterEntry]:
    """The roster with each person's count of sessions per status, in one query."""
    in_event = Q(user__attendance_records__session__event=event)

    def count(status: str) -> Count:
        return Count("user__attendance_records", filter=in_event & Q(user__attendance_records__status=status))

    return (
        RosterEntry.objects.filter(event=event)
        .select_related("user__org_unit")
        .annotate(present=count(Status.PRESENT), late=count(Status.LATE), excused=count(Status.EXCUSED),
                  absent=count(Status.ABSENT))
    )


def sessions_with_attendance(event: Event) -> QuerySet[Session]:
    """The event's sessions in order, each with its count of records per status, in one query."""
    def count(status: str) -> Count:
        return Count("attendance", filter=Q(attendance__status=status))

    return (Session.objects.filter(event=event)
            .annotate(present=count(Status.PRESENT), late=count(Status.LATE), excused=count(Status.EXCUSED),
                      absent=count(Status.ABSENT))
            .order_by("starts_at", "id"))


def _only(fields: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    return fields


def check_in_url(code: str) -> str:
    """The page a phone opens when it scans the session screen's QR code.

    The page belongs to the web UI, which this app does not import: it is found by its URL name.
    """
    return f"{settings.SITE_URL}{reverse('check-in')}?{urlencode({'code': code})}"
