"""Certificate PDFs: exact Vietnamese, the default template, safety of admin templates.

Reads the PDFs back with poppler-utils (pdftotext, pdfinfo, pdffonts, pdfimages).
"""

import io
import logging
import subprocess
import tempfile
import unicodedata
import urllib.request
from datetime import date
from unittest import mock

import pytest
import segno
from django.utils import translation
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw

from certificates import design, rendering
from certificates.design import TemplateError, place_date_line
from certificates.rendering import Renderer, render_pdf


@pytest.fixture(autouse=True)
def _in_vietnamese():
    """Messages are read in Vietnamese, whatever language an earlier test left active."""
    with translation.override("vi"):
        yield

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng


def vietnamese_letters() -> str:
    """The 134 letters Vietnamese adds to ASCII: 67 lowercase (60 toned vowels, ă â ê ô ơ ư, đ) and their capitals."""
    lower = {unicodedata.normalize("NFC", vowel + tone) for vowel in VOWELS for tone in TONES} | {"đ"}
    lower = sorted(letter for letter in lower if not letter.isascii())
    return "".join(lower) + "".join(letter.upper() for letter in lower)


LETTERS = vietnamese_letters()
NAMES = ["Nguyễn", "Hương", "Đặng", "Thủy", "Ưng"]
PLAIN_HTML = '<p class="text">{{ text }}</p>'
PLAIN_CSS = 'html { font-family: "Liberation Serif"; font-size: 11pt; } .text { word-break: break-all; }'


def pdf_tool(name: str, pdf: bytes, *args: str) -> str:
    return subprocess.run([name, *args, "-", "-"] if name == "pdftotext" else [name, *args, "-"],
                          input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_text(pdf: bytes) -> str:
    return pdf_tool("pdftotext", pdf, "-enc", "UTF-8")


def squeeze(text: str) -> str:
    return "".join(text.split())


def default_pdf(**changes) -> bytes:
    return render_pdf(html=design.default_html(), css=design.default_css(),
                      context={**design.sample_context(), **changes}, images=sample_images())


def sample_images() -> dict[str, bytes]:
    seal = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(seal).ellipse((10, 10, 590, 590), outline=(208, 28, 28, 240), width=24)
    signature = Image.new("RGBA", (700, 350), (0, 0, 0, 0))
    ImageDraw.Draw(signature).line([(40, 250), (200, 60), (330, 280), (650, 90)], fill=(26, 42, 140, 255), width=9)
    return {"seal": png(seal), "signature": png(signature)}


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# -- Exact Vietnamese ---------------------------------------------------------


def test_the_bundled_fonts_cover_every_vietnamese_letter():
    assert len(LETTERS) == 134
    for filename in rendering.FONT_FILES.values():
        cmap = TTFont(rendering.FONTS_DIR / filename).getBestCmap()
        assert [letter for letter in LETTERS if ord(letter) not in cmap] == [], filename


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_all_134_letters_come_back_from_the_pdf_as_nfc(form):
    given = unicodedata.normalize(form, LETTERS)

    pdf = render_pdf(html=PLAIN_HTML, css=PLAIN_CSS, context={"text": given})

    assert squeeze(pdf_text(pdf)) == LETTERS


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_names_come_back_exactly_from_the_default_certificate(form):
    name = unicodedata.normalize(form, "Đặng Thủy Ưng Nguyễn Hương")

    text = pdf_text(default_pdf(holder_name=name))

    assert "Đặng Thủy Ưng Nguyễn Hương" in text
    for word in NAMES:
        assert word in text


def test_the_template_text_is_normalised_too():
    html = unicodedata.normalize("NFD", "<p>Chứng nhận {{ text }}</p>")

    pdf = render_pdf(html=html, css=PLAIN_CSS, context={"text": "Ưng"})

    assert squeeze(pdf_text(pdf)) == "ChứngnhậnƯng"


# -- The default certificate ----------------------------------------------------


def test_the_default_certificate_is_one_a4_landscape_page_under_100_kb():
    pdf = default_pdf()

    info = pdf_tool("pdfinfo", pdf)
    assert "Pages:           1" in info
    assert "841.89 x 595.276 pts (A4)" in info
    assert len(pdf) < 100_000


def test_the_longest_certificate_still_fits_one_page():
    for kind in ("completion", "attendance"):
        pdf = default_pdf(
            kind=kind, expires_on="31/12/2028", signer_title="KT. Giám đốc\nPhó Giám đốc",
            title="Hội nghị tập huấn nghiệp vụ công tác cải cách hành chính, kiểm soát thủ tục hành chính "
                  "và chuyển đổi số trong cơ quan nhà nước năm 2026",
            org_unit="Phòng Văn hóa - Xã hội, Ủy ban nhân dân phường Phan Đình Phùng, tỉnh Thái Nguyên",
        )
        assert "Pages:           1" in pdf_tool("pdfinfo", pdf)


def test_the_bundled_font_is_embedded_as_a_subset():
    rows = pdf_tool("pdffonts", default_pdf()).splitlines()[2:]

    assert rows
    for row in rows:
        name, *_, emb, sub, uni, _object, _generation = row.split()
        assert name.split("+")[1].startswith("Liberation-Serif")
        assert (emb, sub, uni) == ("yes", "yes", "yes")


def test_the_default_certificate_prints_the_administrative_headings_and_fields():
    text = pdf_text(default_pdf())

    for line in ("UBND TỈNH THÁI NGUYÊN", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Số: 125/2026/GCN", "GIẤY CHỨNG NHẬN", "HOÀN THÀNH KHÓA HỌC",
                 "Nguyễn Thị Hương", "Ngày sinh: 12/05/1988", "Thái Nguyên, ngày 07 tháng 12 năm 2026",
                 "GIÁM ĐỐC", "Đặng Văn Thủy", "K7M2QX-9HTRWP-4BNZ8C", "40 giờ"):
        assert line in text


def test_empty_fields_hide_their_lines():
    text = pdf_text(default_pdf(birth_date="", position=None, result=""))

    assert "Ngày sinh" not in text
    assert "Chức vụ" not in text
    assert "Kết quả" not in text
    assert "None" not in text


def test_an_attendance_certificate_prints_venue_and_sessions_not_a_result():
    text = pdf_text(default_pdf(kind="attendance", title="Hội nghị cải cách hành chính"))

    assert "THAM DỰ" in text
    assert "Đã tham dự: Hội nghị cải cách hành chính" in text
    assert "Số buổi tham dự: 5/6 buổi" in text
    assert "Trường Chính trị tỉnh Thái Nguyên" in text
    assert "Kết quả" not in text


def test_the_qr_code_in_the_pdf_encodes_the_verify_url():
    url = "https://daotao.example.vn/verify/ABCDEF-234567-XYZ89Q/"
    pdf = render_pdf(html='<img src="{{ qr }}">', css="", context={"verify_url": url})

    printed = pdf_images(pdf)

    expected = segno.make(url, error="m", micro=False, mask=rendering.QR_MASK).matrix
    assert printed == [[0 if dark else 255 for dark in row] for row in expected]


def pdf_images(pdf: bytes) -> list[list[int]]:
    """The pixels of the only image in the PDF, as greyscale rows."""
    listing = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True)
    assert len(listing.stdout.decode().splitlines()) == 3  # two header lines, one image
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdfimages", "-png", "-", f"{folder}/image"], input=pdf, check=True)
        image = Image.open(f"{folder}/image-000.png").convert("L")
        return [[image.getpixel((x, y)) for x in range(image.width)] for y in range(image.height)]


def test_seal_and_signature_may_be_png_jpeg_or_svg():
    scan = Image.new("RGB", (300, 300), (250, 248, 240))
    ImageDraw.Draw(scan).ellipse((10, 10, 290, 290), outline=(200, 30, 30), width=12)
    jpeg = io.BytesIO()
    scan.save(jpeg, "JPEG")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="red"/></svg>'

    for images in ({"seal": jpeg.getvalue(), "signature": svg}, sample_images()):
        pdf = render_pdf(html=design.default_html(), css=design.default_css(),
                         context=design.sample_context(), images=images)
        assert "Pages:           1" in pdf_tool("pdfinfo", pdf)


def test_an_unreadable_image_is_a_template_error():
    with pytest.raises(TemplateError):
        Renderer(PLAIN_HTML, "", {"seal": b"\x89PNG not really"})


def test_one_renderer_makes_many_certificates_each_with_its_own_data():
    renderer = Renderer(design.default_html(), design.default_css(), sample_images())

    first = pdf_text(renderer.render({**design.sample_context(), "holder_name": "Đặng Thủy"}))
    second = pdf_text(renderer.render({**design.sample_context(), "holder_name": "Nguyễn Ưng"}))

    assert "Đặng Thủy" in first and "Nguyễn Ưng" not in first
    assert "Nguyễn Ưng" in second and "Đặng Thủy" not in second


# -- Place and date -------------------------------------------------------------


@pytest.mark.parametrize(("day", "line"), [
    (date(2026, 12, 7), "Thái Nguyên, ngày 07 tháng 12 năm 2026"),
    (date(2026, 2, 7), "Thái Nguyên, ngày 07 tháng 02 năm 2026"),
    (date(2026, 1, 1), "Thái Nguyên, ngày 01 tháng 01 năm 2026"),
    (date(2026, 3, 15), "Thái Nguyên, ngày 15 tháng 3 năm 2026"),
    (date(2026, 9, 30), "Thái Nguyên, ngày 30 tháng 9 năm 2026"),
])
def test_the_place_and_date_line_follows_decree_30(day, line):
    assert place_date_line("Thái Nguyên", day) == line


# -- Admin templates are not trusted ---------------------------------------------


HOSTILE_HTML = """
<link rel="stylesheet" href="http://example.com/evil.css">
<link rel="attachment" href="file:///etc/passwd">
<img src="file:///etc/passwd"><img src="http://example.com/pixel.png">
<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E
rkJggg==">
<object data="file:///etc/hostname"></object>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
<image href="file:///etc/passwd" width="10" height="10"/></svg>
<p class="text">{{ text }}</p>
"""
HOSTILE_CSS = """
@import url(http://example.com/more.css);
@import url(file:///etc/passwd);
@font-face { font-family: Evil; src: url(file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf); }
body { background: url(file:///etc/passwd); }
p { font-family: Evil, "Liberation Serif"; }
.text::after { content: url(https://example.com/x.png); }
"""


def test_templates_fetch_no_file_network_or_data_url_and_still_render():
    asked = []
    original = rendering._Fetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    with mock.patch.object(rendering._Fetcher, "fetch", spy), \
            mock.patch.object(urllib.request.OpenerDirector, "open", side_effect=OSError("offline")) as opened:
        pdf = render_pdf(html=HOSTILE_HTML, css=HOSTILE_CSS, context={"text": "Vẫn in được"})

    assert not opened.called
    assert "Vẫn in được" in pdf_text(pdf)
    refused = [url for url in asked if not url.startswith("certificate:")]
    assert any(url.startswith("file:") for url in refused)
    assert any(url.startswith("http") for url in refused)
    assert any(url.startswith("data:") for url in refused)
    assert b"root:" not in pdf
    assert "DejaVu" not in pdf_tool("pdffonts", pdf)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://example.com/", "https://example.com/", "data:text/plain,hello",
    "certificate:font/../../../etc/passwd", "certificate:image/seal", "ftp://example.com/x",
])
def test_the_fetcher_refuses_everything_but_its_own_files(url):
    with pytest.raises(ValueError):
        rendering._Fetcher({}).fetch(url)


@pytest.mark.parametrize("html", [
    "{% if %}", "{{ text|nosuchfilter }}", "{% include '/etc/passwd' %}", "{% extends 'base.html' %}",
    "{% load static %}", "{% debug %}", "{% ssi '/etc/passwd' %}",
])
def test_a_broken_or_file_reading_template_is_a_template_error(html):
    with pytest.raises(TemplateError):
        Renderer(html, "").render({"text": "x"})


def test_placeholders_are_escaped():
    pdf = render_pdf(html=PLAIN_HTML, css=PLAIN_CSS, context={"text": '<img src="file:///etc/passwd">Đặng'})

    assert '<imgsrc="file:///etc/passwd">Đặng' in squeeze(pdf_text(pdf))


def test_a_slow_template_is_stopped_by_the_time_limit():
    nested_loops = '{% with s="x"|rjust:3000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}{% endwith %}'
    renderer = Renderer(nested_loops, "", time_limit=0.3)

    with pytest.raises(TemplateError, match="0.3 giây"):
        renderer.render({})


def test_a_slow_layout_is_stopped_by_the_time_limit_and_the_renderer_recovers():
    many_boxes = '{% for a in "x"|rjust:20000 %}<b>{{ text }}</b> {% endfor %}'
    renderer = Renderer(many_boxes, "@page { size: A0 }", time_limit=0.3)

    with pytest.raises(TemplateError, match="giây"):
        renderer.render({"text": "Ưng"})
    assert b"%PDF" in Renderer(PLAIN_HTML, PLAIN_CSS, time_limit=5).render({"text": "Ưng"})


def test_more_pages_than_a_certificate_has_is_a_template_error():
    with pytest.raises(TemplateError, match="4 trang"):
        render_pdf(html='{% for a in "xxxx" %}<p style="break-after: page">{{ a }}</p>{% endfor %}',
                   css="", context={})


def test_overlong_templates_are_refused_before_rendering():
    with pytest.raises(TemplateError):
        Renderer("x" * (rendering.MAX_TEMPLATE_CHARS + 1), "")
    with pytest.raises(TemplateError):
        Renderer('{% for a in "x"|rjust:30000 %}{{ text }}{% endfor %}', "").render({"text": "y" * 40})


# -- Worker start -----------------------------------------------------------------


def test_workers_warn_when_fonts_cannot_be_subset(caplog, monkeypatch):
    logger = logging.getLogger("certificates.test")
    monkeypatch.setattr(rendering, "harfbuzz_subset_available", lambda: False)

    with caplog.at_level(logging.WARNING, logger="certificates.test"):
        rendering.warn_if_fonts_slow(logger)

    assert "libharfbuzz-subset0" in caplog.text


def test_workers_stay_quiet_when_fonts_can_be_subset(caplog, monkeypatch):
    logger = logging.getLogger("certificates.test")
    monkeypatch.setattr(rendering, "harfbuzz_subset_available", lambda: True)

    with caplog.at_level(logging.WARNING, logger="certificates.test"):
        rendering.warn_if_fonts_slow(logger)

    assert caplog.text == ""


def test_a_template_growing_without_bound_is_stopped_by_the_memory_limit(monkeypatch):
    monkeypatch.setattr(rendering, "MAX_RENDER_MEMORY", 50_000_000)
    megabytes = '{% for a in "x"|rjust:300 %}{{ "x"|rjust:1000000 }}{% endfor %}'  # 300 MB unless stopped

    with pytest.raises(TemplateError, match="bộ nhớ"):
        Renderer(megabytes, "", time_limit=60).render({})


def test_a_tag_failing_at_render_time_is_a_template_error():
    with pytest.raises(TemplateError):
        Renderer("{% url 'no-such-view' %}", "").render({})
