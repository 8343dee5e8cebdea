"""DRF's browsable API under the site's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY)."""

import base64
import hashlib

from rest_framework import renderers

# The one inline style of DRF's page template (on its "Extra Actions" and "Filters" buttons).
DRF_STYLE_ATTRIBUTE = "float: right; margin-right: 10px"
DRF_STYLE_HASH = "'sha256-%s'" % base64.b64encode(hashlib.sha256(DRF_STYLE_ATTRIBUTE.encode()).digest()).decode()


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's pages with no inline style but the attribute above, which their CSP allows by its hash.

    'unsafe-hashes' lets a style attribute through only when its text has one of
    the listed hashes: this one attribute, nothing an attacker could write.
    """

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        # Pygments' colours, as an inline <style>; they only colour Markdown descriptions, which need
        # the markdown package (not installed).
        context["code_style"] = None
        return context

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context["response"]._csp_update = {"style-src": ["'unsafe-hashes'", DRF_STYLE_HASH]}
        return super().render(data, accepted_media_type, renderer_context)
