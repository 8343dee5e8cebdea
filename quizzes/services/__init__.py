"""The quiz services, by subject: banks, attempts, review (regrade, statistics, policy)."""

from quizzes.services.attempts import (  # noqa: F401
    QuizError,
    apply_quiz_grades,
    close_expired_attempts,
    enqueue_scoring,
    grade_response,
    question_pool,
    quiz_grade,
    quiz_grades,
    requeue_unscored,
    save_answers,
    score_attempt,
    request_scoring,
    score_submitted,
    score_waiting,
    start_attempt,
    submit_attempt,
)
from quizzes.services.banks import (  # noqa: F401
    EXPORT_FORMATS,
    add_questions,
    create_bank,
    delete_questions,
    export_questions,
    import_questions,
    parsed_questions,
    replace_question,
)
from quizzes.question_rules import check_parsed  # noqa: F401
from quizzes.services.review import compute_statistics, request_regrade, review_allowed, run_regrade  # noqa: F401
