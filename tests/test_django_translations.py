"""Django's own screens in Vietnamese: the strings its vi catalogue lacks come from locale_django/."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests.factories import UserFactory


# Django's own words, held in variables so that makemessages does not take them into the project's catalogue.
DJANGOS = {"Show counts": "Hiện số lượng", "Skip to main content": "Chuyển đến nội dung chính",
           "This field is required.": "Trường này là bắt buộc."}
PLURAL = ("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.")


def test_django_strings_its_catalogue_lacks_are_vietnamese():
    with translation.override("vi"):
        for english, vietnamese in DJANGOS.items():
            assert gettext(english) == vietnamese
        assert ngettext(*PLURAL, 3) == "Vui lòng gửi tối đa %(num)d biểu mẫu."
        # The project's own catalogue still comes first.
        assert gettext("Administrative reform training") == "Hệ thống đào tạo cải cách hành chính"


@pytest.mark.django_db
def test_the_admin_is_the_platforms_and_its_javascript_speaks_vietnamese():
    client = Client()
    client.force_login(UserFactory(roles=["admin"], is_superuser=True))
    page = client.get("/admin/").content.decode()
    assert "Hệ thống đào tạo cải cách hành chính" in page and "Django" not in page.split("<body")[1]
    refused = client.post("/api/v1/org-units/", {}, format="json")
    assert refused.json()["name"] == ["Trường này là bắt buộc."], "the API's errors too (Django REST framework)"
    script = client.get("/admin/jsi18n/").content.decode()
    assert "Ch\\u1ecdn t\\u1ea5t c\\u1ea3 %s" in script or "Chọn tất cả %s" in script
