"""Invitations: the e-mail to a person with no password, and the page where they set one."""

import logging
import re
import smtplib
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone, translation

from accounts import invitations
from accounts.invitations import invitation_token_generator
from accounts.models import AuditEntry, User
from accounts.tasks import send_invitations, send_pending_invitations
from tests.conftest import client_for, unit
from tests.factories import UserFactory

NEW_PASSWORD = "Rừng-xanh-Ba-Bể-2024"


@pytest.fixture
def invited(province):
    """A person imported a minute and a half ago whose invitation has not gone yet."""
    return UserFactory(
        username="nvan", full_name="Nguyễn Văn An", email="an@backan.gov.vn", org_unit=unit("BABE"),
        invitation_pending=True, date_joined=timezone.now() - timedelta(seconds=90),
    )


def link_in(message) -> str:
    [link] = set(re.findall(r"https?://\S+/accounts/invite/\S+/\S+/", message.body))
    assert link.startswith(settings.SITE_URL)
    return link[len(settings.SITE_URL):]


def import_one(admin_user, django_capture_on_commit_callbacks):
    file = "username,full_name,email,employee_code,org_unit\nnvan,Nguyễn Văn An,an@backan.gov.vn,BK-1,BABE\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            "/api/v1/users/import/", {"file": SimpleUploadedFile("ds.csv", file.encode())}, format="multipart"
        )
    assert response.status_code == 200, response.content
    return User.objects.get(username="nvan")


def test_an_imported_person_gets_one_invitation_and_sets_a_password_with_its_link(
    client, admin_user, province, django_capture_on_commit_callbacks, mailoutbox
):
    person = import_one(admin_user, django_capture_on_commit_callbacks)
    [message] = mailoutbox
    assert message.to == ["an@backan.gov.vn"]
    assert "Nguyễn Văn An" in message.body and "nvan" in message.body
    assert str(invitations.PLATFORM_NAME) in message.subject
    person.refresh_from_db()
    assert person.invitation_pending is False and person.invited_at is not None

    form_page = client.get(link_in(message), follow=True)
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    response = client.post(form_page.wsgi_request.path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert authenticate(username="nvan", password=NEW_PASSWORD) == person


def test_the_link_works_only_once(client, invited, mailoutbox):
    send_invitations([invited.pk])
    link = link_in(mailoutbox[0])
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    again = client.get(link, follow=True)
    assert again.status_code == 200
    assert 'name="new_password1"' not in again.content.decode()
    assert "This invitation no longer works" in again.content.decode()


def test_the_link_still_works_after_the_password_reset_timeout_but_not_after_the_invitation_timeout(
    invited, monkeypatch
):
    token = invitation_token_generator.make_token(invited)
    days_later = datetime.now() + timedelta(days=settings.INVITATION_TIMEOUT_DAYS - 1)
    monkeypatch.setattr(invitation_token_generator, "_now", lambda: days_later)
    assert settings.PASSWORD_RESET_TIMEOUT < (settings.INVITATION_TIMEOUT_DAYS - 1) * 24 * 3600
    assert invitation_token_generator.check_token(invited, token) is True
    too_late = datetime.now() + timedelta(days=settings.INVITATION_TIMEOUT_DAYS, hours=1)
    monkeypatch.setattr(invitation_token_generator, "_now", lambda: too_late)
    assert invitation_token_generator.check_token(invited, token) is False


def test_a_password_reset_token_is_not_an_invitation_nor_the_other_way_round(invited):
    assert invitation_token_generator.check_token(invited, default_token_generator.make_token(invited)) is False
    assert default_token_generator.check_token(invited, invitation_token_generator.make_token(invited)) is False


def test_a_deactivated_person_cannot_use_their_invitation(invited):
    token = invitation_token_generator.make_token(invited)
    invited.is_active = False
    assert invitation_token_generator.check_token(invited, token) is False


def test_the_invitation_is_written_in_the_platform_language_whatever_the_caller_speaks(invited, mailoutbox):
    with translation.override("en"):
        send_invitations([invited.pk])
    [message] = mailoutbox
    html, _type = message.alternatives[0]
    assert f'lang="{settings.LANGUAGE_CODE}"' in html
    assert link_in(message) in html


def test_a_second_run_sends_nothing(invited, mailoutbox):
    send_invitations([invited.pk])
    send_invitations([invited.pk])
    assert len(mailoutbox) == 1


def test_nobody_without_an_e_mail_address_or_not_pending_is_sent_anything(province, mailoutbox):
    no_address = UserFactory(email="", invitation_pending=True)
    not_pending = UserFactory(invitation_pending=False)
    assert invitations.send_invitations([no_address.pk, not_pending.pk]) == 0
    assert mailoutbox == []


def test_the_sweep_sends_pending_invitations_it_finds_but_leaves_the_newest_to_their_own_task(
    invited, province, mailoutbox
):
    just_created = UserFactory(username="moi", invitation_pending=True)
    send_pending_invitations()
    assert [message.to for message in mailoutbox] == [["an@backan.gov.vn"]]
    invited.refresh_from_db()
    just_created.refresh_from_db()
    assert (invited.invitation_pending, just_created.invitation_pending) == (False, True)


def test_a_mail_server_failure_leaves_the_unsent_pending_for_a_retry(province, mailoutbox, monkeypatch):
    first, second = (
        UserFactory(invitation_pending=True, full_name=name) for name in ("Người Thứ Nhất", "Người Thứ Hai")
    )
    real_send = EmailBackend.send_messages

    def send_then_fail(self, messages):
        if mailoutbox:
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_then_fail)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        invitations.send_invitations([first.pk, second.pk])
    pending = dict(User.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "invitation_pending"))
    assert pending == {first.pk: False, second.pk: True}
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert invitations.send_invitations([first.pk, second.pk]) == 1
    assert len(mailoutbox) == 2


def test_an_address_the_mail_server_refuses_is_not_tried_again(invited, mailoutbox, monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({invited.email: (550, b"no such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert invitations.send_invitations([invited.pk]) == 0
    invited.refresh_from_db()
    assert (invited.invitation_pending, invited.invited_at) == (False, None)


def test_neither_the_link_nor_the_token_reaches_a_log_or_the_audit_log(
    client, admin_user, province, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    caplog.set_level(logging.DEBUG)
    import_one(admin_user, django_capture_on_commit_callbacks)
    link = link_in(mailoutbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert token not in caplog.text and NEW_PASSWORD not in caplog.text
    for entry in AuditEntry.objects.all():
        assert token not in str(entry.changes) and NEW_PASSWORD not in str(entry.changes)
