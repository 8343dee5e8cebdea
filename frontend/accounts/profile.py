"""My profile (`/accounts/profile/`) and my notifications (`/notifications/`).

Each person sees and changes only their own: a notification of someone else is
not found (404), as the API answers. Changes go through `accounts.services` and
`accounts.notifications`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import notifications, services
from accounts.models import Notification
from frontend.accounts.forms import ProfileForm
from frontend.accounts.views import set_language_cookie

NOTIFICATIONS_PER_PAGE = 20


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    person = request.user
    form = ProfileForm.for_person(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        old_email = person.email
        person = services.update_user(actor=request.user, user=person, **form.changes())
        response = redirect("profile")
        set_language_cookie(response, person.language)
        with translation.override(person.language):  # the next page is in the language just chosen
            messages.success(request, saved_message(old_email, person))
        return response
    return render(request, "frontend/accounts/profile.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


def saved_message(old_email: str, person) -> str:
    if person.email and person.email != old_email:
        return _("Saved. We sent a confirmation link to %(email)s: the new address works once you follow it.") % {
            "email": person.email}
    return _("Saved your profile.")


@login_required
@require_safe
def notification_list(request):
    """My notifications, newest first, unread ones marked."""
    page = Paginator(Notification.objects.filter(recipient=request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "frontend/accounts/notifications.html", {"page": page, "notices": list(page)})


@login_required
@require_safe
def open_notification(request, pk: int):
    """Marks the notification read and goes where it leads (only somewhere on this site)."""
    notification = notifications.mark_read(get_object_or_404(Notification, pk=pk, recipient=request.user))
    if not notification.url.startswith("/") or not url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect("notifications")
    return redirect(notification.url)


@login_required
@require_POST
def read_notification(request, pk: int):
    notifications.mark_read(get_object_or_404(Notification, pk=pk, recipient=request.user))
    messages.success(request, _("Marked as read."))
    return redirect(back_to_list(request))


@login_required
@require_POST
def read_all_notifications(request):
    count = notifications.mark_all_read(user=request.user)
    messages.success(request, _("Marked all notifications as read.") if count else _("Nothing was unread."))
    return redirect(back_to_list(request))


def back_to_list(request) -> str:
    """The page of the list the form was on."""
    page = request.POST.get("page", "")
    return reverse("notifications") + (f"?page={page}" if page.isdigit() and page != "1" else "")
