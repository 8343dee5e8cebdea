import logging

import pytest
from django.db import DatabaseError, transaction

from accounts import audit
from accounts.models import AuditEntry
from config.logging import redact
from tests.conftest import client_for


@pytest.fixture
def entry(learner):
    return audit.record(actor=learner, action="test.done", target=learner, changes={"a": 1})


def test_entries_cannot_be_changed_through_the_model(entry):
    entry.action = "rewritten"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_the_database_refuses_updates_and_deletes(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.done"


def test_secrets_never_reach_an_entry(learner):
    logged = audit.record(
        actor=learner, action="test.done", changes={"password": "p", "new_token": "t", "nested": {"secret": "s", "ok": 1}}
    )
    assert logged.changes == {"nested": {"ok": 1}}


def test_deleting_a_person_keeps_their_entries(entry, learner):
    learner.hr_scope.clear()
    learner.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert kept.actor_username == "hocvien"


def test_admins_browse_the_log_and_others_cannot(admin_user, hr_babe, entry):
    response = client_for(admin_user).get("/api/v1/audit-log/?action=test.done")
    assert response.status_code == 200
    assert [row["action"] for row in response.json()["results"]] == ["test.done"]
    assert client_for(hr_babe).get("/api/v1/audit-log/").status_code == 403


def test_the_admin_site_shows_the_log_read_only(admin_user, entry, client):
    client.force_login(admin_user)
    assert client.get("/admin/accounts/auditentry/").status_code == 200
    page = client.get(f"/admin/accounts/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="action"' not in page.content


def test_log_lines_never_carry_passwords_or_tokens(caplog):
    assert "hunter2" not in redact("password=hunter2&username=lan")
    assert "abc123" not in redact("Authorization: Token abc123")
    logger = logging.getLogger("tests.redaction")
    from config.logging import RedactSecrets

    logger.addFilter(RedactSecrets())
    with caplog.at_level(logging.INFO):
        logger.info("sign-in with %s", "password=hunter2")
    assert "hunter2" not in caplog.text


def test_invitation_and_reset_links_are_redacted_in_logs():
    line = '"GET /accounts/invite/MTIz/c9x-abcdef0123456789/ HTTP/1.1" 200'
    assert "c9x-abcdef0123456789" not in redact(line)
    assert "/accounts/reset/MTIz/set-password/" in redact("/accounts/reset/MTIz/set-password/")
