"""Benchmark: importing every published DfE file in ../shared/data/dfe/ (the budget is 10 s in all).

Creates a fresh SQLite database in a temporary folder (or uses DATABASE_URL), records the partnership's area over
time (Cumbria to 2022-23; Cumberland and Westmorland and Furness from 2023-24), then imports, in order, the ONS
population, c1, d3, b1, both children looked after releases, both statistical-neighbour models and LAIT with its
dictionary, timing each file; then imports them all again (which must change nothing) and times that too.
Not part of the test run: timings depend on the machine.

    .venv/bin/python bench/scorecards_import.py [--dfe ../shared/data/dfe]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-scorecards-import-"))
os.environ.setdefault("REQUIRE_MFA", "false")
os.environ.setdefault("SECURE_COOKIES", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

FILES = [
    ("ons", "ons_mid-year_population_estimates_2012_to_2024.csv"),
    ("ees", "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"),
    ("ees", "d3_cpps_subsequent_plan_2013_to_2025.csv"),
    ("ees", "b1_children_in_need_2013_to_2025.csv"),
    ("ees", "cla_number_and_rate_per_10k_children_release2024.csv"),
    ("ees", "cla_number_and_rate_per_10k_children.csv"),
    ("sn2021", "New_Statistical_Neighbour_Groupings_April_2021.csv"),
    ("sn2025", "sn_model_2025_wide.csv"),
    ("lait", "lait_key_measures_cumbria_extract.csv"),
]


def import_all(folder: Path) -> list[tuple[str, float, object]]:
    from scorecards.imports import comparators

    results = []
    for kind, name in FILES:
        data = (folder / name).read_bytes()
        start = time.perf_counter()
        if kind == "ons":
            outcome = comparators.import_ons(data, file_name=name)
        elif kind == "ees":
            outcome = comparators.import_ees(data, file_name=name)
        elif kind.startswith("sn"):
            outcome = comparators.import_neighbours(data, year=int(kind[2:]), file_name=name)
        else:
            dictionary = (folder / "lait_dictionary_key_measures.csv").read_bytes()
            outcome = comparators.import_lait(data, dictionary, file_name=name)
        results.append((name, time.perf_counter() - start, outcome))
    return results


def report(title: str, results) -> float:
    total = sum(seconds for _, seconds, _ in results)
    print(f"\n{title}: {total:.2f} s")
    for name, seconds, outcome in results:
        problems = f", {len(outcome.problems)} PROBLEMS" if outcome.problems else ""
        print(
            f"  {seconds:6.2f} s  {name}: {outcome.rows_read} rows, {outcome.created} created, "
            f"{outcome.updated} updated, {outcome.unchanged} unchanged, {outcome.skipped} skipped{problems}"
        )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dfe", type=Path, default=ROOT.parent / "shared" / "data" / "dfe")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    from scorecards.services import CUMBRIA_SPANS, comparator_setup

    comparator_setup(
        actor=None,
        partnership_name="Cumbria partnership area",
        region=("E12000002", "North West"),
        spans=CUMBRIA_SPANS,
        neighbours_of="909",
        neighbour_model_year=2021,
    )
    first = report("First import of every file", import_all(options.dfe))
    again = report("Second import (changes nothing)", import_all(options.dfe))
    print(f"\nBudget 10 s: first import {'within' if first < 10 else 'OVER'} it ({first:.2f} s); again {again:.2f} s")


if __name__ == "__main__":
    main()
