from django.conf import settings
from django.core import mail

THROTTLED = "Đăng nhập sai quá nhiều lần"


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def give_password(password, *people):
    for person in people:
        person.set_password(password)
        person.save(update_fields=["password"])


def test_the_sign_in_page_is_in_vietnamese_by_default(client, db):
    response = client.get("/accounts/login/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page
    assert "Quên mật khẩu?" in page
    assert "Hệ thống đào tạo cải cách hành chính" in page


def test_the_sign_in_page_switches_to_english(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Forgotten your password?" in page
    assert "Administrative reform training" in page


def test_a_person_signs_in_and_lands_on_the_home_page(client, learner, password):
    give_password(password, learner)
    response = sign_in(client, "hocvien", password)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Nông Văn Học" in client.get("/").content.decode()


def test_a_wrong_password_says_so(client, learner, password):
    give_password(password, learner)
    page = sign_in(client, "hocvien", "sai-mat-khau").content.decode()
    assert "Sai tên đăng nhập hoặc mật khẩu" in page
    assert THROTTLED not in page


def test_it_tells_a_locked_out_person_to_wait_while_others_at_the_same_address_sign_in(
    client, learner, outsider, password
):
    give_password(password, learner, outsider)
    for _attempt in range(settings.SIGNIN_FAILURES_PER_ACCOUNT):
        sign_in(client, "hocvien", "sai-mat-khau")
    locked = sign_in(client, "hocvien", password)
    assert locked.status_code == 200
    assert THROTTLED in locked.content.decode()
    assert "_auth_user_id" not in client.session

    assert sign_in(client, "ngoai", password).status_code == 302


def test_the_last_allowed_failure_already_says_the_account_is_locked(client, learner, password):
    for _attempt in range(settings.SIGNIN_FAILURES_PER_ACCOUNT - 1):
        assert THROTTLED not in sign_in(client, "hocvien", "sai-mat-khau").content.decode()
    assert THROTTLED in sign_in(client, "hocvien", "sai-mat-khau").content.decode()


def test_signing_out_needs_a_post_and_returns_to_the_sign_in_page(learner, signed_in):
    client = signed_in(learner)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_a_forgotten_password_is_reset_through_the_e_mailed_link(client, learner, password):
    give_password(password, learner)
    assert client.get("/accounts/password_reset/").status_code == 200
    response = client.post("/accounts/password_reset/", {"email": learner.email})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert "Kiểm tra hộp thư" in client.get(response["Location"]).content.decode()

    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert "Đặt lại mật khẩu" in message.subject
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    form_page = client.get(link.split("testserver")[1], follow=True)
    assert "Đặt mật khẩu mới" in form_page.content.decode()

    new_password = "Mot-mat-khau-moi-2026"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done["Location"] == "/accounts/reset/done/"
    assert sign_in(client, "hocvien", new_password).status_code == 302


def test_the_page_names_the_minutes_left_as_the_apis_retry_after_does(client, learner, password, settings):
    """The window started with the first failure: later in it, less of it is left to wait."""
    from unittest import mock

    import accounts.signin

    settings.SIGNIN_WINDOW_SECONDS = 900
    for _attempt in range(settings.SIGNIN_FAILURES_PER_ACCOUNT):
        sign_in(client, "hocvien", "sai-mat-khau")
    later = accounts.signin.time.time() + 600
    with mock.patch.object(accounts.signin.time, "time", return_value=later):
        page = sign_in(client, "hocvien", password).content.decode()
    assert "thử lại sau 5 phút" in page
