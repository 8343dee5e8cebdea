"""PAdES signatures on certificate PDFs, and checking them.

The key never sits in the database. It comes from the environment, either as a
PKCS#12 file and its password (CERTIFICATE_P12_PATH, CERTIFICATE_P12_PASSWORD), or
as a key inside a PKCS#11 token or HSM, the way Vietnamese government signing keys
are kept (CERTIFICATE_PKCS11_MODULE, _TOKEN, _PIN, _KEY_LABEL; the signer's
certificate from CERTIFICATE_PKCS11_CERT_PATH, a PEM file whose first certificate
is the signer's and the rest its chain, or else from the token under the key's
label). With neither, PDFs are left unsigned. Signing uses no network: no
timestamp server, no revocation fetch; the PKCS#12 file's chain is embedded.

The signer is made once per process and settings: loading a PKCS#12 file or
logging in to a token for each of a thousand PDFs would cost more than the
signatures. It is keyed by the process id too, because Celery's prefork workers
fork: a PKCS#11 session opened before the fork must not be shared by the
children, so each opens its own on its first signature.
"""

import asyncio
import os
import threading
import warnings
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pkcs11
from cryptography.utils import CryptographyDeprecationWarning

# pyHanko imports DSA's key class, which cryptography marks deprecated; we never use DSA.
warnings.filterwarnings("ignore", "DSA is deprecated", CryptographyDeprecationWarning)
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

FIELD_NAME = "Signature"
# Part of the signed document, like the certificate's own text, so in Vietnamese
# whatever language the request or the worker runs in.
REASON = "Cấp giấy chứng nhận"

# What Adobe Reader asks of a signer's certificate; pyHanko alone would insist on non-repudiation.
KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)

_SETTINGS = (
    "CERTIFICATE_P12_PATH", "CERTIFICATE_P12_PASSWORD", "CERTIFICATE_PKCS11_MODULE", "CERTIFICATE_PKCS11_TOKEN",
    "CERTIFICATE_PKCS11_PIN", "CERTIFICATE_PKCS11_KEY_LABEL", "CERTIFICATE_PKCS11_CERT_PATH",
)


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's signature says. Show a PDF as genuinely ours only when `genuine`."""

    signed: bool
    intact: bool  # the signed bytes are unchanged
    valid: bool  # intact, a correct signature, and nothing added to the file after it
    trusted: bool  # the signer's certificate leads to one of the trust roots
    signer_name: str = ""
    signed_at: datetime | None = None

    @property
    def genuine(self) -> bool:
        return self.valid and self.trusted


@dataclass(frozen=True)
class _Signer:
    signer: signers.Signer
    bytes_reserved: int
    lock: threading.Lock


_signers: dict[tuple, _Signer] = {}
_signers_lock = threading.Lock()
_pkcs11_processes: dict[str, int] = {}  # PKCS#11 library → the process that initialised it


def signing_configured() -> bool:
    return bool(settings.CERTIFICATE_P12_PATH or settings.CERTIFICATE_PKCS11_MODULE)


def sign_pdf(data: bytes) -> bytes:
    """The PDF with an invisible PAdES signature added, or unchanged when no key is configured."""
    if not signing_configured():
        return data
    loaded = _signer()
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=REASON, location=settings.CERTIFICATE_PLACE,
    )
    output = BytesIO()
    with loaded.lock:  # one PKCS#11 session signs one thing at a time
        signers.PdfSigner(metadata, loaded.signer).sign_pdf(
            IncrementalPdfFileWriter(BytesIO(data)), output=output, bytes_reserved=loaded.bytes_reserved,
        )
    return output.getvalue()


def validate_pdf(data: bytes, trust_roots: list[x509.Certificate] | None = None) -> SignatureCheck:
    """Check the PDF's last signature, offline; trust roots default to the configured signer's certificates."""
    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except (PdfError, ValueError):
        return SignatureCheck(signed=False, intact=False, valid=False, trusted=False)
    if not signatures:
        return SignatureCheck(signed=False, intact=False, valid=False, trusted=False)
    signature = signatures[-1]
    roots = _trust_roots() if trust_roots is None else [_asn1(certificate) for certificate in trust_roots]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context, key_usage_settings=KEY_USAGE)
    except (PdfError, ValueError):  # pyHanko's SignatureValidationError is a ValueError
        return SignatureCheck(signed=True, intact=False, valid=False, trusted=False)
    return SignatureCheck(
        signed=True,
        intact=status.intact,
        valid=status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=status.trusted,
        signer_name=status.signing_cert.subject.native.get("common_name", ""),
        signed_at=signature.self_reported_timestamp,
    )


def _signer() -> _Signer:
    key = (os.getpid(), *(getattr(settings, name) for name in _SETTINGS))
    loaded = _signers.get(key)
    if loaded is None:
        with _signers_lock:
            loaded = _signers.get(key) or _load(key)
    return loaded


def _load(key: tuple) -> _Signer:
    if settings.CERTIFICATE_P12_PATH and settings.CERTIFICATE_PKCS11_MODULE:
        raise ImproperlyConfigured("Set either CERTIFICATE_P12_PATH or CERTIFICATE_PKCS11_MODULE, not both.")
    # This process's signer for earlier settings (in tests) goes first: a token allows
    # one login per process. A parent process's signers are left alone, since
    # closing them here would close the parent's sessions.
    for stale in [k for k in _signers if k[0] == key[0]]:
        _close(_signers.pop(stale).signer)
    signer = _pkcs12_signer() if settings.CERTIFICATE_P12_PATH else _pkcs11_signer()
    signer.signed_attr_prov_spec = _SignedAttributes(signer.signing_cert)
    loaded = _signers[key] = _Signer(signer, _bytes_reserved(signer), threading.Lock())
    return loaded


def _close(signer: signers.Signer) -> None:
    if isinstance(signer, PKCS11Signer):
        try:
            signer.pkcs11_session.close()
        except pkcs11.PKCS11Error:
            pass  # already closed, e.g. by the library being initialised again


def _pkcs12_signer() -> signers.Signer:
    path = settings.CERTIFICATE_P12_PATH
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ImproperlyConfigured(f"CERTIFICATE_P12_PATH: cannot read {path} ({error.strerror}).") from None
    password = settings.CERTIFICATE_P12_PASSWORD.encode() or None
    try:
        private_key, certificate, chain = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        raise ImproperlyConfigured(
            f"CERTIFICATE_P12_PATH: cannot open {path}; is CERTIFICATE_P12_PASSWORD right?"
        ) from None
    if private_key is None or certificate is None:
        raise ImproperlyConfigured(f"CERTIFICATE_P12_PATH: {path} holds no private key and certificate.")
    return _ParsedKeySigner(private_key, _asn1(certificate), [_asn1(other) for other in chain])


def _pkcs11_signer() -> signers.Signer:
    if not (settings.CERTIFICATE_PKCS11_TOKEN and settings.CERTIFICATE_PKCS11_KEY_LABEL):
        raise ImproperlyConfigured("CERTIFICATE_PKCS11_MODULE needs CERTIFICATE_PKCS11_TOKEN and _KEY_LABEL too.")
    certificates = _pem_certificates(settings.CERTIFICATE_PKCS11_CERT_PATH)
    label = settings.CERTIFICATE_PKCS11_KEY_LABEL
    try:
        _initialise_in_this_process(settings.CERTIFICATE_PKCS11_MODULE)
        session = open_pkcs11_session(
            settings.CERTIFICATE_PKCS11_MODULE,
            token_criteria=TokenCriteria(label=settings.CERTIFICATE_PKCS11_TOKEN),
            user_pin=settings.CERTIFICATE_PKCS11_PIN or None,
        )
    except pkcs11.PKCS11Error as error:
        raise _unusable_token(error) from None
    try:
        signer = PKCS11Signer(
            session, key_label=label, cert_label=None if certificates else label,
            signing_cert=certificates[0] if certificates else None, ca_chain=certificates[1:],
        )
        # Finds the key and certificate now, so that a wrong label shows at once. Many
        # tokens (SoftHSM too) sign ECDSA only over a digest that pyHanko computes.
        signer.use_raw_mechanism = signer.signing_cert.public_key.algorithm == "ec"
    except pkcs11.PKCS11Error as error:
        session.close()  # else the token stays logged in, and the next login is refused
        raise _unusable_token(error) from None
    return signer


def _unusable_token(error: Exception) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"PKCS#11 signing key {settings.CERTIFICATE_PKCS11_KEY_LABEL!r} on token "
        f"{settings.CERTIFICATE_PKCS11_TOKEN!r} ({settings.CERTIFICATE_PKCS11_MODULE}) is unusable: "
        f"{type(error).__name__} {error}".strip()
    )


def _initialise_in_this_process(module: str) -> None:
    """Start the PKCS#11 library afresh in a forked child, as PKCS#11 asks, instead of sharing the parent's."""
    library = pkcs11.lib(module)
    if _pkcs11_processes.setdefault(module, os.getpid()) != os.getpid():
        library.reinitialize()
        _pkcs11_processes[module] = os.getpid()


def _pem_certificates(path: str) -> list[asn1_x509.Certificate]:
    if not path:
        return []
    try:
        return [_asn1(certificate) for certificate in x509.load_pem_x509_certificates(Path(path).read_bytes())]
    except (OSError, ValueError):
        raise ImproperlyConfigured(f"CERTIFICATE_PKCS11_CERT_PATH: {path} is not a readable PEM certificate.") from None


def _trust_roots() -> list[asn1_x509.Certificate]:
    if not signing_configured():
        return []
    signer = _signer().signer
    return [signer.signing_cert, *signer.cert_registry]


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def _bytes_reserved(signer: signers.Signer) -> int:
    """Room for the signature in the PDF (hexadecimal, so twice its size), with some to spare.

    Worked out once: without it pyHanko builds a trial signature before every real one.
    """
    trial = asyncio.run(signer.async_sign(bytes(32), "sha256", dry_run=True, use_pades=True))
    return 2 * len(trial.dump()) + 1024


class _ParsedKeySigner(signers.SimpleSigner):
    """A PKCS#12 signer that parses its private key once.

    pyHanko's SimpleSigner parses the key again for every signature, about 75 ms
    for an RSA key (OpenSSL checks it each time), more than the rest of signing.
    """

    def __init__(self, private_key, certificate: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]):
        if not isinstance(private_key, (RSAPrivateKey, EllipticCurvePrivateKey)):
            raise ImproperlyConfigured("CERTIFICATE_P12_PATH: the key must be RSA or ECDSA.")
        super().__init__(
            signing_cert=certificate, signing_key=None, cert_registry=SimpleCertificateStore.from_certs(chain),
        )
        self.private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self.private_key, RSAPrivateKey):
            return self.private_key.sign(data, PKCS1v15(), hash_algorithm)
        return self.private_key.sign(data, ECDSA(hash_algorithm))


class _SignedAttributes(SignedAttributeProviderSpec):
    """The PAdES signed attributes, the signer's certificate reference encoded once.

    pyHanko rebuilds that attribute for every signature and asn1crypto then encodes
    it again at each later step, three quarters of the time spent signing; read
    back from its own encoding it is not re-encoded. Content type and message
    digest are added by pyHanko; PAdES puts the signing time in the PDF instead.
    """

    def __init__(self, signing_cert: asn1_x509.Certificate):
        attribute = simple_cms_attribute("signing_certificate_v2", as_signing_certificate_v2(signing_cert))
        self.provider = _FixedAttribute(cms.CMSAttribute.load(attribute.dump()))

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str):
        yield self.provider


class _FixedAttribute(CMSAttributeProvider):
    attribute_type = "signing_certificate_v2"

    def __init__(self, attribute: cms.CMSAttribute):
        self.attribute = attribute

    async def get_attribute(self, dry_run=False) -> cms.CMSAttribute:
        return self.attribute
