"""The session's check-in screen for the room's projector."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from training import checkin
from training.access import teaches
from training.models import Session
from training.services import check_in_url


@login_required
def session_screen(request, pk: int):
    """The session's screen for the room: a QR code that changes every few seconds, for phones to scan.

    The page reloads itself as the code rotates (no JavaScript needed). Only the
    instructors of the class or conference may show it; to anyone else it does
    not exist (404), like every page of an object they may not use.
    """
    session = get_object_or_404(Session.objects.select_related("event").prefetch_related("event__instructors"), pk=pk)
    if not teaches(request.user, session.event):
        raise Http404
    code = checkin.current_code(session.pk, at=checkin.now(), secret=settings.SECRET_KEY,
                                rotate_seconds=settings.CHECKIN_ROTATE_SECONDS)
    seconds = max(1, int((code.rotates_at - checkin.now()).total_seconds()) + 1)
    context = {"session": session, "event": session.event, "url": check_in_url(code.code), "refresh": seconds,
               "stamp": code.code.rsplit(".", 1)[-1][:8]}
    return render(request, "frontend/teaching/events/session_screen.html", context)
