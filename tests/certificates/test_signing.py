"""PAdES signatures with a key from a PKCS#12 file or a PKCS#11 token, checked offline and by poppler's pdfsig."""

import datetime
import multiprocessing
import shutil
import subprocess
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from weasyprint import HTML

from certificates import signing
from tests.certificates import softhsm

SIGNER_NAME = "Nguyễn Thị Hương - Sở Nội vụ"
NOTHING = {
    "CERTIFICATE_P12_PATH": "", "CERTIFICATE_P12_PASSWORD": "", "CERTIFICATE_PKCS11_MODULE": "",
    "CERTIFICATE_PKCS11_TOKEN": "", "CERTIFICATE_PKCS11_PIN": "", "CERTIFICATE_PKCS11_KEY_LABEL": "",
    "CERTIFICATE_PKCS11_CERT_PATH": "",
}


def name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def issue(subject: str, key, issuer: str, issuer_key, *, ca: bool) -> x509.Certificate:
    """A certificate for a CA, or for signing only (digitalSignature, which Adobe accepts without nonRepudiation)."""
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=not ca, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
        ), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


class Authority:
    """A root, an intermediate and a signer, as a provincial CA issues them."""

    def __init__(self, signer_key):
        root_key, intermediate_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        self.root = issue("Root CA thử nghiệm", root_key, "Root CA thử nghiệm", root_key, ca=True)
        self.intermediate = issue("CA cấp 2 thử nghiệm", intermediate_key, "Root CA thử nghiệm", root_key, ca=True)
        self.signer_key = signer_key
        self.signer = issue(SIGNER_NAME, signer_key, "CA cấp 2 thử nghiệm", intermediate_key, ca=False)

    def pkcs12(self, password: bytes) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"ky-so", self.signer_key, self.signer, [self.intermediate, self.root],
            serialization.BestAvailableEncryption(password),
        )

    def key_pem(self) -> bytes:
        return self.signer_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
        )


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return HTML(string="<h1>GIẤY CHỨNG NHẬN</h1><p>Xin chào Nguyễn Thị Hương</p>").write_pdf()


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture
def pkcs12_settings(authority, tmp_path):
    path = tmp_path / "ky-so.p12"
    path.write_bytes(authority.pkcs12(b"mat-khau"))
    with override_settings(**{**NOTHING, "CERTIFICATE_P12_PATH": str(path), "CERTIFICATE_P12_PASSWORD": "mat-khau"}):
        yield path


@pytest.fixture(scope="module")
def token(authority, tmp_path_factory):
    """One SoftHSM token for the module, holding the signer's key and certificate."""
    return softhsm.make_token(
        tmp_path_factory.mktemp("softhsm"), private_key_pem=authority.key_pem(),
        certificate_der=authority.signer.public_bytes(serialization.Encoding.DER),
    )


@pytest.fixture
def pkcs11_settings(authority, token, tmp_path):
    """The token's key, its certificate and the intermediate from a PEM file, the signer's first."""
    chain = tmp_path / "ky-so.pem"
    chain.write_bytes(b"".join(
        certificate.public_bytes(serialization.Encoding.PEM) for certificate in (authority.signer, authority.intermediate)
    ))
    with override_settings(**{
        **NOTHING, "CERTIFICATE_PKCS11_MODULE": token.module, "CERTIFICATE_PKCS11_TOKEN": token.label,
        "CERTIFICATE_PKCS11_PIN": token.pin, "CERTIFICATE_PKCS11_KEY_LABEL": token.key_label,
        "CERTIFICATE_PKCS11_CERT_PATH": str(chain),
    }):
        yield chain


def with_a_changed_byte(data: bytes) -> bytes:
    """The PDF with one bit changed in its first stream (the page's content), inside the signed bytes."""
    position = data.index(b"stream\n") + 20
    return data[:position] + bytes([data[position] ^ 1]) + data[position + 1:]


def with_an_update_appended(data: bytes) -> bytes:
    """The PDF with an incremental update after the signature that paints over the page."""
    writer = IncrementalPdfFileWriter(BytesIO(data))
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 0 0 300 300 re f")))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def pdfsig(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdfsig") is None:
        pytest.fail("pdfsig is not installed: install the Debian package poppler-utils", pytrace=False)
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


# Nothing configured


@override_settings(**NOTHING)
def test_it_leaves_the_pdf_unsigned_when_no_key_is_configured(pdf):
    assert not signing.signing_configured()
    assert signing.sign_pdf(pdf) == pdf
    assert signing.validate_pdf(pdf) == signing.SignatureCheck(signed=False, intact=False, valid=False, trusted=False)


# PKCS#12


@pytest.mark.parametrize("key_kind", ["rsa", "ec"])
def test_it_signs_with_a_pkcs12_key_and_the_signature_checks_out(pdf, tmp_path, key_kind):
    """Trusting only the root works because the PDF carries the intermediate from the PKCS#12 file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if key_kind == "rsa" else \
        ec.generate_private_key(ec.SECP256R1())
    authority = Authority(key)
    path = tmp_path / "ky-so.p12"
    path.write_bytes(authority.pkcs12(b"mat-khau"))
    with override_settings(**{**NOTHING, "CERTIFICATE_P12_PATH": str(path), "CERTIFICATE_P12_PASSWORD": "mat-khau"}):
        assert signing.signing_configured()
        signed = signing.sign_pdf(pdf)

    check = signing.validate_pdf(signed, trust_roots=[authority.root])
    assert check.signed and check.intact and check.valid and check.trusted
    assert check.genuine
    assert check.signer_name == SIGNER_NAME
    assert signed.startswith(pdf)  # an incremental update: the rendered bytes are kept as they were


@override_settings(CERTIFICATE_PLACE="Bắc Kạn")
def test_the_signature_says_why_and_where_in_vietnamese(pkcs12_settings, pdf):
    signed = signing.sign_pdf(pdf)

    signature = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    assert signature.field_name == "Signature"
    assert signature.sig_object["/Reason"] == "Cấp giấy chứng nhận"
    assert signature.sig_object["/Location"] == "Bắc Kạn"


def test_by_default_it_trusts_the_configured_signer(pkcs12_settings, pdf):
    check = signing.validate_pdf(signing.sign_pdf(pdf))

    assert check.genuine


def test_a_signature_from_another_authority_is_valid_but_not_trusted(pkcs12_settings, pdf):
    stranger = Authority(ec.generate_private_key(ec.SECP256R1()))

    check = signing.validate_pdf(signing.sign_pdf(pdf), trust_roots=[stranger.root])

    assert check.valid and not check.trusted and not check.genuine


def test_a_changed_byte_breaks_the_signature(pkcs12_settings, authority, pdf):
    check = signing.validate_pdf(with_a_changed_byte(signing.sign_pdf(pdf)), trust_roots=[authority.root])

    assert check.signed and not check.intact and not check.valid and not check.genuine


def test_an_update_appended_after_signing_makes_it_invalid(pkcs12_settings, authority, pdf):
    signed = signing.sign_pdf(pdf)
    assert signing.validate_pdf(signed, trust_roots=[authority.root]).valid

    check = signing.validate_pdf(with_an_update_appended(signed), trust_roots=[authority.root])

    assert check.intact and not check.valid and not check.genuine


def test_pdfsig_finds_the_signature_valid_and_the_changed_copy_invalid(pkcs12_settings, pdf, tmp_path):
    signed = signing.sign_pdf(pdf)

    report = pdfsig(signed, tmp_path)
    assert f"Signer Certificate Common Name: {SIGNER_NAME}" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert "Signature is Valid." not in pdfsig(with_a_changed_byte(signed), tmp_path)


def test_not_a_pdf_is_not_signed():
    assert not signing.validate_pdf(b"%PDF-1.7 garbage").signed


def test_a_wrong_password_is_a_configuration_error_that_does_not_repeat_it(pkcs12_settings, pdf):
    with override_settings(CERTIFICATE_P12_PASSWORD="sai-mat-khau"):
        with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_P12_PASSWORD") as error:
            signing.sign_pdf(pdf)
    assert "sai-mat-khau" not in str(error.value)


def test_a_missing_pkcs12_file_is_a_configuration_error(pkcs12_settings, pdf, tmp_path):
    with override_settings(CERTIFICATE_P12_PATH=str(tmp_path / "khong-co.p12")):
        with pytest.raises(ImproperlyConfigured, match="khong-co.p12"):
            signing.sign_pdf(pdf)


def test_both_kinds_of_key_at_once_is_a_configuration_error(pkcs12_settings, pdf):
    with override_settings(CERTIFICATE_PKCS11_MODULE=softhsm.MODULE):
        with pytest.raises(ImproperlyConfigured, match="not both"):
            signing.sign_pdf(pdf)


def test_the_key_is_loaded_once_and_again_when_the_settings_change(pkcs12_settings, authority, pdf, tmp_path):
    signing.sign_pdf(pdf)
    pkcs12_settings.unlink()
    assert signing.validate_pdf(signing.sign_pdf(pdf), trust_roots=[authority.root]).valid  # still in memory

    other = Authority(ec.generate_private_key(ec.SECP256R1()))
    path = tmp_path / "khac.p12"
    path.write_bytes(other.pkcs12(b"khac"))
    with override_settings(CERTIFICATE_P12_PATH=str(path), CERTIFICATE_P12_PASSWORD="khac"):
        assert signing.validate_pdf(signing.sign_pdf(pdf), trust_roots=[other.root]).genuine


# PKCS#11 (SoftHSM2)


def test_it_signs_with_a_key_in_a_pkcs11_token(pkcs11_settings, authority, pdf, tmp_path):
    signed = signing.sign_pdf(pdf)

    check = signing.validate_pdf(signed, trust_roots=[authority.root])
    assert check.genuine and check.signer_name == SIGNER_NAME
    assert "Signature is Valid." in pdfsig(signed, tmp_path)
    assert not signing.validate_pdf(with_a_changed_byte(signed), trust_roots=[authority.root]).valid
    assert not signing.validate_pdf(with_an_update_appended(signed), trust_roots=[authority.root]).valid


def test_without_a_pem_file_it_takes_the_certificate_from_the_token(pkcs11_settings, authority, pdf):
    with override_settings(CERTIFICATE_PKCS11_CERT_PATH=""):
        signed = signing.sign_pdf(pdf)

    check = signing.validate_pdf(signed, trust_roots=[authority.intermediate])
    assert check.genuine and check.signer_name == SIGNER_NAME


@pytest.mark.parametrize("changed", [
    {"CERTIFICATE_PKCS11_PIN": "000000"},
    {"CERTIFICATE_PKCS11_TOKEN": "khong-co-token"},
    {"CERTIFICATE_PKCS11_KEY_LABEL": "khong-co-khoa"},
    {"CERTIFICATE_PKCS11_MODULE": "/khong/co/libpkcs11.so"},
])
def test_a_token_that_cannot_be_used_is_a_configuration_error(pkcs11_settings, pdf, changed):
    with override_settings(**changed):
        with pytest.raises(ImproperlyConfigured, match="PKCS#11") as error:
            signing.sign_pdf(pdf)
    assert "000000" not in str(error.value)


def test_a_forked_worker_opens_its_own_token_session(pkcs11_settings, authority, pdf):
    """As Celery's prefork workers do: the parent signed first, the child must not reuse its session."""
    signing.sign_pdf(pdf)
    parent_signer = signing._signer()
    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def sign_in_child():
        signed = signing.sign_pdf(pdf)
        results.put((signing._signer() is not parent_signer, signing.validate_pdf(signed).genuine))

    child = context.Process(target=sign_in_child)
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert results.get(timeout=5) == (True, True)
    assert signing.validate_pdf(signing.sign_pdf(pdf), trust_roots=[authority.root]).genuine  # the parent still signs


# Demo keys


def test_make_demo_keys_makes_usable_keys_once(pdf, tmp_path):
    first = _make_demo_keys(tmp_path)
    files = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    assert _make_demo_keys(tmp_path) == first
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == files
    assert set(first) == {"CERTIFICATE_P12_PATH", "CERTIFICATE_P12_PASSWORD", "CREDENTIAL_KEY_PATH"}
    with override_settings(**{**NOTHING, **{k: v for k, v in first.items() if k.startswith("CERTIFICATE")}}):
        check = signing.validate_pdf(signing.sign_pdf(pdf))
    assert check.genuine
    assert check.signer_name == "DEMO - Chữ ký thử nghiệm, không có giá trị pháp lý"
    credential_key = serialization.load_pem_private_key(Path(first["CREDENTIAL_KEY_PATH"]).read_bytes(), None)
    assert isinstance(credential_key, ed25519.Ed25519PrivateKey)


def _make_demo_keys(directory: Path) -> dict[str, str]:
    output = StringIO()
    call_command("make_demo_keys", "--dir", str(directory), stdout=output, stderr=StringIO())
    return dict(line.split("=", 1) for line in output.getvalue().splitlines())
