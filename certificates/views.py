"""The public verification page: `/verify/<code>/`, the address printed and in the QR code of every certificate.

Anyone may open it, signed in or not. It shows the status first (valid, expired,
revoked with its date and reason), then every field printed on the certificate,
whether the PDF is digitally signed and its SHA-256, and a box to check a PDF
against the record: a plain multipart POST of `file` that works without
JavaScript, while verify.js hashes the file in the browser and uploads nothing.
One query for the certificate, whatever it holds; throttled per address.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from certificates import services
from certificates.api import CHECKED_PDF_MAX_BYTES, verification
from config.throttling import VerifyRateThrottle

# What the certificate prints, in the order a reader finds it on the paper, with its label on this page.
PRINTED_FIELDS = [
    ("number", gettext_lazy("Number")),
    ("holder_name", gettext_lazy("Full name")),
    ("birth_date", gettext_lazy("Date of birth")),
    ("employee_code", gettext_lazy("Employee code")),
    ("position", gettext_lazy("Position")),
    ("org_unit", gettext_lazy("Workplace")),
    ("kind_label", gettext_lazy("Kind")),
    ("title", gettext_lazy("Course, class or conference")),
    ("starts_on", gettext_lazy("From")),
    ("ends_on", gettext_lazy("To")),
    ("hours", gettext_lazy("Hours")),
    ("venue", gettext_lazy("Venue")),
    ("sessions", gettext_lazy("Sessions attended")),
    ("result", gettext_lazy("Result")),
    ("expires_on", gettext_lazy("Valid until")),
    ("issuer_parent", gettext_lazy("Governing body")),
    ("issuer", gettext_lazy("Issuing body")),
    ("place_date", gettext_lazy("Place and date")),
    ("signer_title", gettext_lazy("Signer's title")),
    ("signer_name", gettext_lazy("Signed by")),
    ("issued_on", gettext_lazy("Issued on")),
    ("code", gettext_lazy("Verification code")),
]


def printed_fields(record: dict) -> list[tuple[str, str, str]]:
    """(name, label, value) of each field printed on the certificate, leaving out the empty ones."""
    return [(name, label, str(record[name])) for name, label in PRINTED_FIELDS if record.get(name) not in (None, "")]


def _throttled(request) -> bool:
    throttle = VerifyRateThrottle()
    return not throttle.allow_request(request, None)


# Checking a PDF changes nothing and needs no sign-in, so a forged request gains nothing; without the
# CSRF check nothing reads the body before certificates.middleware.RefuseLargeChecks has seen its size.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, code):
    """Everything printed on the certificate, its status, the PDF's SHA-256, and a box to check a PDF."""
    if _throttled(request):
        return HttpResponse(_("Too many checks from your address; try again in a minute."), status=429,
                            content_type="text/plain; charset=utf-8")
    certificate = services.find(code)
    if certificate is None:
        return render(request, "certificates/verify_missing.html", {"code": code}, status=404)
    checked = error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose the PDF to check.")
        elif upload.size > CHECKED_PDF_MAX_BYTES:
            error = _("This file is far larger than any certificate issued here.")
        else:
            digest, matches = services.check_pdf(certificate, upload)
            checked = {"matches": matches, "sha256": digest, "name": upload.name}
    record = verification(certificate)
    return render(request, "certificates/verify.html", {
        "certificate": certificate, "record": record, "printed": printed_fields(record),
        "checked": checked, "error": error, "max_bytes": CHECKED_PDF_MAX_BYTES,
    }, status=400 if error else 200)
