"""Reading uploaded files: one reader for every import, so that every one of them has the same limits.

The staff import, the roster import and the question import all read their
files here; no database is touched. A file is refused with an `UploadError`
whose `errors` are `[{"line": n, "message": "..."}]` (the first line of a
file being 1) before it can cost the server much time or memory:

- `read_upload` reads at most the byte limit of an import;
- `tables` reads a list of people (CSV or XLSX) as text rows;
- `workbook` reads the rows of one sheet of an XLSX workbook, checking the ZIP
  archive before openpyxl opens it and every XML part while openpyxl reads it
  (see its docstring for the limits);
- `control_character_errors` finds the characters text must not hold.

Text may hold tabs and line breaks (CR, LF or both), never other control
characters: a NUL makes PostgreSQL refuse the row, and the others cannot be
written to an XLSX report.
"""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.input_checks import FORBIDDEN_CHARACTERS

MAX_ERRORS = 200


class UploadError(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


def error(line: int, message: str, field: str | None = None) -> dict:
    return {"line": line, "message": message} if field is None else {"line": line, "field": field, "message": message}


def file_error(message: str) -> UploadError:
    return UploadError([error(1, message)])


def read_no_further(errors: list[dict]) -> list[dict]:
    """For a reader that stops at its MAX_ERRORS + 1st error: the first MAX_ERRORS, then where it stopped."""
    return [*errors[:MAX_ERRORS], error(errors[MAX_ERRORS]["line"], _(
        "… and more errors from this line on: the file was read no further."))]


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
        raise file_error(too_large_message(max_bytes))
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise file_error(too_large_message(max_bytes))
    return data


def too_large_message(limit: int) -> str:
    return _("The file is too large: the largest file accepted is %(size)s.") % {"size": filesizeformat(limit)}


def control_character_in_line_message(character: str) -> str:
    return _("This line holds a control character (%(character)s), which text cannot hold: remove it and import "
             "the file again.") % {"character": f"U+{ord(character):04X}"}


def control_character_errors(text: str) -> list[dict]:
    """An error for each line of a text that holds a control character (CR, LF and CRLF all end a line).

    At most MAX_ERRORS of them: past that the text is read no further.
    """
    errors, line, start = [], 1, 0
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for found in FORBIDDEN_CHARACTERS.finditer(text):
        line += text.count("\n", start, found.start())
        start = found.start()
        if errors and errors[-1]["line"] == line:
            continue
        errors.append(error(line, control_character_in_line_message(found.group())))
        if len(errors) > MAX_ERRORS:
            return read_no_further(errors)
    return errors


def formula_message(formula: str) -> str:
    return _("This cell holds the formula %(formula)s, whose value was never calculated: type the value itself, "
             "or open the file in Excel, save it and import it again.") % {"formula": formula}
