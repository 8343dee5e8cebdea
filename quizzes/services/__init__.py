"""The quiz services, by subject: banks, attempts, grading (scoring, grades), review (regrade, statistics, policy)."""

from quizzes.services.attempts import (  # noqa: F401
    QuizError,
    close_expired_attempts,
    question_pool,
    save_answers,
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
from quizzes.services.grading import (  # noqa: F401
    apply_quiz_grades,
    enqueue_scoring,
    grade_response,
    quiz_grade,
    quiz_grades,
    request_scoring,
    requeue_unscored,
    score_attempt,
    score_submitted,
    score_waiting,
)
from quizzes.question_rules import check_parsed  # noqa: F401
from quizzes.services.review import compute_statistics, request_regrade, review_allowed, run_regrade  # noqa: F401
