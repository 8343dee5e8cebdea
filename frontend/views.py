from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from accounts.roles import Role
from accounts.scope import users_in_scope
from frontend.forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "frontend/registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    person = request.user
    context = {
        "roles": [Role(role).label for role in person.roles],
        "is_admin": person.has_role(Role.ADMIN),
        "audit_log_url": _admin_url("admin:accounts_auditentry_changelist"),
    }
    if person.has_role(Role.HR):
        context["is_hr"] = True
        context["hr_units"] = list(person.hr_scope.order_by("path"))
        context["people_in_scope"] = users_in_scope(person).filter(is_active=True).count()
    return render(request, "frontend/home.html", context)


def _admin_url(name: str) -> str | None:
    """The admin page's address, or None while that model has no admin page."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None
