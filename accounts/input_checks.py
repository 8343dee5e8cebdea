"""Checks every text a client sends goes through, before any view sees it. No database here.

Text may hold no control characters but tab, line feed and carriage return (forms
send new lines as CR LF), and no lone surrogates: PostgreSQL refuses a NUL in
text and cannot encode a surrogate, which would turn a typing slip or an attack
into a 500 deep in a service. The API's parsers (`accounts.parsers`) check the
body; `RefuseControlCharactersMiddleware` checks query strings everywhere and the
forms of the web pages and the admin.
"""

import json
import re

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# A JSON string (stepped over whole) or a bracket that opens or closes a level. A
# string left open runs to the end of the text, so that every quote starts a match
# that consumes what it scans, and no text costs more than one pass (the
# possessive `*+` never backtracks).
JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)
# What a forbidden character looks like in JSON text: strict JSON has no raw C0
# controls, so they come escaped (\b, \f, \u0001, ...). Text without any of these needs no walk.
JSON_MAY_HOLD_FORBIDDEN = re.compile(r"\\[bf]|\\u(?:00[0189]|007[fF])|\\u[dD][89a-fA-F]|[\x7f-\x9f\ud800-\udfff]")


def control_character_message() -> str:
    return _("Control characters are not allowed here (only tab and new line).")


def path_with_control_character(data) -> str | None:
    """The dotted path (`answers.12`) of the first key or text holding a forbidden character, else None.

    Walks without recursion, so that no depth of nesting can overflow the stack.
    """
    pending = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if FORBIDDEN_CHARACTERS.search(value):
                return path or "non_field_errors"
        elif isinstance(value, dict):
            for key, item in value.items():
                key_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and FORBIDDEN_CHARACTERS.search(key):
                    return path or "non_field_errors"
                pending.append((key_path, item))
        elif isinstance(value, (list, tuple)):
            pending.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value))
    return None


def form_field_with_control_character(query_dict) -> str | None:
    """The name of the first field of a form or query string with a forbidden character in its name or a value."""
    for key, values in query_dict.lists():
        if FORBIDDEN_CHARACTERS.search(key) or any(FORBIDDEN_CHARACTERS.search(value) for value in values):
            return FORBIDDEN_CHARACTERS.sub("\ufffd", key)
    return None


def json_nesting_exceeds(text: str, limit: int) -> bool:
    """True when arrays and objects nest deeper than `limit`; brackets inside strings do not count.

    Runs before `json.loads`, which would otherwise recurse once per level and
    end in a RecursionError (a 500) on `[[[[...`. It stops at the first level
    too many and holds nothing but a counter, whatever the body.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for token in JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        elif bracket in "]}":
            depth -= 1
    return False


class RefuseControlCharactersMiddleware:
    """A 400 naming the field for a query parameter or a posted form field that holds a control character.

    The API's request bodies are checked by its parsers instead: reading
    `request.POST` here would consume the body DRF parses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = form_field_with_control_character(request.GET)
        if field is None and request.method == "POST" and not request.path_info.startswith("/api/"):
            field = form_field_with_control_character(request.POST)
        if field is not None:
            return refusal(request, field)
        return self.get_response(request)


def refusal(request, field: str):
    if request.path_info.startswith("/api/"):
        return JsonResponse({field: [control_character_message()]}, status=400)
    message = _("The field “%(field)s” holds control characters, which are not allowed (only tab and new line).")
    return HttpResponseBadRequest(
        f"<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>400</title>"
        f"<p>{escape(message % {'field': field})}</p></html>",
        content_type="text/html; charset=utf-8",
    )


def loads(text: str, *, max_depth: int):
    """`json.loads` that refuses NaN and Infinity (not JSON) and nesting deeper than `max_depth`."""
    if json_nesting_exceeds(text, max_depth):
        raise ValueError(_("JSON nested deeper than %(limit)d levels.") % {"limit": max_depth})
    return json.loads(text, parse_constant=_refuse_constant)


def _refuse_constant(name: str):
    raise ValueError(_("%(name)s is not valid JSON.") % {"name": name})
