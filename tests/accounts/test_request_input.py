"""What the API and the pages do with hostile request bodies and text: a clear 4xx, never a 500."""

import pytest
from django.test import Client

from accounts import input_checks
from tests.conftest import client_for


def post_json(api, path: str, body: str):
    return api.generic("POST", path, body, content_type="application/json")


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 100_000, "[" * 65 + "]" * 65])
def test_deeply_nested_json_is_a_400_even_before_signing_in(api, db, body):
    response = post_json(api, "/api/v1/auth/token/", body)
    assert response.status_code == 400
    assert "64" in response.json()["detail"]


def test_json_nested_as_deep_as_the_limit_is_parsed(api, db):
    body = '{"username": "x", "password": "y", "deep": ' + "[" * 63 + "]" * 63 + "}"
    assert post_json(api, "/api/v1/auth/token/", body).status_code == 400
    assert "nested" not in post_json(api, "/api/v1/auth/token/", body).content.decode()


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = '{"a": "[[[[[[[[[[\\"[[[[[", "b": [["{{{{{"]]}'
    assert not input_checks.json_nesting_exceeds(text, 3)
    assert input_checks.json_nesting_exceeds(text, 2)


def test_a_string_left_open_hides_no_nesting_and_is_a_parse_error(api, db):
    body = "[]" * 70 + '"' + '\\"' * 20_000 + "[" * 100
    assert not input_checks.json_nesting_exceeds(body, 64)
    response = post_json(api, "/api/v1/auth/token/", body)
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_json_body_over_the_cap_is_a_413(api, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_json(api, "/api/v1/auth/token/", '{"username": "' + "a" * 2000 + '", "password": "x"}')
    assert response.status_code == 413
    assert "1000" in response.json()["detail"].replace(".", "").replace(",", "")


def test_a_form_encoded_body_over_the_cap_is_a_413(api, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = "username=" + "a" * 2000 + "&password=x"
    response = api.generic("POST", "/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


def test_nan_is_not_json(api, db):
    assert post_json(api, "/api/v1/auth/token/", '{"username": NaN}').status_code == 400


@pytest.mark.parametrize("text", ["Nguyễn\\u0000Văn", "a\\u0001b", "a\\u001bb", "\\u007f", "a\\ud800b"])
def test_control_characters_and_lone_surrogates_in_json_are_a_400_naming_the_field(api, db, text):
    response = post_json(api, "/api/v1/auth/token/", '{"username": "%s", "password": "x"}' % text)
    assert response.status_code == 400
    assert list(response.json()) == ["username"]


def test_tab_and_new_lines_are_text(api, db):
    response = api.post("/api/v1/auth/token/", {"username": "a\tb\r\nc\nd", "password": "x"}, format="json")
    assert response.status_code == 400
    assert "username" not in response.json()


def test_a_control_character_in_a_json_key_is_refused(api, db):
    response = post_json(api, "/api/v1/auth/token/", '{"user\\u0000name": "a"}')
    assert response.status_code == 400


def test_a_control_character_in_a_form_encoded_api_body_is_refused(api, db):
    body = "username=a%00b&password=x"
    response = api.generic("POST", "/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert list(response.json()) == ["username"]


def test_a_control_character_in_a_multipart_field_is_refused(admin_user, province):
    response = client_for(admin_user).post("/api/v1/org-units/", {"name": "Xã\x00A", "code": "XA"},
                                           format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["name"]


def test_a_control_character_in_a_query_string_is_a_400_on_the_api(admin_user):
    response = client_for(admin_user).get("/api/v1/users/", {"search": "Nguy\x00"})
    assert response.status_code == 400
    assert list(response.json()) == ["search"]


def test_a_control_character_in_a_query_string_is_a_400_on_a_page(learner):
    client = Client()
    client.force_login(learner)
    response = client.get("/courses/", {"q": "a\x00"})
    assert response.status_code == 400
    assert "q" in response.content.decode()


def test_a_control_character_in_a_posted_form_is_a_400_naming_the_field(db):
    response = Client().post("/accounts/login/", {"username": "hoc\x00vien", "password": "x"})
    assert response.status_code == 400
    assert "username" in response.content.decode()


def test_every_forbidden_character_is_seen_in_json_text_however_it_is_written():
    """The parser skips the walk over the data when the text shows no sign of a forbidden character."""
    import json

    forbidden = [chr(c) for c in [*range(0x20), *range(0x7f, 0xa0), 0xd800, 0xdfff] if chr(c) not in "\t\n\r"]
    for character in forbidden:
        for ascii_only in (True, False):
            text = json.dumps({"a": f"x{character}y"}, ensure_ascii=ascii_only)
            assert input_checks.JSON_MAY_HOLD_FORBIDDEN.search(text), repr(character)
            assert input_checks.path_with_control_character(json.loads(text)) == "a"
    assert not input_checks.JSON_MAY_HOLD_FORBIDDEN.search(json.dumps({"a": "Nguyễn Thị Thủy\t\n"}))
