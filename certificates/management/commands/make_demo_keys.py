"""Demo keys for `make run`, so that the demo's certificates are signed and their credentials offered.

A self-signed signing certificate whose name says it is a demo without legal
value, in a PKCS#12 file with a fixed demo password, and an Ed25519 key for the
Open Badges credentials. Files already there are kept, so running it again
changes nothing. The environment lines that use them go to standard output and
nothing else does, so that `make run` can write them into .env:

    manage.py make_demo_keys --dir var/keys > var/keys/demo.env
"""

import datetime
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

DEMO_PASSWORD = "demo"
SIGNING_FILE = "demo-signing.p12"
CERTIFICATE_FILE = "demo-signing.pem"  # the certificate alone, for a PDF reader's list of trusted ones
CREDENTIAL_FILE = "demo-credential-ed25519.pem"
DEMO_SUBJECT = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Nền tảng đào tạo (bản demo)"),
    x509.NameAttribute(NameOID.COMMON_NAME, "DEMO - Chữ ký thử nghiệm, không có giá trị pháp lý"),
])
VALID_YEARS = 10


class Command(BaseCommand):
    help = ("Makes a self-signed demo signing certificate and an Ed25519 credential key unless they exist, "
            "and prints the environment lines that use them.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BASE_DIR / "var" / "keys"),
                            help="Folder for the key files (default: var/keys).")

    def handle(self, *args, **options):
        directory = Path(options["dir"]).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        signing = directory / SIGNING_FILE
        credential = directory / CREDENTIAL_FILE
        if not signing.exists():
            self.make_signing_certificate(signing, directory / CERTIFICATE_FILE)
        if not credential.exists():
            key = ed25519.Ed25519PrivateKey.generate()
            write_private(credential, key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
            ))
            self.stderr.write(_("Made the demo credential key %(path)s") % {"path": credential})
        self.stdout.write(f"CERTIFICATE_P12_PATH={signing}")
        self.stdout.write(f"CERTIFICATE_P12_PASSWORD={DEMO_PASSWORD}")
        self.stdout.write(f"CREDENTIAL_KEY_PATH={credential}")

    def make_signing_certificate(self, signing: Path, certificate_file: Path) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        certificate = demo_certificate(key)
        write_private(signing, pkcs12.serialize_key_and_certificates(
            b"demo-signing", key, certificate, None, serialization.BestAvailableEncryption(DEMO_PASSWORD.encode()),
        ))
        certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        self.stderr.write(_("Made the demo signing certificate %(path)s (not legally valid)") % {"path": signing})


def demo_certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    """A self-signed certificate for signing documents, named so that nobody takes it for a real one."""
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(DEMO_SUBJECT)
        .issuer_name(DEMO_SUBJECT)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def write_private(path: Path, data: bytes) -> None:
    """Write a key file that only its owner can read; an existing file is never overwritten."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
