"""Who may download which certificate: read by the API, the web pages and the admin alike."""

from django.urls import reverse

from accounts.roles import Role
from accounts.scope import unit_in_scope
from certificates.models import Certificate


def may_download(user, certificate: Certificate) -> bool:
    if not user.is_authenticated:
        return False
    if certificate.holder_id == user.pk or user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.HR) and unit_in_scope(user, certificate.holder.org_unit)


def pdf_url(certificate: Certificate) -> str:
    return reverse("api-certificate-pdf", args=[certificate.code])
