import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from config.celery import app as celery_app
from tests.factories import UserFactory, org_unit


@pytest.fixture(autouse=True)
def _clean_cache_and_eager_celery(request):
    """Each test starts with empty throttles; tasks run in-process unless a real worker is asked for."""
    cache.clear()
    eager = request.node.get_closest_marker("worker") is None
    celery_app.conf.task_always_eager = eager
    celery_app.conf.task_eager_propagates = eager
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def province(db):
    """A small province: two districts with a commune each, and a department."""
    root = org_unit("Tỉnh Bắc Kạn", code="BK", kind="province")
    district = org_unit("Huyện Ba Bể", parent=root, code="BABE", kind="district")
    org_unit("Xã Thượng Giáo", parent=district, code="BABE-TG", kind="commune")
    other = org_unit("Huyện Chợ Đồn", parent=root, code="CHODON", kind="district")
    org_unit("Xã Bằng Lãng", parent=other, code="CHODON-BL", kind="commune")
    org_unit("Sở Nội vụ", parent=root, code="SNV", kind="department")
    return root


def unit(code: str):
    from accounts.models import OrgUnit

    return OrgUnit.objects.get(code=code)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", full_name="Quản Trị Viên", roles=["admin"])


@pytest.fixture
def hr_babe(province):
    """An HR officer who answers for Ba Bể district only."""
    return UserFactory(username="tochuc", full_name="Hoàng Thị Tổ Chức", roles=["hr"], hr_scope=[unit("BABE")])


@pytest.fixture
def learner(province):
    return UserFactory(username="hocvien", full_name="Nông Văn Học", org_unit=unit("BABE-TG"), roles=["learner"])


@pytest.fixture
def outsider(province):
    """A learner in another district, outside the HR officer's scope."""
    return UserFactory(username="ngoai", full_name="Lục Thị Ngoài", org_unit=unit("CHODON-BL"), roles=["learner"])
