"""Self check-in from a phone: the session screen's QR code opens this page with its code, or the code is typed.

People type the 6 digits shown under the QR code; a pasted full code or the QR
code's whole address is read too. The text is read leniently (spaces, capitals)
and handed to `training.services.check_in`, which alone decides whether
the code is genuine, fresh and the person's. After a check-in the page redirects
to itself naming the session (POST, redirect, GET), so reloading it sends nothing again.
"""

from urllib.parse import parse_qs, urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from training import checkin, services
from training.models import AttendanceRecord, Session


def typed_code(text: str) -> str:
    """The code as the service reads it, from what a person typed or pasted: the code or the QR code's address."""
    text = "".join(text.split())
    if "code=" in text:
        try:
            text = parse_qs(urlsplit(text).query).get("code", [""])[0]
        except ValueError:  # not an address after all ("http://[::1/?code=…")
            pass
    return text.lower()


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Check-in code"), max_length=300,
        help_text=gettext_lazy("The 6 digits on the projected screen, or scan the QR code."),
        error_messages={"required": gettext_lazy("Type the check-in code shown on the screen.")},
        # A number pad on phones; a full code or link can still be pasted.
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false",
                                      "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return typed_code(self.cleaned_data["code"])


REFUSALS = (checkin.ExpiredCode, checkin.InvalidCode, Session.DoesNotExist, services.NotOnRoster,
            services.CheckInClosed, services.TooManyTypedCodes)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def check_in_page(request):
    """GET: the QR code's button, or the form to type the code, or the check-in just made; POST: check in."""
    if request.method == "GET" or request.method == "HEAD":
        return render(request, "frontend/learner/checkin.html", {
            "scanned": request.GET.get("code", ""), "form": CheckInForm(),
            "record": _record(request.user, request.GET.get("session", "")),
        })
    form = CheckInForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            record, created = services.check_in(user=request.user, code=form.cleaned_data["code"])
        except REFUSALS as error:
            message, status = _refusal(error)
            form.add_error("code", message)
        else:
            _tell(request, record, created)
            return redirect(f"{reverse('check-in')}?session={record.session_id}")
    return render(request, "frontend/learner/checkin.html", {"form": form}, status=status)


def _refusal(error: Exception) -> tuple[str, int]:
    """Why the code was refused, in words, and the HTTP status that says it."""
    if isinstance(error, checkin.ExpiredCode):
        return _("This code has expired. Scan the code on the screen again, or type the new one."), 400
    if isinstance(error, services.NotOnRoster):
        return _("You are not on the roster of this class or conference. Ask its instructors to add you."), 403
    if isinstance(error, services.CheckInClosed):
        return str(error), 409
    if isinstance(error, services.TooManyTypedCodes):
        return str(error), 429
    return _("This is not a valid check-in code. Check it against the screen, or scan the QR code."), 400


def _tell(request, record: AttendanceRecord, created: bool) -> None:
    if created:
        messages.success(request, _("Checked in: %(session)s") % {"session": record.session.title})
    elif record.method == AttendanceRecord.Method.MANUAL:
        messages.info(request, _("Your instructors have already recorded your attendance at this session."))
    else:
        messages.info(request, _("You were already checked in."))


def _record(user, session: str) -> AttendanceRecord | None:
    """The person's attendance at the session just checked in to, to show it."""
    if not (session.isascii() and session.isdigit()) or len(session) > 18:
        return None
    return (AttendanceRecord.objects.select_related("session__event")
            .filter(user=user, session_id=int(session)).first())
