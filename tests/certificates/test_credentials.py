"""Open Badges 3.0 credentials signed as VC-JWT (Ed25519), the JWK set and the status list."""

import base64
import gzip
import hashlib
import json
import unicodedata
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from certificates import credentials

SITE = "https://daotao.thainguyen.gov.vn"
CODE = "K7M2QX-9HTRWP-4BNZ8C"
STATUS_URL = f"{SITE}/api/v1/credentials/status/1/"
NAME_NFC = "Nguyễn Thị Thủy Hương Đặng Ưng"


def write_key(path, key) -> str:
    path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    ))
    return str(path)


@pytest.fixture
def key(tmp_path):
    """A fresh Ed25519 key in a PKCS#8 PEM file, as CREDENTIAL_KEY_PATH."""
    private_key = Ed25519PrivateKey.generate()
    with override_settings(CREDENTIAL_KEY_PATH=write_key(tmp_path / "credential.pem", private_key), SITE_URL=SITE):
        yield private_key


def build(**overrides) -> dict:
    values = dict(
        code=CODE, number="125/2026/GCN", kind="completion", title="Cải cách hành chính năm 2026",
        description="Kiến thức cơ bản về cải cách hành chính.", holder_name=NAME_NFC,
        holder_email_or_id="Huong.NT@thainguyen.gov.vn", issued_at=datetime(2026, 12, 7, 3, 4, 5, 678, tzinfo=UTC),
        expires_at=None, issuer_name="TRƯỜNG CHÍNH TRỊ TỈNH THÁI NGUYÊN", hours="8",
        verify_url=f"{SITE}/verify/{CODE}/", status_list_url=STATUS_URL, status_index=4242,
    )
    return credentials.build_credential(**{**values, **overrides})


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify_independently(token: str, key_set: dict) -> dict:
    """Checks the JWS with cryptography alone (no JOSE library): the published x, the signing input."""
    header_part, payload_part, signature_part = token.split(".")
    header = json.loads(b64url_decode(header_part))
    (published,) = [entry for entry in key_set["keys"] if entry["kid"] == header["kid"]]
    public_key = Ed25519PublicKey.from_public_bytes(b64url_decode(published["x"]))
    public_key.verify(b64url_decode(signature_part), f"{header_part}.{payload_part}".encode("ascii"))
    return json.loads(b64url_decode(payload_part))


def test_a_signed_credential_verifies_with_the_published_key_set_alone(key):
    credential = build()
    token = credentials.sign_credential(credential)
    published = json.loads(json.dumps(credentials.jwks()))  # as a verifier downloads it

    claims = credentials.verify_jwt(token, published)

    assert verify_independently(token, published) == claims
    assert {name: claims[name] for name in credential} == credential


def test_a_tampered_payload_fails_verification(key):
    token = credentials.sign_credential(build())
    header_part, payload_part, signature_part = token.split(".")
    payload = json.loads(b64url_decode(payload_part))
    payload["credentialSubject"]["licenseNumber"] = "126/2026/GCN"
    forged_part = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    forged = f"{header_part}.{forged_part}.{signature_part}"

    with pytest.raises(credentials.InvalidCredential):
        credentials.verify_jwt(forged, credentials.jwks())
    with pytest.raises(InvalidSignature):
        verify_independently(forged, credentials.jwks())


def test_a_token_signed_with_another_key_fails_even_when_it_carries_that_key(key):
    """The header's `jwk` is the signer's claim; only the published key set is trusted."""
    other = Ed25519PrivateKey.generate()
    other_x = other.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    other_jwk = {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(other_x).rstrip(b"=").decode()}
    credential = build()
    claims = {**credential, **credentials._claims(credential)}
    forged = jwt.encode(claims, other, algorithm="EdDSA",
                        headers={"typ": "JWT", "kid": credentials.key_id(), "jwk": other_jwk})

    with pytest.raises(credentials.InvalidCredential):
        credentials.verify_jwt(forged, credentials.jwks())


def test_a_token_whose_kid_is_not_published_fails(key):
    token = credentials.sign_credential(build())
    key_set = credentials.jwks()
    key_set["keys"][0]["kid"] = "someone-else"

    with pytest.raises(credentials.InvalidCredential):
        credentials.verify_jwt(token, key_set)


def test_the_jwt_follows_open_badges_vc_jwt(key):
    """OB 3.0 §8.2: the payload is the credential itself with iss, jti, sub, nbf and exp beside it."""
    credential = build(expires_at=datetime(2028, 12, 7, 3, 4, 5, tzinfo=UTC))
    token = credentials.sign_credential(credential)

    header = jwt.get_unverified_header(token)
    claims = credentials.verify_jwt(token, credentials.jwks())

    assert header["alg"] == "EdDSA"
    assert header["typ"] == "JWT"
    assert header["kid"] == credentials.key_id()
    assert "d" not in header["jwk"]
    assert claims["iss"] == credential["issuer"]["id"] == f"{SITE}/"
    assert claims["jti"] == credential["id"]
    assert claims["sub"] == credential["credentialSubject"]["id"]
    assert claims["nbf"] == int(datetime(2026, 12, 7, 3, 4, 5, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2028, 12, 7, 3, 4, 5, tzinfo=UTC).timestamp())
    assert "vc" not in claims


def test_claims_that_disagree_with_the_credential_are_refused(key):
    credential = build()
    claims = {**credential, **credentials._claims(credential), "jti": "urn:uuid:another"}
    token = jwt.encode(claims, key, algorithm="EdDSA", headers={"typ": "JWT", "kid": credentials.key_id()})

    with pytest.raises(credentials.InvalidCredential, match="jti"):
        credentials.verify_jwt(token, credentials.jwks())


def test_an_expired_credential_still_has_a_valid_signature(key):
    """Expiry is a status the verify page shows, not a broken signature."""
    token = credentials.sign_credential(build(
        issued_at=datetime(2020, 1, 1, tzinfo=UTC), expires_at=datetime(2021, 1, 1, tzinfo=UTC),
    ))

    assert credentials.verify_jwt(token, credentials.jwks())["validUntil"] == "2021-01-01T00:00:00Z"


def test_the_credential_is_an_open_badge_credential(key):
    credential = build()

    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"].startswith("urn:uuid:")
    assert credential["issuer"] == {
        "id": f"{SITE}/", "type": ["Profile"], "name": "TRƯỜNG CHÍNH TRỊ TỈNH THÁI NGUYÊN", "url": f"{SITE}/",
    }
    assert credential["validFrom"] == "2026-12-07T03:04:05Z"
    assert "validUntil" not in credential
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["licenseNumber"] == "125/2026/GCN"
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Cải cách hành chính năm 2026"
    assert achievement["description"] == "Kiến thức cơ bản về cải cách hành chính."
    assert "Cải cách hành chính năm 2026" in achievement["criteria"]["narrative"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert credential["evidence"][0]["id"] == f"{SITE}/verify/{CODE}/"
    assert credential["credentialStatus"] == {
        "id": f"{STATUS_URL}#4242",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "4242",
        "statusListCredential": STATUS_URL,
    }


def test_the_same_certificate_always_gives_the_same_credential(key):
    assert build() == build()
    assert build()["id"] != build(verify_url=f"{SITE}/verify/OTHER/")["id"]


def test_an_expiring_certificate_says_until_when(key):
    credential = build(expires_at=datetime(2028, 12, 7, 10, 0, tzinfo=UTC))

    assert credential["validUntil"] == "2028-12-07T10:00:00Z"


def test_the_holder_email_is_salted_and_hashed_as_open_badges_says(key):
    """A verifier who knows the e-mail finds it: sha256(e-mail + salt), hex, after "sha256$"."""
    by_name, by_email = build()["credentialSubject"]["identifier"]

    assert by_name == {"type": "IdentityObject", "hashed": False, "identityHash": NAME_NFC, "identityType": "name"}
    assert by_email["hashed"] is True
    assert by_email["identityType"] == "emailAddress"
    known = "huong.nt@thainguyen.gov.vn" + by_email["salt"]
    assert by_email["identityHash"] == "sha256$" + hashlib.sha256(known.encode()).hexdigest()
    assert "huong" not in json.dumps(build()).lower()


def test_a_holder_without_email_is_known_by_name_only(key):
    identifiers = build(holder_email_or_id=None)["credentialSubject"]["identifier"]

    assert [identifier["identityType"] for identifier in identifiers] == ["name"]


def test_vietnamese_names_round_trip_in_nfc(key):
    decomposed = unicodedata.normalize("NFD", NAME_NFC)
    assert decomposed != NAME_NFC
    token = credentials.sign_credential(build(holder_name=decomposed, title=unicodedata.normalize("NFD", "Thủy lợi")))

    claims = credentials.verify_jwt(token, credentials.jwks())

    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == NAME_NFC
    assert claims["name"] == "Thủy lợi" == unicodedata.normalize("NFC", claims["name"])


def test_an_unknown_kind_or_a_naive_time_is_refused(key):
    with pytest.raises(ValueError):
        build(kind="diploma")
    with pytest.raises(ValueError):
        build(issued_at=datetime(2026, 12, 7, 3, 4, 5))


def test_the_key_id_is_the_rfc_7638_thumbprint(tmp_path):
    """The Ed25519 key of RFC 8037 appendix A and its thumbprint from A.3."""
    rfc_key = Ed25519PrivateKey.from_private_bytes(b64url_decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"))
    with override_settings(CREDENTIAL_KEY_PATH=write_key(tmp_path / "rfc8037.pem", rfc_key)):
        assert credentials.key_id() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        assert credentials.jwks() == {"keys": [{
            "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
            "kid": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", "use": "sig", "alg": "EdDSA",
        }]}


def test_without_a_key_no_credential_is_offered(tmp_path):
    with override_settings(CREDENTIAL_KEY_PATH=""):
        assert credentials.credentials_configured() is False
        with pytest.raises(ImproperlyConfigured):
            credentials.jwks()
    with override_settings(CREDENTIAL_KEY_PATH=str(tmp_path / "missing.pem")):
        assert credentials.credentials_configured() is False


def test_a_key_that_is_not_ed25519_is_refused(tmp_path):
    with override_settings(CREDENTIAL_KEY_PATH=write_key(tmp_path / "ec.pem", ec.generate_private_key(ec.SECP256R1()))):
        assert credentials.credentials_configured() is True
        with pytest.raises(ImproperlyConfigured):
            credentials.signing_key()


# The status list


def test_the_status_list_sets_exactly_the_revoked_bits():
    revoked = {0, 7, 8, 131_071}
    encoded = credentials.encode_list(revoked)

    bitstring = credentials.decode_encoded_list(encoded)

    assert len(bitstring) >= 16 * 1024
    assert {index for index in range(len(bitstring) * 8) if credentials.is_set(bitstring, index)} == revoked
    # Index 0 is the left-most bit of the first byte, the last index the right-most of the last.
    assert bitstring[:2] == bytes([0b1000_0001, 0b1000_0000])
    assert bitstring[-1] == 0b0000_0001
    assert sum(bitstring[2:-1]) == 0


def test_the_encoded_list_is_multibase_base64url_of_gzip():
    encoded = credentials.encode_list([3])

    assert encoded.startswith("u")
    assert "=" not in encoded
    assert gzip.decompress(b64url_decode(encoded[1:]))[0] == 0b0001_0000


def test_the_status_list_refuses_what_it_cannot_hold():
    with pytest.raises(ValueError):
        credentials.encode_list([131_072])
    with pytest.raises(ValueError):
        credentials.encode_list([], size=1024)
    with pytest.raises(ValueError):
        credentials.decode_encoded_list("H4sI" + credentials.encode_list([])[5:])


def test_a_status_list_that_inflates_too_far_is_refused():
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(17 * 1024 * 1024))).rstrip(b"=").decode()

    with pytest.raises(ValueError):
        credentials.decode_encoded_list(bomb)


def test_the_status_list_credential_is_signed_and_verifies(key):
    list_url = f"{SITE}/api/v1/credentials/status/1/"
    token = credentials.sign_status_list(list_url=list_url, revoked_indexes=[4242],
                                         issued_at=datetime(2026, 12, 7, tzinfo=UTC))

    claims = credentials.verify_jwt(token, credentials.jwks())

    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert claims["id"] == claims["jti"] == list_url
    subject = claims["credentialSubject"]
    assert subject["id"] == claims["sub"] == f"{list_url}#list"
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    bitstring = credentials.decode_encoded_list(subject["encodedList"])
    assert credentials.is_set(bitstring, 4242)
    assert not credentials.is_set(bitstring, 4243)
