"""Taking a quiz in the web pages: start, the attempt page, saving and handing in without JavaScript, the result."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes import services
from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.models import Attempt
from quizzes.snapshot import learner_view
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import make_quiz
from tests.quizzes.test_attempts import right_answers


def started(quiz, learner) -> Attempt:
    attempt, _created = services.start_attempt(user=learner, quiz=quiz)
    return attempt


def by_type(attempt) -> dict[str, dict]:
    return {question["type"]: learner_view(question) for question in attempt.questions}


def right_form(attempt) -> dict:
    """The right answers as the page's form posts them."""
    answers = right_answers({"questions": [learner_view(q) for q in attempt.questions]})
    data = {"with_answers": "1"}
    for question in attempt.questions:
        answer = answers[question["id"]]
        if question["type"] == "matching":
            data.update({f"q{question['id']}-{item}": str(option) for item, option in answer.items()})
        elif question["type"] == "true_false":
            data[f"q{question['id']}"] = "true" if answer else "false"
        elif question["type"] == "multiple":
            data[f"q{question['id']}"] = [str(pk) for pk in answer]
        else:
            data[f"q{question['id']}"] = str(answer)
    return data


# Starting ---------------------------------------------------------------------------


def test_starting_opens_the_attempt_page_and_starting_again_returns_to_it(quiz, enrolled):
    client = browser_for(enrolled)
    first = client.post(f"/quizzes/{quiz.pk}/start")
    attempt = Attempt.objects.get(user=enrolled, quiz=quiz)
    assert first["Location"] == f"/attempts/{attempt.pk}/"
    assert client.post(f"/quizzes/{quiz.pk}/start")["Location"] == f"/attempts/{attempt.pk}/"


def test_a_learner_not_enrolled_is_sent_back_to_the_course_with_the_reason(quiz, learner, course):
    response = browser_for(learner).post(f"/quizzes/{quiz.pk}/start", follow=True)
    assert response.redirect_chain[-1][0] == f"/courses/{course.pk}/"
    assert "Hãy đăng ký khóa học để làm bài kiểm tra." in response.content.decode()
    assert not Attempt.objects.exists()


def test_starting_a_quiz_of_a_course_one_cannot_see_is_a_404(quiz, learner, course):
    course.status = "draft"
    course.save()
    assert browser_for(learner).post(f"/quizzes/{quiz.pk}/start").status_code == 404


# The attempt page ------------------------------------------------------------------------


def test_the_attempt_page_has_an_input_of_the_right_kind_for_each_question(quiz, enrolled):
    attempt = started(quiz, enrolled)
    questions = by_type(attempt)
    page = browser_for(enrolled).get(f"/attempts/{attempt.pk}/").content.decode()
    assert page.count("<fieldset") == 6 and page.count("<legend>") == 6
    assert page.count(f'type="radio" name="q{questions["single"]["id"]}"') == 3
    assert page.count(f'type="checkbox" name="q{questions["multiple"]["id"]}"') == 3
    assert f'type="radio" name="q{questions["true_false"]["id"]}" value="true"' in page
    assert f'type="text" name="q{questions["short_answer"]["id"]}"' in page
    assert f'name="q{questions["numerical"]["id"]}" inputmode="decimal"' in page
    assert page.count(f'<select name="q{questions["matching"]["id"]}-') == 2
    assert "Đúng" in page and "— Chọn —" in page
    assert f'data-autosave-url="/api/v1/attempts/{attempt.pk}/answers/"' in page


def test_every_input_has_a_label(quiz, enrolled):
    import re

    attempt = started(quiz, enrolled)
    page = browser_for(enrolled).get(f"/attempts/{attempt.pk}/").content.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]*?\sid="([^"]+)"', page)
    labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', page))
    visible = [pk for pk in ids if pk.startswith("id_q")]
    assert visible and set(visible) <= labelled


def test_an_essay_gets_a_textarea(course, bank, enrolled):
    services.add_questions(bank=bank, parsed=[ParsedQuestion("essay", "Nêu ý kiến của đồng chí.")])
    attempt = started(make_quiz(course, bank), enrolled)
    essay = by_type(attempt)["essay"]
    page = browser_for(enrolled).get(f"/attempts/{attempt.pk}/").content.decode()
    assert f'<textarea name="q{essay["id"]}"' in page


def test_answers_saved_before_are_filled_in(quiz, enrolled):
    attempt = started(quiz, enrolled)
    questions = by_type(attempt)
    single, matching = questions["single"], questions["matching"]
    item, option = matching["choices"]["items"][0]["id"], matching["choices"]["options"][1]["id"]
    services.save_answers(attempt=attempt, answers={
        str(single["id"]): single["choices"][1]["id"], str(questions["numerical"]["id"]): 3.5,
        str(questions["short_answer"]["id"]): "Một cửa", str(questions["true_false"]["id"]): False,
        str(matching["id"]): {str(item): option},
    })
    page = browser_for(enrolled).get(f"/attempts/{attempt.pk}/").content.decode()
    assert f'value="{single["choices"][1]["id"]}" id="id_q{single["id"]}_1" checked' in page
    assert 'value="3,5"' in page
    assert 'value="Một cửa"' in page
    assert f'value="false" id="id_q{questions["true_false"]["id"]}_1" checked' in page
    assert f'<option value="{option}" selected>' in page
    assert page.count("is-answered") == 5


def test_the_page_counts_down_to_the_deadline_the_server_set(course, bank, enrolled):
    attempt = started(make_quiz(course, bank, time_limit_minutes=30), enrolled)
    page = browser_for(enrolled).get(f"/attempts/{attempt.pk}/").content.decode()
    remaining = int(page.split('data-remaining="')[1].split('"')[0])
    assert 1790 <= remaining <= 1800
    assert timezone.localtime(attempt.deadline).strftime("%d/%m/%Y %H:%M") in page


def test_someone_elses_attempt_is_a_404_even_for_the_instructor(quiz, enrolled, outsider, instructor):
    attempt = started(quiz, enrolled)
    assert browser_for(outsider).get(f"/attempts/{attempt.pk}/").status_code == 404
    assert browser_for(instructor).get(f"/attempts/{attempt.pk}/").status_code == 404
    assert browser_for(outsider).post(f"/attempts/{attempt.pk}/submit", {"confirmed": "1"}).status_code == 404
    assert Attempt.objects.get(pk=attempt.pk).is_open


@pytest.mark.parametrize("count", [5, 40])
def test_the_attempt_page_is_a_fixed_number_of_queries(count, course, bank, enrolled, django_assert_max_num_queries):
    services.add_questions(bank=bank, parsed=[
        ParsedQuestion("single", f"Câu hỏi số {n}", answers=[ParsedAnswer("Đúng", 1), ParsedAnswer("Sai", 0)])
        for n in range(count)
    ])
    attempt = started(make_quiz(course, bank), enrolled)
    client = browser_for(enrolled)
    # Session, person, roles and unit (the header), the attempt with its quiz and course.
    with django_assert_max_num_queries(5):
        assert client.get(f"/attempts/{attempt.pk}/").status_code == 200


# Without JavaScript ------------------------------------------------------------------------------


def test_saving_without_javascript_stores_every_answer(quiz, enrolled):
    attempt = started(quiz, enrolled)
    client = browser_for(enrolled)
    response = client.post(f"/attempts/{attempt.pk}/save", right_form(attempt), follow=True)
    assert "Đã lưu câu trả lời lúc" in response.content.decode()
    saved = Attempt.objects.get(pk=attempt.pk).answers
    numerical = by_type(attempt)["numerical"]["id"]
    assert len(saved) == 6 and saved[str(numerical)] == 4


def test_a_decimal_comma_is_read_as_a_number(quiz, enrolled):
    attempt = started(quiz, enrolled)
    numerical = by_type(attempt)["numerical"]["id"]
    browser_for(enrolled).post(f"/attempts/{attempt.pk}/save", {"with_answers": "1", f"q{numerical}": "3,5"})
    assert Attempt.objects.get(pk=attempt.pk).answers[str(numerical)] == 3.5


def test_a_number_that_is_not_one_is_shown_back_with_an_error(quiz, enrolled):
    attempt = started(quiz, enrolled)
    numerical = by_type(attempt)["numerical"]["id"]
    response = browser_for(enrolled).post(f"/attempts/{attempt.pk}/save", {"with_answers": "1", f"q{numerical}": "bốn"})
    assert response.status_code == 400
    assert "Hãy nhập một số, ví dụ 3,5." in response.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).answers == {}


def test_handing_in_without_javascript_asks_first_and_lists_the_unanswered(quiz, enrolled):
    attempt = started(quiz, enrolled)
    data = right_form(attempt)
    short = by_type(attempt)["short_answer"]["id"]
    data[f"q{short}"] = ""
    response = browser_for(enrolled).post(f"/attempts/{attempt.pk}/submit", data)
    page = response.content.decode()
    assert response.status_code == 200 and "Nộp bài?" in page
    assert f'href="/attempts/{attempt.pk}/#q-{short}">Câu 4<' in page
    assert page.count('href="/attempts/') == 2  # that one question, and "keep answering"
    assert Attempt.objects.get(pk=attempt.pk).is_open
    saved = Attempt.objects.get(pk=attempt.pk).answers
    assert len(saved) == 5 and str(short) not in saved  # the five answered; an empty answer is no answer


def test_confirming_hands_in_and_the_result_is_ready(quiz, enrolled, django_capture_on_commit_callbacks):
    attempt = started(quiz, enrolled)
    client = browser_for(enrolled)
    client.post(f"/attempts/{attempt.pk}/submit", right_form(attempt))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/attempts/{attempt.pk}/submit", {"confirmed": "1"})
    assert response["Location"] == f"/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert attempt.status == "scored" and attempt.percent == Decimal("100.00")
    page = client.get(response["Location"]).content.decode()
    assert "100%" in page and "Đạt" in page


def test_handing_in_with_answers_and_confirmation_at_once_saves_them_first(quiz, enrolled,
                                                                          django_capture_on_commit_callbacks):
    attempt = started(quiz, enrolled)
    with django_capture_on_commit_callbacks(execute=True):
        browser_for(enrolled).post(f"/attempts/{attempt.pk}/submit", {**right_form(attempt), "confirmed": "1"})
    assert Attempt.objects.get(pk=attempt.pk).percent == Decimal("100.00")


def test_after_the_deadline_the_page_hands_in_what_was_saved_and_says_why(course, bank, enrolled):
    attempt = started(make_quiz(course, bank, time_limit_minutes=10), enrolled)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    response = browser_for(enrolled).post(f"/attempts/{attempt.pk}/submit", right_form(attempt), follow=True)
    assert response.redirect_chain[-1][0] == f"/attempts/{attempt.pk}/result/"
    assert "Đã hết thời gian làm bài; câu trả lời gửi lúc này không được lưu." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status != "in_progress" and attempt.answers == {}


def test_an_attempt_handed_in_opens_as_its_result(quiz, enrolled):
    attempt = started(quiz, enrolled)
    services.submit_attempt(attempt=attempt)
    response = browser_for(enrolled).get(f"/attempts/{attempt.pk}/")
    assert response["Location"] == f"/attempts/{attempt.pk}/result/"


# The result ---------------------------------------------------------------------------------


def test_while_scoring_the_result_page_says_so_and_follows_the_attempt(quiz, enrolled):
    """It asks the attempts API until the worker has scored (a script, not a timed <meta refresh>: WCAG 2.2.1)."""
    attempt = started(quiz, enrolled)
    services.submit_attempt(attempt=attempt)  # no worker ran: still "submitted"
    page = browser_for(enrolled).get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "Đang chấm điểm…" in page
    assert f'data-scoring-url="/api/v1/attempts/{attempt.pk}/"' in page and "frontend/result-poll" in page
    assert 'http-equiv="refresh"' not in page
    services.score_attempt(attempt.pk)
    scored = browser_for(enrolled).get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "data-scoring-url" not in scored and "result-poll" not in scored


def test_the_result_shows_the_review_when_the_policy_allows(quiz, enrolled):
    attempt = started(quiz, enrolled)
    single = by_type(attempt)["single"]
    services.save_answers(attempt=attempt, answers={str(single["id"]): single["choices"][1]["id"]})
    services.submit_attempt(attempt=attempt)
    services.score_attempt(attempt.pk)
    page = browser_for(enrolled).get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "Xem lại bài làm" in page
    assert "Sở Tài chính" in page and "Chưa đúng" in page  # their answer and its feedback
    assert "Sở Nội vụ" in page  # the right answer
    assert "Mức 3 → Nộp hồ sơ trực tuyến" in page
    assert "Không trả lời" in page
    assert "Chưa đạt" in page


SECRETS = ("PHẢN-HỒI-BÍ-MẬT", "GIẢI-THÍCH-BÍ-MẬT", "0.33333", "fraction", "feedback", "match_text", "correct")


@pytest.fixture
def secret_quiz(course, bank):
    services.add_questions(bank=bank, parsed=[
        ParsedQuestion("single", "Câu có phản hồi bí mật", general_feedback="GIẢI-THÍCH-BÍ-MẬT", answers=[
            ParsedAnswer("Phương án A", 1, "PHẢN-HỒI-BÍ-MẬT"), ParsedAnswer("Phương án B", "0.33333", "PHẢN-HỒI-BÍ-MẬT")]),
    ])
    return make_quiz(course, bank, review="never")


def test_the_attempt_page_leaks_no_weight_key_or_feedback(secret_quiz, enrolled):
    attempt = started(secret_quiz, enrolled)
    page = browser_for(enrolled).get(f"/attempts/{attempt.pk}/").content.decode()
    for secret in SECRETS:
        assert secret not in page, secret


def test_the_result_page_leaks_nothing_before_the_review_is_allowed(secret_quiz, enrolled):
    attempt = started(secret_quiz, enrolled)
    secret = next(q for q in attempt.questions if q["text"] == "Câu có phản hồi bí mật")
    services.save_answers(attempt=attempt, answers={str(secret["id"]): secret["choices"][1]["id"]})
    services.submit_attempt(attempt=attempt)
    services.score_attempt(attempt.pk)
    assert "PHẢN-HỒI-BÍ-MẬT" in attempt.responses.get(question_id=secret["id"]).feedback
    page = browser_for(enrolled).get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert Attempt.objects.get(pk=attempt.pk).status == "scored"
    assert "Xem lại bài làm" not in page
    for secret in (*SECRETS, "Sở Nội vụ", "Đáp án đúng", "Phương án A", "Câu có phản hồi bí mật"):
        assert secret not in page, secret


def test_the_instructor_sees_the_full_review_of_any_attempt_in_their_course(secret_quiz, enrolled, instructor):
    attempt = started(secret_quiz, enrolled)
    services.submit_attempt(attempt=attempt)
    services.score_attempt(attempt.pk)
    page = browser_for(instructor).get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "GIẢI-THÍCH-BÍ-MẬT" in page and "Nông Văn Học" in page


def test_someone_elses_result_is_a_404(quiz, enrolled, outsider):
    attempt = started(quiz, enrolled)
    services.submit_attempt(attempt=attempt)
    assert browser_for(outsider).get(f"/attempts/{attempt.pk}/result/").status_code == 404


@pytest.mark.parametrize("count", [5, 40])
def test_the_result_page_is_a_fixed_number_of_queries(count, course, bank, enrolled, django_assert_max_num_queries):
    services.add_questions(bank=bank, parsed=[
        ParsedQuestion("single", f"Câu hỏi số {n}", answers=[ParsedAnswer("Đúng", 1), ParsedAnswer("Sai", 0)])
        for n in range(count)
    ])
    attempt = started(make_quiz(course, bank), enrolled)
    services.submit_attempt(attempt=attempt)
    services.score_attempt(attempt.pk)
    client = browser_for(enrolled)
    # Session, person, roles, unit; the attempt with quiz, course and learner; its responses.
    with django_assert_max_num_queries(6):
        assert client.get(f"/attempts/{attempt.pk}/result/").status_code == 200
