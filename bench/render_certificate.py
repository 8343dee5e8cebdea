"""How fast certificate PDFs render: one reused Renderer against a naive write_pdf per person.

    .venv/bin/python bench/render_certificate.py [--people 200] [--no-images]

The naive way is what one writes first: per person, compile the template, build
the HTML with the stylesheet, the bundled fonts as file:// URLs and the QR code,
seal and signature as data: URIs, and call `HTML(...).write_pdf()`. The Renderer
compiles and parses once, keeps the fonts loaded, and turns the seal and
signature into JPEGs once. Both render the same default certificate with the same
people. Rendering only: no database, signing or storage. Prints milliseconds per
PDF (wall clock and CPU of this process), PDFs per second, the ratio and sizes.
"""

import argparse
import base64
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings  # noqa: E402

settings.configure(USE_I18N=False, CERTIFICATE_RENDER_SECONDS=20)

import segno  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402

from certificates import design, rendering  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ", "Vũ", "Ưng"]
GIVEN = ["Thị Hương", "Văn Thủy", "Minh Đức", "Thu Hằng", "Quốc Việt", "Ngọc Ánh", "Hữu Nghĩa"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--no-images", action="store_true", help="no seal and signature")
    options = parser.parse_args()
    images = {} if options.no_images else sample_images()
    people = [person(number) for number in range(options.people)]
    print(f"HarfBuzz subsetting: {'yes' if rendering.harfbuzz_subset_available() else 'NO (slow)'}; "
          f"{options.people} people; seal and signature: {'no' if options.no_images else 'PNG'}")

    renderer = rendering.Renderer(design.default_html(), design.default_css(), images)
    renderer.render(people[0])  # warm up both, so that neither pays for imports
    naive_render(people[0], images)
    reused, reused_size = run("Renderer.render (reused)", renderer.render, people)
    naive, naive_size = run("naive HTML().write_pdf()", lambda context: naive_render(context, images), people)
    print(f"ratio naive / reused: {naive / reused:.2f}x; sizes: reused {reused_size / 1000:.1f} KB, "
          f"naive {naive_size / 1000:.1f} KB")


def run(label: str, render, people: list[dict]) -> tuple[float, float]:
    walls, cpus, sizes = [], [], []
    for context in people:
        wall, cpu = time.perf_counter(), time.process_time()
        sizes.append(len(render(context)))
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    wall = statistics.mean(walls)
    print(f"{label:28s} {wall:6.1f} ms/PDF wall (median {statistics.median(walls):.1f}, "
          f"CPU {statistics.mean(cpus):.1f}), {1000 / wall:5.1f} PDFs/s on one core")
    return wall, statistics.mean(sizes)


def naive_render(context: dict, images: dict[str, bytes]) -> bytes:
    values = {**context, "qr": data_uri("image/png", qr_png(context["verify_url"]))}
    values.update({name: data_uri("image/png", data) for name, data in images.items()})
    html = Engine().from_string(design.default_html()).render(Context(values))
    fonts = "\n".join(
        f'@font-face {{ font-family: "{rendering.FONT_FAMILY}"; src: url({(rendering.FONTS_DIR / name).as_uri()}); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for (weight, style), name in rendering.FONT_FILES.items()
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=fonts + design.default_css())])


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", border=0, scale=1)
    return buffer.getvalue()


def data_uri(mime_type: str, data: bytes) -> str:
    return f"data:{mime_type};base64,{base64.b64encode(data).decode()}"


def person(number: int) -> dict:
    code = f"K7M2QX-9HTRWP-{number:06d}"
    return {
        **design.sample_context(),
        "holder_name": f"{SURNAMES[number % len(SURNAMES)]} {GIVEN[number % len(GIVEN)]}",
        "employee_code": f"TN-{number:05d}",
        "number": f"{number + 1}/2026/GCN",
        "code": code,
        "verify_url": f"https://daotao.thainguyen.gov.vn/verify/{code}/",
    }


def sample_images() -> dict[str, bytes]:
    """A 600-pixel seal and a signature with transparency, as an admin would upload them."""
    seal = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    draw.ellipse((10, 10, 590, 590), outline=(208, 28, 28, 235), width=22)
    draw.ellipse((90, 90, 510, 510), outline=(208, 28, 28, 235), width=8)
    draw.polygon([(300, 170), (330, 260), (425, 260), (348, 315), (378, 405), (300, 350), (222, 405),
                  (252, 315), (175, 260), (270, 260)], fill=(208, 28, 28, 235))
    signature = Image.new("RGBA", (700, 350), (0, 0, 0, 0))
    ImageDraw.Draw(signature).line([(40, 250), (150, 80), (260, 270), (380, 90), (500, 260), (660, 110)],
                                   fill=(26, 42, 140, 255), width=9, joint="curve")
    return {"seal": png(seal), "signature": png(signature)}


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


if __name__ == "__main__":
    main()
