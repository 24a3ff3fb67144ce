"""Benchmarks for the scorecard pages, at the size the partnership's scorecard could grow to and beyond.

Builds (once) a main scorecard of 150 indicators × 10 years of monthly figures, each with published figures for
13 comparators (England, the North West, the partnership and ten statistical neighbours) in `var/bench-scorecards/`
(or the database in DATABASE_URL), then, signed in as a Business Group member:

- times the scorecard page, the indicator page, the Excel and CSV downloads with Django's test client (median and
  95th percentile of repeated requests, and each page's query count);
- times the scorecard's PDF (A4 landscape, a page per indicator, 150 charts), which must take under 15 s;
- with --concurrent, serves the site with gunicorn and requests the scorecard page and the sign-in page from 8
  clients at once, and compares their 95th percentiles (the scorecard's must stay within 3× the sign-in page's).

Not part of the test run: timings depend on the machine. Query counts are pinned in tests/scorecards/test_views.py
(29 queries to render the page, 15 from the cache, at 10 and 150 indicators alike).

    .venv/bin/python bench/scorecards.py [--indicators 150] [--years 10] [--repeat 10] [--concurrent]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench-scorecards"))
os.environ.setdefault("REQUIRE_MFA", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
Path(os.environ["VAR_DIR"]).mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from cscp.models import Group, GroupMembership, Person  # noqa: E402
from scorecards.models import Scorecard  # noqa: E402
from tests.scorecards.pages_helpers import build_scorecard, last_month  # noqa: E402

PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway local database


def build(indicators: int, years: int) -> tuple[Person, Scorecard]:
    member = Person.objects.filter(username="bench-business").first()
    if member is None:
        business = Group.objects.create(name="Bench Business Group", kind=Group.Kind.BUSINESS)
        member = Person.objects.create(
            username="bench-business", email="bench-business@example.org", password=make_password(PASSWORD)
        )
        GroupMembership.objects.create(person=member, group=business, role="member", start_date="2020-04-01")
    scorecard = Scorecard.objects.filter(slug="bench-main").first()
    if scorecard is None:
        started = time.perf_counter()
        scorecard = build_scorecard(
            indicators,
            officer=member,
            owner_group=Group.objects.get(name="Bench Business Group"),
            months=12 * years,
            comparator_years=years,
            slug="bench-main",
            name="Bench main scorecard",
            code_prefix="BENCH",
        )
        print(f"Built {indicators} indicators × {years} years in {time.perf_counter() - started:.1f} s")
    return member, scorecard


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    response = client.get(url)  # warm caches and templates
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times) * 1000, p95 * 1000, response.status_code


def concurrent(session_cookie: str, urls: dict[str, str], clients: int = 8, per_client: int = 10) -> None:
    """Serve with gunicorn and hit each URL from `clients` threads at once; print each URL's p95."""
    port = 8765
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env={**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for label, path in urls.items():
            # Each worker process renders the scorecard once and caches it; steady state is what is measured.
            for _ in range(clients):
                warm = urllib.request.Request(f"http://127.0.0.1:{port}{path}")  # noqa: S310 - loopback only
                warm.add_header("Cookie", f"sessionid={session_cookie}")
                with urllib.request.urlopen(warm, timeout=60) as response:  # noqa: S310 - loopback only
                    response.read()
            times: list[float] = []
            lock = threading.Lock()

            def worker(path=path, times=times, lock=lock):
                for _ in range(per_client):
                    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")  # noqa: S310
                    request.add_header("Cookie", f"sessionid={session_cookie}")
                    start = time.perf_counter()
                    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
                        response.read()
                    with lock:
                        times.append(time.perf_counter() - start)

            threads = [threading.Thread(target=worker) for _ in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))] * 1000
            results[label] = p95
            median = statistics.median(times) * 1000
            print(f"  {label:<40} {clients} clients: median {median:8.1f} ms, p95 {p95:8.1f} ms")
        labels = list(results)
        for other in labels[1:]:
            print(f"  p95 of the {labels[0]} ÷ p95 of the {other}: {results[labels[0]] / results[other]:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=150)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--concurrent", action="store_true")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        member, scorecard = build(args.indicators, args.years)
    client = Client()
    client.force_login(member)
    period = last_month()
    base = f"/scorecards/{scorecard.slug}"
    print(f"Scorecard: {scorecard.entries.count()} indicators, period {period.label}")
    cache.clear()
    start = time.perf_counter()
    response = client.get(f"{base}/")
    print(f"  {'scorecard page, first view (not cached)':<40} {(time.perf_counter() - start) * 1000:8.1f} ms")
    for label, url, repeat in [
        ("scorecard page", f"{base}/", args.repeat),
        ("scorecard page, red only", f"{base}/?rag=red", args.repeat),
        ("indicator page", "/scorecards/indicators/BENCH001/", args.repeat),
        ("Excel download", f"{base}/{period.key}.xlsx", max(1, args.repeat // 2)),
        ("CSV download", f"{base}/{period.key}.csv", args.repeat),
    ]:
        median, p95, status = measure(client, url, repeat)
        print(f"  {label:<40} median {median:8.1f} ms  p95 {p95:8.1f} ms  HTTP {status}")

    start = time.perf_counter()
    response = client.get(f"{base}/{period.key}.pdf")
    elapsed = time.perf_counter() - start
    size = len(response.content)
    verdict = "within" if elapsed < 15 else "OVER"
    status = response.status_code
    print(f"  {'scorecard PDF':<40} {elapsed:8.1f} s  ({size / 1024:,.0f} KB, HTTP {status}): {verdict} 15 s")

    if args.concurrent:
        session = client.cookies["sessionid"].value
        concurrent(
            session,
            {
                "scorecard page": f"{base}/",
                "sign-in page": "/accounts/sign-in/",
                # A signed-in page writes the session on every request, as the scorecard page does; with SQLite
                # those writes queue, so this is the fairer yardstick on a laptop.
                "home page (signed in)": "/",
            },
        )


if __name__ == "__main__":
    main()
