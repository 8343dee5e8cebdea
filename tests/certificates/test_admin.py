"""Admin pages of certificates and their templates: who sees what, revoking, the register, the live preview."""

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import AuditEntry
from certificates import design
from certificates.models import Certificate, CertificateTemplate
from tests.accounts.test_admin_scope import assert_missing, listed, signed_in
from tests.certificates.test_pages import issue, make_course
from tests.conftest import unit
from tests.factories import UserFactory

COVERED = {"certificates.Certificate", "certificates.CertificateTemplate"}
LIST = "/admin/certificates/certificate/"
TEMPLATES = "/admin/certificates/certificatetemplate/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def instructor(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def issued(learner, outsider):
    """A certificate of a learner in Ba Bể (the HR officer's scope) and one of a learner outside it."""
    return {"inside": issue(learner, make_course(1)), "outside": issue(outsider, make_course(2))}


def vi(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


# Who sees certificates ----------------------------------------------------------------


def test_hr_see_the_certificates_of_their_scope_and_admins_all(issued, hr_babe, admin_user):
    inside, outside = issued["inside"], issued["outside"]
    assert listed(hr_babe, LIST) == {inside.pk}
    assert listed(admin_user, LIST) == {inside.pk, outside.pk}
    assert signed_in(hr_babe).get(f"{LIST}{inside.pk}/change/").status_code == 200
    assert_missing(hr_babe, Certificate, outside.pk)


def test_learners_get_no_admin_and_instructors_no_certificates(issued, learner, outsider, instructor):
    for person in (learner, outsider):
        for path in (LIST, f"{LIST}{issued['inside'].pk}/change/", TEMPLATES):
            response = signed_in(person).get(path)
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert signed_in(instructor).get(LIST).status_code == 403


def test_nobody_adds_changes_or_deletes_a_certificate(issued, admin_user):
    certificate = issued["inside"]
    client = signed_in(admin_user)
    assert client.get(f"{LIST}add/").status_code == 403
    page = client.get(f"{LIST}{certificate.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    client.post(f"{LIST}{certificate.pk}/change/", {"title": "Bị sửa"})
    assert client.post(f"{LIST}{certificate.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Certificate.objects.get(pk=certificate.pk).title == certificate.title


def test_the_certificate_page_shows_what_is_printed_and_links_to_the_pdf_and_verify_page(issued, admin_user):
    certificate = issued["inside"]
    html = signed_in(admin_user).get(f"{LIST}{certificate.pk}/change/").content.decode()
    assert f'href="/api/v1/certificates/{certificate.code}/pdf/"' in html
    assert f'href="/verify/{certificate.code}/"' in html
    assert certificate.fields["holder_name"] in html and certificate.fields["place_date"] in html


@pytest.mark.parametrize("typed", ["code", "code-lower", "number", "name"])
def test_the_list_finds_a_certificate_by_code_number_or_name(issued, admin_user, typed):
    certificate = issued["inside"]
    term = {"code": certificate.code, "code-lower": certificate.code.replace("-", " ").lower(),
            "number": certificate.number, "name": "Nông Văn"}[typed]
    assert listed(admin_user, f"{LIST}?q={term}") == {certificate.pk}


# Revoking ------------------------------------------------------------------------------


def test_the_revoke_action_asks_for_a_reason_then_revokes(issued, admin_user):
    certificate = issued["inside"]
    client = signed_in(admin_user)
    selection = {"action": "revoke", "_selected_action": [certificate.pk]}
    page = client.post(LIST, selection)
    assert page.status_code == 200 and b'name="reason"' in page.content
    assert not Certificate.objects.get(pk=certificate.pk).is_revoked

    refused = client.post(LIST, {**selection, "confirm": "yes", "reason": "   "})
    assert refused.status_code == 400
    assert vi("Give the reason for revoking the certificate.") in refused.content.decode()
    assert not Certificate.objects.get(pk=certificate.pk).is_revoked

    done = client.post(LIST, {**selection, "confirm": "yes", "reason": "Cấp nhầm người"})
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_reason == "Cấp nhầm người"
    assert certificate.revoked_by == admin_user
    assert AuditEntry.objects.filter(action="certificate.revoked", target_id=str(certificate.pk)).exists()
    assert listed(admin_user, f"{LIST}?revoked=yes") == {certificate.pk}


def test_a_certificate_is_revoked_from_its_own_page(issued, admin_user):
    certificate = issued["inside"]
    client = signed_in(admin_user)
    assert f"{LIST}{certificate.pk}/revoke/" in client.get(f"{LIST}{certificate.pk}/change/").content.decode()
    assert client.post(f"{LIST}{certificate.pk}/revoke/", {"reason": ""}).status_code == 400
    response = client.post(f"{LIST}{certificate.pk}/revoke/", {"reason": "Hồ sơ không hợp lệ"})
    assert response.status_code == 302
    assert Certificate.objects.get(pk=certificate.pk).revoked_reason == "Hồ sơ không hợp lệ"


def test_hr_cannot_revoke(issued, hr_babe):
    certificate = issued["inside"]
    client = signed_in(hr_babe)
    assert client.get(LIST).context["action_form"] is None
    assert client.post(f"{LIST}{certificate.pk}/revoke/", {"reason": "Thử"}).status_code == 403
    client.post(LIST, {"action": "revoke", "_selected_action": [certificate.pk], "confirm": "yes", "reason": "Thử"})
    assert not Certificate.objects.get(pk=certificate.pk).is_revoked


# The register --------------------------------------------------------------------------


def test_admins_download_the_register_and_hr_do_not(issued, admin_user, hr_babe):
    year = timezone.localdate().year
    page = signed_in(admin_user).get(LIST).content.decode()
    assert 'action="/admin/certificates/certificate/register/"' in page and 'name="year"' in page
    response = signed_in(admin_user).get(f"{LIST}register/", {"year": year, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert signed_in(hr_babe).get(f"{LIST}register/", {"year": year}).status_code == 403
    assert 'name="year"' not in signed_in(hr_babe).get(LIST).content.decode()
    assert signed_in(admin_user).get(f"{LIST}register/", {"year": "abc"}).status_code == 302


# Templates -----------------------------------------------------------------------------


def template_data(**fields) -> dict:
    return {"name": "Mẫu Sở Nội vụ", "issuer_parent": "UBND TỈNH BẮC KẠN", "issuer": "SỞ NỘI VỤ",
            "register": "GCN-SNV", "signer_title": "GIÁM ĐỐC", "signer_name": "Đặng Văn Thủy",
            "html": design.default_html(), "css": design.default_css(), **fields}


def test_only_admins_manage_templates(issued, hr_babe, instructor, admin_user):
    for person in (hr_babe, instructor):
        assert signed_in(person).get(TEMPLATES).status_code == 403
    assert signed_in(admin_user).get(TEMPLATES).status_code == 200


def test_a_new_template_starts_from_the_default_design(admin_user):
    form = signed_in(admin_user).get(f"{TEMPLATES}add/").context["adminform"].form
    assert form.initial["html"] == design.default_html()
    assert form.initial["css"] == design.default_css()


def test_an_admin_saves_a_template_and_a_new_default_replaces_the_old(admin_user):
    client = signed_in(admin_user)
    old = CertificateTemplate.objects.create(name="Cũ", issuer="X", is_default=True)
    response = client.post(f"{TEMPLATES}add/", template_data(is_default="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    new = CertificateTemplate.objects.get(name="Mẫu Sở Nội vụ")
    assert new.is_default and not CertificateTemplate.objects.get(pk=old.pk).is_default


def test_a_template_that_cannot_render_is_not_saved(admin_user):
    response = signed_in(admin_user).post(f"{TEMPLATES}add/", template_data(html="<p>{% if %}</p>"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["html"]
    assert not CertificateTemplate.objects.exists()


def test_the_preview_is_a_pdf_of_what_is_typed(admin_user):
    client = signed_in(admin_user)
    response = client.post(f"{TEMPLATES}preview/", template_data(html="<p>{{ holder_name }} – {{ issuer }}</p>"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_the_preview_of_a_saved_template_uses_what_is_typed(admin_user):
    template = CertificateTemplate.objects.create(name="Mẫu", issuer="SỞ NỘI VỤ")
    client = signed_in(admin_user)
    page = client.get(f"{TEMPLATES}{template.pk}/change/").content.decode()
    assert f'formaction="{TEMPLATES}{template.pk}/preview/"' in page and 'name="certificate-preview"' in page
    response = client.post(f"{TEMPLATES}{template.pk}/preview/", {"html": "", "css": "", "issuer": "SỞ Y TẾ"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_broken_template_shows_its_error_in_the_preview(admin_user):
    response = signed_in(admin_user).post(f"{TEMPLATES}preview/", template_data(html="{% for x in %}"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "preview-error__message" in response.content.decode()
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_preview_is_for_admins_only_and_needs_a_csrf_token(admin_user, hr_babe, learner):
    url = f"{TEMPLATES}preview/"
    assert signed_in(hr_babe).post(url, template_data()).status_code == 403
    refused = signed_in(learner).post(url, template_data())
    assert refused.status_code == 302 and refused["Location"].startswith("/admin/login/")
    assert signed_in(admin_user).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(url, template_data()).status_code == 403
