"""What part of the organisation a person may act on.

Administrators act on everything. An HR officer acts on the units of their HR
scope and everything under them, and changes only the learners there; the paths
of those units are read once per request and cached on the person object.
"""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from accounts.models import OrgUnit, User
from accounts.roles import STAFF_ROLES, Role


def scope_paths(actor: User) -> list[str] | None:
    """The path prefixes of the actor's scope; None means everything."""
    if actor.has_role(Role.ADMIN):
        return None
    if not hasattr(actor, "_scope_paths"):
        paths = sorted(actor.hr_scope.values_list("path", flat=True)) if actor.has_role(Role.HR) else []
        # A unit inside another unit of the scope adds nothing.
        actor._scope_paths = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
    return actor._scope_paths


def scope_q(actor: User, field: str = "org_unit__path") -> Q:
    """The actor's scope as a condition on the path `field` (everything for an administrator)."""
    paths = scope_paths(actor)
    return Q() if paths is None else _paths_q(paths, field)


def _paths_q(paths: list[str], field: str) -> Q:
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": path}) for path in paths))


def units_in_scope(actor: User) -> QuerySet[OrgUnit]:
    paths = scope_paths(actor)
    units = OrgUnit.objects.all()
    return units if paths is None else units.filter(_paths_q(paths, "path"))


def users_in_scope(actor: User) -> QuerySet[User]:
    paths = scope_paths(actor)
    users = User.objects.all()
    return users if paths is None else users.filter(_paths_q(paths, "org_unit__path"))


def unit_in_scope(actor: User, unit: OrgUnit | None) -> bool:
    paths = scope_paths(actor)
    if paths is None:
        return True
    return unit is not None and any(unit.path.startswith(path) for path in paths)


def may_change_person(actor: User, person: User) -> bool:
    """Administrators change anyone; HR officers only people of their scope with no role above learner.

    Read from `roles`, not `has_role()`: a deactivated administrator is still one,
    whom HR must not change (and switch back on with an address of their choosing).
    """
    if actor.has_role(Role.ADMIN):
        return True
    return (
        actor.has_role(Role.HR)
        and not STAFF_ROLES.intersection(person.roles)
        and unit_in_scope(actor, person.org_unit)
    )
