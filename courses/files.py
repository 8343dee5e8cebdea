"""Sending a lesson's file to someone already allowed to read the lesson (see `access.reads_lessons`).

MEDIA_ROOT has no public address: every download goes through a view that
checks who asks, and then either Django sends the bytes or, in production, the
web server in front does (settings.FILE_SERVING): nginx through
X-Accel-Redirect to an `internal` location, Apache (mod_xsendfile) or lighttpd
through X-Sendfile. Each of them URL-decodes the path it is given.
"""

import mimetypes
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from courses.models import Lesson

# Types a browser would run script in if it ever rendered them on our origin.
ACTIVE_TYPES = {
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
    "text/javascript", "application/javascript", "application/x-javascript",
}
# The file's own policy, instead of the site's: even opened in a browser, it runs
# nothing and loads nothing (nginx drops it: the README's snippet adds it back).
FILE_CSP = "default-src 'none'; sandbox"


def lesson_file_response(lesson: Lesson) -> HttpResponse:
    """The lesson's file as a download under its own name; 404 when it has none."""
    name = lesson.file.name
    # exists() also refuses a name that leads out of MEDIA_ROOT (SuspiciousFileOperation: a 400).
    if not name or not lesson.file.storage.exists(name):
        raise Http404
    response = _send(lesson, name)
    response["Content-Type"] = download_type(name)
    response["Content-Disposition"] = content_disposition_header(True, posixpath.basename(name))
    response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    # Only for the person who asked: no shared cache may keep it.
    patch_cache_control(response, private=True)
    return response


def _send(lesson: Lesson, name: str) -> HttpResponse:
    mode = settings.FILE_SERVING
    if mode == "django":
        return FileResponse(lesson.file.open("rb"))
    response = HttpResponse()
    location = settings.FILE_SERVING_INTERNAL_PREFIX.rstrip("/") + "/" + quote(name)
    response["X-Accel-Redirect" if mode == "nginx" else "X-Sendfile"] = location
    return response


def download_type(name: str) -> str:
    """The type guessed from the name, unless a browser would run script in it."""
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return guessed if guessed and guessed not in ACTIVE_TYPES else "application/octet-stream"
