"""Certificate PDFs from an HTML and CSS template, rendered by WeasyPrint.

Pure rendering, no database: the caller gives the template and a context of
strings it has already formatted, and gets the PDF bytes back.

- Text is set in the bundled Liberation Serif (fonts/), which covers every
  Vietnamese letter. All text is normalised to NFC first: WeasyPrint misplaces
  decomposed combining marks (its issue #547).
- Templates are admin input. They are rendered by a Django template engine that
  has no loaders (no {% include %} or {% extends %}, so no file is read) and only
  the built-in tags and filters. WeasyPrint fetches nothing but the bundled fonts
  and the images this module serves itself (seal, signature, QR code) through the
  internal "certificate:" scheme: no file://, http(s):// or data: URL is opened.
- A render has a time limit (CERTIFICATE_RENDER_SECONDS) and a memory limit, on
  top of size caps on the template, the images, the HTML it produces and the
  number of pages.
- A `Renderer` is built once per template and reused for every certificate of a
  bulk run: the compiled template, the parsed stylesheets and the font
  configuration (with the bundled fonts loaded) are shared between documents.
"""

import ctypes
import io
import logging
import os
import threading
import time
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

import segno
from PIL import Image, ImageChops, ImageMath, ImageOps, ImageStat
from django.conf import settings
from django.template import Context, Engine, Library, TemplateSyntaxError
from django.template import defaultfilters, defaulttags
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text import ffi as weasyprint_ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

HERE = Path(__file__).resolve().parent
FONTS_DIR = HERE / "fonts"
TEMPLATE_DIR = HERE / "pdf"
FONT_FAMILY = "Liberation Serif"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
}
SCHEME = "certificate:"
FONT_PREFIX = SCHEME + "font/"
IMAGE_PREFIX = SCHEME + "image/"
QR_PREFIX = SCHEME + "qr?"

# Caps on admin input; the default template is about 4 KB of HTML and 4 KB of CSS.
MAX_TEMPLATE_CHARS = 100_000
MAX_HTML_CHARS = 1_000_000
MAX_PAGES = 2
MAX_IMAGE_BYTES = 5_000_000
MAX_RENDER_MEMORY = 150_000_000  # bytes a render may add to the process
WATCH_SECONDS = 0.25
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

# Tags an admin template must not have: {% debug %} prints the context and every
# loaded module; {% include %}, {% extends %} and friends live in loader_tags,
# which is simply not loaded.
FORBIDDEN_TAGS = {"debug"}

IMAGE_NAMES = ("seal", "signature")
# A scanned image's paper is anything lighter than this (0-255); darker is ink.
PAPER = 225
IMAGE_HEIGHT = 250  # pixels: about 230 dpi at the 28 mm the default template prints them


class TemplateError(Exception):
    """The template cannot be rendered; the message is for the admin who wrote it (a 400)."""


class _RenderStopped(BaseException):
    """Raised inside the rendering thread when time is up or memory runs short.

    A BaseException so that WeasyPrint's and Django's `except Exception` blocks
    let it through.
    """


# -- Public helpers ---------------------------------------------------------


def default_html() -> str:
    return (TEMPLATE_DIR / "default.html").read_text(encoding="utf-8")


def default_css() -> str:
    return (TEMPLATE_DIR / "default.css").read_text(encoding="utf-8")


def place_date_line(place: str, day: date) -> str:
    """ "Thái Nguyên, ngày 07 tháng 12 năm 2026".

    Decree 30/2020 (Appendix I): days below 10 and the months 1 and 2 take a
    leading zero, so "ngày 07 tháng 02" but "ngày 15 tháng 3".
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return unicodedata.normalize("NFC", f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}")


def sample_context() -> dict:
    """Realistic data for the admin's live preview of a template."""
    return {
        "holder_name": "Nguyễn Thị Hương",
        "birth_date": "12/05/1988",
        "employee_code": "TN-04217",
        "org_unit": "Phường Phan Đình Phùng, tỉnh Thái Nguyên",
        "position": "Công chức Văn phòng - Thống kê",
        "kind": "completion",
        "kind_label": "Hoàn thành",
        "title": "Bồi dưỡng kiến thức, kỹ năng về cải cách hành chính và chuyển đổi số năm 2026",
        "starts_on": "03/11/2026",
        "ends_on": "28/11/2026",
        "hours": "40",
        "result": "Đạt, xếp loại Giỏi (8,6 điểm)",
        "venue": "Trường Chính trị tỉnh Thái Nguyên",
        "sessions": "5/6 buổi",
        "issuer_parent": "UBND TỈNH THÁI NGUYÊN",
        "issuer": "Sở Nội vụ",
        "signer_title": "Giám đốc",
        "signer_name": "Đặng Văn Thủy",
        "number": "125/2026/GCN",
        "code": "K7M2QX-9HTRWP-4BNZ8C",
        "verify_url": "https://daotao.thainguyen.gov.vn/verify/K7M2QX-9HTRWP-4BNZ8C/",
        "place_date": place_date_line("Thái Nguyên", date(2026, 12, 7)),
        "expires_on": "",
    }


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (about 7 times faster than without)."""
    return getattr(weasyprint_ffi, "harfbuzz_subset", None) is not None


def warn_if_fonts_slow(logger: logging.Logger) -> None:
    """Log a warning at worker start when certificates will render slowly."""
    if not harfbuzz_subset_available():
        logger.warning(
            "libharfbuzz-subset.so.0 cannot be loaded: each certificate PDF takes several times longer to "
            "render. Install Debian's libharfbuzz-subset0 package."
        )


def render_pdf(*, html: str, css: str, context: dict, images: dict[str, bytes] | None = None) -> bytes:
    """One PDF from a template; for many, build one `Renderer` and reuse it."""
    return Renderer(html, css, images).render(context)


# -- The renderer -------------------------------------------------------------


class Renderer:
    """One template, compiled once, rendering many certificates.

    `images` holds the admin's uploads keyed "seal" and "signature" (PNG, JPEG
    or SVG bytes); the context gets their internal URLs under the same keys, or
    "" when absent, and the QR code of `verify_url` under "qr". One renderer
    serves one thread at a time (WeasyPrint's font configuration is not shared
    safely between threads).
    """

    def __init__(self, html: str, css: str, images: dict[str, bytes] | None = None, *,
                 time_limit: float | None = None):
        html, css = _nfc(html), _nfc(css)
        if len(html) > MAX_TEMPLATE_CHARS or len(css) > MAX_TEMPLATE_CHARS:
            raise TemplateError(_("The template is too long: at most %(count)d characters of HTML and of CSS.")
                                % {"count": MAX_TEMPLATE_CHARS})
        self.time_limit = time_limit if time_limit is not None else _setting_seconds()
        self.template = _compile(html)
        self.images = _prepare_images(images or {})
        self.fetcher = _Fetcher(self.images)
        self.font_config = FontConfiguration()
        self.stylesheets = _within_limits(self.time_limit, self._stylesheets, css)

    def render(self, context: dict) -> bytes:
        """The PDF of one certificate. Raises TemplateError when the template cannot make one."""
        return _within_limits(self.time_limit, self._render, context)

    def _stylesheets(self, css: str) -> list[CSS]:
        return [CSS(string=text, url_fetcher=self.fetcher, font_config=self.font_config)
                for text in (_fonts_css(), css)]

    def _render(self, context: dict) -> bytes:
        html = HTML(string=self._html(context), url_fetcher=self.fetcher, base_url=SCHEME)
        try:
            document = html.render(font_config=self.font_config, stylesheets=self.stylesheets)
        except Exception as error:  # WeasyPrint failing on odd HTML or CSS an admin wrote
            raise TemplateError(_("The certificate cannot be laid out: %(error)s") % {"error": error}) from error
        if len(document.pages) > MAX_PAGES:
            raise TemplateError(_("The certificate has %(count)d pages; at most %(max)d are allowed.")
                                % {"count": len(document.pages), "max": MAX_PAGES})
        return document.write_pdf()

    def _html(self, context: dict) -> str:
        values = {key: _nfc(value) if isinstance(value, str) else value for key, value in context.items()}
        values.update((key, "") for key, value in context.items() if value is None)
        for name in IMAGE_NAMES:
            values[name] = IMAGE_PREFIX + name if name in self.images else ""
        verify_url = values.get("verify_url") or ""
        values["qr"] = QR_PREFIX + quote(verify_url, safe="") if verify_url else ""
        try:
            html = self.template.render(Context(values))
        except Exception as error:  # a tag failing on its values, e.g. {% url %} or {% widthratio %}
            raise TemplateError(_("The template cannot be filled in: %(error)s") % {"error": error}) from error
        if len(html) > MAX_HTML_CHARS:
            raise TemplateError(_("The template produces too much text: at most %(count)d characters.")
                                % {"count": MAX_HTML_CHARS})
        return html


# -- Template engine ----------------------------------------------------------


@cache
def _engine() -> Engine:
    """A Django engine that reads no file: no dirs, no loaders, only the built-in tags and filters."""
    engine = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, builtins=[], autoescape=True)
    tags = Library()
    tags.tags = {name: tag for name, tag in defaulttags.register.tags.items() if name not in FORBIDDEN_TAGS}
    engine.template_builtins = [tags, defaultfilters.register]
    return engine


def _compile(html: str):
    try:
        return _engine().from_string(html)
    except TemplateSyntaxError as error:
        raise TemplateError(_("The template has an error: %(error)s") % {"error": error}) from error


# -- Fetching: the bundled fonts and our own images, nothing else ------------


@cache
def _fonts_css() -> str:
    rules = []
    for (weight, style), filename in FONT_FILES.items():
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{FONT_PREFIX}{filename}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


@cache
def _font_bytes(filename: str) -> bytes:
    return (FONTS_DIR / filename).read_bytes()


class _Fetcher(URLFetcher):
    """Serves "certificate:" URLs from memory and refuses every other URL.

    A refused image is left out and the rest still renders (WeasyPrint logs it).
    """

    def __init__(self, images: dict[str, bytes]):
        super().__init__(allowed_protocols=())
        self.images = images

    def fetch(self, url, headers=None):
        name = url.removeprefix(FONT_PREFIX)
        if url.startswith(FONT_PREFIX) and name in FONT_FILES.values():
            return URLFetcherResponse(url, _font_bytes(name), {"Content-Type": "font/ttf"})
        name = url.removeprefix(IMAGE_PREFIX)
        if url.startswith(IMAGE_PREFIX) and name in self.images:
            data = self.images[name]
            return URLFetcherResponse(url, data, {"Content-Type": _image_type(data)})
        if url.startswith(QR_PREFIX):
            return URLFetcherResponse(url, _qr_png(unquote(url.removeprefix(QR_PREFIX))), {"Content-Type": "image/png"})
        raise ValueError(f"Certificates may not load {url[:100]!r}")


def _image_type(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return "image/svg+xml"


# -- Seal and signature -------------------------------------------------------


def _prepare_images(images: dict[str, bytes]) -> dict[str, bytes]:
    """The files served for the admin's images, keyed by the path after "certificate:image/".

    WeasyPrint embeds a JPEG as it is, but decodes and re-encodes a PNG with
    transparency in every PDF (9 ms for a 300-pixel seal, 30 ms at 600). So a
    raster image is turned once into two JPEGs, its colours and its
    transparency, joined by a small SVG that masks the one with the other. An
    image without transparency (a scanned seal) takes its transparency from its
    whiteness, so that the paper does not cover the signature. SVG is kept as it is.
    """
    files = {}
    for name in IMAGE_NAMES:
        data = images.get(name)
        if not data:
            continue
        if len(data) > MAX_IMAGE_BYTES:
            raise TemplateError(_("The image %(name)s is larger than %(size)d MB.")
                                % {"name": name, "size": MAX_IMAGE_BYTES // 1_000_000})
        if data.lstrip()[:1] == b"<":
            files[name] = data
            continue
        colour, alpha, (width, height) = _split_raster(name, data)
        files[f"{name}-colour"], files[f"{name}-alpha"] = colour, alpha
        files[name] = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"><defs>'
            f'<pattern id="c" patternUnits="userSpaceOnUse" width="{width}" height="{height}">'
            f'<image href="{IMAGE_PREFIX}{name}-colour" width="{width}" height="{height}"/></pattern>'
            f'<mask id="a" maskUnits="userSpaceOnUse" x="0" y="0" width="{width}" height="{height}">'
            f'<image href="{IMAGE_PREFIX}{name}-alpha" width="{width}" height="{height}"/></mask></defs>'
            f'<rect width="{width}" height="{height}" fill="url(#c)" mask="url(#a)"/></svg>'
        ).encode()
    return files


def _split_raster(name: str, data: bytes) -> tuple[bytes, bytes, tuple[int, int]]:
    """(colours as JPEG, transparency as greyscale JPEG, size) of a PNG or JPEG.

    The colours are those of the ink, not blended with any background, so that
    soft edges do not show a white halo where the seal overlaps the signature;
    where the image is transparent they are the ink's average colour, so that
    JPEG blocks do not bleed another colour into the edges.
    """
    try:
        image = Image.open(io.BytesIO(data))
        image.draft("RGB", (IMAGE_HEIGHT * 4, IMAGE_HEIGHT))
        image = ImageOps.exif_transpose(image).convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise TemplateError(_("The image %(name)s cannot be read: use PNG, JPEG or SVG.")
                            % {"name": name}) from error
    image.thumbnail((IMAGE_HEIGHT * 4, IMAGE_HEIGHT))
    *channels, alpha = image.split()
    if alpha.getextrema()[0] == 255:  # opaque, as a scan: ink is what is darker than the paper
        whiteness = ImageChops.darker(ImageChops.darker(*channels[:2]), channels[2])
        alpha = whiteness.point(lambda value: min(255, max(0, PAPER - value) * 255 // (PAPER - 40)))
        channels = [_unblend_from_white(channel, alpha) for channel in channels]
    colour = Image.merge("RGB", channels)
    inked = alpha.point(lambda value: 255 if value > 127 else 0)
    ink = tuple(round(value) for value in ImageStat.Stat(colour, inked).mean) if inked.getbbox() else (0, 0, 0)
    background = Image.new("RGB", image.size, ink)
    background.paste(colour, mask=alpha.point(lambda value: 255 if value > 8 else 0))
    return _jpeg(background), _jpeg(alpha), image.size


def _unblend_from_white(channel, alpha):
    """The ink's own value of a colour channel seen as ink of opacity `alpha` on white paper."""
    return ImageMath.lambda_eval(
        lambda image: image["convert"](255 - (255 - image["c"]) * 255 / image["max"](image["a"], 1), "L"),
        c=channel, a=alpha,
    )


def _jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _qr_png(text: str) -> bytes:
    """The QR code as a PNG of one pixel a module (about 250 bytes), scaled up by the template's CSS.

    A PNG draws several times faster than the same code as an SVG path.
    """
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", border=0, scale=1)
    return buffer.getvalue()


# -- Time and memory limit -------------------------------------------------------


def _within_limits(seconds: float, function, *args):
    """function(*args), stopped with TemplateError after `seconds` or when it takes too much memory."""
    watchdog = _Watchdog(seconds)
    try:
        try:
            return function(*args)
        finally:
            watchdog.stop()
    except _RenderStopped:
        watchdog.stop()
        if watchdog.reason == "memory":
            raise TemplateError(_("The certificate needed more than %(size)d MB of memory to render.")
                                % {"size": MAX_RENDER_MEMORY // 1_000_000}) from None
        raise TemplateError(_("The certificate took longer than %(seconds)s seconds to render.")
                            % {"seconds": f"{seconds:g}"}) from None


class _Watchdog:
    """Stops the thread that made it, once `seconds` have passed or its process grew by MAX_RENDER_MEMORY.

    A watching thread looks every quarter of a second and then sets an
    asynchronous exception on the rendering thread (PyThreadState_SetAsyncExc),
    which Python raises at that thread's next bytecode; it does so again at each
    look until stopped, in case an `except BaseException` swallowed it (WeasyPrint
    has one around SVG drawing). It cannot break into one long call into C (one
    huge image decode, one huge paragraph shaped by Pango): the size caps keep
    those short. Unlike SIGALRM it works in any thread. Memory is the whole
    process's resident size (Linux only), which a template looping over long
    strings grows by gigabytes well before any time limit.
    """

    def __init__(self, seconds: float):
        self.thread_id = threading.get_ident()
        self.deadline = time.monotonic() + seconds
        self.memory_limit = _resident_bytes() + MAX_RENDER_MEMORY
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.reason = None
        threading.Thread(target=self._watch, daemon=True, name="certificate-watchdog").start()

    def stop(self):
        with self.lock:
            if not self.stopped.is_set():
                self.stopped.set()
                if self.reason:
                    _set_async_exception(self.thread_id, None)  # drop one not raised yet

    def _watch(self):
        while not self.stopped.wait(WATCH_SECONDS):
            with self.lock:
                if self.stopped.is_set():
                    return
                if time.monotonic() > self.deadline:
                    self.reason = self.reason or "time"
                elif _resident_bytes() > self.memory_limit:
                    self.reason = self.reason or "memory"
                if self.reason:
                    _set_async_exception(self.thread_id, _RenderStopped)


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except OSError:
        return 0  # not Linux: no memory limit


def _set_async_exception(thread_id: int, exception_type) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception_type) if exception_type else None)


def _setting_seconds() -> float:
    return float(getattr(settings, "CERTIFICATE_RENDER_SECONDS", 20))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
