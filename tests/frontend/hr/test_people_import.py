"""HR's staff import page, /hr/people/import/: upload, a preview that writes nothing, then "Xác nhận" or "Hủy"."""

import io
import os
import re
import time
from datetime import timedelta

import openpyxl
import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AuditEntry, User
from courses import services as course_services
from courses.models import Enrollment
from frontend.hr.people import pending
from tests import hostile_files as hostile
from tests.conftest import unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for

URL = "/hr/people/import/"
CONFIRM = "/hr/people/import/confirm/"
CANCEL = "/hr/people/import/cancel/"
HEADER = "username,full_name,email,employee_code,org_unit,position"


def csv_upload(*rows: str, header: str = HEADER, name: str = "can-bo.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode(), content_type="text/csv")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def token_of(response) -> str:
    assert response.status_code in (200, 409), response.content.decode()[:3000]
    tokens = set(re.findall(r'name="token" value="([^"]+)"', response.content.decode()))
    assert len(tokens) == 1
    return tokens.pop()


def errors_of(response) -> list[str]:
    """The error summary's messages, in order."""
    summary = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    assert summary, "no error summary"
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


def line_errors(response) -> list[tuple[int, str]]:
    """The (line, problem) rows of the table beside the file field."""
    table = re.search(r'<div class="staff-file-errors".*?</table>', response.content.decode(), re.S)
    assert table, "no table of problems"
    return [(int(line), text_of(message)) for line, message in
            re.findall(r'<tr><td class="number">(\d+)</td><td>(.*?)</td></tr>', table.group(0), re.S)]


def kept_files(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / pending.FOLDER
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def officer(hr_babe):
    return browser_for(hr_babe)


@pytest.fixture
def other_officer(province):
    """Another HR officer of the same district."""
    return UserFactory(username="tochuc2", full_name="Ma Văn Tổ", roles=["hr"], hr_scope=[unit("BABE")])


GOOD = (
    "nvan,Nguyễn Văn An,an@babe.gov.vn,BB-001,BABE-TG,Chuyên viên",
    "htbinh,Hà Thị Bình,,BB-002,BABE,",
)


def good_file(learner) -> SimpleUploadedFile:
    """Two new people, and the learner renamed and moved up to the district."""
    return csv_upload(*GOOD, f"hocvien,Nông Văn Học Mới,hocvien@example.gov.vn,{learner.employee_code},BABE,"
                             "Phó chủ tịch")


# The page --------------------------------------------------------------------------------


def test_the_page_has_the_file_field_and_an_example_file(officer, hr_babe):
    html = officer.get(URL).content.decode()
    assert '<label for="id_file">Tệp danh sách cán bộ (CSV hoặc XLSX)</label>' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'href="/hr/people/import/template.csv"' in html
    response = officer.get("/hr/people/import/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-can-bo.csv"'
    assert response.content.decode("utf-8") == (
        "\ufeffusername,full_name,email,employee_code,org_unit,position\r\n"
        "nguyenvanan,Nguyễn Văn An,nguyenvanan@example.gov.vn,VD-0001,BABE,Chuyên viên\r\n")


def test_the_example_file_passes_the_preview(officer):
    example = officer.get("/hr/people/import/template.csv").content
    response = officer.post(URL, {"file": SimpleUploadedFile("mau.csv", example)})
    assert re.findall(r'<tr data-username="([^"]+)">', response.content.decode()) == ["nguyenvanan"]


# The preview ------------------------------------------------------------------------------


def test_the_preview_lists_who_is_created_and_each_change_and_writes_nothing(officer, learner, settings):
    before = (User.objects.count(), AuditEntry.objects.count())
    response = officer.post(URL, {"file": good_file(learner)})
    assert response.status_code == 200
    html = response.content.decode()
    assert [(figure, int(number)) for figure, number in re.findall(r'data-figure="(\w+)">(\d+)<', html)] == [
        ("created", 2), ("changed", 1), ("unchanged", 0)]
    created = re.search(r"<table[^>]*data-created>.*?</table>", html, re.S).group(0)
    assert [text_of(row) for row in re.findall(r'<tr data-username="[^"]+">(.*?)</tr>', created, re.S)] == [
        "2 Nguyễn Văn An nvan an@babe.gov.vn BB-001 Xã Thượng Giáo (BABE-TG) Chuyên viên",
        "3 Hà Thị Bình htbinh — BB-002 Huyện Ba Bể (BABE) —",
    ]
    changed = re.search(r'<li data-username="hocvien">(.*?)</ul>\s*</li>', html, re.S).group(1)
    assert text_of(changed) == (
        "Nông Văn Học hocvien · dòng 4 "
        "Họ và tên: Nông Văn Học → thành Nông Văn Học Mới "
        "Đơn vị: Xã Thượng Giáo (BABE-TG) → thành Huyện Ba Bể (BABE) "
        "Chức vụ, chức danh: — → thành Phó chủ tịch")
    assert "Xác nhận" in html and "Hủy" in html
    assert (User.objects.count(), AuditEntry.objects.count()) == before
    learner.refresh_from_db()
    assert (learner.full_name, learner.org_unit.code) == ("Nông Văn Học", "BABE-TG")
    assert len(kept_files(settings)) == 1


def test_a_file_that_changes_nothing_says_so(officer, learner):
    response = officer.post(URL, {"file": csv_upload(
        f"hocvien,Nông Văn Học,hocvien@example.gov.vn,{learner.employee_code},BABE-TG,")})
    html = response.content.decode()
    assert re.findall(r'data-figure="(\w+)">(\d+)<', html) == [("created", "0"), ("changed", "0"), ("unchanged", "1")]
    assert "nhập tệp này không thay đổi gì" in html


def test_a_workbook_is_previewed_as_a_csv_is(officer, learner):
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(["xlsx1", "Lường Văn Xuân", None, 4521, "BABE-TG", None])
    data = io.BytesIO()
    book.save(data)
    response = officer.post(URL, {"file": SimpleUploadedFile("can-bo.xlsx", data.getvalue())})
    created = re.search(r'<tr data-username="xlsx1">(.*?)</tr>', response.content.decode(), re.S).group(1)
    assert text_of(created) == "2 Lường Văn Xuân xlsx1 — 4521 Xã Thượng Giáo (BABE-TG) —"


def test_a_long_preview_lists_the_first_people_and_counts_them_all(officer, monkeypatch):
    from frontend.hr.people import importing

    monkeypatch.setattr(importing, "SHOWN", 2)
    response = officer.post(URL, {"file": csv_upload(*rows(3))})
    html = response.content.decode()
    assert re.findall(r'data-figure="created">(\d+)<', html) == ["3"]
    assert re.findall(r'<tr data-username="([^"]+)">', html) == ["cb0", "cb1"]
    assert "… và 1 người nữa, không liệt kê ở đây." in html


# Confirming -------------------------------------------------------------------------------


def test_confirming_imports_exactly_what_was_previewed(officer, hr_babe, learner, settings,
                                                      django_capture_on_commit_callbacks):
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(CONFIRM, {"token": token})
    assert response.status_code == 302
    assert response["Location"] == "/hr/people/"
    an = User.objects.get(username="nvan")
    assert (an.full_name, an.email, an.employee_code, an.org_unit.code, an.position, an.roles) == (
        "Nguyễn Văn An", "an@babe.gov.vn", "BB-001", "BABE-TG", "Chuyên viên", ["learner"])
    assert not an.has_usable_password()
    assert User.objects.get(username="htbinh").org_unit.code == "BABE"
    learner.refresh_from_db()
    assert (learner.full_name, learner.org_unit.code, learner.position) == ("Nông Văn Học Mới", "BABE", "Phó chủ tịch")
    entry = AuditEntry.objects.get(action="users.imported")
    assert (entry.actor_id, entry.changes) == (hr_babe.pk, {"file": "can-bo.csv", "created": 2, "updated": 1})
    assert [message.to for message in mail.outbox] == [["an@babe.gov.vn"]]  # Bình has no address
    assert kept_files(settings) == []
    page = officer.get(response["Location"]).content.decode()
    assert "Đã nhập tệp: tạo mới 2 người, cập nhật 1 người." in page


def test_people_moved_by_the_import_are_enrolled_in_their_new_units_courses(officer, learner, instructor):
    course = build_course(instructor, code="BB-01")
    course_services.assign_course(actor=instructor, course=course, org_unit=unit("BABE"),
                                  due_date=timezone.localdate() + timedelta(days=9))
    Enrollment.objects.filter(user=learner).delete()
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    officer.post(CONFIRM, {"token": token})
    assert set(Enrollment.objects.filter(course=course).values_list("user__username", flat=True)) == {
        "nvan", "htbinh", "hocvien"}


def test_confirming_twice_imports_once(officer, learner):
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    officer.post(CONFIRM, {"token": token})
    response = officer.post(CONFIRM, {"token": token})
    assert response.status_code == 400
    assert errors_of(response) == ["Tệp của bản xem trước này không còn được lưu: vui lòng tải lên lại."]
    assert AuditEntry.objects.filter(action="users.imported").count() == 1


def test_when_people_changed_since_the_preview_the_new_preview_is_shown_and_nothing_imported(officer, learner,
                                                                                             admin_user):
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    account_services.update_user(actor=admin_user, user=learner, position="Phó chủ tịch")
    response = officer.post(CONFIRM, {"token": token})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Thông tin cán bộ hoặc đơn vị đã thay đổi kể từ khi xem trước" in html
    changed = text_of(re.search(r'<li data-username="hocvien">(.*?)</ul>\s*</li>', html, re.S).group(1))
    assert "Chức vụ, chức danh" not in changed
    assert not User.objects.filter(username="nvan").exists()
    officer.post(CONFIRM, {"token": token_of(response)})
    assert User.objects.filter(username="nvan").exists()


def test_when_the_data_went_wrong_since_the_preview_the_errors_show_and_nothing_is_imported(officer, learner,
                                                                                            outsider, settings):
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    User.objects.filter(pk=outsider.pk).update(employee_code="BB-001")
    response = officer.post(CONFIRM, {"token": token})
    assert response.status_code == 400
    assert errors_of(response) == ["Dòng 2: Mã cán bộ “BB-001” đã thuộc về người khác."]
    assert line_errors(response) == [(2, "Mã cán bộ “BB-001” đã thuộc về người khác.")]
    assert not User.objects.filter(username="nvan").exists()
    assert kept_files(settings) == []


def test_cancelling_deletes_the_file_and_imports_nothing(officer, learner, settings):
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    response = officer.post(CANCEL, {"token": token}, follow=True)
    assert response.redirect_chain == [("/hr/people/import/", 302)]
    assert "Chưa nhập gì." in response.content.decode()
    assert kept_files(settings) == []
    assert not User.objects.filter(username="nvan").exists()
    assert officer.post(CONFIRM, {"token": token}).status_code == 400


# Refusals ---------------------------------------------------------------------------------


def test_every_bad_row_is_shown_at_its_line_and_nothing_is_written_or_kept(officer, learner, outsider, settings):
    before = User.objects.count()
    response = officer.post(URL, {"file": csv_upload(
        "ok1,Người Đúng,,OK-1,BABE,",
        ",Không Tên Đăng Nhập,,,BABE,",
        "ngoai2,Ngoài Phạm Vi,,,CHODON,",
        "ok1,Trùng Dòng,khong-phai-thu,,BABE-TG,",
        "ngoai,Lục Thị Ngoài,,,BABE,",
    )})
    assert response.status_code == 400
    assert line_errors(response) == [
        (3, "Thiếu tên đăng nhập."),
        (4, "Đơn vị “CHODON” nằm ngoài phạm vi phụ trách của bạn."),
        (5, "“khong-phai-thu” không phải là địa chỉ thư điện tử hợp lệ."),
        (5, "Tên đăng nhập “ok1” trùng với dòng 2."),
        (6, "“ngoai” thuộc đơn vị nằm ngoài phạm vi phụ trách của bạn."),
    ]
    assert errors_of(response)[0] == "Dòng 3: Thiếu tên đăng nhập."
    assert 'href="#id_file"' in response.content.decode()
    assert "Chưa nhập gì: tệp có 5 lỗi." in response.content.decode()
    assert User.objects.count() == before
    assert kept_files(settings) == []


def test_an_hr_officer_may_not_change_an_instructor_by_import(officer, province):
    UserFactory(username="gv", full_name="Giảng Viên", org_unit=unit("BABE"), roles=["instructor"])
    response = officer.post(URL, {"file": csv_upload("gv,Giảng Viên Mới,,,BABE,")})
    assert line_errors(response)[0][0] == 2
    assert User.objects.get(username="gv").full_name == "Giảng Viên"


def test_no_file_is_an_error_beside_the_field(officer):
    response = officer.post(URL, {})
    assert response.status_code == 400
    [message] = errors_of(response)
    assert message.startswith("Tệp danh sách cán bộ (CSV hoặc XLSX): ")
    assert 'href="#id_file"' in response.content.decode()


def test_a_header_without_a_required_column_is_refused_at_line_one(officer):
    response = officer.post(URL, {"file": csv_upload("a,An,BABE", header="username,full_name,org_unit")})
    assert line_errors(response) == [(1, "Dòng tiêu đề thiếu cột “email”."),
                                      (1, "Dòng tiêu đề thiếu cột “employee_code”.")]


def english(client):
    client.cookies["django_language"] = "en"
    return client


HOSTILE_HEADER = HEADER.split(",")[:5]


def hostile_person(number: int) -> list[str]:
    return [f"cb{number}", f"Cán Bộ {number}", "", f"E{number}", "BABE"]


@pytest.mark.parametrize("build, line, words", [
    pytest.param(build, line, words, id=name) for name, build, line, words in hostile.refused_workbooks(
        HOSTILE_HEADER, hostile_person, row_limit=50_000, limit_words="more than 50000 people")
    if name in ("huge-string", "too-many-parts", "ratio", "long-cell", "billion-laughs", "value-in-the-last-column")
])
def test_a_hostile_workbook_is_refused_at_its_line_and_nothing_is_kept(officer, province, settings, build, line,
                                                                       words):
    before = User.objects.count()
    response = english(officer).post(URL, {"file": SimpleUploadedFile("can-bo.xlsx", build())})
    assert response.status_code == 400
    [(error_line, message)] = line_errors(response)
    assert error_line == line and words in message
    assert User.objects.count() == before
    assert kept_files(settings) == []


def test_a_nul_byte_in_a_csv_is_refused_at_its_line(officer, province):
    data = f"{HEADER}\ncb1,Cán Bộ Một,,E1,BABE,\ncb2,Cán\x00Bộ,,E2,BABE,\n".encode()
    response = english(officer).post(URL, {"file": SimpleUploadedFile("can-bo.csv", data)})
    [(line, message)] = line_errors(response)
    assert line == 3 and "(U+0000)" in message


def test_a_formula_never_calculated_is_named_at_its_line(officer, province):
    data = hostile.formulas(HOSTILE_HEADER, ["ct", '=HYPERLINK("http://example.com","Công Thức")', "", "CT-1", "BABE"])
    response = english(officer).post(URL, {"file": SimpleUploadedFile("can-bo.xlsx", data)})
    [(line, message)] = line_errors(response)
    assert line == 2 and message.startswith("This cell holds the formula =HYPERLINK(")


def test_a_file_larger_than_allowed_is_refused(officer, province, settings):
    settings.STAFF_IMPORT_MAX_BYTES = 100
    response = english(officer).post(URL, {"file": csv_upload(*GOOD)})
    [(line, message)] = line_errors(response)
    assert line == 1 and message.startswith("The file is too large")


# The token --------------------------------------------------------------------------------


def test_another_officers_token_is_refused_and_their_file_left_alone(officer, other_officer, learner, settings):
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    intruder = browser_for(other_officer)
    for url in (CONFIRM, CANCEL):
        response = intruder.post(url, {"token": token})
        assert response.status_code == 403
        assert "Bản xem trước này là của người khác." in response.content.decode()
    assert not User.objects.filter(username="nvan").exists()
    assert len(kept_files(settings)) == 1
    assert officer.post(CONFIRM, {"token": token}).status_code == 302


def test_an_altered_token_is_refused(officer, learner):
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    for altered in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "", "rác"):
        response = officer.post(CONFIRM, {"token": altered})
        assert response.status_code == 400
        assert errors_of(response) == ["Bản xem trước này không hợp lệ: vui lòng tải tệp lên lại."]
    assert not User.objects.filter(username="nvan").exists()


def test_a_token_for_another_file_name_signed_elsewhere_is_refused(officer, hr_babe, learner, settings):
    """A token names its file by a signature: a name outside the folder cannot be slipped in."""
    forged = signing.dumps(["../../db.sqlite3", "0" * 64, "x.csv", hr_babe.pk, "d"], salt="another.salt")
    assert officer.post(CONFIRM, {"token": forged}).status_code == 400


def test_an_expired_preview_is_refused(officer, learner, monkeypatch):
    real = signing.TimestampSigner.timestamp
    monkeypatch.setattr(signing.TimestampSigner, "timestamp",
                        lambda self: signing.b62_encode(int(time.time()) - 31 * 60))
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", real)
    response = officer.post(CONFIRM, {"token": token})
    assert response.status_code == 400
    assert errors_of(response) == ["Bản xem trước này đã quá 30 phút: vui lòng tải tệp lên lại."]
    assert not User.objects.filter(username="nvan").exists()


def test_a_kept_file_changed_since_the_preview_is_refused(officer, learner, settings):
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    [name] = kept_files(settings)
    (settings.MEDIA_ROOT / pending.FOLDER / name).write_bytes(csv_upload(*GOOD).read())
    response = officer.post(CONFIRM, {"token": token})
    assert errors_of(response) == ["Tệp đã thay đổi kể từ khi xem trước: vui lòng tải lên lại."]
    assert not User.objects.filter(username="nvan").exists()


def test_files_of_previews_left_unconfirmed_are_deleted_later(officer, learner, settings):
    officer.post(URL, {"file": good_file(learner)})
    [old] = kept_files(settings)
    path = settings.MEDIA_ROOT / pending.FOLDER / old
    stale = time.time() - 31 * 60
    os.utime(path, (stale, stale))
    officer.post(URL, {"file": good_file(learner)})
    files = kept_files(settings)
    assert len(files) == 1 and old not in files


def test_a_learner_may_not_confirm_or_cancel(officer, learner):
    token = token_of(officer.post(URL, {"file": good_file(learner)}))
    client = browser_for(learner)
    assert client.post(CONFIRM, {"token": token}).status_code == 403
    assert client.post(CANCEL, {"token": token}).status_code == 403
    assert not User.objects.filter(username="nvan").exists()


def test_confirm_and_cancel_take_only_posts(officer):
    assert officer.get(CONFIRM).status_code == 405
    assert officer.get(CANCEL).status_code == 405


# Queries ----------------------------------------------------------------------------------


def rows(count: int, start: int = 0) -> list[str]:
    return [f"cb{number},Cán Bộ {number},cb{number}@babe.gov.vn,E{number},BABE-TG,"
            for number in range(start, start + count)]


def test_the_preview_and_the_import_run_the_same_queries_for_few_and_many_rows(officer, learner,
                                                                               django_assert_max_num_queries):
    def counted(request):
        with CaptureQueriesContext(connection) as queries:
            response = request()
        return response, len(queries)

    for number in range(30):
        UserFactory(username=f"old{number}", org_unit=unit("BABE"), roles=["learner"])
    few_rows = rows(2) + ["old0,Cũ Đổi Tên,,,BABE-TG,"]
    many_rows = rows(40, start=100) + [f"old{number},Cũ Đổi Tên {number},,,BABE-TG," for number in range(1, 30)]
    response, preview_few = counted(lambda: officer.post(URL, {"file": csv_upload(*few_rows)}))
    _response, confirm_few = counted(lambda: officer.post(CONFIRM, {"token": token_of(response)}))
    response, preview_many = counted(lambda: officer.post(URL, {"file": csv_upload(*many_rows)}))
    with django_assert_max_num_queries(confirm_few):
        officer.post(CONFIRM, {"token": token_of(response)})
    assert preview_many == preview_few
    assert User.objects.filter(username__startswith="cb").count() == 42
