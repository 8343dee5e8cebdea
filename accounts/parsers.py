"""The API's request parsers: DRF's, with the limits a hostile client must meet.

- A body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` never reaches them: DRF reads
  JSON and form bodies through `request.body`, which refuses it before reading
  (`config.api.exception_handler` answers 413).
- JSON nested deeper than `API_JSON_MAX_DEPTH` is a 400, not a RecursionError.
- Text with a control character is a 400 naming its field (`accounts.input_checks`).
Multipart file contents are the imports' business; their form fields are checked here.
"""

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

from accounts import input_checks


def refuse_control_characters(data) -> None:
    field = input_checks.path_with_control_character(data)
    if field is not None:
        raise exceptions.ValidationError({field: [input_checks.control_character_message()]})


def refuse_control_characters_in_form(data) -> None:
    field = input_checks.form_field_with_control_character(data)
    if field is not None:
        raise exceptions.ValidationError({field: [input_checks.control_character_message()]})


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        try:
            text = body.decode(parsers.get_encoding(parser_context or {}))
            data = input_checks.loads(text, max_depth=settings.API_JSON_MAX_DEPTH)
        except (ValueError, LookupError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise exceptions.ParseError(_("JSON parse error: %(error)s") % {"error": error}) from None
        if input_checks.JSON_MAY_HOLD_FORBIDDEN.search(text):
            refuse_control_characters(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = QueryDict(stream.read(), encoding=parsers.get_encoding(parser_context or {}))
        refuse_control_characters_in_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Django's multipart parser already caps the fields' size and number; this checks their text."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        refuse_control_characters_in_form(result.data)
        return result
