"""Stored files on S3-compatible object storage, against a local moto server.

The storage is the one config/settings.py builds from STORAGE_BACKEND=s3 and the
S3_* variables, so these tests check the production configuration: that Django's
default storage and every FileField really switch to the bucket, that bytes and
Vietnamese names survive the round trip, that nothing is made public, that two
saves under one name never overwrite each other, and that a certificate issued
with the bucket as storage downloads as exactly the bytes its SHA-256 records.
"""

import hashlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone
from storages.backends.s3 import S3Storage

from certificates.models import Certificate
from tests.conftest import client_for
from tests.courses.conftest import build_course, instructor  # noqa: F401
from tests.s3server import s3_bucket, s3_server, s3_storage, settings_from_environment  # noqa: F401

PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


def test_the_folder_is_the_default():
    assert default_storage.__class__ is FileSystemStorage
    assert Certificate._meta.get_field("pdf").storage.__class__ is FileSystemStorage


def test_settings_build_a_private_non_overwriting_s3_storage(monkeypatch, s3_bucket, settings):
    built = settings_from_environment(monkeypatch, {**s3_bucket.environment(), "S3_PREFIX": "/hoc/media/"})
    default = built["STORAGES"]["default"]
    options = default["OPTIONS"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == s3_bucket.name
    assert options["location"] == "hoc/media"
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    assert options["client_config"].s3 == {"addressing_style": "path"}
    assert built["STORAGES"]["staticfiles"] == settings.STORAGES["staticfiles"]


def test_s3_without_a_bucket_stops_start_up(monkeypatch):
    monkeypatch.delenv("S3_BUCKET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="S3_BUCKET"):
        settings_from_environment(monkeypatch, {"STORAGE_BACKEND": "s3"})


def test_an_unknown_backend_stops_start_up(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="STORAGE_BACKEND"):
        settings_from_environment(monkeypatch, {"STORAGE_BACKEND": "ftp"})


def test_default_storage_and_file_fields_switch_to_the_bucket(s3_storage):
    assert default_storage.__class__ is S3Storage
    # A FileField keeps the `default_storage` proxy it got at class creation; the proxy now leads to the bucket.
    field_storage = Certificate._meta.get_field("pdf").storage
    assert field_storage is default_storage and field_storage.__class__ is S3Storage
    assert default_storage.bucket_name == s3_storage.name


def test_bytes_and_vietnamese_names_round_trip_privately(s3_storage):
    data = bytes(range(256)) * 64 + "Nguyễn Thị Hương, Đặng Thủy, Ưng".encode()
    name = default_storage.save("giấy chứng nhận/Nguyễn Thị Hương, Đặng Thủy.pdf", ContentFile(data))
    assert name == "giấy chứng nhận/Nguyễn Thị Hương, Đặng Thủy.pdf"
    key = f"{s3_storage.prefix}/{name}"
    assert s3_storage.keys() == [key]
    assert s3_storage.read(key) == data

    with default_storage.open(name, "rb") as stored:
        assert stored.read() == data
    assert default_storage.exists(name) and default_storage.size(name) == len(data)

    # Private: no grant to anyone but the owner, and the only URL is a signed, short-lived one.
    grants = s3_storage.client().get_object_acl(Bucket=s3_storage.name, Key=key)["Grants"]
    assert not [grant for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GROUPS]
    url = default_storage.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url

    # Two workers saving one name get two objects: the first one's bytes are kept.
    second = default_storage.save(name, ContentFile(b"other worker"))
    assert second != name
    assert default_storage.open(name, "rb").read() == data

    default_storage.delete(name)
    default_storage.delete(second)
    assert not default_storage.exists(name)
    assert s3_storage.keys() == []


@pytest.fixture
def completed_enrollment(learner, instructor):  # noqa: F811
    from courses.models import Enrollment

    course = build_course(instructor, title="Kỹ năng số cho cán bộ, công chức cấp xã")
    return Enrollment.objects.create(user=learner, course=course, status="completed", completed_at=timezone.now())


def test_an_issued_certificate_is_stored_in_the_bucket_and_downloads_as_those_bytes(
    s3_storage, learner, completed_enrollment
):
    from certificates import services

    [certificate] = services.issue_completion([completed_enrollment.pk])
    certificate.refresh_from_db()
    assert certificate.sha256

    key = f"{s3_storage.prefix}/{certificate.pdf.name}"
    assert s3_storage.keys() == [key]
    in_bucket = s3_storage.read(key)
    assert in_bucket.startswith(b"%PDF-")
    assert hashlib.sha256(in_bucket).hexdigest() == certificate.sha256

    response = client_for(learner).get(f"/api/v1/certificates/{certificate.code}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    downloaded = b"".join(response.streaming_content)
    assert downloaded == in_bucket
    assert hashlib.sha256(downloaded).hexdigest() == certificate.sha256

    # Issuing again returns the same certificate and stores nothing more.
    [again] = services.issue_completion([completed_enrollment.pk])
    assert again.pk == certificate.pk
    assert s3_storage.keys() == [key]
