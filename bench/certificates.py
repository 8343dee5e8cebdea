"""Certificates for a 1,000-person conference, end to end, on real PostgreSQL, Redis and Celery workers.

    .venv/bin/python bench/certificates.py [--people 1000] [--concurrency 2]

Prints, from one run on this machine:

- the naive rate: one `HTML(...).write_pdf()` per person in one process, the
  default certificate, nothing stored (the baseline);
- the bulk issue of the whole conference, unsigned and then signed (a PKCS#12
  demo key), from the instructor's request to the ZIP ready: database, numbering,
  render, sign, store, ZIP, with `--concurrency` worker processes, as
  certificates per second, and the ratio to the naive rate;
- the processor time the workers spent per certificate (user and system, all
  worker processes): unlike the rate, it does not move when other programs
  share the machine, and 1,000 x workers / it is the rate that many free cores
  would reach (were the database and this process free);
- the most memory any worker process used (VmHWM), the largest PDF, and a
  check of every PDF (it parses as one page; signed ones validate);
- the verify page and API under 100 concurrent requests: p50 and p95, beside
  /healthz's under the same load (one query and a Redis ping: the baseline).

DATABASE_URL names the PostgreSQL server (a throwaway database is made on it and
dropped), REDIS_URL the Redis (default redis://127.0.0.1:6379/0).
"""

import argparse
import asyncio
import hashlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.exam_day import admin_database, bench_environment, run_manage, stop  # noqa: E402

PORT = 8793
BASE = f"http://127.0.0.1:{PORT}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--naive", type=int, default=100, help="people rendered by the naive baseline")
    parser.add_argument("--requests", type=int, default=2000, help="verify requests, 100 at a time")
    options = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    database = f"bench_certificates_{uuid.uuid4().hex[:8]}"
    bench_url = urlunsplit(urlsplit(server_url)._replace(path="/" + database))
    admin_database(server_url, f'CREATE DATABASE "{database}"')
    folder = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    env = {**bench_environment(bench_url), "VAR_DIR": str(folder), "MEDIA_ROOT": str(folder / "media"),
           "VERIFY_RATE": "100000000/minute", "API_ANON_RATE": "100000000/hour"}
    keys = folder / "keys"
    processes = []
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"  # for the clean-up, whatever fails
    try:
        run_manage(env, "migrate", "--verbosity", "0")
        made = subprocess.run([sys.executable, str(ROOT / "manage.py"), "make_demo_keys", "--dir", str(keys)],
                              env=env, check=True, capture_output=True, text=True).stdout
        signed_env = {**env, **dict(line.split("=", 1) for line in made.splitlines() if "=" in line)}
        os.environ.update(env)
        import django

        django.setup()
        instructor, events = make_conferences(options.people)
        settle_database()

        naive = naive_rate(options.naive)
        print(f"naive: one HTML(...).write_pdf() per person, one process   {naive:7.1f} certificates/s")

        figures = {}
        for label, worker_env, event in (("unsigned", env, events[0]), ("signed", signed_env, events[1])):
            worker = start_worker(worker_env, options.concurrency, folder / f"worker-{label}.log")
            processes.append(worker)
            try:
                figures[label] = bulk_issue(instructor, event, worker, signed=label == "signed")
            finally:
                stop([worker])
                processes.remove(worker)
            rate = options.people / figures[label]["seconds"]
            print(f"bulk issue, {label:<8} ({options.people} people, {options.concurrency} workers)       "
                  f"{rate:7.1f} certificates/s  = {rate / naive:4.1f} x naive   "
                  f"({figures[label]['seconds']:.1f} s to the ZIP)")
            cpu_ms = figures[label]["cpu_seconds"] * 1000 / options.people
            moments = figures[label]["moments"]
            print(f"  numbered after {moments.get('numbered', 0):.1f} s, every PDF stored after "
                  f"{moments.get('rendered', figures[label]['seconds']):.1f} s;  worker processor time "
                  f"{cpu_ms:.1f} ms a certificate ({options.concurrency} free cores: "
                  f"{1000 * options.concurrency / cpu_ms:.0f}/s);  load average at the end {os.getloadavg()[0]:.1f}")
            print(f"  largest worker process: {figures[label]['rss_mb']:.0f} MB;  PDFs: largest "
                  f"{figures[label]['largest_kb']:.1f} KB, mean {figures[label]['mean_kb']:.1f} KB;  "
                  f"{figures[label]['checked']}")

        web = start_web(signed_env, folder / "web.log")
        processes.append(web)
        from certificates.models import Certificate

        codes = list(Certificate.objects.values_list("code", flat=True)[:500])
        asyncio.run(verify_load(codes, options.requests))
    finally:
        stop(processes)
        from django.db import connections

        connections.close_all()
        admin_database(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# Set-up ---------------------------------------------------------------------------


def make_conferences(people: int):
    """Two conferences (one per run) of `people` officials each, every one present at its session."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import OrgUnit, User
    from certificates.services import default_template
    from training.models import AttendanceRecord, Event, RosterEntry, Session

    default_template()
    province = OrgUnit.objects.add_root(instance=OrgUnit(name="Tỉnh Thái Nguyên", code="TN", kind="province"))
    ward = OrgUnit.objects.add_child(province, instance=OrgUnit(name="Phường Phan Đình Phùng", code="TN-PDP",
                                                                kind="ward"))
    instructor = User.objects.create(username="giangvien", full_name="Triệu Văn Giảng", is_superuser=True)
    password = make_password(None)
    given = ["Hương", "Thủy", "Đặng", "Ưng", "Nguyệt", "Quỳnh", "Đức", "Trường"]
    officials = User.objects.bulk_create(
        [User(username=f"cb{n:05d}", full_name=f"Nguyễn Thị {given[n % len(given)]} {n}", password=password,
              employee_code=f"TN{n:05d}", org_unit=ward, position="Chuyên viên") for n in range(people)],
        batch_size=1000,
    )
    events = []
    for number in (1, 2):
        event = Event.objects.create(
            kind="conference", title=f"Hội nghị tuyên truyền cải cách hành chính năm 2026 (đợt {number})",
            starts_on=timezone.localdate(), ends_on=timezone.localdate(), venue="Hội trường UBND tỉnh",
        )
        event.instructors.add(instructor)
        start = timezone.now() - timedelta(hours=3)
        session = Session.objects.create(event=event, title="Phiên toàn thể", starts_at=start,
                                         ends_at=start + timedelta(hours=2))
        RosterEntry.objects.bulk_create([RosterEntry(event=event, user=p, attended=True) for p in officials],
                                        batch_size=1000)
        AttendanceRecord.objects.bulk_create(
            [AttendanceRecord(session=session, user=p, status="present") for p in officials], batch_size=1000)
        events.append(event)
    return instructor, events


def settle_database() -> None:
    """Vacuum and analyse now, so that autovacuum does not take its turn on the fresh rows during a timed run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def start_worker(env: dict, concurrency: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", str(concurrency),
         "--loglevel", "WARNING", "-Q", env["CELERY_TASK_DEFAULT_QUEUE"]],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )


def start_web(env: dict, log_path: Path) -> subprocess.Popen:
    import urllib.request

    log = open(log_path, "w")
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "5", "--bind", f"127.0.0.1:{PORT}",
         "--backlog", "2048"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=2):
                return web
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not come up; see {log_path}") from None
            time.sleep(0.3)


# The baseline ------------------------------------------------------------------------


def naive_rate(people: int) -> float:
    """One `HTML(string=...).write_pdf()` per person, the default template, in this process."""
    from django.template import Context, Engine
    from weasyprint import HTML

    from certificates import design

    template = Engine().from_string(f"<style>{design.default_css()}</style>{design.default_html()}")
    context = design.sample_context()
    start = time.perf_counter()
    for n in range(people):
        html = template.render(Context({**context, "holder_name": f"Nguyễn Thị Hương {n}", "qr": ""}))
        HTML(string=html, base_url=str(ROOT)).write_pdf()
    return people / (time.perf_counter() - start)


# The bulk issue --------------------------------------------------------------------------


def bulk_issue(instructor, event, worker: subprocess.Popen, *, signed: bool) -> dict:
    from accounts.models import Job
    from certificates import services
    from certificates.models import Certificate

    time.sleep(3)  # the worker's start-up is not the issue's time
    peak = {"rss": 0}
    cpu_before = worker_cpu_seconds(worker.pid)
    start = time.perf_counter()
    job = services.start_bulk_issue(actor=instructor, event=event)
    moments = {}  # when the job was first seen numbered (running) and with every PDF stored
    while True:
        job.refresh_from_db()
        peak["rss"] = max(peak["rss"], worker_peak_rss(worker.pid))
        if job.status == Job.Status.RUNNING:
            moments.setdefault("numbered", time.perf_counter() - start)
        if job.total and job.done >= job.total:
            moments.setdefault("rendered", time.perf_counter() - start)
        if job.status in (Job.Status.DONE, Job.Status.FAILED):
            break
        if worker.poll() is not None:
            raise SystemExit(f"the worker stopped (exit code {worker.returncode}): see its log")
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    cpu_seconds = worker_cpu_seconds(worker.pid) - cpu_before
    if job.status != Job.Status.DONE:
        raise SystemExit(f"the bulk job failed: {job.error}")
    peak["rss"] = max(peak["rss"], worker_peak_rss(worker.pid))
    certificates = {c.sha256: c for c in Certificate.objects.filter(event=event)}
    sizes, checked = [], 0
    with job.file.open("rb") as stored, zipfile.ZipFile(io.BytesIO(stored.read())) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if hashlib.sha256(data).hexdigest() not in certificates:
                raise SystemExit(f"{name} in the ZIP is not a stored certificate")
            sizes.append(len(data))
    note = check_pdfs([c for c in certificates.values()], signed=signed)
    checked = len(sizes)
    return {
        "seconds": seconds, "moments": moments, "cpu_seconds": cpu_seconds, "rss_mb": peak["rss"] / 1024,
        "largest_kb": max(sizes) / 1024, "mean_kb": statistics.mean(sizes) / 1024,
        "checked": f"{checked} in the ZIP, {note}",
    }


def worker_peak_rss(pid: int) -> int:
    """The largest VmHWM (kB) among the worker and its child processes."""
    peak = 0
    for candidate in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak


def worker_cpu_seconds(pid: int) -> float:
    """User and system time of the worker and its child processes so far (those of children that ended included)."""
    ticks = 0
    for candidate in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{candidate}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def check_pdfs(certificates, *, signed: bool) -> str:
    """Every PDF parses and has one page (pyHanko's reader); the signed ones validate, on a sample of 50."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    for certificate in certificates:
        with certificate.pdf.open("rb") as stored:
            data = stored.read()
        if PdfFileReader(io.BytesIO(data)).root["/Pages"]["/Count"] != 1:
            raise SystemExit(f"{certificate.number}: not one page")
    note = f"all {len(certificates)} parse as one-page PDFs"
    if signed:
        import logging

        from certificates import signing

        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)  # the demo key is self-signed
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)

        for certificate in certificates[:50]:
            with certificate.pdf.open("rb") as stored:
                result = signing.validate_pdf(stored.read())
            if not result.valid:
                raise SystemExit(f"{certificate.number}: the signature does not validate: {result}")
        note += ", 50 signatures valid (pyHanko)"
    return note


# The verify page and API under load -------------------------------------------------------


async def verify_load(codes: list[str], total: int) -> None:
    import aiohttp

    # /healthz (one query, one Redis ping) is the baseline: the least any request here costs.
    for label, path in (("/healthz    ", "/healthz"), ("verify API  ", "/api/v1/verify/{}/"),
                        ("verify page ", "/verify/{}/")):
        times: list[float] = []
        failures = 0
        connector = aiohttp.TCPConnector(limit=100)
        async with aiohttp.ClientSession(connector=connector) as session:
            queue = list(range(total))

            async def client():
                nonlocal failures
                while queue:
                    n = queue.pop()
                    start = time.perf_counter()
                    async with session.get(BASE + path.format(codes[n % len(codes)])) as response:
                        await response.read()
                        if response.status != 200:
                            failures += 1
                    times.append(time.perf_counter() - start)

            await asyncio.gather(*(client() for _ in range(100)))
        times.sort()
        print(f"{label} under 100 concurrent requests ({total}):  p50 {percentile(times, 0.5) * 1000:6.1f} ms   "
              f"p95 {percentile(times, 0.95) * 1000:6.1f} ms   failures {failures}")


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


if __name__ == "__main__":
    main()
