"""Hostile uploads against the three imports: what each answers, how long it takes, how much memory it costs.

    .venv/bin/python bench/upload_bomb.py                     # every case
    .venv/bin/python bench/upload_bomb.py rows-1.5M billion-laughs

Each file (built by `tests/hostile_files.py`, at full size here) goes through
the service its API view calls (`import_staff`, `import_questions`,
`import_roster`) in a fresh process of its own, on a throwaway SQLite
database, so that each memory figure is that file's alone: the peak resident
memory during the import (VmHWM, reset just before it) less the resident
memory before it. The aims: every hostile file refused with a 400 naming its
limit in under 2 s, the process growing by under 100 MB. The last cases are
the largest files an import accepts, read but not imported, for comparison.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import set_up_django  # noqa: E402
from tests import hostile_files as hostile  # noqa: E402

MIB = 1 << 20
STAFF = ["username", "full_name", "email", "employee_code", "org_unit", "position"]
QUESTIONS = ["Loại (type)", "Câu hỏi (question)", "Đáp án đúng (correct answer)", "A", "B", "C", "D"]
ROSTER = ["STT", "Họ và tên", "employee_code"]


def person(number: int) -> list[str]:
    return [f"canbo{number}", f"Nguyễn Văn {number}", f"canbo{number}@backan.gov.vn", f"BK{number:06d}", "BK",
            "Chuyên viên"]


def roster_entry(number: int) -> list[str]:
    return [str(number), f"Nguyễn Văn {number}", f"BK{number:06d}"]


def gift_question(number: int) -> str:
    return f"Câu hỏi số {number} về cải cách hành chính?{{=Sở Nội vụ ~Sở Tư pháp ~UBND tỉnh ~Phương án {number}}}\n\n"


def question(number: int) -> list[str]:
    return ["Một đáp án", f"Câu hỏi số {number} về cải cách hành chính?", "B", "Sở Nội vụ", "Sở Tư pháp",
            "UBND tỉnh", f"Phương án {number}"]


@dataclass(frozen=True)
class Case:
    name: str
    target: str  # staff, questions (XLSX), gift, aiken or roster
    build: Callable[[], bytes]
    accepted: bool = False  # a file the import takes, read without being imported


CASES = [
    Case("huge-string-1GiB", "staff", lambda: hostile.huge_cell(STAFF, 1024 * MIB)),
    Case("huge-string-1GiB", "questions", lambda: hostile.huge_cell(QUESTIONS, 1024 * MIB)),
    Case("huge-string-1GiB", "roster", lambda: hostile.huge_cell(ROSTER, 1024 * MIB)),
    Case("rows-1.5M", "staff", lambda: hostile.numbered_rows(STAFF, 1_500_000, person)),
    Case("rows-1.5M", "questions", lambda: hostile.numbered_rows(QUESTIONS, 1_500_000, question)),
    Case("rows-1.5M", "roster", lambda: hostile.numbered_rows(ROSTER, 1_500_000, roster_entry)),
    Case("rows-150k-under-64MB", "staff", lambda: hostile.numbered_rows(STAFF, 150_000, person)),
    Case("rows-150k-under-64MB", "questions", lambda: hostile.numbered_rows(QUESTIONS, 150_000, question)),
    Case("parts-100k", "staff", lambda: hostile.many_parts(STAFF, 100_000)),
    Case("ratio-60MB-of-spaces", "staff", lambda: hostile.squeezed(STAFF, 60 * MIB)),
    Case("long-cell-1M-chars", "questions", lambda: hostile.long_cell(QUESTIONS, 1_000_000)),
    Case("wide-row-100k-cells", "staff", lambda: hostile.wide_row(STAFF, 100_000)),
    Case("billion-laughs", "staff", lambda: hostile.entity_bomb(STAFF)),
    Case("styles-1M-records", "questions", lambda: hostile.many_styles(QUESTIONS, 1_000_000)),
    Case("styles-1GiB-said-1KB", "staff", lambda: hostile.understated_styles(STAFF, 1024 * MIB)),
    Case("csv-200k-rows", "staff", lambda: csv_bytes(STAFF, map(person, range(200_000)))),
    Case("csv-one-19MB-line", "roster", lambda: ",".join(ROSTER).encode() + b"\n" + b"x," * (19 * MIB // 2)),
    Case("gift-with-a-NUL", "gift", lambda: "Câu 1? {T}\n\n".encode() * 100_000 + b"Cau\x00 2? {F}\n"),
    Case("row-width-5k-rows-at-XFD", "staff", lambda: hostile.far_cells(STAFF, 5_000)),
    Case("row-width-5k-rows-at-XFD", "questions", lambda: hostile.far_cells(QUESTIONS, 5_000)),
    Case("row-width-5k-rows-at-XFD", "roster", lambda: hostile.far_cells(ROSTER, 5_000)),
    Case("row-width-50k-empty-at-XFD", "staff", lambda: hostile.far_cells(STAFF, 50_000, value=False)),
    Case("row-jump-to-20M", "staff", lambda: hostile.row_jump(STAFF, 20_000_000, person(1))),
    Case("row-jump-to-20M", "questions", lambda: hostile.row_jump(QUESTIONS, 20_000_000, question(1))),
    Case("row-jump-to-20M", "roster", lambda: hostile.row_jump(ROSTER, 20_000_000, roster_entry(1))),
    Case("row-jump-to-100k", "staff", lambda: hostile.row_jump(STAFF, 100_000, person(1)), accepted=True),
    Case("gift-400k-questions-2.4MB", "gift", lambda: b"a{T}\n\n" * 400_000),
    Case("aiken-200k-questions-3.8MB", "aiken", lambda: b"a\nA.b\nB.c\nANSWER:A\n" * 200_000),
    Case("gift-1.7M-questions-10MB", "gift", lambda: b"a{T}\n\n" * (10 * MIB // 6)),
    Case("aiken-550k-questions-10MB", "aiken", lambda: b"a\nA.b\nB.c\nANSWER:A\n" * (10 * MIB // 19)),
    Case("gift-10M-blank-lines", "gift", lambda: b"\n" * (10 * MIB)),
    Case("aiken-10M-blank-lines", "aiken", lambda: b"\n" * (10 * MIB)),
    Case("gift-one-3.5M-line-question", "gift", lambda: b"ab\n" * (10 * MIB // 3)),
    Case("gift-one-900k-line-question", "gift", lambda: b"ab\n" * 900_000),
    Case("aiken-one-900k-line-question", "aiken", lambda: b"ab\n" * 900_000),
    Case("gift-one-line-of-5M-answers", "gift", lambda: b"a{=b" + b"~b" * (5 * MIB - 10) + b"}\n"),
    Case("gift-20k-questions-26-answers", "gift", lambda: (b"a{=b" + b"~b" * 25 + b"}\n\n") * 20_000),
    Case("gift-NUL-on-900k-lines", "gift", lambda: b"a\x00\n" * 900_000),
    Case("aiken-900k-errors", "aiken", lambda: (b"q\n" + b"A.b\n" * 999) * 900),
    Case("empty-cells-2M", "staff", lambda: hostile.empty_cells(STAFF, 124, 16_000)),
    Case("wrong-header-50k-rows", "staff", lambda: hostile.numbered_rows(["?", *STAFF[1:]], 50_000, person)),
    Case("wrong-header-20k-rows", "questions", lambda: hostile.numbered_rows(["?", *QUESTIONS[1:]], 20_000,
                                                                              question)),
    Case("wrong-header-50k-rows", "roster", lambda: hostile.numbered_rows([*ROSTER[:2], "?"], 50_000,
                                                                           roster_entry)),
    Case("wrong-header-50k-sized", "staff", lambda: workbook(["?", *STAFF[1:]], map(person, range(50_000)))),
    Case("wrong-header-csv-200k", "staff", lambda: csv_bytes(["?", *STAFF[1:]], map(person, range(200_000)))),
    Case("accepted-50k-people", "staff", lambda: workbook(STAFF, map(person, range(50_000))), accepted=True),
    Case("accepted-20k-questions", "questions", lambda: workbook(QUESTIONS, map(question, range(20_000))),
         accepted=True),
    Case("accepted-20k-questions", "gift", lambda: "".join(map(gift_question, range(20_000))).encode(),
         accepted=True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="names of the cases to run (all by default)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(run_case(CASES[int(options.child)], Path(options.folder))))
        return
    chosen = [number for number, case in enumerate(CASES) if not options.cases or case.name in options.cases]
    # The environment as it was before Django's set-up, for each fresh process to set up alike; always SQLite.
    environment = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    os.environ.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="bench-upload-bomb-") as folder:
        database = set_up_django(Path(folder))
        try:
            make_targets()
            print(f"{'case':<28} {'import':<9} {'file':>8} {'status':>6} {'seconds':>8} {'+MB':>6}  answer")
            for number in chosen:
                report(CASES[number], in_fresh_process(number, folder, environment))
        finally:
            database.close()


def in_fresh_process(number: int, folder: str, environment: dict) -> dict:
    command = [sys.executable, __file__, "--child", str(number), "--folder", folder]
    finished = subprocess.run(command, capture_output=True, text=True, env=environment)
    if finished.returncode != 0:
        return {"status": "died", "seconds": 0, "growth_mb": 0, "bytes": 0,
                "answer": (finished.stderr.strip().splitlines() or ["killed"])[-1]}
    return json.loads(finished.stdout.strip().splitlines()[-1])


def report(case: Case, result: dict) -> None:
    met = result["seconds"] < 2 and result["growth_mb"] < 100 and (case.accepted or result["status"] == 400)
    print(f"{case.name:<28} {case.target:<9} {result['bytes'] / 1e6:7.2f}M {result['status']:>6} "
          f"{result['seconds']:8.2f} {result['growth_mb']:6.0f}  {'' if met or case.accepted else '[AIM MISSED] '}"
          f"{result['answer'][:110]}")


def make_targets() -> None:
    """The people and things every case imports into: an administrator, a unit, a bank, a conference."""
    from datetime import date

    from accounts import services as accounts
    from accounts.models import User
    from courses import services as courses
    from quizzes import services as quizzes
    from training import services as training
    from training.models import Event

    admin = User.objects.create(username="bench-admin", full_name="Quản Trị Viên", is_superuser=True, is_staff=True)
    accounts.create_org_unit(actor=admin, name="Tỉnh Bắc Kạn", code="BK", kind="province")
    course = courses.create_course(actor=admin, code="CCHC-01", title="Cải cách hành chính", topic="procedures",
                                   hours=4)
    quizzes.create_bank(actor=admin, name="Ngân hàng", course=course)
    training.create_event(actor=admin, kind=Event.Kind.CONFERENCE, title="Hội nghị", starts_on=date(2026, 11, 12),
                          ends_on=date(2026, 11, 13))


# In the fresh process ---------------------------------------------------------


def run_case(case: Case, folder: Path) -> dict:
    set_up_django(folder)
    from django.utils import translation

    translation.activate("en")
    data = case.build()
    send_file = read_only if case.accepted else send
    send_file(case.target, small_file(case.target))  # loads the modules, as a running server has
    before = resident_mb()
    start = time.perf_counter()
    status, answer = send_file(case.target, data)
    seconds = time.perf_counter() - start
    return {"status": status, "answer": answer, "seconds": seconds, "growth_mb": peak_mb() - before,
            "bytes": len(data)}


def send(target: str, data: bytes) -> tuple[int, str]:
    """The file through the import service the API view calls, as a 400 with its errors or a 200."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from accounts.staff_import import import_staff
    from accounts.uploads import UploadError
    from quizzes import services as quizzes
    from quizzes.formats import FormatError
    from quizzes.models import QuestionBank
    from training.models import Event
    from training.roster_import import import_roster

    actor = User.objects.get(username="bench-admin")
    upload = SimpleUploadedFile("tep", data)
    bank, event = QuestionBank.objects.get(), Event.objects.get()
    reset_peak()
    try:
        if target == "staff":
            result = import_staff(actor=actor, upload=upload)
        elif target == "roster":
            result = import_roster(actor=actor, event=event, upload=upload)
        else:
            file_format = target if target in ("gift", "aiken") else "xlsx"
            result = quizzes.import_questions(actor=actor, bank=bank, data=data, file_format=file_format)
    except (UploadError, FormatError) as error:
        return 400, "; ".join(f"line {item['line']}: {item['message']}" for item in error.errors[:2])
    return 200, str(result)


def read_only(target: str, data: bytes) -> tuple[int, str]:
    """An accepted file read as the import reads it, without writing anyone or anything."""
    from accounts.staff_import import parse_staff_file
    from quizzes.formats import gift, xlsx

    reset_peak()
    rows = {"staff": parse_staff_file, "questions": xlsx.parse, "gift": gift.parse_bytes}[target](data)
    return 200, f"read {len(rows):,} rows (not imported)"


def small_file(target: str) -> bytes:
    if target == "gift":
        return b"Cau? {T}\n"
    if target == "aiken":
        return b"Cau?\nA. Co\nB. Khong\nANSWER: A\n"
    header, row = {"staff": (STAFF, person(1)), "questions": (QUESTIONS, question(1)),
                   "roster": (ROSTER, ["1", "A", "KHONG-CO"])}[target]
    return workbook(header, [row])


def workbook(header: list[str], rows) -> bytes:
    """A workbook as openpyxl writes one, with its size recorded (so it is read once)."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows) -> bytes:
    return "\n".join([",".join(header), *(",".join(row) for row in rows)]).encode()


def resident_mb() -> float:
    return _status_mb("VmRSS")


def peak_mb() -> float:
    return _status_mb("VmHWM")


def reset_peak() -> None:
    # Linux resets VmHWM to the current resident size when "5" is written here.
    Path("/proc/self/clear_refs").write_text("5")


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


if __name__ == "__main__":
    main()
