"""A SoftHSM2 token in a temporary folder, so that tests sign with a key inside a PKCS#11 token.

SoftHSM reads its configuration (SOFTHSM2_CONF, which says where tokens live)
when the library is initialised, once per process; `make_token` points it at the
new folder and initialises the library again, so make one token per test session
and share it (sessions opened on an earlier token stop working).

A missing SoftHSM fails the test rather than skipping it: `make test` and CI
install Debian's softhsm2 (scripts/system-packages.sh), so its absence is a broken
set-up, not an optional feature.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from pkcs11 import Attribute, CertificateType, ObjectClass

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
SO_PIN = "87654321"


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin: str
    key_label: str


def require_softhsm() -> None:
    if not Path(MODULE).exists() or shutil.which("softhsm2-util") is None:
        pytest.fail(
            f"SoftHSM2 is not installed ({MODULE} or softhsm2-util is missing): install the Debian "
            "package softhsm2, e.g. scripts/system-packages.sh softhsm2",
            pytrace=False,
        )


def make_token(directory: Path, *, private_key_pem: bytes, certificate_der: bytes | None = None,
               label: str = "chung-nhan", pin: str = "123456", key_label: str = "ky-so") -> Token:
    """A token holding the key (PKCS#8 PEM), imported the way an operator would, and its certificate if given."""
    require_softhsm()
    (directory / "tokens").mkdir(parents=True)
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(config)
    key_file = directory / "key.pem"
    key_file.write_bytes(private_key_pem)
    _softhsm("--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", pin)
    _softhsm("--import", str(key_file), "--token", label, "--label", key_label, "--id", "01", "--pin", pin)
    key_file.unlink()
    pkcs11.lib(MODULE).reinitialize()
    if certificate_der is not None:
        _store_certificate(label, pin, key_label, certificate_der)
    return Token(module=MODULE, label=label, pin=pin, key_label=key_label)


def _softhsm(*arguments: str) -> None:
    result = subprocess.run(["softhsm2-util", *arguments], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"softhsm2-util {arguments[0]} failed: {result.stdout}{result.stderr}", pytrace=False)


def _store_certificate(label: str, pin: str, key_label: str, certificate_der: bytes) -> None:
    """Put the certificate on the token under the key's label (softhsm2-util imports keys only)."""
    certificate = x509.load_der_x509_certificate(certificate_der)
    token = pkcs11.lib(MODULE).get_token(token_label=label)
    with token.open(rw=True, user_pin=pin) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: key_label,
            Attribute.ID: b"\x01",
            Attribute.SUBJECT: certificate.subject.public_bytes(),
            Attribute.VALUE: certificate_der,
        })
