"""Staff import from CSV or XLSX: all rows or none. (Being written: see the brief.)"""

from dataclasses import dataclass


@dataclass
class ImportResult:
    created: int
    updated: int


class StaffImportError(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


def import_staff(*, actor, upload) -> ImportResult:
    raise StaffImportError([{"line": 1, "message": "not implemented yet"}])
