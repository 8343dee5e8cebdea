"""My profile (`/accounts/profile/`) and my notifications (`/notifications/`)."""

from django.http import Http404


def profile(request):
    raise Http404  # being built


def notification_list(request):
    raise Http404  # being built
