"""Certificates as Open Badges 3.0 credentials, signed with Ed25519, and their revocation list.

Pure functions over plain values (no models), so that services, API views and tests
call them alike. What they follow, and where the specifications leave a choice:

- Open Badges 3.0 (1EdTech), on the W3C Verifiable Credentials Data Model 2.0:
  contexts `credentials/v2` then `ob/v3p0/context-3.0.3.json`, `validFrom` and
  `validUntil`, a subject known by `identifier` objects (its name in clear, its
  e-mail or employee code as a salted SHA-256), and the register number as
  `licenseNumber`.
- Its "JSON Web Token Proof Format" (VC-JWT): the JWT payload *is* the credential, with
  the claims iss = issuer.id, jti = id, sub = credentialSubject.id, nbf = validFrom and
  exp = validUntil beside it (no VCDM 1.1 `vc` wrapper, no `iat`); the JOSE header holds
  only alg, kid, jwk and typ, and typ, when present, MUST be "JWT". The key is Ed25519
  ("EdDSA", RFC 8037); `kid` is its RFC 7638 thumbprint, the `kid` of the same key in
  the published JWK set. The public `jwk` rides along too, because the specification
  wants `kid` dereferenceable and a bare thumbprint is not: a verifier still has to
  trust only the keys of our JWK set, as `verify_jwt` does.
- W3C Bitstring Status List v1.0: a `BitstringStatusListEntry` in each credential and a
  `BitstringStatusListCredential` whose `encodedList` is "u" (multibase base64url, no
  padding) + the GZIP of a bitstring of at least 131,072 bits, index 0 being the
  left-most bit of the first byte. The status list is signed the same way.
"""

import base64
import functools
import gzip
import hashlib
import json
import os
import unicodedata
import uuid
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import gettext as _

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
ALGORITHM = "EdDSA"
# The specification's minimum (16 KB), so that one holder's entry hides among many.
STATUS_LIST_SIZE = 131_072
# A status list from elsewhere may be a GZIP bomb: refuse to inflate more than this.
MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024
CLAIM_NAMES = ("iss", "jti", "sub", "nbf", "exp")


class InvalidCredential(Exception):
    """A token whose signature, key or claims do not hold."""


# Keys


def credentials_configured() -> bool:
    """Whether an Ed25519 key is there to sign with; without one no credential is offered."""
    path = settings.CREDENTIAL_KEY_PATH
    return bool(path) and os.path.isfile(path)


def signing_key() -> Ed25519PrivateKey:
    if not credentials_configured():
        raise ImproperlyConfigured("CREDENTIAL_KEY_PATH does not name an Ed25519 key file.")
    return _load_key(settings.CREDENTIAL_KEY_PATH)


@functools.lru_cache(maxsize=4)
def _load_key(path: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} holds a {type(key).__name__}, not an Ed25519 key.")
    return key


def public_jwk() -> dict:
    """The public key as a JWK with only its required members (RFC 8037)."""
    raw = signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}


def key_id() -> str:
    """The RFC 7638 thumbprint: SHA-256 of the required members, sorted, without spaces."""
    canonical = json.dumps(public_jwk(), sort_keys=True, separators=(",", ":"))
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def jwks() -> dict:
    return {"keys": [{**public_jwk(), "kid": key_id(), "use": "sig", "alg": ALGORITHM}]}


def issuer_id() -> str:
    return f"{settings.SITE_URL}/"


# The Open Badges credential


def build_credential(
    *, code: str, number: str, kind: str, title: str, description: str, holder_name: str,
    holder_email_or_id: str | None, issued_at: datetime, expires_at: datetime | None, issuer_name: str,
    hours: str | None, verify_url: str, status_list_url: str, status_index: int,
) -> dict:
    """The OpenBadgeCredential of one certificate, unsigned.

    Its texts are in the site's first language whatever the request's, so that the
    same certificate always gives the same credential.
    """
    with translation.override(settings.LANGUAGE_CODE):
        credential = {
            "@context": [VC_CONTEXT, OB_CONTEXT],
            "id": _urn(verify_url),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": issuer_id(), "type": ["Profile"], "name": _nfc(issuer_name), "url": issuer_id()},
            "validFrom": _datetime_z(issued_at),
            "awardedDate": _datetime_z(issued_at),
            "name": _nfc(title),
            "credentialSubject": {
                # Opaque, and no PII: OB 3.0 verifiers require a `sub` claim equal to this id.
                "id": _urn(verify_url + "#holder"),
                "type": ["AchievementSubject"],
                "identifier": _identifiers(holder_name, holder_email_or_id, salt=_salt(code)),
                "licenseNumber": number,
                "achievement": _achievement(kind, _nfc(title), _nfc(description), _nfc(hours or "")),
            },
            "evidence": [{
                "id": verify_url, "type": ["Evidence"],
                "name": _("Certificate No. %(number)s") % {"number": number},
                "description": _("The public record of this certificate, where its PDF can be checked."),
            }],
            "credentialStatus": {
                "id": f"{status_list_url}#{status_index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(status_index),
                "statusListCredential": status_list_url,
            },
            "credentialSchema": [OB_SCHEMA],
        }
    if expires_at is not None:
        credential["validUntil"] = _datetime_z(expires_at)
    return credential


def _identifiers(holder_name: str, email_or_id: str | None, *, salt: str) -> list[dict]:
    """The name in clear (it is printed and on the public verify page); the rest hashed.

    An e-mail is hashed lower-cased, so that a verifier who types it differently still
    matches: identityHash = "sha256$" + hex(SHA-256(e-mail + salt)).
    """
    identifiers = [{"type": "IdentityObject", "hashed": False, "identityHash": _nfc(holder_name),
                    "identityType": "name"}]
    if email_or_id:
        value = email_or_id.strip()
        identity_type = "emailAddress" if "@" in value else "systemId"
        if identity_type == "emailAddress":
            value = value.lower()
        digest = hashlib.sha256((_nfc(value) + salt).encode()).hexdigest()
        identifiers.append({"type": "IdentityObject", "hashed": True, "identityHash": f"sha256${digest}",
                            "identityType": identity_type, "salt": salt})
    return identifiers


def _achievement(kind: str, title: str, description: str, hours: str) -> dict:
    narratives = {
        "completion": _("Completed the course “%(title)s” as its completion rule requires."),
        "attendance": _("Attended the class or conference “%(title)s” as its attendance rule requires."),
    }
    if kind not in narratives:
        raise ValueError(f"Unknown certificate kind: {kind!r}")
    narrative = narratives[kind] % {"title": title}
    if hours:
        narrative += " " + _("Training hours: %(hours)s.") % {"hours": hours}
    return {
        "id": _urn(f"{issuer_id()}achievements/{kind}/{title}"),
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": title,
        "description": description or narrative,
        "criteria": {"narrative": narrative},
        "inLanguage": settings.LANGUAGE_CODE,
    }


# The status list


def status_list_credential(
    *, list_url: str, revoked_indexes: Iterable[int], size: int = STATUS_LIST_SIZE,
    issued_at: datetime | None = None,
) -> dict:
    """The BitstringStatusListCredential at `list_url`: bit 1 = revoked."""
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _datetime_z(issued_at or timezone.now()),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revoked_indexes, size),
        },
    }


def sign_status_list(
    *, list_url: str, revoked_indexes: Iterable[int], size: int = STATUS_LIST_SIZE,
    issued_at: datetime | None = None,
) -> str:
    return sign_credential(status_list_credential(
        list_url=list_url, revoked_indexes=revoked_indexes, size=size, issued_at=issued_at,
    ))


def encode_list(revoked_indexes: Iterable[int], size: int = STATUS_LIST_SIZE) -> str:
    if size < STATUS_LIST_SIZE or size % 8:
        raise ValueError(f"A status list has a whole number of bytes and at least {STATUS_LIST_SIZE} bits.")
    bitstring = bytearray(size // 8)
    for index in revoked_indexes:
        if not 0 <= index < size:
            raise ValueError(f"Status index {index} is outside the list of {size}.")
        bitstring[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same revocations give the same bytes, so caches and ETags hold.
    return "u" + _b64url(gzip.compress(bytes(bitstring), mtime=0))


def decode_encoded_list(encoded: str) -> bytes:
    """The bitstring of an `encodedList`; ValueError when it is not one."""
    if not encoded.startswith("u"):
        raise ValueError("An encodedList starts with the multibase prefix 'u' (base64url).")
    body = encoded[1:]
    compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        bitstring = inflater.decompress(compressed, MAX_STATUS_LIST_BYTES)
    except zlib.error as error:
        raise ValueError(f"An encodedList holds GZIP data: {error}") from error
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("The encodedList is truncated or larger than a status list may be.")
    return bitstring


def is_set(bitstring: bytes, index: int) -> bool:
    if not 0 <= index < len(bitstring) * 8:
        raise IndexError(f"Status index {index} is outside the list of {len(bitstring) * 8}.")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


# Signing and verifying


def sign_credential(credential: dict) -> str:
    """The compact JWS of a credential: the credential itself plus its JWT claims."""
    headers = {"typ": "JWT", "kid": key_id(), "jwk": public_jwk()}
    return jwt.encode({**credential, **_claims(credential)}, signing_key(), algorithm=ALGORITHM, headers=headers)


def verify_jwt(token: str, jwks: dict) -> dict:
    """The claims of a token signed with a key of `jwks` (found by its `kid`).

    Checks the signature and that the JWT claims agree with the credential they carry.
    Expiry and revocation are statuses for the caller to show, not failures here; a
    `jwk` in the header is ignored, since anyone can put their own key there.
    """
    try:
        header = jwt.get_unverified_header(token)
        key = _published_key(jwks, header.get("kid"))
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_nbf": False, "require": ["iss", "jti", "nbf"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidCredential(str(error)) from error
    expected = _claims(claims)
    for name in CLAIM_NAMES:
        if claims.get(name) != expected.get(name):
            raise InvalidCredential(f"The {name!r} claim does not match the credential.")
    return claims


def _published_key(jwks: dict, kid: str | None):
    for entry in jwks.get("keys", []):
        if kid is not None and entry.get("kid") == kid:
            return jwt.PyJWK(entry, algorithm=ALGORITHM).key
    raise InvalidCredential(f"No published key has the kid {kid!r}.")


def _claims(credential: dict) -> dict:
    """The JWT claims Open Badges 3.0 derives from a credential's own members."""
    issuer = credential.get("issuer")
    subject = credential.get("credentialSubject") or {}
    claims = {
        "iss": issuer.get("id") if isinstance(issuer, dict) else issuer,
        "jti": credential.get("id"),
        "sub": subject.get("id") if isinstance(subject, dict) else None,
        "nbf": _seconds(credential.get("validFrom")),
        "exp": _seconds(credential.get("validUntil")),
    }
    return {name: value for name, value in claims.items() if value is not None}


# Small conversions


def _datetime_z(moment: datetime) -> str:
    """A DateTimeZ to the second, so that nbf and exp (whole seconds) equal it exactly."""
    if timezone.is_naive(moment):
        raise ValueError("Credential times must be timezone-aware.")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seconds(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(datetime.fromisoformat(value).timestamp())
    except (TypeError, ValueError) as error:
        raise InvalidCredential(f"Not a date and time: {value!r}") from error


def _urn(name: str) -> str:
    """A stable URN for a name, so that the same certificate always gets the same ids."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _salt(code: str) -> str:
    """Public in the credential anyway; its use is to make each credential's hash its own."""
    return hashlib.sha256(f"salt:{code}".encode()).hexdigest()[:32]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
