"""What every page shares: who may open it, and how a refusal or an error reads."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from courses.access import taught_courses


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


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal, beside the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def taught_or_404(queryset, user, pk: int, *, course: str = "course"):
    """The object `pk` of `queryset` if `user` teaches its course (the lookup `course` leads to it); to anyone
    else it does not exist (404), as the API answers."""
    return get_object_or_404(queryset.filter(**{f"{course}__in": taught_courses(user)}), pk=pk)


def role_required(*roles: str, message):
    """Signs in first; then a person without one of `roles` gets a 403 page saying `message`."""
    def decorator(view):
        @login_required
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                return forbidden(request, str(message), back_url=reverse("home"))
            return view(request, *args, **kwargs)
        return checked
    return decorator


instructor_required = role_required(
    Role.INSTRUCTOR, Role.ADMIN, message=gettext_lazy("Only instructors use the teaching workspace."))
