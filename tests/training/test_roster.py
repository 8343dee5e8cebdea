"""Rosters: people added by id, with a whole org unit, or from a CSV or XLSX file."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEntry
from training.models import RosterEntry
from tests.conftest import client_for, unit
from tests.factories import UserFactory


def roster_url(event, suffix=""):
    return f"/api/v1/conferences/{event.pk}/roster/{suffix}"


def on_roster(event):
    return set(RosterEntry.objects.filter(event=event).values_list("user_id", flat=True))


def test_an_instructor_adds_people_by_id(instructor, conference, learner, outsider):
    response = client_for(instructor).post(roster_url(conference), {"users": [learner.pk, outsider.pk]})
    assert response.json() == {"added": 2, "already": 0}
    assert on_roster(conference) == {learner.pk, outsider.pk}
    again = client_for(instructor).post(roster_url(conference), {"users": [learner.pk]})
    assert again.json() == {"added": 0, "already": 1}
    entry = AuditEntry.objects.get(action="roster.added")
    assert entry.actor == instructor and sorted(entry.changes["users"]) == sorted([learner.pk, outsider.pk])


def test_a_unit_adds_its_active_people_and_those_of_the_units_under_it(instructor, conference, learner, outsider):
    district = UserFactory(org_unit=unit("BABE"))
    UserFactory(org_unit=unit("BABE"), is_active=False)
    response = client_for(instructor).post(roster_url(conference), {"org_unit": unit("BABE").pk})
    assert response.json() == {"added": 2, "already": 0}
    assert on_roster(conference) == {learner.pk, district.pk}
    assert RosterEntry.objects.get(user=learner).source == "org_unit"


def test_hr_add_people_of_their_scope_only(hr_babe, conference, learner, outsider):
    api = client_for(hr_babe)
    assert api.post(roster_url(conference), {"org_unit": unit("CHODON").pk}).status_code == 403
    assert api.post(roster_url(conference), {"users": [learner.pk, outsider.pk]}).status_code == 403
    assert on_roster(conference) == set()
    assert api.post(roster_url(conference), {"org_unit": unit("BABE").pk}).json() == {"added": 1, "already": 0}


def test_hr_see_only_the_people_of_their_scope_on_a_roster(instructor, hr_babe, conference, learner, outsider):
    client_for(instructor).post(roster_url(conference), {"users": [learner.pk, outsider.pk]})
    seen = client_for(hr_babe).get(roster_url(conference)).json()
    assert [row["user"]["id"] for row in seen["results"]] == [learner.pk]
    summary = client_for(hr_babe).get(f"/api/v1/conferences/{conference.pk}/attendance/").json()
    assert [row["user"]["id"] for row in summary["results"]] == [learner.pk]
    assert client_for(instructor).get(roster_url(conference)).json()["count"] == 2


@pytest.mark.parametrize("payload, field", [
    ({}, "detail"),
    ({"users": []}, "users"),
    ({"users": "all"}, "users"),
    ({"users": [999999]}, "users"),
    ({"users": [0]}, "users"),
    ({"users": [2**70]}, "users"),
    ({"org_unit": 999999}, "org_unit"),
    ({"org_unit": "BABE"}, "org_unit"),
])
def test_bad_roster_input_is_a_400_naming_the_field(instructor, conference, payload, field):
    response = client_for(instructor).post(roster_url(conference), payload)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert on_roster(conference) == set()


def test_people_and_a_unit_at_once_are_a_400(instructor, conference, learner):
    response = client_for(instructor).post(roster_url(conference), {"users": [learner.pk], "org_unit": unit("BABE").pk})
    assert response.status_code == 400 and "detail" in response.json()
    assert on_roster(conference) == set()


# Import from a file -------------------------------------------------------------------


def upload(content, name="danh-sach.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)


def xlsx(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_file(person, event, file):
    return client_for(person).post(roster_url(event, "import/"), {"file": file}, format="multipart",
                                   HTTP_ACCEPT_LANGUAGE="en")


def errors_of(response):
    assert response.status_code == 400, response.content
    return [(error["line"], error["message"]) for error in response.json()["errors"]]


def test_a_csv_as_excel_saves_it_adds_people_by_employee_code_or_username(instructor, conference, learner, outsider):
    content = f"\ufeffSTT;Họ và tên;Employee code;Username\r\n1;A;{learner.employee_code};\r\n;;;\r\n2;B;;{outsider.username}\r\n"
    response = import_file(instructor, conference, upload(content))
    assert response.status_code == 200, response.content
    assert response.json() == {"added": 2, "already": 0}
    assert on_roster(conference) == {learner.pk, outsider.pk}
    assert set(RosterEntry.objects.values_list("source", flat=True)) == {"import"}


def test_an_xlsx_file_with_numeric_employee_codes_is_read(instructor, conference):
    person = UserFactory(employee_code="1234", org_unit=unit("BABE"))
    response = import_file(instructor, conference, upload(xlsx([["employee_code"], [1234]]), "ds.xlsx"))
    assert response.json() == {"added": 1, "already": 0}
    assert on_roster(conference) == {person.pk}


def test_every_bad_line_is_reported_and_no_one_is_added(instructor, conference, learner, outsider):
    content = "\n".join([
        "employee_code,username",
        f"{learner.employee_code},",
        "KHONG-CO,",
        ",",  # blank: skipped
        ",khongai",
        f",{learner.username}",
        f"{outsider.employee_code},",
    ]) + "\n"
    errors = errors_of(import_file(instructor, conference, upload(content)))
    assert [line for line, _message in errors] == [3, 5, 6]
    assert "KHONG-CO" in errors[0][1] and "khongai" in errors[1][1] and "line 2" in errors[2][1]
    assert on_roster(conference) == set()


def test_hr_cannot_import_people_outside_their_scope(hr_babe, conference, learner, outsider):
    content = f"employee_code\n{learner.employee_code}\n{outsider.employee_code}\n"
    assert errors_of(import_file(hr_babe, conference, upload(content))) == [
        (3, "This person belongs to a unit outside your HR scope.")
    ]
    assert on_roster(conference) == set()


@pytest.mark.parametrize("data, message", [
    (b" \n", "empty"),
    (b"employee_code\n", "no people"),
    (b"full_name,org_unit\nA,BK\n", "employee_code"),
    ("employee_code\nCC1\n".encode("utf-16"), "UTF-8"),
    (b"employee_code\n\xff\xfe\xfa\n", "UTF-8"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    (b"PK\x03\x04 not really a zip", "not a CSV or XLSX"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV"),
    (b'employee_code\n"unterminated\n', ""),
])
def test_unreadable_files_are_a_400_with_a_line_never_a_500(instructor, conference, data, message):
    errors = errors_of(import_file(instructor, conference, upload(data)))
    assert errors and all(isinstance(line, int) for line, _m in errors)
    assert message in errors[0][1]


def test_an_import_without_a_file_or_with_an_empty_one_is_a_400(instructor, conference):
    response = client_for(instructor).post(roster_url(conference, "import/"), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert import_file(instructor, conference, upload(b"")).json().keys() == {"file"}
