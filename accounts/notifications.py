"""Notices of what a person must act on: stored for the site's list, and e-mailed to those who want them.

`notify` is the one way to tell people something: the course, certificate and quiz
services call it. It writes one row per person in a few `bulk_create` batches,
whatever their number, and after the commit a Celery task e-mails the notice, in
each person's own language, to those who have an address and did not turn e-mail
off for that kind. The words are rendered from the kind and its parameters when
read, so the list follows the reader's language.
"""

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from functools import partial
from smtplib import SMTPException, SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Notification, User
from accounts.queue import task

logger = logging.getLogger(__name__)

Kind = Notification.Kind
BATCH = 2000
# Notices whose e-mails one task sends.
MAILS_PER_TASK = 500
# Parameters that hold a date, stored as ISO text and shown the way the reader's language writes dates.
DATE_PARAMETERS = ("due_date", "expires_on")
# The sweep re-sends the e-mails of notices older than SWEEP_AFTER (their task was lost) and younger than SWEEP_WITHIN.
SWEEP_AFTER, SWEEP_WITHIN = timedelta(minutes=10), timedelta(days=2)


def notify(recipients: Iterable[User | int], kind: str, *, url: str, **parameters) -> list[int]:
    """Tell these people (users or their ids) the same thing of `kind`, with a link to act on it; returns the new ids.

    `parameters` are what the kind's words need (see `render_title`), JSON values
    or dates. The e-mails go once the caller's transaction commits.
    """
    ids = sorted({recipient if isinstance(recipient, int) else recipient.pk for recipient in recipients})
    return notify_each(kind, [(pk, url, parameters) for pk in ids])


def notify_each(kind: str, notices: Iterable[tuple[User | int, str, dict]]) -> list[int]:
    """Like `notify`, with a link and parameters of each person's own: (recipient, url, parameters) each."""
    Kind(kind)  # a kind with no words is a programming error: fail here, not when read
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(recipient_id=recipient if isinstance(recipient, int) else recipient.pk, kind=kind,
                         url=url, parameters=_stored(parameters), created_at=now)
            for recipient, url, parameters in notices
        ],
        batch_size=BATCH,
    )
    ids = [notification.pk for notification in created]
    for start in range(0, len(ids), MAILS_PER_TASK):
        after_commit(partial(_enqueue_mails, ids[start:start + MAILS_PER_TASK]))
    return ids


def _enqueue_mails(ids: list[int]) -> None:
    try:
        task("accounts.tasks.send_notification_mails").delay(ids)
    except Exception:  # the broker is down: the sweep sends them later, from the database
        logger.warning("Could not enqueue %s notice e-mails; the sweep will send them", len(ids), exc_info=True)


def send_pending_mails(now=None) -> int:
    """Enqueues the e-mails of notices the queue lost (made over SWEEP_AFTER ago, within SWEEP_WITHIN); returns how many.

    A notice whose person wants no e-mail stays unsent and is looked at again by
    each sweep until it is older than SWEEP_WITHIN, which keeps the sweep small.
    """
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True, created_at__lt=now - SWEEP_AFTER, created_at__gte=now - SWEEP_WITHIN,
            recipient__is_active=True, recipient__email_confirmed=True,
        ).exclude(recipient__email="").order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), MAILS_PER_TASK):
        _enqueue_mails(ids[start:start + MAILS_PER_TASK])
    return len(ids)


def _stored(parameters: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in parameters.items()}


def mark_read(notification: Notification) -> Notification:
    """The notice marked read now, unless it was already (its first reading is kept)."""
    if notification.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            notification.read_at = now
        else:
            notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, user: User) -> int:
    """Every unread notice of this person marked read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user: User) -> int:
    """From `with_unread_count` when the person was loaded with it, else one query."""
    counted = getattr(user, "unread_notification_count", None)
    if counted is not None:
        return counted
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def with_unread_count(people: QuerySet[User]) -> QuerySet[User]:
    """These people, each with `unread_notification_count`, in the same query."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True).order_by()
        .values("recipient").annotate(count=Count("pk")).values("count")
    )
    return people.annotate(unread_notification_count=Coalesce(Subquery(unread), 0))


def after_commit(callback) -> None:
    """E-mails wait for the commit: the task reads the rows, and a rolled-back notice is never sent."""
    transaction.on_commit(callback)


def send_mails(notification_ids: list[int]) -> int:
    """E-mail these notices to those who want them, over one connection; returns how many were sent.

    Each notice is claimed (`emailed_at` set where it was empty) just before its
    message goes, so two tasks holding the same notice (a retry, the sweep) never
    both send it. A refused address is not tried again, nor is a message that
    cannot be made; a connection failure gives the notice back and raises, so the
    task is retried from there (what was sent stays sent).
    """
    notifications = [
        notification for notification in Notification.objects.filter(
            pk__in=notification_ids, emailed_at__isnull=True, recipient__is_active=True,
            recipient__email_confirmed=True,
        ).exclude(recipient__email="").select_related("recipient").order_by("pk")
        if notification.recipient.wants_email(notification.kind)
    ]
    if not notifications:
        return 0
    sent = 0
    connection = get_connection()
    connection.open()
    try:
        for notification in notifications:
            unsent = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True)
            if not unsent.update(emailed_at=timezone.now()):
                continue  # another task took it
            try:
                connection.send_messages([email(notification)])
            except SMTPRecipientsRefused:
                logger.warning("The mail server refused the address of notice %s", notification.pk)
            except (SMTPException, OSError):
                Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
                raise
            except Exception:  # a message that cannot be made would fail again: logged, not retried
                logger.exception("Notice %s could not be e-mailed", notification.pk)
            else:
                sent += 1
    finally:
        connection.close()
    return sent


def email(notification: Notification) -> EmailMessage:
    """The notice as an e-mail in its recipient's language."""
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {"notification": notification, "recipient": recipient, "site_url": settings.SITE_URL,
                   "title": notification.title, "text": notification.text}
        body = render_to_string("accounts/notification_email.txt", context)
        # A subject is one line: a title typed with a line break would make the message impossible to send.
        return EmailMessage(" ".join(context["title"].split()), body, to=[recipient.email])


# The words of each kind, in the active language ------------------------------


def render_title(notification: Notification) -> str:
    values = _values(notification)
    kind = notification.kind
    if kind == Kind.ASSIGNMENT:
        return _("New mandatory course: %(course)s") % values
    if kind == Kind.DUE_SOON:
        if values.get("days", 0) == 0:
            return _("Due today: %(title)s") % {"title": values["course"]}
        return ngettext("Due in %(days)s day: %(title)s", "Due in %(days)s days: %(title)s", values["days"]) % {
            "days": values["days"], "title": values["course"]}
    if kind == Kind.CERTIFICATE:
        if values.get("expires_on"):
            return _("Renew your certificate: %(title)s") % values
        return _("Your certificate: %(title)s") % values
    if kind == Kind.GRADE:
        return _("Your result is ready: %(quiz)s") % values
    return _("Reminder from HR: %(course)s") % values


def render_text(notification: Notification) -> str:
    values = _values(notification)
    kind = notification.kind
    if kind == Kind.ASSIGNMENT:
        return _("You have been assigned the mandatory course “%(course)s”. Complete it by "
                 "%(due_date)s.") % values
    if kind == Kind.DUE_SOON:
        return _("The mandatory course “%(course)s” is due on %(due_date)s, and you have not "
                 "completed it yet.") % values
    if kind == Kind.CERTIFICATE:
        if values.get("expires_on"):
            return _("Your certificate %(number)s for “%(title)s” expires on %(expires_on)s. You have "
                     "been enrolled in the course again: complete it by that date to receive a new "
                     "certificate.") % values
        return _("Your certificate for “%(title)s” has been issued (number %(number)s).") % values
    if kind == Kind.GRADE:
        return _("Your answers to “%(quiz)s” have been graded. See your result.") % values
    return _("Your HR officer reminds you to complete the mandatory course “%(course)s” by "
             "%(due_date)s.") % values


def _values(notification: Notification) -> dict:
    values = dict(notification.parameters)
    for key in DATE_PARAMETERS:
        if values.get(key):
            values[key] = formats.date_format(parse_date(values[key]), "d/m/Y")
    return values
