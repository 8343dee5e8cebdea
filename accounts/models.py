from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from accounts.roles import ROLES, Role


class OrgUnitQuerySet(MP_NodeQuerySet):
    def active(self):
        """Units that still exist: neither merged into another nor dissolved."""
        return self.filter(merged_into__isnull=True, dissolved_on__isnull=True)


class OrgUnitManager(MP_NodeManager):
    def get_queryset(self):
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")

    def active(self):
        return self.get_queryset().active()


class OrgUnit(MP_Node):
    """A unit of the province: the province, a department or district, a division or commune.

    The tree is a materialized path (`path`), so a unit and everything under it
    is one indexed `path LIKE 'prefix%'` query. `parent` repeats what the path
    says, for the API and for joins; the services keep both in step.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        DEPARTMENT = "department", _("Department")
        DISTRICT = "district", _("District")
        DIVISION = "division", _("Division")
        COMMUNE = "commune", _("Commune")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    code = models.CharField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # A reorganisation keeps the old unit as history: merged into its successor, or dissolved.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="merged_units",
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrgUnitManager()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        indexes = [models.Index(fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_on__isnull=True)
                | Q(merged_into__isnull=False, merged_on__isnull=False, dissolved_on__isnull=True),
                name="orgunit_merged_with_date_never_dissolved",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        """False once the unit was merged into another or dissolved: it takes no new people or sub-units."""
        return self.merged_into_id is None and self.dissolved_on is None

    def subtree_q(self, field: str = "path") -> Q:
        """This unit and everything under it, for a lookup through `field`."""
        return Q(**{f"{field}__startswith": self.path})


class AccountManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("full_name", username)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person: a civil servant, instructor, HR officer or administrator.

    Vietnamese names are written whole (family, middle and given name), so there
    is one `full_name` instead of first and last names.
    """

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=255)
    email = models.EmailField(_("e-mail address"), blank=True)
    email_confirmed = models.BooleanField(
        _("e-mail address confirmed"), default=True,
        help_text=_("False from a change of address until its owner confirms it: no password reset or "
                    "invitation goes to an unconfirmed address."),
    )
    employee_code = models.CharField(_("employee code"), max_length=50, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )
    # "Chức vụ, chức danh": what a person holds; plain "position" is an order (of modules, lessons, answers).
    position = models.CharField(pgettext_lazy("person", "position"), max_length=255, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True,
                                  help_text=_("Printed on certificates when known."))
    hr_scope = models.ManyToManyField(
        OrgUnit, verbose_name=_("HR scope"), blank=True, related_name="hr_officers",
        help_text=_("The units this HR officer answers for, with everything under them."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="vi",
        help_text=_("The language of the screens and of the e-mails sent to this person."),
    )
    # A list of `Notification.Kind`s: the notices this person reads on the site only.
    email_muted = models.JSONField(_("notices not sent by e-mail"), default=list, blank=True)
    invitation_pending = models.BooleanField(_("invitation pending"), default=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["employee_code"], condition=~Q(employee_code=""), name="unique_employee_code"
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        # The given name comes last in a Vietnamese name.
        return self.full_name.split()[-1] if self.full_name.strip() else self.username

    @cached_property
    def roles(self) -> list[str]:
        """The person's roles; a superuser has every role. Uses prefetched groups."""
        if self.is_superuser:
            return list(ROLES)
        names = {group.name for group in self.groups.all()}
        return [role for role in ROLES if role in names]

    def has_role(self, *roles: Role | str) -> bool:
        return self.is_active and any(role in self.roles for role in roles)

    def wants_email(self, kind: str) -> bool:
        """Whether notices of `kind` come to this person by e-mail too (all do until they say otherwise)."""
        return kind not in self.email_muted


class AuditEntry(models.Model):
    """One action that matters to an administration: who, what, when, from where.

    Append-only: rows are never changed or deleted (the database refuses it too).
    The actor is kept as an id and a name, not a foreign key, so that deleting a
    person never has to touch the log.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("actor's username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries cannot be deleted.")


class JobQuerySet(models.QuerySet):
    def unfinished(self, *, owner, kind: str, within, **parameters):
        """The owner's jobs of `kind` with these parameters still waiting or running, started less than `within` ago.

        Asking twice (a double click, a second tab) then follows the same job; one
        older than `within` is taken as lost, and a new one may start.
        """
        return self.filter(
            owner=owner, kind=kind, status__in=[Job.Status.PENDING, Job.Status.RUNNING],
            created_at__gte=timezone.now() - within,
            **{f"parameters__{key}": value for key, value in parameters.items()},
        )


class Job(models.Model):
    """Long work done by a Celery task for one person (a regrade, a report, a bulk issue).

    Progress is `done` of `total`; the file it makes, if any, is downloaded by its
    owner only.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=50)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class Notification(models.Model):
    """Something a person must act on: a new mandatory course, a due date, a certificate, a graded essay.

    The title and text are rendered when read, from `kind` and `parameters`, in the
    reader's language; `url` is where the person acts on it (a path on this site).
    """

    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("A course assigned to me")
        DUE_SOON = "due_soon", _("A due date coming up")
        CERTIFICATE = "certificate", _("A certificate issued or expiring")
        GRADE = "grade", _("An essay graded")
        REMINDER = "reminder", _("A reminder from HR")

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient", "-created_at"], condition=Q(read_at__isnull=True),
                         name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def title(self) -> str:
        from accounts.notifications import render_title  # the messages live with `notify`
        return render_title(self)

    @property
    def text(self) -> str:
        from accounts.notifications import render_text
        return render_text(self)
