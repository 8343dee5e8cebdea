"""POST /api/v1/users/import/: staff from CSV or XLSX, all rows or none."""

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, ScryptPasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts import uploads
from accounts.models import AuditEntry, User
from accounts.staff_import import StaffImportError, import_staff, parse_staff_file
from courses import services as courses
from tests.conftest import client_for, unit
from tests.factories import UserFactory

URL = "/api/v1/users/import/"
HEADER = "username,full_name,email,employee_code,org_unit,position"


def upload(content: str | bytes, name: str = "can-bo.csv") -> SimpleUploadedFile:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def csv_file(*rows: str, header: str = HEADER) -> SimpleUploadedFile:
    return upload("\n".join([header, *rows]) + "\n")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post(user, file, language: str = "en"):
    # Messages are checked in their English source; Vietnamese is the default.
    return client_for(user).post(URL, {"file": file}, format="multipart", HTTP_ACCEPT_LANGUAGE=language)


def errors_of(response) -> list[tuple[int, str]]:
    assert response.status_code == 400, response.content
    return [(error["line"], error["message"]) for error in response.json()["errors"]]


def lines_of(response) -> list[int]:
    return [line for line, _message in errors_of(response)]


# Reading files -----------------------------------------------------------------


def test_it_reads_a_semicolon_csv_with_a_bom_as_excel_saves_it():
    data = "\ufeffusername;full_name;email;employee_code;org_unit\r\nnva;Nguyễn Văn An;a@bk.gov.vn;001;BK\r\n"
    [row] = parse_staff_file(data.encode("utf-8"))
    assert (row.line, row.username, row.full_name, row.employee_code, row.org_unit) == (
        2, "nva", "Nguyễn Văn An", "001", "BK"
    )


def test_it_reads_headers_in_any_order_case_and_spacing():
    data = " Org_Unit ,EMAIL,Full Name,username,employee_code\nBK,a@bk.gov.vn,Hà Thị Bình,htb,7\n"
    [row] = parse_staff_file(data.encode())
    assert (row.username, row.full_name, row.email, row.org_unit, row.position) == (
        "htb", "Hà Thị Bình", "a@bk.gov.vn", "BK", None
    )


def test_it_joins_decomposed_vietnamese_letters_as_macos_writes_them():
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" as base letters and combining marks
    [row] = parse_staff_file(f"{HEADER}\nnv,{decomposed} Văn,,,BK,\n".encode())
    assert row.full_name == "Nguyễn Văn"


def test_it_reads_numbers_in_workbook_cells_as_plain_text():
    data = xlsx_bytes([
        ["username", "full_name", "email", "employee_code", "org_unit", "position"],
        ["so", "Số Văn Nguyên", None, 1234.0, 42, 3.5],
    ])
    [row] = parse_staff_file(data)
    assert (row.employee_code, row.org_unit, row.position) == ("1234", "42", "3.5")


def test_it_reads_every_row_of_a_workbook_whose_recorded_size_is_wrong():
    data = xlsx_bytes([["username", "full_name", "email", "employee_code", "org_unit"],
                       ["a", "An", None, None, "BK"], ["b", "Bình", None, None, "BK"]])
    source, damaged = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(damaged, "w") as copy:
        for item in original.infolist():
            content = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                # Some generators write "A1" whatever the sheet holds.
                content = re.sub(rb'<dimension ref="A1:E3"\s*/>', b'<dimension ref="A1" />', content)
                assert b'<dimension ref="A1" />' in content
            copy.writestr(item, content)
    assert [row.username for row in parse_staff_file(damaged.getvalue())] == ["a", "b"]


def test_it_skips_blank_rows_and_keeps_the_line_numbers():
    rows = parse_staff_file(f"{HEADER}\n\nnva,An,,,BK,\n,,,,,\nntb,Bình,,,BK,\n".encode())
    assert [row.line for row in rows] == [3, 5]


# Importing ------------------------------------------------------------------------


def test_an_admin_imports_a_csv_and_new_people_are_learners_waiting_for_an_invitation(admin_user, province):
    file = upload(
        "\ufeffusername;full_name;email;employee_code;org_unit;position\r\n"
        "nvan;Nguyễn Văn An;an@backan.gov.vn;BK-001;BABE;Chuyên viên\r\n"
        "htbinh;Hà Thị Bình;;BK-002;BABE-TG;\r\n"
    )
    response = post(admin_user, file)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0}
    an = User.objects.get(username="nvan")
    assert (an.full_name, an.email, an.employee_code, an.org_unit, an.position) == (
        "Nguyễn Văn An", "an@backan.gov.vn", "BK-001", unit("BABE"), "Chuyên viên"
    )
    assert an.roles == ["learner"]
    assert an.invitation_pending is True
    assert User.objects.get(username="htbinh").invitation_pending is False  # no e-mail to invite at


def test_it_imports_an_xlsx_workbook_recognised_by_its_content(admin_user, province):
    data = xlsx_bytes([
        ["Username", "Full_name", "Email", "Employee_code", "Org_unit"],
        ["lvc", "Lý Văn Cường", "cuong@backan.gov.vn", 1234.0, "SNV"],
        [None, None, None, None, None],
        ["ttd", "Triệu Thị Dung", None, 98765, "CHODON"],
    ])
    response = post(admin_user, upload(data, name="danh-sach.csv"))
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0}
    assert User.objects.get(username="lvc").employee_code == "1234"
    assert User.objects.get(username="ttd").org_unit == unit("CHODON")


def test_a_formula_cell_never_computed_by_excel_reads_as_empty(admin_user, province):
    data = xlsx_bytes([
        ["username", "full_name", "email", "employee_code", "org_unit", "position"],
        ["ct", "Công Thức", None, "CT-1", "BK", '=CONCAT("Chuyên ", "viên")'],
    ])
    response = post(admin_user, upload(data, name="cong-thuc.xlsx"))
    assert response.json() == {"created": 1, "updated": 0}
    assert User.objects.get(username="ct").position == ""


def test_it_updates_existing_people_and_counts_only_those_who_changed(admin_user, learner, outsider):
    file = csv_file(
        f"hocvien,Nông Văn Học Mới,{learner.email},{learner.employee_code},CHODON,Phó trưởng phòng",
        f"ngoai,{outsider.full_name},{outsider.email},{outsider.employee_code},CHODON-BL,",
    )
    assert post(admin_user, file).json() == {"created": 0, "updated": 1}
    learner.refresh_from_db()
    assert (learner.full_name, learner.org_unit, learner.position) == (
        "Nông Văn Học Mới", unit("CHODON"), "Phó trưởng phòng"
    )
    assert learner.has_usable_password() is False and learner.invitation_pending is False
    file.seek(0)
    assert post(admin_user, file).json() == {"created": 0, "updated": 0}


def test_a_file_without_a_position_column_leaves_positions_alone(admin_user, learner):
    User.objects.filter(pk=learner.pk).update(position="Chuyên viên")
    header = "username,full_name,email,employee_code,org_unit"
    file = csv_file(f"hocvien,Nông Văn Học,,{learner.employee_code},BABE", header=header)
    assert post(admin_user, file).json() == {"created": 0, "updated": 1}
    learner.refresh_from_db()
    assert (learner.position, learner.org_unit, learner.email) == ("Chuyên viên", unit("BABE"), "")


def test_people_who_join_or_move_to_a_unit_are_enrolled_in_its_assigned_courses(admin_user, learner, outsider):
    course = courses.create_course(actor=admin_user, code="CCHC-01", title="Cải cách hành chính")
    courses.add_lesson(module=courses.add_module(course=course, title="Phần 1"), title="Bài 1")
    courses.publish_course(actor=admin_user, course=course)
    courses.assign_course(actor=admin_user, course=course, org_unit=unit("BABE"), due_date=date(2099, 12, 31))
    file = csv_file(
        "nvan,Nguyễn Văn An,,BK-1,BABE-TG,",
        f"ngoai,Lục Thị Ngoài,,{outsider.employee_code},BABE,",
        "htb,Hà Thị Bình,,BK-2,CHODON,",
    )
    assert post(admin_user, file).json() == {"created": 2, "updated": 1}
    enrolled = set(course.enrollments.values_list("user__username", flat=True))
    assert enrolled == {"hocvien", "nvan", "ngoai"}


def test_the_import_hashes_no_password(admin_user, province, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a password was hashed")

    for hasher in (Argon2PasswordHasher, PBKDF2PasswordHasher, ScryptPasswordHasher):
        monkeypatch.setattr(hasher, "encode", refuse)
    response = post(admin_user, csv_file("nvan,Nguyễn Văn An,an@backan.gov.vn,BK-001,BABE,"))
    assert response.status_code == 200, response.content
    assert User.objects.get(username="nvan").has_usable_password() is False


def test_it_records_one_audit_entry_for_the_whole_file(admin_user, province):
    file = csv_file(*(f"cb{n},Cán Bộ {n},,BK-{n},BABE," for n in range(5)))
    before = AuditEntry.objects.count()
    post(admin_user, file)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.actor_username) == ("users.imported", "quantri")
    assert entry.changes == {"file": "can-bo.csv", "created": 5, "updated": 0}


def test_new_people_with_an_e_mail_are_invited_once_the_import_is_committed(
    admin_user, province, django_capture_on_commit_callbacks, mailoutbox
):
    file = csv_file(
        "nvan,Nguyễn Văn An,an@backan.gov.vn,BK-001,BABE,",
        "htbinh,Hà Thị Bình,,BK-002,BABE,",
        "lvc,Lý Văn Cường,cuong@backan.gov.vn,BK-003,BABE,",
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(admin_user, file)
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mailoutbox) == ["an@backan.gov.vn", "cuong@backan.gov.vn"]
    assert not User.objects.filter(invitation_pending=True).exists()


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(
    admin_user, province, django_assert_max_num_queries
):
    # Bulk writes go in batches (SQLite takes 66 people per INSERT: 17 queries
    # for 500 people, plus 2 to enrol them in assigned courses), so the bound is
    # per batch, far below one query per person.
    bound = 25
    for size, prefix in ((50, "a"), (500, "b")):
        rows = [f"{prefix}{n},Cán Bộ {n},{prefix}{n}@backan.gov.vn,{prefix.upper()}-{n},BABE," for n in range(size)]
        with django_assert_max_num_queries(bound):
            result = import_staff(actor=admin_user, upload=csv_file(*rows))
        assert result.created == size
    rows = [f"b{n},Cán Bộ Đổi {n},b{n}@backan.gov.vn,B-{n},CHODON," for n in range(500)]
    with django_assert_max_num_queries(bound):
        assert import_staff(actor=admin_user, upload=csv_file(*rows)).updated == 500
    # New addresses too: each waits for its owner's confirmation, decided without a query per person.
    rows = [f"b{n},Cán Bộ Đổi {n},moi.b{n}@backan.gov.vn,B-{n},CHODON," for n in range(500)]
    with django_assert_max_num_queries(bound):
        assert import_staff(actor=admin_user, upload=csv_file(*rows)).updated == 500


# Errors -----------------------------------------------------------------------------


def test_it_rejects_a_row_without_a_username(admin_user, province):
    response = post(admin_user, csv_file("nvan,Nguyễn Văn An,,,BK,", ",Hà Thị Bình,,,BK,"))
    assert errors_of(response) == [(3, "The username is missing.")]
    assert response.json()["errors"][0]["field"] == "username"


def test_it_rejects_a_username_with_spaces(admin_user, province):
    response = post(admin_user, csv_file("nguyen van an,Nguyễn Văn An,,,BK,"))
    assert lines_of(response) == [2]


def test_it_rejects_a_row_without_a_full_name(admin_user, province):
    response = post(admin_user, csv_file("nvan,,,,BK,"))
    assert errors_of(response) == [(2, "The full name is missing.")]


def test_it_rejects_a_row_with_an_unknown_org_unit(admin_user, province):
    response = post(admin_user, csv_file("nvan,Nguyễn Văn An,,,BK,", "htb,Hà Thị Bình,,,KHONG-CO,"))
    assert errors_of(response) == [(3, "There is no org unit with the code “KHONG-CO”.")]


def test_it_rejects_a_row_without_an_org_unit(admin_user, province):
    response = post(admin_user, csv_file("nvan,Nguyễn Văn An,,,,"))
    assert errors_of(response) == [(2, "The org unit code is missing.")]


def test_it_rejects_an_employee_code_twice_in_the_file_and_names_both_lines(admin_user, province):
    response = post(admin_user, csv_file("a,An,,BK-7,BK,", "b,Bình,,BK-8,BK,", "c,Cường,,BK-7,BK,"))
    assert errors_of(response) == [(4, "The employee code “BK-7” is also on line 2.")]


def test_it_rejects_an_employee_code_held_by_another_person(admin_user, learner):
    response = post(admin_user, csv_file(f"moi,Người Mới,,{learner.employee_code},BK,"))
    message = f"The employee code “{learner.employee_code}” already belongs to another person."
    assert errors_of(response) == [(2, message)]


def test_it_rejects_a_username_twice_in_the_file(admin_user, province):
    response = post(admin_user, csv_file("nvan,An,,,BK,", "nvan,An Hai,,,BK,"))
    assert errors_of(response) == [(3, "The username “nvan” is also on line 2.")]


def test_it_rejects_a_bad_e_mail_address(admin_user, province):
    response = post(admin_user, csv_file("nvan,An,an@@backan,,BK,"))
    assert errors_of(response) == [(2, "“an@@backan” is not a valid e-mail address.")]


def test_it_rejects_values_longer_than_a_person_can_hold(admin_user, province):
    response = post(admin_user, csv_file(f"nvan,{'A' * 256},,{'9' * 51},BK,"))
    assert errors_of(response) == [
        (2, "The full name is longer than 255 characters."),
        (2, "The employee code is longer than 50 characters."),
    ]


def test_it_rejects_a_file_that_is_not_utf_8_on_the_line_of_the_first_bad_byte(admin_user, province):
    # Windows-1258, the old Vietnamese code page: "Đoàn Văn" is not UTF-8.
    text = f"{HEADER}\nnvan,Nguyen Van An,,,BK,\nab,Anh Binh,,,BK,\ndvn,Đoàn Văn,,,BK,\n"
    response = post(admin_user, upload(text.encode("cp1258")))
    [(line, message)] = errors_of(response)
    assert line == 4
    assert "CSV UTF-8" in message


def test_it_counts_lines_from_the_start_of_a_file_with_a_bom_when_a_line_is_not_utf_8(admin_user, province):
    data = "\ufeff".encode() + f"{HEADER}\nnvan,An,,,BK,\n".encode() + "Đoàn,Đoàn Văn,,,BK,\n".encode("cp1258")
    [(line, _message)] = errors_of(post(admin_user, upload(data)))
    assert line == 3


def test_it_rejects_a_utf_16_file_as_excel_saves_unicode_text(admin_user, province):
    response = post(admin_user, upload(f"{HEADER}\nnvan,An,,,BK,\n".encode("utf-16")))
    [(line, message)] = errors_of(response)
    assert line == 1 and "CSV UTF-8" in message


def test_it_rejects_an_empty_file(admin_user, province):
    assert errors_of(post(admin_user, upload(b"\xef\xbb\xbf\r\n"))) == [(1, "The file is empty.")]


def test_it_rejects_a_header_with_nobody_below_it(admin_user, province):
    assert errors_of(post(admin_user, csv_file())) == [(2, "The file has a header row but no people below it.")]


def test_it_rejects_a_header_that_lacks_a_required_column(admin_user, province):
    response = post(admin_user, csv_file("nvan,An,,BK", header="username,full_name,email,org_unit"))
    assert errors_of(response) == [(1, "The header row has no “employee_code” column.")]


def test_it_rejects_a_header_that_names_a_column_twice(admin_user, province):
    response = post(admin_user, csv_file("nvan,An,,,BK,x", header=f"{HEADER.rsplit(',', 1)[0]},email"))
    assert errors_of(response) == [(1, "The column “email” appears more than once.")]


def test_it_reports_a_line_the_csv_reader_cannot_read(admin_user, province):
    huge = "x" * 200_000  # past the csv module's limit for one field
    response = post(admin_user, csv_file("nvan,An,,,BK,", f'htb,"{huge}",,,BK,'))
    assert errors_of(response) == [(3, "This line cannot be read as CSV.")]


def test_it_rejects_a_binary_file_named_csv(admin_user, province):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    assert errors_of(post(admin_user, upload(png))) == [(1, "This is not a CSV or XLSX file.")]


def test_it_rejects_a_zip_file_that_is_not_a_workbook(admin_user, province):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert errors_of(post(admin_user, upload(buffer.getvalue(), name="ds.xlsx"))) == [
        (1, "This is not a CSV or XLSX file.")
    ]


def test_it_rejects_an_old_xls_workbook_with_advice(admin_user, province):
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    [(line, message)] = errors_of(post(admin_user, upload(old_excel, name="ds.xls")))
    assert line == 1 and ".xlsx" in message


def test_it_rejects_more_rows_than_allowed_on_the_first_row_too_many(admin_user, province, settings):
    settings.STAFF_IMPORT_MAX_ROWS = 3
    response = post(admin_user, csv_file(*(f"cb{n},Cán Bộ {n},,,BK," for n in range(5))))
    assert errors_of(response) == [(5, "The file has more than 3 people. Split it into smaller files.")]


def test_it_rejects_a_file_larger_than_allowed(admin_user, province, settings):
    settings.STAFF_IMPORT_MAX_BYTES = 200
    response = post(admin_user, csv_file(*(f"cb{n},Cán Bộ {n},,,BK," for n in range(20))))
    [(line, message)] = errors_of(response)
    assert line == 1 and message.startswith("The file is too large")


def test_it_reports_every_bad_row_and_writes_nothing(admin_user, province):
    people_before, audit_before = User.objects.count(), AuditEntry.objects.count()
    file = csv_file(
        "nvan,Nguyễn Văn An,an@backan.gov.vn,BK-1,BABE,",
        ",Thiếu Tên Đăng Nhập,,BK-2,BABE,",
        "htb,Hà Thị Bình,,BK-3,BABE,",
        "lvc,,,BK-4,BABE,",
        "ttd,Triệu Thị Dung,,BK-5,KHONG-CO,",
    )
    assert lines_of(post(admin_user, file)) == [3, 5, 6]
    assert (User.objects.count(), AuditEntry.objects.count()) == (people_before, audit_before)


def test_it_lists_at_most_two_hundred_errors_and_counts_the_rest(admin_user, province):
    response = post(admin_user, csv_file(*(f"cb{n},,,,BK," for n in range(250))))
    errors = errors_of(response)
    assert len(errors) == uploads.MAX_ERRORS + 1
    assert errors[-1] == (202, "… and 50 more errors.")


def test_the_service_raises_the_same_errors(admin_user, province):
    with translation.override("en"), pytest.raises(StaffImportError) as raised:
        import_staff(actor=admin_user, upload=csv_file("nvan,,,,BK,"))
    assert raised.value.errors == [{"line": 2, "field": "full_name", "message": "The full name is missing."}]


def test_messages_are_in_vietnamese_unless_the_caller_asks_for_another_language(admin_user, province):
    response = post(admin_user, csv_file("nvan,,,,BK,"), language="vi")
    [(line, message)] = errors_of(response)
    with translation.override("vi"):
        vietnamese = translation.gettext("The full name is missing.")
    assert line == 2 and message == vietnamese != "The full name is missing."


# Who may import -------------------------------------------------------------------


def test_an_hr_officer_imports_people_into_their_own_district(hr_babe, learner):
    file = csv_file(
        "nvan,Nguyễn Văn An,,BK-1,BABE-TG,",
        f"hocvien,Nông Văn Học,,{learner.employee_code},BABE,Chuyên viên",
    )
    assert post(hr_babe, file).json() == {"created": 1, "updated": 1}


def test_an_hr_officer_cannot_import_into_a_unit_outside_their_scope(hr_babe, province):
    file = csv_file("nvan,Nguyễn Văn An,,,BABE,", "htb,Hà Thị Bình,,,CHODON,", "lvc,Lý Văn Cường,,,BK,")
    response = post(hr_babe, file)
    assert errors_of(response) == [
        (3, "The org unit “CHODON” is outside your HR scope."),
        (4, "The org unit “BK” is outside your HR scope."),
    ]
    assert not User.objects.filter(username="nvan").exists()


def test_an_hr_officer_cannot_take_in_a_person_from_outside_their_scope(hr_babe, outsider):
    file = csv_file(f"ngoai,Lục Thị Ngoài,,{outsider.employee_code},BABE,")
    assert errors_of(post(hr_babe, file)) == [(2, "“ngoai” belongs to a unit outside your HR scope.")]
    outsider.refresh_from_db()
    assert outsider.org_unit == unit("CHODON-BL")


def test_an_hr_officer_cannot_change_another_hr_officer_or_an_administrator(hr_babe, admin_user):
    colleague = UserFactory(username="tochuc2", org_unit=unit("BABE"), roles=["hr"])
    boss = UserFactory(username="quantri2", org_unit=unit("BABE"), roles=["admin"])
    file = csv_file(
        f"tochuc2,Đổi Tên,,{colleague.employee_code},BABE,",
        f"quantri2,Đổi Tên,,{boss.employee_code},BABE,",
    )
    assert lines_of(post(hr_babe, file)) == [2, 3]


def test_an_administrator_may_change_an_hr_officer(admin_user, hr_babe):
    file = csv_file(f"tochuc,Hoàng Thị Tổ Chức,,{hr_babe.employee_code},BABE,Trưởng phòng")
    assert post(admin_user, file).json() == {"created": 0, "updated": 1}


def test_a_learner_may_not_import(learner):
    assert post(learner, csv_file("nvan,Nguyễn Văn An,,,BABE,")).status_code == 403
    assert not User.objects.filter(username="nvan").exists()


def test_a_visitor_who_is_not_signed_in_may_not_import(api, province):
    response = api.post(URL, {"file": csv_file("nvan,Nguyễn Văn An,,,BABE,")}, format="multipart")
    assert response.status_code in (401, 403)
