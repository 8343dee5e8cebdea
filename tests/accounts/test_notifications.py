"""Notices of what a person must act on: stored in bulk, read in the reader's language, e-mailed to who wants them."""

import math
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts import notifications
from accounts.models import Notification, User
from accounts.notifications import notify
from courses import services as course_services
from tests.conftest import client_for, unit
from tests.courses.conftest import build_course
from tests.factories import UserFactory

DUE = date(2026, 3, 9)


@pytest.fixture
def other(province):
    return UserFactory(username="khac", full_name="Đinh Thị Khác", org_unit=unit("BABE"), roles=["learner"])


def assign(learner, **parameters) -> Notification:
    [pk] = notify([learner], "assignment", url="/courses/7/", **{"course": "Một cửa", "due_date": DUE, **parameters})
    return Notification.objects.get(pk=pk)


# Storing and reading ---------------------------------------------------------------


def test_a_notice_reads_in_vietnamese_by_default_and_in_the_readers_language(learner):
    notice = assign(learner)

    assert notice.title == "Khóa học bắt buộc mới: Một cửa"
    assert "09/03/2026" in notice.text and notice.parameters["due_date"] == "2026-03-09"
    with translation.override("en"):
        assert notice.title == "New mandatory course: Một cửa"
        assert notice.text == "You have been assigned the mandatory course “Một cửa”. Complete it by 09/03/2026."


def test_people_given_as_users_or_ids_are_told_once_each(learner, other):
    ids = notify([learner, learner.pk, other.pk], "reminder", url="/courses/1/", course="Một cửa", due_date=DUE)

    assert len(ids) == 2
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted([learner.pk, other.pk])


def test_a_kind_with_no_words_is_refused(learner):
    with pytest.raises(ValueError):
        notify([learner], "party", url="/")
    assert not Notification.objects.exists()


def test_each_due_date_reminder_says_how_many_days_are_left(learner):
    notify([learner], "due_soon", url="/courses/1/", course="Một cửa", due_date=DUE, days=7)
    notify([learner], "due_soon", url="/courses/1/", course="Một cửa", due_date=DUE, days=0)

    later, sooner = Notification.objects.order_by("pk")
    with translation.override("en"):
        assert later.title == "Due in 7 days: Một cửa" and sooner.title == "Due today: Một cửa"


def test_ten_thousand_people_are_told_in_a_few_statements_whatever_their_number(province):
    User.objects.bulk_create([User(username=f"nguoi{n}", full_name=f"Người {n}") for n in range(10_000)])
    people = list(User.objects.filter(username__startswith="nguoi").values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as few:
        notify(people[:1], "assignment", url="/courses/1/", course="Một cửa", due_date=DUE)
    with CaptureQueriesContext(connection) as many:
        notify(people, "assignment", url="/courses/1/", course="Một cửa", due_date=DUE)

    fields = [field for field in Notification._meta.concrete_fields if not field.primary_key]
    batches = math.ceil(10_000 / min(notifications.BATCH, connection.ops.bulk_batch_size(fields, people)))
    assert len(many) == len(few) - 1 + batches  # one INSERT a batch, nothing a person
    assert Notification.objects.count() == 10_001


# E-mail -----------------------------------------------------------------------------


def test_the_mails_go_after_the_commit_to_those_who_want_them_in_their_language(
        learner, other, django_capture_on_commit_callbacks, monkeypatch):
    other.language = "en"
    other.save()
    muted = UserFactory(org_unit=unit("BABE"), email_muted=["reminder"])
    no_address = UserFactory(org_unit=unit("BABE"), email="")
    unconfirmed = UserFactory(org_unit=unit("BABE"), email_confirmed=False)
    connections = []
    real = notifications.get_connection
    monkeypatch.setattr(notifications, "get_connection", lambda: connections.append(1) or real())

    with django_capture_on_commit_callbacks(execute=True):
        notify([learner, other, muted, no_address, unconfirmed], "reminder", url="/courses/3/", course="Một cửa",
               due_date=DUE)
        assert mail.outbox == []  # nothing before the commit

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {learner.email, other.email} and connections == [1]
    assert by_address[learner.email].subject == "Cán bộ tổ chức nhắc: Một cửa"
    assert "Kính gửi Nông Văn Học," in by_address[learner.email].body
    assert "http://127.0.0.1:8000/courses/3/" in by_address[learner.email].body
    assert by_address[other.email].subject == "Reminder from HR: Một cửa"
    assert "Dear Đinh Thị Khác," in by_address[other.email].body
    assert Notification.objects.filter(kind="reminder").count() == 5


def test_a_mail_task_run_twice_sends_nothing_twice(learner):
    [pk] = notify([learner], "grade", url="/attempts/1/result/", quiz="Kiểm tra cuối khóa")

    assert notifications.send_mails([pk]) == 1
    assert notifications.send_mails([pk]) == 0
    assert len(mail.outbox) == 1 and Notification.objects.get(pk=pk).emailed_at is not None


def test_a_rolled_back_notice_is_never_mailed(learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([learner], "grade", url="/attempts/1/result/", quiz="Kiểm tra")
    assert len(callbacks) == 1 and mail.outbox == []


def test_a_broker_down_at_the_commit_loses_no_mail_the_sweep_sends_it(learner, django_capture_on_commit_callbacks,
                                                                      monkeypatch):
    class BrokerDown:
        def delay(self, *args):
            raise ConnectionError("Redis is down")

    real_task = notifications.task
    monkeypatch.setattr(notifications, "task", lambda name: BrokerDown())
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = notify([learner], "grade", url="/attempts/1/result/", quiz="Kiểm tra cuối khóa")
    assert mail.outbox == [] and Notification.objects.get(pk=pk).emailed_at is None  # stored, no error raised

    monkeypatch.setattr(notifications, "task", real_task)
    made = Notification.objects.get(pk=pk).created_at
    assert notifications.send_pending_mails(now=made + timedelta(minutes=1)) == 0  # its task may still be on its way
    assert notifications.send_pending_mails(now=made + timedelta(minutes=11)) == 1
    assert [message.to for message in mail.outbox] == [[learner.email]]
    assert notifications.send_pending_mails(now=made + timedelta(minutes=21)) == 0  # sent: not again
    assert notifications.send_pending_mails(now=made + timedelta(days=3)) == 0


class OneAddressRefused:
    """A mail connection like Django's SMTP one, whose server refuses `bad` and, after `fail_after` messages, drops."""

    def __init__(self, bad: str, fail_after: int | None = None):
        self.bad, self.fail_after, self.sent = bad, fail_after, []

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        import smtplib

        for message in messages:
            message.message()  # builds the headers: a subject with a line break raises, as on a real server
            if self.fail_after is not None and len(self.sent) >= self.fail_after:
                raise smtplib.SMTPServerDisconnected("gone")
            if message.to[0] == self.bad:
                raise smtplib.SMTPRecipientsRefused({self.bad: (550, b"no such user")})
            self.sent.append(message.to[0])
        return len(messages)


def test_a_refused_address_costs_nobody_else_their_mail(province, monkeypatch):
    people = [UserFactory(org_unit=unit("BABE")) for _ in range(4)]
    connection = OneAddressRefused(bad=people[1].email)
    monkeypatch.setattr(notifications, "get_connection", lambda: connection)
    ids = notify(people, "grade", url="/attempts/1/result/", quiz="Kiểm tra")

    assert notifications.send_mails(ids) == 3
    assert connection.sent == [people[0].email, people[2].email, people[3].email]
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0  # the refused one is not tried again


def test_a_dropped_connection_gives_back_what_was_not_sent_for_the_retry(province, monkeypatch):
    import smtplib

    people = [UserFactory(org_unit=unit("BABE")) for _ in range(3)]
    monkeypatch.setattr(notifications, "get_connection", lambda: OneAddressRefused(bad="", fail_after=1))
    ids = notify(people, "grade", url="/attempts/1/result/", quiz="Kiểm tra")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notifications.send_mails(ids)
    assert list(Notification.objects.filter(emailed_at__isnull=True).order_by("pk").values_list("pk", flat=True)) \
        == ids[1:]

    retry = OneAddressRefused(bad="")
    monkeypatch.setattr(notifications, "get_connection", lambda: retry)
    assert notifications.send_mails(ids) == 2 and retry.sent == [people[1].email, people[2].email]


def test_a_title_typed_with_a_line_break_is_mailed_on_one_line(learner, monkeypatch):
    connection = OneAddressRefused(bad="")
    monkeypatch.setattr(notifications, "get_connection", lambda: connection)
    [pk] = notify([learner], "grade", url="/attempts/1/result/", quiz="Kiểm tra\r\ncuối khóa")
    assert notifications.send_mails([pk]) == 1 and connection.sent == [learner.email]


# Notices from the courses ----------------------------------------------------------------


def test_an_assignment_tells_those_it_newly_enrolls_and_no_one_twice(hr_babe, learner, other, outsider):
    course = build_course(UserFactory(roles=["instructor"]), code="CCHC-TB")
    course_services.enroll(user=other, course=course)  # already enrolled of their own accord
    due = timezone.localdate() + timedelta(days=30)

    course_services.assign_course(actor=hr_babe, course=course, org_unit=unit("BABE"), due_date=due)
    course_services.assign_course(actor=hr_babe, course=course, org_unit=unit("BABE"), due_date=due)

    [notice] = Notification.objects.filter(kind="assignment")
    assert notice.recipient == learner and notice.url == f"/courses/{course.pk}/"
    assert course.title in notice.title and due.strftime("%d/%m/%Y") in notice.text


def test_a_newcomer_to_the_unit_is_told_of_the_course_assigned_to_it(hr_babe, learner, outsider):
    from accounts import services as account_services

    course = build_course(UserFactory(roles=["instructor"]), code="CCHC-MOI")
    due = timezone.localdate() + timedelta(days=30)
    course_services.assign_course(actor=hr_babe, course=course, org_unit=unit("BABE"), due_date=due)
    account_services.update_user(actor=None, user=outsider, org_unit=unit("BABE-TG"))  # moves from Chợ Đồn

    notice = Notification.objects.get(kind="assignment", recipient=outsider)
    assert notice.url == f"/courses/{course.pk}/" and due.strftime("%d/%m/%Y") in notice.text
    assert Notification.objects.filter(kind="assignment", recipient=learner).count() == 1  # not told twice


# The API ------------------------------------------------------------------------------


def test_my_notifications_are_listed_newest_first_with_their_words(learner, other):
    older = assign(learner)
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1))
    newer = assign(learner, course="Chuyển đổi số")
    assign(other)

    data = client_for(learner).get("/api/v1/me/notifications/").json()

    assert data["count"] == 2 and data["next"] is None and data["previous"] is None
    assert [row["id"] for row in data["results"]] == [newer.pk, older.pk]
    assert set(data["results"][0]) == {"id", "kind", "title", "text", "url", "created_at", "read_at"}
    assert data["results"][0]["title"] == "Khóa học bắt buộc mới: Chuyển đổi số"
    assert data["results"][0]["kind"] == "assignment" and data["results"][0]["read_at"] is None


def test_the_api_speaks_the_language_asked_for(learner):
    assign(learner)
    data = client_for(learner).get("/api/v1/me/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["results"][0]["title"] == "New mandatory course: Một cửa"


def test_the_list_pages_and_filters_the_unread(learner):
    for _ in range(3):
        assign(learner)
    notifications.mark_read(Notification.objects.order_by("pk").first())
    api = client_for(learner)

    assert api.get("/api/v1/me/notifications/", {"unread": "true"}).json()["count"] == 2
    first_page = api.get("/api/v1/me/notifications/", {"page_size": 2}).json()
    assert first_page["count"] == 3 and len(first_page["results"]) == 2 and first_page["next"]


def test_reading_one_marks_it_and_keeps_the_first_reading(learner):
    notice = assign(learner)
    api = client_for(learner)

    answer = api.post(f"/api/v1/me/notifications/{notice.pk}/read/")
    assert answer.status_code == 200 and answer.json()["id"] == notice.pk and answer.json()["read_at"]
    first = Notification.objects.get(pk=notice.pk).read_at
    assert api.post(f"/api/v1/me/notifications/{notice.pk}/read/").status_code == 200
    assert Notification.objects.get(pk=notice.pk).read_at == first


def test_another_persons_notification_is_not_found(learner, other):
    theirs = assign(other)

    answer = client_for(learner).post(f"/api/v1/me/notifications/{theirs.pk}/read/")

    assert answer.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_reading_all_marks_only_mine(learner, other):
    assign(learner), assign(learner)
    theirs = assign(other)

    answer = client_for(learner).post("/api/v1/me/notifications/read-all/")

    assert answer.status_code == 200 and answer.json() == {"read": 2}
    assert not Notification.objects.filter(recipient=learner, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_notifications_are_for_people_signed_in(api):
    assert api.get("/api/v1/me/notifications/").status_code in (401, 403)
    assert api.post("/api/v1/me/notifications/read-all/").status_code in (401, 403)


def test_the_schema_describes_the_notification_routes(api):
    paths = api.get("/api/schema/?format=json").json()["paths"]
    assert {"/api/v1/me/notifications/", "/api/v1/me/notifications/{id}/read/",
            "/api/v1/me/notifications/read-all/"} <= set(paths)


def test_my_notifications_and_choices_are_in_my_personal_data(learner, other):
    assign(learner)
    assign(other, course="Của người khác")
    learner.email_muted = ["grade"]
    learner.save()

    data = client_for(learner).get("/api/v1/me/data/").json()

    assert data["account"]["language"] == "vi" and data["account"]["notices_not_sent_by_email"] == ["grade"]
    assert [notice["title"] for notice in data["notifications"]] == ["Khóa học bắt buộc mới: Một cửa"]
