"""Invitations: an e-mail with a link where a person with no password sets one.

The link carries a token made like Django's password-reset tokens, with its own
salt (a reset token is no invitation, nor the other way round) and its own
lifetime, `INVITATION_TIMEOUT_DAYS`. Setting the password changes the password
hash the token was made from, so a link works once.

An invitation is sent once: `send_invitations` takes only people still pending,
locks them while it sends, and marks each one invited as soon as their e-mail is
accepted, so a retried or duplicated task sends nothing twice. Neither the link
nor the token is ever logged. An invitation sets a password, so it never goes
to an address its owner has not confirmed (see `accounts.email_confirmation`).
"""

import logging
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from accounts.models import User

logger = logging.getLogger(__name__)

PLATFORM_NAME = _("Administrative-reform training platform")
# People locked and sent to per transaction: short transactions keep row locks
# (and SQLite's single write lock) brief while the mail server is slow.
SEND_BATCH = 50
# Left to the task that the import or the account creation enqueued itself.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_CHUNK = 500


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Password-reset tokens with their own salt and a lifetime of `INVITATION_TIMEOUT_DAYS`.

    Django's `check_token` compares the token's age with `PASSWORD_RESET_TIMEOUT`
    and offers no other setting, so the check is repeated here with ours. A
    deactivated account's invitation no longer works.
    """

    key_salt = "accounts.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token and user.is_active):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return age <= settings.INVITATION_TIMEOUT_DAYS * 24 * 3600


invitation_token_generator = InvitationTokenGenerator()


def invitation_link(person: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(person.pk))
    token = invitation_token_generator.make_token(person)
    return settings.SITE_URL + reverse("invitation-confirm", kwargs={"uidb64": uidb64, "token": token})


def invitation_email(person: User) -> EmailMultiAlternatives:
    """The invitation, in the active language."""
    context = {
        "person": person,
        "platform": PLATFORM_NAME,
        "link": invitation_link(person),
        "days": settings.INVITATION_TIMEOUT_DAYS,
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("accounts/invitation_email_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject, render_to_string("accounts/invitation_email.txt", context), to=[person.email]
    )
    message.attach_alternative(render_to_string("accounts/invitation_email.html", context), "text/html")
    return message


def send_invitations(user_ids: list[int]) -> int:
    """E-mail everyone of `user_ids` whose invitation is pending; returns how many were sent.

    A mail-server failure stops the run: who was sent to so far stays marked,
    the rest stay pending, and the error is raised for the task to retry. An
    address the server refuses is not retried (it would never pass); the
    person stays uninvited until someone corrects the address.
    """
    sent = 0
    connection = get_connection()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for start in range(0, len(user_ids), SEND_BATCH):
                sent += _send_batch(connection, user_ids[start:start + SEND_BATCH])
    finally:
        connection.close()
    return sent


def _send_batch(connection, user_ids: list[int]) -> int:
    with transaction.atomic():
        people = list(
            User.objects.select_for_update(skip_locked=True)
            .filter(pk__in=user_ids, invitation_pending=True, is_active=True, email_confirmed=True)
            .exclude(email="")
            .order_by("pk")
        )
        invited, refused, failure = _deliver(connection, people)
        User.objects.filter(pk__in=invited).update(invitation_pending=False, invited_at=timezone.now())
        User.objects.filter(pk__in=refused).update(invitation_pending=False)
    for pk in refused:
        logger.warning("The mail server refused the invitation to person %s; check their e-mail address.", pk)
    if failure is not None:
        raise failure
    return len(invited)


def _deliver(connection, people: list[User]) -> tuple[list[int], list[int], Exception | None]:
    """Who was sent to, whose address was refused, and the failure that stopped the rest."""
    invited, refused = [], []
    if people:
        connection.open()  # once, and only when there is someone to write to
    for person in people:
        try:
            connection.send_messages([invitation_email(person)])
        except SMTPRecipientsRefused:
            refused.append(person.pk)
        except Exception as error:  # noqa: BLE001 - returned, then raised after the commit for a retry
            return invited, refused, error
        else:
            invited.append(person.pk)
    return invited, refused, None


def pending_invitations() -> list[int]:
    """People whose invitation was stored but not sent, oldest first, for the periodic sweep."""
    return list(
        User.objects.filter(
            invitation_pending=True, is_active=True, email_confirmed=True,
            date_joined__lt=timezone.now() - SWEEP_GRACE,
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
