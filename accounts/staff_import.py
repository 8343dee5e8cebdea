"""Staff import from CSV or XLSX: all rows or none.

The file is a CSV (UTF-8, separated by commas or semicolons) or an XLSX
workbook (its first sheet), told apart by content. Its first row names the
columns `username`, `full_name`, `email`, `employee_code` and `org_unit` (the
unit's code), and optionally `position`, in any order and any case. Every
further row is one person; the org unit and full name are required, the
e-mail address and employee code may be blank:

- a username that exists updates that person's full name, e-mail, employee
  code, unit and position (position only when the file has that column).
  `updated` counts only the people in whom something changed, so importing the
  same file twice reports nothing updated the second time;
- a new username creates a learner with no usable password who, when the row
  has an e-mail address, is invited by e-mail to set one.

New people and people moved to another unit are handed to
`services.people_placed`, which enrols them in the courses assigned to the unit.

The file is read by `accounts.uploads`, within the limits every upload has
(at most `STAFF_IMPORT_MAX_ROWS` people), its header checked before any other
row is read; a cell left empty because its formula was never calculated is
reported as such.

Blank rows are skipped. Every bad row is reported with its line number (the
header is line 1) and nothing is written unless every row is good. An HR
officer imports only into units of their scope, and updates only the learners
of their scope (not instructors, HR officers or administrators). A changed
e-mail address waits for its owner's confirmation, as anywhere else
(`accounts.email_confirmation`).

An employee code already held by someone else is refused even when the file
gives that person a new code, because the unique constraint is checked row by
row; such a swap takes two imports.

`preview_staff` runs every one of these checks and says what importing the
file would do (who is created, and each change "field: old → new" of who is
updated) while writing nothing. `import_staff_data` given that preview's
`digest` imports exactly what was previewed, or raises `PreviewChanged` when
the people or units changed meanwhile.

The work takes a fixed number of queries per thousand rows, whatever the size
of the file: units by code, people by username and by employee code, then bulk
inserts and one prepared update. No password is hashed.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import partial
from itertools import islice

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, email_confirmation, services, uploads
from accounts.models import OrgUnit, User
from accounts.roles import STAFF_ROLES, Role
from accounts.scope import scope_paths
from accounts.tasks import send_invitations
from accounts.uploads import tables

REQUIRED_COLUMNS = ("username", "full_name", "email", "employee_code", "org_unit")
COLUMNS = (*REQUIRED_COLUMNS, "position")
# What a row sets on a person.
PERSON_COLUMNS = ("full_name", "email", "employee_code", "org_unit", "position")
# Model fields whose length the file must respect, by column.
SIZED_COLUMNS = ("username", "full_name", "email", "employee_code", "position")
# Values per `__in` lookup: below SQLite's limit of 999 parameters.
CHUNK = 900
# Rows per INSERT; Django lowers it further where the database needs it.
BATCH = 1000
INVITATIONS_PER_TASK = 500



@dataclass
class ImportResult:
    created: int
    updated: int


class StaffImportError(uploads.UploadError):
    """The file cannot be imported; `errors` lists `{"line", "message"}` (and `"field"` for a cell)."""


@dataclass
class NewPerson:
    line: int
    username: str
    full_name: str
    email: str
    employee_code: str
    org_unit: str  # the unit's name and code
    position: str


@dataclass
class FieldChange:
    field: str  # a column of the file
    old: str
    new: str


@dataclass
class PersonChanges:
    line: int
    username: str
    full_name: str  # as the person is named now
    changes: list[FieldChange]


@dataclass
class Preview:
    """What importing a file would do; `digest` sums it up, so that a confirmation imports exactly this."""

    created: list[NewPerson]
    changed: list[PersonChanges]
    unchanged: int
    digest: str


class PreviewChanged(StaffImportError):
    """The people or units changed since the preview the actor confirmed: `preview` is what the file does now."""

    def __init__(self, preview: Preview):
        super().__init__([_error(1, _("People or units changed since the preview: check the new preview and "
                                      "confirm again."))])
        self.preview = preview


@dataclass
class StaffRow:
    line: int
    username: str
    full_name: str
    email: str
    employee_code: str
    org_unit: str
    position: str | None  # None when the file has no position column
    # Column -> "=FORMULA", for cells holding a formula whose value was never calculated.
    uncalculated: dict[str, str]


def import_staff(*, actor: User, upload) -> ImportResult:
    """Create or update everyone in the uploaded file, or raise `StaffImportError` and change nothing."""
    return import_staff_data(actor=actor, data=read_staff_upload(upload), file_name=getattr(upload, "name", "") or "")


def import_staff_data(*, actor: User, data: bytes, file_name: str = "", expected: str | None = None) -> ImportResult:
    """`import_staff` for a file already read; `expected`: the digest of the preview the actor confirmed."""
    rows = parse_staff_file(data)
    try:
        with transaction.atomic():
            if expected is not None:
                # One confirmed import of an officer at a time: a second "Xác nhận" of the same preview waits
                # for the first, then finds the people already changed and gets the new preview, not a re-run.
                list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))
            return _import_rows(actor, rows, file_name=file_name, expected=expected)
    except IntegrityError:
        # Only a concurrent change between our checks and our writes gets here.
        message = _("Some of these people were changed while the file was being imported. Import it again.")
        raise _file_error(message) from None


def preview_staff(*, actor: User, data: bytes) -> Preview:
    """What importing the file would do, with every check of the import; raises `StaffImportError`, writes nothing."""
    rows = parse_staff_file(data)
    return _preview(rows, _checked(actor, rows))


# Reading the file -----------------------------------------------------------


def read_staff_upload(upload) -> bytes:
    """The bytes of an uploaded file, within the import's size limit."""
    try:
        return uploads.read_upload(upload, max_bytes=settings.STAFF_IMPORT_MAX_BYTES)
    except uploads.UploadError as error:
        raise StaffImportError(error.errors) from None


def parse_staff_file(data: bytes) -> list[StaffRow]:
    """The people of a CSV or XLSX file, told apart by content, not by name."""
    try:
        header, records = tables.read_table(data, max_rows=settings.STAFF_IMPORT_MAX_ROWS,
                                            check_header=_header_errors)
    except uploads.UploadError as error:
        raise StaffImportError(error.errors) from None
    columns = _columns(header.cells)
    return [_staff_row(record, columns) for record in records]


def _columns(header: list[str]) -> dict[str, int]:
    """Where each known column is (first found); names are matched trimmed and in any case."""
    columns = {}
    for index, cell in enumerate(header):
        name = tables.column_name(cell)
        if name in COLUMNS:
            columns.setdefault(name, index)
    return columns


def _header_errors(header: tables.Row) -> list[dict]:
    """A known column named twice, a required one missing."""
    seen, errors = set(), []
    for name in map(tables.column_name, header.cells):
        if name in seen:
            errors.append(_error(header.line, _("The column “%(column)s” appears more than once.")
                                 % {"column": name}, name))
        elif name in COLUMNS:
            seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(_error(header.line, _("The header row has no “%(column)s” column.") % {"column": name},
                                 name))
    return errors


def _staff_row(record: tables.Row, columns: dict[str, int]) -> StaffRow:
    def cell(name):
        index = columns[name]
        return record.cells[index] if index < len(record.cells) else ""

    return StaffRow(
        line=record.line,
        username=User.normalize_username(cell("username")),
        full_name=" ".join(cell("full_name").split()),
        email=User.objects.normalize_email(cell("email")),
        employee_code=cell("employee_code"),
        org_unit=cell("org_unit"),
        position=cell("position") if "position" in columns else None,
        uncalculated={name: record.uncalculated[index] for name, index in columns.items()
                      if index in record.uncalculated},
    )


# Checking the rows ----------------------------------------------------------


def row_errors(row: StaffRow) -> list[dict]:
    """What is wrong with one row on its own; a cell empty because its formula was never calculated says so."""
    return [
        _error(row.line, uploads.formula_message(row.uncalculated[error["field"]]), error["field"])
        if error.get("field") in row.uncalculated else error
        for error in _value_errors(row)
    ]


def _value_errors(row: StaffRow) -> list[dict]:
    errors = []
    if not row.username:
        errors.append(_error(row.line, _("The username is missing."), "username"))
    else:
        try:
            User.username_validator(row.username)
        except ValidationError:
            message = _("The username “%(username)s” may contain only letters, digits and @ . + - _")
            errors.append(_error(row.line, message % {"username": row.username}, "username"))
    if not row.full_name:
        errors.append(_error(row.line, _("The full name is missing."), "full_name"))
    if not row.org_unit:
        errors.append(_error(row.line, _("The org unit code is missing."), "org_unit"))
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            message = _("“%(email)s” is not a valid e-mail address.")
            errors.append(_error(row.line, message % {"email": row.email}, "email"))
    for column in SIZED_COLUMNS:
        field = User._meta.get_field(column)
        if len(getattr(row, column) or "") > field.max_length:
            message = _("The %(field)s is longer than %(max)d characters.")
            errors.append(_error(row.line, message % {"field": field.verbose_name, "max": field.max_length}, column))
    return errors


def duplicate_errors(rows: list[StaffRow]) -> list[dict]:
    """A username or employee code that is on more than one row; each later row names the first."""
    errors = []
    for column, message in (
        ("username", _("The username “%(value)s” is also on line %(other)d.")),
        ("employee_code", _("The employee code “%(value)s” is also on line %(other)d.")),
    ):
        first_line = {}
        for row in rows:
            value = getattr(row, column)
            if value and value in first_line:
                errors.append(_error(row.line, message % {"value": value, "other": first_line[value]}, column))
            first_line.setdefault(value, row.line)
    return errors


def _reference_errors(actor: User, rows: list[StaffRow], units: dict, people: dict, code_holders: dict) -> list[dict]:
    """What is wrong with a row given the database: units, other people's codes, the actor's scope."""
    paths = scope_paths(actor)
    protected = _staff_ids(people.values()) if paths is not None else set()
    errors = []
    for row in rows:
        unit = units.get(row.org_unit)
        person = people.get(row.username)
        if row.org_unit and unit is None:
            message = _("There is no org unit with the code “%(code)s”.")
            errors.append(_error(row.line, message % {"code": row.org_unit}, "org_unit"))
        elif unit is not None and not _within(paths, unit):
            message = _("The org unit “%(code)s” is outside your HR scope.")
            errors.append(_error(row.line, message % {"code": row.org_unit}, "org_unit"))
        elif unit is not None and not unit.is_active:
            message = _("“%(unit)s” was merged into another unit or dissolved.")
            errors.append(_error(row.line, message % {"unit": unit}, "org_unit"))
        holder = code_holders.get(row.employee_code)
        if holder is not None and holder != row.username:
            message = _("The employee code “%(code)s” already belongs to another person.")
            errors.append(_error(row.line, message % {"code": row.employee_code}, "employee_code"))
        if person is not None and paths is not None:
            errors.extend(_person_scope_errors(row, person, paths, protected))
    return errors


def _person_scope_errors(row: StaffRow, person: User, paths: list[str], protected: set[int]) -> list[dict]:
    if person.is_superuser or person.pk in protected:
        message = _("Only an administrator can change the instructor, HR officer or administrator “%(username)s”.")
        return [_error(row.line, message % {"username": row.username}, "username")]
    if not _within(paths, person.org_unit):
        message = _("“%(username)s” belongs to a unit outside your HR scope.")
        return [_error(row.line, message % {"username": row.username}, "username")]
    return []


def _within(paths: list[str] | None, unit: OrgUnit | None) -> bool:
    # `scope.unit_in_scope`, with the paths read once for the whole file.
    if paths is None:
        return True
    return unit is not None and any(unit.path.startswith(path) for path in paths)


def _staff_ids(people) -> set[int]:
    ids = [person.pk for person in people]
    memberships = User.groups.through.objects.filter(group__name__in=STAFF_ROLES)
    return {
        user_id
        for chunk in _chunks(ids)
        for user_id in memberships.filter(user_id__in=chunk).values_list("user_id", flat=True)
    }


@dataclass
class _Found:
    """What the rows name, read from the database once they are all good."""

    units: dict[str, OrgUnit]
    people: dict[str, User]


def _checked(actor: User, rows: list[StaffRow]) -> _Found:
    """Every check of the rows, on their own and against the database; raises `StaffImportError` with them all."""
    units = _units_by_code({row.org_unit for row in rows if row.org_unit})
    people = _people_by_username([row.username for row in rows if row.username])
    code_holders = _employee_code_holders([row.employee_code for row in rows if row.employee_code])
    errors = [error for row in rows for error in row_errors(row)]
    errors += duplicate_errors(rows)
    errors += _reference_errors(actor, rows, units, people, code_holders)
    if errors:
        raise StaffImportError(uploads.capped(errors))
    return _Found(units, people)


def _preview(rows: list[StaffRow], found: _Found) -> Preview:
    created, changed, unchanged = [], [], 0
    for row in rows:
        person, unit = found.people.get(row.username), found.units[row.org_unit]
        if person is None:
            created.append(NewPerson(row.line, row.username, row.full_name, row.email, row.employee_code,
                                     _unit_label(unit), row.position or ""))
            continue
        changes = [FieldChange(field, _shown(old), _shown(new))
                   for field, (old, new) in _differences(person, _wanted(row, person, unit)).items()]
        if changes:
            changed.append(PersonChanges(row.line, row.username, person.full_name, changes))
        else:
            unchanged += 1
    summed = json.dumps([[asdict(item) for item in created], [asdict(item) for item in changed]], sort_keys=True)
    return Preview(created, changed, unchanged, hashlib.sha256(summed.encode()).hexdigest())


def _shown(value) -> str:
    return _unit_label(value) if isinstance(value, OrgUnit) else value or ""


def _unit_label(unit: OrgUnit) -> str:
    return f"{unit.name} ({unit.code})"


def _wanted(row: StaffRow, person: User, unit: OrgUnit) -> dict:
    """What the row sets on an existing person: a file without a position column leaves positions alone."""
    return {
        "full_name": row.full_name, "email": row.email, "employee_code": row.employee_code, "org_unit": unit,
        "position": person.position if row.position is None else row.position,
    }


def _differences(person: User, wanted: dict) -> dict[str, tuple]:
    return {field: (getattr(person, field), value) for field, value in wanted.items()
            if getattr(person, field) != value}


def _import_rows(actor: User, rows: list[StaffRow], *, file_name: str, expected: str | None = None) -> ImportResult:
    found = _checked(actor, rows)
    if expected is not None:
        preview = _preview(rows, found)
        if preview.digest != expected:
            raise PreviewChanged(preview)
    units, people = found.units, found.people
    new_people = _create_people([row for row in rows if row.username not in people], units)
    updated, moved = _update_people([row for row in rows if row.username in people], people, units)
    for chunk in _chunks([person.pk for person in new_people] + moved):
        services.people_placed(chunk)
    audit.record(
        actor=actor, action="users.imported",
        changes={"file": file_name[:255], "created": len(new_people), "updated": updated},
    )
    _invite_after_commit([person.pk for person in new_people if person.invitation_pending])
    return ImportResult(created=len(new_people), updated=updated)


def _units_by_code(codes: set[str]) -> dict[str, OrgUnit]:
    # Whether a unit is active, and its name for the preview, without a query per unit.
    units = OrgUnit.objects.only("pk", "code", "path", "name", "merged_into", "dissolved_on")
    return {unit.code: unit for chunk in _chunks(list(codes)) for unit in units.filter(code__in=chunk)}


def _people_by_username(usernames: list[str]) -> dict[str, User]:
    people = User.objects.select_related("org_unit").only(
        # The password tells whether a changed address needs confirming (accounts.email_confirmation).
        "username", "is_superuser", "org_unit__path", "org_unit__name", "org_unit__code", "email_confirmed",
        "password", *PERSON_COLUMNS,
    )
    return {person.username: person for chunk in _chunks(usernames) for person in people.filter(username__in=chunk)}


def _employee_code_holders(codes: list[str]) -> dict[str, str]:
    holders = User.objects.values_list("employee_code", "username")
    return dict(pair for chunk in _chunks(codes) for pair in holders.filter(employee_code__in=chunk))


def _create_people(rows: list[StaffRow], units: dict[str, OrgUnit]) -> list[User]:
    """New learners with no usable password; `make_password(None)` hashes nothing."""
    if not rows:
        return []
    people = [
        User(
            username=row.username, full_name=row.full_name, email=row.email, employee_code=row.employee_code,
            org_unit=units[row.org_unit], position=row.position or "", password=make_password(None),
            invitation_pending=bool(row.email),
        )
        for row in rows
    ]
    User.objects.bulk_create(people, batch_size=BATCH)
    learner, _created = Group.objects.get_or_create(name=Role.LEARNER)
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=person.pk, group_id=learner.pk) for person in people], batch_size=BATCH
    )
    return people


def _update_people(
    rows: list[StaffRow], people: dict[str, User], units: dict[str, OrgUnit]
) -> tuple[int, list[int]]:
    """Bring each person in line with their row; returns how many changed, and who moved to another unit."""
    now = timezone.now()
    changed, moved, new_addresses = [], [], []
    for row in rows:
        person = people[row.username]
        wanted = _wanted(row, person, units[row.org_unit])
        if not _differences(person, wanted):
            continue
        if person.org_unit_id != wanted["org_unit"].pk:
            moved.append(person.pk)
        if email_confirmation.is_new_address(person.email, row.email):
            new_addresses.append((person, person.email))
        for field, value in wanted.items():
            setattr(person, field, value)
        person.updated_at = now
        changed.append(person)
    # The same rule as any change of address: unconfirmed until its owner confirms it.
    email_confirmation.addresses_changed(new_addresses)
    _save_people(changed, [*PERSON_COLUMNS, "email_confirmed", "updated_at"])
    return len(changed), moved


def _save_people(people: list[User], field_names: list[str]) -> None:
    """One prepared UPDATE, run for every person in a single `executemany`.

    `bulk_update` builds a CASE expression per field and person, which took 35 s
    for 10,000 people on SQLite; this takes a fraction of a second.
    """
    if not people:
        return
    fields = [User._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(User._meta.db_table)} SET {assignments} WHERE {quote(User._meta.pk.column)} = %s"
    params = [
        [field.get_db_prep_save(getattr(person, field.attname), connection) for field in fields] + [person.pk]
        for person in people
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _invite_after_commit(user_ids: list[int]) -> None:
    for start in range(0, len(user_ids), INVITATIONS_PER_TASK):
        chunk = user_ids[start:start + INVITATIONS_PER_TASK]
        transaction.on_commit(partial(send_invitations.delay, chunk))


def _chunks(items: list, size: int = CHUNK):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


_error = uploads.error


def _file_error(message: str) -> StaffImportError:
    return StaffImportError([_error(1, message)])
