from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts import demo
from accounts.models import OrgUnit, User
from accounts.scope import users_in_scope

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    output = StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def counts() -> tuple[int, int, int]:
    return OrgUnit.objects.count(), User.objects.count(), User.groups.through.objects.count()


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first


def test_the_demo_has_the_province_and_at_least_fifty_learners():
    load_demo()
    assert OrgUnit.objects.get(code="BK").name == "Tỉnh Bắc Kạn"
    assert OrgUnit.objects.get(code="BK-BABE-TG").parent.code == "BK-BABE"
    learners = User.objects.filter(groups__name="learner")
    assert learners.count() >= 50
    assert learners.filter(org_unit=None).count() == 0
    assert learners.filter(full_name__startswith="Nông").exists()


def test_every_demo_login_signs_in_with_the_demo_password():
    load_demo()
    for username in ("admin", "hr", "giangvien1", "giangvien2", "hocvien01", demo.learner_username(len(demo.LEARNERS))):
        assert authenticate(username=username, password=demo.DEMO_PASSWORD) is not None, username


def test_the_demo_people_have_their_roles():
    load_demo()
    assert User.objects.get(username="admin").roles == ["admin"]
    assert User.objects.get(username="hr").roles == ["hr"]
    assert User.objects.get(username="giangvien2").roles == ["instructor"]
    assert User.objects.get(username="giangvien2").org_unit.code == "BK-TCT"
    assert User.objects.get(username="hocvien01").roles == ["learner"]


def test_the_hr_officer_answers_for_ba_be_and_cho_don_only():
    load_demo()
    hr = User.objects.get(username="hr")
    assert sorted(hr.hr_scope.values_list("code", flat=True)) == ["BK-BABE", "BK-CHODON"]
    in_scope = users_in_scope(hr)
    assert in_scope.filter(username="hocvien01").exists()  # Xã Thượng Giáo, Ba Bể
    assert not in_scope.filter(username=demo.learner_username(24)).exists()  # Phường Đức Xuân, the city
    # The demo puts people in the district's communes and divisions, one level down.
    districts = {person.org_unit.parent.code for person in in_scope.select_related("org_unit__parent")}
    assert districts == {"BK-BABE", "BK-CHODON"}


def test_demo_e_mail_addresses_and_employee_codes_are_unique_and_ascii():
    load_demo()
    emails = list(User.objects.values_list("email", flat=True))
    codes = list(User.objects.values_list("employee_code", flat=True))
    assert len(set(emails)) == len(emails)
    assert len(set(codes)) == len(codes)
    assert all(email.isascii() and email.endswith("@backan.gov.vn") for email in emails)
    assert User.objects.get(username="hocvien01").email == "thang.nong@backan.gov.vn"


def test_the_command_prints_the_address_and_the_logins():
    output = load_demo()
    assert f"{settings.SITE_URL}/" in output
    for username in ("admin", "hr", "giangvien1", "giangvien2", "hocvien01"):
        assert username in output
    assert demo.DEMO_PASSWORD in output
    assert "Cán bộ tổ chức" in output


def test_vietnamese_names_lose_their_diacritics_in_e_mail_addresses():
    assert demo.ascii_name("Đàm Thị Thu Trang") == "dam thi thu trang"
    taken = set()
    assert demo.demo_email("Hoàng Thị Lan", taken) == "lan.hoang@backan.gov.vn"
    assert demo.demo_email("Hoàng Thị Lan", taken) == "lan.hoang2@backan.gov.vn"
