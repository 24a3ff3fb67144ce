"""Benchmarks for the partnership core, on a partnership much larger than any real one.

Builds (once) a database of 2,000 people, 300 groups, 120 agencies and 10,000 memberships in `var/bench/` (or the
database in DATABASE_URL), then times the pages admins use most, printing the median and 95th percentile of repeated
requests and each page's query count. The membership report's PDF is timed on the demo partnership instead
(`--pdf`, after `make run` has seeded var/db.sqlite3): at this size it would be a 200-page document nobody prints.
Not part of the test run: timings depend on the machine; query counts are pinned in the tests instead.

    make bench            # or: .venv/bin/python bench/run.py --people 2000 --repeat 20
    .venv/bin/python bench/run.py --pdf     # the membership report PDF on the demo partnership
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PDF_ONLY = "--pdf" in sys.argv
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / ("" if PDF_ONLY else "bench")))
os.environ.setdefault("REQUIRE_MFA", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
Path(os.environ["VAR_DIR"]).mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.data import build_partnership  # noqa: E402


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int, int]:
    client.get(url)  # warm caches and templates
    times = []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: the log is emptied again when the next request starts.
    query_count = len(queries)
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times) * 1000, p95 * 1000, query_count, response.status_code


def time_membership_pdf() -> None:
    from cscp.models import Group, GroupMembership, Person

    admin = Person.objects.filter(username="admin").first()
    if admin is None:
        sys.exit("No demo partnership here: run `make run` (or seed_demo) first.")
    client = Client()
    client.force_login(admin)
    print(f"Data: {Group.objects.count()} groups, {GroupMembership.objects.count()} group memberships")
    median, p95, queries, status = measure(client, "/reports/membership.pdf", 5)
    print(f"membership report (PDF): median {median:.0f} ms, p95 {p95:.0f} ms, {queries} queries, status {status}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pdf", action="store_true", help="time the membership report PDF on the demo partnership")
    args = parser.parse_args()
    if args.pdf:
        time_membership_pdf()
        return

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        admin, sizes = build_partnership(people=args.people)
    print("Data: " + ", ".join(f"{n:,} {what}" for what, n in sizes.items() if not what.startswith("_")))

    client = Client()
    client.force_login(admin)
    group_id = sizes["_first_group_id"]
    pages = [
        ("home", "/"),
        ("people, page 1", "/people/"),
        ("people, search", "/people/?q=smith"),
        ("people, page 40", "/people/?page=40"),
        ("groups", "/groups/"),
        ("group detail", f"/groups/{group_id}/"),
        ("agencies", "/agencies/"),
        ("audit log", "/audit-log/"),
        ("membership report (HTML)", "/reports/membership/"),
    ]
    print(f"{'page':<28}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'status':>8}")
    for name, url in pages:
        median, p95, queries, status = measure(client, url, args.repeat)
        print(f"{name:<28}{median:>11.1f}{p95:>9.1f}{queries:>9}{status:>8}")


if __name__ == "__main__":
    main()
