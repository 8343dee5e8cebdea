"""A report's rows as CSV (streamed), XLSX (constant memory) or, for the summary, a printable PDF.

Headers and fixed words come out in the active language. Text that a spreadsheet
would run as a formula is written as text with a leading apostrophe
(`accounts.spreadsheets.safe_text`), in CSV and XLSX alike.
"""

import csv
import io
from pathlib import Path
from datetime import datetime
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.spreadsheets import safe_text
from certificates import design
from reports.queries import CHUNK, Report, batches, summary_figures

BOM = "\ufeff"
SUMMARY_CSS = Path(__file__).resolve().parent / "pdf" / "summary.css"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _number_text(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return str(value)


def _csv_formatter(kind: str, yes: str, no: str):
    """How one column's values are written in CSV: one function per column, chosen once."""
    if kind == "yesno":
        return lambda value: "" if value is None else (yes if value else no)
    if kind == "datetime":
        return lambda value: "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if kind == "date":
        return lambda value: "" if value is None else value.isoformat()
    if kind in ("number", "percent"):
        return lambda value: "" if value is None else _number_text(value)
    return lambda value: "" if value is None else safe_text(str(value))


def csv_chunks(report: Report, on_rows=None):
    """The file in pieces of `CHUNK` rows, UTF-8 with a byte-order mark; `on_rows(n)` after each piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in report.columns])
    yield (BOM + buffer.getvalue()).encode()
    yes, no = _("Yes"), _("No")
    formatters = [_csv_formatter(column.type, yes, no) for column in report.columns]
    for batch in batches(report.rows(), CHUNK):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([format(value) for format, value in zip(formatters, row)] for row in batch)
        yield buffer.getvalue().encode()
        if on_rows:
            on_rows(len(batch))


def write_xlsx(report: Report, path: str, on_rows=None) -> int:
    """The report as an XLSX file at `path`, written row by row (constant memory); returns the rows written.

    Header bold and frozen, widths set, dates and times as real dates, numbers and
    percentages as numbers, text always as text (never a formula).
    """
    workbook = xlsxwriter.Workbook(path, {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False, "remove_timezone": True, "tmpdir": settings.FILE_UPLOAD_TEMP_DIR or None,
    })
    sheet = workbook.add_worksheet(str(report.title)[:31])
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF7",
                                "border": 1})
    formats = {
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        "percent": workbook.add_format({"num_format": "0.0"}),
        "number": workbook.add_format({"num_format": "0.##"}),
    }
    for index, column in enumerate(report.columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, str(column.label), bold)
    sheet.freeze_panes(1, 0)
    yes, no = _("Yes"), _("No")
    writers = []
    for column in report.columns:
        writers.append(_xlsx_writer(sheet, column.type, formats.get(column.type), yes, no))
    row_number = 0
    for batch in batches(report.rows(), CHUNK):
        for row in batch:
            row_number += 1
            for index, (value, write) in enumerate(zip(row, writers)):
                if value is not None:
                    write(row_number, index, value)
        if on_rows:
            on_rows(len(batch))
    if row_number:
        sheet.autofilter(0, 0, row_number, len(report.columns) - 1)
    workbook.close()
    return row_number


def _xlsx_writer(sheet, kind: str, number_format, yes: str, no: str):
    if kind in ("date", "datetime"):
        def write(row, column, value):
            if isinstance(value, datetime):
                value = timezone.localtime(value).replace(tzinfo=None)
            sheet.write_datetime(row, column, value, number_format)
    elif kind in ("number", "percent"):
        def write(row, column, value):
            sheet.write_number(row, column, float(value), number_format)
    elif kind == "yesno":
        def write(row, column, value):
            sheet.write_string(row, column, yes if value else no)
    else:
        def write(row, column, value):
            sheet.write_string(row, column, ILLEGAL_CHARACTERS_RE.sub("", safe_text(str(value))))
    return write


def summary_pdf(filters, *, requested_by) -> tuple[bytes, int]:
    """The summary as a report in the administrative document format, for HR to sign and send; and its units."""
    figures = summary_figures(filters)
    root_depth = min((item.unit.depth for item in figures), default=1)
    for item in figures:
        item.level = min(item.unit.depth - root_depth, 8)
    issuer_unit = requested_by.org_unit
    context = {
        "issuer_parent": (issuer_unit.parent.name if issuer_unit and issuer_unit.parent_id
                          else settings.CERTIFICATE_ISSUER_PARENT),
        "issuer": issuer_unit.name if issuer_unit else settings.CERTIFICATE_ISSUER,
        "place_date": design.place_date_line(settings.CERTIFICATE_PLACE, timezone.localdate()),
        "recipient": settings.REPORTS_RECIPIENT,
        "unit": filters.org_unit,
        "year": filters.year,
        "course": filters.course,
        "event": filters.event,
        "start": filters.start,
        "end": filters.end,
        "figures": figures,
        "root_depth": root_depth,
        "prepared_by": requested_by,
    }
    html = render_to_string("reports/summary.html", context)
    from certificates import rendering  # WeasyPrint: only in the processes that make a PDF

    return rendering.document_pdf(html, SUMMARY_CSS.read_text(encoding="utf-8")), len(figures)
