"""What people do to org units and accounts: one function per action, one transaction each."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts import audit, email_confirmation
from accounts.models import OrgUnit, User
from accounts.queue import task
from accounts.roles import ROLES, STAFF_ROLES

UNCHANGED = object()


@transaction.atomic
def create_org_unit(
    *, actor: User | None, name: str, code: str, parent: OrgUnit | None = None, kind: str = OrgUnit.Kind.OTHER
) -> OrgUnit:
    unit = OrgUnit(name=name, code=code, kind=kind, parent=parent)
    if parent is None:
        unit = OrgUnit.objects.add_root(instance=unit)
    else:
        # Locking the parent serialises the computation of the next child path.
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
        unit = OrgUnit.objects.add_child(parent, instance=unit)
    audit.record(
        actor=actor, action="org_unit.created", target=unit,
        changes={"name": name, "code": code, "parent": parent.pk if parent else None},
    )
    return unit


# People passed on at a time when a whole unit moves (an id list stays a short SQL statement).
PLACED_CHUNK = 2000


@transaction.atomic
def update_org_unit(
    *, actor: User | None, unit: OrgUnit, name: str | None = None, code: str | None = None,
    kind: str | None = None, parent=UNCHANGED,
) -> OrgUnit:
    """Rename a unit or move it, with everything under it, below another parent.

    The people moved with it are enrolled in the courses assigned above their new place.
    """
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    changes = {}
    for field, value in (("name", name), ("code", code), ("kind", kind)):
        if value is not None and getattr(unit, field) != value:
            changes[field] = [getattr(unit, field), value]
            setattr(unit, field, value)
    if changes:
        unit.save(update_fields=[*changes, "updated_at"])
    if parent is not UNCHANGED and parent != unit.parent:
        changes["parent"] = [unit.parent_id, parent.pk if parent else None]
        unit = _move_org_unit(unit, parent)
        # Courses assigned to the new parent's branch now cover everyone moved with the unit.
        moved = list(User.objects.filter(org_unit__path__startswith=unit.path).values_list("pk", flat=True))
        for start in range(0, len(moved), PLACED_CHUNK):
            people_placed(moved[start:start + PLACED_CHUNK])
    if changes:
        audit.record(actor=actor, action="org_unit.changed", target=unit, changes=changes)
    return unit


def _move_org_unit(unit: OrgUnit, parent: OrgUnit | None) -> OrgUnit:
    if parent is not None and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
        raise ValidationError({"parent": [_("A unit cannot be moved under itself or a unit below it.")]})
    if parent is None:
        OrgUnit.objects.move(unit, OrgUnit.objects.get_last_root_node(), "last-sibling")
    else:
        OrgUnit.objects.move(unit, parent, "last-child")
    OrgUnit.objects.filter(pk=unit.pk).update(parent=parent)
    return OrgUnit.objects.get(pk=unit.pk)


@transaction.atomic
def create_user(
    *, actor: User | None, username: str, full_name: str, email: str = "", password: str | None = None,
    employee_code: str = "", org_unit: OrgUnit | None = None, position: str = "", is_active: bool = True,
    roles: Iterable[str] = (), hr_scope: Iterable[OrgUnit] = (),
) -> User:
    """Create an account. Without a password, the person is invited by e-mail to set one."""
    user = User(
        username=username, full_name=full_name, email=email, employee_code=employee_code,
        org_unit=org_unit, position=position, is_active=is_active,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
        user.invitation_pending = bool(email)
    user.save()
    audit.record(
        actor=actor, action="user.created", target=user,
        changes={"username": username, "employee_code": employee_code, "org_unit": org_unit.pk if org_unit else None},
    )
    set_roles(actor=actor, user=user, roles=roles)
    set_hr_scope(actor=actor, user=user, units=hr_scope)
    if org_unit is not None:
        people_placed([user.pk])
    if user.invitation_pending:
        transaction.on_commit(lambda: task("accounts.tasks.send_invitations").delay([user.pk]))
    return user


PROFILE_FIELDS = ("username", "full_name", "email", "employee_code", "org_unit", "position", "is_active")


@transaction.atomic
def update_user(
    *, actor: User | None, user: User, roles=UNCHANGED, hr_scope=UNCHANGED, password: str | None = None, **fields
) -> User:
    """Change a person's profile, unit, roles or HR scope; each change is audited.

    A new e-mail address waits for its owner's confirmation (see accounts.email_confirmation).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    changes = {}
    for field, value in fields.items():
        if field not in PROFILE_FIELDS:
            raise TypeError(f"update_user() cannot change {field!r}")
        old = getattr(user, field)
        if old != value:
            changes[field] = [_plain(old), _plain(value)]
            setattr(user, field, value)
    if "email" in changes and email_confirmation.is_new_address(*changes["email"]):
        email_confirmation.addresses_changed([(user, changes["email"][0])])
    if password:
        user.set_password(password)
        user.invitation_pending = False
    if changes or password:
        user.save()
    if changes:
        action = "user.moved" if "org_unit" in changes else "user.changed"
        audit.record(actor=actor, action=action, target=user, changes=changes)
    if "org_unit" in changes and user.org_unit is not None:
        people_placed([user.pk])
    if password:
        audit.record(actor=actor, action="user.password_set", target=user)
    if roles is not UNCHANGED:
        set_roles(actor=actor, user=user, roles=roles)
    if hr_scope is not UNCHANGED:
        set_hr_scope(actor=actor, user=user, units=hr_scope)
    return user


@transaction.atomic
def confirm_email(*, user: User, token: str) -> bool:
    """The person confirms their changed address with the mailed token; False when it is not for that address."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not email_confirmation.token_confirms(user, token):
        return False
    if not user.email_confirmed:
        user.email_confirmed = True
        user.save(update_fields=["email_confirmed", "updated_at"])
        audit.record(actor=user, action="user.email_confirmed", target=user, changes={"email": user.email})
    return True


def people_placed(user_ids: list[int]) -> None:
    """Tell the apps above that these people joined or moved to a unit (see PERSON_PLACED_HANDLERS)."""
    for dotted in settings.PERSON_PLACED_HANDLERS:
        import_string(dotted)(user_ids)


def _plain(value):
    return value.pk if isinstance(value, OrgUnit) else value


@transaction.atomic
def set_roles(*, actor: User | None, user: User, roles: Iterable[str]) -> None:
    wanted = {role for role in roles}
    unknown = wanted - set(ROLES)
    if unknown:
        raise ValidationError({"roles": [_("Unknown role: %(role)s") % {"role": ", ".join(sorted(unknown))}]})
    before = {group.name for group in user.groups.all()} & set(ROLES)
    if wanted == before:
        return
    user.groups.remove(*Group.objects.filter(name__in=before - wanted))
    user.groups.add(*Group.objects.filter(name__in=wanted - before))
    is_staff = user.is_superuser or bool(wanted & STAFF_ROLES)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("roles", None)
    audit.record(actor=actor, action="user.roles_changed", target=user, changes={"roles": [sorted(before), sorted(wanted)]})


@transaction.atomic
def set_hr_scope(*, actor: User | None, user: User, units: Iterable[OrgUnit]) -> None:
    wanted = {unit.pk for unit in units}
    before = set(user.hr_scope.values_list("pk", flat=True))
    if wanted == before:
        return
    user.hr_scope.set(wanted)
    user.__dict__.pop("_scope_paths", None)
    audit.record(
        actor=actor, action="user.hr_scope_changed", target=user, changes={"hr_scope": [sorted(before), sorted(wanted)]}
    )
