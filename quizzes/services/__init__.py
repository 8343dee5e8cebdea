"""The quiz services, by subject: banks, attempts, grading (scoring, grades), review (regrade, policy), item statistics.

What views, pages, the admin, tasks and other apps call is gathered here; the
modules import one another directly, never through this package.
"""

from quizzes.question_rules import check_parsed
from quizzes.services.attempts import (
    close_expired_attempts,
    question_pool,
    save_answers,
    start_attempt,
    submit_attempt,
)
from quizzes.services.banks import (
    EXPORT_FORMATS,
    add_questions,
    create_bank,
    delete_questions,
    export_questions,
    import_questions,
    replace_question,
)
from quizzes.services.errors import QuizError
from quizzes.services.grading import (
    grade_response,
    quiz_grade,
    requeue_unscored,
    score_attempt,
    score_submitted,
    score_waiting,
)
from quizzes.services.item_statistics import compute_statistics, quiz_statistics, run_statistics_job
from quizzes.services.review import marks_allowed, request_regrade, review_allowed, run_regrade

__all__ = [
    "EXPORT_FORMATS", "QuizError", "add_questions", "check_parsed", "close_expired_attempts", "compute_statistics",
    "create_bank", "delete_questions", "export_questions", "grade_response", "import_questions", "marks_allowed",
    "question_pool", "quiz_grade", "quiz_statistics", "replace_question", "request_regrade", "requeue_unscored",
    "review_allowed", "run_regrade", "run_statistics_job", "save_answers", "score_attempt", "score_submitted",
    "score_waiting", "start_attempt", "submit_attempt",
]
