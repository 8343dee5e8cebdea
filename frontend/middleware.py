from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in Vietnamese unless the person chose another language with the switcher.

    Office PCs often run an English-language browser, whose Accept-Language
    header would otherwise show English to people who read Vietnamese. The API
    keeps Django's usual negotiation, for clients that ask for English.
    """

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        translation.activate(chosen_language(request) or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


def chosen_language(request) -> str | None:
    """The language the switcher stored in its cookie, when the platform offers it."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None
