"""Renderers that only name a file format, so that `?format=gift` (or aiken, xlsx) reaches the view.

DRF reads a `format` query parameter as a request for a renderer of that format
and answers 404 when the view has none. Views that return files themselves list
these next to the JSON renderer; the file is built by the view, not here.
"""

from rest_framework.renderers import BaseRenderer


class FileRenderer(BaseRenderer):
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class GiftRenderer(FileRenderer):
    media_type, format = "text/plain", "gift"


class AikenRenderer(FileRenderer):
    media_type, format = "text/plain", "aiken"


class XlsxRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
