"""A watch over every XML part of a workbook, fed each chunk before openpyxl's parser gets it.

openpyxl builds in memory whatever a part holds: a text node of a gigabyte, a
row of a million cells, a million formatting records in `styles.xml`, entities
that expand a kilobyte into gigabytes. `PartGuard` parses the same bytes with
expat, keeping nothing but counters, and raises `UploadError` as soon as a
part goes past what a spreadsheet program writes or what the import accepts,
so that openpyxl never holds more than one chunk beyond a limit.

It also notes the formulas of each row (`formulas`), which openpyxl does not
report when it reads the values Excel calculated.
"""

from dataclasses import dataclass
from xml.parsers import expat

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from accounts.uploads import UploadError, error, file_error

# Bytes between two start tags: a cell's text (32,767 characters in Excel, at
# most six bytes each once escaped) with its end tags.
TEXT_BYTES_LIMIT = 256 * 1024
ROW_CELLS_LIMIT = 16_384  # the most columns an Excel sheet has
# The columns an import reads: its header and data lie far to the left of this
# (the question template, with every option from A to Z, has 62 columns). openpyxl pads every row it
# returns with empty cells up to its last cell, so a value further right is
# refused, and openpyxl is told to read no further (`workbook.read_sheet`).
COLUMN_LIMIT = 100
LAST_ROW = 1_048_576  # the last row of an Excel sheet
# Cells with no value (a format, a border) in a whole workbook: a list of 50,000
# people with a blank column has 50,000. openpyxl spends about 2.5 µs on each, so
# a sheet of nothing else is refused within a second or two, long before the
# element budget (UPLOAD_MAX_XML_ELEMENTS) would stop it.
EMPTY_CELLS_LIMIT = 400_000
# Parts that openpyxl reads whole into objects (styles, the workbook, the
# relationships) cost it about 30 µs and 700 bytes per element.
WHOLE_PART_ELEMENTS = 100_000
FORMULA_SHOWN = 60  # characters of a formula quoted in a message
# Formulas noted but not yet taken: openpyxl reads 16 KB ahead of the row it
# returns, which holds a few thousand cells at most. A part read to its end
# before its rows (openpyxl does so to find a sheet's size) keeps no more.
PENDING_FORMULAS = 10_000
# How an XML part may begin, after any spaces: a tag, or a byte-order mark.
XML_STARTS = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00<")
DIGITS = "0123456789"


@dataclass
class WorkbookLimits:
    """What one upload may hold, and how many elements all its parts have used so far."""

    max_rows: int
    too_many_rows: str  # a message with %(limit)d
    max_elements: int
    elements: int = 0


class PartGuard:
    """Counters over one reading of one part; `check` takes each chunk before openpyxl does.

    The expat handlers are kept to start tags (elements are counted, rows and
    cells followed) and to the text of formulas: a handler call for every
    text would cost more than the check is worth.
    """

    def __init__(self, limits: WorkbookLimits):
        self.limits = limits
        self.binary = None  # known from the part's first bytes other than spaces
        self.part_element_limit = None
        self.elements = self.counted = self.read = self.last_start = 0
        self.filled_rows = self.line = 0
        self.row_cells = self.column = self.empty_cells = 0
        self.row_filled = self.cell_empty = False
        self.formula = None  # (the row's formulas, the column) while a formula's text is read
        self.formulas: dict[int, dict[int, str]] = {}  # line -> column -> "=formula"
        self.pending_formulas = 0
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.handlers = {"row": self._row, "c": self._cell, "v": self._value, "is": self._value,
                         "f": self._formula}

    def read_whole(self) -> None:
        """The part is read whole, not streamed: openpyxl keeps all of it in memory."""
        self.part_element_limit = WHOLE_PART_ELEMENTS

    def check(self, chunk: bytes) -> None:
        """Parse the next chunk of the part; an empty chunk ends it.

        A part that is not XML (a picture of a chart sheet) is left alone: its
        size is bounded by the archive, and openpyxl would not parse it.
        """
        if self.binary is None and (start := chunk.lstrip(b" \t\r\n")):
            self.binary = not start.startswith(XML_STARTS)
        if self.binary:
            return
        self.parser.Parse(chunk, not chunk)
        self.read += len(chunk)
        self._check_text(self.read)
        self.limits.elements += self.elements - self.counted
        self.counted = self.elements
        if self.limits.elements > self.limits.max_elements:
            raise file_error(_("This XLSX file holds more than %(limit)s cells and other XML elements, the most "
                               "accepted. Split it into smaller files.")
                             % {"limit": number_format(self.limits.max_elements, force_grouping=True)})
        if self.part_element_limit and self.elements > self.part_element_limit:
            raise file_error(_("This XLSX file holds more than %(limit)s formatting records or other elements "
                               "outside its sheets, far more than a list needs. Copy the data into a new workbook "
                               "and import that.")
                             % {"limit": number_format(self.part_element_limit, force_grouping=True)})

    def take_formulas(self, line: int) -> dict[int, str]:
        """The formulas of a row that openpyxl has returned, by column (1 for A)."""
        formulas = self.formulas.pop(line, {})
        self.pending_formulas -= len(formulas)
        return formulas

    def _start(self, name: str, attributes: dict) -> None:
        self.elements += 1
        position = self.parser.CurrentByteIndex
        self._check_text(position)
        self.last_start = position
        if self.formula:
            self.formula = self.parser.CharacterDataHandler = None
        handler = self.handlers.get(name[name.find(":") + 1:])
        if handler:
            handler(attributes)

    def _check_text(self, position: int) -> None:
        if position - self.last_start > TEXT_BYTES_LIMIT:
            raise UploadError([error(max(self.line, 1), _(
                "A cell of this row holds more than %(size)s of text, far more than a spreadsheet cell holds.")
                % {"size": filesizeformat(TEXT_BYTES_LIMIT)})])

    def _row(self, attributes: dict) -> None:
        """A row, numbered as openpyxl numbers it: by its `r`, else one after the last.

        openpyxl returns an empty row for every number skipped and drops a row
        numbered below the last, so the numbers must rise, and no higher than
        the rows an import reads, blank ones and empty ones that keep a format
        included.
        """
        self._count_empty_cell()
        line = int(attributes["r"]) if "r" in attributes else self.line + 1
        if line <= self.line or line < 1:
            raise UploadError([error(max(self.line, 1), _(
                "The rows of this sheet are numbered out of order (row %(line)s after row %(previous)s), which "
                "spreadsheet programs never do. Open the file in Excel, save it and import it again.")
                % {"line": line, "previous": self.line})])
        self.line, self.row_cells, self.column, self.row_filled = line, 0, 0, False
        limit = min(2 * self.limits.max_rows + 1, LAST_ROW)
        if line > limit:
            raise UploadError([error(line, _(
                "The sheet has more than %(limit)s rows, counting empty rows that keep a format. Delete the rows "
                "below your data and import it again.") % {"limit": number_format(limit, force_grouping=True)})])

    def _cell(self, attributes: dict) -> None:
        self._count_empty_cell()
        self.cell_empty = True
        self.row_cells += 1
        if self.row_cells > ROW_CELLS_LIMIT:
            raise UploadError([error(self.line, _("This row has more than %(limit)s cells, the most a spreadsheet "
                                                  "row has.") % {"limit": number_format(ROW_CELLS_LIMIT,
                                                                                        force_grouping=True)})])
        # As openpyxl finds a cell's column: from its `r`, else one after the last cell's.
        reference = attributes.get("r")
        self.column = column_index_from_string(reference.rstrip(DIGITS)) if reference else self.column + 1

    def _count_empty_cell(self) -> None:
        """The cell before, if it held no value, counts against EMPTY_CELLS_LIMIT."""
        if not self.cell_empty:
            return
        self.cell_empty = False
        self.empty_cells += 1
        if self.empty_cells > EMPTY_CELLS_LIMIT:
            raise UploadError([error(max(self.line, 1), _(
                "This sheet holds more than %(limit)s empty cells, far more than a list has. Delete the empty "
                "rows and columns around your data (or copy the data into a new workbook) and import it again.")
                % {"limit": number_format(EMPTY_CELLS_LIMIT, force_grouping=True)})])

    def _value(self, attributes: dict) -> None:
        self.cell_empty = False
        if self.line and self.column > COLUMN_LIMIT:
            raise UploadError([error(self.line, _(
                "This row has a value in column %(column)s: an import reads the first %(limit)d columns only (A to "
                "%(last)s). Delete what lies beyond them and import the file again.")
                % {"column": get_column_letter(self.column), "limit": COLUMN_LIMIT,
                   "last": get_column_letter(COLUMN_LIMIT)})])
        # A row with a value element counts, even an empty one: the guard only bounds what openpyxl reads.
        if self.line and not self.row_filled:
            self.row_filled = True
            self.filled_rows += 1
            if self.filled_rows > self.limits.max_rows + 1:  # the header, then the rows
                raise UploadError([error(self.line, self.limits.too_many_rows % {"limit": self.limits.max_rows})])

    def _formula(self, attributes: dict) -> None:
        self.cell_empty = False
        if not self.line or self.pending_formulas >= PENDING_FORMULAS:
            return
        self.formula = (self.formulas.setdefault(self.line, {}), self.column)
        self.formula[0][self.formula[1]] = "="
        self.pending_formulas += 1
        self.parser.CharacterDataHandler = self._formula_text

    def _formula_text(self, text: str) -> None:
        formulas, column = self.formula
        formulas[column] = (formulas[column] + text)[:FORMULA_SHOWN]

    def _doctype(self, *args) -> None:
        # Entities can only be declared in a DOCTYPE; Excel never writes one.
        raise file_error(_("This XLSX file declares XML entities, which spreadsheet programs never do: it cannot "
                           "be read."))
