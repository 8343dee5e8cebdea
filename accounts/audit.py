"""The audit log: `record()` is called by every service whose action matters.

Where the action came from (address, browser) is taken from the request being
served, which a middleware keeps in a context variable, so that services need not
pass requests around. Passwords and tokens are never written: callers pass only
the fields that changed, and `record()` drops any key that names a secret.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import models

from accounts.models import AuditEntry

current_request = ContextVar("current_request", default=None)

SECRET_KEYS = ("password", "token", "secret")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def client_ip(request) -> str | None:
    """The caller's address, trusting only as many proxies as configured."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record(*, actor, action: str, target: models.Model | None = None, changes: dict | None = None) -> AuditEntry:
    request = current_request.get()
    entry = AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        changes=_without_secrets(changes or {}),
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:255]
    if request is not None:
        entry.ip_address = client_ip(request)
        entry.user_agent = request.META.get("HTTP_USER_AGENT", "")[:255]
    entry.save()
    return entry


def _without_secrets(changes: dict) -> dict:
    return {
        key: _without_secrets(value) if isinstance(value, dict) else value
        for key, value in changes.items()
        if not any(secret in key.lower() for secret in SECRET_KEYS)
    }
