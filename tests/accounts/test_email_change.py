"""A changed e-mail address opens no account until its owner, signed in, confirms it (defect 4).

HR could change a learner's address and then ask for a password reset to it; or
change an instructor's. Now HR changes learners only, and whoever changes an
address, no reset and no invitation goes there before its owner confirms it.
"""

import re
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts import invitations
from accounts.models import AuditEntry, User
from tests.conftest import client_for, unit
from tests.factories import UserFactory

NEW = "ke.gian@example.com"
PASSWORD = "Mat-Khau-Cua-Hoc-Vien-2026"


@pytest.fixture
def learner_with_password(learner):
    learner.set_password(PASSWORD)
    learner.save(update_fields=["password"])
    return learner


def change_address(actor, person, address, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client_for(actor).patch(f"/api/v1/users/{person.pk}/", {"email": address})


def ask_for_reset(address: str):
    return Client().post("/accounts/password_reset/", {"email": address})


def reset_mails(mailoutbox, address: str) -> list:
    return [message for message in mailoutbox if message.to == [address] and "/accounts/reset/" in message.body]


def confirmation_path(mailoutbox, address: str) -> str:
    message = next(message for message in mailoutbox if message.to == [address] and "/email/confirm/" in message.body)
    return re.search(r"https?://[^/\s]+(/accounts/email/confirm/\S+/)", message.body).group(1)


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_hr_changes_a_learners_address_and_no_reset_goes_there_until_its_owner_confirms_it(
    hr_babe, learner_with_password, mailoutbox, django_capture_on_commit_callbacks
):
    learner, old = learner_with_password, learner_with_password.email
    response = change_address(hr_babe, learner, NEW, django_capture_on_commit_callbacks)
    assert response.status_code == 200, response.content
    ask_for_reset(NEW)
    assert reset_mails(mailoutbox, NEW) == []
    assert (response.json()["email"], response.json()["email_confirmed"]) == (NEW, False)

    owner = signed_in(learner)
    path = confirmation_path(mailoutbox, NEW)
    page = owner.get(path)
    assert page.status_code == 200 and "Xác nhận địa chỉ thư điện tử" in page.content.decode()
    learner.refresh_from_db()
    assert learner.email_confirmed is False  # opening the link changes nothing
    assert "đã được xác nhận" in owner.post(path).content.decode()
    learner.refresh_from_db()
    assert learner.email_confirmed is True
    assert AuditEntry.objects.filter(action="user.email_confirmed", target_id=str(learner.pk)).exists()

    ask_for_reset(NEW)
    assert len(reset_mails(mailoutbox, NEW)) == 1
    assert reset_mails(mailoutbox, old) == []


def test_the_old_address_is_told_of_the_change_and_the_new_one_gets_the_link(
    hr_babe, learner_with_password, mailoutbox, django_capture_on_commit_callbacks
):
    learner = learner_with_password
    old = learner.email
    change_address(hr_babe, learner, NEW, django_capture_on_commit_callbacks)
    notice = next(message for message in mailoutbox if message.to == [old])
    assert NEW in notice.body and "/email/confirm/" not in notice.body
    assert "đã được đổi" in notice.subject
    confirmation = next(message for message in mailoutbox if message.to == [NEW])
    assert "Xác nhận" in confirmation.subject and learner.username in confirmation.body


def test_whoever_sets_the_address_cannot_confirm_it_for_its_owner(
    hr_babe, learner_with_password, mailoutbox, django_capture_on_commit_callbacks
):
    learner = learner_with_password
    change_address(hr_babe, learner, NEW, django_capture_on_commit_callbacks)
    path = confirmation_path(mailoutbox, NEW)
    anonymous = Client().post(path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert "Liên kết này không dùng được" in signed_in(hr_babe).post(path).content.decode()
    learner.refresh_from_db()
    assert learner.email_confirmed is False


def test_a_link_stops_working_when_the_address_changes_again_or_it_grows_too_old(
    hr_babe, learner_with_password, mailoutbox, django_capture_on_commit_callbacks, settings
):
    learner = learner_with_password
    change_address(hr_babe, learner, NEW, django_capture_on_commit_callbacks)
    first = confirmation_path(mailoutbox, NEW)
    change_address(hr_babe, learner, "hoc.vien@backan.gov.vn", django_capture_on_commit_callbacks)
    assert "Liên kết này không dùng được" in signed_in(learner).post(first).content.decode()

    second = confirmation_path(mailoutbox, "hoc.vien@backan.gov.vn")
    later = time.time() + settings.EMAIL_CONFIRMATION_TIMEOUT_DAYS * 86400 + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert "Liên kết này không dùng được" in signed_in(learner).post(second).content.decode()
    learner.refresh_from_db()
    assert learner.email_confirmed is False


def test_a_change_in_letter_case_only_keeps_the_address_confirmed(
    admin_user, learner, mailoutbox, django_capture_on_commit_callbacks
):
    learner.email = "Hoc.Vien@Example.gov.vn"
    learner.save(update_fields=["email"])
    change_address(admin_user, learner, "hoc.vien@example.gov.vn", django_capture_on_commit_callbacks)
    learner.refresh_from_db()
    assert (learner.email, learner.email_confirmed) == ("hoc.vien@example.gov.vn", True)
    assert mailoutbox == []


@pytest.mark.parametrize("role", ["instructor", "hr", "admin"])
def test_hr_cannot_change_anyone_with_a_role_above_learner_in_their_scope(hr_babe, province, role):
    person = UserFactory(org_unit=unit("BABE-TG"), roles=["learner", role])
    response = client_for(hr_babe).patch(f"/api/v1/users/{person.pk}/", {"email": NEW})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.email != NEW


def test_hr_cannot_change_or_reactivate_a_deactivated_administrator(hr_babe, province):
    former = UserFactory(org_unit=unit("BABE-TG"), roles=["admin"], is_active=False)
    response = client_for(hr_babe).patch(f"/api/v1/users/{former.pk}/", {"email": NEW, "is_active": True})
    assert response.status_code == 403
    former.refresh_from_db()
    assert former.is_active is False and former.email != NEW


def test_an_administrator_changes_an_instructor_whose_new_address_still_waits_for_confirmation(
    admin_user, province, mailoutbox, django_capture_on_commit_callbacks
):
    instructor = UserFactory(org_unit=unit("BABE-TG"), roles=["instructor"])
    instructor.set_password(PASSWORD)
    instructor.save(update_fields=["password"])
    response = change_address(admin_user, instructor, NEW, django_capture_on_commit_callbacks)
    assert response.status_code == 200, response.content
    instructor.refresh_from_db()
    assert (instructor.email, instructor.email_confirmed) == (NEW, False)


def test_an_invitation_never_goes_to_an_unconfirmed_address(hr_babe, learner_with_password, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    learner = learner_with_password
    User.objects.filter(pk=learner.pk).update(invitation_pending=True)
    change_address(hr_babe, learner, NEW, django_capture_on_commit_callbacks)
    assert invitations.send_invitations([learner.pk]) == 0
    assert learner.pk not in invitations.pending_invitations()
    assert not [message for message in mailoutbox if "/invite/" in message.body]


def import_file(actor, *rows: str, django_capture_on_commit_callbacks):
    content = "\n".join(["username,full_name,email,employee_code,org_unit", *rows]) + "\n"
    file = SimpleUploadedFile("can-bo.csv", content.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        return client_for(actor).post("/api/v1/users/import/", {"file": file}, format="multipart")


def test_an_import_that_changes_an_address_needs_its_owners_confirmation_too(
    hr_babe, learner_with_password, mailoutbox, django_capture_on_commit_callbacks
):
    learner, old = learner_with_password, learner_with_password.email
    row = f"hocvien,{learner.full_name},{NEW},{learner.employee_code},BABE-TG"
    response = import_file(hr_babe, row, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert response.json() == {"created": 0, "updated": 1}
    learner.refresh_from_db()
    assert (learner.email, learner.email_confirmed) == (NEW, False)
    assert any(message.to == [old] for message in mailoutbox)
    ask_for_reset(NEW)
    assert reset_mails(mailoutbox, NEW) == []
    signed_in(learner).post(confirmation_path(mailoutbox, NEW))
    ask_for_reset(NEW)
    assert len(reset_mails(mailoutbox, NEW)) == 1


def test_an_import_by_hr_cannot_change_an_instructor(hr_babe, province, django_capture_on_commit_callbacks):
    instructor = UserFactory(username="giangvien", org_unit=unit("BABE-TG"), roles=["instructor"])
    row = f"giangvien,{instructor.full_name},{NEW},{instructor.employee_code},BABE-TG"
    response = import_file(hr_babe, row, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["username"]
    instructor.refresh_from_db()
    assert instructor.email != NEW


def test_hr_corrects_the_address_of_someone_invited_who_never_signed_in_and_the_invitation_goes_there(
    hr_babe, learner, mailoutbox, django_capture_on_commit_callbacks
):
    learner.set_unusable_password()
    learner.invitation_pending = True
    learner.save(update_fields=["password", "invitation_pending"])
    change_address(hr_babe, learner, NEW, django_capture_on_commit_callbacks)
    learner.refresh_from_db()
    assert (learner.email, learner.email_confirmed) == (NEW, True)
    assert invitations.send_invitations([learner.pk]) == 1
    assert [message.to for message in mailoutbox if "/invite/" in message.body] == [[NEW]]
