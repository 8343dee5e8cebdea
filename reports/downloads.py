"""A report answered at once, for the API, the admin's download form and the HR pages alike."""

import tempfile

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions

from accounts import audit
from reports import queries, services, writers
from reports.models import Format, Kind


def download_response(actor, kind: str, format: str, raw_filters):
    """CSV streams row by row as it is read; XLSX is written to a temporary file, then sent; the summary PDF at once.

    Raises DRF's ValidationError (400, with the field) or PermissionDenied (403, a unit outside the scope).
    """
    filters = services.check_request(actor, kind, format, raw_filters)
    report = queries.build(kind, filters)
    limit = settings.REPORTS_DIRECT_MAX_ROWS
    if limit and kind in (Kind.COMPLETION, Kind.ATTENDANCE) and (rows := report.count()) > limit:
        raise exceptions.ValidationError({"detail": [
            _("This report has %(rows)s rows, more than %(limit)s at once: ask for it as a job "
              "(POST /api/v1/reports/), or narrow it (a unit, a course, a period).")
            % {"rows": f"{rows:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")}
        ]})
    audit.record(actor=actor, action="report.downloaded", changes={
        "kind": kind, "format": format, "filters": services.clean_filters(raw_filters),
    })
    if format == Format.CSV:
        response = StreamingHttpResponse(writers.csv_chunks(report), content_type=writers.CONTENT_TYPES["csv"])
    elif format == Format.XLSX:
        made = tempfile.TemporaryFile()
        services.write_file(kind, format, filters, made)
        made.seek(0)
        response = FileResponse(made, content_type=writers.CONTENT_TYPES["xlsx"])
    else:
        pdf, _units = writers.summary_pdf(filters, requested_by=actor)
        response = HttpResponse(pdf, content_type=writers.CONTENT_TYPES["pdf"])
    response["Content-Disposition"] = f'attachment; filename="{services.file_name(kind, format)}"'
    response["Cache-Control"] = "private, no-store"
    return response
