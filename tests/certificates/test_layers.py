"""Two layers: a template's static part drawn once, each person's page drawn over it.

The merged page must read and look exactly like the page drawn in one go.
"""

import io
import subprocess
from unittest import mock

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings
from PIL import Image, ImageChops

from certificates import design, rendering, services, signing
from certificates.models import CertificateTemplate
from certificates.rendering import Renderer
from tests.certificates.test_rendering import pdf_text, pdf_tool, sample_images
from tests.certificates.test_signing import NOTHING, Authority, pdfsig

STATIC_TEXT = ("UBND TỈNH THÁI NGUYÊN", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "GIẤY CHỨNG NHẬN",
               "HOÀN THÀNH KHÓA HỌC", "Thái Nguyên, ngày 07 tháng 12 năm 2026", "GIÁM ĐỐC", "Đặng Văn Thủy")


def context(**changes) -> dict:
    return {**design.sample_context(), **changes}


def default_renderer(html: str | None = None) -> Renderer:
    return Renderer(html or design.default_html(), design.default_css(), sample_images())


def one_layer_html() -> str:
    return design.default_html().replace(" data-static", "")


def merges(renderer: Renderer, values: dict) -> tuple[bytes, int]:
    """The PDF, and how many times two layers were merged to make it."""
    with mock.patch.object(rendering, "_merge", wraps=rendering._merge) as merge:
        pdf = renderer.render(values)
    return pdf, merge.call_count


def picture(pdf: bytes) -> Image.Image:
    png = subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-"], input=pdf, capture_output=True,
                         check=True).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_the_default_certificate_is_one_page_with_the_static_text_and_the_persons():
    pdf, merged = merges(default_renderer(), context(holder_name="Đặng Thủy Ưng"))

    text = pdf_text(pdf)
    assert merged == 1
    assert "Pages:           1" in pdf_tool("pdfinfo", pdf)
    for line in (*STATIC_TEXT, "Chứng nhận ông/bà: Đặng Thủy Ưng", "Số: 125/2026/GCN",
                 "Đã hoàn thành khóa học: Bồi dưỡng kiến thức, kỹ năng về cải cách hành chính và chuyển đổi số"):
        assert line in text
    assert text.count("Đặng Văn Thủy") == 1  # each layer draws its own part only
    assert len(pdf) < 100_000


def test_each_layers_font_subsets_have_names_of_their_own():
    pdf, merged = merges(default_renderer(), context())

    names = [row.split()[0] for row in pdf_tool("pdffonts", pdf).splitlines()[2:]]
    assert merged == 1
    assert len(names) >= 4 and len(set(names)) == len(names)


def test_the_merged_page_looks_like_the_page_drawn_in_one_go():
    # Without the QR code, which the two layers draw as squares and the one layer as an image.
    values = context(verify_url="", expires_on="31/12/2028", kind="attendance")

    layered, merged = merges(default_renderer(), values)
    whole, not_merged = merges(default_renderer(one_layer_html()), values)

    assert (merged, not_merged) == (1, 0)
    difference = ImageChops.difference(picture(layered), picture(whole)).convert("L")
    assert difference.getextrema()[1] <= 8


def test_the_static_layer_is_drawn_once_for_many_people():
    renderer = default_renderer()

    with mock.patch.object(renderer, "_static_layer", wraps=renderer._static_layer) as draw_static:
        texts = [pdf_text(renderer.render(context(holder_name=name, number=f"{n}/2026/GCN")))
                 for n, name in enumerate(["Nguyễn Hương", "Đặng Thủy", "Lê Ưng"], start=1)]

    assert draw_static.call_count == 1
    assert "Nguyễn Hương" in texts[0] and "Đặng Thủy" not in texts[0] and "Số: 1/2026/GCN" in texts[0]
    assert "Lê Ưng" in texts[2] and "Nguyễn Hương" not in texts[2] and "Số: 3/2026/GCN" in texts[2]


def test_a_change_in_what_the_static_layer_prints_draws_it_again():
    renderer = default_renderer()

    first = pdf_text(renderer.render(context()))
    renamed = pdf_text(renderer.render(context(issuer="Trường Chính trị tỉnh", signer_name="Lê Văn Ưng")))
    next_day = pdf_text(renderer.render(context(place_date="Thái Nguyên, ngày 08 tháng 12 năm 2026")))

    assert len(renderer.static_layers) == 3
    assert "SỞ NỘI VỤ" in first and "Đặng Văn Thủy" in first
    assert "TRƯỜNG CHÍNH TRỊ TỈNH" in renamed and "Lê Văn Ưng" in renamed
    assert "SỞ NỘI VỤ" not in renamed and "Đặng Văn Thủy" not in renamed
    assert "ngày 08 tháng 12" in next_day and "ngày 07 tháng 12" not in next_day


@pytest.mark.django_db
def test_an_edited_template_draws_its_static_layer_again():
    template = CertificateTemplate.objects.create(name="Mẫu", issuer="Sở Nội vụ")
    before = pdf_text(services.renderer_for(template).render(context()))

    template.css = design.default_css() + "h1 { text-transform: lowercase; }"
    template.save()
    after = pdf_text(services.renderer_for(template).render(context()))

    assert "GIẤY CHỨNG NHẬN" in before
    assert "giấy chứng nhận" in after and "GIẤY CHỨNG NHẬN" not in after


def test_a_template_without_a_static_part_is_drawn_in_one_layer():
    renderer = Renderer('<p>Chứng nhận {{ holder_name }}</p><img src="{{ qr }}">', "")

    pdf, merged = merges(renderer, context(holder_name="Nguyễn Thị Hương"))

    assert merged == 0
    assert renderer.static_layers == {}
    assert "Chứng nhận Nguyễn Thị Hương" in pdf_text(pdf)


def test_a_custom_template_marks_its_own_static_part():
    html = ('<div class="seal" data-static>{{ issuer|upper }} – CHỨNG NHẬN</div>'
            '<p class="who">{{ holder_name }}</p>')
    css = ".seal { position: absolute; top: 0; left: 0; } .who { margin-top: 30mm; }"

    pdf, merged = merges(Renderer(html, css), context(holder_name="Hà Thị Ưng"))

    assert merged == 1
    assert pdf_text(pdf).split() == "SỞ NỘI VỤ – CHỨNG NHẬN Hà Thị Ưng".split()


def test_a_person_too_long_for_the_room_kept_is_drawn_in_one_layer_and_fits():
    """A body longer than its minimum height pushes the signer's block down: the layers cannot line up."""
    long_unit = "Phòng Văn hóa - Xã hội, Ủy ban nhân dân phường Phan Đình Phùng, tỉnh Thái Nguyên. " * 4
    renderer = default_renderer()

    pdf, merged = merges(renderer, context(org_unit=long_unit, expires_on="31/12/2028"))

    text = pdf_text(pdf)
    assert merged == 0
    assert text.count("Đặng Văn Thủy") == 1 and text.count("GIẤY CHỨNG NHẬN") == 1
    assert "Pages:           1" in pdf_tool("pdfinfo", pdf)


# The issuer in light grey, so that the QR code's are the only dark pixels.
PADDED_QR = ('<p data-static style="color: #ccc">{{ issuer }}</p>'
             '<img src="{{ qr }}" style="width: 30mm; padding: 4mm 9mm 2mm 3mm; border: 2mm solid #ccc">')


@pytest.mark.parametrize("html", [None, PADDED_QR], ids=["default", "padded"])
def test_the_qr_code_drawn_over_the_layers_reads_as_the_verify_url(html):
    zxingcpp = pytest.importorskip("zxingcpp")
    url = "https://daotao.example.vn/verify/ABCDEF-234567-XYZ89Q/"

    pdf, merged = merges(default_renderer(html), context(verify_url=url))

    png = subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-"], input=pdf, capture_output=True,
                         check=True).stdout
    image = Image.open(io.BytesIO(png))
    assert merged == 1
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [url]
    if html == PADDED_QR:  # drawn inside the padding: a square of 30 mm, 177 pixels at 150 dpi
        left, top, right, bottom = image.convert("L").point(lambda value: 255 if value < 100 else 0).getbbox()
        assert abs((right - left) - 177) <= 2 and abs((bottom - top) - 177) <= 2


def test_the_merged_page_is_signed_and_the_signature_checks_out(tmp_path):
    authority = Authority(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    path = tmp_path / "ky-so.p12"
    path.write_bytes(authority.pkcs12(b"mat-khau"))
    pdf, merged = merges(default_renderer(), context())

    with override_settings(**{**NOTHING, "CERTIFICATE_P12_PATH": str(path), "CERTIFICATE_P12_PASSWORD": "mat-khau"}):
        signed = signing.sign_pdf(pdf)
        check = signing.validate_pdf(signed)

    assert merged == 1
    assert check.valid and check.trusted
    assert "Signature is Valid." in pdfsig(signed, tmp_path)
    assert "Nguyễn Thị Hương" in pdf_text(signed)


def test_a_qr_code_the_template_turns_is_left_to_weasyprint():
    html = '<p data-static>{{ issuer }}</p><img src="{{ qr }}" style="width: 30mm; transform: rotate(90deg)">'

    pdf, merged = merges(Renderer(html, ""), context())

    assert merged == 0
    assert len(pdf_tool("pdfimages", pdf, "-list").splitlines()) == 3  # two header lines, the QR code
