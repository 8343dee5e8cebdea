"""Anyone may post a PDF to a verify page to check it: one far larger than a certificate is refused unread."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from certificates.api import too_large


class RefuseLargeChecks:
    """A 413 before any middleware reads the body (the CSRF and input checks would spool all of it to disk)."""

    PATHS = ("/verify/", "/api/v1/verify/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info.startswith(self.PATHS) and too_large(request):
            return HttpResponse(_("This file is far larger than any certificate issued here."), status=413,
                                content_type="text/plain; charset=utf-8")
        return self.get_response(request)
