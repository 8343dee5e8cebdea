"""The parts of certificate templates that need no PDF engine: the default design, sample data, dates.

Kept apart from `certificates.rendering` so that a web process that only shows
or verifies certificates never loads WeasyPrint and qpdf (about 60 MB).
"""

import unicodedata
from datetime import date
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent / "pdf"


class TemplateError(Exception):
    """The template cannot be rendered; the message is for the admin who wrote it (a 400)."""


def default_html() -> str:
    return (TEMPLATE_DIR / "default.html").read_text(encoding="utf-8")


def default_css() -> str:
    return (TEMPLATE_DIR / "default.css").read_text(encoding="utf-8")


def place_date_line(place: str, day: date) -> str:
    """ "Thái Nguyên, ngày 07 tháng 12 năm 2026".

    Decree 30/2020 (Appendix I): days below 10 and the months 1 and 2 take a
    leading zero, so "ngày 07 tháng 02" but "ngày 15 tháng 3".
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return unicodedata.normalize("NFC", f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}")


def sample_context() -> dict:
    """Realistic data for the admin's live preview of a template."""
    return {
        "holder_name": "Nguyễn Thị Hương",
        "birth_date": "12/05/1988",
        "employee_code": "TN-04217",
        "org_unit": "Phường Phan Đình Phùng, tỉnh Thái Nguyên",
        "position": "Công chức Văn phòng - Thống kê",
        "kind": "completion",
        "kind_label": "Hoàn thành",
        "title": "Bồi dưỡng kiến thức, kỹ năng về cải cách hành chính và chuyển đổi số năm 2026",
        "starts_on": "03/11/2026",
        "ends_on": "28/11/2026",
        "hours": "40",
        "result": "Đạt, xếp loại Giỏi (8,6 điểm)",
        "venue": "Trường Chính trị tỉnh Thái Nguyên",
        "sessions": "5/6 buổi",
        "issuer_parent": "UBND TỈNH THÁI NGUYÊN",
        "issuer": "Sở Nội vụ",
        "signer_title": "Giám đốc",
        "signer_name": "Đặng Văn Thủy",
        "number": "125/2026/GCN",
        "code": "K7M2QX-9HTRWP-4BNZ8C",
        "verify_url": "https://daotao.thainguyen.gov.vn/verify/K7M2QX-9HTRWP-4BNZ8C/",
        "place_date": place_date_line("Thái Nguyên", date(2026, 12, 7)),
        "expires_on": "",
    }
