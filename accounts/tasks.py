"""Celery tasks of accounts: a few lines each, the work is in `invitations`, `email_confirmation`, `notifications`."""

from smtplib import SMTPException

from celery import shared_task

from accounts import email_confirmation, invitations, notifications

# A mail server that is down or refusing connections now is tried again later,
# waiting longer each time (1, 2, 4 ... minutes, at most an hour).
MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(acks_late=True, **MAIL_RETRY)
def send_invitations(user_ids: list[int]) -> None:
    """E-mails each person still pending an invitation to set their password."""
    invitations.send_invitations(list(user_ids))


@shared_task(acks_late=True)
def send_pending_invitations() -> None:
    """Sweeps invitations that were stored but never sent, a task per chunk of people."""
    pending = invitations.pending_invitations()
    for start in range(0, len(pending), invitations.SWEEP_CHUNK):
        send_invitations.delay(pending[start:start + invitations.SWEEP_CHUNK])


@shared_task(acks_late=True, **MAIL_RETRY)
def send_address_change_mails(changes: list[list]) -> None:
    """E-mails the confirmation link to each changed address and the notice to the address it replaced."""
    email_confirmation.send_address_change_mails([(pk, old) for pk, old in changes])


@shared_task(acks_late=True, **MAIL_RETRY)
def send_notification_mails(notification_ids: list[int]) -> None:
    """E-mails these notices to the people who want them by e-mail."""
    notifications.send_mails(list(notification_ids))


@shared_task(acks_late=True)
def send_pending_notification_mails() -> int:
    """The periodic sweep: notice e-mails whose task the broker lost."""
    return notifications.send_pending_mails()
