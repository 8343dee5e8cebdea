"""Factories for test data. Passwords are unusable unless a test needs to sign in."""

import itertools

import factory
from django.contrib.auth.models import Group

from accounts.models import OrgUnit, User

_codes = itertools.count(1)


def org_unit(name: str | None = None, *, parent: OrgUnit | None = None, code: str | None = None,
             kind: str = OrgUnit.Kind.OTHER) -> OrgUnit:
    """A unit under `parent` (a root without one), made the way the services make it."""
    number = next(_codes)
    unit = OrgUnit(name=name or f"Đơn vị {number}", code=code or f"U{number:05d}", kind=kind, parent=parent)
    if parent is None:
        return OrgUnit.objects.add_root(instance=unit)
    return OrgUnit.objects.add_child(OrgUnit.objects.get(pk=parent.pk), instance=unit)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.LazyAttribute(lambda person: f"{person.username}@example.gov.vn")
    employee_code = factory.Sequence(lambda n: f"CC{n:06d}")
    password = "!unusable"

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
            self.is_staff = any(role != "learner" for role in extracted)
            self.save(update_fields=["is_staff"])
            self.__dict__.pop("roles", None)

    @factory.post_generation
    def hr_scope(self, create, extracted, **kwargs):
        if create and extracted:
            self.hr_scope.set(extracted)
