"""The demo's certificate template: the default design, a signer, and a seal marked as a specimen."""

from django.core.files.base import ContentFile

from certificates.services import default_template

SIGNER_NAME = "Hoàng Văn Mẫu"
# A plain round seal with a star, no body's name: the demo's PDFs are signed with a key named DEMO.
SEAL_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">
<g fill="none" stroke="#c8102e" opacity="0.85">
<circle cx="100" cy="100" r="94" stroke-width="6"/><circle cx="100" cy="100" r="80" stroke-width="2"/>
<circle cx="100" cy="100" r="46" stroke-width="2"/></g>
<path fill="#c8102e" opacity="0.85" d="M100 66l8.2 25.2h26.5l-21.4 15.6 8.2 25.2L100 116.4 78.5 132l8.2-25.2-21.4-15.6
h26.5z"/>
</svg>
"""


def load() -> None:
    """Give the default template a signer and the specimen seal, once."""
    template = default_template()
    changed = []
    if not template.signer_name:
        template.signer_name = SIGNER_NAME
        changed.append("signer_name")
    if not template.seal:
        template.seal.save("demo-seal.svg", ContentFile(SEAL_SVG.encode()), save=False)
        changed.append("seal")
    if changed:
        template.save()
