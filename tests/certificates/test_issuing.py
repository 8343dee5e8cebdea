"""Issuing certificates: one owner of completion, numbering, idempotence, storage, access, bulk, renewal."""

import hashlib
import io
import threading
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import Job
from certificates import codes, services
from certificates.models import Certificate, RegisterYear
from courses import services as course_services
from courses.models import Enrollment, Lesson
from tests.conftest import client_for, unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory


@pytest.fixture
def instructor(province):
    return UserFactory(username="giangvien", full_name="Triệu Văn Giảng", org_unit=unit("SNV"), roles=["instructor"])


@pytest.fixture
def course(instructor):
    return build_course(instructor, completion_rule="lessons", lessons=2)


def finish_lessons(user, course):
    for lesson in Lesson.objects.filter(module__course=course):
        course_services.complete_lesson(user=user, lesson=lesson)


def completed(user, course) -> Enrollment:
    course_services.enroll(user=user, course=course)
    finish_lessons(user, course)
    return Enrollment.objects.get(user=user, course=course)


# One owner of completion ---------------------------------------------------------


def test_finishing_the_last_lesson_issues_a_stored_completion_certificate_and_mails_the_holder(learner, course):
    learner.email = "hocvien@example.vn"
    learner.save()
    enrollment = completed(learner, course)

    assert enrollment.status == "completed"
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.kind == "completion" and certificate.holder == learner
    assert certificate.number == f"1/{timezone.localdate().year}/GCN"
    with certificate.pdf.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == certificate.sha256
    assert certificate.fields["holder_name"] == "Nông Văn Học"
    assert certificate.fields["title"] == course.title
    assert certificate.fields["org_unit"] == "Xã Thượng Giáo"
    assert [message.to for message in mail.outbox] == [["hocvien@example.vn"]]
    assert certificate.code in mail.outbox[0].body


def test_every_way_of_completing_goes_through_complete_due(learner, course, province):
    from training import services as training_services

    wrapped = course_services.complete_due
    with mock.patch("courses.services.complete_due", wraps=wrapped) as owner:
        completed(learner, course)
        assert owner.call_count == 2  # each lesson asked; the second completed
        course_services.record_quiz_results(course=course, results={learner.pk: True})
        attendance_course = build_course(course.instructors.first(), code="CCHC-ATT", completion_rule="attendance")
        course_services.enroll(user=learner, course=attendance_course)
        course_services.record_attendance_results(course=attendance_course, results={learner.pk: True})
    assert owner.call_count == 4
    assert Enrollment.objects.get(user=learner, course=attendance_course).status == "completed"
    assert Certificate.objects.filter(holder=learner, kind="completion").count() == 2
    assert training_services  # the attendance path is exercised end to end in test_attendance_certificates


def test_a_quiz_pass_completes_a_quiz_course_and_issues_once(learner, instructor):
    course = build_course(instructor, code="CCHC-Q", completion_rule="quiz")
    course_services.enroll(user=learner, course=course)
    assert course_services.record_quiz_results(course=course, results={learner.pk: True}) == 1
    assert course_services.record_quiz_results(course=course, results={learner.pk: True}) == 0
    certificate = Certificate.objects.get(holder=learner)
    assert certificate.fields["result"]


# Numbering and idempotence ---------------------------------------------------------


def test_issuing_again_returns_the_same_certificate_and_takes_no_number(learner, course):
    enrollment = completed(learner, course)
    first = services.issue_completion([enrollment.pk])
    again = services.issue_completion([enrollment.pk, enrollment.pk])
    assert [c.pk for c in first] == [c.pk for c in again]
    assert Certificate.objects.count() == 1
    assert RegisterYear.objects.get().last_number == 1


def test_numbers_follow_each_other_per_register_and_year(instructor, course, province):
    people = [UserFactory(org_unit=unit("BABE-TG"), roles=["learner"]) for _ in range(5)]
    for person in people:
        completed(person, course)
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == [1, 2, 3, 4, 5]
    assert {c.register for c in Certificate.objects.all()} == {"GCN"}


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks need PostgreSQL (SQLite serialises writers anyway); .ci/run runs this")
@pytest.mark.django_db(transaction=True)
def test_workers_numbering_at_once_leave_no_gap_and_no_duplicate(province, instructor):
    course = build_course(instructor, code="CCHC-LOCK", completion_rule="quiz")
    people = [UserFactory(org_unit=unit("BABE-TG"), roles=["learner"]) for _ in range(40)]
    enrollment_ids = []
    for person in people:
        enrollment = course_services.enroll(user=person, course=course)
        enrollment_ids.append(enrollment.pk)
    Enrollment.objects.filter(pk__in=enrollment_ids).update(status="completed", completed_at=timezone.now())
    barrier = threading.Barrier(8)
    errors = []

    def issue(ids):
        try:
            barrier.wait(timeout=10)
            services.create_completion_certificates(ids)
        except Exception as error:  # asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(enrollment_ids[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == list(range(1, 41))


def test_codes_are_readable_and_normalised():
    code = codes.new_code()
    assert len(code) == 20 and code.count("-") == 2
    assert not set(code) & set("01OIL")
    assert codes.normalise(code.lower().replace("-", " ")) == code
    assert codes.normalise("0000-0000") is None


# Downloads and access ---------------------------------------------------------------


def test_the_pdf_downloads_as_the_stored_bytes_for_its_holder_hr_in_scope_and_admins(
    learner, course, hr_babe, admin_user, outsider, province
):
    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    hr_elsewhere = UserFactory(roles=["hr"], hr_scope=[unit("CHODON")])
    url = f"/api/v1/certificates/{certificate.code}/pdf/"
    for person in (learner, hr_babe, admin_user):
        response = client_for(person).get(url)
        assert response.status_code == 200, person
        assert b"".join(response.streaming_content) == certificate.pdf.open("rb").read()
    for person in (outsider, hr_elsewhere):
        assert client_for(person).get(url).status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get(url).status_code in (401, 403)
    assert client_for(learner).get("/api/v1/certificates/ABCDEF-ABCDEF-ABCDEF/pdf/").status_code == 404


def test_my_certificates_lists_only_my_stored_ones(learner, outsider, course):
    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    completed(outsider, course)
    response = client_for(learner).get("/api/v1/me/certificates/")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()] == [certificate.code]
    row = response.json()[0]
    assert row["kind"] == "completion" and row["pdf_url"].endswith(f"/{certificate.code}/pdf/")
    assert row["verify_url"].endswith(f"/verify/{certificate.code}/")


def test_my_certificates_runs_a_fixed_number_of_queries(learner, instructor, django_assert_max_num_queries):
    for number in range(4):
        completed(learner, build_course(instructor, code=f"CCHC-N{number}", completion_rule="lessons", lessons=1))
    with django_assert_max_num_queries(6):
        assert len(client_for(learner).get("/api/v1/me/certificates/").json()) == 4


# Verification and revocation -----------------------------------------------------------


def test_verify_shows_every_printed_field_and_a_revoked_certificate_says_so(learner, course, admin_user, api):
    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    response = api.get(f"/api/v1/verify/{certificate.code.lower()}/")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["revoked"] is False and body["expires_at"] is None
    assert body["number"] == certificate.number and body["sha256"] == certificate.sha256
    assert {"holder_name", "birth_date", "employee_code", "org_unit", "title", "place_date"} <= set(certificate.printed)
    for name in certificate.printed:
        assert body[name] == certificate.fields[name]
    assert "course_code" not in body, "not printed, not published"

    assert client_for(learner).post(f"/api/v1/certificates/{certificate.code}/revoke/",
                                    {"reason": "x"}).status_code == 403
    assert client_for(admin_user).post(f"/api/v1/certificates/{certificate.code}/revoke/", {}).status_code == 400
    response = client_for(admin_user).post(f"/api/v1/certificates/{certificate.code}/revoke/",
                                           {"reason": "Cấp nhầm người"})
    assert response.status_code == 200
    body = api.get(f"/api/v1/verify/{certificate.code}/").json()
    assert body["valid"] is False and body["revoked"] is True and body["revoked_reason"] == "Cấp nhầm người"


def test_an_expired_certificate_is_not_valid(learner, instructor, api):
    course = build_course(instructor, code="CCHC-EXP", completion_rule="lessons", certificate_validity_months=12)
    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    assert certificate.expires_at is not None
    assert api.get(f"/api/v1/verify/{certificate.code}/").json()["valid"] is True
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() - timedelta(days=1))
    body = api.get(f"/api/v1/verify/{certificate.code}/").json()
    assert body["valid"] is False and body["revoked"] is False


def test_unknown_codes_are_404_and_a_dropped_pdf_is_checked(learner, course, api):
    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    assert api.get("/api/v1/verify/ABCDEF-ABCDEF-ABCDEF/").status_code == 404
    assert api.get("/api/v1/verify/nonsense/").status_code == 404
    data = certificate.pdf.open("rb").read()
    url = f"/api/v1/verify/{certificate.code}/"
    ok = api.post(url, {"file": io.BytesIO(data)}, format="multipart").json()
    assert ok == {"matches": True, "sha256": certificate.sha256}
    altered = data.replace(b"/Producer", b"/Produced", 1) if b"/Producer" in data else data + b"\n"
    assert api.post(url, {"file": io.BytesIO(altered)}, format="multipart").json()["matches"] is False
    assert api.post(url, {}, format="multipart").status_code == 400


def test_verification_is_throttled_per_address(learner, course, api, settings):
    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "verify": "3/minute"}}
    from config.throttling import VerifyRateThrottle

    with mock.patch.object(VerifyRateThrottle, "THROTTLE_RATES", {"verify": "3/minute"}):
        codes_seen = [api.get(f"/api/v1/verify/{certificate.code}/").status_code for _ in range(4)]
        assert codes_seen == [200, 200, 200, 429]
        assert api.get(f"/verify/{certificate.code}/").status_code == 429


# Attendance and bulk issuing ------------------------------------------------------------


@pytest.fixture
def conference(instructor, province):
    from training import services as training_services

    # Dates from the session's own times, so that a session crossing midnight (a run late at night) fits.
    start = timezone.now() - timedelta(minutes=10)
    event = training_services.create_event(
        actor=instructor, kind="conference", title="Hội nghị tuyên truyền cải cách hành chính năm 2026",
        starts_on=timezone.localdate(start), ends_on=timezone.localdate(start + timedelta(hours=2)),
        venue="Hội trường tỉnh",
    )
    training_services.add_session(actor=instructor, event=event, title="Phiên sáng", starts_at=start,
                                  ends_at=start + timedelta(hours=2))
    return event


def attend(instructor, event, people):
    from training import services as training_services

    training_services.add_to_roster(actor=instructor, event=event, user_ids=[p.pk for p in people])
    session = event.sessions.get()
    training_services.record_attendance(actor=instructor, session=session,
                                        records=[(person.pk, "present") for person in people])


def test_meeting_the_attendance_rule_issues_an_attendance_certificate(instructor, conference, learner):
    attend(instructor, conference, [learner])
    certificate = Certificate.objects.get(holder=learner, kind="attendance")
    assert certificate.event == conference and certificate.is_stored
    assert certificate.fields["sessions"] and certificate.fields["venue"] == "Hội trường tỉnh"


def test_bulk_issuing_ends_in_one_zip_for_its_requester_only(instructor, conference, province, admin_user):
    people = [UserFactory(org_unit=unit("BABE-TG"), roles=["learner"]) for _ in range(7)]
    with mock.patch.object(services, "request_attendance_certificates"):  # leave them all to the bulk job
        attend(instructor, conference, people)
    assert not Certificate.objects.exists()
    client = client_for(instructor)
    response = client.post(f"/api/v1/conferences/{conference.pk}/certificates/")
    assert response.status_code == 202
    job = response.json()["job"]
    status = client.get(f"/api/v1/jobs/{job}/").json()
    assert status["status"] == "done" and status["done"] == status["total"] == 7
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(status["download_url"]).streaming_content)))
    assert len(archive.namelist()) == 7
    stored = {c.sha256 for c in Certificate.objects.all()}
    assert {hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()} == stored
    assert client_for(admin_user).get(f"/api/v1/jobs/{job}/").status_code == 404
    other = UserFactory(roles=["instructor"])
    assert client_for(other).post(f"/api/v1/conferences/{conference.pk}/certificates/").status_code in (403, 404)
    # Again: the same certificates, no new numbers.
    assert client.post(f"/api/v1/conferences/{conference.pk}/certificates/").status_code == 202
    assert Certificate.objects.count() == 7 and RegisterYear.objects.get().last_number == 7


# The sweep and renewal ------------------------------------------------------------------


def test_the_sweep_issues_what_a_lost_broker_left(learner, course):
    with mock.patch.object(services, "_enqueue"):  # the broker is down
        enrollment = completed(learner, course)
    assert not Certificate.objects.exists()
    services.sweep()
    assert not Certificate.objects.exists(), "just completed: its own task may still be queued"
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=timezone.now() - timedelta(minutes=5))
    services.sweep()
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.is_stored


def test_holders_are_re_enrolled_and_told_before_their_certificate_expires(learner, instructor, settings):
    from courses import reminders

    learner.email = "hocvien@example.vn"
    learner.save()
    course = build_course(instructor, code="CCHC-RN", completion_rule="lessons", certificate_validity_months=12)
    enrollment = completed(learner, course)
    first = Certificate.objects.get(enrollment=enrollment)
    mail.outbox.clear()
    assert reminders.renew_expiring_certificates() == 0
    Certificate.objects.filter(pk=first.pk).update(expires_at=timezone.now() + timedelta(days=10))
    assert reminders.renew_expiring_certificates() == 1
    assert reminders.renew_expiring_certificates() == 0
    enrollment.refresh_from_db()
    assert enrollment.status == "enrolled" and enrollment.cycle == 2
    assert len(mail.outbox) == 1 and first.title in mail.outbox[0].body
    finish_lessons(learner, course)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 2
    assert Certificate.objects.get(enrollment=enrollment, cycle=2).serial == 2


# The verifiable credential and the status list ----------------------------------------------


@pytest.fixture
def credential_key(tmp_path, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = tmp_path / "credential.pem"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    settings.CREDENTIAL_KEY_PATH = str(path)
    return path


def test_the_credential_the_pdf_and_the_status_list_agree_and_follow_a_revocation(
    learner, course, admin_user, api, outsider, credential_key
):
    from certificates import credentials

    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    assert client_for(outsider).get(f"/api/v1/certificates/{certificate.code}/credential/").status_code == 403
    response = client_for(learner).get(f"/api/v1/certificates/{certificate.code}/credential/")
    assert response.status_code == 200 and response.json()["format"] == "vc+jwt"
    jwks = api.get("/.well-known/jwks.json").json()
    claims = credentials.verify_jwt(response.json()["jwt"], jwks)
    assert "OpenBadgeCredential" in claims["type"]
    assert claims["credentialSubject"]["achievement"]["name"] == course.title
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    list_path = status["statusListCredential"].removeprefix("http://testserver")
    list_path = list_path[list_path.index("/api/"):]

    def revoked_bit() -> bool:
        listed = credentials.verify_jwt(api.get(list_path).content.decode(), jwks)
        bits = credentials.decode_encoded_list(listed["credentialSubject"]["encodedList"])
        return credentials.is_set(bits, int(status["statusListIndex"]))

    assert revoked_bit() is False
    services.revoke(actor=admin_user, certificate=certificate, reason="Cấp nhầm")
    assert revoked_bit() is True
    assert api.get("/api/v1/credentials/status/999/").status_code == 404


def test_without_a_key_no_credential_is_offered(learner, course, settings):
    settings.CREDENTIAL_KEY_PATH = ""
    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    assert client_for(learner).get(f"/api/v1/certificates/{certificate.code}/credential/").status_code == 404
    assert client_for(learner).get("/api/v1/me/certificates/").json()[0]["credential_url"] is None


def test_the_register_downloads_in_number_order_with_formula_text_kept_as_text(
    learner, course, admin_user, hr_babe, province
):
    import openpyxl

    learner.full_name = "=HYPERLINK(\"http://evil\")"
    learner.save()
    completed(learner, course)
    second = UserFactory(full_name="Đặng Thị Thủy", org_unit=unit("BABE-TG"), roles=["learner"])
    completed(second, course)
    year = timezone.localdate().year
    assert client_for(hr_babe).get(f"/api/v1/certificates/register/?year={year}").status_code == 403
    assert client_for(admin_user).get("/api/v1/certificates/register/?year=abc").status_code == 400
    response = client_for(admin_user).get(f"/api/v1/certificates/register/?year={year}&format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [f"1/{year}/GCN", f"2/{year}/GCN"]
    assert rows[1][2] == "'=HYPERLINK(\"http://evil\")" and rows[2][2] == "Đặng Thị Thủy"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_personal_data_download_holds_my_certificates(learner, course):
    import json

    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    data = json.loads(client_for(learner).get("/api/v1/me/data/").content)
    [mine] = data["certificates"]
    assert mine["number"] == certificate.number and mine["printed"]["holder_name"] == "Nông Văn Học"


def test_a_certificate_made_meanwhile_by_another_worker_is_taken_not_duplicated(learner, course):
    with mock.patch.object(services, "_enqueue"):
        enrollment = completed(learner, course)
    real, raced = services.take_numbers, []

    def another_worker_first(register, year, count):
        if not raced:
            raced.append(True)
            services.create_completion_certificates([enrollment.pk])  # the other worker, just before us
        return real(register, year, count)

    with mock.patch.object(services, "take_numbers", side_effect=another_worker_first):
        [certificate] = services.create_completion_certificates([enrollment.pk])
    assert raced and Certificate.objects.get() == certificate
    assert certificate.serial == 1 and RegisterYear.objects.get().last_number == 1


def test_the_sweep_takes_up_a_bulk_job_whose_tasks_were_lost(instructor, conference, province):
    people = [UserFactory(org_unit=unit("BABE-TG"), roles=["learner"]) for _ in range(3)]
    with mock.patch.object(services, "request_attendance_certificates"):
        attend(instructor, conference, people)
    with mock.patch.object(services, "_enqueue_or_fail"):  # the broker lost the job's task
        job = services.start_bulk_issue(actor=instructor, event=conference)
    services.sweep()
    assert Job.objects.get(pk=job.pk).status == "pending", "a job only just asked for is left alone"
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    services.sweep()
    job.refresh_from_db()
    assert job.status == "done" and job.file and Certificate.objects.filter(event=conference).count() == 3


def test_the_verify_page_publishes_only_what_the_template_prints(learner, instructor, api):
    from certificates.models import CertificateTemplate

    learner.employee_code = "BK-0042"
    learner.save()
    lean = CertificateTemplate.objects.create(
        name="Gọn", issuer="SỞ NỘI VỤ", html="<p>{{ holder_name }} — {{ title }} — {{ number }} {{ code }}</p>")
    course = build_course(instructor, code="CCHC-LEAN", completion_rule="lessons", certificate_template=lean)
    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    body = api.get(f"/api/v1/verify/{certificate.code}/").json()
    assert body["holder_name"] == "Nông Văn Học" and body["title"] == course.title
    assert "employee_code" not in body and "org_unit" not in body
    page = api.get(f"/verify/{certificate.code}/").content.decode()
    assert "BK-0042" not in page and "Nông Văn Học" in page


def test_a_body_far_larger_than_a_certificate_is_refused_before_it_is_read(learner, course, api, client):
    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    huge = {"CONTENT_LENGTH": str(1024 ** 3), "CONTENT_TYPE": "multipart/form-data; boundary=x"}
    for path in (f"/api/v1/verify/{certificate.code}/", f"/verify/{certificate.code}/"):
        with mock.patch("django.http.request.HttpRequest.read", side_effect=AssertionError("the body was read")):
            response = client.generic("POST", path, b"", **huge)
        assert response.status_code == 413, path


def test_the_throttle_counts_the_address_not_a_made_up_forwarded_header(learner, course, api, settings):
    from config.throttling import VerifyRateThrottle

    certificate = Certificate.objects.get(enrollment=completed(learner, course))
    with mock.patch.object(VerifyRateThrottle, "THROTTLE_RATES", {"verify": "2/minute"}):
        answers = [api.get(f"/api/v1/verify/{certificate.code}/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
                   for n in range(3)]
    assert answers == [200, 200, 429]


def test_e_mails_carry_titles_as_written(learner, instructor):
    learner.email = "hocvien@example.vn"
    learner.save()
    course = build_course(instructor, code="CCHC-Q&A", completion_rule="lessons",
                          title='Cơ chế "một cửa" & liên thông')
    completed(learner, course)
    [message] = mail.outbox
    assert 'Cơ chế "một cửa" & liên thông' in message.subject and "&quot;" not in message.body


def test_asking_twice_for_the_bulk_certificates_follows_the_same_job(instructor, conference, learner):
    with mock.patch.object(services, "_enqueue_or_fail"):  # no worker: the job stays pending
        first = services.start_bulk_issue(actor=instructor, event=conference)
        second = services.start_bulk_issue(actor=instructor, event=conference)
        assert second == first and Job.objects.filter(kind=services.BULK_JOB).count() == 1
        Job.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
        third = services.start_bulk_issue(actor=instructor, event=conference)
    assert third != first, "a job left unfinished for long is taken as lost"
