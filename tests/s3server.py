"""A local S3-compatible server for tests: moto's ThreadedMotoServer on 127.0.0.1.

No MinIO binary can be fetched here, and tests must not reach the internet, so the
server runs in this process on a port the system picks (port 0: free by
construction, no race with another test run). boto3 is given dummy keys, never
asks an instance-metadata service and reads no ~/.aws file, so nothing leaves
the machine.

The storage under test is built by config/settings.py itself from the same
environment variables production uses (STORAGE_BACKEND=s3, S3_*), so the tests
exercise the real configuration, not a hand-written copy of it.

Use the fixtures by importing them into a test module:

    from tests.s3server import s3_bucket, s3_server, s3_storage  # noqa: F401
"""

import runpy
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"
REGION = "ap-southeast-1"
# Dummy keys: moto accepts any; real ones must never be picked up from the machine.
ACCESS_KEY, SECRET_KEY = "test-access-key", "test-secret-key"


@dataclass
class S3Server:
    endpoint_url: str

    def client(self):
        return boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name=REGION,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        )

    def reset(self) -> None:
        """Forget every bucket (moto's own reset call), so tests do not see each other's objects."""
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        no_proxy.open(urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST"), timeout=10)


@dataclass
class S3Bucket:
    server: S3Server
    name: str
    prefix: str

    def client(self):
        return self.server.client()

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.name, Key=key)["Body"].read()

    def environment(self) -> dict[str, str]:
        """The variables an operator would set to put stored files in this bucket."""
        return {
            "STORAGE_BACKEND": "s3", "S3_BUCKET": self.name, "S3_ENDPOINT_URL": self.server.endpoint_url,
            "S3_REGION": REGION, "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_PREFIX": self.prefix,
        }


def offline_aws_environment(monkeypatch) -> None:
    """Dummy credentials, no metadata service, no shared config files, no proxy for 127.0.0.1."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_S3_SESSION_PROFILE",
                 "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def settings_from_environment(monkeypatch, environment: dict[str, str]) -> dict:
    """config/settings.py run afresh with these variables set; returns its names (STORAGES and the rest)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture(scope="session")
def s3_server():
    """One moto server for the whole test run; stopped at the end."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Server(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server, monkeypatch):
    """A fresh, empty, private bucket on the local server; the server is reset afterwards."""
    offline_aws_environment(monkeypatch)
    bucket = S3Bucket(server=s3_server, name=f"test-{uuid.uuid4().hex[:12]}", prefix="hoc-truc-tuyen/media")
    client = s3_server.client()
    client.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION})
    client.put_public_access_block(Bucket=bucket.name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
    })
    yield bucket
    s3_server.reset()


@pytest.fixture
def s3_storage(s3_bucket, monkeypatch, settings):
    """Django's default storage (and so every FileField without its own) on the bucket, as settings.py builds it.

    pytest-django's `settings` sends `setting_changed`, on which Django drops its
    cached storages and empties the `default_storage` proxy that FileFields hold;
    the same happens again when the test ends, back to the folder.
    """
    built = settings_from_environment(monkeypatch, s3_bucket.environment())
    settings.STORAGES = {**settings.STORAGES, "default": built["STORAGES"]["default"]}
    return s3_bucket
