"""The rows of one sheet of an uploaded XLSX workbook, read within limits.

An XLSX file is a ZIP archive of XML parts. A one-megabyte file can unpack to
gigabytes, or to a sheet of millions of rows, and openpyxl would hold much of
it in memory. So, in this order:

1. before the archive is opened: no more than `UPLOAD_MAX_ARCHIVE_ENTRIES`
   parts, counted by their headers, so that a flood of parts costs nothing;
2. before openpyxl reads it: the parts' declared sizes add up to at most
   `UPLOAD_MAX_UNPACKED_BYTES`, none is compressed more than
   `UPLOAD_MAX_COMPRESSION_RATIO` times (beyond its first megabyte), and each
   is stored or deflated as the XLSX standard says;
3. while openpyxl reads (in its streaming `read_only` mode, through
   `_GuardedArchive`): nothing unpacks past its declared size, whatever the
   archive claims, and every chunk of XML passes an `xml_guard.PartGuard`
   first, which stops a file at `UPLOAD_MAX_XML_ELEMENTS` elements, at a cell
   longer than Excel allows, a row wider than Excel allows, a value beyond the
   columns an import reads (`xml_guard.COLUMN_LIMIT`), rows numbered out of
   order or past the rows the import reads, more rows than the import takes,
   or an entity declaration;
4. the rows: blank ones skipped, the header first, checked by the import
   before any other row is read, and the first row past `max_rows` refused at
   its line. A cell with a control character is refused at its line.

Each row comes with the formulas whose value was never calculated (openpyxl
reads the values Excel stored, and a file written by a program has none), so
that an import can say why a cell it needs is empty.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader

from accounts.input_checks import FORBIDDEN_CHARACTERS
from accounts.uploads import UploadError, capped, control_character_in_line_message, error, file_error
from accounts.uploads.xml_guard import COLUMN_LIMIT, PartGuard, WorkbookLimits

# Every part of a ZIP archive has one central directory header, which starts so.
CENTRAL_DIRECTORY_HEADER = b"PK\x01\x02"
RATIO_GRACE_BYTES = 1 << 20  # small parts (styles, shared formulas) may compress well
CHUNK = 1 << 16


@dataclass
class SheetRow:
    line: int
    values: tuple
    # Column index (0 for A) -> "=FORMULA", for formula cells with no value.
    uncalculated: dict[int, str] = field(default_factory=dict)


def read_sheet(data: bytes, *, max_rows: int, too_many_rows: str, not_a_workbook: str,
               check_header: Callable[[SheetRow], list[dict]],
               choose_sheet: Callable = lambda workbook: workbook.worksheets[0]) -> list[SheetRow]:
    """The non-blank rows of the sheet `choose_sheet` picks, the header first; raises `UploadError`.

    `check_header` gets the first non-blank row and returns its errors, which
    stop the reading there. The rows below it are cut to its width: no import
    reads a column that has no header. `too_many_rows` is the message (with
    `%(limit)d`) for more than `max_rows` rows below the header;
    `not_a_workbook` the one for a ZIP file openpyxl cannot open.
    """
    limits = WorkbookLimits(max_rows=max_rows, too_many_rows=too_many_rows,
                            max_elements=settings.UPLOAD_MAX_XML_ELEMENTS)
    with _open_archive(data, limits, not_a_workbook) as archive:
        try:
            workbook = _load(archive)
        except UploadError:
            raise
        except Exception:
            # openpyxl raises a dozen kinds of error on a damaged or foreign ZIP file.
            raise file_error(not_a_workbook) from None
        try:
            return _rows(choose_sheet(workbook), archive, limits, check_header)
        except UploadError:
            raise
        except Exception:
            raise file_error(_("This XLSX file is damaged and cannot be read.")) from None


def _open_archive(data: bytes, limits: WorkbookLimits, not_a_workbook: str) -> "_GuardedArchive":
    most = settings.UPLOAD_MAX_ARCHIVE_ENTRIES
    if data.count(CENTRAL_DIRECTORY_HEADER) > most:
        raise file_error(_("This XLSX file is made of more than %(limit)d parts, far more than a spreadsheet "
                           "program writes: it cannot be read.") % {"limit": most})
    try:
        archive = _GuardedArchive(io.BytesIO(data), limits)
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise file_error(not_a_workbook) from None
    try:
        _check_parts(archive.infolist())
    except UploadError:
        archive.close()
        raise
    return archive


def _check_parts(parts: list[zipfile.ZipInfo]) -> None:
    """What the archive says of its parts, before any of them is unpacked."""
    if any(part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or part.flag_bits & 0x1
           for part in parts):
        raise file_error(_("This XLSX file is compressed or encrypted in a way spreadsheet programs do not use: "
                           "it cannot be read."))
    unpacked = settings.UPLOAD_MAX_UNPACKED_BYTES
    if sum(part.file_size for part in parts) > unpacked:
        raise file_error(_("This XLSX file unpacks to more than %(size)s, the most accepted. Split it into smaller "
                           "files.") % {"size": filesizeformat(unpacked)})
    ratio = settings.UPLOAD_MAX_COMPRESSION_RATIO
    if any(part.file_size > max(RATIO_GRACE_BYTES, ratio * part.compress_size) for part in parts):
        raise file_error(_("A part of this XLSX file is compressed more than %(ratio)d times, which spreadsheet "
                           "programs never do: it cannot be read.") % {"ratio": ratio})


class _GuardedArchive(zipfile.ZipFile):
    """A ZIP archive whose parts are read in chunks, each checked by a `PartGuard` before openpyxl gets it.

    `zipfile` never returns more than a part's declared size, but it inflates
    a part read whole in one go, however far the compressed data really goes.
    """

    def __init__(self, file, limits: WorkbookLimits):
        super().__init__(file)
        self.limits = limits
        self.latest_guard: PartGuard | None = None

    def open(self, name, mode="r", pwd=None, **options):
        self.latest_guard = PartGuard(self.limits)
        return _GuardedPart(super().open(name, mode, pwd, **options), self.latest_guard)


class _GuardedPart:
    def __init__(self, part, guard: PartGuard):
        self.part, self.guard = part, guard

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            self.guard.read_whole()
            return b"".join(iter(partial(self.read, CHUNK), b""))
        chunk = self.part.read(min(size, CHUNK))
        self.guard.check(chunk)
        return chunk

    def close(self) -> None:
        self.part.close()

    def __enter__(self):
        return self

    def __exit__(self, *exception) -> None:
        self.close()


def _load(archive: _GuardedArchive):
    # `load_workbook` opens the file with a plain ZipFile; its reader is given the guarded one instead.
    reader = ExcelReader(archive.fp, read_only=True, data_only=True, keep_links=False)
    reader.archive.close()
    reader.archive = archive
    reader.read()
    return reader.wb


def _rows(sheet, archive: _GuardedArchive, limits: WorkbookLimits, check_header: Callable) -> list[SheetRow]:
    rows = _non_blank_rows(sheet, archive)
    header = next(rows, None)
    if header is None:
        return []
    width = max(column for column, value in enumerate(header.values, start=1) if not _blank(value))
    header.values = header.values[:width]
    if header_errors := check_header(header):
        raise UploadError(header_errors)
    table, errors = [header], _control_character_errors(header)
    for row in rows:
        if len(table) == limits.max_rows + 1:
            raise UploadError([error(row.line, limits.too_many_rows % {"limit": limits.max_rows})])
        row.values = row.values[:width]
        errors += _control_character_errors(row)
        table.append(row)
    if errors:
        raise UploadError(capped(errors))
    return table


def _non_blank_rows(sheet, archive: _GuardedArchive):
    # Some programs write a wrong sheet size; trusting it would drop rows.
    sheet.reset_dimensions()
    # openpyxl pads each row to `max_col`, and returns an empty row for every row number a sheet skips: the
    # guard refuses a value beyond COLUMN_LIMIT and a row numbered past what the import reads.
    for line, values in enumerate(sheet.iter_rows(max_col=COLUMN_LIMIT, values_only=True), start=1):
        # The sheet's part was opened last, when its rows began.
        formulas = archive.latest_guard.take_formulas(line)
        # Counted first: the rows a sheet skips are all None, and there may be many.
        if values.count(None) == len(values) or all(map(_blank, values)):
            continue
        uncalculated = {column - 1: formula for column, formula in formulas.items()
                        if column <= len(values) and values[column - 1] is None}
        yield SheetRow(line, values, uncalculated)


def _blank(value) -> bool:
    return value is None or isinstance(value, str) and not value.strip()


def _control_character_errors(row: SheetRow) -> list[dict]:
    for value in row.values:
        if isinstance(value, str) and (found := FORBIDDEN_CHARACTERS.search(value)):
            return [error(row.line, control_character_in_line_message(found.group()))]
    return []
