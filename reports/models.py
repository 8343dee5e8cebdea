from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLETION = "completion", _("Completion report")
    ATTENDANCE = "attendance", _("Attendance report")
    HOURS = "hours", _("Training hours report")
    SUMMARY = "summary", _("Training summary by organisation unit")


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class HoursRequirement(models.Model):
    """The yearly training time the rules ask of an official, as data: the decrees change.

    The rule in force in a year is the row of the latest year not after it; a row
    for a position applies to the people of that position (compared without case),
    the row without one to everyone else, and a later row for everyone ends the
    earlier rows of positions. With no row at all, the requirement is
    `REPORTS_DEFAULT_REQUIRED_HOURS`.
    """

    year = models.PositiveSmallIntegerField(
        _("from year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The first year it applies to; it holds until a later year's row."),
    )
    position = models.CharField(
        _("position"), max_length=255, blank=True, help_text=_("Empty: everyone without a row of their own."),
    )
    hours = models.DecimalField(
        _("hours a year"), max_digits=5, decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("training-hours requirement")
        verbose_name_plural = _("training-hours requirements")
        ordering = ["year", "position"]
        constraints = [models.UniqueConstraint(fields=["year", "position"], name="one_requirement_per_year_position")]

    def __str__(self):
        who = self.position or _("everyone")
        return f"{self.year}: {self.hours} ({who})"


class ReportSchedule(models.Model):
    """A report e-mailed to its owner every week or month, made with the owner's scope at each run."""

    class Every(models.TextChoices):
        WEEK = "week", _("Every week")
        MONTH = "month", _("Every month")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="report_schedules"
    )
    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.XLSX)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    every = models.CharField(_("every"), max_length=10, choices=Every.choices)
    language = models.CharField(_("language"), max_length=10, default="vi")
    active = models.BooleanField(_("active"), default=True, help_text=_("A paused schedule sends nothing."))
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_status = models.CharField(_("last result"), max_length=20, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_job = models.ForeignKey(
        "accounts.Job", verbose_name=_("last file"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")
        ordering = ["owner", "kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_every_display()})"

    def following_run(self, after):
        """The next run after `after`: a week later, or the same day of the next month (its last day if shorter)."""
        if self.every == self.Every.WEEK:
            return after + timedelta(days=7)
        local = timezone.localtime(after)
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        # The day it was made on, so that after a short month the 31st comes back.
        day = timezone.localtime(self.created_at).day if self.created_at else local.day
        while True:
            try:
                return local.replace(year=year, month=month, day=day)
            except ValueError:
                day -= 1
