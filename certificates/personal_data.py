from certificates.models import Certificate


def export_certificates(person) -> dict:
    """The person's certificates with everything printed on them, for their personal-data download."""
    return {
        "certificates": [
            {
                "number": certificate.number,
                "code": certificate.code,
                "kind": certificate.kind,
                "title": certificate.title,
                "issued_at": certificate.issued_at,
                "expires_at": certificate.expires_at,
                "revoked_at": certificate.revoked_at,
                "revoked_reason": certificate.revoked_reason,
                "sha256": certificate.sha256,
                "printed": certificate.fields,
            }
            for certificate in Certificate.objects.filter(holder=person).order_by("issued_at", "pk")
        ]
    }
