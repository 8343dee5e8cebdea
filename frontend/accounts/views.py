from django.conf import settings
from django.contrib.auth import views as auth_views

from frontend.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "frontend/accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        """A person who chose another language than Vietnamese on their profile gets it wherever they sign in."""
        response = super().form_valid(form)
        language = form.get_user().language
        if language != settings.LANGUAGE_CODE:
            set_language_cookie(response, language)
        return response


def set_language_cookie(response, language: str) -> None:
    """The cookie Django's `set_language` view sets, which the pages read (`frontend.middleware`)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
