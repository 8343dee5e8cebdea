"""How long each page of the teaching workspace takes to render on the server, with the demo data.

    .venv/bin/python bench/teach_pages.py [--repeat 15] [--users giangvien1,giangvien2]

Loads the demo province into a throwaway database (SQLite, or PostgreSQL with
DATABASE_URL), signs in as each demo instructor (the first builds the demo
courses and quizzes, the second runs the demo class and conference) and follows every link of
/teach/ that stays in the workspace (its courses, banks, quizzes and their
statistics, classes and conferences, their attendance sheets, essays waiting),
breadth first. Each page is fetched once to warm up and then `--repeat` times
through Django's full stack (middleware, templates; no network). It prints the
median and slowest time and the SQL statements of each page, the heaviest
page's median against the aim (100 ms), and each median as a ratio to
`/healthz` measured in the same run.
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import set_up_django  # noqa: E402

AIM_MS = 100
LINK = re.compile(r'href="(/(?:teach|grading|sessions)/[^"#?]*)"')
MAX_PAGES = 60


def time_page(client, path: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # Counted as they run: Django empties `connection.queries` at the start of each request.
    with connection.execute_wrapper(count):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return times, len(statements)


def crawl(client, start: str) -> list[str]:
    """The workspace's pages reachable by links from `start`, GET only, one of each address."""
    seen, queue = [start], [start]
    while queue and len(seen) < MAX_PAGES:
        response = client.get(queue.pop(0))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for path in LINK.findall(response.content.decode()):
            if path not in seen and not path.endswith("/screen/"):  # the projector's screen is not a workspace page
                seen.append(path)
                queue.append(path)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--users", default="giangvien1,giangvien2")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = set_up_django(Path(folder))
        try:
            run(options)
        finally:
            database.close()


def run(options) -> None:
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User

    call_command("load_demo", stdout=open("/dev/null", "w"))
    results = []
    for username in options.users.split(","):
        client = Client()
        client.force_login(User.objects.get(username=username))
        baseline = statistics.median(time_page(client, "/healthz", options.repeat)[0])
        pages = [path for path in crawl(client, "/teach/") if client.get(path).status_code == 200]
        print(f"\n{len(pages)} pages of the teaching workspace as {username}; /healthz {baseline:.1f} ms (the baseline)")
        print(f"{'page':<44} {'median':>9} {'slowest':>9} {'× healthz':>10} {'SQL':>5}")
        for path in pages:
            times, queries = time_page(client, path, options.repeat)
            median = statistics.median(times)
            results.append((median, f"{path} ({username})"))
            print(f"{path:<44} {median:7.1f} ms {max(times):7.1f} ms {median / baseline:9.1f}× {queries:5d}")
    heaviest, path = max(results)
    verdict = "meets" if heaviest < AIM_MS else "MISSES"
    print(f"\nheaviest: {path} {heaviest:.1f} ms median ({verdict} the aim of {AIM_MS} ms)")


if __name__ == "__main__":
    main()
