"""My certificates: each with its PDF, its public verification page and its verifiable credential.

The PDF downloads from the API (`/api/v1/certificates/<code>/pdf/`), which takes
the session cookie; the credential is offered as a file here, since the API
answers it as JSON. As in the API, a certificate is listed once its PDF is
stored; those still being made are only counted. One query, whatever their number.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import audit
from certificates import credentials, services
from certificates.access import may_download, pdf_url
from certificates.models import Certificate


@login_required
@require_safe
def my_certificates(request):
    """My certificates, newest first, each with whether it is valid, expired or revoked (and why)."""
    certificates = list(
        Certificate.objects.filter(holder=request.user).order_by("-issued_at", "-pk").only(
            "code", "kind", "title", "register", "year", "serial", "issued_at", "expires_at", "revoked_at",
            "revoked_reason", "sha256", "holder_id",
        )
    )
    items = [
        {
            "certificate": certificate,
            "status": services.status_of(certificate),
            "pdf_url": pdf_url(certificate),
            "verify_url": services.verify_url(certificate.code),
        }
        for certificate in certificates if certificate.is_stored
    ]
    return render(request, "frontend/learner/certificates/my_certificates.html", {
        "items": items, "being_prepared": len(certificates) - len(items),
        "offer_credentials": credentials.credentials_configured(),
    })


@login_required
@require_safe
def credential_file(request, code: str):
    """The certificate's Open Badges 3.0 credential (a VC-JWT) as a file, for wallets and other platforms."""
    certificate = services.find(code)
    if certificate is None or not may_download(request.user, certificate) or not credentials.credentials_configured():
        raise Http404(_("No certificate has this code."))
    if certificate.holder_id != request.user.pk:
        audit.record(actor=request.user, action="certificate.credential_downloaded", target=certificate)
    filename = certificate.number.replace("/", "-")
    response = HttpResponse(services.credential_jwt(certificate), content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{filename}.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response
