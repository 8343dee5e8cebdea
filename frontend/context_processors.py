"""What every page's layout needs from the database."""

from functools import cache, partial

from accounts.notifications import unread_count


def unread_notifications(request) -> dict:
    """The number of my unread notifications, for the main menu.

    The session's person comes with it (`accounts.signin.ThrottledModelBackend.get_user`);
    anyone else costs one query, made only if the page shows the number.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": cache(partial(unread_count, user))}
