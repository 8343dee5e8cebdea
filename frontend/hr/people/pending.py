"""A staff file kept between its preview and the officer's confirmation.

The bytes go to the private storage (nothing stored there has a public address)
under a random name, and the officer's page carries a token signed with the site's
key: the file's name and SHA-256, the officer, and the digest of the preview they
saw. It holds for `MAX_AGE`. A token of another officer, a token altered, an
expired one, or a file changed or gone is refused, so "Xác nhận" imports the file
the officer previewed or nothing. Confirming or cancelling deletes the file; files
older than `MAX_AGE` are deleted whenever another one is kept (the cache would not
do: in the quick start each server process has its own, and it may drop anything).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

FOLDER = "staff-imports"
SALT = "frontend.hr.people.pending"
MAX_AGE = timedelta(minutes=30)


class PendingError(Exception):
    """The kept file cannot be imported; the message says why and what to do."""


class NotYours(PendingError):
    """The token is another officer's."""


@dataclass(frozen=True)
class Kept:
    name: str  # in the storage
    sha256: str
    file_name: str  # as uploaded
    officer: int
    digest: str  # of the preview shown

    def token(self) -> str:
        return signing.dumps([self.name, self.sha256, self.file_name, self.officer, self.digest], salt=SALT)


def keep(*, officer: User, data: bytes, file_name: str, digest: str) -> Kept:
    sweep()
    name = default_storage.save(f"{FOLDER}/{secrets.token_urlsafe(24)}.bin", ContentFile(data))
    return Kept(name, hashlib.sha256(data).hexdigest(), file_name[:255], officer.pk, digest)


def open_kept(*, officer: User, token: str) -> tuple[Kept, bytes]:
    """The kept file of the token, and its bytes; raises `PendingError` (or `NotYours`)."""
    try:
        kept = Kept(*signing.loads(token, salt=SALT, max_age=MAX_AGE))
    except signing.SignatureExpired:
        raise PendingError(_("This preview is more than %(minutes)d minutes old: upload the file again.")
                           % {"minutes": MAX_AGE.seconds // 60}) from None
    except (signing.BadSignature, TypeError, ValueError):
        raise PendingError(_("This preview is not valid: upload the file again.")) from None
    if kept.officer != officer.pk:
        raise NotYours(_("This preview belongs to another person."))
    try:
        with default_storage.open(kept.name) as stored:
            data = stored.read()
    except OSError:
        raise PendingError(_("The file of this preview is no longer kept: upload it again.")) from None
    if hashlib.sha256(data).hexdigest() != kept.sha256:
        raise PendingError(_("The file changed since the preview: upload it again."))
    return kept, data


def discard(kept: Kept) -> None:
    default_storage.delete(kept.name)


def sweep() -> None:
    """Delete the files of previews nobody confirmed or cancelled in time."""
    limit = timezone.now() - MAX_AGE
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except OSError:  # no file kept yet
        return
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except OSError:  # deleted meanwhile by another request
            continue
