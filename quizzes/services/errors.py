"""The error every quiz service raises for a request it cannot honour now."""


class QuizError(Exception):
    """A request the quiz cannot honour now; `status` is the HTTP status to answer with."""

    def __init__(self, message: str | dict, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status
