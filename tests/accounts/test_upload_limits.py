"""Hostile files at POST /api/v1/users/import/: each a 400 naming the limit or the line, nobody imported.

The same reader (`accounts.uploads`) serves the roster and question imports,
whose own tests send the same files.
"""

import io
import tracemalloc
import zipfile

import pytest
from django.utils import translation
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.uploads import MAX_ERRORS, control_character_errors, control_character_in_line_message, tables
from accounts.uploads.xml_guard import PartGuard, WorkbookLimits
from tests import hostile_files as hostile
from tests.conftest import client_for

URL = "/api/v1/users/import/"
HEADER = ["username", "full_name", "email", "employee_code", "org_unit"]
MIB = 1 << 20


def person(number: int) -> list[str]:
    return [f"cb{number}", f"Cán Bộ {number}", "", f"E{number}", "BK"]


def post(user, data: bytes, name: str = "can-bo.xlsx"):
    return client_for(user).post(URL, {"file": SimpleUploadedFile(name, data)}, format="multipart",
                                 HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("build, line, words", [
    pytest.param(build, line, words, id=name) for name, build, line, words in hostile.refused_workbooks(
        HEADER, person, row_limit=50_000, limit_words="more than 50000 people")
])
def test_a_hostile_workbook_is_refused_naming_the_limit_and_nobody_is_imported(admin_user, province, build, line,
                                                                                words):
    before = User.objects.count()
    [(error_line, message)] = hostile.refusal(post(admin_user, build()))
    assert error_line == line and words in message
    assert User.objects.count() == before


def test_it_refuses_more_xml_elements_than_allowed(admin_user, province, settings):
    settings.UPLOAD_MAX_XML_ELEMENTS = 1000
    [(line, message)] = hostile.refusal(post(admin_user, hostile.numbered_rows(HEADER, 500, person)))
    assert line == 1 and "more than 1,000 cells and other XML elements" in message


def test_it_never_unpacks_a_part_past_the_size_the_archive_declares():
    # The central directory says the styles take 1 KB; they unpack to 300 MB, which zipfile
    # would inflate in one piece when openpyxl reads the part whole.
    data = hostile.understated_styles(HEADER, 300 * MIB)
    tracemalloc.start()
    try:
        with pytest.raises(tables.UploadError):
            tables.read_table(data, max_rows=100, check_header=lambda header: [])
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * MIB


def test_a_formula_never_calculated_as_the_full_name_is_named_as_a_formula(admin_user, province):
    data = hostile.formulas(HEADER, ["ct", '=HYPERLINK("http://example.com","Công Thức")', "", "CT-1", "BK"])
    response = post(admin_user, data)
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["line"] == 2 and error["field"] == "full_name"
    assert error["message"].startswith('This cell holds the formula =HYPERLINK("http://example.com"')
    assert not User.objects.filter(username="ct").exists()


def test_a_formula_excel_calculated_is_read_as_its_value(admin_user, province):
    row = ('<row><c t="inlineStr"><is><t>ct</t></is></c><c t="str"><f>"Công "&amp;"Thức"</f><v>Công Thức</v></c>'
           '<c/><c t="inlineStr"><is><t>CT-1</t></is></c><c t="inlineStr"><is><t>BK</t></is></c></row>').encode()
    response = post(admin_user, hostile.workbook(hostile.sheet(hostile.row(*HEADER), row)))
    assert response.json() == {"created": 1, "updated": 0}
    assert User.objects.get(username="ct").full_name == "Công Thức"


def test_a_control_character_in_a_workbook_cell_is_refused_at_its_line(admin_user, province):
    data = hostile.workbook(hostile.sheet(hostile.row(*HEADER), hostile.row(*person(1)),
                                          hostile.row("cb2", "Cán\x7fBộ", "", "E2", "BK")))
    assert hostile.refusal(post(admin_user, data)) == [(3, "This line holds a control character (U+007F), which text "
                                                   "cannot hold: remove it and import the file again.")]
    assert not User.objects.filter(username__startswith="cb").exists()


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x85"])
def test_a_control_character_in_a_csv_is_refused_at_its_line(admin_user, province, character):
    text = f"{','.join(HEADER)}\ncb1,Cán Bộ Một,,E1,BK\ncb2,Cán{character}Bộ,,E2,BK\ncb3,Cán Bộ Ba,,E3,BK\n"
    [(line, message)] = hostile.refusal(post(admin_user, text.encode(), name="can-bo.csv"))
    assert line == 3 and f"(U+{ord(character):04X})" in message
    assert not User.objects.filter(username__startswith="cb").exists()


def test_an_endless_csv_line_is_refused_without_being_held_whole(admin_user, province):
    data = ",".join(HEADER).encode() + b"\n" + b"x;" * (2 * MIB)
    assert hostile.refusal(post(admin_user, data, name="can-bo.csv")) == [
        (2, "This line is longer than 1048576 characters, far longer than a row of a list.")]


def test_a_csv_with_more_rows_than_allowed_stops_at_the_first_one_too_many(admin_user, province):
    lines = [",".join(HEADER), *(",".join(person(number)) for number in range(60_000))]
    assert hostile.refusal(post(admin_user, "\n".join(lines).encode(), name="can-bo.csv")) == [
        (50_002, "The file has more than 50000 people. Split it into smaller files.")]
    assert not User.objects.filter(username__startswith="cb").exists()


def test_empty_rows_that_keep_a_format_count_towards_a_bound_of_their_own(admin_user, province, settings):
    settings.STAFF_IMPORT_MAX_ROWS = 3
    empty = b"".join(b'<row r="%d" customFormat="1" s="1"/>' % line for line in range(2, 12))
    data = hostile.workbook(hostile.sheet(hostile.row(*HEADER), empty, hostile.row(*person(1))))
    assert hostile.refusal(post(admin_user, data)) == [
        (8, "The sheet has more than 7 rows, counting empty rows that keep a format. Delete the rows below your "
            "data and import it again.")]


def test_a_workbook_compressed_otherwise_than_xlsx_allows_is_refused(admin_user, province):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
    [(line, message)] = hostile.refusal(post(admin_user, buffer.getvalue()))
    assert line == 1 and "compressed or encrypted in a way spreadsheet programs do not use" in message


def test_a_part_that_is_not_xml_such_as_a_picture_passes_the_xml_checks():
    guard = PartGuard(WorkbookLimits(max_rows=10, too_many_rows="%(limit)d", max_elements=10))
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4096
    guard.check(picture)
    guard.check(b"")
    assert guard.elements == 0


def test_an_xml_part_after_spaces_is_checked_as_xml():
    guard = PartGuard(WorkbookLimits(max_rows=10, too_many_rows="%(limit)d", max_elements=10))
    guard.check(b" " * 70_000)
    with pytest.raises(tables.UploadError):
        guard.check(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")


def test_a_value_far_to_the_right_is_refused_at_its_row_naming_the_columns_read(admin_user, province):
    data = hostile.workbook(hostile.sheet(hostile.row(*HEADER), hostile.row(*person(1)),
                                          b'<row><c r="CW3"><v>1</v></c></row>'))
    assert hostile.refusal(post(admin_user, data)) == [
        (3, "This row has a value in column CW: an import reads the first 100 columns only (A to CV). Delete what "
            "lies beyond them and import the file again.")]


def test_rows_are_read_no_wider_than_the_header_whatever_empty_cells_lie_beyond():
    # openpyxl pads a row with empty cells up to its last one: here, column XFD.
    far = b'<c r="XFD%d"/>'
    rows = [hostile.row(*person(line)).replace(b"</row>", far % line + b"</row>") for line in (2, 3)]
    data = hostile.workbook(hostile.sheet(hostile.row(*HEADER).replace(b"</row>", far % 1 + b"</row>"), *rows))
    header, records = tables.read_table(data, max_rows=10, check_header=lambda header: [])
    assert header.cells == HEADER and [len(record.cells) for record in records] == [len(HEADER)] * 2


def test_a_row_numbered_past_excels_last_row_is_refused_at_once(admin_user, province, settings):
    settings.STAFF_IMPORT_MAX_ROWS = 1_000_000
    data = hostile.row_jump(HEADER, 20_000_000, person(1))
    assert hostile.refusal(post(admin_user, data)) == [
        (20_000_000, "The sheet has more than 1,048,576 rows, counting empty rows that keep a format. Delete the "
                     "rows below your data and import it again.")]
    assert not User.objects.filter(username="cb1").exists()


def test_rows_numbered_out_of_order_are_refused_not_dropped(admin_user, province):
    rows = [hostile.row(*person(number)).replace(b"<row>", b'<row r="%d">' % line) for number, line in
            ((1, 3), (2, 2))]
    assert hostile.refusal(post(admin_user, hostile.workbook(hostile.sheet(hostile.row(*HEADER), *rows)))) == [
        (3, "The rows of this sheet are numbered out of order (row 2 after row 3), which spreadsheet programs "
            "never do. Open the file in Excel, save it and import it again.")]
    assert not User.objects.filter(username__startswith="cb").exists()


@pytest.mark.parametrize("name, build", [
    ("can-bo.xlsx", lambda header: hostile.written(header, *map(person, range(1010)))),
    ("can-bo.csv", lambda header: "\n".join(",".join(cells) for cells in [header, *map(person, range(1010))])
     .encode()),
])
def test_a_wrong_header_is_refused_before_any_other_row_is_read(admin_user, province, settings, name, build):
    # More people than the limit: read past the header, the file would be refused for that. (What openpyxl
    # reads ahead of the header, 16 KB, holds fewer.)
    settings.STAFF_IMPORT_MAX_ROWS = 1000
    data = build(["username", "full_name", "e-mail", "employee_code", "org_unit", "username"])
    response = post(admin_user, data, name=name)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"line": 1, "field": "username", "message": "The column “username” appears more than once."},
        {"line": 1, "field": "email", "message": "The header row has no “email” column."},
    ]


def test_a_text_with_a_control_character_on_every_line_is_read_no_further_than_the_errors_told():
    with translation.override("en"):
        errors = control_character_errors("a\x00\n" * 100_000)
        assert len(errors) == MAX_ERRORS + 1
        assert errors[0] == {"line": 1, "message": control_character_in_line_message("\x00")}
        assert errors[-1] == {"line": MAX_ERRORS + 1,
                              "message": "… and more errors from this line on: the file was read no further."}


def test_a_sheet_of_empty_cells_is_refused_before_openpyxl_has_read_them_all(admin_user, province):
    """Empty cells cost openpyxl as much as full ones: 2 million of them took 4.8 s before the element budget."""
    from accounts.uploads.xml_guard import EMPTY_CELLS_LIMIT

    data = hostile.empty_cells(HEADER, 60, 16_000)
    before = User.objects.count()
    [(line, message)] = hostile.refusal(post(admin_user, data))
    assert line == EMPTY_CELLS_LIMIT // 16_000 + 2 and "empty cells" in message
    assert User.objects.count() == before

