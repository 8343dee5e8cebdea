from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes import services
from quizzes.models import Question, QuestionBank, Quiz
from tests.conftest import client_for

GIFT = """// Ngân hàng mẫu
$CATEGORY: Một cửa

::Q1::Nghị định nào quy định cơ chế một cửa?{=Nghị định 61/2018/NĐ-CP ~Nghị định 63/2010/NĐ-CP}

::Q2::Trung tâm Phục vụ hành chính công là Bộ phận Một cửa cấp tỉnh.{T}

// [options] ignore_diacritics case_sensitive=false
::Q3::Viết tắt của cải cách hành chính?{=CCHC}

::Q4::Có bao nhiêu mức độ dịch vụ công trực tuyến trước năm 2022?{#4}

::Q5::Ghép cấp với nơi tiếp nhận.{=Tỉnh -> Trung tâm =Huyện -> Bộ phận Một cửa huyện =Xã -> Bộ phận Một cửa xã}

::Q6::Nêu ý kiến của đồng chí.{}

::Q7::Chọn các ý đúng.{~%50%Công khai ~%50%Minh bạch ~%-100%Sách nhiễu}
"""


def upload(text: str, name="ngan-hang.gift") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def test_an_instructor_imports_gift_and_exports_the_same_questions(course, instructor):
    api = client_for(instructor)
    bank = api.post("/api/v1/question-banks/", {"name": "Ngân hàng 1", "course": course.pk})
    assert bank.status_code == 201, bank.content
    bank_id = bank.json()["id"]
    imported = api.post(f"/api/v1/question-banks/{bank_id}/import/", {"file": upload(GIFT), "format": "gift"},
                        format="multipart")
    assert imported.status_code == 201, imported.content
    assert imported.json() == {"created": 7}
    types = sorted(Question.objects.filter(bank_id=bank_id).values_list("type", flat=True))
    assert types == sorted(["single", "true_false", "short_answer", "numerical", "matching", "essay", "multiple"])
    assert Question.objects.get(bank_id=bank_id, title="Q1").text == "Nghị định nào quy định cơ chế một cửa?"

    exported = api.get(f"/api/v1/question-banks/{bank_id}/export/?format=gift")
    assert exported.status_code == 200
    again = api.post("/api/v1/question-banks/", {"name": "Bản sao", "course": course.pk}).json()["id"]
    reimported = api.post(f"/api/v1/question-banks/{again}/import/",
                          {"file": upload(exported.content.decode()), "format": "gift"}, format="multipart")
    assert reimported.json() == {"created": 7}
    listed = api.get(f"/api/v1/question-banks/{again}/questions/").json()["results"]
    original = api.get(f"/api/v1/question-banks/{bank_id}/questions/").json()["results"]
    strip = lambda rows: [(r["type"], r["title"], r["text"], r["category"], r["options"],
                           [(a["text"], a["fraction"], a["match_text"], a["value"]) for a in r["answers"]]) for r in rows]
    assert strip(listed) == strip(original)
    short = next(row for row in listed if row["type"] == "short_answer")
    assert short["options"] == {"ignore_diacritics": True, "case_sensitive": False}


def test_a_bad_gift_file_imports_nothing_and_names_the_line(course, instructor):
    bank = QuestionBank.objects.create(name="B", course=course)
    bad = GIFT + "\n\n::Q8::Câu hỏi lỗi {=đúng ~sai\n"
    response = client_for(instructor).post(f"/api/v1/question-banks/{bank.pk}/import/",
                                           {"file": upload(bad), "format": "gift"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] == (GIFT + "\n\n").count("\n") + 1
    assert not Question.objects.filter(bank=bank).exists()


def test_a_file_that_is_not_utf8_is_a_400(course, instructor):
    bank = QuestionBank.objects.create(name="B", course=course)
    file = SimpleUploadedFile("x.gift", "Câu đúng{T}".encode("cp1258"), content_type="text/plain")
    response = client_for(instructor).post(f"/api/v1/question-banks/{bank.pk}/import/",
                                           {"file": file, "format": "gift"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] == 1


def test_the_xlsx_template_downloads_and_imports_back(course, instructor):
    api = client_for(instructor)
    template = api.get("/api/v1/question-banks/template.xlsx")
    assert template.status_code == 200
    assert template.content[:2] == b"PK"
    bank = QuestionBank.objects.create(name="B", course=course)
    file = SimpleUploadedFile("mau.xlsx", template.content)
    response = api.post(f"/api/v1/question-banks/{bank.pk}/import/", {"file": file, "format": "xlsx"},
                        format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["created"] >= 7


def test_others_cannot_touch_a_bank(course, learner, bank):
    api = client_for(learner)
    assert api.post("/api/v1/question-banks/", {"name": "X", "course": course.pk}).status_code == 403
    assert api.get(f"/api/v1/question-banks/{bank.pk}/questions/").status_code == 403
    assert api.get(f"/api/v1/question-banks/{bank.pk}/export/?format=gift").status_code == 403


def test_questions_are_added_and_checked_through_the_api(bank, instructor):
    api = client_for(instructor)
    bad = api.post(f"/api/v1/question-banks/{bank.pk}/questions/",
                   {"type": "single", "text": "Không có đáp án đúng", "answers": [{"text": "A"}, {"text": "B"}]},
                   format="json")
    assert bad.status_code == 400 and "answers" in bad.json()
    good = api.post(f"/api/v1/question-banks/{bank.pk}/questions/", {
        "type": "single", "text": "Câu mới", "category": "Mới",
        "answers": [{"text": "Đúng", "fraction": "1", "feedback": "Tốt"}, {"text": "Sai"}],
    }, format="json")
    assert good.status_code == 201, good.content
    assert good.json()["category"] == "Mới" and good.json()["answers"][0]["feedback"] == "Tốt"


def test_html_question_text_is_sanitised_on_import(course, instructor):
    bank = QuestionBank.objects.create(name="B", course=course)
    text = '[html]<p onclick="x()">Câu <b>đậm</b><script>alert(1)</script></p>{T}'
    response = client_for(instructor).post(f"/api/v1/question-banks/{bank.pk}/import/",
                                           {"file": upload(text), "format": "gift"}, format="multipart")
    assert response.status_code == 201, response.content
    stored = Question.objects.get(bank=bank).text
    assert "script" not in stored and "onclick" not in stored and "<b>đậm</b>" in stored


def test_a_question_deleted_through_the_api_leaves_the_cached_question_pool(instructor, bank, quiz):
    def pooled_texts():
        return {data["text"] for data in services.question_pool(Quiz.objects.select_related("bank").get(pk=quiz.pk))}

    question = bank.questions.get(type="numerical")
    assert question.text in pooled_texts()

    assert client_for(instructor).delete(f"/api/v1/questions/{question.pk}/").status_code == 204
    assert question.text not in pooled_texts()
