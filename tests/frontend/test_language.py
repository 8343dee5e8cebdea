import pytest

LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"
VIETNAMESE_FIRST = "frontend.middleware.VietnameseFirstLocaleMiddleware"


@pytest.fixture(autouse=True)
def _vietnamese_first(settings):
    settings.MIDDLEWARE = [VIETNAMESE_FIRST if name == LOCALE_MIDDLEWARE else name for name in settings.MIDDLEWARE]


def language_of(response) -> str:
    return response.content.decode().split('<html lang="')[1].split('"')[0]


def test_pages_stay_vietnamese_in_an_english_language_browser(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert language_of(response) == "vi"
    assert "Quên mật khẩu?" in response.content.decode()


def test_the_switcher_turns_pages_english_and_back(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert language_of(client.get("/accounts/login/")) == "en"
    client.post("/i18n/setlang/", {"language": "vi", "next": "/accounts/login/"})
    assert language_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")) == "vi"


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese(client, db):
    client.cookies["django_language"] = "fr"
    assert language_of(client.get("/accounts/login/")) == "vi"


def test_the_api_still_answers_in_the_language_a_client_asks_for(api, db):
    response = api.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Wrong username or password." in response.content.decode()
    response = api.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"})
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.content.decode()
