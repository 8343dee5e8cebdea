"""Hostile XLSX files, built small: their XML is streamed into the ZIP, so a gigabyte of it takes a megabyte.

Used by the upload tests of every import and by `bench/upload_bomb.py`. Each
builder returns the bytes of a workbook that openpyxl opens: the parts of a
real workbook, with its first sheet (and any part named) replaced. Sheets are
written as programs write them: inline strings, no `<dimension>`.
"""

import io
import struct
import zipfile
from collections.abc import Iterable

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
STYLES = "xl/styles.xml"
SHEET_START = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_END = b"</sheetData></worksheet>"
STYLES_START = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
MIB = 1 << 20


def row(*texts: str) -> bytes:
    return b"<row>" + b"".join(b'<c t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>" for text in texts) \
        + b"</row>"


def workbook(sheet: Iterable[bytes], **parts: Iterable[bytes]) -> bytes:
    """A real workbook whose first sheet is `sheet`, given in pieces; `parts` (`styles=...`) replace others."""
    base = io.BytesIO()
    openpyxl.Workbook().save(base)
    replaced = {SHEET: sheet} | {f"xl/{name}.xml": pieces for name, pieces in parts.items()}
    output = io.BytesIO()
    with zipfile.ZipFile(base) as original, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in original.infolist():
            with archive.open(info.filename, "w", force_zip64=True) as stream:
                for piece in replaced.get(info.filename, [original.read(info)]):
                    stream.write(piece)
    return output.getvalue()


def sheet(*rows: bytes) -> list[bytes]:
    return [SHEET_START, *rows, SHEET_END]


def repeated(piece: bytes, size: int) -> Iterable[bytes]:
    """`piece` repeated to about `size` bytes, a megabyte at a time."""
    block = piece * max(1, MIB // len(piece))
    for _ in range(max(1, size // len(block))):
        yield block


def huge_cell(header: list[str], size: int) -> bytes:
    """A header, then one cell holding `size` bytes of text, as the review's 1 GiB string."""
    return workbook([SHEET_START, row(*header), b'<row><c t="inlineStr"><is><t>', *repeated(b"x", size),
                     b"</t></is></c></row>", SHEET_END])


def long_cell(header: list[str], characters: int) -> bytes:
    """A header, then one cell of text that hardly compresses: only the cell's length is wrong."""
    text = "".join(chr(0x4E00 + (index * 7919) % 20_000) for index in range(characters))
    return workbook(sheet(row(*header), row(text)))


def many_rows(header: list[str], count: int, cells: list[str]) -> bytes:
    """A header and `count` identical rows."""
    line = row(*cells)
    return workbook([SHEET_START, row(*header), *repeated(line, count * len(line)), SHEET_END])


def numbered_rows(header: list[str], count: int, cells) -> bytes:
    """A header and `count` rows, `cells(n)` being the n-th: different rows, compressed as real ones are."""
    def rows():
        for start in range(0, count, 10_000):
            yield b"".join(row(*cells(number)) for number in range(start, min(count, start + 10_000)))
    return workbook([SHEET_START, row(*header), *rows(), SHEET_END])


def wide_row(header: list[str], cells: int) -> bytes:
    """A row of `cells` empty cells (a value that far right is refused sooner, see `far_cells`)."""
    return workbook(sheet(row(*header), b"<row>" + b"<c/>" * cells + b"</row>"))


def far_cells(header: list[str], count: int, *, value: bool = True) -> bytes:
    """A header, then `count` rows each with one cell in the sheet's last column (XFD), holding a value or not.

    openpyxl's read-only mode pads a row with empty cells up to its last one.
    """
    def rows():
        for start in range(2, count + 2, 10_000):
            yield b"".join((b'<row><c r="XFD%d"><v>1</v></c></row>' if value else b'<row><c r="XFD%d"/></row>')
                           % line for line in range(start, min(count + 2, start + 10_000)))
    return workbook([SHEET_START, row(*header), *rows(), SHEET_END])


def row_jump(header: list[str], line: int, cells: list[str]) -> bytes:
    """A header, then a row numbered `line`: openpyxl returns an empty row for every number skipped."""
    jump = row(*cells).replace(b"<row>", b'<row r="%d">' % line, 1)
    return workbook(sheet(row(*header), jump))


def many_parts(header: list[str], count: int) -> bytes:
    data = workbook(sheet(row(*header), row("x")))
    output = io.BytesIO(data)
    with zipfile.ZipFile(output, "a") as archive:
        for number in range(count):
            archive.writestr(f"xl/media/image{number}.png", b"")
    return output.getvalue()


def squeezed(header: list[str], size: int) -> bytes:
    """A sheet padded with spaces (XML allows them between rows): compressed far more than any real sheet."""
    return workbook([SHEET_START, row(*header), *repeated(b" ", size), row("x"), SHEET_END])


def entity_bomb(header: list[str]) -> bytes:
    """A billion laughs: ten entities, each ten times the one before, in a cell."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10))
    start = SHEET_START.replace(b"?>\n", b"?>\n<!DOCTYPE worksheet [" + entities + b"]>\n", 1)
    return workbook([start, row(*header), row("&lol9;"), SHEET_END])


def many_styles(header: list[str], count: int) -> bytes:
    """Formatting records by the hundred thousand, which openpyxl reads whole into objects."""
    def records():
        for start in range(0, count, 10_000):
            yield b"".join(b'<xf numFmtId="%d" fontId="%d" fillId="0" borderId="0"/>' % (number % 164, number)
                           for number in range(start, min(count, start + 10_000)))
    return workbook(sheet(row(*header), row("x")),
                    styles=[STYLES_START, b'<cellXfs count="%d">' % count, *records(), b"</cellXfs></styleSheet>"])


def understated_styles(header: list[str], size: int) -> bytes:
    """Styles that unpack to `size` bytes while the archive's central directory says they take one kilobyte."""
    data = workbook(sheet(row(*header), row("x")),
                    styles=[STYLES_START, *repeated(b" ", size), b"</styleSheet>"])
    return understated(data, STYLES, 1024)


def understated(data: bytes, name: str, declared: int) -> bytes:
    """The workbook with its central directory saying that part `name` unpacks to `declared` bytes only."""
    data = bytearray(data)
    header = data.rfind(name.encode()) - 46  # the central directory comes last; a name follows its header
    assert data[header:header + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, header + 24, declared)  # the header's uncompressed size
    return bytes(data)


def written(header: list[str], *rows: list) -> bytes:
    """A workbook as a program (openpyxl) writes one: with its size (`<dimension>`), so that it is read once."""
    book = openpyxl.Workbook()
    for cells in (header, *rows):
        book.active.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def formulas(header: list[str], cells: list) -> bytes:
    """A workbook written by a program: its formulas were never calculated, so no value is stored."""
    return written(header, cells)


def refused_workbooks(header: list[str], cells, *, row_limit: int, limit_words: str) -> list[tuple]:
    """What every import of an XLSX refuses, as `(id, build, line, words)`: the line and words of its one error.

    `cells(number)` gives the cells of a good data row; `limit_words` is how the
    import's row limit is named in its error.
    """
    return [
        ("huge-string", lambda: huge_cell(header, 100 * MIB), 1, "unpacks to more than 64.0"),
        ("1.5-million-rows", lambda: many_rows(header, 1_500_000, cells(1)), 1, "unpacks to more than 64.0"),
        ("rows-past-the-limit", lambda: numbered_rows(header, row_limit + 10_000, cells), row_limit + 2, limit_words),
        ("too-many-parts", lambda: many_parts(header, 1001), 1, "more than 1000 parts"),
        ("ratio", lambda: squeezed(header, 20 * MIB), 1, "compressed more than 100 times"),
        ("long-cell", lambda: long_cell(header, 200_000), 2, "more than 256.0"),
        ("wide-row", lambda: wide_row(header, 20_000), 2, "more than 16,384 cells"),
        ("value-in-the-last-column", lambda: far_cells(header, 5_000), 2, "a value in column XFD: an import reads "
                                                                           "the first 100 columns only"),
        ("row-number-jump", lambda: row_jump(header, 20_000_000, cells(1)), 20_000_000,
         f"more than {2 * row_limit + 1:,} rows"),
        ("billion-laughs", lambda: entity_bomb(header), 1, "declares XML entities"),
        ("styles", lambda: many_styles(header, 150_000), 1, "more than 100,000 formatting records"),
    ]


def refusal(response) -> list[tuple[int, str]]:
    """The (line, message) of each error of an import's 400."""
    assert response.status_code == 400, response.content
    return [(error["line"], error["message"]) for error in response.json()["errors"]]


def empty_cells(header: list[str], rows: int, cells: int) -> bytes:
    """Rows of empty cells, each named by its reference (as a program writes formatted cells)."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(column).encode() for column in range(1, cells + 1)]
    return workbook(sheet(row(*header), *(
        b"<row>" + b"".join(b'<c r="%s%d"/>' % (letter, line) for letter in letters) + b"</row>"
        for line in range(2, rows + 2))))
