from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

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
    }
    if person.has_role(Role.HR):
        context["is_hr"] = True
        context["hr_units"] = list(person.hr_scope.order_by("path"))
        context["people_in_scope"] = users_in_scope(person).filter(is_active=True).count()
    return render(request, "frontend/home.html", context)

