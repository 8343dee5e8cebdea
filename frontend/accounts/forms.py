"""The account pages' forms: signing in, asking for a password reset link, my profile."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.audit import client_ip
from accounts.forms import PasswordResetForm
from accounts.models import Notification, User
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


class ProfileForm(forms.Form):
    """What a person changes about themselves: their e-mail address, their language, which notices they e-mail."""

    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("A new address works once you confirm it through the link sent to it."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, widget=forms.RadioSelect)
    email_kinds = forms.MultipleChoiceField(
        label=_("Which notices come by e-mail"), choices=Notification.Kind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every notice is listed on the Notifications page; the ones ticked come by e-mail too."),
    )

    @classmethod
    def for_person(cls, person: User, data=None) -> "ProfileForm":
        initial = {"email": person.email, "language": person.language,
                   "email_kinds": [kind for kind in Notification.Kind.values if person.wants_email(kind)]}
        return cls(data, initial=initial)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def changes(self) -> dict:
        """The fields for `accounts.services.update_user`."""
        wanted = self.cleaned_data["email_kinds"]
        return {"email": self.cleaned_data["email"], "language": self.cleaned_data["language"],
                "email_muted": [kind for kind in Notification.Kind.values if kind not in wanted]}
