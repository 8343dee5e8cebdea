"""A changed e-mail address waits for its owner's confirmation before it may open the account.

Whoever changes a person's address (HR, an administrator, an import, the person
themselves), the new address is stored at once, and is what the API shows, but
is marked unconfirmed: no password reset and no invitation goes to it. The one
exception is a person who has never set a password (an invitation not yet
taken up): their corrected address is used at once. The new
address gets a link, the old one a notice of the change. The link confirms the
address only for its owner signed in: whoever set the address may well read the
mail sent to it, so following the link proves nothing on its own.

The link carries the person's id signed with a salt that holds the address, so
it stops working once the address changes again, and it expires after
`EMAIL_CONFIRMATION_TIMEOUT_DAYS`. Neither the link nor the token is logged.
"""

import logging
from functools import partial
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.invitations import PLATFORM_NAME
from accounts.models import User
from accounts.queue import task

SALT = "accounts.email_confirmation"
logger = logging.getLogger(__name__)

# Changes whose mails one task sends (an import may change many addresses at once).
MAILS_PER_TASK = 500


def is_new_address(old: str, new: str) -> bool:
    """Whether `new` is another mailbox than `old` (the case of the letters does not matter)."""
    return old.strip().lower() != new.strip().lower()


def addresses_changed(changes: list[tuple[User, str]]) -> None:
    """Mark each person's new address unconfirmed and, after the commit, mail both addresses.

    `changes` holds each person, already carrying the new address, with their old
    one. The caller saves `email_confirmed` with the address.
    """
    for person, _old in changes:
        # Someone who never set a password has no account yet to take over: HR, who
        # may correct a mistyped address, could have imported them with any address.
        # Their invitation goes to the corrected one, and no confirmation is asked
        # (they could not sign in to give it).
        person.email_confirmed = not person.email or not person.has_usable_password()
    send_address_change_mails = task("accounts.tasks.send_address_change_mails")
    pairs = [(person.pk, old) for person, old in changes]
    for start in range(0, len(pairs), MAILS_PER_TASK):
        transaction.on_commit(partial(send_address_change_mails.delay, pairs[start:start + MAILS_PER_TASK]))


def confirmation_token(person: User) -> str:
    return signing.dumps(person.pk, salt=_salt(person.email))


def token_confirms(person: User, token: str) -> bool:
    """Whether `token` was made for this person and their present address, and is not too old."""
    if not person.email:
        return False
    try:
        pk = signing.loads(token, salt=_salt(person.email), max_age=settings.EMAIL_CONFIRMATION_TIMEOUT_DAYS * 86400)
    except signing.BadSignature:  # also an expired one
        return False
    return pk == person.pk


def _salt(address: str) -> str:
    return f"{SALT}:{address.strip().lower()}"


def confirmation_link(person: User) -> str:
    return settings.SITE_URL + reverse("email-confirm", kwargs={"token": confirmation_token(person)})


def send_address_change_mails(changes: list[tuple[int, str]]) -> None:
    """The confirmation link to each new address still unconfirmed, and the notice to each old address.

    An address the mail server refuses is skipped (it would never pass); any
    other failure is raised for the task to retry.
    """
    people = User.objects.in_bulk([pk for pk, _old in changes])
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            (pk, message) for pk, old in changes if pk in people for message in _mails(people[pk], old)
        ]
    if not messages:
        return
    with get_connection() as connection:
        for pk, message in messages:
            try:
                connection.send_messages([message])
            except SMTPRecipientsRefused:
                logger.warning("The mail server refused a mail about the changed address of person %s.", pk)


def _mails(person: User, old: str) -> list[EmailMessage]:
    mails = []
    if person.email and not person.email_confirmed:
        mails.append(_confirmation_email(person))
    if old and is_new_address(old, person.email):
        mails.append(_change_notice(person, old))
    return mails


def _confirmation_email(person: User) -> EmailMessage:
    context = {
        "person": person, "platform": PLATFORM_NAME, "link": confirmation_link(person),
        "days": settings.EMAIL_CONFIRMATION_TIMEOUT_DAYS, "site_url": settings.SITE_URL,
    }
    body = render_to_string("accounts/email_confirmation_email.txt", context)
    return EmailMessage(_("Confirm your e-mail address"), body, to=[person.email])


def _change_notice(person: User, old: str) -> EmailMessage:
    context = {"person": person, "platform": PLATFORM_NAME, "new_address": person.email, "site_url": settings.SITE_URL}
    body = render_to_string("accounts/email_change_notice.txt", context)
    return EmailMessage(_("The e-mail address of your account was changed"), body, to=[old])
