"""Self check-in from a phone: the session screen's QR code opens this page with its code."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from training import checkin, services
from training.access import teaches
from training.api import check_in_url
from training.models import Session


@login_required
def check_in_page(request):
    """GET shows the code's button; POST checks the person in (present, or late) and says so."""
    code = request.POST.get("code") or request.GET.get("code", "")
    context = {"code": code}
    if request.method == "POST":
        context.update(_check_in(request.user, code))
    return render(request, "frontend/checkin.html", context, status=context.get("status", 200))


def _check_in(user, code: str) -> dict:
    try:
        record, created = services.check_in(user=user, code=code)
    except checkin.ExpiredCode:
        return {"error": _("This code has expired. Scan the code on the screen again."), "status": 400}
    except (checkin.InvalidCode, Session.DoesNotExist):
        return {"error": _("This is not a valid check-in code. Scan the code on the screen again."), "status": 400}
    except services.NotOnRoster:
        return {"error": _("You are not on the roster of this class or conference. Ask its instructors to add you."),
                "status": 403}
    except services.CheckInClosed as error:
        return {"error": str(error), "status": 409}
    return {"record": record, "created": created}


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
    return render(request, "frontend/session_screen.html", context)
