"""A list of people (CSV or XLSX) as rows of text with their lines, for the staff and roster imports.

Files are told apart by their content, not their name. A CSV is read a line at
a time, so that neither a long file nor a long line is held in memory; an XLSX
file by `workbook.read_sheet` (its first sheet).
"""

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain

from django.utils.translation import gettext as _

from accounts.input_checks import FORBIDDEN_CHARACTERS
from accounts.uploads import (
    UploadError,
    capped,
    control_character_in_line_message,
    error,
    file_error,
    workbook,
)

ZIP_SIGNATURE = b"PK"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"
UTF16_SIGNATURES = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MAX_LINE_CHARACTERS = 1 << 20  # csv itself stops a single cell at 131,072


@dataclass
class Row:
    line: int
    cells: list[str]
    # Column index -> "=FORMULA", for XLSX formula cells whose value was never calculated.
    uncalculated: dict[int, str] = field(default_factory=dict)


def read_table(data: bytes, *, max_rows: int, check_header: Callable[[Row], list[dict]]) -> tuple[Row, list[Row]]:
    """The header row and the data rows that hold anything, with their lines; at least one data row.

    `check_header` gets the header row (the first that holds anything) and
    returns its errors, which stop the reading there.
    """
    if not data.strip():
        raise file_error(_("The file is empty."))
    if data.startswith(ZIP_SIGNATURE):
        table = _xlsx_rows(data, max_rows, check_header)
    elif data.startswith(OLD_EXCEL_SIGNATURE):
        # Excel 97-2003 files, and workbooks saved with a password, are OLE2 containers.
        raise file_error(_("Old Excel files (.xls) and workbooks with a password cannot be read. Save the file "
                           "as an Excel workbook (.xlsx) without a password, or as “CSV UTF-8”, and import it "
                           "again."))
    else:
        table = _csv_rows(data, max_rows, check_header)
    if not table:
        raise file_error(_("The file is empty."))
    header, *records = table
    if not records:
        raise UploadError([error(header.line + 1, _("The file has a header row but no people below it."))])
    return header, records


def column_name(cell: str) -> str:
    """A header cell as a column name: trimmed, lower case, spaces as underscores."""
    return cell.lstrip("\ufeff").strip().lower().replace(" ", "_")


def _too_many_people() -> str:
    return _("The file has more than %(limit)d people. Split it into smaller files.")


def _xlsx_rows(data: bytes, max_rows: int, check_header: Callable[[Row], list[dict]]) -> list[Row]:
    rows = workbook.read_sheet(data, max_rows=max_rows, too_many_rows=_too_many_people(),
                               not_a_workbook=_("This is not a CSV or XLSX file."),
                               check_header=lambda header: check_header(_text_row(header)))
    return [_text_row(row) for row in rows]


def _text_row(row: workbook.SheetRow) -> Row:
    return Row(row.line, [_normal(cell_text(value)) for value in row.values], row.uncalculated)


def cell_text(value) -> str:
    """A cell as text: Excel stores every number as a float, so 1234.0 is the employee code 1234."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normal(cell: str) -> str:
    return unicodedata.normalize("NFC", cell.strip())


def _csv_rows(data: bytes, max_rows: int, check_header: Callable[[Row], list[dict]]) -> list[Row]:
    if data.startswith(UTF16_SIGNATURES):
        raise file_error(_not_utf8_message())
    lines = _lines(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
    try:
        header = next(lines, "")
        reader = csv.reader(chain([header], lines), delimiter=_delimiter(header))
        return _non_blank_rows(enumerate(reader, start=1), max_rows, check_header)
    except UnicodeDecodeError:
        if b"\x00" in data:
            raise file_error(_("This is not a CSV or XLSX file.")) from None
        raise UploadError([error(_first_line_not_utf8(data), _not_utf8_message())]) from None
    except csv.Error:
        raise UploadError([error(reader.line_num, _("This line cannot be read as CSV."))]) from None


def _lines(text):
    """The file's lines, each read with a bound, so that one endless line is refused, not held in memory."""
    for number, line in enumerate(iter(lambda: text.readline(MAX_LINE_CHARACTERS + 1), ""), start=1):
        if len(line) > MAX_LINE_CHARACTERS:
            raise UploadError([error(number, _("This line is longer than %(limit)d characters, far longer than "
                                               "a row of a list.") % {"limit": MAX_LINE_CHARACTERS})])
        yield line


def _first_line_not_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as problem:  # counted from the file's start, a BOM included
        return data.count(b"\n", 0, problem.start) + 1
    return 1


def _not_utf8_message() -> str:
    return _("The file is not in UTF-8: this line has a character that cannot be read. In Excel, save the "
             "file as “CSV UTF-8 (Comma delimited)” and import it again.")


def _delimiter(header: str) -> str:
    """Comma, semicolon (Excel in Vietnamese saves with it) or tab: whichever the header row has most of."""
    return max((",", ";", "\t"), key=header.count)


def _non_blank_rows(rows, max_rows: int, check_header: Callable[[Row], list[dict]]) -> list[Row]:
    """The header and the rows that hold anything; too many rows is an error on the first one too many."""
    table, errors = [], []
    for line, cells in rows:
        cells = [_normal(cell) for cell in cells]
        if not any(cells):
            continue
        if len(table) == max_rows + 1:
            raise UploadError([error(line, _too_many_people() % {"limit": max_rows})])
        if found := next(filter(None, map(FORBIDDEN_CHARACTERS.search, cells)), None):
            errors.append(error(line, control_character_in_line_message(found.group())))
        table.append(Row(line, cells))
        if len(table) == 1 and (header_errors := check_header(table[0])):
            raise UploadError(header_errors)
    if errors:
        raise UploadError(capped(errors))
    return table
