"""Reading an uploaded list of people (CSV or XLSX) as rows with their line numbers. No database here.

Used by the staff import and the roster import. Files are told apart by their
content, not their name. Every problem is a `TableError` whose `errors` are
`[{"line": n, "message": "...", "field": "..."?}]`, the header being line 1.
"""

import codecs
import csv
import io
import unicodedata

import openpyxl
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ZIP_SIGNATURE = b"PK"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"
UTF16_SIGNATURES = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MAX_ERRORS = 200

Row = tuple[int, list[str]]


class TableError(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


def error(line: int, message: str, field: str | None = None) -> dict:
    return {"line": line, "message": message} if field is None else {"line": line, "field": field, "message": message}


def file_error(message: str) -> TableError:
    return TableError([error(1, message)])


def capped(errors: list[dict]) -> list[dict]:
    """Errors by line, at most MAX_ERRORS of them and a last one saying how many more there were."""
    errors = sorted(errors, key=lambda item: item["line"])
    if len(errors) <= MAX_ERRORS:
        return errors
    rest = len(errors) - MAX_ERRORS
    message = ngettext("… and %(count)d more error.", "… and %(count)d more errors.", rest) % {"count": rest}
    return [*errors[:MAX_ERRORS], error(errors[MAX_ERRORS]["line"], message)]


def read_upload(upload, *, max_bytes: int) -> bytes:
    if (getattr(upload, "size", None) or 0) > max_bytes:
        raise file_error(_too_large_message(max_bytes))
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise file_error(_too_large_message(max_bytes))
    return data


def _too_large_message(limit: int) -> str:
    return _("The file is too large: the largest file accepted is %(size)s.") % {"size": filesizeformat(limit)}


def read_table(data: bytes, *, max_rows: int) -> tuple[Row, list[Row]]:
    """The header row and the data rows that hold anything, with their lines; at least one data row."""
    if not data.strip():
        raise file_error(_("The file is empty."))
    if data.startswith(ZIP_SIGNATURE):
        table = _xlsx_rows(data, max_rows)
    elif data.startswith(OLD_EXCEL_SIGNATURE):
        # Excel 97-2003 files, and workbooks saved with a password, are OLE2 containers.
        raise file_error(_("Old Excel files (.xls) and workbooks with a password cannot be read. Save the file "
                           "as an Excel workbook (.xlsx) without a password, or as “CSV UTF-8”, and import it "
                           "again."))
    else:
        table = _csv_rows(data, max_rows)
    if not table:
        raise file_error(_("The file is empty."))
    header, *records = table
    if not records:
        raise TableError([error(header[0] + 1, _("The file has a header row but no people below it."))])
    return header, records


def column_name(cell: str) -> str:
    """A header cell as a column name: trimmed, lower case, spaces as underscores."""
    return cell.lstrip("\ufeff").strip().lower().replace(" ", "_")


def _csv_rows(data: bytes, max_rows: int) -> list[Row]:
    if data.startswith(UTF16_SIGNATURES):
        raise file_error(_not_utf8_message())
    if b"\x00" in data:
        raise file_error(_("This is not a CSV or XLSX file."))
    data = data.removeprefix(codecs.BOM_UTF8)  # so that error offsets count from the file's start
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise TableError([error(data.count(b"\n", 0, problem.start) + 1, _not_utf8_message())]) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return _non_blank_rows(enumerate(reader, start=1), max_rows)
    except csv.Error:
        raise TableError([error(reader.line_num, _("This line cannot be read as CSV."))]) from None


def _not_utf8_message() -> str:
    return _("The file is not in UTF-8: this line has a character that cannot be read. In Excel, save the "
             "file as “CSV UTF-8 (Comma delimited)” and import it again.")


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in Vietnamese saves with it) or tab: whichever the header row has most of."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _xlsx_rows(data: bytes, max_rows: int) -> list[Row]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises a dozen kinds of error on a damaged or foreign ZIP file.
        raise file_error(_("This is not a CSV or XLSX file.")) from None
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; reading it would drop rows.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        return _non_blank_rows(((line, [cell_text(value) for value in values]) for line, values in enumerate(rows, 1)),
                               max_rows)
    except TableError:
        raise
    except Exception:
        raise file_error(_("This XLSX file is damaged and cannot be read.")) from None
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A cell as text: Excel stores every number as a float, so 1234.0 is the employee code 1234."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _non_blank_rows(rows, max_rows: int) -> list[Row]:
    """The header and the rows that hold anything; too many rows is an error on the first one too many."""
    table = []
    for line, cells in rows:
        cells = [unicodedata.normalize("NFC", cell.strip()) for cell in cells]
        if not any(cells):
            continue
        if len(table) == max_rows + 1:
            message = _("The file has more than %(limit)d people. Split it into smaller files.")
            raise TableError([error(line, message % {"limit": max_rows})])
        table.append((line, cells))
    return table
