"""The public verification page and the holder's certificates page."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from certificates import services
from certificates.api import verification
from certificates.models import Certificate
from certificates.views import PRINTED_FIELDS
from config.throttling import VerifyRateThrottle
from courses.models import Course, Enrollment
from tests.factories import UserFactory

# Every field the brief names as printed, so that a field dropped from the page fails here.
PRINTED = {"number", "holder_name", "birth_date", "employee_code", "org_unit", "position", "title", "kind_label",
           "starts_on", "ends_on", "hours", "result", "venue", "sessions", "issuer_parent", "issuer",
           "signer_title", "signer_name", "place_date", "issued_on", "expires_on", "code"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def vi(text: str) -> str:
    """The Vietnamese of a message, as the page shows it, escaped as in HTML."""
    with translation.override("vi"):
        return escape(gettext(text))


def make_course(number: int = 1, **fields) -> Course:
    return Course.objects.create(code=f"GCN-{number}", title=fields.pop("title", f"Cải cách hành chính {number}"),
                                 hours=fields.pop("hours", 8), status="published", **fields)


def issue(person, course: Course | None = None) -> Certificate:
    """A stored completion certificate of `person` for `course`, issued through the service."""
    course = course or make_course()
    now = timezone.now()
    enrollment = Enrollment.objects.create(user=person, course=course, status="completed", completed_at=now,
                                           quiz_passed_at=now, credited_hours=course.hours)
    [certificate] = services.issue_completion([enrollment.pk])
    return Certificate.objects.get(pk=certificate.pk)


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def certificate(learner):
    learner.birth_date = date(1990, 3, 7)
    learner.position = "Công chức Văn phòng - Thống kê"
    learner.save(update_fields=["birth_date", "position"])
    return issue(learner, make_course(title="Nghiệp vụ một cửa, một cửa liên thông"))


# The verify page -------------------------------------------------------------------


def test_the_verify_page_shows_a_valid_certificate_and_everything_printed_on_it(certificate):
    page = Client().get(f"/verify/{certificate.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="vi">' in html
    assert "verify-status--valid" in html and vi("Valid") in html
    record = verification(certificate)
    assert PRINTED <= {name for name, _label in PRINTED_FIELDS}
    shown = [name for name in PRINTED if record.get(name)]
    assert {"holder_name", "birth_date", "position", "org_unit", "title", "hours", "number", "code"} <= set(shown)
    for name in shown:
        assert f'class="verify-fields__{name}">{escape(record[name])}</dd>' in html, name
    assert "verify-fields__venue" not in html  # empty fields are left out
    assert certificate.sha256 in html
    assert 'name="file"' in html and 'enctype="multipart/form-data"' in html


def test_the_verify_page_takes_the_code_however_it_is_typed(certificate):
    typed = certificate.code.replace("-", "").lower()
    assert Client().get(f"/verify/{typed}/").status_code == 200


def test_a_revoked_certificate_says_so_with_its_date_and_reason(certificate, admin_user):
    services.revoke(actor=admin_user, certificate=certificate, reason="Cấp nhầm người <b>")
    html = Client().get(f"/verify/{certificate.code}/").content.decode()
    assert "verify-status--revoked" in html and vi("Revoked") in html
    assert "verify-status--valid" not in html
    assert escape("Cấp nhầm người <b>") in html
    assert timezone.localdate().strftime("%d/%m/%Y") in html


def test_an_expired_certificate_says_so_with_its_date(certificate):
    expired = timezone.now() - timedelta(days=3)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=expired)
    html = Client().get(f"/verify/{certificate.code}/").content.decode()
    assert "verify-status--expired" in html and vi("Expired") in html
    assert timezone.localdate(expired).strftime("%d/%m/%Y") in html


@pytest.mark.parametrize("code", ["K7M2QX-9HTRWP-4BNZ8C", "not-a-code", "x" * 300])
def test_an_unknown_code_is_a_404_page(db, code):
    page = Client().get(f"/verify/{code}/")
    assert page.status_code == 404
    assert vi("Certificate not found") in page.content.decode()


def test_a_certificate_not_stored_yet_is_not_found(learner):
    [certificate] = services.create_completion_certificates([Enrollment.objects.create(
        user=learner, course=make_course(), status="completed", completed_at=timezone.now()).pk])
    assert Client().get(f"/verify/{certificate.code}/").status_code == 404


def test_the_issued_pdf_matches_and_an_altered_one_does_not(certificate):
    data = certificate.pdf.open("rb").read()
    client = Client()
    url = f"/verify/{certificate.code}/"
    same = client.post(url, {"file": SimpleUploadedFile("gcn.pdf", data, "application/pdf")})
    assert same.status_code == 200
    assert vi("Match: this is exactly the file issued") in same.content.decode()
    assert "check-outcome--match" in same.content.decode()
    altered = data.replace(b"/Producer", b"/Pr0ducer", 1) if b"/Producer" in data else data[:-1] + b" "
    other = client.post(url, {"file": SimpleUploadedFile("gcn.pdf", altered, "application/pdf")})
    assert other.status_code == 200
    html = other.content.decode()
    assert vi("No match: this file differs from the file issued (it may have been altered)") in html
    assert "check-outcome--mismatch" in html and "check-outcome--match" not in html


def test_checking_without_a_file_shows_the_error_at_the_top_and_beside_the_field(certificate):
    page = Client().post(f"/verify/{certificate.code}/", {})
    assert page.status_code == 400
    html = page.content.decode()
    message = vi("Choose the PDF to check.")
    assert f'<a href="#id_file">{message}</a>' in html
    assert f'<ul class="field__error" id="id_file_error"><li>{message}</li></ul>' in html
    assert 'aria-invalid="true"' in html


def test_the_verify_page_is_a_fixed_number_of_queries(certificate, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert Client().get(f"/verify/{certificate.code}/").status_code == 200


def test_the_verify_page_is_throttled(certificate, monkeypatch):
    monkeypatch.setattr(VerifyRateThrottle, "THROTTLE_RATES", {"verify": "2/minute"})
    client = Client()
    codes = [client.get(f"/verify/{certificate.code}/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


# My certificates -------------------------------------------------------------------


def test_my_certificates_lists_only_mine_newest_first(learner, outsider):
    first = issue(learner, make_course(1))
    second = issue(learner, make_course(2))
    Certificate.objects.filter(pk=first.pk).update(issued_at=timezone.now() - timedelta(days=2))
    theirs = issue(outsider, make_course(3))
    page = signed_in(learner).get("/certificates/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(escape(second.title)) < html.index(escape(first.title))
    assert escape(theirs.title) not in html and theirs.code not in html
    for mine in (first, second):
        assert f'href="/api/v1/certificates/{mine.code}/pdf/"' in html
        assert f'href="/verify/{mine.code}/"' in html
        assert mine.number in html
    assert vi("Download PDF") in html and vi("Verify") in html


def test_the_pdf_button_downloads_the_stored_bytes_with_the_session(learner, outsider):
    certificate = issue(learner)
    url = f"/api/v1/certificates/{certificate.code}/pdf/"
    response = signed_in(learner).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == certificate.pdf.open("rb").read()
    assert signed_in(outsider).get(url).status_code == 403


def test_my_certificates_says_when_there_are_none(learner):
    html = signed_in(learner).get("/certificates/").content.decode()
    assert vi("No certificates yet.") in html


def test_my_certificates_needs_signing_in(db):
    response = Client().get("/certificates/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_menu_links_to_my_certificates(learner):
    html = signed_in(learner).get("/").content.decode()
    assert 'href="/certificates/"' in html and vi("My certificates") in html


@pytest.mark.parametrize("count", [1, 5])
def test_my_certificates_is_a_fixed_number_of_queries(count, learner, django_assert_max_num_queries):
    for number in range(count):
        issue(learner, make_course(number))
    client = signed_in(learner)
    # The session, me, my unit and roles (the menu), my certificates.
    with django_assert_max_num_queries(5):
        html = client.get("/certificates/").content.decode()
    assert html.count('class="certificate-item"') == count


def test_the_credential_is_offered_only_when_configured(learner, outsider, settings, tmp_path):
    from certificates import credentials

    certificate = issue(learner)
    client = signed_in(learner)
    url = f"/certificates/{certificate.code}/credential"
    if not credentials.credentials_configured():
        assert url not in client.get("/certificates/").content.decode()
        assert client.get(url).status_code == 404
    settings.CREDENTIAL_KEY_PATH = str(ed25519_key(tmp_path))
    credentials_reset()
    try:
        assert f'href="{url}"' in client.get("/certificates/").content.decode()
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vc+jwt"
        filename = certificate.number.replace("/", "-")
        assert response["Content-Disposition"] == f'attachment; filename="{filename}.jwt"'
        assert response.content.count(b".") == 2  # header.payload.signature
        assert signed_in(outsider).get(url).status_code == 404
    finally:
        settings.CREDENTIAL_KEY_PATH = ""
        credentials_reset()


def ed25519_key(folder):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = folder / "credential-key.pem"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return path


def credentials_reset():
    """Forget a key the credentials module may have cached from the previous setting."""
    from certificates import credentials

    for value in vars(credentials).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def test_a_second_learner_with_certificates_does_not_change_mine(learner):
    """Guards the holder filter against a join that would multiply rows."""
    other = UserFactory(org_unit=learner.org_unit)
    course = make_course(7)
    issue(learner, course)
    issue(other, course)
    html = signed_in(learner).get("/certificates/").content.decode()
    assert html.count('class="certificate-item"') == 1
