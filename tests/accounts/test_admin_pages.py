from django.test import Client

from accounts.models import User
from tests.conftest import unit
from tests.factories import UserFactory


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_hr_sees_only_their_scope_in_the_admin(hr_babe, learner, outsider):
    client = signed_in(hr_babe)
    listing = client.get("/admin/accounts/user/")
    assert listing.status_code == 200
    assert "Nông Văn Học".encode() in listing.content
    assert "Lục Thị Ngoài".encode() not in listing.content
    assert client.get(f"/admin/accounts/user/{outsider.pk}/change/").status_code == 302  # "doesn't exist" redirect


def test_hr_cannot_give_roles_through_the_admin(hr_babe, learner):
    from django.contrib.auth.models import Group

    client = signed_in(hr_babe)
    page = client.get(f"/admin/accounts/user/{learner.pk}/change/")
    assert page.status_code == 200
    assert b'name="groups"' not in page.content and b'name="is_superuser"' not in page.content
    client.post(f"/admin/accounts/user/{learner.pk}/change/", {
        "full_name": learner.full_name, "email": learner.email, "employee_code": learner.employee_code,
        "org_unit": unit("BABE").pk, "position": "", "is_active": "on", "groups": [Group.objects.get(name="admin").pk],
        "is_superuser": "on",
    })
    learner = User.objects.get(pk=learner.pk)
    assert learner.roles == ["learner"] and not learner.is_superuser
    assert learner.org_unit == unit("BABE")


def test_hr_cannot_edit_an_administrator_in_the_admin(hr_babe, province):
    boss = UserFactory(org_unit=unit("BABE"), roles=["admin"])
    client = signed_in(hr_babe)
    response = client.post(f"/admin/accounts/user/{boss.pk}/change/", {"full_name": "Bị sửa"})
    assert response.status_code == 403
