from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import exception_handler as drf_exception_handler


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def exception_handler(exc, context):
    """DRF's handler, plus model validation errors turned into 400s and bodies over the cap into 413s.

    Django refuses a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` before reading it,
    when DRF first reads `request.body`; unhandled, that would be an HTML 400.
    """
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        exc = RequestTooLarge(_("The request is larger than %(limit)s.") % {"limit": limit})
    return drf_exception_handler(exc, context)


class FormatIsTheFile(DefaultContentNegotiation):
    """For downloads whose `format` query parameter names the file to make (`xlsx`, `csv`, `pdf`).

    DRF reads `?format=` as the renderer to answer with, and answers 404 for one it
    does not have; for these views it is the file's format, and errors stay JSON.
    """

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)
