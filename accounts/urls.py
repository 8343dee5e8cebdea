"""Pages of accounts outside the API: the invitation link."""

from django.contrib.auth.views import PasswordResetConfirmView
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.invitations import invitation_token_generator


class InvitationConfirmView(PasswordResetConfirmView):
    """Django's password-reset page, for a person invited to set their first password."""

    token_generator = invitation_token_generator
    template_name = "accounts/invitation_confirm.html"
    success_url = reverse_lazy("login")
    title = _("Set your password")


urlpatterns = [
    path("invite/<uidb64>/<token>/", InvitationConfirmView.as_view(), name="invitation-confirm"),
]
