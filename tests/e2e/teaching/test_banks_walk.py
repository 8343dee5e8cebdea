"""An instructor builds a question bank in a real browser: creates it, imports a file (a bad one, then a good
one), adds a question of each type through its form and sees it as learners will, and exports the bank."""

import pytest

from quizzes.models import Question, QuestionBank
from tests.courses.conftest import build_course
from tests.e2e.browser import check_accessibility, needs_chromium, shoot

pytestmark = [pytest.mark.e2e, needs_chromium]

BAD_GIFT = b"Cau mot? {T}\n\n// chu thich\nCau hai? {=Dung ~Sai\n"
GOOD_GIFT = """::Một cửa::Cơ quan nào tiếp nhận hồ sơ? {
=Bộ phận một cửa
~Phòng Tài chính
}

::Đúng sai::Kết quả được trả qua bưu chính. {T}
""".encode()

# What to type into each type's form: (field name, value); `correct` is the true/false radio.
QUESTIONS = {
    "single": [("text", "Ai ký quyết định hành chính?"), ("answers-0-text", "Chủ tịch UBND"),
               ("answers-0-fraction", "100"), ("answers-0-feedback", "Đúng"), ("answers-1-text", "Văn thư")],
    "multiple": [("text", "Dịch vụ nào trực tuyến toàn trình?"), ("answers-0-text", "Lý lịch tư pháp"),
                 ("answers-0-fraction", "50"), ("answers-1-text", "Khai sinh"), ("answers-1-fraction", "50"),
                 ("answers-2-text", "Công chứng"), ("answers-2-fraction", "-100")],
    "true_false": [("text", "Bộ phận một cửa tiếp nhận hồ sơ."), ("correct", "true")],
    "short_answer": [("text", "Viết tắt của Ủy ban nhân dân?"), ("answers-0-text", "UBND")],
    "numerical": [("text", "Thời hạn giải quyết là bao nhiêu ngày?"), ("answers-0-value", "3,5"),
                  ("answers-0-tolerance", "0,5")],
    "matching": [("text", "Ghép cơ quan với việc."), ("answers-0-text", "Sở Nội vụ"),
                 ("answers-0-match_text", "Tổ chức bộ máy"), ("answers-1-text", "Sở Tư pháp"),
                 ("answers-1-match_text", "Lý lịch tư pháp")],
    "essay": [("text", "Nêu giải pháp nâng cao chỉ số PAR INDEX.")],
}


def test_an_instructor_builds_a_bank_imports_adds_each_type_and_exports(instructor_page, instructor, screenshots):
    from playwright.sync_api import expect

    course = build_course(instructor, code="NH-01", title="Nghiệp vụ một cửa")
    page = instructor_page

    page.goto("/teach/banks/new/")
    check_accessibility(page, "new bank")
    page.get_by_role("button", name="Tạo ngân hàng").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_accessibility(page, "new bank with errors")
    shoot(page, screenshots, "bank-new-errors")
    page.get_by_label("Tên ngân hàng câu hỏi").fill("Ngân hàng một cửa")
    page.get_by_label("Khóa học").select_option(str(course.pk))
    page.get_by_role("button", name="Tạo ngân hàng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ngân hàng một cửa")
    bank = QuestionBank.objects.get(name="Ngân hàng một cửa")

    page.get_by_role("link", name="Nhập câu hỏi").click()
    check_accessibility(page, "import")
    page.get_by_label("Tệp", exact=True).set_input_files(
        files=[{"name": "sai.gift", "mimeType": "text/plain", "buffer": BAD_GIFT}])
    page.get_by_role("button", name="Nhập câu hỏi").click()
    expect(page.locator(".error-summary")).to_contain_text("Dòng 4")
    assert not Question.objects.filter(bank=bank).exists()
    check_accessibility(page, "import with errors")
    shoot(page, screenshots, "bank-import-errors")
    page.get_by_label("Tệp", exact=True).set_input_files(
        files=[{"name": "dung.gift", "mimeType": "text/plain", "buffer": GOOD_GIFT}])
    page.get_by_role("button", name="Nhập câu hỏi").click()
    expect(page.locator(".notice")).to_contain_text("Đã nhập 2 câu hỏi.")
    assert Question.objects.filter(bank=bank).count() == 2

    for number, (kind, fields) in enumerate(QUESTIONS.items()):
        page.goto(f"/teach/banks/{bank.pk}/questions/new/?type={kind}")
        check_accessibility(page, f"new {kind}")
        if number == 0:
            page.get_by_role("button", name="Lưu").click()
            expect(page.locator(".error-summary")).to_be_visible()
            check_accessibility(page, f"new {kind} with errors")
            shoot(page, screenshots, f"question-{kind}-errors")
        if kind == "matching":  # with JavaScript, a button adds a blank row
            page.get_by_role("button", name="Thêm một cặp").click()
            expect(page.locator('[name="answers-4-text"]')).to_be_focused()
        for name, value in fields:
            if name == "correct":
                page.locator(f'[name="correct"][value="{value}"]').check()
            else:
                page.locator(f'[name="{name}"]').fill(value)
        shoot(page, screenshots, f"question-{kind}")
        page.get_by_role("button", name="Lưu").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Xem trước")
        expect(page.locator(".question__text")).to_contain_text(fields[0][1])
        check_accessibility(page, f"preview {kind}")
        shoot(page, screenshots, f"preview-{kind}")
    assert Question.objects.filter(bank=bank).count() == 2 + len(QUESTIONS)

    page.get_by_role("button", name="Chấm thử câu trả lời").click()
    check_accessibility(page, "preview with a result")

    page.goto(f"/teach/banks/{bank.pk}/")
    check_accessibility(page, "bank")
    shoot(page, screenshots, "bank")
    page.get_by_label("Định dạng").select_option("xlsx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất", exact=True).click()
    assert download.value.suggested_filename == f"ngan-hang-{bank.pk}.xlsx"
