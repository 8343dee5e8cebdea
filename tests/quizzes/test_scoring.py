"""The pure scoring functions, one question type at a time (no database)."""

from decimal import Decimal

import pytest

from quizzes.scoring import normalise, score


def question(type_, choices, points="2", **options):
    full = [{"id": n + 1, "text": "", "fraction": "0", "feedback": "", "match_text": "", "value": None,
             "tolerance": None, "minimum": None, "maximum": None, **choice} for n, choice in enumerate(choices)]
    return {"id": 9, "type": type_, "points": points, "choices": full, "options": options}


SINGLE = question("single", [{"text": "Sở Nội vụ", "fraction": "1", "feedback": "Đúng"},
                             {"text": "Sở Tư pháp", "fraction": "0", "feedback": "Sai"}])


def test_a_single_choice_scores_the_fraction_of_the_chosen_answer():
    result = score(SINGLE, 1)
    assert (result.fraction, result.points, result.feedback) == (Decimal("1"), Decimal("2.00"), "Đúng")
    assert score(SINGLE, "2").points == Decimal("0.00")


@pytest.mark.parametrize("answer", [None, 99, "x", [1], True, {"1": 1}])
def test_a_single_choice_with_a_strange_answer_scores_zero(answer):
    assert score(SINGLE, answer).points == Decimal("0.00")


MULTIPLE = question("multiple", [{"fraction": "0.5"}, {"fraction": "0.5"}, {"fraction": "-1"}])


def test_multiple_choice_sums_weights_and_clamps():
    assert score(MULTIPLE, [1, 2]).fraction == Decimal("1")
    assert score(MULTIPLE, [1]).fraction == Decimal("0.5")
    assert score(MULTIPLE, [1, 3]).fraction == Decimal("0")
    assert score(MULTIPLE, [1, 1, 1]).fraction == Decimal("0.5"), "choosing one answer twice counts once"
    assert score(MULTIPLE, 1).fraction == Decimal("0")


def test_true_false_scores_the_matching_answer():
    q = question("true_false", [{"text": "true", "fraction": "0"}, {"text": "false", "fraction": "1"}])
    assert score(q, False).fraction == 1
    assert score(q, True).fraction == 0
    assert score(q, "false").fraction == 0, "a string is not a boolean"


def test_short_answers_match_after_nfc_case_and_spacing():
    q = question("short_answer", [{"text": "Một cửa liên thông", "fraction": "1"}, {"text": "một cửa", "fraction": "0.5"}])
    decomposed = "MỘT  CỬA\tliên   thông".replace("Ộ", "O\u0323\u0302")
    assert score(q, decomposed).fraction == 1
    assert score(q, " một cửa ").fraction == Decimal("0.5")
    assert score(q, "mot cua lien thong").fraction == 0


def test_short_answers_can_ignore_vietnamese_diacritics():
    q = question("short_answer", [{"text": "Đắk Lắk", "fraction": "1"}], ignore_diacritics=True)
    assert score(q, "dak lak").fraction == 1
    assert normalise("Đường", ignore_diacritics=True) == "duong"


def test_short_answers_accept_wildcards():
    q = question("short_answer", [{"text": "nghị định *", "fraction": "1"}])
    assert score(q, "Nghị định 61/2018").fraction == 1


def test_numerical_answers_with_tolerance_ranges_and_weights():
    q = question("numerical", [{"value": "3.14", "tolerance": "0.01", "fraction": "1"},
                               {"minimum": "3", "maximum": "4", "fraction": "0.5"}])
    assert score(q, 3.145).fraction == 1
    assert score(q, "3,14").fraction == 1
    assert score(q, 3.5).fraction == Decimal("0.5")
    assert score(q, 5).fraction == 0
    assert score(q, "NaN").fraction == 0
    assert score(q, "abc").fraction == 0


def test_matching_scores_correct_pairs_over_pairs():
    q = question("matching", [{"text": "Cấp 3", "match_text": "một phần"}, {"text": "Cấp 4", "match_text": "toàn trình"},
                              {"text": "", "match_text": "không có"}])
    assert score(q, {"1": 1, "2": 2}).fraction == 1
    assert score(q, {"1": 2, "2": 2}).fraction == Decimal("0.5")
    assert score(q, {"1": 3}).fraction == 0
    assert score(q, ["nonsense"]).fraction == 0


def test_an_essay_waits_for_an_instructor():
    result = score(question("essay", []), "Bài luận")
    assert result.fraction is None and result.points is None and result.max_points == 2


NUMERICAL_WITH_CATCH_ALL = question("numerical", [
    {"value": "4", "tolerance": "0", "fraction": "1", "feedback": "Đúng"},
    {"value": "3", "tolerance": "0", "fraction": "0", "feedback": "Đó là số mức trước năm 2015"},
    {"text": "*", "fraction": "0", "feedback": "Sai rồi"},
])


def test_the_numerical_catch_all_gives_its_feedback_to_any_other_number():
    result = score(NUMERICAL_WITH_CATCH_ALL, 7)
    assert (result.fraction, result.feedback) == (Decimal("0"), "Sai rồi")


def test_the_numerical_catch_all_never_hides_an_answer_that_matched():
    assert score(NUMERICAL_WITH_CATCH_ALL, 4).feedback == "Đúng"
    assert score(NUMERICAL_WITH_CATCH_ALL, "3").feedback == "Đó là số mức trước năm 2015"


def test_the_numerical_catch_all_scores_its_own_fraction():
    q = question("numerical", [{"value": "4", "fraction": "1"}, {"text": "*", "fraction": "0.1", "feedback": "Gần"}])
    assert score(q, 5).fraction == Decimal("0.1")
    assert score(q, "không phải số").fraction == 0, "a text is no number, not any other number"
    assert score(q, None).feedback == "", "an unanswered question gets no feedback"


def test_the_short_answer_catch_all_matches_only_when_no_other_answer_does():
    q = question("short_answer", [{"text": "*", "fraction": "0", "feedback": "Xem lại"},
                                  {"text": "UBND cấp xã", "fraction": "0", "feedback": "Cấp nào? Ở đây là tỉnh"},
                                  {"text": "UBND tỉnh", "fraction": "1", "feedback": "Đúng"}])
    assert score(q, "ubnd cấp xã").feedback == "Cấp nào? Ở đây là tỉnh"
    assert score(q, "UBND tỉnh").feedback == "Đúng"
    assert (score(q, "HĐND").fraction, score(q, "HĐND").feedback) == (0, "Xem lại")
    assert score(q, "   ").feedback == "", "a blank answer is no answer"
