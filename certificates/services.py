"""Issuing, storing, revoking and verifying certificates.

Issuing has two steps. First, in one short transaction, a certificate row is made
for each person newly due one, numbered in its issuer's register for the year
(the register's counter row is locked, so numbers have no gap and no duplicate,
even with workers issuing at once) and with everything it will print. Then, out
of any transaction, its PDF is rendered, signed and stored once, and its SHA-256
kept; downloads return exactly those bytes. Both steps are idempotent: issuing
again returns the same certificate, and a PDF stored twice by two workers keeps
the first. A periodic sweep finishes whatever a lost worker or broker left.

Certificates sit below courses and training: they reach enrolments and events
through string foreign keys and `apps.get_model`, never by importing those apps.
"""

import calendar
import hashlib
import logging
import re
import secrets
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING
from datetime import datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.models import Job, Notification, User
from accounts.notifications import notify_each
from accounts.queue import task
from certificates import codes, credentials, design
from certificates.models import STATUS_LIST_SIZE, Certificate, CertificateTemplate, RegisterYear

if TYPE_CHECKING:
    from certificates import rendering

logger = logging.getLogger(__name__)

BULK_JOB = "certificates.bulk"
BULK_JOB_REUSE = timedelta(minutes=30)  # an unfinished bulk job older than this is taken as lost
# Certificates rendered by one task: small enough that a worker's memory stays flat
# and two workers share a batch evenly, large enough that the per-task cost is small.
RENDER_CHUNK = 50
# Certificates numbered in one transaction.
CREATE_CHUNK = 500
# A bulk job that has not moved for this long lost a task: the sweep takes it up.
BULK_STALE_AFTER = timedelta(minutes=10)
# What the sweep looks at: what became due in the last two days, but not in the last two minutes.
SWEEP_LOOKBACK = timedelta(days=2)
SWEEP_GRACE = timedelta(minutes=2)


# Templates ------------------------------------------------------------------


def default_template() -> CertificateTemplate:
    """The default template, made on first use with the default design."""
    template = CertificateTemplate.objects.filter(is_default=True).first()
    if template is not None:
        return template
    try:
        with transaction.atomic():
            return CertificateTemplate.objects.create(
                name=_("Default certificate"), is_default=True,
                issuer_parent=settings.CERTIFICATE_ISSUER_PARENT, issuer=settings.CERTIFICATE_ISSUER,
                signer_title=settings.CERTIFICATE_SIGNER_TITLE, signer_name=settings.CERTIFICATE_SIGNER_NAME,
            )
    except IntegrityError:  # another process made it first
        return CertificateTemplate.objects.get(is_default=True)


def template_images(template: CertificateTemplate) -> dict[str, bytes]:
    images = {}
    for name in ("seal", "signature"):
        image = getattr(template, name)
        if image:
            with image.open("rb") as stream:
                images[name] = stream.read()
    return images


# WeasyPrint and qpdf load with the first renderer: a web process that only verifies never needs them.
_renderers: dict[tuple, "rendering.Renderer"] = {}


def renderer_for(template: CertificateTemplate) -> "rendering.Renderer":
    """One renderer per template version per process: bulk issuing parses the template once."""
    from certificates import rendering

    key = (template.pk, template.updated_at)
    renderer = _renderers.get(key)
    if renderer is None:
        if len(_renderers) > 20:
            _renderers.clear()
        renderer = _renderers[key] = rendering.Renderer(
            template.html or design.default_html(), template.css or design.default_css(),
            template_images(template),
        )
    return renderer


def preview(*, html: str, css: str, template: CertificateTemplate | None = None) -> bytes:
    """The template rendered with sample data, for the admin's live preview."""
    from certificates import rendering

    context = design.sample_context()
    if template is not None:
        context.update(_issuer_fields(template))
    images = template_images(template) if template is not None and template.pk else {}
    return rendering.render_pdf(html=html or design.default_html(), css=css or design.default_css(),
                                context=context, images=images)


# Asking for certificates (called by courses and training) ---------------------


def request_completion_certificates(enrollment_ids: Iterable[int]) -> None:
    """Issue completion certificates for these just-completed enrolments once the transaction commits."""
    ids = sorted(set(enrollment_ids))
    if ids:
        after_commit(lambda: _enqueue("certificates.tasks.issue_completion", ids))


def request_attendance_certificates(*, event_id: int, user_ids: Iterable[int]) -> None:
    """Issue attendance certificates to these people who just met the event's attendance rule."""
    ids = sorted(set(user_ids))
    if ids:
        after_commit(lambda: _enqueue("certificates.tasks.issue_attendance", event_id, ids))


def after_commit(callback) -> None:
    """Work is enqueued only once what it reads is committed (tests run it at once: they never commit)."""
    transaction.on_commit(callback)


def _enqueue(name: str, *args) -> None:
    try:
        task(name).delay(*args)
    except Exception:  # the broker is down: the sweep issues them later, from the database
        logger.warning("Could not enqueue %s; the sweep will issue these certificates", name, exc_info=True)


# Making certificates -----------------------------------------------------------


def issue_completion(enrollment_ids: Iterable[int]) -> list[Certificate]:
    """The completion certificates of these completed enrolments, made and stored if missing."""
    certificates = create_completion_certificates(enrollment_ids)
    store_pdfs(certificates)
    return certificates


def issue_attendance(*, event_id: int, user_ids: Iterable[int]) -> list[Certificate]:
    certificates = create_attendance_certificates(event_id=event_id, user_ids=user_ids)
    store_pdfs(certificates)
    return certificates


def create_completion_certificates(enrollment_ids: Iterable[int]) -> list[Certificate]:
    """A numbered certificate for each completed enrolment of the list that has none for its cycle."""
    Enrollment = apps.get_model("courses", "Enrollment")
    ids = sorted(set(enrollment_ids))
    result = []
    for start in range(0, len(ids), CREATE_CHUNK):
        enrollments = list(
            Enrollment.objects.filter(pk__in=ids[start:start + CREATE_CHUNK], status="completed")
            .select_related("user__org_unit", "course__certificate_template").order_by("pk")
        )
        result += _create(
            Certificate.Kind.COMPLETION, enrollments,
            existing=Q(enrollment__in=enrollments),
            key=lambda enrollment: (enrollment.pk, enrollment.cycle),
            existing_key=lambda certificate: (certificate.enrollment_id, certificate.cycle),
            build=_completion_certificate,
        )
    return result


def create_attendance_certificates(*, event_id: int, user_ids: Iterable[int] | None = None) -> list[Certificate]:
    """A numbered attendance certificate for each person who met the event's rule and has none."""
    Event = apps.get_model("training", "Event")
    RosterEntry = apps.get_model("training", "RosterEntry")
    event = Event.objects.select_related("certificate_template").get(pk=event_id)
    entries = (RosterEntry.objects.filter(event=event, attended=True).select_related("user__org_unit")
               .order_by("user_id"))
    if user_ids is not None:
        entries = entries.filter(user_id__in=sorted(set(user_ids)))
    sessions = event.sessions.count()
    attended = _attended_sessions(event)
    result = []
    entries = list(entries)
    for start in range(0, len(entries), CREATE_CHUNK):
        chunk = entries[start:start + CREATE_CHUNK]
        result += _create(
            Certificate.Kind.ATTENDANCE, chunk,
            existing=Q(event=event, holder_id__in=[entry.user_id for entry in chunk]),
            key=lambda entry: entry.user_id,
            existing_key=lambda certificate: certificate.holder_id,
            build=lambda entry, template: _attendance_certificate(entry, event, template, attended, sessions),
            template=event.certificate_template,
        )
    return result


def _attended_sessions(event) -> dict[int, int]:
    """Sessions each person attended: training.services.attended_sessions, which this app sits below."""
    AttendanceRecord = apps.get_model("training", "AttendanceRecord")
    records = AttendanceRecord.objects.filter(session__event=event, status__in=AttendanceRecord.ATTENDED)
    return dict(records.order_by().values("user_id").annotate(count=Count("pk")).values_list("user_id", "count"))


def _create(kind, sources, **how) -> list[Certificate]:
    """Certificates for `sources` (enrolments or roster entries): the existing ones, and new ones numbered.

    Two workers may make the same person's certificate at once (the completion's
    task and the sweep): the second waits for the register's lock, then its insert
    breaks the unique constraint, its numbers go back with its rollback, and it
    tries again, now seeing the first one's certificate.
    """
    for attempt in range(3):
        try:
            return _create_once(kind, sources, **how)
        except IntegrityError:
            if attempt == 2:
                raise
    return []


@transaction.atomic
def _create_once(kind, sources, *, existing, key, existing_key, build, template=None) -> list[Certificate]:
    if not sources:
        return []
    found = {existing_key(c): c for c in Certificate.objects.filter(existing, kind=kind)}
    new = [source for source in sources if key(source) not in found]
    if not new:
        return list(found.values())
    fallback = None
    by_template: dict[int, tuple[CertificateTemplate, list]] = {}
    for source in new:
        chosen = template if kind == Certificate.Kind.ATTENDANCE else source.course.certificate_template
        if chosen is None:
            fallback = chosen = fallback or default_template()
        by_template.setdefault(chosen.pk, (chosen, []))[1].append(source)
    now = timezone.now()
    year = timezone.localdate(now).year
    made = []
    # Registers are locked in one order by everyone, so that two workers never wait on each other.
    with translation.override(settings.LANGUAGE_CODE):  # what is printed is Vietnamese, whoever asks
        for chosen, group in sorted(by_template.values(), key=lambda item: (item[0].register, item[0].pk)):
            numbers = take_numbers(chosen.register, year, len(group))
            printed = template_fields(chosen)
            certificates = []
            for serial, source in zip(numbers, group):
                certificate = build(source, chosen)
                certificate.template = chosen
                certificate.register, certificate.year, certificate.serial = chosen.register, year, serial
                certificate.issued_at = now
                certificate.code = codes.new_code()
                certificate.fields.update(_printed(certificate, chosen))
                certificate.printed = sorted(printed & certificate.fields.keys())
                certificates.append(certificate)
            made += Certificate.objects.bulk_create(certificates)
    if not made[0].pk:  # backends without RETURNING: read the rows back
        made = list(Certificate.objects.filter(code__in=[c.code for c in made]))
    return [*found.values(), *made]


_template_fields: dict[tuple, frozenset] = {}


def template_fields(template: CertificateTemplate) -> frozenset:
    """The names a template prints: every placeholder and condition in its HTML (the default's when empty).

    The public verify page shows exactly these, so a template that leaves out the
    date of birth does not publish it there.
    """
    key = (template.pk, template.updated_at)
    if key not in _template_fields:
        html = template.html or design.default_html()
        names = set()
        for tag in re.findall(r"\{\{(.*?)\}\}|\{%(.*?)%\}", html, flags=re.S):
            names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", " ".join(tag)))
        # What a field prints in other words: the kind as its heading, the date in the place-and-date line.
        names.update(shown for name, shown in (("kind", "kind_label"), ("place_date", "issued_on")) if name in names)
        _template_fields[key] = frozenset(names)
    return _template_fields[key]


def take_numbers(register: str, year: int, count: int) -> range:
    """The next `count` numbers of a register for a year, in the caller's transaction.

    The counter row is locked until the caller commits, so two workers never take
    the same number; if the caller rolls back, the numbers go back with it.
    """
    RegisterYear.objects.get_or_create(register=register, year=year)
    counter = RegisterYear.objects.select_for_update().get(register=register, year=year)
    first = counter.last_number + 1
    RegisterYear.objects.filter(pk=counter.pk).update(last_number=F("last_number") + count)
    return range(first, first + count)


def _completion_certificate(enrollment, template) -> Certificate:
    course = enrollment.course
    expires_at = None
    if course.certificate_validity_months:
        expires_at = add_months(timezone.localtime(), course.certificate_validity_months)
    fields = {
        **_holder_fields(enrollment.user),
        "title": course.title,
        "course_code": course.code,
        "starts_on": _date(enrollment.enrolled_at),
        "ends_on": _date(enrollment.completed_at),
        "hours": _hours(enrollment.credited_hours if enrollment.credited_hours is not None else course.hours),
        "result": _("Passed") if enrollment.quiz_passed_at else _("Completed"),
    }
    return Certificate(
        kind=Certificate.Kind.COMPLETION, holder=enrollment.user, enrollment=enrollment, cycle=enrollment.cycle,
        title=course.title, fields=fields, expires_at=expires_at,
    )


def _attendance_certificate(entry, event, template, attended: dict[int, int], sessions: int) -> Certificate:
    fields = {
        **_holder_fields(entry.user),
        "title": event.title,
        "event_kind": event.get_kind_display(),
        "starts_on": _date(event.starts_on),
        "ends_on": _date(event.ends_on),
        "venue": event.venue,
        "sessions": _("%(attended)s of %(sessions)s sessions") % {
            "attended": attended.get(entry.user_id, 0), "sessions": sessions},
        "result": _("Attended"),
    }
    return Certificate(kind=Certificate.Kind.ATTENDANCE, holder=entry.user, event=event, title=event.title,
                       fields=fields)


def _holder_fields(user: User) -> dict:
    return {
        "holder_name": user.full_name,
        "birth_date": _date(user.birth_date) if user.birth_date else "",
        "employee_code": user.employee_code,
        "org_unit": user.org_unit.name if user.org_unit else "",
        "position": user.position,
    }


def _issuer_fields(template: CertificateTemplate) -> dict:
    return {
        "issuer_parent": template.issuer_parent,
        "issuer": template.issuer,
        "signer_title": template.signer_title,
        "signer_name": template.signer_name,
    }


def _printed(certificate: Certificate, template: CertificateTemplate) -> dict:
    """The fields every certificate prints besides what it certifies, NFC-normalised with the rest."""
    issued_on = timezone.localdate(certificate.issued_at)
    with translation.override(settings.LANGUAGE_CODE):
        fields = {
            **certificate.fields,
            **_issuer_fields(template),
            "kind": certificate.kind,
            "kind_label": str(Certificate.Kind(certificate.kind).label),
            "number": certificate.number,
            "code": certificate.code,
            "verify_url": verify_url(certificate.code),
            "issued_on": _date(issued_on),
            "place_date": design.place_date_line(settings.CERTIFICATE_PLACE, issued_on),
            "expires_on": _date(timezone.localdate(certificate.expires_at)) if certificate.expires_at else "",
        }
    return {name: unicodedata.normalize("NFC", str(value)) for name, value in fields.items()}


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.strftime("%d/%m/%Y")


def _hours(value) -> str:
    value = Decimal(value or 0)
    return formats.number_format(value.normalize() if value == value.to_integral() else value, use_l10n=True)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def verify_url(code: str) -> str:
    return settings.SITE_URL + reverse("verify", args=[code])


# Rendering, signing and storing ----------------------------------------------


def store_pdfs(certificates: Iterable[Certificate]) -> int:
    """Render, sign and store the PDF of each certificate that has none; returns how many were stored.

    One that fails (a template that cannot render, storage down) is logged and left
    for the sweep; the others are stored and their holders told.
    """
    stored = []
    for certificate in certificates:
        if certificate.is_stored:
            continue
        try:
            if store_pdf(certificate):
                stored.append(certificate)
        except Exception:
            logger.exception("Certificate %s (%s) could not be stored; the sweep will try again",
                             certificate.number, certificate.pk)
    if stored:
        tell_holders(stored)
    return len(stored)


def store_pdf(certificate: Certificate) -> bool:
    """Render, sign and store one PDF. False when another worker stored it first (its file is kept)."""
    from certificates import signing  # pyHanko takes half a second to import: only where PDFs are made
    data = render_signed(certificate)
    # A name of this attempt's own: on object storage "do not overwrite" is not atomic, and a
    # worker that lost the race below deletes its file, never the winner's.
    name = default_storage.save(
        f"certificates/{certificate.year}/{certificate.code}-{secrets.token_hex(4)}.pdf", ContentFile(data)
    )
    digest = hashlib.sha256(data).hexdigest()
    stored = Certificate.objects.filter(pk=certificate.pk, sha256="").update(
        pdf=name, sha256=digest, pdf_size=len(data), signed=signing.signing_configured(),
    )
    if not stored:
        default_storage.delete(name)
        certificate.refresh_from_db()
        return False
    certificate.pdf.name, certificate.sha256, certificate.pdf_size = name, digest, len(data)
    certificate.signed = signing.signing_configured()
    return True


def render_signed(certificate: Certificate) -> bytes:
    from certificates import signing
    template = certificate.template
    data = renderer_for(template).render(certificate.fields)
    return signing.sign_pdf(data)


def tell_holders(certificates: list[Certificate]) -> None:
    """Tell each holder that their certificate is ready: a notice on the site, and an e-mail if they want one."""
    notify_each(Notification.Kind.CERTIFICATE, [
        (certificate.holder_id, "/certificates/", {
            "title": certificate.title, "number": certificate.number, "code": certificate.code,
            "verify_url": certificate.fields.get("verify_url", verify_url(certificate.code))})
        for certificate in certificates
    ])
    Certificate.objects.filter(pk__in=[certificate.pk for certificate in certificates]).update(
        emailed_at=timezone.now())


def sweep() -> int:
    """Finish what was left: completed enrolments and attended rosters with no certificate, PDFs not stored.

    It looks back SWEEP_LOOKBACK only: completions from before certificates
    existed get none unasked (nor a flood of e-mails), and a PDF that keeps
    failing is not retried for ever. It leaves alone what happened in the last
    SWEEP_GRACE, whose own task is likely still queued.
    """
    Enrollment = apps.get_model("courses", "Enrollment")
    RosterEntry = apps.get_model("training", "RosterEntry")
    now = timezone.now()

    def within(field: str) -> dict:
        return {f"{field}__gte": now - SWEEP_LOOKBACK, f"{field}__lt": now - SWEEP_GRACE}

    missing = (
        Enrollment.objects.filter(status="completed", **within("completed_at"))
        .exclude(certificates__cycle=F("cycle"), certificates__kind=Certificate.Kind.COMPLETION)
        .values_list("pk", flat=True)[:5000]
    )
    made = create_completion_certificates(list(missing))
    entries = (
        RosterEntry.objects.filter(attended=True, **within("updated_at"))
        .exclude(user__certificates__event=F("event"), user__certificates__kind=Certificate.Kind.ATTENDANCE)
        .values_list("event_id", "user_id")[:5000]
    )
    by_event: dict[int, list[int]] = {}
    for event_id, user_id in entries:
        by_event.setdefault(event_id, []).append(user_id)
    for event_id, user_ids in by_event.items():
        made += create_attendance_certificates(event_id=event_id, user_ids=user_ids)
    pending = list(Certificate.objects.filter(sha256="", **within("created_at")).values_list("pk", flat=True)[:5000])
    pending = sorted({*pending, *(c.pk for c in made if not c.is_stored)})
    created = len(made)
    for start in range(0, len(pending), RENDER_CHUNK):
        _enqueue("certificates.tasks.store_pdfs", pending[start:start + RENDER_CHUNK])
    # Bulk jobs whose tasks were lost: started again, or finished (the finish renders what is missing).
    quiet = timezone.now() - BULK_STALE_AFTER
    for job_id, status in Job.objects.filter(kind=BULK_JOB, updated_at__lt=quiet, status__in=[
            Job.Status.PENDING, Job.Status.RUNNING]).values_list("pk", "status"):
        _enqueue("certificates.tasks.bulk_issue" if status == Job.Status.PENDING else "certificates.tasks.bulk_finish",
                 job_id)
    return created + len(pending)


def store_pending(certificate_ids: Iterable[int]) -> int:
    certificates = Certificate.objects.filter(pk__in=list(certificate_ids), sha256="").select_related(
        "template", "holder").order_by("pk")
    return store_pdfs(list(certificates))


# Bulk issuing ----------------------------------------------------------------


@transaction.atomic
def start_bulk_issue(*, actor: User, event) -> Job:
    """A job that issues the attendance certificates of everyone who attended, and ends with one ZIP.

    While the caller's last one for this event is still under way, asking again returns that one.
    """
    running = Job.objects.unfinished(owner=actor, kind=BULK_JOB, within=BULK_JOB_REUSE, event=event.pk).first()
    if running is not None:  # asked twice: one ZIP is enough
        return running
    RosterEntry = apps.get_model("training", "RosterEntry")
    total = RosterEntry.objects.filter(event=event, attended=True).count()
    job = Job.objects.create(owner=actor, kind=BULK_JOB, total=total, parameters={"event": event.pk})
    audit.record(actor=actor, action="certificates.bulk_requested", target=event, changes={"people": total})
    after_commit(lambda: _enqueue_or_fail(job, "certificates.tasks.bulk_issue", job.pk))
    return job


def _enqueue_or_fail(job: Job, name: str, *args) -> None:
    try:
        task(name).delay(*args)
    except Exception:
        logger.warning("Could not enqueue %s", name, exc_info=True)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error="broker unavailable",
                                             updated_at=timezone.now())


def run_bulk_issue(job_id: int) -> None:
    """Number every certificate at once, then render them in chunks that workers share."""
    job = Job.objects.get(pk=job_id)
    if job.status in (Job.Status.DONE, Job.Status.FAILED):
        return
    certificates = create_attendance_certificates(event_id=job.parameters["event"])
    ids = sorted(c.pk for c in certificates)
    pending = [c.pk for c in certificates if not c.is_stored]
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, total=len(ids), done=len(ids) - len(pending),
        parameters={**job.parameters, "certificates": ids}, updated_at=timezone.now(),
    )
    if not pending:
        finish_bulk_issue(job.pk)
        return
    for start in range(0, len(pending), RENDER_CHUNK):
        task("certificates.tasks.bulk_render").delay(job.pk, pending[start:start + RENDER_CHUNK])


def bulk_render(job_id: int, certificate_ids: list[int]) -> None:
    """One chunk of a bulk job; the chunk that leaves nothing to render makes the ZIP.

    Progress is counted from the database, so a chunk delivered twice counts once.
    """
    store_pending(certificate_ids)
    job = Job.objects.get(pk=job_id)
    ids = job.parameters.get("certificates", [])
    done = Certificate.objects.filter(pk__in=ids).exclude(sha256="").count()
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(done=done, updated_at=timezone.now())
    if done >= len(ids) and job.status == Job.Status.RUNNING:
        finish_bulk_issue(job_id)


def finish_bulk_issue(job_id: int) -> None:
    """One ZIP of every PDF, for the job's owner; made once even when two chunks finish together.

    The job is claimed in a short transaction and the ZIP made outside any, so
    that no database lock is held while PDFs are read and written.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        claimed = job.parameters.get("finishing_since")
        if job.status in (Job.Status.DONE, Job.Status.FAILED) or (
            claimed and timezone.now() - datetime.fromisoformat(claimed) < BULK_STALE_AFTER
        ):
            return
        job.parameters = {**job.parameters, "finishing_since": timezone.now().isoformat()}
        job.save(update_fields=["parameters", "updated_at"])
    ids = job.parameters.get("certificates", [])
    left = list(Certificate.objects.filter(pk__in=ids, sha256="").values_list("pk", flat=True))
    if left:  # a chunk was lost or is still running: render what is missing here
        store_pending(left)
    unstored = Certificate.objects.filter(pk__in=ids, sha256="").count()
    if unstored:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, updated_at=timezone.now(),
            error=f"{unstored} certificates could not be rendered or stored; see the worker's log",
        )
        return
    event_title = apps.get_model("training", "Event").objects.get(pk=job.parameters["event"]).title
    zip_file = write_zip(Certificate.objects.filter(pk__in=ids).order_by("year", "serial"))
    name = default_storage.save(f"jobs/{timezone.localdate():%Y/%m}/{_slug(event_title)}.zip", File(zip_file))
    zip_file.close()
    Job.objects.filter(pk=job.pk).exclude(status=Job.Status.DONE).update(
        file=name, status=Job.Status.DONE, done=len(ids), updated_at=timezone.now()
    )


def write_zip(certificates: QuerySet[Certificate]):
    """A ZIP of the PDFs in a temporary file, read from storage one at a time (PDFs are compressed: stored)."""
    spooled = tempfile.TemporaryFile()
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates.iterator(chunk_size=200):
            name = f"{certificate.serial:04d}-{certificate.year} {certificate.fields.get('holder_name', '')}.pdf"
            with certificate.pdf.open("rb") as pdf:
                archive.writestr(unicodedata.normalize("NFC", name.replace("/", "-")), pdf.read())
    spooled.seek(0)
    return spooled


def _slug(text: str) -> str:
    keep = "".join(ch if ch.isalnum() else "-" for ch in unicodedata.normalize("NFC", text)).strip("-")
    return "-".join(part for part in keep.split("-") if part)[:80] or "certificates"


# Revocation and verification ---------------------------------------------------


@transaction.atomic
def revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for revoking the certificate.")]})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_revoked:
        return certificate
    certificate.revoked_at, certificate.revoked_reason, certificate.revoked_by = timezone.now(), reason, actor
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit.record(actor=actor, action="certificate.revoked", target=certificate, changes={"reason": reason})
    return certificate


def find(code: str) -> Certificate | None:
    """The stored certificate with this code, however it was typed; None when there is none."""
    canonical = codes.normalise(code)
    if canonical is None:
        return None
    return Certificate.objects.select_related("template").exclude(sha256="").filter(code=canonical).first()


def matches(certificate: Certificate, data: bytes) -> bool:
    """Whether a PDF someone holds is exactly the one issued."""
    return hashlib.sha256(data).hexdigest() == certificate.sha256


# What `status_of` says, as people read it (a certificate whose PDF is not stored yet is "pending").
STATUS_LABELS = {"valid": gettext_lazy("Valid"), "expired": gettext_lazy("Expired"),
                 "revoked": gettext_lazy("Revoked"), "pending": gettext_lazy("Being prepared")}


def status_of(certificate: Certificate) -> str:
    if certificate.is_revoked:
        return "revoked"
    return "expired" if certificate.is_expired() else "valid"


def register_rows(year: int) -> QuerySet[Certificate]:
    return Certificate.objects.filter(year=year).select_related("holder").order_by("register", "serial")


def renewal_due(now: datetime | None = None) -> QuerySet[Certificate]:
    """Completion certificates that expire within CERTIFICATE_RENEWAL_DAYS and whose holder was not told yet."""
    now = now or timezone.now()
    return Certificate.objects.filter(
        kind=Certificate.Kind.COMPLETION, revoked_at__isnull=True, renewal_noticed_at__isnull=True,
        expires_at__isnull=False, expires_at__lte=now + timedelta(days=settings.CERTIFICATE_RENEWAL_DAYS),
    )


def check_pdf(certificate: Certificate, upload) -> tuple[str, bool]:
    """The SHA-256 of an uploaded PDF, read in chunks, and whether it is the one issued."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    hexdigest = digest.hexdigest()
    return hexdigest, hexdigest == certificate.sha256


# Verifiable credentials ----------------------------------------------------------


def status_list_url(list_id: int) -> str:
    return settings.SITE_URL + reverse("api-status-list", args=[list_id])


def status_list_exists(list_id: int) -> bool:
    return list_id >= 1 and Certificate.objects.filter(
        pk__gte=(list_id - 1) * STATUS_LIST_SIZE, pk__lt=list_id * STATUS_LIST_SIZE).exists()


def credential(certificate: Certificate) -> dict:
    """The Open Badges 3.0 credential of a certificate: what it prints, its validity, its status entry."""
    fields = certificate.fields
    description = fields.get("kind_label", "")
    if fields.get("hours"):
        description = f"{description} · {fields['hours']} {_('hours')}"
    return credentials.build_credential(
        code=certificate.code, number=certificate.number, kind=certificate.kind, title=certificate.title,
        description=description, holder_name=fields.get("holder_name", ""),
        holder_email_or_id=certificate.holder.email or None,
        issued_at=certificate.issued_at, expires_at=certificate.expires_at,
        issuer_name=fields.get("issuer", "") or certificate.template.issuer, hours=fields.get("hours") or None,
        verify_url=fields.get("verify_url") or verify_url(certificate.code),
        status_list_url=status_list_url(certificate.status_list), status_index=certificate.status_index,
    )


def credential_jwt(certificate: Certificate) -> str:
    return credentials.sign_credential(credential(certificate))


def status_list_jwt(list_id: int) -> str:
    """The signed status list `list_id`: bit i set when the certificate at index i of that list is revoked."""
    first = (list_id - 1) * STATUS_LIST_SIZE
    revoked = Certificate.objects.filter(
        pk__gte=first, pk__lt=first + STATUS_LIST_SIZE, revoked_at__isnull=False).values_list("pk", flat=True)
    return credentials.sign_status_list(list_url=status_list_url(list_id),
                                        revoked_indexes=[pk - first for pk in revoked])
