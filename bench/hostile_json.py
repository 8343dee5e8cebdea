"""How fast, and in how much memory, the API refuses hostile JSON bodies.

    .venv/bin/python bench/hostile_json.py

Each body goes to `POST /api/v1/auth/token/` (no sign-in needed) through Django's
test client, in a fresh process of its own so that its peak memory is its own.
Prints the status, the time of the request, and how much the process's peak
resident memory grew during it. The baselines, measured the same way in the
same run: a small sign-in, and a valid 2 MB JSON body parsed in full. Aim: every
hostile body refused (400, or 413 beyond the 2.5 MB cap) in under 2 s, with under
100 MB of memory growth, never a 500.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CASES = {
    "baseline: a small sign-in": lambda: json.dumps({"username": "hocvien01", "password": "sai-mat-khau"}),
    "baseline: valid 2 MB array": lambda: json.dumps(["Nguyễn Thị Thủy"] * 60_000),
    "[ × 100,000 (the review's body)": lambda: "[" * 100_000,
    "[ × 2,500,000 (at the cap)": lambda: "[" * 2_500_000,
    '{"a": × 500,000': lambda: '{"a":' * 500_000,
    "[] flat, 2.4 MB": lambda: "[" + "[]," * 800_000 + "[]]",
    'a string never closed, 2.4 MB of \\"': lambda: "[]" * 70 + '"' + '\\"' * 1_200_000,
    "NUL in a 2.4 MB string": lambda: json.dumps({"username": "a" * 2_400_000 + "\x00", "password": "x"}),
    "20 MB body (over the cap)": lambda: json.dumps({"username": "a" * 20_000_000}),
}


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    """Lets VmHWM start again from the current size (Linux: write 5 to clear_refs)."""
    Path("/proc/self/clear_refs").write_text("5")


def measure(name: str) -> None:
    from bench.harness import set_up_django

    with tempfile.TemporaryDirectory(prefix="bench-json-") as folder:
        database = set_up_django(Path(folder))
        try:
            from django.test import Client

            body = CASES[name]()
            client = Client()
            client.post("/api/v1/auth/token/", "{}", content_type="application/json")  # warm up
            reset_peak()
            before = peak_rss_mb()
            start = time.perf_counter()
            response = client.post("/api/v1/auth/token/", body, content_type="application/json")
            seconds = time.perf_counter() - start
            growth = peak_rss_mb() - before
            detail = response.content[:70].decode(errors="replace")
            print(f"{name:38} {response.status_code}  {seconds * 1000:8.1f} ms  {growth:6.1f} MB  {detail}")
        finally:
            database.close()


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    print(f"{'body':38} code  {'time':>11}  {'memory':>9}  answer")
    for name in CASES:
        subprocess.run([sys.executable, __file__, name], check=True)


if __name__ == "__main__":
    main()
