from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from courses.models import Course, Topic


class Event(models.Model):
    """A political-school class or a conference: sessions, a roster, and an attendance rule.

    Both kinds share one table because everything below them (sessions, roster,
    attendance, the rule, linked courses) is the same; only a few descriptive
    fields differ (a class has a cohort and a school, a conference has speakers).
    """

    class Kind(models.TextChoices):
        CLASS = "class", _("Class")
        CONFERENCE = "conference", _("Conference")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    cohort = models.CharField(_("cohort"), max_length=255, blank=True, help_text=_("Classes: the cohort's name."))
    school = models.CharField(
        _("school"), max_length=255, blank=True, help_text=_("Classes: the school that runs the class.")
    )
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("Conferences: names and titles."))
    materials_url = models.URLField(_("materials"), max_length=500, blank=True)
    courses = models.ManyToManyField(Course, verbose_name=_("linked courses"), blank=True, related_name="events")
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("instructors"), blank=True, related_name="taught_events"
    )
    attendance_percent = models.PositiveSmallIntegerField(
        _("attendance required (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of sessions present or late that counts as attended."),
    )
    certificate_template = models.ForeignKey(
        "certificates.CertificateTemplate", verbose_name=_("certificate template"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="events", help_text=_("Empty: the default template."),
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, default=Topic.OTHER)
    hours = models.DecimalField(
        _("training hours"), max_digits=5, decimal_places=1, default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Hours credited, in the year it ends, to each person who meets the attendance rule; "
                    "the hours of linked courses are credited on their own when those are completed."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("class or conference")
        verbose_name_plural = _("classes and conferences")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(attendance_percent__gte=1, attendance_percent__lte=100), name="event_attendance_percent"
            ),
        ]

    def __str__(self):
        return self.title

    def is_taught_by(self, user) -> bool:
        """One of its instructors, or an administrator. Reads prefetched instructors."""
        return user.has_role(Role.ADMIN) or any(person.pk == user.pk for person in self.instructors.all())

    def attendance_rule_met(self, sessions_attended: int, session_count: int) -> bool:
        """The attendance rule: present or late at `attendance_percent` of the sessions, or more."""
        return session_count > 0 and sessions_attended * 100 >= self.attendance_percent * session_count


class Session(models.Model):
    event = models.ForeignKey(Event, verbose_name=_("class or conference"), on_delete=models.CASCADE,
                              related_name="sessions")
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start")]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%d/%m/%Y %H:%M})"


class RosterEntry(models.Model):
    """A person expected at a class or conference.

    `attended` caches the attendance rule for this person; the services keep it
    up to date on every attendance change, so that the course service is called
    only for people whose result really changed.
    """

    class Source(models.TextChoices):
        PERSON = "person", _("Added by name")
        ORG_UNIT = "org_unit", _("Added with an org unit")
        IMPORT = "import", _("Imported from a file")

    event = models.ForeignKey(Event, verbose_name=_("class or conference"), on_delete=models.CASCADE,
                              related_name="roster")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="roster_entries")
    source = models.CharField(_("added"), max_length=20, choices=Source.choices, default=Source.PERSON)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_roster_entry_per_person")]

    def __str__(self):
        return f"{self.user} – {self.event}"

    @property
    def certificate_eligible(self) -> bool:
        """Eligible for an attendance certificate: the attendance rule holds."""
        return self.attended


class AttendanceRecord(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    class Method(models.TextChoices):
        MANUAL = "manual", _("Recorded by an instructor")
        KIOSK = "kiosk", _("Kiosk")
        SELF = "self", _("Self check-in")

    ATTENDED = (Status.PRESENT, Status.LATE)

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="attendance_records")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    method = models.CharField(_("how recorded"), max_length=10, choices=Method.choices, default=Method.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_attendance_per_session")]

    def __str__(self):
        return f"{self.user} – {self.session}: {self.get_status_display()}"
