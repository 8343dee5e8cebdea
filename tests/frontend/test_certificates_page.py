"""`/certificates/`: each of my certificates with its validity in words, its PDF, credential and verify link.

The list, the PDF route and the credential are also covered in tests/certificates/test_pages.py.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from certificates import services
from certificates.models import Certificate
from tests.certificates.test_pages import issue, make_course


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def items(html: str) -> list[str]:
    return re.findall(r'<li class="certificate-item">.*?</li>', html, re.S)


def test_each_certificate_shows_its_title_kind_number_date_and_downloads(learner):
    certificate = issue(learner, make_course(title="Kỹ năng số cho công chức"))
    [item] = items(signed_in(learner).get("/certificates/").content.decode())
    assert "Kỹ năng số cho công chức" in item and "Hoàn thành khóa học" in item
    assert certificate.number in item
    assert timezone.localtime(certificate.issued_at).strftime("%d/%m/%Y") in item
    assert f'href="/api/v1/certificates/{certificate.code}/pdf/" download' in item


def test_a_valid_certificate_says_so_and_until_when(learner):
    certificate = issue(learner)
    until = timezone.now() + timedelta(days=400)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=until)
    [item] = items(signed_in(learner).get("/certificates/").content.decode())
    assert "Còn hiệu lực" in item
    assert f"Có giá trị đến:</dt><dd>{timezone.localtime(until):%d/%m/%Y}" in item


def test_an_expired_certificate_says_on_which_day(learner):
    certificate = issue(learner)
    expired = timezone.now() - timedelta(days=3)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=expired)
    [item] = items(signed_in(learner).get("/certificates/").content.decode())
    assert f"Hết hạn ngày {timezone.localtime(expired):%d/%m/%Y}" in item
    assert "Còn hiệu lực" not in item


def test_a_revoked_certificate_says_so_with_the_reason(learner, admin_user):
    certificate = issue(learner)
    services.revoke(actor=admin_user, certificate=certificate, reason="Cấp nhầm người <b>")
    [item] = items(signed_in(learner).get("/certificates/").content.decode())
    assert "Đã thu hồi" in item and "Còn hiệu lực" not in item
    assert f"Đã thu hồi ngày {timezone.localdate():%d/%m/%Y}." in item
    assert "Lý do:" in item and escape("Cấp nhầm người <b>") in item


def test_the_public_verification_link_is_given_in_full_to_share(learner, settings):
    certificate = issue(learner)
    [item] = items(signed_in(learner).get("/certificates/").content.decode())
    address = f"{settings.SITE_URL}/verify/{certificate.code}/"
    assert f'href="{address}">{address}</a>' in item
    assert f'href="/verify/{certificate.code}/"' in item and certificate.code in item


def test_a_certificate_whose_pdf_is_not_stored_yet_is_counted_not_listed(learner):
    stored = issue(learner, make_course(1, title="Đã có PDF"))
    waiting = issue(learner, make_course(2, title="Chưa có PDF"))
    Certificate.objects.filter(pk=waiting.pk).update(sha256="")
    html = signed_in(learner).get("/certificates/").content.decode()
    assert [stored.code in item for item in items(html)] == [True]
    assert "Chưa có PDF" not in html and waiting.code not in html
    assert "1 giấy chứng nhận đang được tạo và ký" in html


def test_with_only_certificates_being_made_the_page_says_so_and_no_empty_state(learner):
    waiting = issue(learner)
    Certificate.objects.filter(pk=waiting.pk).update(sha256="")
    html = signed_in(learner).get("/certificates/").content.decode()
    assert "đang được tạo và ký" in html and "Chưa có giấy chứng nhận nào." not in html


def test_someone_elses_certificates_are_not_shown(learner, outsider):
    theirs = issue(outsider)
    html = signed_in(learner).get("/certificates/").content.decode()
    assert theirs.code not in html and "Chưa có giấy chứng nhận nào." in html


@pytest.mark.parametrize("count", [1, 10])
def test_the_page_takes_a_fixed_number_of_queries(count, learner, admin_user, django_assert_max_num_queries):
    for number in range(count):
        certificate = issue(learner, make_course(number))
        if number % 3 == 1:
            services.revoke(actor=admin_user, certificate=certificate, reason="Thu hồi")
    client = signed_in(learner)
    # The page's frame (session, me, my roles, my unit, my unread notices) and my certificates.
    with django_assert_max_num_queries(6):
        html = client.get("/certificates/").content.decode()
    assert len(items(html)) == count
