from rest_framework.permissions import BasePermission

from accounts.roles import Role


class HasRole(BasePermission):
    """The caller holds one of `roles` (a superuser holds them all)."""

    roles: tuple[str, ...] = ()

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_role(*self.roles))


class IsAdmin(HasRole):
    roles = (Role.ADMIN,)


class IsHROrAdmin(HasRole):
    roles = (Role.HR, Role.ADMIN)


class IsInstructor(HasRole):
    roles = (Role.INSTRUCTOR, Role.ADMIN)


class IsStaff(HasRole):
    """Anyone but a plain learner: instructors, HR and administrators."""

    roles = (Role.INSTRUCTOR, Role.HR, Role.ADMIN)
