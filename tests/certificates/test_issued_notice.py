"""A holder is told of a certificate once its PDF is stored: a notice on the site, an e-mail if they want one."""

import pytest
from django.core import mail

from accounts.models import Notification
from certificates.models import Certificate
from tests.certificates.test_issuing import completed
from tests.courses.conftest import build_course
from tests.factories import UserFactory


@pytest.fixture
def course(province):
    return build_course(UserFactory(roles=["instructor"]), completion_rule="lessons", lessons=2)


def test_a_stored_certificate_is_a_notice_linking_to_my_certificates(learner, course):
    enrollment = completed(learner, course)
    certificate = Certificate.objects.get(enrollment=enrollment)

    [notice] = Notification.objects.filter(recipient=learner, kind="certificate")
    assert notice.url == "/certificates/"
    assert certificate.title in notice.title and certificate.number in notice.text
    assert certificate.emailed_at is not None
    assert [message.to for message in mail.outbox] == [[learner.email]]


def test_a_holder_who_turned_certificate_mails_off_gets_the_notice_only(learner, course):
    learner.email_muted = ["certificate"]
    learner.save()
    completed(learner, course)

    assert Notification.objects.filter(recipient=learner, kind="certificate").count() == 1
    assert mail.outbox == []


def test_an_english_reader_gets_the_mail_in_english(learner, course):
    learner.language = "en"
    learner.save()
    completed(learner, course)

    [message] = mail.outbox
    assert message.subject.startswith("Your certificate:") and "Dear Nông Văn Học," in message.body
