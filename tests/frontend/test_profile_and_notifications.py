"""My profile and my notifications: each person sees and changes only their own."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import Notification, User
from accounts.notifications import notify
from tests.conftest import unit
from tests.factories import UserFactory

from tests.frontend.conftest import browser_for

DUE = date(2026, 3, 9)


@pytest.fixture
def other(province):
    return UserFactory(username="khac", full_name="Đinh Thị Khác", org_unit=unit("BABE"), roles=["learner"])


def tell(person, count: int = 1, **parameters) -> list[Notification]:
    ids = []
    for number in range(count):
        ids += notify([person], "assignment", url=f"/courses/{number + 1}/",
                      **{"course": f"Khóa học {number + 1}", "due_date": DUE, **parameters})
    return list(Notification.objects.filter(pk__in=ids).order_by("pk"))


def page_text(response) -> str:
    return response.content.decode()


# The notifications page ----------------------------------------------------------------


def test_my_notifications_are_listed_newest_first_with_the_unread_ones_marked_in_words(learner, other):
    older, newer = tell(learner, 2)
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1),
                                                    read_at=timezone.now())
    tell(other, course="Của người khác")

    html = page_text(browser_for(learner).get("/notifications/"))

    assert html.index("Khóa học bắt buộc mới: Khóa học 2") < html.index("Khóa học bắt buộc mới: Khóa học 1")
    assert html.count(">Chưa đọc<") == 1 and "1 chưa đọc" in html
    assert f'href="/notifications/{newer.pk}/open"' in html
    assert "Của người khác" not in html


def test_the_menu_counts_my_unread_notifications_for_eyes_and_screen_readers(learner):
    tell(learner, 3)

    html = page_text(browser_for(learner).get("/"))

    assert 'href="/notifications/"' in html
    assert '<span class="nav-count" aria-hidden="true">3</span><span class="visually-hidden">(3 chưa đọc)</span>' in html


def test_the_menu_shows_no_number_when_all_is_read(learner):
    html = page_text(browser_for(learner).get("/"))
    assert 'href="/notifications/"' in html and "nav-count" not in html


def test_opening_a_notification_marks_it_read_and_goes_where_it_leads(learner):
    [notice] = tell(learner)

    answer = browser_for(learner).get(f"/notifications/{notice.pk}/open")

    assert answer.status_code == 302 and answer["Location"] == "/courses/1/"
    assert Notification.objects.get(pk=notice.pk).read_at is not None


@pytest.mark.parametrize("url", ["https://lua-dao.example/", "//lua-dao.example/", "javascript:alert(1)"])
def test_a_notification_never_leads_off_the_site(learner, url):
    [pk] = notify([learner], "grade", url=url, quiz="Kiểm tra")

    answer = browser_for(learner).get(f"/notifications/{pk}/open")

    assert answer.status_code == 302 and answer["Location"] == "/notifications/"


def test_marking_one_read_stays_on_its_page(learner):
    notices = tell(learner, 25)
    client = browser_for(learner)

    answer = client.post(f"/notifications/{notices[0].pk}/read", {"page": "2"})

    assert answer.status_code == 302 and answer["Location"] == "/notifications/?page=2"
    assert Notification.objects.get(pk=notices[0].pk).read_at is not None
    assert Notification.objects.filter(read_at__isnull=True).count() == 24
    followed = client.get(answer["Location"])
    assert "Đã đánh dấu là đã đọc." in page_text(followed)


def test_marking_all_read_marks_only_mine(learner, other):
    tell(learner, 2)
    [theirs] = tell(other)

    answer = browser_for(learner).post("/notifications/read-all", follow=True)

    assert "Đã đánh dấu tất cả thông báo là đã đọc." in page_text(answer)
    assert not Notification.objects.filter(recipient=learner, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_another_persons_notification_is_not_found(learner, other):
    [theirs] = tell(other)
    client = browser_for(learner)

    assert client.get(f"/notifications/{theirs.pk}/open").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_marking_read_takes_a_post(learner):
    [notice] = tell(learner)
    assert browser_for(learner).get(f"/notifications/{notice.pk}/read").status_code == 405
    assert browser_for(learner).get("/notifications/read-all").status_code == 405


@pytest.mark.parametrize("path", ["/notifications/", "/accounts/profile/"])
def test_the_pages_ask_to_sign_in_first(client, path):
    answer = client.get(path)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_the_list_is_paginated(learner):
    tell(learner, 25)
    client = browser_for(learner)

    first, second = client.get("/notifications/"), client.get("/notifications/", {"page": 2})

    assert page_text(first).count('<li class="notification') == 20 and 'rel="next"' in page_text(first)
    assert page_text(second).count('<li class="notification') == 5 and 'rel="prev"' in page_text(second)


@pytest.mark.parametrize("count", [1, 30])
def test_the_notifications_page_is_a_fixed_number_of_queries(learner, count, django_assert_max_num_queries):
    tell(learner, count)
    client = browser_for(learner)
    # The session, me with my unread count, my groups, my unit, the count of the list, the page of it.
    with django_assert_max_num_queries(6):
        assert client.get("/notifications/").status_code == 200


def test_the_empty_list_says_what_will_come_here(learner):
    assert "Bạn chưa có thông báo nào." in page_text(browser_for(learner).get("/notifications/"))


# The profile page ---------------------------------------------------------------------


def form(person, **changes) -> dict:
    data = {"email": person.email, "language": person.language,
            "email_kinds": ["assignment", "due_soon", "certificate", "grade", "reminder"]}
    return {**data, **changes}


def test_the_profile_shows_my_details_and_my_choices(learner):
    learner.position = "Chuyên viên"
    learner.email_muted = ["grade"]
    learner.save()

    html = page_text(browser_for(learner).get("/accounts/profile/"))

    for text in ("Nông Văn Học", "hocvien", learner.employee_code, "Xã Thượng Giáo", "Chuyên viên", learner.email,
                 'href="/accounts/password_change/"', "Thông báo nào được gửi qua thư điện tử"):
        assert text in html, text
    assert 'name="email_kinds" value="assignment"' in html
    assert 'value="grade" id="id_email_kinds_3" checked' not in html
    assert 'value="assignment" id="id_email_kinds_0" checked' in html
    assert 'name="full_name"' not in html and 'name="employee_code"' not in html


def test_turning_a_kind_of_e_mail_off_is_saved(learner, client, signed_in):
    client = signed_in(learner)

    answer = client.post("/accounts/profile/", form(learner, email_kinds=["assignment", "certificate"]))

    assert answer.status_code == 302 and answer["Location"] == "/accounts/profile/"
    learner.refresh_from_db()
    assert learner.email_muted == ["due_soon", "grade", "reminder"]
    assert not learner.wants_email("grade") and learner.wants_email("assignment")
    assert "Đã lưu thông tin cá nhân." in page_text(client.get("/accounts/profile/"))


def test_choosing_english_saves_it_and_sets_the_language_cookie(learner, client, signed_in):
    client = signed_in(learner)

    answer = client.post("/accounts/profile/", form(learner, language="en"))

    learner.refresh_from_db()
    assert learner.language == "en"
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    following = client.get("/accounts/profile/")
    assert '<html lang="en">' in page_text(following) and "Saved your profile." in page_text(following)


def test_a_new_address_waits_for_its_confirmation(learner, client, signed_in, django_capture_on_commit_callbacks):
    client = signed_in(learner)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/accounts/profile/", form(learner, email=" Moi@Example.VN "), follow=True)

    learner.refresh_from_db()
    assert learner.email == "moi@example.vn" and not learner.email_confirmed
    assert "Đường dẫn xác nhận đã được gửi tới moi@example.vn" in page_text(answer)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(["moi@example.vn", "hocvien@example.gov.vn"])


def test_a_bad_address_is_refused_beside_its_field_and_nothing_is_saved(learner, client, signed_in):
    client = signed_in(learner)

    answer = client.post("/accounts/profile/", form(learner, email="khong-phai-dia-chi", language="en",
                                                    email_kinds=[]))

    assert answer.status_code == 400
    html = page_text(answer)
    assert 'class="error-summary"' in html and 'href="#id_email"' in html and 'id="id_email_error"' in html
    learner.refresh_from_db()
    assert learner.email == "hocvien@example.gov.vn" and learner.language == "vi" and learner.email_muted == []


def test_an_unknown_kind_or_language_is_refused(learner):
    client = browser_for(learner)
    assert client.post("/accounts/profile/", form(learner, language="fr")).status_code == 400
    assert client.post("/accounts/profile/", form(learner, email_kinds=["party"])).status_code == 400
    assert User.objects.get(pk=learner.pk).language == "vi"


@pytest.mark.parametrize("count", [1, 30])
def test_the_profile_page_is_a_fixed_number_of_queries(learner, count, django_assert_max_num_queries):
    tell(learner, count)
    client = browser_for(learner)
    with django_assert_max_num_queries(4):  # the session, me with my unread count, my groups, my unit
        assert client.get("/accounts/profile/").status_code == 200


def test_a_person_who_chose_english_gets_it_when_signing_in(learner, client, signed_in):
    learner.language = "en"
    learner.save()

    signed_in(learner)

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in page_text(client.get("/accounts/profile/"))


def test_signing_in_leaves_the_switchers_choice_to_those_who_keep_vietnamese(learner, client, signed_in):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    signed_in(learner)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
