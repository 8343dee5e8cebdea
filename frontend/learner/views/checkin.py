"""Self check-in from a phone: the session screen's QR code opens this page with its code."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from training import checkin, services
from training.models import Session


@login_required
def check_in_page(request):
    """GET shows the code's button; POST checks the person in (present, or late) and says so."""
    code = request.POST.get("code") or request.GET.get("code", "")
    context = {"code": code}
    if request.method == "POST":
        context.update(_check_in(request.user, code))
    return render(request, "frontend/learner/checkin.html", context, status=context.get("status", 200))


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
