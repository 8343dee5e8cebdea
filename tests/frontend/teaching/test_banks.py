"""The question bank pages of the teaching workspace: /teach/banks/new/, /teach/banks/{id}/ and what they link to."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes import services
from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.models import Choice, Question, QuestionBank
from tests import hostile_files as hostile
from tests.conftest import unit
from tests.factories import UserFactory
from tests.frontend.conftest import browser_for

GOOD_GIFT = """::Một cửa::Cơ quan nào tiếp nhận hồ sơ? {
=Bộ phận một cửa
~Phòng Tài chính
}

::Đúng sai::Kết quả được trả qua bưu chính. {T}
"""
# Line 4 opens an answer block that never closes: the reader names that line.
BAD_GIFT = "Câu một? {T}\n\n// chú thích\nCâu hai? {=Đúng ~Sai\n"


@pytest.fixture
def other_instructor(province):
    return UserFactory(username="giangvien2", full_name="Lý Thị Dạy", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def teacher(instructor):
    return browser_for(instructor)


def errors_of(response) -> list[str]:
    """The messages of the error summary, in order."""
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


def summary_links(response) -> list[str]:
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    return re.findall(r'href="([^"]+)"', summary)


def question_data(**fields) -> dict:
    data = {"text": "Câu hỏi?", "title": "", "text_format": "plain", "category": "", "points": "1",
            "general_feedback": "", "answers-TOTAL_FORMS": "4", "answers-INITIAL_FORMS": "0"}
    data.update(fields)
    return data


def rows(*answers: dict, total: int = 4) -> dict:
    data = {"answers-TOTAL_FORMS": str(max(total, len(answers))), "answers-INITIAL_FORMS": "0"}
    for number, answer in enumerate(answers):
        data.update({f"answers-{number}-{name}": value for name, value in answer.items()})
    return data


# Creating a bank


def test_an_instructor_creates_a_bank_for_a_course_they_teach(teacher, course):
    response = teacher.post("/teach/banks/new/", {"name": "Ngân hàng chương 1", "course": course.pk})
    bank = QuestionBank.objects.get(name="Ngân hàng chương 1")
    assert response.status_code == 302 and response["Location"] == f"/teach/banks/{bank.pk}/"
    assert bank.course == course
    page = teacher.get(response["Location"])
    assert "Ngân hàng chương 1" in page.content.decode()


def test_the_new_bank_form_offers_only_the_courses_the_instructor_teaches(teacher, course, other_instructor):
    from tests.courses.conftest import build_course

    other = build_course(other_instructor, code="KHAC-01", title="Khóa của người khác")
    html = teacher.get("/teach/banks/new/").content.decode()
    assert f'value="{course.pk}"' in html and "Khóa của người khác" not in html
    response = teacher.post("/teach/banks/new/", {"name": "Lấn sân", "course": other.pk})
    assert response.status_code == 400 and not QuestionBank.objects.filter(name="Lấn sân").exists()
    assert summary_links(response) == ["#id_course"]


def test_a_bank_without_a_name_is_refused_with_the_error_at_the_field(teacher, course):
    response = teacher.post("/teach/banks/new/", {"name": "", "course": course.pk})
    assert response.status_code == 400
    assert summary_links(response) == ["#id_name"]
    assert 'id="id_name_error"' in response.content.decode()


def test_a_nul_byte_in_the_bank_name_is_a_400_not_a_500(teacher, course):
    response = teacher.post("/teach/banks/new/", {"name": "Ngân\x00hàng", "course": course.pk})
    assert response.status_code == 400 and not QuestionBank.objects.filter(course=course).exists()


def test_a_learner_gets_the_403_page(client, learner):
    client.force_login(learner)
    for url in ("/teach/banks/new/", "/teach/banks/1/"):
        assert client.get(url).status_code == 403


# The bank page


def test_the_bank_page_lists_the_questions_with_their_type(teacher, bank):
    html = teacher.get(f"/teach/banks/{bank.pk}/").content.decode()
    assert "Cơ quan nào tham mưu về cải cách hành chính?" in html
    assert "Ghép mức độ với mô tả." in html
    assert "6 câu hỏi" in html


def test_another_instructors_bank_and_questions_are_404(bank, other_instructor):
    other = browser_for(other_instructor)
    question = bank.questions.first()
    for url in (f"/teach/banks/{bank.pk}/", f"/teach/banks/{bank.pk}/import/", f"/teach/banks/{bank.pk}/export",
                f"/teach/banks/{bank.pk}/questions/new/?type=single", f"/teach/questions/{question.pk}/",
                f"/teach/questions/{question.pk}/preview/", f"/teach/questions/{question.pk}/delete/"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/teach/questions/{question.pk}/delete/").status_code == 404
    assert other.post(f"/teach/questions/{question.pk}/", question_data(text="Đổi")).status_code == 404
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_list_is_searched_and_filtered_by_category(teacher, bank):
    services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", "Nêu quy trình tiếp nhận.", category="Một cửa"),
                                              ParsedQuestion("essay", "Nêu quy trình trả kết quả.")])
    category = bank.categories.get(name="Một cửa")
    html = teacher.get(f"/teach/banks/{bank.pk}/", {"search": "quy trình"}).content.decode()
    assert "Nêu quy trình tiếp nhận." in html and "Nêu quy trình trả kết quả." in html
    assert "Ghép mức độ với mô tả." not in html and "Cơ quan nào tham mưu" not in html
    html = teacher.get(f"/teach/banks/{bank.pk}/", {"category": category.pk}).content.decode()
    assert "Nêu quy trình tiếp nhận." in html and "Nêu quy trình trả kết quả." not in html


def test_a_category_that_is_not_a_number_is_a_400_with_the_error_at_the_field(teacher, bank):
    response = teacher.get(f"/teach/banks/{bank.pk}/", {"category": "abc"})
    assert response.status_code == 400 and summary_links(response) == ["#id_category"]


def test_a_nul_byte_in_the_search_is_a_400(teacher, bank):
    response = teacher.get(f"/teach/banks/{bank.pk}/", {"search": "a\x00b"})
    assert response.status_code == 400


def test_the_bank_page_runs_the_same_queries_whatever_the_number_of_questions(teacher, bank,
                                                                              django_assert_max_num_queries):
    with django_assert_max_num_queries(9) as small:
        assert teacher.get(f"/teach/banks/{bank.pk}/").status_code == 200
    services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", f"Câu {number}", category=f"Nhóm {number}")
                                              for number in range(120)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = teacher.get(f"/teach/banks/{bank.pk}/", {"page": 2}).content.decode()
    assert "Trang 2/6" in html and ">Câu 19<" in html and ">Câu 18<" not in html


# Adding questions, type by type


def add(teacher, bank, kind: str, data: dict):
    return teacher.post(f"/teach/banks/{bank.pk}/questions/new/?type={kind}", data)


def test_the_form_of_each_type_shows_only_that_types_fields(teacher, bank):
    single = teacher.get(f"/teach/banks/{bank.pk}/questions/new/?type=single").content.decode()
    assert 'name="answers-0-fraction"' in single and 'name="answers-0-match_text"' not in single
    assert 'name="answers-0-tolerance"' not in single and 'name="ignore_diacritics"' not in single
    numerical = teacher.get(f"/teach/banks/{bank.pk}/questions/new/?type=numerical").content.decode()
    assert 'name="answers-0-tolerance"' in numerical and 'name="answers-0-minimum"' in numerical
    assert 'name="answers-0-text"' not in numerical
    matching = teacher.get(f"/teach/banks/{bank.pk}/questions/new/?type=matching").content.decode()
    assert 'name="answers-0-match_text"' in matching and 'name="answers-0-fraction"' not in matching
    short = teacher.get(f"/teach/banks/{bank.pk}/questions/new/?type=short_answer").content.decode()
    assert 'name="ignore_diacritics"' in short and 'name="case_sensitive"' in short
    true_false = teacher.get(f"/teach/banks/{bank.pk}/questions/new/?type=true_false").content.decode()
    assert 'name="correct"' in true_false and "answers-TOTAL_FORMS" not in true_false
    essay = teacher.get(f"/teach/banks/{bank.pk}/questions/new/?type=essay").content.decode()
    assert "answers-TOTAL_FORMS" not in essay and 'name="correct"' not in essay


def test_an_unknown_type_is_a_400_offering_the_types(teacher, bank):
    response = teacher.get(f"/teach/banks/{bank.pk}/questions/new/?type=drop_table")
    assert response.status_code == 400 and "?type=single" in response.content.decode()


def test_a_single_choice_question_is_added_with_weights_in_percent_and_feedback(teacher, bank):
    response = add(teacher, bank, "single", question_data(
        text="Ai ký quyết định?", category="Thẩm quyền", points="2,5",
        **rows({"text": "Chủ tịch UBND", "fraction": "100", "feedback": "Đúng"},
               {"text": "Phó chủ tịch", "fraction": "33,5"}, {"text": "Văn thư"})))
    question = Question.objects.get(text="Ai ký quyết định?")
    assert response.status_code == 302 and response["Location"] == f"/teach/questions/{question.pk}/preview/"
    assert question.type == "single" and question.points == Decimal("2.5") and question.category.name == "Thẩm quyền"
    assert [(c.text, c.fraction, c.feedback) for c in question.choices.all()] == [
        ("Chủ tịch UBND", Decimal("1"), "Đúng"), ("Phó chủ tịch", Decimal("0.335"), ""), ("Văn thư", Decimal("0"), "")]


def test_a_single_choice_question_without_a_right_answer_shows_the_rule_at_the_answers(teacher, bank):
    before = Question.objects.count()
    response = add(teacher, bank, "single", question_data(**rows({"text": "A", "fraction": "50"}, {"text": "B"})))
    assert response.status_code == 400 and Question.objects.count() == before
    assert errors_of(response) == ["Câu hỏi một đáp án cần có một đáp án đúng với trọng số 100%."]
    assert summary_links(response) == ["#answers"]


def test_a_weight_above_100_percent_is_refused_beside_its_answer(teacher, bank):
    response = add(teacher, bank, "multiple", question_data(**rows({"text": "A", "fraction": "150"}, {"text": "B"})))
    assert response.status_code == 400
    assert summary_links(response) == ["#id_answers-0-fraction"]


def test_a_multiple_choice_question_keeps_negative_weights(teacher, bank):
    add(teacher, bank, "multiple", question_data(text="Chọn các dịch vụ toàn trình.", **rows(
        {"text": "Lý lịch tư pháp", "fraction": "50"}, {"text": "Khai sinh", "fraction": "50"},
        {"text": "Công chứng", "fraction": "-100"})))
    question = Question.objects.get(text="Chọn các dịch vụ toàn trình.")
    assert [c.fraction for c in question.choices.all()] == [Decimal("0.5"), Decimal("0.5"), Decimal("-1")]


def test_a_true_false_question_is_added_with_its_feedback(teacher, bank):
    add(teacher, bank, "true_false", question_data(text="Một cửa tiếp nhận hồ sơ.", correct="true",
                                                   feedback_true="Chính xác", feedback_false="Xem lại bài 2"))
    question = Question.objects.get(text="Một cửa tiếp nhận hồ sơ.")
    assert [(c.text, c.fraction, c.feedback) for c in question.choices.all()] == [
        ("true", Decimal(1), "Chính xác"), ("false", Decimal(0), "Xem lại bài 2")]


def test_a_true_false_question_without_its_right_answer_is_refused_at_that_field(teacher, bank):
    response = add(teacher, bank, "true_false", question_data(text="Thiếu đáp án."))
    assert response.status_code == 400 and summary_links(response) == ["#id_correct"]


def test_a_short_answer_question_keeps_its_matching_options(teacher, bank):
    add(teacher, bank, "short_answer", question_data(text="Chữ viết tắt của Ủy ban nhân dân?", ignore_diacritics="on",
                                                     **rows({"text": "UBND", "fraction": "100"})))
    question = Question.objects.get(text="Chữ viết tắt của Ủy ban nhân dân?")
    assert question.options == {"ignore_diacritics": True}
    assert [(c.text, c.fraction) for c in question.choices.all()] == [("UBND", Decimal(1))]


def test_a_numerical_question_takes_a_value_with_tolerance_or_a_range(teacher, bank):
    add(teacher, bank, "numerical", question_data(text="Bao nhiêu ngày?", **rows(
        {"value": "3,5", "tolerance": "0,5", "fraction": "100"}, {"minimum": "5", "maximum": "7", "fraction": "50"})))
    question = Question.objects.get(text="Bao nhiêu ngày?")
    first, second = question.choices.all()
    assert (first.value, first.tolerance, first.fraction) == (Decimal("3.5"), Decimal("0.5"), Decimal(1))
    assert (second.minimum, second.maximum, second.value) == (Decimal(5), Decimal(7), None)


def test_a_numerical_answer_with_both_a_value_and_a_range_is_refused(teacher, bank):
    response = add(teacher, bank, "numerical", question_data(text="Cả hai?", **rows(
        {"value": "3", "minimum": "1", "maximum": "4", "fraction": "100"})))
    assert response.status_code == 400 and summary_links(response) == ["#answers"]
    assert not Question.objects.filter(text="Cả hai?").exists()


def test_a_matching_question_keeps_its_pairs_and_a_distractor(teacher, bank):
    add(teacher, bank, "matching", question_data(text="Ghép cơ quan với việc.", **rows(
        {"text": "Sở Nội vụ", "match_text": "Tổ chức bộ máy"}, {"text": "Sở Tư pháp", "match_text": "Lý lịch"},
        {"text": "", "match_text": "Thuế"})))
    question = Question.objects.get(text="Ghép cơ quan với việc.")
    assert [(c.text, c.match_text) for c in question.choices.all()] == [
        ("Sở Nội vụ", "Tổ chức bộ máy"), ("Sở Tư pháp", "Lý lịch"), ("", "Thuế")]


def test_an_essay_question_has_no_answers(teacher, bank):
    response = add(teacher, bank, "essay", question_data(text="Nêu giải pháp.", general_feedback="Gợi ý: số hóa."))
    question = Question.objects.get(text="Nêu giải pháp.")
    assert response.status_code == 302 and question.type == "essay" and not question.choices.exists()
    assert question.general_feedback == "Gợi ý: số hóa."


def test_a_question_without_text_and_with_bad_points_shows_each_error_at_its_field(teacher, bank):
    response = add(teacher, bank, "essay", question_data(text="", points="mười"))
    assert response.status_code == 400
    assert summary_links(response) == ["#id_text", "#id_points"]
    assert errors_of(response) == ["Nội dung câu hỏi: Trường này là bắt buộc.",
                                   "Điểm: Hãy nhập một số, ví dụ 3,5."]


def test_a_nul_byte_in_a_question_is_a_400_not_a_500(teacher, bank):
    before = Question.objects.count()
    response = add(teacher, bank, "essay", question_data(text="Câu\x00 hỏi"))
    assert response.status_code == 400 and Question.objects.count() == before


def test_a_forged_row_count_is_a_400_not_a_500(teacher, bank):
    response = add(teacher, bank, "single", question_data(**{"answers-TOTAL_FORMS": "100000"}))
    assert response.status_code == 400
    response = add(teacher, bank, "single", question_data(**{"answers-TOTAL_FORMS": "x"}))
    assert response.status_code == 400


# Editing


def test_editing_a_question_keeps_the_ids_of_its_answers(teacher, bank):
    question = bank.questions.get(type="single")
    ids = list(question.choices.values_list("pk", "public_id"))
    html = teacher.get(f"/teach/questions/{question.pk}/").content.decode()
    assert 'value="Sở Nội vụ"' in html and 'value="100"' in html
    data = question_data(text="Cơ quan nào tham mưu (sửa)?", **{
        "answers-TOTAL_FORMS": "5", "answers-INITIAL_FORMS": "3"})
    for number, (pk, _public) in enumerate(ids):
        choice = Choice.objects.get(pk=pk)
        data.update({f"answers-{number}-id": str(pk), f"answers-{number}-text": choice.text + " (sửa)",
                     f"answers-{number}-fraction": str(choice.fraction * 100), f"answers-{number}-feedback": ""})
    data["answers-2-DELETE"] = "on"
    response = teacher.post(f"/teach/questions/{question.pk}/", data)
    assert response.status_code == 302, errors_of(response)
    question.refresh_from_db()
    assert question.text == "Cơ quan nào tham mưu (sửa)?"
    assert list(question.choices.values_list("pk", "public_id", "text")) == [
        (ids[0][0], ids[0][1], "Sở Nội vụ (sửa)"), (ids[1][0], ids[1][1], "Sở Tài chính (sửa)")]


def test_the_edit_form_shows_the_short_answer_options_and_numerical_numbers_as_written(teacher, bank):
    short = bank.questions.get(type="short_answer")
    html = teacher.get(f"/teach/questions/{short.pk}/").content.decode()
    assert re.search(r'name="ignore_diacritics"[^>]*checked', html)
    assert not re.search(r'name="case_sensitive"[^>]*checked', html)
    numerical = bank.questions.get(type="numerical")
    html = teacher.get(f"/teach/questions/{numerical.pk}/").content.decode()
    assert 'name="answers-0-value" value="4"' in html


def test_a_question_is_deleted_after_a_confirmation(teacher, bank):
    question = bank.questions.first()
    assert "Xác nhận" in teacher.get(f"/teach/questions/{question.pk}/delete/").content.decode()
    response = teacher.post(f"/teach/questions/{question.pk}/delete/")
    assert response["Location"] == f"/teach/banks/{bank.pk}/"
    assert not Question.objects.filter(pk=question.pk).exists()


def test_the_edit_page_runs_a_fixed_number_of_queries(teacher, bank, django_assert_max_num_queries):
    question = bank.questions.get(type="single")
    with django_assert_max_num_queries(8) as small:
        teacher.get(f"/teach/questions/{question.pk}/")
    services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", f"Câu {n}", category=f"Nhóm {n}")
                                              for n in range(60)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        teacher.get(f"/teach/questions/{question.pk}/")


# The preview


def test_the_preview_shows_the_learners_form_and_no_key(teacher, bank):
    question = bank.questions.get(type="single")
    html = teacher.get(f"/teach/questions/{question.pk}/preview/").content.decode()
    assert 'type="radio"' in html and "Sở Nội vụ" in html
    assert "Chưa đúng" not in html  # a choice's feedback
    for choice in question.choices.all():
        assert f'value="{choice.pk}"' not in html and f'value="{choice.public_id}"' in html


def test_an_answer_tried_in_the_preview_is_scored_and_not_stored(teacher, bank):
    from quizzes.models import Response

    question = bank.questions.get(type="single")
    right = question.choices.get(fraction=1)
    response = teacher.post(f"/teach/questions/{question.pk}/preview/", {f"q{question.pk}": right.public_id})
    html = response.content.decode()
    assert response.status_code == 200 and "Câu trả lời này được 1 trên 1 điểm." in html
    assert "Phản hồi học viên thấy: Đúng" in html and not Response.objects.exists()


def test_the_matching_preview_shows_a_list_for_each_item(teacher, bank):
    question = bank.questions.get(type="matching")
    html = teacher.get(f"/teach/questions/{question.pk}/preview/").content.decode()
    assert html.count("<select") == 2 and "Chỉ thông tin" in html


# Import, export, the template


def upload(teacher, bank, data: bytes, file_format: str, name: str = "cau-hoi"):
    return teacher.post(f"/teach/banks/{bank.pk}/import/",
                        {"format": file_format, "file": SimpleUploadedFile(f"{name}.{file_format}", data)})


def test_a_good_gift_file_is_imported_whole(teacher, bank):
    before = bank.questions.count()
    response = upload(teacher, bank, GOOD_GIFT.encode(), "gift")
    assert response.status_code == 302 and response["Location"] == f"/teach/banks/{bank.pk}/"
    assert bank.questions.count() == before + 2


def test_a_gift_file_with_an_error_shows_it_at_its_line_and_imports_nothing(teacher, bank):
    before = bank.questions.count()
    response = upload(teacher, bank, BAD_GIFT.encode(), "gift")
    assert response.status_code == 400 and bank.questions.count() == before
    [message] = errors_of(response)
    assert message.startswith("Dòng 4")
    assert summary_links(response) == ["#id_file"]


def test_an_aiken_file_is_imported(teacher, bank):
    text = "Cơ quan nào tham mưu?\nA. Sở Nội vụ\nB. Sở Y tế\nANSWER: A\n"
    assert upload(teacher, bank, text.encode(), "aiken").status_code == 302
    assert bank.questions.filter(text="Cơ quan nào tham mưu?").exists()


def test_an_xlsx_file_made_from_the_template_is_imported(teacher, bank):
    data = hostile.written(["Loại (type)", "Câu hỏi (question)"], ["Tự luận", "Nêu giải pháp số hóa."])
    assert upload(teacher, bank, data, "xlsx").status_code == 302
    assert bank.questions.filter(text="Nêu giải pháp số hóa.").exists()


def test_a_formula_cell_in_a_workbook_is_refused_at_its_line(teacher, bank):
    before = Question.objects.count()
    data = hostile.formulas(["Loại (type)", "Câu hỏi (question)"],
                            ["Tự luận", '=HYPERLINK("http://example.com","Câu hỏi?")'])
    response = upload(teacher, bank, data, "xlsx")
    assert response.status_code == 400 and Question.objects.count() == before
    [message] = errors_of(response)
    assert message.startswith("Dòng 2") and "=HYPERLINK(" in message


def test_a_zip_bomb_workbook_is_refused_and_nothing_imported(teacher, bank):
    before = Question.objects.count()
    response = upload(teacher, bank, hostile.squeezed(["Loại (type)", "Câu hỏi (question)"], 20 * hostile.MIB), "xlsx")
    assert response.status_code == 400 and Question.objects.count() == before
    [message] = errors_of(response)
    assert message.startswith("Dòng 1")


def test_a_nul_byte_in_a_gift_file_is_refused_at_its_line(teacher, bank):
    before = Question.objects.count()
    response = upload(teacher, bank, "::Một::Câu một? {T}\n\n::Hai::Câu\x00 hai? {F}\n".encode(), "gift")
    assert response.status_code == 400 and Question.objects.count() == before
    [message] = errors_of(response)
    assert message.startswith("Dòng 3")


def test_a_gift_question_starting_with_a_formula_is_kept_as_text_and_exported_harmless(teacher, bank):
    """`=cmd|...` in a GIFT question is text, not a formula: it is stored as written, and the XLSX
    export writes it so that a spreadsheet does not run it."""
    text = "::Lệnh::=cmd|' /C calc'!A0 là gì? {T}\n"
    response = upload(teacher, bank, text.encode(), "gift")
    assert response.status_code == 302
    assert bank.questions.filter(text="=cmd|' /C calc'!A0 là gì?").exists()
    exported = teacher.get(f"/teach/banks/{bank.pk}/export", {"format": "xlsx"})
    assert exported.status_code == 200
    import io

    import openpyxl
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not any(cell.data_type == "f" for cell in cells)


def test_a_workbook_sent_as_gift_is_refused_with_a_clear_message(teacher, bank):
    data = hostile.written(["Loại (type)", "Câu hỏi (question)"], ["Tự luận", "Câu?"])
    response = upload(teacher, bank, data, "gift")
    assert response.status_code == 400 and "Excel" in errors_of(response)[0]


def test_an_import_without_a_file_or_with_an_unknown_format_is_a_400(teacher, bank):
    response = teacher.post(f"/teach/banks/{bank.pk}/import/", {"format": "csv"})
    assert response.status_code == 400 and summary_links(response) == ["#id_format", "#id_file"]


def test_the_export_is_a_file_that_imports_back(teacher, bank):
    response = teacher.get(f"/teach/banks/{bank.pk}/export", {"format": "gift"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    copy = services.create_bank(actor=bank.course.instructors.first(), name="Bản sao", course=bank.course)
    assert upload(teacher, copy, response.content, "gift").status_code == 302
    assert copy.questions.count() == bank.questions.count()


def test_an_unknown_export_format_is_a_400_on_the_bank_page(teacher, bank):
    response = teacher.get(f"/teach/banks/{bank.pk}/export", {"format": "exe"})
    assert response.status_code == 400 and summary_links(response) == ["#id_format"]


def test_the_xlsx_template_downloads(teacher):
    response = teacher.get("/teach/banks/template.xlsx")
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert "mau-nhap-cau-hoi.xlsx" in response["Content-Disposition"]


def test_the_import_page_runs_a_fixed_number_of_queries(teacher, bank, django_assert_max_num_queries):
    with django_assert_max_num_queries(6) as small:
        upload(teacher, bank, BAD_GIFT.encode(), "gift")
    services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", f"Câu {n}") for n in range(50)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        upload(teacher, bank, BAD_GIFT.encode(), "gift")


def test_the_preview_runs_a_fixed_number_of_queries(teacher, bank, django_assert_max_num_queries):
    question = services.add_questions(bank=bank, parsed=[ParsedQuestion("single", "Nhiều đáp án?", answers=[
        ParsedAnswer(f"Đáp án {n}", 1 if n == 0 else 0) for n in range(3)])])[0]
    with django_assert_max_num_queries(8) as small:
        teacher.get(f"/teach/questions/{question.pk}/preview/")
    bigger = services.add_questions(bank=bank, parsed=[ParsedQuestion("single", "Nhiều hơn?", answers=[
        ParsedAnswer(f"Đáp án {n}", 1 if n == 0 else 0) for n in range(30)])])[0]
    with django_assert_max_num_queries(len(small.captured_queries)):
        teacher.get(f"/teach/questions/{bigger.pk}/preview/")
