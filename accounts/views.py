"""Pages of accounts outside the API: the invitation link and the confirmation of an e-mail address."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.email_confirmation import token_confirms
from accounts.invitations import invitation_token_generator


class InvitationConfirmView(PasswordResetConfirmView):
    """Django's password-reset page, for a person invited to set their first password."""

    token_generator = invitation_token_generator
    template_name = "accounts/invitation_confirm.html"
    success_url = reverse_lazy("login")
    title = _("Set your password")


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email(request, token: str):
    """The owner, signed in, confirms their changed address (a POST: opening the link changes nothing)."""
    if request.method == "POST":
        confirmed = services.confirm_email(user=request.user, token=token)
        return render(request, "accounts/email_confirm.html", {"confirmed": confirmed, "validlink": confirmed})
    validlink = token_confirms(request.user, token)
    confirmed = validlink and request.user.email_confirmed
    return render(request, "accounts/email_confirm.html", {"confirmed": confirmed, "validlink": validlink})
