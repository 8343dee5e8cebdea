"""Cells of the spreadsheets people download (registers, reports): text stays text.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return, and
is not a plain number, would run as a formula in a spreadsheet program (CSV
injection); it is written with a leading apostrophe instead, as API.md asks.
"""

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


def safe_text(value: str) -> str:
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def xlsx_cell(sheet, value):
    """A write-only cell: text made safe and typed as text, so openpyxl never reads it as a formula."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", safe_text(value)))
        cell.data_type = "s"
        return cell
    return WriteOnlyCell(sheet, value=value)
