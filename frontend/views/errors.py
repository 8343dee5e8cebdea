from django.core.exceptions import ValidationError
from django.shortcuts import render


def forbidden(request, message: str, *, back_url: str = "", back_label: str = ""):
    """A 403 page that says why and where to go instead."""
    context = {"message": message, "back_url": back_url, "back_label": back_label}
    return render(request, "frontend/forbidden.html", context, status=403)


def error_text(error: Exception) -> str:
    """The words of a ValidationError or a QuizError, whose message may be a text or a dict of lists."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    message = getattr(error, "message", str(error))
    if isinstance(message, dict):
        return " ".join(str(text) for texts in message.values() for text in texts)
    return str(message)
