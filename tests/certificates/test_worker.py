"""A learner passes the course quiz and downloads a signed certificate within seconds (a real worker; .ci/run)."""

import subprocess
import time

import pytest
from django.core.management import call_command

from certificates.models import Certificate
from tests.conftest import client_for, wait_for
from tests.quizzes.conftest import bank, course, enrolled, instructor, make_quiz  # noqa: F401 (fixtures)
from tests.quizzes.test_attempts import right_answers

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_keys(tmp_path, settings, capsys):
    call_command("make_demo_keys", "--dir", str(tmp_path / "keys"))
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines() if "=" in line)
    for name, value in lines.items():
        setattr(settings, name, value)
    return lines


def test_passing_the_quiz_gives_a_signed_certificate_within_seconds(worker_factory, course, bank, enrolled,
                                                                      demo_keys, tmp_path):
    enrolled.full_name = "Đặng Thị Thủy Ưng"
    enrolled.save()
    course.completion_rule = "quiz"
    course.save()
    quiz = make_quiz(course, bank)
    worker_factory(**demo_keys).start()
    api = client_for(enrolled)
    started = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
    api.patch(f"/api/v1/attempts/{started['id']}/answers/", {"answers": right_answers(started)})
    submitted_at = time.monotonic()
    assert api.post(f"/api/v1/attempts/{started['id']}/submit/").status_code == 202

    wait_for(lambda: api.get("/api/v1/me/certificates/").json(), timeout=30, message="the certificate to be listed")
    waited = time.monotonic() - submitted_at
    [listed] = api.get("/api/v1/me/certificates/").json()
    response = api.get(listed["pdf_url"])
    pdf = b"".join(response.streaming_content)
    certificate = Certificate.objects.get(code=listed["code"])
    assert certificate.signed and certificate.holder == enrolled
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Đặng Thị Thủy Ưng" in text and course.title in " ".join(text.split())
    (tmp_path / "downloaded.pdf").write_bytes(pdf)
    signature = subprocess.run(["pdfsig", str(tmp_path / "downloaded.pdf")], capture_output=True).stdout.decode()
    assert "Signature is Valid" in signature, signature
    assert waited < 30, f"{waited:.1f} s from the submit to the certificate"
