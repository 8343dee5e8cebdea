from django.contrib.auth import views as auth_views

from frontend.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "frontend/accounts/login.html"
    redirect_authenticated_user = True
