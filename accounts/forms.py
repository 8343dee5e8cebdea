from django.contrib.auth import forms as auth_forms


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, sending nothing to an address its owner has not confirmed (see accounts.email_confirmation)."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.email_confirmed)
