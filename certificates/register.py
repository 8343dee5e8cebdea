"""The register of certificates (sổ cấp giấy chứng nhận) of a year, as an XLSX workbook for an audit."""

import tempfile

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from accounts.spreadsheets import xlsx_cell
from certificates.models import Certificate
from certificates.services import STATUS_LABELS, register_rows, status_of


def columns() -> list[tuple[str, int]]:
    """Headers (in the request's language) and widths."""
    return [
        (_("Number"), 16), (_("Issued on"), 12), (_("Full name"), 28), (_("Date of birth"), 13),
        (_("Employee code"), 14), (_("Unit"), 30), (_("Kind"), 12), (_("Course, class or conference"), 40),
        (_("Expires on"), 12), (_("Status"), 12), (_("Revoked on"), 12), (_("Reason for revocation"), 30),
        (_("Verification code"), 22), (_("SHA-256 of the PDF"), 66),
    ]


def row(certificate: Certificate) -> list:
    fields = certificate.fields
    return [
        certificate.number,
        timezone.localdate(certificate.issued_at),
        fields.get("holder_name", ""),
        fields.get("birth_date", ""),
        fields.get("employee_code", ""),
        fields.get("org_unit", ""),
        str(Certificate.Kind(certificate.kind).label),
        certificate.title,
        timezone.localdate(certificate.expires_at) if certificate.expires_at else None,
        str(STATUS_LABELS[status_of(certificate)]),
        timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
        certificate.revoked_reason,
        certificate.code,
        certificate.sha256,
    ]


def workbook(year: int):
    """The register as an XLSX file in a temporary file, written row by row (memory stays flat)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Register %(year)s") % {"year": year})
    headers = columns()
    for index, (_header, width) in enumerate(headers):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header, _width in headers:
        cell = xlsx_cell(sheet, header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for certificate in register_rows(year).iterator(chunk_size=2000):
        cells = []
        for value in row(certificate):
            cell = xlsx_cell(sheet, value)
            if hasattr(value, "year"):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
    output = tempfile.TemporaryFile()
    book.save(output)
    output.seek(0)
    return output
