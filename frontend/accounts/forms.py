"""The account pages' forms: signing in and asking for a password reset link."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.audit import client_ip
from accounts.forms import PasswordResetForm
from accounts.signin import SignInThrottled, retry_after


class SignInForm(AuthenticationForm):
    """Django's sign-in form that says so when sign-ins are throttled.

    The throttling backend refuses with PermissionDenied, which Django's form
    turns into "wrong username or password"; a person locked out should be told
    to wait or reset their password instead.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Note that both are case-sensitive."),
    }

    def clean(self):
        if (wait := self._wait()) is not None:
            raise self._throttled_error(wait)
        return super().clean()

    def get_invalid_login_error(self):
        # The failure just recorded may have reached the limit: say so at once.
        if (wait := self._wait()) is not None:
            return self._throttled_error(wait)
        return super().get_invalid_login_error()

    def _wait(self) -> int | None:
        """Seconds until this person may try again (as the API's Retry-After says), or None."""
        address = client_ip(self.request) if self.request is not None else None
        return retry_after(self.cleaned_data.get("username") or "", address)

    @staticmethod
    def _throttled_error(wait: int) -> ValidationError:
        return ValidationError(SignInThrottled(wait).args[0], code="throttled")


class PasswordResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
