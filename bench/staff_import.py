"""How fast the staff import is, against what reading the file and a bare bulk insert cost.

    .venv/bin/python bench/staff_import.py [--rows 10000]

Without DATABASE_URL the figures are for a throwaway SQLite file in a temporary
folder; with it (PostgreSQL), for a throwaway test database made beside the
named one and dropped at the end. Nothing is sent: e-mail goes to memory and
the invitation tasks to a file queue in the temporary folder.
"""

import argparse
import csv
import io
import random
import sys
import tempfile
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import report, set_up_django, timed  # noqa: E402

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
                "Dương", "Lý", "Nông", "Triệu", "Hà", "Lục", "Ma", "Lương", "Đinh", "Mông", "Hứa", "Chu"]
MIDDLE_NAMES = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Xuân", "Thị Thu",
                "Văn Đức", "Thị Hồng", "Công", "Quốc"]
GIVEN_NAMES = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Lan",
               "Linh", "Long", "Mai", "Nam", "Ngân", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
               "Trang", "Tuấn", "Việt", "Yến", "Khánh", "Nhung", "Thắng"]
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Phó trưởng phòng", "Trưởng phòng", "Công chức địa chính",
             "Công chức tư pháp - hộ tịch", "Công chức văn phòng - thống kê", "Phó Chủ tịch UBND xã", ""]
DISTRICTS = ["Ba Bể", "Bạch Thông", "Chợ Đồn", "Chợ Mới", "Na Rì", "Ngân Sơn", "Pác Nặm", "Bắc Kạn"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-staff-import-") as folder:
        database = set_up_django(Path(folder))
        try:
            run(options.rows, folder)
        finally:
            database.close()


def run(rows: int, folder: str) -> None:
    from django.db import connection

    from accounts.models import User

    admin, unit_codes = make_province()
    people = make_people(rows, unit_codes, seed=1)
    data = csv_bytes(people)
    print(f"Staff import of {rows:,} rows ({len(data) / 1e6:.1f} MB CSV) on {connection.vendor}")
    print()

    # The first import loads modules (openpyxl, the course hooks): not what is measured.
    import_file(admin, csv_bytes(make_people(100, unit_codes, seed=9, prefix="warm")), "warm-up.csv")

    parse_time = timed(lambda: list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))))
    bulk_time = timed(lambda: bare_bulk_create(people))
    create_time = timed(lambda: import_file(admin, data, "ds-moi.csv"))
    changed = [dict(person, full_name=person["full_name"] + " Mới", org_unit=random.choice(unit_codes))
               for person in people]
    update_time = timed(lambda: import_file(admin, csv_bytes(changed), "ds-sua.csv"))
    http_people = make_people(rows, unit_codes, seed=2, prefix="web")
    http_time = timed(lambda: import_over_http(admin, csv_bytes(http_people)))

    report("baseline: csv.reader over the decoded file", parse_time, rows)
    report("baseline: bare bulk_create of the same rows", bulk_time, rows)
    report("import_staff, all new (validate + insert)", create_time, rows)
    report("import_staff, all changed (validate + update)", update_time, rows)
    report("POST /api/v1/users/import/, all new", http_time, rows)
    print()
    print(f"import (new) / csv parse:   {create_time / parse_time:6.1f}x")
    print(f"import (new) / bulk_create: {create_time / bulk_time:6.2f}x")
    print()

    before = User.objects.count()
    bad = make_people(rows, unit_codes, seed=3, prefix="loi")
    bad_index = min(4998, rows // 2)
    bad[bad_index]["org_unit"] = "KHONG-CO"  # data starts on line 2: index 4998 is line 5000
    errors = import_file(admin, csv_bytes(bad), "ds-loi.csv", expect_errors=True)
    after = User.objects.count()
    print(f"one bad row among {rows:,}: people before {before:,}, after {after:,} "
          f"({after - before} created); errors reported: {errors}")


def make_province():
    from accounts import services
    from accounts.models import User

    admin = User.objects.create(username="bench-admin", full_name="Quản Trị Viên", is_superuser=True, is_staff=True)
    province = services.create_org_unit(actor=admin, name="Tỉnh Bắc Kạn", code="BK", kind="province")
    codes = ["BK"]
    for number, name in enumerate(DISTRICTS, start=1):
        district = services.create_org_unit(
            actor=admin, name=f"Huyện {name}", code=f"H{number:02d}", kind="district", parent=province
        )
        codes.append(district.code)
        for commune in range(1, 13):
            unit = services.create_org_unit(
                actor=admin, name=f"Xã {commune} {name}", code=f"H{number:02d}X{commune:02d}", kind="commune",
                parent=district,
            )
            codes.append(unit.code)
    return admin, codes


def make_people(rows: int, unit_codes: list[str], *, seed: int, prefix: str = "") -> list[dict]:
    generator = random.Random(seed)
    people = []
    for number in range(1, rows + 1):
        full_name = " ".join(
            [generator.choice(FAMILY_NAMES), generator.choice(MIDDLE_NAMES), generator.choice(GIVEN_NAMES)]
        )
        username = f"{prefix}{ascii_name(full_name)}{number}"
        people.append({
            "username": username,
            "full_name": full_name,
            "email": f"{username}@backan.gov.vn",
            "employee_code": f"{prefix.upper()}BK{number:06d}",
            "org_unit": generator.choice(unit_codes),
            "position": generator.choice(POSITIONS),
        })
    return people


def ascii_name(full_name: str) -> str:
    """"Nguyễn Văn Đức" -> "nguyenvanduc", the usual way usernames are made."""
    plain = unicodedata.normalize("NFD", full_name.replace("Đ", "D").replace("đ", "d"))
    return "".join(letter for letter in plain if letter.isascii() and letter.isalpha()).lower()


def csv_bytes(people: list[dict]) -> bytes:
    """As Excel in Vietnamese saves "CSV UTF-8": a BOM, semicolons, CRLF."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(people[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(people)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def bare_bulk_create(people: list[dict]) -> None:
    """The same people inserted with no checks at all, then rolled back."""
    from django.db import transaction

    from accounts.models import OrgUnit, User

    class RollBack(Exception):
        pass

    units = dict(OrgUnit.objects.values_list("code", "pk"))
    try:
        with transaction.atomic():
            User.objects.bulk_create(
                [User(username=p["username"], full_name=p["full_name"], email=p["email"],
                      employee_code=p["employee_code"], org_unit_id=units[p["org_unit"]], position=p["position"],
                      password="!") for p in people],
                batch_size=1000,
            )
            raise RollBack
    except RollBack:
        pass


def import_file(admin, data: bytes, name: str, *, expect_errors: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.staff_import import StaffImportError, import_staff

    try:
        result = import_staff(actor=admin, upload=SimpleUploadedFile(name, data))
    except StaffImportError as error:
        if not expect_errors:
            raise
        return error.errors
    assert not expect_errors, "the bad file was imported"
    return result


def import_over_http(admin, data: bytes) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.utils import override_settings
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(admin)
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = client.post(
            "/api/v1/users/import/", {"file": SimpleUploadedFile("ds-web.csv", data)}, format="multipart"
        )
    assert response.status_code == 200, response.content[:500]


if __name__ == "__main__":
    main()
