"""The demo's published figures are exactly what scripts/extract_published_figures.py extracts from the DfE's files,
byte for byte, however often it runs."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from tests.scorecards.conftest import dfe_dir  # noqa: F401  (the published files, or a skip)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "extract_published_figures.py"
COMMITTED = ROOT / "scorecards" / "demo_data" / "published"


def extract(source: Path, out: Path) -> dict[str, bytes]:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--source", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {path.name: path.read_bytes() for path in out.iterdir()}


def test_the_extract_is_the_same_on_every_run_and_is_what_the_demo_ships(dfe_dir, tmp_path):  # noqa: F811
    first = extract(dfe_dir, tmp_path / "first")
    second = extract(dfe_dir, tmp_path / "second")

    assert first == second
    committed = {path.name: path.read_bytes() for path in COMMITTED.iterdir()}
    assert sorted(first) == sorted(committed)
    different = [name for name in first if first[name] != committed[name]]
    assert not different, f"Run scripts/extract_published_figures.py and commit what it writes: {different} differ"


def test_the_extract_keeps_only_the_demos_areas_with_the_published_cells(dfe_dir, tmp_path):  # noqa: F811
    made = tmp_path / "out"
    extract(dfe_dir, made)
    name = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    with (made / name).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (dfe_dir / name).open(encoding="utf-8-sig") as handle:
        published = {
            (row["time_period"], row["old_la_code"], row["region_code"]): row for row in csv.DictReader(handle)
        }

    authorities = {row["old_la_code"] for row in rows if row["geographic_level"] == "Local authority"}
    # Cumbria, Cumberland, Westmorland and Furness and Cumbria's ten statistical neighbours (2021 model).
    assert authorities == {"909", "942", "943", "925", "926", "830", "891", "860", "885", "935", "940", "893", "878"}
    assert {row["region_code"] for row in rows if row["geographic_level"] == "Regional"} == {"E12000002"}
    assert set(rows[0]) == {
        "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
        "region_name", "old_la_code", "new_la_code", "la_name", "category", "referral_count", "rereferral_count",
        "rereferral_percent",
    }  # fmt: skip
    for row in rows:
        original = published[(row["time_period"], row["old_la_code"], row["region_code"])]
        assert all(original[column] == cell for column, cell in row.items())
    with (made / "sources.csv").open(encoding="utf-8") as handle:
        sources = {row["file"]: row for row in csv.DictReader(handle)}
    assert sources[name]["publication"] == "Children in need"
    assert sources[name]["release"] == "reporting year 2025"
    assert {row["licence"] for row in sources.values()} == {"Open Government Licence v3.0"}
