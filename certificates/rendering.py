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
- Two layers. The elements of a template marked with the attribute `data-static`
  (the default template marks its border, headings, title and signer's block)
  are its static layer, drawn once per renderer and what it prints, and kept;
  each person's page is drawn without them and merged over it by qpdf (pikepdf),
  with its QR code drawn as squares rather than an image. A page is the same
  either way, but a certificate costs about a third less. A template without
  `data-static`, or a page where a person's text would move a static element, is
  drawn whole (see `Renderer._render_layers`).
"""

import ctypes
import io
import logging
import os
import re
import string
import threading
import time
import unicodedata
from collections import OrderedDict
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote
from xml.etree import ElementTree

import pikepdf
import segno
from PIL import Image, ImageChops, ImageMath, ImageOps, ImageStat
from django.conf import settings
from django.template import Context, Engine, Library, TemplateSyntaxError
from django.template import defaultfilters, defaulttags
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import InlineBox
from weasyprint.text import ffi as weasyprint_ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from certificates.design import TemplateError

HERE = Path(__file__).resolve().parent
FONTS_DIR = HERE / "fonts"
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
BLANK_PREFIX = SCHEME + "blank?"  # a white square of that many pixels: room for a QR code drawn later

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

# The attribute that marks an element of a template as part of the static layer.
STATIC = "data-static"
# In the person's layer, what stands in for a static element: hidden, and given its size, borders and
# padding included, by `_stand_in_sizes`; and the blank image where a QR code is drawn later: hidden.
STAND_IN = "data-stand-in"
QR_STAND_IN = "data-qr-stand-in"
STAND_INS_CSS = f"""[{STAND_IN}] {{ visibility: hidden !important; box-sizing: border-box !important;
min-width: 0 !important; max-width: none !important; min-height: 0 !important; max-height: none !important; }}
[{QR_STAND_IN}] {{ visibility: hidden !important; }}
"""
PT_PER_PX = 0.75  # PDF points in a CSS pixel
SHIFTED_TAG = str.maketrans(string.ascii_uppercase, string.ascii_uppercase[13:] + string.ascii_uppercase[:13])
STATIC_LAYERS_KEPT = 16  # per renderer: kinds, issue dates, certificates with and without a number
# A QR code's mask is fixed rather than the best of eight: choosing costs more than the rest of the code.
# Any mask reads the same; the error correction is unchanged.
QR_MASK = 4




class _RenderStopped(BaseException):
    """Raised inside the rendering thread when time is up or memory runs short.

    A BaseException so that WeasyPrint's and Django's `except Exception` blocks
    let it through.
    """


# -- Public helpers ---------------------------------------------------------


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
        self.static_layers: OrderedDict[str, _StaticLayer | None] = OrderedDict()

    def render(self, context: dict) -> bytes:
        """The PDF of one certificate. Raises TemplateError when the template cannot make one."""
        return _within_limits(self.time_limit, self._render, context)

    def _stylesheets(self, css: str) -> list[CSS]:
        return [CSS(string=text, url_fetcher=self.fetcher, font_config=self.font_config)
                for text in (_fonts_css(), css)]

    def _render(self, context: dict) -> bytes:
        source = self._html(context)
        if STATIC in source:
            layered = self._render_layers(source)
            if layered is not None:
                return layered
        return self._lay_out(self._parse(source)).write_pdf()

    def _render_layers(self, source: str) -> bytes | None:
        """The person's layer drawn over the static one; None when they do not line up.

        The static layer is the document with every element that holds no static
        one emptied (its box kept, as its CSS sizes it). It is drawn once and kept
        under the very HTML it comes from, so whatever changes what it prints (the
        template, its issuer or signer, the date line, a person's field used in a
        static element) draws another. The person's layer is the document with
        each static element emptied, hidden and given its size in the static
        layer, so that the rest flows as around it. Unless each static element
        then sits where it sits in the static layer (a person's text too long for
        the room kept for it pushes it), the page is drawn the one-layer way.
        """
        person = self._parse(source)
        statics = _static_elements(person.etree_element)
        if not statics:
            return None
        key = _static_html(person.etree_element)
        if key not in self.static_layers:
            self.static_layers[key] = self._static_layer(key)
            while len(self.static_layers) > STATIC_LAYERS_KEPT:
                self.static_layers.popitem(last=False)
        static = self.static_layers[key]
        if static is None:
            return None
        for number, element in enumerate(statics):
            _stand_in(element, number)
        codes = _hold_qr_codes(person.etree_element)
        document = self._lay_out(person, static.stand_ins)
        if len(document.pages) != 1 or not _line_up(_boxes(document, statics), static.boxes):
            return None
        places = _qr_places(document, list(codes))
        if None in places:
            return None
        return _merge(document.write_pdf(), static.pdf, list(zip(codes.values(), places)))

    def _static_layer(self, source: str) -> "_StaticLayer | None":
        html = self._parse(source)
        document = self._lay_out(html)
        if len(document.pages) != 1:
            return None
        boxes = _boxes(document, _static_elements(html.etree_element))
        stand_ins = CSS(string=STAND_INS_CSS + _stand_in_sizes(boxes), font_config=self.font_config)
        pdf = pikepdf.open(io.BytesIO(document.write_pdf()))
        _retag_fonts(pdf)
        return _StaticLayer(pdf, boxes, stand_ins)

    def _parse(self, source: str) -> HTML:
        return HTML(string=source, url_fetcher=self.fetcher, base_url=SCHEME)

    def _lay_out(self, html: HTML, *stylesheets: CSS):
        try:
            document = html.render(font_config=self.font_config, stylesheets=[*self.stylesheets, *stylesheets])
        except Exception as error:  # WeasyPrint failing on odd HTML or CSS an admin wrote
            raise TemplateError(_("The certificate cannot be laid out: %(error)s") % {"error": error}) from error
        if len(document.pages) > MAX_PAGES:
            raise TemplateError(_("The certificate has %(count)d pages; at most %(max)d are allowed.")
                                % {"count": len(document.pages), "max": MAX_PAGES})
        return document

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


# -- Two layers ---------------------------------------------------------------


@dataclass(frozen=True)
class _StaticLayer:
    pdf: pikepdf.Pdf  # its one page
    boxes: list  # where each static element sits, as _boxes() gives it
    stand_ins: CSS  # what the person's layer puts in their place


def _static_elements(root) -> list:
    """The elements of the body marked static, the outermost ones, in document order."""
    body = root.find("body")
    found, stack = [], [] if body is None else [body]
    while stack:
        element = stack.pop()
        if element is not body and element.get(STATIC) is not None:
            found.append(element)
        else:
            stack.extend(child for child in reversed(element) if isinstance(child.tag, str))
    return found


def _static_html(root) -> str:
    """The static layer's HTML: the document less its title and metadata, and emptied of the person's layer.

    Every element of the body that neither is nor holds a static element is
    emptied; text between the elements that hold static ones goes too, except
    white space, which may keep inline blocks apart.
    """
    copy = deepcopy(root)
    head, body = copy.find("head"), copy.find("body")
    for element in [] if head is None else [element for element in head if element.tag in ("title", "meta")]:
        head.remove(element)
    holders = _holders(body, _static_elements(copy))
    for element in holders:
        element.text = _space(element.text)
        for child in element:
            child.tail = _space(child.tail)
            if isinstance(child.tag, str) and child not in holders and child.get(STATIC) is None:
                _empty(child)
    return "<!DOCTYPE html>" + ElementTree.tostring(copy, encoding="unicode", method="html")


def _holders(body, statics: list) -> set:
    """The body and every element with a static one inside."""
    parents = {child: parent for parent in body.iter() for child in parent}
    holders = {body}
    for element in statics:
        element = parents[element]
        while element not in holders:
            holders.add(element)
            element = parents[element]
    return holders


def _space(text: str | None) -> str | None:
    return text if text is None or text.isspace() else None


def _empty(element) -> None:
    """Takes out an element's content, keeping the element, its attributes and the text after it."""
    attributes, tail = dict(element.attrib), element.tail
    element.clear()
    element.attrib.update(attributes)
    element.tail = tail


def _stand_in(element, number: int) -> None:
    """Empties a static element of the person's layer and marks it for STAND_INS_CSS and `_stand_in_sizes`."""
    _empty(element)
    element.set(STAND_IN, str(number))


def _stand_in_sizes(boxes: list) -> str:
    """CSS giving each stand-in the size its static element has in the static layer.

    An inline box (a span) cannot be given a size: it keeps none, and the layers
    line up only if that did not matter. These are a user stylesheet's !important
    rules, which win over anything a template says.
    """
    return "\n".join(
        f'[{STAND_IN}="{number}"] {{ width: {box[2]}px !important; height: {box[3]}px !important; }}'
        for number, box in enumerate(boxes) if box is not None and box[4]
    )


def _boxes(document, elements: list) -> list:
    """(x, y, width, height, sizable) of each element's first box on the first page, None for an element not drawn."""
    numbers = {id(element): number for number, element in enumerate(elements)}
    found = [None] * len(elements)
    for box in document.pages[0]._page_box.descendants(placeholders=True):
        number = numbers.get(id(box.element))
        if number is not None and found[number] is None:
            found[number] = (box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height(),
                             not isinstance(box, InlineBox))
    return found


def _line_up(boxes: list, static_boxes: list) -> bool:
    """Whether each static element's stand-in sits where the element sits in the static layer (to 0.01 px)."""
    return all(
        (box is None) == (static is None) and (box is None or all(abs(a - b) < 0.01 for a, b in zip(box, static)))
        for box, static in zip(boxes, static_boxes, strict=True)
    )


def _retag_fonts(pdf: pikepdf.Pdf) -> None:
    """Gives the static layer's font subsets names of their own.

    WeasyPrint tags a subset after its font, not its glyphs, so both layers would
    name different subsets alike ("KZUJSR+Liberation-Serif"), which PDF forbids:
    a viewer may take one for the other. The tag's letters are shifted by 13.
    """
    for item in pdf.objects:
        if not isinstance(item, pikepdf.Dictionary):
            continue
        for key in ("/BaseFont", "/FontName"):
            name = str(item.get(key, ""))
            if re.fullmatch(r"/[A-Z]{6}\+.+", name):
                item[key] = pikepdf.Name("/" + name[1:7].translate(SHIFTED_TAG) + name[7:])


def _hold_qr_codes(root) -> dict:
    """The QR codes of the person's layer, each image swapped for a hidden blank square of its size.

    Drawn afterwards as vector squares (`_qr_form`), they cost a tenth of what an
    image costs WeasyPrint. Returns {image element: the code's modules}.
    """
    codes = {}
    for element in root.iter("img"):
        source = element.get("src") or ""
        if source.startswith(QR_PREFIX):
            matrix = _qr(unquote(source.removeprefix(QR_PREFIX))).matrix
            element.set("src", f"{BLANK_PREFIX}{len(matrix)}")
            element.set(QR_STAND_IN, "")
            codes[element] = matrix
    return codes


def _qr_places(document, images: list) -> list:
    """(x, y, width, height) where each QR image is drawn; None for one not drawn plainly filling its box."""
    places = [None] * len(images)
    numbers = {id(image): number for number, image in enumerate(images)}
    for box in document.pages[0]._page_box.descendants(placeholders=True):
        number = numbers.get(id(box.element))
        style = box.style
        if number is not None and style["object_fit"] == "fill" and not style["transform"] and style["opacity"] == 1:
            places[number] = (box.content_box_x(), box.content_box_y(), box.width, box.height)
    return places


def _merge(person: bytes, static: pikepdf.Pdf, codes: list) -> bytes:
    """The person's one-page PDF drawn over the static layer's page, its QR codes over both (qpdf: a millisecond)."""
    with pikepdf.open(io.BytesIO(person)) as pdf:
        page = pdf.pages[0]
        page.add_underlay(static.pages[0])
        if codes:
            page.add_overlay(_qr_form(pdf, page, codes))
        output = io.BytesIO()
        pdf.save(output)
        return output.getvalue()


def _qr_form(pdf: pikepdf.Pdf, page: pikepdf.Page, codes: list) -> pikepdf.Stream:
    """A form drawing each QR code where its image was (x, y, width, height in CSS pixels): white, then dark modules."""
    left, bottom, right, top = (float(value) for value in page.mediabox)
    operators = []
    for matrix, (x, y, width, height) in codes:
        size = len(matrix)
        module_width, module_height = width * PT_PER_PX / size, height * PT_PER_PX / size
        x0, y0 = left + x * PT_PER_PX, top - y * PT_PER_PX  # the code's top left corner, y up
        operators.append(f"1 g {x0:.3f} {y0 - height * PT_PER_PX:.3f} {width * PT_PER_PX:.3f} "
                         f"{height * PT_PER_PX:.3f} re f 0 g")
        for row, modules in enumerate(matrix):
            column = 0
            while column < size:
                if not modules[column]:
                    column += 1
                    continue
                start = column
                while column < size and modules[column]:
                    column += 1
                operators.append(f"{x0 + start * module_width:.3f} {y0 - (row + 1) * module_height:.3f} "
                                 f"{(column - start) * module_width:.3f} {module_height:.3f} re")
        operators.append("f")
    form = pikepdf.Stream(pdf, "\n".join(operators).encode())
    form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    form.BBox = [left, bottom, right, top]
    return form


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
        size = url.removeprefix(BLANK_PREFIX)
        if url.startswith(BLANK_PREFIX) and size.isdigit() and 0 < int(size) <= 177:  # 177: QR version 40
            return URLFetcherResponse(url, _blank_png(int(size)), {"Content-Type": "image/png"})
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


def _qr(text: str) -> segno.QRCode:
    return segno.make(text, error="m", micro=False, mask=QR_MASK)


def _qr_png(text: str) -> bytes:
    """The QR code as a PNG of one pixel a module (about 250 bytes), scaled up by the template's CSS.

    A PNG draws several times faster than the same code as an SVG path.
    """
    buffer = io.BytesIO()
    _qr(text).save(buffer, kind="png", border=0, scale=1)
    return buffer.getvalue()


@cache
def _blank_png(size: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (size, size), 1).save(buffer, "PNG")
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


def document_pdf(html: str, css: str = "") -> bytes:
    """A PDF of an HTML document we wrote ourselves (a report, not an admin's template), in the bundled fonts.

    The HTML is not a template: nothing in it is filled in again. It fetches only
    the bundled fonts, like certificates, and has the same time limit.
    """
    fetcher = _Fetcher({})
    font_config = FontConfiguration()

    def render() -> bytes:
        sheets = [CSS(string=text, url_fetcher=fetcher, font_config=font_config) for text in (_fonts_css(), css)]
        return HTML(string=_nfc(html), url_fetcher=fetcher, base_url=SCHEME).write_pdf(
            stylesheets=sheets, font_config=font_config
        )

    return _within_limits(_setting_seconds() * 3, render)
