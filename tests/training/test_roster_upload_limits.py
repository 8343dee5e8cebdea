"""Hostile files at POST /api/v1/{classes or conferences}/{id}/roster/import/: a 400 naming the limit or the line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import hostile_files as hostile
from tests.conftest import client_for
from training.models import RosterEntry

HEADER = ["employee_code", "full_name"]
MIB = 1 << 20


def post(person, event, data: bytes, name: str = "danh-sach.xlsx"):
    return client_for(person).post(f"/api/v1/conferences/{event.pk}/roster/import/",
                                   {"file": SimpleUploadedFile(name, data)}, format="multipart",
                                   HTTP_ACCEPT_LANGUAGE="en")


def refusal(response) -> list[tuple[int, str]]:
    assert response.status_code == 400, response.content
    return [(error["line"], error["message"]) for error in response.json()["errors"]]


@pytest.mark.parametrize("build, line, words", [
    pytest.param(lambda: hostile.huge_cell(HEADER, 100 * MIB), 1, "unpacks to more than 64.0", id="huge-string"),
    pytest.param(lambda: hostile.many_rows(HEADER, 1_500_000, ["NV-1", "A"]), 1, "unpacks to more than 64.0",
                 id="1.5-million-rows"),
    pytest.param(lambda: hostile.numbered_rows(HEADER, 60_000, lambda number: [f"NV-{number}", "A"]), 50_002,
                 "more than 50000 people", id="rows-past-the-limit"),
    pytest.param(lambda: hostile.many_parts(HEADER, 1001), 1, "more than 1000 parts", id="too-many-parts"),
    pytest.param(lambda: hostile.squeezed(HEADER, 20 * MIB), 1, "compressed more than 100 times", id="ratio"),
    pytest.param(lambda: hostile.long_cell(HEADER, 200_000), 2, "more than 256.0", id="long-cell"),
    pytest.param(lambda: hostile.entity_bomb(HEADER), 1, "declares XML entities", id="billion-laughs"),
])
def test_a_hostile_workbook_is_refused_naming_the_limit_and_nobody_is_added(instructor, conference, build, line,
                                                                            words):
    [(error_line, message)] = refusal(post(instructor, conference, build()))
    assert error_line == line and words in message
    assert not RosterEntry.objects.exists()


def test_a_formula_never_calculated_as_the_employee_code_is_named_as_a_formula(instructor, conference):
    data = hostile.formulas(HEADER, ['=HYPERLINK("http://example.com","NV-1")', "A"])
    [(line, message)] = refusal(post(instructor, conference, data))
    assert line == 2 and message.startswith('This cell holds the formula =HYPERLINK("http://example.com"')


def test_a_control_character_in_a_csv_is_refused_at_its_line(instructor, conference, learner):
    data = f"employee_code,full_name\n{learner.employee_code},A\nNV\x00-2,B\n".encode()
    [(line, message)] = refusal(post(instructor, conference, data, name="danh-sach.csv"))
    assert line == 3 and "control character (U+0000)" in message
    assert not RosterEntry.objects.exists()


def test_a_control_character_in_a_workbook_cell_is_refused_at_its_line(instructor, conference, learner):
    data = hostile.workbook(hostile.sheet(hostile.row(*HEADER), hostile.row(learner.employee_code, "A\x7f")))
    [(line, message)] = refusal(post(instructor, conference, data))
    assert line == 2 and "control character (U+007F)" in message
    assert not RosterEntry.objects.exists()
