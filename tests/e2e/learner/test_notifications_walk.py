"""A learner reads their notifications and chooses which come by e-mail, in a real browser."""

import re
from datetime import date

import pytest

from accounts.models import Notification, User
from accounts.notifications import notify
from tests.e2e.browser import check_accessibility, needs_chromium, shoot

pytestmark = [pytest.mark.e2e, needs_chromium]


def some_notifications(person) -> None:
    notify([person], "assignment", url="/courses/", course="Cơ chế một cửa, một cửa liên thông",
           due_date=date(2026, 9, 30))
    notify([person], "due_soon", url="/courses/", course="Chuyển đổi số trong cơ quan nhà nước",
           due_date=date(2026, 6, 7), days=7)
    notify([person], "certificate", url="/certificates/", title="Kỹ năng soạn thảo văn bản hành chính",
           number="12/2026/GCN", code="ABCD-EFGH")
    Notification.objects.filter(kind="certificate").update(read_at="2026-01-02T03:04:05Z")


def test_the_learner_reads_notifications_and_marks_them_read(learner_person, learner_page, screenshots):
    from playwright.sync_api import expect

    some_notifications(learner_person)
    page = learner_page
    page.reload()  # the menu counts what came since the sign-in
    menu = page.get_by_role("navigation", name="Menu chính")
    menu.get_by_role("link", name="Thông báo (2 chưa đọc)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông báo")
    expect(page.get_by_role("heading", level=2)).to_have_text("2 chưa đọc")
    expect(page.get_by_role("link", name="Khóa học bắt buộc mới: Cơ chế một cửa, một cửa liên thông")).to_be_visible()
    check_accessibility(page, "/notifications/")
    shoot(page, screenshots, "notifications")

    due_soon = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=re.compile("Chuyển đổi số")))
    due_soon.get_by_role("button", name=re.compile("^Đánh dấu đã đọc")).click()
    expect(page.get_by_role("status")).to_have_text("Đã đánh dấu là đã đọc.")
    expect(menu.get_by_role("link", name="Thông báo (1 chưa đọc)")).to_be_visible()

    page.get_by_role("link", name="Khóa học bắt buộc mới: Cơ chế một cửa, một cửa liên thông").click()
    expect(page).to_have_url(re.compile(r"/courses/$"))
    expect(menu.get_by_role("link", name="Thông báo", exact=True)).to_be_visible()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_learner_turns_an_e_mail_off_on_the_profile(learner_person, learner_page, screenshots):
    from playwright.sync_api import expect

    some_notifications(learner_person)
    page = learner_page
    page.reload()  # the menu counts what came since the sign-in
    page.get_by_role("link", name="Nông Văn Học").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông tin cá nhân")
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_visible()
    check_accessibility(page, "/accounts/profile/")
    shoot(page, screenshots, "profile")

    choices = page.get_by_role("group", name="Thông báo nào được gửi qua thư điện tử")
    choices.get_by_label("Sắp đến hạn hoàn thành").uncheck()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu thông tin cá nhân.")
    expect(choices.get_by_label("Sắp đến hạn hoàn thành")).not_to_be_checked()
    expect(choices.get_by_label("Khóa học bắt buộc được giao cho tôi")).to_be_checked()
    assert User.objects.get(pk=learner_person.pk).email_muted == ["due_soon"]

    page.get_by_label("Địa chỉ thư điện tử").fill("khong-hop-le")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("alert")).to_contain_text("Địa chỉ thư điện tử")
    check_accessibility(page, "/accounts/profile/ (error)")
    shoot(page, screenshots, "profile-error")
