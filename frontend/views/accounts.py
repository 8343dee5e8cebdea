from django.contrib.auth import views as auth_views

from frontend.forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "frontend/registration/login.html"
    redirect_authenticated_user = True
