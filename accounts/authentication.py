"""API tokens: issued at sign-in, good for `API_TOKEN_LIFETIME_HOURS`, checked in one prepared SQL statement.

DRF's TokenAuthentication loads the token and its user through the ORM. Every
API request pays for it, and on this hardware building that query costs more
than running it. This does the same with one fixed statement that joins the
token to its user, read through `raw()` so that every backend's converters apply,
and that tells at the same time whether the token has expired.

A person has one token, shared by the devices they sign in on. A sign-in gives
the same key while more than half its lifetime is left, and a new one after
that (the old key then stops working); signing out deletes it everywhere.
"""

from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.models import User


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        cutoff = connection.ops.adapt_datetimefield_value(_expiry_cutoff())
        user = next(iter(User.objects.raw(_user_by_token_sql(), [cutoff, key])), None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if user.token_expired:
            raise exceptions.AuthenticationFailed(_("This token has expired. Sign in again for a new one."))
        return user, Token(key=key, user=user)


@transaction.atomic
def issue_token(*, user: User) -> Token:
    """The person's token while more than half its lifetime is left; else a new key, good for a whole lifetime.

    A sign-in never makes a key live longer: a key someone copied dies one
    lifetime after it was issued, however often its owner signs in.
    """
    renew_after = timezone.now() - timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS / 2)
    Token.objects.filter(user=user, created__lte=renew_after).delete()
    return Token.objects.get_or_create(user=user)[0]


def _expiry_cutoff():
    """Tokens issued at or before this moment have expired."""
    return timezone.now() - timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS)


@cache
def _user_by_token_sql() -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT u.*, t.{quote('created')} <= %s AS token_expired "
        f"FROM {quote(User._meta.db_table)} u INNER JOIN {quote(Token._meta.db_table)} t "
        f"ON t.user_id = u.{quote(User._meta.pk.column)} WHERE t.{quote('key')} = %s"
    )
