"""The session's check-in screen for the room's projector."""

import io

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from frontend.teaching.events.views import taught_session
from training import checkin
from training.services import check_in_url


@login_required
@require_GET
def session_screen(request, pk: int):
    """The session's screen for the room: a QR code that changes every few seconds, for phones to scan.

    The page shows the code of the moment; its script fetches each new code
    from the API and swaps it in place, and without JavaScript the page reloads
    itself as the code rotates. Only the instructors of the class or conference
    may show it; to anyone else it does not exist (404), like every page of an
    object they may not use.
    """
    session = taught_session(request, pk)
    code = checkin.current_code(session.pk, at=checkin.now(), secret=settings.SECRET_KEY,
                                rotate_seconds=settings.CHECKIN_ROTATE_SECONDS)
    seconds = max(1, int((code.rotates_at - checkin.now()).total_seconds()) + 1)
    context = {"session": session, "event": session.event, "url": check_in_url(code.code), "refresh": seconds,
               "code": code.code, "short_code": code.short_code, "qr": qr_svg(check_in_url(code.code)),
               "site_address": settings.SITE_URL + reverse("check-in")}
    return render(request, "frontend/teaching/events/session_screen.html", context)


def qr_svg(text: str) -> str:
    """The QR code as an inline SVG that scales to its box (a viewBox, no fixed size)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", border=2, omitsize=True, xmldecl=False, nl=False,
                                     svgclass="session-screen__svg", title=_("Check-in code"))
    return mark_safe(buffer.getvalue().decode())  # segno's own markup; the text is in a path, not in the markup
