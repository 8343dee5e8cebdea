"""Roster import from CSV or XLSX: every row or none.

The first row names the columns; one of them is `employee_code` or `username`
(both may be there: a row is matched by its employee code when it has one).
Other columns (names, units) are ignored, so a staff list exported from
anywhere can be used as it is. Blank rows are skipped. Every bad row is
reported with its line number (the header is line 1).

The file is read by `accounts.uploads.tables`, as the staff import reads its own.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from accounts import uploads
from accounts.models import User
from accounts.uploads import tables
from training import services
from training.models import Event, RosterEntry

KEY_COLUMNS = ("employee_code", "username")


class RosterImportError(uploads.UploadError):
    """The file cannot be imported; `errors` lists `{"line", "message"}`."""


@dataclass(frozen=True)
class RosterRow:
    line: int
    employee_code: str
    username: str
    # A key column's formula whose value was never calculated, if any.
    formula: str | None = field(default=None, compare=False)


def import_roster(*, actor: User, event: Event, upload) -> tuple[int, int]:
    """Add everyone in the file to the roster, or raise `RosterImportError` and add no one."""
    rows = parse_roster_file(read_upload(upload))
    people, errors = _match_people(rows)
    outside = set(services.people_outside_scope(actor, event, set(people.values())))
    errors += [_error(line, _("This person belongs to a unit outside your HR scope.")) for line, pk in people.items()
               if pk in outside]
    if errors:
        raise RosterImportError(uploads.capped(errors))
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
            errors.append(_error(row.line, uploads.formula_message(row.formula) if row.formula else
                                 _("The employee code or username is missing.")))
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
    try:
        return uploads.read_upload(upload, max_bytes=settings.STAFF_IMPORT_MAX_BYTES)
    except uploads.UploadError as error:
        raise RosterImportError(error.errors) from None


def parse_roster_file(data: bytes) -> list[RosterRow]:
    """The people of a CSV or XLSX file, told apart by content, not by name."""
    try:
        header, records = tables.read_table(data, max_rows=settings.STAFF_IMPORT_MAX_ROWS,
                                            check_header=_header_errors)
    except uploads.UploadError as error:
        raise RosterImportError(error.errors) from None
    columns = _columns(header.cells)
    return [_roster_row(record, columns) for record in records]


def _columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(header):
        name = tables.column_name(cell)
        if name in KEY_COLUMNS:
            columns.setdefault(name, index)
    return columns


def _header_errors(header: tables.Row) -> list[dict]:
    if _columns(header.cells):
        return []
    return [_error(header.line, _("The header row has no “employee_code” or “username” column."))]


def _roster_row(record: tables.Row, columns: dict[str, int]) -> RosterRow:
    def cell(name):
        index = columns.get(name)
        return record.cells[index] if index is not None and index < len(record.cells) else ""

    formulas = [record.uncalculated[index] for index in columns.values() if index in record.uncalculated]
    return RosterRow(line=record.line, employee_code=cell("employee_code"),
                     username=User.normalize_username(cell("username")), formula=next(iter(formulas), None))


def _chunks(items: list, size: int = services.CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


_error = uploads.error
