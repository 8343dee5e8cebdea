"""Demo data of the quick start: Bắc Kạn province, its units, and people to sign in as.

Everything is looked up by its code or username and created only when missing,
so loading twice changes nothing. Later issues add their own `load_...`
functions here (courses, classes) and call them from `load()`.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts import services
from accounts.models import OrgUnit, User
from accounts.roles import Role

DEMO_PASSWORD = "DaoTao@2026"
EMAIL_DOMAIN = "backan.gov.vn"

Kind = OrgUnit.Kind

# (code, name, kind, parent code), parents before their children.
ORG_UNITS = [
    ("BK", "Tỉnh Bắc Kạn", Kind.PROVINCE, None),
    ("BK-SNV", "Sở Nội vụ", Kind.DEPARTMENT, "BK"),
    ("BK-SNV-VP", "Văn phòng Sở Nội vụ", Kind.DIVISION, "BK-SNV"),
    ("BK-SNV-CCHC", "Phòng Cải cách hành chính", Kind.DIVISION, "BK-SNV"),
    ("BK-SNV-CCVC", "Phòng Công chức, viên chức", Kind.DIVISION, "BK-SNV"),
    ("BK-SNV-XDCQ", "Phòng Xây dựng chính quyền và Công tác thanh niên", Kind.DIVISION, "BK-SNV"),
    ("BK-VPUB", "Văn phòng UBND tỉnh", Kind.DEPARTMENT, "BK"),
    ("BK-VPUB-KSTT", "Phòng Kiểm soát thủ tục hành chính", Kind.DIVISION, "BK-VPUB"),
    ("BK-VPUB-TTHCC", "Trung tâm Phục vụ hành chính công", Kind.DIVISION, "BK-VPUB"),
    ("BK-STP", "Sở Tư pháp", Kind.DEPARTMENT, "BK"),
    ("BK-STP-HCTP", "Phòng Hành chính tư pháp", Kind.DIVISION, "BK-STP"),
    ("BK-STTTT", "Sở Thông tin và Truyền thông", Kind.DEPARTMENT, "BK"),
    ("BK-STTTT-CNTT", "Phòng Công nghệ thông tin", Kind.DIVISION, "BK-STTTT"),
    ("BK-TCT", "Trường Chính trị tỉnh Bắc Kạn", Kind.OTHER, "BK"),
    ("BK-TP", "Thành phố Bắc Kạn", Kind.DISTRICT, "BK"),
    ("BK-TP-NV", "Phòng Nội vụ thành phố Bắc Kạn", Kind.DIVISION, "BK-TP"),
    ("BK-TP-DX", "Phường Đức Xuân", Kind.COMMUNE, "BK-TP"),
    ("BK-TP-SC", "Phường Sông Cầu", Kind.COMMUNE, "BK-TP"),
    ("BK-TP-PCK", "Phường Phùng Chí Kiên", Kind.COMMUNE, "BK-TP"),
    ("BK-TP-DQ", "Xã Dương Quang", Kind.COMMUNE, "BK-TP"),
    ("BK-BABE", "Huyện Ba Bể", Kind.DISTRICT, "BK"),
    ("BK-BABE-NV", "Phòng Nội vụ huyện Ba Bể", Kind.DIVISION, "BK-BABE"),
    ("BK-BABE-CR", "Thị trấn Chợ Rã", Kind.COMMUNE, "BK-BABE"),
    ("BK-BABE-NM", "Xã Nam Mẫu", Kind.COMMUNE, "BK-BABE"),
    ("BK-BABE-TG", "Xã Thượng Giáo", Kind.COMMUNE, "BK-BABE"),
    ("BK-BABE-KN", "Xã Khang Ninh", Kind.COMMUNE, "BK-BABE"),
    ("BK-CHODON", "Huyện Chợ Đồn", Kind.DISTRICT, "BK"),
    ("BK-CHODON-NV", "Phòng Nội vụ huyện Chợ Đồn", Kind.DIVISION, "BK-CHODON"),
    ("BK-CHODON-BLU", "Thị trấn Bằng Lũng", Kind.COMMUNE, "BK-CHODON"),
    ("BK-CHODON-BLA", "Xã Bằng Lãng", Kind.COMMUNE, "BK-CHODON"),
    ("BK-CHODON-NP", "Xã Ngọc Phái", Kind.COMMUNE, "BK-CHODON"),
    ("BK-NARI", "Huyện Na Rì", Kind.DISTRICT, "BK"),
    ("BK-NARI-NV", "Phòng Nội vụ huyện Na Rì", Kind.DIVISION, "BK-NARI"),
    ("BK-NARI-YL", "Thị trấn Yến Lạc", Kind.COMMUNE, "BK-NARI"),
    ("BK-NARI-KL", "Xã Kim Lư", Kind.COMMUNE, "BK-NARI"),
    ("BK-BTHONG", "Huyện Bạch Thông", Kind.DISTRICT, "BK"),
    ("BK-BTHONG-NV", "Phòng Nội vụ huyện Bạch Thông", Kind.DIVISION, "BK-BTHONG"),
    ("BK-BTHONG-PT", "Thị trấn Phủ Thông", Kind.COMMUNE, "BK-BTHONG"),
    ("BK-BTHONG-QH", "Xã Quân Hà", Kind.COMMUNE, "BK-BTHONG"),
    ("BK-PACNAM", "Huyện Pác Nặm", Kind.DISTRICT, "BK"),
    ("BK-PACNAM-BB", "Xã Bộc Bố", Kind.COMMUNE, "BK-PACNAM"),
]


# Reorganisations of 1 July 2025 (communes merged as districts were abolished): (unit code, successor code, date).
# The communes are loaded as they were before, then merged; the merged commune stays, as history.
# (The districts are kept: the demo's HR scope, assignments and rosters are by district.)
MERGERS = [("BK-TP-DQ", "BK-TP-DX", date(2025, 7, 1))]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    unit: str
    position: str
    role: Role
    hr_scope: tuple[str, ...] = field(default=())


STAFF = [
    DemoPerson("admin", "Đàm Quang Huy", "BK-STTTT-CNTT", "Chuyên viên quản trị hệ thống", Role.ADMIN),
    DemoPerson(
        "hr", "Hoàng Thị Thanh Hương", "BK-SNV-CCVC", "Chuyên viên phụ trách đào tạo, bồi dưỡng", Role.HR,
        hr_scope=("BK-BABE", "BK-CHODON"),
    ),
    DemoPerson(
        "giangvien1", "Nông Thị Minh Nguyệt", "BK-SNV-CCHC", "Phó Trưởng phòng Cải cách hành chính", Role.INSTRUCTOR,
    ),
    DemoPerson(
        "giangvien2", "Lường Đức Thắng", "BK-TCT", "Giảng viên chính, Khoa Nhà nước và Pháp luật", Role.INSTRUCTOR,
    ),
]

CHAIR_COMMUNE = "Chủ tịch UBND xã"
VICE_CHAIR_COMMUNE = "Phó Chủ tịch UBND xã"
OFFICE = "Công chức Văn phòng - Thống kê"
JUSTICE = "Công chức Tư pháp - Hộ tịch"
LAND = "Công chức Địa chính - Xây dựng"
FINANCE = "Công chức Tài chính - Kế toán"
CULTURE = "Công chức Văn hóa - Xã hội"
SPECIALIST = "Chuyên viên"

# (full name, unit code, position); they become hocvien01, hocvien02, ... in this order.
LEARNERS = [
    ("Nông Văn Thắng", "BK-BABE-TG", CHAIR_COMMUNE),
    ("Hoàng Thị Lan", "BK-BABE-TG", OFFICE),
    ("Triệu Văn Kiên", "BK-BABE-TG", JUSTICE),
    ("Ma Thị Hằng", "BK-BABE-NM", CULTURE),
    ("Bàn Văn Quý", "BK-BABE-NM", VICE_CHAIR_COMMUNE),
    ("Lý Thị Mai", "BK-BABE-NM", JUSTICE),
    ("Hà Đức Mạnh", "BK-BABE-CR", "Chủ tịch UBND thị trấn"),
    ("Đàm Thị Thu Trang", "BK-BABE-CR", OFFICE),
    ("Lường Văn Tuấn", "BK-BABE-CR", LAND),
    ("Nguyễn Thị Thu Hà", "BK-BABE-KN", FINANCE),
    ("Dương Văn Hưng", "BK-BABE-KN", JUSTICE),
    ("Hoàng Minh Tâm", "BK-BABE-NV", SPECIALIST),
    ("Nông Thị Hồng Nhung", "BK-BABE-NV", "Phó Trưởng phòng"),
    ("Lục Văn Sơn", "BK-CHODON-BLU", "Chủ tịch UBND thị trấn"),
    ("Ma Thị Thu Hiền", "BK-CHODON-BLU", OFFICE),
    ("Triệu Thị Nga", "BK-CHODON-BLA", JUSTICE),
    ("Hà Văn Long", "BK-CHODON-BLA", VICE_CHAIR_COMMUNE),
    ("Bàn Thị Dung", "BK-CHODON-NP", CULTURE),
    ("Lý Văn Phúc", "BK-CHODON-NP", CHAIR_COMMUNE),
    ("Trần Thị Thanh Huyền", "BK-CHODON-NV", SPECIALIST),
    ("Đàm Văn Cường", "BK-CHODON-NV", "Trưởng phòng"),
    ("Nông Đức Anh", "BK-CHODON-BLA", LAND),
    ("Sầm Thị Loan", "BK-CHODON-NP", OFFICE),
    ("Hoàng Văn Dũng", "BK-TP-DX", "Chủ tịch UBND phường"),
    ("Lê Thị Phương", "BK-TP-DX", OFFICE),
    ("Phạm Minh Đức", "BK-TP-SC", JUSTICE),
    ("Vi Thị Thảo", "BK-TP-SC", CULTURE),
    ("Nguyễn Văn Hải", "BK-TP-PCK", "Phó Chủ tịch UBND phường"),
    ("Hứa Thị Ngọc", "BK-TP-PCK", FINANCE),
    ("Lưu Văn Thành", "BK-TP-DQ", CHAIR_COMMUNE),
    ("Ma Thị Yến", "BK-TP-DQ", JUSTICE),
    ("Đinh Thị Thu Hương", "BK-TP-NV", SPECIALIST),
    ("Lục Minh Hoàng", "BK-TP-NV", "Phó Trưởng phòng"),
    ("Triệu Văn Định", "BK-NARI-YL", "Chủ tịch UBND thị trấn"),
    ("Hoàng Thị Thúy", "BK-NARI-YL", OFFICE),
    ("Lường Thị Hoa", "BK-NARI-KL", JUSTICE),
    ("Nông Văn Lợi", "BK-NARI-KL", VICE_CHAIR_COMMUNE),
    ("Hà Thị Kim Oanh", "BK-NARI-NV", SPECIALIST),
    ("Bàn Văn Tiến", "BK-NARI-KL", LAND),
    ("La Văn Hùng", "BK-BTHONG-PT", "Chủ tịch UBND thị trấn"),
    ("Dương Thị Hạnh", "BK-BTHONG-PT", OFFICE),
    ("Mông Văn Tài", "BK-BTHONG-QH", JUSTICE),
    ("Đàm Thị Liên", "BK-BTHONG-QH", CULTURE),
    ("Nguyễn Đức Trung", "BK-BTHONG-NV", "Trưởng phòng"),
    ("Lý Thị Xuân", "BK-PACNAM-BB", OFFICE),
    ("Triệu Văn Sinh", "BK-PACNAM-BB", CHAIR_COMMUNE),
    ("Bàn Thị Mây", "BK-PACNAM-BB", JUSTICE),
    ("Phạm Thị Minh Thu", "BK-SNV-CCHC", SPECIALIST),
    ("Nguyễn Quốc Việt", "BK-SNV-CCHC", "Chuyên viên chính"),
    ("Hoàng Thu Trang", "BK-SNV-CCVC", SPECIALIST),
    ("Lê Văn Quang", "BK-SNV-XDCQ", "Phó Trưởng phòng"),
    ("Ma Đức Thịnh", "BK-SNV-VP", SPECIALIST),
    ("Trần Thu Thủy", "BK-VPUB-KSTT", SPECIALIST),
    ("Nông Minh Khôi", "BK-VPUB-KSTT", "Phó Trưởng phòng"),
    ("Hà Thị Bích Ngọc", "BK-VPUB-TTHCC", SPECIALIST),
    ("Lục Thị Thu Huyền", "BK-VPUB-TTHCC", "Phó Giám đốc Trung tâm"),
    ("Vũ Văn Toàn", "BK-STP-HCTP", SPECIALIST),
    ("Hoàng Thị Ngân", "BK-STP-HCTP", "Trưởng phòng"),
    ("Đỗ Minh Tuấn", "BK-STTTT-CNTT", SPECIALIST),
    ("Lường Văn Hậu", "BK-STTTT-CNTT", "Phó Trưởng phòng"),
    ("Triệu Thị Hồng", "BK-BABE-TG", LAND),
    ("Hoàng Văn Nam", "BK-CHODON-BLU", JUSTICE),
    ("Nông Thị Thu", "BK-NARI-YL", FINANCE),
    ("Đàm Đức Lâm", "BK-TP-SC", "Chủ tịch UBND phường"),
]


@dataclass
class DemoSummary:
    units_created: int = 0
    people_created: int = 0


def learner_username(number: int) -> str:
    return f"hocvien{number:02d}"


def ascii_name(text: str) -> str:
    """'Nông Văn Thắng' -> 'nong van thang': Vietnamese without diacritics, for e-mail addresses."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def demo_email(full_name: str, taken: set[str]) -> str:
    """'Nông Văn Thắng' -> 'thang.nong@backan.gov.vn', numbered when already taken."""
    words = ascii_name(full_name).split()
    local = f"{words[-1]}.{words[0]}"
    candidate, number = local, 1
    while candidate in taken:
        number += 1
        candidate = f"{local}{number}"
    taken.add(candidate)
    return f"{candidate}@{EMAIL_DOMAIN}"


@transaction.atomic
def load() -> DemoSummary:
    validate_password(DEMO_PASSWORD)
    summary = DemoSummary()
    units = load_org_units(summary)
    load_people(units, summary)
    load_mergers()
    return summary


def load_org_units(summary: DemoSummary) -> dict[str, OrgUnit]:
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[row[0] for row in ORG_UNITS])}
    for code, name, kind, parent_code in ORG_UNITS:
        if code not in units:
            parent = units[parent_code] if parent_code else None
            units[code] = services.create_org_unit(actor=None, name=name, code=code, parent=parent, kind=kind)
            summary.units_created += 1
    return units


def load_mergers() -> None:
    """Merge the units of `MERGERS` that are not merged yet, with the people placed in them."""
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[code for row in MERGERS for code in row[:2]])}
    for code, successor, on in MERGERS:
        if code in units and successor in units and units[code].is_active:
            services.merge_org_unit(actor=None, unit=units[code], into=units[successor], on=on)


def load_people(units: dict[str, OrgUnit], summary: DemoSummary) -> None:
    taken_emails: set[str] = set()
    load_staff(units, taken_emails, summary)
    load_learners(units, taken_emails, summary)


def load_staff(units: dict[str, OrgUnit], taken_emails: set[str], summary: DemoSummary) -> None:
    existing = set(User.objects.filter(username__in=[p.username for p in STAFF]).values_list("username", flat=True))
    for number, person in enumerate(STAFF, start=1):
        email = demo_email(person.full_name, taken_emails)
        if person.username in existing:
            continue
        services.create_user(
            actor=None, username=person.username, full_name=person.full_name, email=email,
            password=DEMO_PASSWORD, employee_code=f"BK{number:05d}", org_unit=units[person.unit],
            position=person.position, roles=[person.role], hr_scope=[units[code] for code in person.hr_scope],
        )
        summary.people_created += 1


def load_learners(units: dict[str, OrgUnit], taken_emails: set[str], summary: DemoSummary) -> None:
    """Learners are created in bulk with one password hash: Argon2 for each of them is slow."""
    usernames = [learner_username(number) for number in range(1, len(LEARNERS) + 1)]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    new_people = []
    for number, (full_name, unit_code, position) in enumerate(LEARNERS, start=1):
        email = demo_email(full_name, taken_emails)
        if learner_username(number) not in existing:
            new_people.append(User(
                username=learner_username(number), full_name=full_name, email=email,
                employee_code=f"BK{100 + number:05d}", org_unit=units[unit_code], position=position,
            ))
    if not new_people:
        return
    password_hash = make_password(DEMO_PASSWORD)
    for person in new_people:
        person.password = password_hash
    User.objects.bulk_create(new_people)
    new_ids = User.objects.filter(username__in=[person.username for person in new_people]).values_list("pk", flat=True)
    learners = Group.objects.get(name=Role.LEARNER)
    Membership = User.groups.through
    Membership.objects.bulk_create([Membership(user_id=pk, group_id=learners.pk) for pk in new_ids])
    summary.people_created += len(new_people)


def logins() -> list[tuple[str, str]]:
    """(username, role label) of every demo login, for the table the command prints."""
    rows = [(person.username, person.role.label) for person in STAFF]
    rows.append((f"{learner_username(1)} … {learner_username(len(LEARNERS))}", Role.LEARNER.label))
    return rows
