"""Checks on what instructors put in lessons: HTML and attached files. No database here."""

import os

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "mark", "small", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "span", "div",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}


def clean_html(html: str) -> str:
    """Lesson HTML with scripts, styles, event handlers and `javascript:` links removed."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# Extension -> the bytes such a file starts with. DOCX and XLSX are ZIP files.
FILE_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def check_lesson_file(upload) -> None:
    """Refuse files of other types, files whose content is not what their name says, and large files."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in FILE_SIGNATURES:
        raise ValidationError(
            {"file": [_("Files of type %(type)s are not accepted. Accepted: %(accepted)s.") % {
                "type": extension or "?", "accepted": ", ".join(sorted(FILE_SIGNATURES))}]}
        )
    if upload.size > settings.LESSON_FILE_MAX_BYTES:
        raise ValidationError(
            {"file": [_("The file is larger than %(limit)s.") % {"limit": filesizeformat(settings.LESSON_FILE_MAX_BYTES)}]}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(FILE_SIGNATURES[extension]):
        raise ValidationError({"file": [_("The file's content does not match its %(type)s name.") % {"type": extension}]})
