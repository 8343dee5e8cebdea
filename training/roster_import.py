"""Roster import from CSV or XLSX: every row or none.

The first row names the columns; one of them is `employee_code` or `username`
(both may be there: a row is matched by its employee code when it has one).
Other columns (names, units) are ignored, so a staff list exported from
anywhere can be used as it is. Blank rows are skipped. Every bad row is
reported with its line number (the header is line 1).

The file reading below mirrors `accounts.staff_import`, whose reader is private
to the staff import; the two should share one reader.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from training import services
from training.models import Event, RosterEntry

KEY_COLUMNS = ("employee_code", "username")
MAX_ROWS = 50_000
MAX_ERRORS = 200
ZIP_SIGNATURE = b"PK"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"
UTF16_SIGNATURES = (b"\xff\xfe", b"\xfe\xff")


class RosterImportError(Exception):
    """The file cannot be imported; `errors` lists `{"line", "message"}`."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class RosterRow:
    line: int
    employee_code: str
    username: str


def import_roster(*, actor: User, event: Event, upload) -> tuple[int, int]:
    """Add everyone in the file to the roster, or raise `RosterImportError` and add no one."""
    rows = parse_roster_file(read_upload(upload))
    people, errors = _match_people(rows)
    outside = set(services.people_outside_scope(actor, event, set(people.values())))
    errors += [_error(line, _("This person belongs to a unit outside your HR scope.")) for line, pk in people.items()
               if pk in outside]
    if errors:
        raise RosterImportError(_capped(errors))
    return services.add_to_roster(actor=actor, event=event, user_ids=people.values(),
                                  source=RosterEntry.Source.IMPORT)


def _match_people(rows: list[RosterRow]) -> tuple[dict[int, int], list[dict]]:
    """The person of each line (line → user id), and the lines that name no one or name someone twice."""
    active = User.objects.filter(is_active=True)
    codes = sorted({row.employee_code for row in rows if row.employee_code})
    usernames = sorted({row.username for row in rows if row.username})
    by_code = {code: pk for chunk in _chunks(codes)
               for code, pk in active.filter(employee_code__in=chunk).values_list("employee_code", "pk")}
    by_username = {name: pk for chunk in _chunks(usernames)
                   for name, pk in active.filter(username__in=chunk).values_list("username", "pk")}
    people, first_line, errors = {}, {}, []
    for row in rows:
        pk = by_code.get(row.employee_code) if row.employee_code else by_username.get(row.username)
        if not (row.employee_code or row.username):
            errors.append(_error(row.line, _("The employee code or username is missing.")))
        elif pk is None:
            errors.append(_error(row.line, _("No active person has the employee code or username “%(key)s”.")
                                 % {"key": row.employee_code or row.username}))
        elif pk in first_line:
            errors.append(_error(row.line, _("This person is also on line %(line)d.") % {"line": first_line[pk]}))
        else:
            first_line[pk] = row.line
            people[row.line] = pk
    return people, errors


# Reading the file -------------------------------------------------------------


def read_upload(upload) -> bytes:
    limit = settings.STAFF_IMPORT_MAX_BYTES
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        message = _("The file is too large: the largest file accepted is %(size)s.")
        raise _file_error(message % {"size": filesizeformat(limit)})
    return data


def parse_roster_file(data: bytes) -> list[RosterRow]:
    """The people of a CSV or XLSX file, told apart by content, not by name."""
    if not data.strip():
        raise _file_error(_("The file is empty."))
    if data.startswith(ZIP_SIGNATURE):
        table = _xlsx_rows(data)
    elif data.startswith(OLD_EXCEL_SIGNATURE):
        raise _file_error(_("Old Excel files (.xls) cannot be read. Save the file as an Excel workbook (.xlsx) "
                            "or as “CSV UTF-8” and import it again."))
    else:
        table = _csv_rows(data)
    if not table:
        raise _file_error(_("The file is empty."))
    (header_line, header), *records = table
    columns = _columns(header_line, header)
    if not records:
        raise RosterImportError([_error(header_line + 1, _("The file has a header row but no people below it."))])
    return [_roster_row(line, cells, columns) for line, cells in records]


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    if data.startswith(UTF16_SIGNATURES) or b"\x00" in data:
        raise _file_error(_("This is not a CSV file in UTF-8 or an XLSX file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = _("The file is not in UTF-8: this line has a character that cannot be read. In Excel, save the "
                    "file as “CSV UTF-8 (Comma delimited)” and import it again.")
        raise RosterImportError([_error(data.count(b"\n", 0, error.start) + 1, message)]) from None
    header = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max((",", ";", "\t"), key=header.count))
    try:
        return _non_blank_rows(enumerate(reader, start=1))
    except csv.Error:
        raise RosterImportError([_error(reader.line_num, _("This line cannot be read as CSV."))]) from None


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises a dozen kinds of error on a damaged or foreign ZIP file.
        raise _file_error(_("This is not a CSV or XLSX file.")) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        return _non_blank_rows((line, [_cell_text(value) for value in values]) for line, values in enumerate(rows, 1))
    except RosterImportError:
        raise
    except Exception:
        raise _file_error(_("This XLSX file is damaged and cannot be read.")) from None
    finally:
        workbook.close()


def _cell_text(value) -> str:
    """A cell as text: Excel stores every number as a float, so 1234.0 is the employee code 1234."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _non_blank_rows(rows) -> list[tuple[int, list[str]]]:
    table = []
    for line, cells in rows:
        cells = [unicodedata.normalize("NFC", cell.strip()) for cell in cells]
        if not any(cells):
            continue
        if len(table) > MAX_ROWS:
            message = _("The file has more than %(limit)d people. Split it into smaller files.")
            raise RosterImportError([_error(line, message % {"limit": MAX_ROWS})])
        table.append((line, cells))
    return table


def _columns(line: int, header: list[str]) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(header):
        name = cell.lstrip("\ufeff").strip().lower().replace(" ", "_")
        if name in KEY_COLUMNS and name not in columns:
            columns[name] = index
    if not columns:
        raise RosterImportError([_error(line, _("The header row has no “employee_code” or “username” column."))])
    return columns


def _roster_row(line: int, cells: list[str], columns: dict[str, int]) -> RosterRow:
    def cell(name):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    return RosterRow(line=line, employee_code=cell("employee_code"), username=User.normalize_username(cell("username")))


def _capped(errors: list[dict]) -> list[dict]:
    errors = sorted(errors, key=lambda error: error["line"])
    if len(errors) <= MAX_ERRORS:
        return errors
    rest = len(errors) - MAX_ERRORS
    message = ngettext("… and %(count)d more error.", "… and %(count)d more errors.", rest) % {"count": rest}
    return [*errors[:MAX_ERRORS], _error(errors[MAX_ERRORS]["line"], message)]


def _chunks(items: list, size: int = services.CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _error(line: int, message: str) -> dict:
    return {"line": line, "message": message}


def _file_error(message: str) -> RosterImportError:
    return RosterImportError([_error(1, message)])
