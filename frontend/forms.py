from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.audit import client_ip
from accounts.signin import SignInThrottled, is_throttled


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
        if self._is_throttled():
            raise self._throttled_error()
        return super().clean()

    def get_invalid_login_error(self):
        # The failure just recorded may have reached the limit: say so at once.
        if self._is_throttled():
            return self._throttled_error()
        return super().get_invalid_login_error()

    def _is_throttled(self) -> bool:
        address = client_ip(self.request) if self.request is not None else None
        return is_throttled(self.cleaned_data.get("username") or "", address)

    def _throttled_error(self) -> ValidationError:
        return ValidationError(SignInThrottled().args[0], code="throttled")


class PasswordResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
