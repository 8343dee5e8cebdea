"""Importing and exporting a bank's questions from its admin page, through the same services as the API."""

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import AuditEntry
from quizzes import services
from tests.conftest import client_for, unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory
from tests.quizzes.test_banks_api import GIFT

BAD_GIFT = "::Q1::Đúng hay sai?{T}\n\n::Q2::Câu chưa đóng ngoặc {=đúng ~sai\n\n::Q3::Câu không có đáp án.\n"
AIKEN = "Cơ quan nào tham mưu về cải cách hành chính?\nA. Sở Nội vụ\nB. Sở Y tế\nANSWER: A\n"


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def import_url(bank) -> str:
    return f"/admin/quizzes/questionbank/{bank.pk}/import/"


def export_url(bank, file_format: str) -> str:
    return f"/admin/quizzes/questionbank/{bank.pk}/export/{file_format}/"


def post_file(client, bank, content: bytes, name: str, file_format: str = "auto"):
    return client.post(import_url(bank), {"file": SimpleUploadedFile(name, content), "format": file_format},
                       follow=True)


def listed_errors(response) -> list[str]:
    page = response.content.decode()
    errors = re.search(r'<ul class="errorlist" id="import-errors">(.*?)</ul>', page, re.S)
    return [" ".join(item.split()) for item in re.findall(r"<li>(.*?)</li>", errors.group(1), re.S)] if errors else []


@pytest.fixture
def empty_bank(course, instructor):
    return services.create_bank(actor=instructor, name="Ngân hàng mới", course=course)


def test_the_bank_page_links_to_the_import_page_and_every_export_format(instructor, empty_bank):
    page = admin_client(instructor).get(f"/admin/quizzes/questionbank/{empty_bank.pk}/change/").content.decode()

    assert f'href="{import_url(empty_bank)}"' in page and "Nhập câu hỏi" in page
    for file_format in services.EXPORT_FORMATS:
        assert f'href="{export_url(empty_bank, file_format)}"' in page
    form = admin_client(instructor).get(import_url(empty_bank)).content.decode()
    assert 'href="/api/v1/question-banks/template.xlsx"' in form and "Tải mẫu XLSX" in form


def test_a_good_gift_file_is_imported_and_the_count_is_shown_on_the_bank_page(instructor, empty_bank):
    response = post_file(admin_client(instructor), empty_bank, GIFT.encode(), "ngan-hang.gift")

    assert response.redirect_chain == [(f"/admin/quizzes/questionbank/{empty_bank.pk}/change/", 302)]
    assert "Đã nhập 7 câu hỏi" in response.content.decode()
    assert empty_bank.questions.count() == 7
    entry = AuditEntry.objects.get(action="questions.imported")
    assert entry.actor == instructor and entry.changes == {"file": "ngan-hang.gift", "format": "gift", "created": 7}


def test_a_bad_file_lists_every_error_with_its_line_and_imports_nothing(instructor, empty_bank):
    response = post_file(admin_client(instructor), empty_bank, BAD_GIFT.encode(), "ngan-hang.gift")

    assert response.status_code == 200 and not response.redirect_chain
    errors = listed_errors(response)
    assert len(errors) == 2
    assert errors[0].startswith("Dòng 3:") and errors[1].startswith("Dòng 5:")
    assert not empty_bank.questions.exists()
    assert not AuditEntry.objects.filter(action="questions.imported").exists()


def test_a_txt_file_with_answer_lines_is_read_as_aiken(instructor, empty_bank):
    response = post_file(admin_client(instructor), empty_bank, AIKEN.encode(), "de-thi.txt")

    assert "Đã nhập 1 câu hỏi" in response.content.decode()
    assert empty_bank.questions.get().type == "single"


@pytest.mark.parametrize(("content", "name", "file_format", "message"), [
    ("Câu đúng{T}".encode("cp1258"), "cu.gift", "auto", "Dòng 1: Tệp không dùng bảng mã UTF-8"),
    (b"PK\x03\x04" + b"\0" * 100, "bang.gift", "gift", "Đây là tệp Excel, không phải tệp văn bản"),
    (b"PK\x03\x04" + b"\0" * 100, "bang.xlsx", "auto", "Tệp XLSX bị hỏng, không đọc được."),
    (GIFT.encode(), "ngan-hang.gift", "aiken", "Dòng 1:"),
    (b"\n\n", "trong.gift", "auto", "Tệp không có câu hỏi nào."),
    (b"x" * (settings.QUESTION_IMPORT_MAX_BYTES + 1), "lon.gift", "auto", "Tệp quá lớn: dung lượng tối đa được chấp nhận là"),
])
def test_a_file_that_cannot_be_imported_is_explained_on_the_page(instructor, empty_bank, content, name, file_format,
                                                                message):
    response = post_file(admin_client(instructor), empty_bank, content, name, file_format)

    assert response.status_code == 200
    assert any(message in error for error in listed_errors(response)), listed_errors(response)
    assert not empty_bank.questions.exists()


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"", "trong.gift", "Tập tin được gửi là rỗng."),
    (GIFT.encode(), "ngan-hang.docx", "Không nhận ra định dạng của tệp “ngan-hang.docx”"),
])
def test_an_empty_file_or_an_unknown_extension_is_a_form_error(instructor, empty_bank, content, name, message):
    response = post_file(admin_client(instructor), empty_bank, content, name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not empty_bank.questions.exists()


def test_an_instructor_of_another_course_gets_a_404(instructor, bank, province):
    colleague = UserFactory(username="giangvien2", org_unit=unit("SNV"), roles=["instructor"])
    build_course(colleague, code="QZ-99", lessons=1)
    client = admin_client(colleague)

    assert client.get(import_url(bank)).status_code == 404
    assert post_file(client, bank, GIFT.encode(), "ngan-hang.gift").status_code == 404
    assert client.get(export_url(bank, "gift")).status_code == 404
    assert bank.questions.count() == 6


def test_an_admin_imports_into_any_bank(admin_user, empty_bank):
    response = post_file(admin_client(admin_user), empty_bank, GIFT.encode(), "ngan-hang.gift")

    assert "Đã nhập 7 câu hỏi" in response.content.decode()


def test_an_unknown_export_format_is_a_404(instructor, bank):
    assert admin_client(instructor).get(export_url(bank, "csv")).status_code == 404


@pytest.mark.parametrize(("file_format", "extension", "count"), [("gift", "gift", 6), ("aiken", "txt", 1),
                                                                ("xlsx", "xlsx", 6)])
def test_an_exported_file_imports_back_through_the_admin(instructor, bank, course, file_format, extension, count):
    client = admin_client(instructor)
    exported = client.get(export_url(bank, file_format))
    assert exported.status_code == 200
    assert exported["Content-Disposition"] == f'attachment; filename="ngan-hang-{bank.pk}.{extension}"'

    copy = services.create_bank(actor=instructor, name="Bản sao", course=course)
    response = post_file(client, copy, exported.content, f"ngan-hang.{extension}")

    assert f"Đã nhập {count} câu hỏi" in response.content.decode()
    kept = ["type", "text", "category__name", "points"] if file_format == "xlsx" else ["type", "text"]
    original = bank.questions.filter(type__in=copy.questions.values("type"))
    assert sorted(copy.questions.values_list(*kept)) == sorted(original.values_list(*kept))


def test_the_api_exports_the_same_file_as_the_admin(instructor, bank):
    api = client_for(instructor).get(f"/api/v1/question-banks/{bank.pk}/export/?format=gift")
    page = admin_client(instructor).get(export_url(bank, "gift"))

    assert api.content == page.content and api["Content-Type"] == page["Content-Type"]
