from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit


class Topic(models.TextChoices):
    """The six areas of the state administrative-reform programme, plus "other"."""

    INSTITUTIONS = "institutions", _("Institutional reform")
    PROCEDURES = "procedures", _("Administrative procedures reform")
    APPARATUS = "apparatus", _("Organisation of the administrative apparatus")
    CIVIL_SERVICE = "civil_service", _("Civil servants and public employees")
    PUBLIC_FINANCE = "public_finance", _("Public finance reform")
    DIGITAL_GOVERNMENT = "digital_government", _("E-government and digital government")
    OTHER = "other", _("Other")


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class CompletionRule(models.TextChoices):
        LESSONS = "lessons", _("Every lesson done")
        QUIZ = "quiz", _("The course quiz passed")
        LESSONS_AND_QUIZ = "lessons_and_quiz", _("Every lesson done and the quiz passed")
        ATTENDANCE = "attendance", _("Attendance at a linked class or conference")

    code = models.CharField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=255)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, default=Topic.OTHER)
    summary = models.TextField(_("summary"), blank=True)
    hours = models.DecimalField(
        _("training hours"), max_digits=5, decimal_places=1, default=0, validators=[MinValueValidator(0)],
        help_text=_("Hours credited to a learner who completes the course."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    completion_rule = models.CharField(
        _("completion rule"), max_length=20, choices=CompletionRule.choices, default=CompletionRule.LESSONS_AND_QUIZ
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("instructors"), related_name="taught_courses", blank=True
    )
    certificate_template = models.ForeignKey(
        "certificates.CertificateTemplate", verbose_name=_("certificate template"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="courses", help_text=_("Empty: the default template."),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"), null=True, blank=True,
        help_text=_("Empty: certificates never expire. Otherwise holders are re-enrolled and reminded "
                    "before theirs expires."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "id"]

    def __str__(self):
        return f"{self.code} – {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def has_quiz(self) -> bool:
        """Whether the course has a quiz. Quizzes point at courses (`related_name="quizzes"`)."""
        quizzes = getattr(self, "quizzes", None)
        return quizzes is not None and quizzes.exists()


class Module(models.Model):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=255)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        VIDEO = "video", _("Video")
        FILE = "file", _("File")
        LINK = "link", _("Link")

    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(_("content"), blank=True, help_text=_("Sanitised HTML."))
    url = models.URLField(_("address"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="lessons/%Y/%m/", blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=10)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Assignment(models.Model):
    """A course made mandatory for an org unit and everything under it, by a due date."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation unit"), on_delete=models.CASCADE, related_name="assignments"
    )
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mandatory assignment")
        verbose_name_plural = _("mandatory assignments")
        constraints = [models.UniqueConstraint(fields=["course", "org_unit"], name="one_assignment_per_unit")]

    def __str__(self):
        return f"{self.course.code} → {self.org_unit}"


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        INSTRUCTOR = "instructor", _("Enrolled by an instructor")
        ASSIGNMENT = "assignment", _("Mandatory assignment")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ENROLLED)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.SELF)
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="enrollments",
    )
    mandatory = models.BooleanField(_("mandatory"), default=False)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    # Facts recorded by the apps above (quizzes, training); completion reads them.
    quiz_passed_at = models.DateTimeField(_("quiz passed at"), null=True, blank=True)
    attendance_met_at = models.DateTimeField(_("attendance met at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    credited_hours = models.DecimalField(
        _("credited hours"), max_digits=5, decimal_places=1, null=True, blank=True,
        help_text=_("The course's hours when it was completed; later edits of the course do not change it."),
    )
    # Renewing an expiring certificate re-enrols the learner: a new cycle, a new certificate.
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_course")]
        indexes = [models.Index(fields=["status", "due_date"], name="enrollment_due")]

    def __str__(self):
        return f"{self.user} – {self.course.code}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def progress_percent(self) -> int:
        """From `lessons_total` / `lessons_done` annotated by `services.with_progress`."""
        if self.is_completed:
            return 100
        total = getattr(self, "lessons_total", 0)
        return min(100, round(100 * getattr(self, "lessons_done", 0) / total)) if total else 0

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.is_completed and self.due_date is not None and self.due_date < today


class CompletedCycle(models.Model):
    """A cycle of an enrolment completed before a renewal started the next one: its history stays."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="completed_cycles"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    completed_at = models.DateTimeField(_("completed at"))
    credited_hours = models.DecimalField(_("credited hours"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("completed cycle")
        verbose_name_plural = _("completed cycles")
        constraints = [models.UniqueConstraint(fields=["enrollment", "cycle"], name="one_record_per_cycle")]

    def __str__(self):
        return f"{self.enrollment} ({self.cycle})"


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_progress_per_lesson")]


class DueReminder(models.Model):
    """One reminder sent for one enrolment, so the periodic task never sends it twice."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.IntegerField(_("days before the due date"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("due-date reminder")
        verbose_name_plural = _("due-date reminders")
        constraints = [models.UniqueConstraint(fields=["enrollment", "days_before"], name="one_reminder_per_day")]
