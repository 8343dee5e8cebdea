"""Who may see and run which classes and conferences: read by the API, the web pages and the admin alike."""

from django.db.models import Q

from accounts.roles import Role
from training.models import Event, RosterEntry


def teaches(user, event: Event) -> bool:
    return event.is_taught_by(user)


def is_hr(user) -> bool:
    return user.has_role(Role.HR, Role.ADMIN)


def visible_events(user):
    """Administrators and HR see every class and conference; others those they teach or are on the roster of."""
    events = Event.objects.all()
    if is_hr(user):
        return events
    taught = Event.instructors.through.objects.filter(user_id=user.pk).values("event_id")
    rostered = RosterEntry.objects.filter(user_id=user.pk).values("event_id")
    return events.filter(Q(pk__in=taught) | Q(pk__in=rostered))


def taught_events(user):
    """The classes and conferences the caller runs (every one for an administrator)."""
    if user.has_role(Role.ADMIN):
        return Event.objects.all()
    return Event.objects.filter(instructors=user)
