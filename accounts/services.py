"""What people do to org units and accounts: one function per action, one transaction each."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.conf import settings
from django.db import transaction
from django.utils import timezone
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
        check_takes_new_members(parent, "parent")
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
        check_takes_new_members(parent, "parent")
        changes["parent"] = [unit.parent_id, parent.pk if parent else None]
        unit = _move_org_unit(unit, parent)
        # Courses assigned to the new parent's branch now cover everyone moved with the unit.
        moved = list(User.objects.filter(org_unit__path__startswith=unit.path).values_list("pk", flat=True))
        _people_placed_in_chunks(moved)
    if changes:
        audit.record(actor=actor, action="org_unit.changed", target=unit, changes=changes)
    return unit


def check_takes_new_members(unit: OrgUnit | None, field: str) -> None:
    """A merged or dissolved unit is history: it takes no new people, sub-units or HR officers."""
    if unit is not None and not unit.is_active:
        raise ValidationError({field: [_("“%(unit)s” was merged into another unit or dissolved.") % {"unit": unit}]})


@transaction.atomic
def merge_org_unit(*, actor: User | None, unit: OrgUnit, into: OrgUnit, on: date) -> OrgUnit:
    """Merge `unit` into `into` on the date `on` (a reorganisation, such as the communes merged on 1 July 2025).

    Its people, sub-units (with everything under them), HR officers and assignments
    go to `into`; the unit stays, marked as merged, so that history still names it.
    Enrolments, completions, attendance and certificates stay with the people, so
    reports by the successor count what they earned before. `on` may be any day up
    to today: a change is often recorded after it took effect, never before.
    """
    locked = _lock_units(unit.pk, into.pk)
    unit, into = locked[unit.pk], locked[into.pk]
    _check_retirable(unit, on)
    if into.path.startswith(unit.path):
        raise ValidationError({"into": [_("A unit cannot be merged into itself or a unit below it.")]})
    check_takes_new_members(into, "into")
    people = _move_members(unit, into)
    sub_units = _move_sub_units(unit, into)
    officers = _move_hr_scope(unit, [into])
    org_unit_merged(unit.pk, into.pk)
    OrgUnit.objects.filter(pk=unit.pk).update(merged_into=into, merged_on=on, updated_at=timezone.now())
    # Everyone under the successor, not only those who came: the courses assigned to the merged unit
    # are the successor's now, and cover its own people too.
    into.refresh_from_db()
    _people_placed_in_chunks(list(User.objects.filter(into.subtree_q("org_unit__path")).values_list("pk", flat=True)))
    unit.refresh_from_db()
    audit.record(actor=actor, action="org_unit.merged", target=unit, changes={
        "into": into.pk, "on": on.isoformat(), "people": len(people), "sub_units": sub_units, "hr_officers": officers,
    })
    return unit


@transaction.atomic
def dissolve_org_unit(*, actor: User | None, unit: OrgUnit, on: date) -> OrgUnit:
    """Dissolve a level of the tree (the districts on 1 July 2025): its sub-units and people move up to its parent.

    What the unit covered is never widened: its HR officers and assigned courses go to
    its sub-units, not to the parent (a district's mandatory course does not become
    the province's). People placed in the unit itself move to the parent and keep
    their enrolments, but leave the district's HR officers' scope. The unit stays,
    marked as dissolved on `on` (any day up to today).
    """
    if unit.parent_id is None:
        raise ValidationError({"detail": [_("A unit at the top of the tree cannot be dissolved; merge it instead.")]})
    locked = _lock_units(unit.pk, unit.parent_id)
    unit = locked[unit.pk]
    parent = locked.get(unit.parent_id) or OrgUnit.objects.select_for_update().get(pk=unit.parent_id)
    _check_retirable(unit, on)
    people = _move_members(unit, parent)
    # Only current sub-units take over: one merged or dissolved earlier is history, and covers nobody.
    # With none, the unit's HR officers lose it and its assignments stay with it, as history.
    children = list(OrgUnit.objects.active().filter(parent=unit).order_by("path"))
    officers = _move_hr_scope(unit, children)
    sub_units = _move_sub_units(unit, parent)
    for child in children:
        org_unit_merged(unit.pk, child.pk)
    OrgUnit.objects.filter(pk=unit.pk).update(dissolved_on=on, updated_at=timezone.now())
    _people_placed_in_chunks(people)
    unit.refresh_from_db()
    audit.record(actor=actor, action="org_unit.dissolved", target=unit, changes={
        "parent": parent.pk, "on": on.isoformat(), "people": len(people), "sub_units": sub_units,
        "hr_officers": officers,
    })
    return unit


def org_unit_merged(old_unit_id: int, new_unit_id: int) -> None:
    """Tell the apps above that what `old_unit_id` covered, `new_unit_id` covers now (ORG_UNIT_MERGED_HANDLERS)."""
    for dotted in settings.ORG_UNIT_MERGED_HANDLERS:
        import_string(dotted)(old_unit_id, new_unit_id)


def _lock_units(*ids: int) -> dict[int, OrgUnit]:
    """Lock the rows in the order of their ids, so that two reorganisations never wait on each other."""
    rows = OrgUnit.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {row.pk: row for row in rows}


def _check_retirable(unit: OrgUnit, on: date) -> None:
    if not unit.is_active:
        raise ValidationError({"detail": [_("This unit was already merged into another unit or dissolved.")]})
    if on > timezone.localdate():
        raise ValidationError({"on": [_("The date of a reorganisation cannot be in the future.")]})


def _move_members(unit: OrgUnit, successor: OrgUnit) -> list[int]:
    """Move the people placed in the unit itself (not below it) to `successor`.

    Returns the ids of everyone in the unit's subtree (locked), who all have a new place
    once the sub-units moved too. Two statements, whatever their number.
    """
    people = User.objects.select_for_update(of=("self",)).filter(unit.subtree_q("org_unit__path"))
    people = list(people.values_list("pk", flat=True))
    User.objects.filter(org_unit=unit).update(org_unit=successor, updated_at=timezone.now())
    return people


def _move_sub_units(unit: OrgUnit, parent: OrgUnit) -> list[int]:
    """Move the unit's children, each with its subtree, under `parent`; returns their ids."""
    moved = []
    for child in OrgUnit.objects.filter(parent=unit).order_by("path"):
        _move_org_unit(child, OrgUnit.objects.get(pk=parent.pk))
        moved.append(child.pk)
    return moved


def _move_hr_scope(unit: OrgUnit, successors: list[OrgUnit]) -> list[int]:
    """The HR officers who answered for the unit answer for its successors instead; returns their ids."""
    Scope = User.hr_scope.through
    officers = list(Scope.objects.filter(orgunit=unit).values_list("user_id", flat=True))
    if officers:
        Scope.objects.bulk_create(
            [Scope(user_id=officer, orgunit_id=successor.pk) for officer in officers for successor in successors],
            ignore_conflicts=True,  # an officer who answered for a successor already keeps one row
        )
        Scope.objects.filter(orgunit=unit).delete()
    return sorted(officers)


def _people_placed_in_chunks(user_ids: list[int]) -> None:
    for start in range(0, len(user_ids), PLACED_CHUNK):
        people_placed(user_ids[start:start + PLACED_CHUNK])


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
    check_takes_new_members(org_unit, "org_unit")
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


PROFILE_FIELDS = ("username", "full_name", "email", "employee_code", "org_unit", "position", "is_active", "language",
                  "email_muted")


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
            if field == "org_unit":
                check_takes_new_members(value, "org_unit")
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
    units = list(units)
    wanted = {unit.pk for unit in units}
    before = set(user.hr_scope.values_list("pk", flat=True))
    if wanted == before:
        return
    for unit in units:
        if unit.pk not in before:
            check_takes_new_members(unit, "hr_scope")
    user.hr_scope.set(wanted)
    user.__dict__.pop("_scope_paths", None)
    audit.record(
        actor=actor, action="user.hr_scope_changed", target=user, changes={"hr_scope": [sorted(before), sorted(wanted)]}
    )
