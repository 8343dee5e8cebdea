"""Hostile files at POST /api/v1/{classes or conferences}/{id}/roster/import/: a 400 naming the limit or the line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import hostile_files as hostile
from tests.conftest import client_for
from training.models import RosterEntry

HEADER = ["employee_code", "full_name"]


def post(person, event, data: bytes, name: str = "danh-sach.xlsx"):
    return client_for(person).post(f"/api/v1/conferences/{event.pk}/roster/import/",
                                   {"file": SimpleUploadedFile(name, data)}, format="multipart",
                                   HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("build, line, words", [
    pytest.param(build, line, words, id=name) for name, build, line, words in hostile.refused_workbooks(
        HEADER, lambda number: [f"NV-{number}", "A"], row_limit=50_000,
        limit_words="more than 50000 people")
])
def test_a_hostile_workbook_is_refused_naming_the_limit_and_nobody_is_added(instructor, conference, build, line,
                                                                            words):
    [(error_line, message)] = hostile.refusal(post(instructor, conference, build()))
    assert error_line == line and words in message
    assert not RosterEntry.objects.exists()


def test_a_formula_never_calculated_as_the_employee_code_is_named_as_a_formula(instructor, conference):
    data = hostile.formulas(HEADER, ['=HYPERLINK("http://example.com","NV-1")', "A"])
    [(line, message)] = hostile.refusal(post(instructor, conference, data))
    assert line == 2 and message.startswith('This cell holds the formula =HYPERLINK("http://example.com"')


def test_a_control_character_in_a_csv_is_refused_at_its_line(instructor, conference, learner):
    data = f"employee_code,full_name\n{learner.employee_code},A\nNV\x00-2,B\n".encode()
    [(line, message)] = hostile.refusal(post(instructor, conference, data, name="danh-sach.csv"))
    assert line == 3 and "control character (U+0000)" in message
    assert not RosterEntry.objects.exists()


def test_a_control_character_in_a_workbook_cell_is_refused_at_its_line(instructor, conference, learner):
    data = hostile.workbook(hostile.sheet(hostile.row(*HEADER), hostile.row(learner.employee_code, "A\x7f")))
    [(line, message)] = hostile.refusal(post(instructor, conference, data))
    assert line == 2 and "control character (U+007F)" in message
    assert not RosterEntry.objects.exists()


@pytest.mark.parametrize("name, build", [
    ("danh-sach.xlsx", lambda rows: hostile.written(["STT", "Họ và tên"], *rows)),
    ("danh-sach.csv", lambda rows: "\n".join(",".join(cells) for cells in [["STT", "Họ và tên"], *rows]).encode()),
])
def test_a_header_without_a_key_column_is_refused_before_any_other_row_is_read(instructor, conference, settings,
                                                                               name, build):
    # More people than the limit: read past the header, the file would be refused for that.
    settings.STAFF_IMPORT_MAX_ROWS = 1000
    data = build([[str(number), f"Người {number}"] for number in range(1010)])
    assert hostile.refusal(post(instructor, conference, data, name=name)) == [
        (1, "The header row has no “employee_code” or “username” column.")]
