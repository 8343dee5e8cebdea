"""Certificate templates, the register of certificates, and the certificates issued.

A certificate is numbered in its issuer's register for the year when its row is
made, in the transaction that makes it, so the register has no gap and no
duplicate; its PDF is rendered, signed and stored afterwards, once, and its
SHA-256 kept. What is printed on it is kept too (`fields`), so that the verify
page shows exactly what the paper says, whatever changes later.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Bits in one status list: the W3C Bitstring Status List asks for at least 131,072
# (16 KB), so that one holder's entry hides among many.
STATUS_LIST_SIZE = 131_072


class CertificateTemplate(models.Model):
    """How a certificate looks (HTML and CSS with placeholders) and who issues and signs it."""

    name = models.CharField(_("name"), max_length=255)
    html = models.TextField(
        _("HTML"), blank=True,
        help_text=_("The page, with placeholders such as {{ holder_name }}. Empty: the default certificate."),
    )
    css = models.TextField(_("CSS"), blank=True, help_text=_("Empty: the default style."))
    issuer_parent = models.CharField(
        _("governing body"), max_length=255, blank=True, help_text=_("Printed above the issuing body, e.g. "
                                                                      "\"UBND TỈNH THÁI NGUYÊN\"."),
    )
    issuer = models.CharField(_("issuing body"), max_length=255)
    register = models.CharField(
        _("register"), max_length=20, default="GCN",
        help_text=_("The issuer's register: numbers read \"125/2026/GCN\". Templates with the same register "
                    "share one numbering."),
    )
    signer_title = models.CharField(_("signer's title"), max_length=255, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=255, blank=True)
    seal = models.FileField(_("seal image"), upload_to="certificates/images/", blank=True)
    signature = models.FileField(_("signature image"), upload_to="certificates/images/", blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used by every course, class and conference without a template."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_template"),
        ]

    def __str__(self):
        return self.name


class RegisterYear(models.Model):
    """The last number given in one register in one year; locked while a number is taken."""

    register = models.CharField(_("register"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("register year")
        verbose_name_plural = _("register years")
        constraints = [models.UniqueConstraint(fields=["register", "year"], name="one_counter_per_register_year")]

    def __str__(self):
        return f"{self.register} {self.year}: {self.last_number}"


class Certificate(models.Model):
    class Kind(models.TextChoices):
        COMPLETION = "completion", _("Completion")
        ATTENDANCE = "attendance", _("Attendance")

    code = models.CharField(_("verification code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates"
    )
    # What it certifies, by string references: certificates sits below courses and training.
    enrollment = models.ForeignKey(
        "courses.Enrollment", verbose_name=_("enrolment"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="certificates",
    )
    # A renewed enrolment starts a new cycle, and earns a new certificate.
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    event = models.ForeignKey(
        "training.Event", verbose_name=_("class or conference"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="certificates",
    )
    template = models.ForeignKey(
        CertificateTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="certificates"
    )
    register = models.CharField(_("register"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("number in the register"))
    title = models.CharField(_("title"), max_length=255)
    fields = models.JSONField(_("fields"), default=dict, help_text=_("What the PDF was made from, as printed."))
    printed = models.JSONField(
        _("printed fields"), default=list, blank=True,
        help_text=_("The names of the fields its template prints: the public verify page shows only these."),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF size"), null=True, blank=True)
    signed = models.BooleanField(_("digitally signed"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    renewal_noticed_at = models.DateTimeField(_("renewal notice sent at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["register", "year", "serial"], name="one_number_per_register_year"),
            models.UniqueConstraint(
                fields=["kind", "enrollment", "cycle"], condition=Q(enrollment__isnull=False),
                name="one_certificate_per_enrollment_cycle",
            ),
            models.UniqueConstraint(
                fields=["kind", "event", "holder"], condition=Q(event__isnull=False),
                name="one_certificate_per_event_holder",
            ),
            models.CheckConstraint(
                condition=Q(enrollment__isnull=False) | Q(event__isnull=False), name="certificate_certifies_something"
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="certificate_expiry")]

    def __str__(self):
        return f"{self.number} – {self.fields.get('holder_name', '')}"

    @property
    def number(self) -> str:
        """The register number as printed: "125/2026/GCN"."""
        return f"{self.serial}/{self.year}/{self.register}"

    @property
    def is_stored(self) -> bool:
        return bool(self.sha256)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_valid(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)

    @property
    def status_list(self) -> int:
        """Which status list holds this certificate's revocation bit (1, 2, ...)."""
        return self.pk // STATUS_LIST_SIZE + 1

    @property
    def status_index(self) -> int:
        return self.pk % STATUS_LIST_SIZE
