"""A quiz laid out one question per page: /attempts/{id}/?page=N, moving saves, the navigator, handing in from any page.

And the instructor's setting that chooses it, on /teach/quizzes/. A quiz with every
question on one page is tested in test_quiz_pages.py.
"""

import re

import pytest

from quizzes import services
from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.models import Attempt, Quiz
from tests.frontend.conftest import browser_for
from tests.quizzes.conftest import make_quiz


@pytest.fixture
def paged_quiz(course, bank):
    """Six questions in the bank's order: single, multiple, true/false, short answer, numerical, matching."""
    return make_quiz(course, bank, layout="one_per_page")


@pytest.fixture
def attempt(paged_quiz, enrolled) -> Attempt:
    attempt, _created = services.start_attempt(user=enrolled, quiz=paged_quiz)
    return attempt


def question(attempt: Attempt, number: int) -> dict:
    return attempt.questions[number - 1]


def page_of(client, attempt: Attempt, number: int | None = None) -> str:
    address = f"/attempts/{attempt.pk}/" + (f"?page={number}" if number else "")
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


def field_names(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="(q[^"]+)"', html))


def navigator(html: str) -> str:
    return re.search(r'<nav class="question-nav".*?</nav>', html, re.S).group(0)


def test_each_page_holds_only_its_own_question(attempt, enrolled):
    client = browser_for(enrolled)
    for number, data in enumerate(attempt.questions, start=1):
        html = page_of(client, attempt, number)
        assert html.count('<fieldset class="question') == 1
        assert {name.split("-")[0] for name in field_names(html)} == {f"q{data['id']}"}, number
        assert f"Câu {number}/6" in html
        assert f'<input type="hidden" name="page" value="{number}">' in html


def test_without_a_page_the_first_question_is_shown(attempt, enrolled):
    html = page_of(browser_for(enrolled), attempt)
    assert field_names(html) == {f"q{question(attempt, 1)['id']}"}


@pytest.mark.parametrize(("asked", "shown"), [("7", 6), ("999999999999", 6), ("0", 1), ("-3", 1), ("hai", 1)])
def test_a_page_out_of_range_goes_to_the_nearest_question(attempt, enrolled, asked, shown):
    response = browser_for(enrolled).get(f"/attempts/{attempt.pk}/?page={asked}")
    assert response.status_code == 302 and response["Location"] == f"/attempts/{attempt.pk}/?page={shown}"


def test_the_buttons_move_to_the_neighbours_and_hand_in_is_on_every_page(attempt, enrolled):
    client = browser_for(enrolled)
    first, middle, last = (page_of(client, attempt, number) for number in (1, 3, 6))

    assert "Câu trước" not in first and 'name="go" value="2"' in first
    assert 'name="go" value="2"' in middle and 'name="go" value="4"' in middle
    assert 'name="go" value="5"' in last and "Câu sau" not in last
    for html in (first, middle, last):
        assert "Nộp bài…" in html and 'id="save-button"' in html
    # The first submit button is the one the Enter key presses: it saves and stays.
    assert first.index('id="save-button"') < first.index('name="go"')


def test_the_navigator_links_every_question_marks_the_answered_and_the_current(attempt, enrolled):
    services.save_answers(attempt=attempt, answers={str(question(attempt, 4)["id"]): "cchc"})
    nav = navigator(page_of(browser_for(enrolled), attempt, 2))

    links = re.findall(r"<a [^>]*>.*?</a>", nav, re.S)
    assert [re.search(r'href="([^"]+)"', link).group(1) for link in links] == [
        f"/attempts/{attempt.pk}/?page={n}" for n in range(1, 7)]
    assert [("aria-current" in link) for link in links] == [False, True, False, False, False, False]
    assert ['class="is-answered"' in link for link in links] == [False, False, False, True, False, False]
    # Said in words and by a mark, not by colour alone; the page's CSS shows one of the two.
    assert "✓" in links[3] and "đã trả lời" in links[3]
    assert all("chưa trả lời" in link for link in links)


def test_next_saves_the_answer_of_the_page_then_opens_the_next(attempt, enrolled):
    single = question(attempt, 1)
    response = browser_for(enrolled).post(f"/attempts/{attempt.pk}/save", {
        "with_answers": "1", "page": "1", "go": "2", f"q{single['id']}": str(single["choices"][0]["id"])})

    assert response.status_code == 302 and response["Location"] == f"/attempts/{attempt.pk}/?page=2"
    assert Attempt.objects.get(pk=attempt.pk).answers == {str(single["id"]): single["choices"][0]["id"]}


def test_saving_one_page_keeps_the_answers_of_the_others(attempt, enrolled):
    short, numerical = question(attempt, 4), question(attempt, 5)
    services.save_answers(attempt=attempt, answers={str(short["id"]): "cchc"})
    client = browser_for(enrolled)

    client.post(f"/attempts/{attempt.pk}/save", {"with_answers": "1", "page": "5", "go": "4",
                                                 f"q{numerical['id']}": "3,5"})

    assert Attempt.objects.get(pk=attempt.pk).answers == {str(short["id"]): "cchc", str(numerical["id"]): 3.5}
    assert 'value="cchc"' in page_of(client, attempt, 4)
    assert 'value="3,5"' in page_of(client, attempt, 5)


def test_previous_with_an_answer_cleared_removes_it(attempt, enrolled):
    short = question(attempt, 4)
    services.save_answers(attempt=attempt, answers={str(short["id"]): "cchc"})
    browser_for(enrolled).post(f"/attempts/{attempt.pk}/save", {"with_answers": "1", "page": "4", "go": "3",
                                                                f"q{short['id']}": ""})
    assert Attempt.objects.get(pk=attempt.pk).answers == {}


def test_a_wrong_number_keeps_the_learner_on_the_page_with_the_error(attempt, enrolled):
    numerical = question(attempt, 5)
    response = browser_for(enrolled).post(f"/attempts/{attempt.pk}/save", {
        "with_answers": "1", "page": "5", "go": "6", f"q{numerical['id']}": "bốn"})

    html = response.content.decode()
    assert response.status_code == 400 and "Hãy nhập một số, ví dụ 3,5." in html
    assert field_names(html) == {f"q{numerical['id']}"} and 'aria-current="page">' in html
    # Shown at the address of the save: the links lead to the attempt's pages all the same.
    assert f'href="/attempts/{attempt.pk}/?page=6"' in html
    assert Attempt.objects.get(pk=attempt.pk).answers == {}


def test_saving_without_moving_stays_on_the_page_and_says_so(attempt, enrolled):
    short = question(attempt, 4)
    response = browser_for(enrolled).post(f"/attempts/{attempt.pk}/save", {
        "with_answers": "1", "page": "4", f"q{short['id']}": "cchc"}, follow=True)
    assert response.redirect_chain == [(f"/attempts/{attempt.pk}/?page=4", 302)]
    assert "Đã lưu câu trả lời lúc" in response.content.decode()


def test_handing_in_from_a_page_saves_it_and_lists_the_questions_left_with_their_pages(attempt, enrolled):
    short = question(attempt, 4)
    response = browser_for(enrolled).post(f"/attempts/{attempt.pk}/submit", {
        "with_answers": "1", "page": "4", f"q{short['id']}": "cchc"})

    html = response.content.decode()
    assert response.status_code == 200 and "Nộp bài?" in html
    listed = re.findall(rf'href="/attempts/{attempt.pk}/\?page=(\d)">Câu (\d)<', html)
    assert listed == [(str(n), str(n)) for n in (1, 2, 3, 5, 6)]
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.answers == {str(short["id"]): "cchc"}


def test_handing_in_confirmed_from_a_middle_page_submits(attempt, enrolled):
    short = question(attempt, 4)
    response = browser_for(enrolled).post(f"/attempts/{attempt.pk}/submit", {
        "with_answers": "1", "page": "4", f"q{short['id']}": "cchc", "confirmed": "1"})

    assert response["Location"] == f"/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.answers == {str(short["id"]): "cchc"}


def test_someone_elses_attempt_is_a_404_on_every_page(attempt, outsider):
    client = browser_for(outsider)
    assert client.get(f"/attempts/{attempt.pk}/?page=2").status_code == 404
    assert client.post(f"/attempts/{attempt.pk}/save", {"with_answers": "1", "page": "1", "go": "2"}).status_code == 404
    assert Attempt.objects.get(pk=attempt.pk).answers == {}


def test_a_quiz_on_one_page_ignores_a_page_asked_for(quiz, enrolled):
    attempt, _created = services.start_attempt(user=enrolled, quiz=quiz)
    html = page_of(browser_for(enrolled), attempt, 3)
    assert html.count('<fieldset class="question') == 6
    assert 'name="page"' not in html and 'name="go"' not in html and "aria-current" not in navigator(html)
    assert f'href="#q-{question(attempt, 3)["id"]}"' in html


@pytest.mark.parametrize("count", [5, 40])
def test_a_page_is_a_fixed_number_of_queries(count, course, bank, enrolled, django_assert_max_num_queries):
    services.add_questions(bank=bank, parsed=[
        ParsedQuestion("single", f"Câu hỏi số {n}", answers=[ParsedAnswer("Đúng", 1), ParsedAnswer("Sai", 0)])
        for n in range(count)
    ])
    attempt, _created = services.start_attempt(user=enrolled, quiz=make_quiz(course, bank, layout="one_per_page"))
    client = browser_for(enrolled)
    # Session, person, roles and unit (the header), the attempt with its quiz and course.
    with django_assert_max_num_queries(5):
        assert client.get(f"/attempts/{attempt.pk}/?page={count}").status_code == 200


# The instructor's setting ----------------------------------------------------------------------


def test_the_settings_offer_the_layout_with_a_label_and_help(quiz, instructor):
    html = browser_for(instructor).get(f"/teach/quizzes/{quiz.pk}/").content.decode()
    assert '<legend>Cách trình bày</legend>' in html and 'id="id_layout_helptext"' in html
    assert 'type="radio" name="layout" value="all_on_one_page"' in html
    assert '<label for="id_layout_1">' in html and "Mỗi trang một câu hỏi" in html


def settings_form(quiz, **changes) -> dict:
    return {"title": quiz.title, "bank": quiz.bank_id, "category": "", "question_count": "", "time_limit_minutes": "",
            "max_attempts": "", "grading_method": "highest", "pass_percent": "50", "review": "after_submit",
            "opens_at": "", "closes_at": "", **changes}


def test_the_instructor_chooses_one_question_per_page(quiz, instructor):
    client = browser_for(instructor)
    response = client.post(f"/teach/quizzes/{quiz.pk}/", settings_form(quiz, layout="one_per_page"))
    assert response.status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).layout == "one_per_page"

    client.post(f"/teach/quizzes/{quiz.pk}/", settings_form(quiz, title="Không gửi cách trình bày"))
    assert Quiz.objects.get(pk=quiz.pk).layout == "one_per_page", "left out, it stays"


def test_an_unknown_layout_is_a_400_naming_the_field(quiz, instructor):
    response = browser_for(instructor).post(f"/teach/quizzes/{quiz.pk}/", settings_form(quiz, layout="hai_trang"))
    assert response.status_code == 400 and 'href="#id_layout' in response.content.decode()
    assert Quiz.objects.get(pk=quiz.pk).layout == "all_on_one_page"
