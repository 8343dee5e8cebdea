"""What the platform holds about one person, for them to download (Decree 13/2023).

Each app contributes an exporter named in `settings.PERSONAL_DATA_EXPORTERS`: a
function of the person returning a dict of JSON-ready data, merged in order.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import AuditEntry, Notification, User


def export(person: User) -> dict:
    data = {"generated_at": timezone.now().isoformat()}
    for dotted in settings.PERSONAL_DATA_EXPORTERS:
        data.update(import_string(dotted)(person))
    return data


def export_account(person: User) -> dict:
    person = User.objects.select_related("org_unit").prefetch_related("groups", "hr_scope").get(pk=person.pk)
    log = AuditEntry.objects.filter(
        Q(actor_id=person.pk) | Q(target_type=User._meta.label_lower, target_id=str(person.pk))
    )
    return {
        "account": {
            "username": person.username,
            "full_name": person.full_name,
            "email": person.email,
            "employee_code": person.employee_code,
            "org_unit": {"code": person.org_unit.code, "name": person.org_unit.name} if person.org_unit else None,
            "position": person.position,
            "roles": person.roles,
            "hr_scope": [{"code": unit.code, "name": unit.name} for unit in person.hr_scope.all()],
            "is_active": person.is_active,
            "date_joined": person.date_joined.isoformat(),
            "last_login": person.last_login.isoformat() if person.last_login else None,
            "invited_at": person.invited_at.isoformat() if person.invited_at else None,
            "language": person.language,
            "notices_not_sent_by_email": person.email_muted,
        },
        "notifications": [
            {"time": notice.created_at.isoformat(), "title": notice.title, "text": notice.text, "url": notice.url,
             "read_at": notice.read_at.isoformat() if notice.read_at else None}
            for notice in Notification.objects.filter(recipient=person).iterator()
        ],
        "activity": [
            {
                "time": entry.created_at.isoformat(),
                "action": entry.action,
                "by": entry.actor_username,
                "object": entry.target_repr,
                "details": entry.changes,
                "ip_address": entry.ip_address,
            }
            for entry in log.iterator()
        ],
    }
