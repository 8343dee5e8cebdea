"""The HR summary page (/hr/): its units rolled up, a chart that the table repeats, downloads; the scope kept."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import unit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_summary_shows_the_units_rolled_up_with_a_chart(scene):
    page = signed_in(scene["hr"]).get("/hr/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Huyện Ba Bể" in html and "Xã Thượng Giáo" in html and "Huyện Chợ Đồn" not in html
    figures = {item.unit.code: item for item in page.context["figures"]}
    assert (figures["BABE"].people, figures["BABE"].enrolled, figures["BABE"].completed) == (3, 4, 1)
    assert [row["item"].unit.code for row in page.context["chart"]["rows"]] == ["BABE-TG"]
    assert 'class="bar-chart"' in html and 'aria-hidden="true"' in html
    assert 'aria-current="page"' in html and "Đơn vị của tôi" in html


def test_drilling_down_into_a_unit_and_refusing_one_outside(scene):
    client = signed_in(scene["hr"])
    page = client.get("/hr/", {"org_unit": unit("BABE-TG").pk})
    assert [item.unit.code for item in page.context["figures"]] == ["BABE-TG"]
    assert client.get("/hr/", {"org_unit": unit("CHODON").pk}).status_code == 403
    assert client.get("/hr/", {"org_unit": "abc"}).status_code == 400


def test_the_page_is_for_hr_officers_and_admins(scene, admin_user):
    assert signed_in(scene["learner"]).get("/hr/").status_code == 403
    assert signed_in(admin_user).get("/hr/").status_code == 200
    assert Client().get("/hr/").status_code == 302


def test_downloads_from_the_page_keep_to_the_scope(scene):
    client = signed_in(scene["hr"])
    response = client.get("/hr/reports/download", {"kind": "completion", "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and scene["outsider"].full_name.encode() not in body
    pdf = client.get("/hr/reports/download", {"kind": "summary", "format": "pdf", "org_unit": unit("BABE").pk})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    outside = client.get("/hr/reports/download", {"kind": "hours", "org_unit": unit("CHODON").pk})
    assert outside.status_code == 403
    assert client.get("/hr/reports/download", {"kind": "completion", "format": "pdf"}).status_code == 400


def test_the_summary_page_takes_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    client = signed_in(scene["hr"])
    with CaptureQueriesContext(connection) as few:
        client.get("/hr/")
    for _number in range(30):
        UserFactory(org_unit=unit("BABE-TG"), roles=["learner"])
    with django_assert_max_num_queries(len(few)):
        assert client.get("/hr/").status_code == 200
