"""REST API of certificates: the holder's list and downloads, revocation, the register, and public verification.

Who may do what: a certificate's PDF and credential go to its holder, to HR
officers whose scope holds the holder's unit, and to administrators (403 for
anyone else); revocation and the register are for administrators; verification,
the JWK set and the status lists are public, and throttled per address.
"""

import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import audit
from accounts.parsers import FormParser, MultiPartParser
from accounts.permissions import IsAdmin
from certificates import credentials, register, services
from certificates.access import may_download, pdf_url
from certificates.models import Certificate
from config.api import FormatIsTheFile
from config.throttling import VerifyRateThrottle

# A real certificate is under 100 KB; a PDF dropped to be checked may be a little larger.
CHECKED_PDF_MAX_BYTES = 2 * 1024 * 1024


def too_large(request) -> bool:
    """Whether a body is far larger than a certificate, told before any of it is read (anyone may post one)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > CHECKED_PDF_MAX_BYTES + 64 * 1024



def stored_certificate(code: str) -> Certificate:
    certificate = services.find(code)
    if certificate is None:
        raise Http404(_("No certificate has this code."))
    return certificate


def downloadable(request, code: str) -> Certificate:
    certificate = stored_certificate(code)
    if not may_download(request.user, certificate):
        raise exceptions.PermissionDenied(_("Only the holder, HR officers of their unit and administrators "
                                            "can download this certificate."))
    return certificate



class MyCertificateSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()
    credential_url = serializers.SerializerMethodField()
    number = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["code", "kind", "title", "issued_at", "pdf_url", "verify_url", "number", "expires_at",
                  "status", "credential_url"]
        read_only_fields = fields

    def get_pdf_url(self, certificate) -> str:
        return pdf_url(certificate)

    def get_verify_url(self, certificate) -> str:
        return services.verify_url(certificate.code)

    def get_credential_url(self, certificate) -> str | None:
        if not credentials.credentials_configured():
            return None
        return reverse("api-certificate-credential", args=[certificate.code])

    def get_status(self, certificate) -> str:
        return services.status_of(certificate)


class MyCertificatesView(APIView):
    """My certificates, newest first; a certificate is listed once its PDF is stored."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MyCertificateSerializer(many=True))
    def get(self, request):
        certificates = Certificate.objects.filter(holder=request.user).exclude(sha256="").order_by("-issued_at", "-pk")
        return Response(MyCertificateSerializer(certificates, many=True).data)


class CertificatePdfView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, code):
        """The PDF: exactly the bytes stored when it was issued."""
        certificate = downloadable(request, code)
        if certificate.holder_id != request.user.pk:
            audit.record(actor=request.user, action="certificate.downloaded", target=certificate)
        response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                                filename=f"{certificate.number.replace('/', '-')}.pdf")
        response["Cache-Control"] = "private, no-store"
        return response


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RevokeView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(request=RevokeSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, code):
        """Revoke with a reason: it stays verifiable, as revoked, everywhere (the status list included)."""
        certificate = stored_certificate(code)
        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = services.revoke(actor=request.user, certificate=certificate, reason=data.validated_data["reason"])
        return Response(verification(certificate))


class CredentialView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=inline_serializer("Credential", {"format": serializers.CharField(),
                                                              "jwt": serializers.CharField()}))
    def get(self, request, code):
        """The Open Badges 3.0 OpenBadgeCredential of the certificate, as a VC-JWT signed with EdDSA."""
        certificate = downloadable(request, code)
        if not credentials.credentials_configured():
            raise Http404(_("This platform issues no verifiable credentials (no signing key is configured)."))
        return Response({"format": "vc+jwt", "jwt": services.credential_jwt(certificate)})


def verification(certificate: Certificate) -> dict:
    """What the verify page and API show: every field its PDF prints, the status and the PDF's SHA-256.

    Only what the certificate's template prints: a template without the date of
    birth does not publish it here.
    """
    state = services.status_of(certificate)
    printed = set(certificate.printed)
    return {
        **{name: value for name, value in certificate.fields.items() if name in printed},
        "valid": state == "valid",
        "status": state,
        "revoked": certificate.is_revoked,
        "revoked_at": certificate.revoked_at,
        "revoked_reason": certificate.revoked_reason,
        "expires_at": certificate.expires_at,
        "holder_name": certificate.fields.get("holder_name", ""),
        "title": certificate.title,
        "kind": certificate.kind,
        "issued_at": certificate.issued_at,
        "sha256": certificate.sha256,
        "number": certificate.number,
        "code": certificate.code,
        "signed": certificate.signed,
    }


class VerifyView(APIView):
    """Public verification of a certificate by its code; a PDF can be checked against the record."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyRateThrottle]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request, code):
        """`{valid, revoked, expires_at, holder_name, title, kind, issued_at, sha256, number}` and all it prints."""
        return Response(verification(stored_certificate(code)))

    @extend_schema(
        request={"multipart/form-data": inline_serializer("PdfCheck", {"file": serializers.FileField()})},
        responses={200: inline_serializer("PdfCheckResult", {"matches": serializers.BooleanField(),
                                                              "sha256": serializers.CharField()})},
    )
    def post(self, request, code):
        """Whether a PDF is exactly the one issued under this code (`matches`), and its SHA-256."""
        certificate = stored_certificate(code)
        upload = request.data.get("file")
        if upload is None or not hasattr(upload, "read"):
            return Response({"file": [_("Choose the PDF to check.")]}, status=status.HTTP_400_BAD_REQUEST)
        if upload.size > CHECKED_PDF_MAX_BYTES:
            return Response({"file": [_("This file is far larger than any certificate issued here.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        digest, matches = services.check_pdf(certificate, upload)
        return Response({"matches": matches, "sha256": digest})


class RegisterView(APIView):
    permission_classes = [IsAdmin]
    content_negotiation_class = FormatIsTheFile

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("format", str, enum=["xlsx"])],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
    )
    def get(self, request):
        """The register of the certificates issued in a year, in number order, as XLSX."""
        year = request.query_params.get("year") or str(timezone.localdate().year)
        if not re.fullmatch(r"2[0-9]{3}", year):
            return Response({"year": [_("Give a year such as 2026.")]}, status=status.HTTP_400_BAD_REQUEST)
        if request.query_params.get("format", "xlsx") != "xlsx":
            return Response({"format": [_("The register downloads as xlsx.")]}, status=status.HTTP_400_BAD_REQUEST)
        audit.record(actor=request.user, action="certificates.register_downloaded", changes={"year": int(year)})
        return FileResponse(
            register.workbook(int(year)), as_attachment=True, filename=f"so-cap-giay-chung-nhan-{year}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


@extend_schema(exclude=True)
class JwksView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyRateThrottle]

    def get(self, request):
        keys = credentials.jwks() if credentials.credentials_configured() else {"keys": []}
        response = JsonResponse(keys, content_type="application/jwk-set+json")
        response["Cache-Control"] = "public, max-age=3600"
        response["Access-Control-Allow-Origin"] = "*"
        return response


class StatusListView(APIView):
    """A Bitstring Status List credential (VC-JWT): bit 1 at a certificate's index means revoked."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyRateThrottle]

    @extend_schema(responses={(200, "application/vc+jwt"): OpenApiTypes.STR})
    def get(self, request, pk):
        if not credentials.credentials_configured() or not services.status_list_exists(pk):
            raise Http404(_("No such status list."))
        response = HttpResponse(services.status_list_jwt(pk), content_type="application/vc+jwt")
        response["Cache-Control"] = f"public, max-age={settings.STATUS_LIST_MAX_AGE}"
        response["Access-Control-Allow-Origin"] = "*"
        return response
