"""Extracts the published figures the demo compares with. Not part of the product: run by hand when a new release of
the DfE's statistics should reach the demo.

    .venv/bin/python scripts/extract_published_figures.py [--source FOLDER] [--out FOLDER]

Reads the Department for Education's (and ONS's) published files in the team's shared folder (../shared/data/dfe/
beside the checkout, DFE_DATA_DIR, or FOLDER; its PROVENANCE.md says where each came from) and writes into
scorecards/demo_data/published/ (or the --out FOLDER) a small extract of each: the same layout, the same column
names and the same cells, keeping only

- the rows for the areas the demo compares with: England, the North West, the partnership's own authorities
  (Cumbria, then Cumberland and Westmorland and Furness) and Cumbria's ten statistical neighbours (2021 model);
- the columns (and breakdowns) of the measures the demo's indicators map to (scorecards/imports/catalogue.py and
  the LAIT measures named in scorecards/demo_data/indicators.csv);

and sources.csv, which names each file's publisher, publication, release, address and licence. The demo
(scorecards/demo.py) imports these files through the same importers as an upload of the whole file, under the
whole file's name, so a later import of the real file finds the demo's figures unchanged and a newer release
supersedes them. The same files always make the same extract, byte for byte
(tests/scripts/test_extract_published_figures.py checks it).

Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Beside the checkout, as the team's shared folder lies (DFE_DATA_DIR names it for a checkout elsewhere).
SOURCE = Path(os.environ.get("DFE_DATA_DIR") or ROOT.parent / "shared" / "data" / "dfe")
OUTPUT = ROOT / "scorecards" / "demo_data" / "published"
INDICATORS = ROOT / "scorecards" / "demo_data" / "indicators.csv"

ENGLAND = "E92000001"
REGION = "E12000002"  # North West
LAIT_ENGLAND, LAIT_REGION = "970", "981"
PARTNERSHIP = ("909", "942", "943")  # Cumbria until 31 March 2023, then Cumberland and Westmorland and Furness
NEIGHBOURS_OF = "909"
NEIGHBOURS_FILE = "New_Statistical_Neighbour_Groupings_April_2021.csv"
OGL = "Open Government Licence v3.0"
DFE = "Department for Education"
EES = "https://explore-education-statistics.service.gov.uk/find-statistics"
CIN = "Children in need"
CLA = "Children looked after in England including adoptions"
CLA_ON_31_MARCH = ("Children looked after on 31 March each year", "Children looked after at 31 March each year")

# Each published file the demo reads: how it is imported (scorecards.demo), the columns it keeps beside the
# geography, the breakdown that picks its rows, and where it was published.
EES_FILES = [
    {
        "file": "ons_mid-year_population_estimates_2012_to_2024.csv",
        "kind": "ons",
        "columns": ("age_group", "population_estimate"),
        "publisher": "Office for National Statistics",
        "publication": "Mid-year population estimates, children aged 0 to 17 (in the DfE's layout)",
        "release": "mid-{latest}",
        "url": "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates",
    },
    {
        "file": "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "kind": "ees",
        "columns": ("category", "referral_count", "rereferral_count", "rereferral_percent"),
        "publisher": DFE,
        "publication": CIN,
        "release": "reporting year {latest}",
        "url": f"{EES}/characteristics-of-children-in-need/{{latest}}",
    },
    {
        "file": "d3_cpps_subsequent_plan_2013_to_2025.csv",
        "kind": "ees",
        "columns": ("category", "CPP_start", "CPP_subsequent", "CPP_subsequent_percent"),
        "publisher": DFE,
        "publication": CIN,
        "release": "reporting year {latest}",
        "url": f"{EES}/characteristics-of-children-in-need/{{latest}}",
    },
    {
        "file": "b1_children_in_need_2013_to_2025.csv",
        "kind": "ees",
        "columns": ("category", "At31_episodes"),
        "publisher": DFE,
        "publication": CIN,
        "release": "reporting year {latest}",
        "url": f"{EES}/characteristics-of-children-in-need/{{latest}}",
    },
    {
        "file": "cla_number_and_rate_per_10k_children.csv",
        "kind": "ees",
        "columns": ("population_type", "population_estimate", "children_count", "rate_per_10000"),
        "rows": ("population_type", CLA_ON_31_MARCH),
        "publisher": DFE,
        "publication": CLA,
        "release": "reporting year {latest}",
        "url": f"{EES}/children-looked-after-in-england-including-adoptions/{{latest}}",
    },
    {
        # The 2024 release, for 31 March 2020, which the 2025 release no longer covers.
        "file": "cla_number_and_rate_per_10k_children_release2024.csv",
        "kind": "ees",
        "columns": ("population_count", "population_estimate", "number", "rate_per_10000"),
        "rows": ("population_count", CLA_ON_31_MARCH),
        "publisher": DFE,
        "publication": CLA,
        "release": "reporting year {latest}",
        "url": f"{EES}/children-looked-after-in-england-including-adoptions/{{latest}}",
    },
]
GEOGRAPHY = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
LAIT_FILE = "lait_key_measures_cumbria_extract.csv"
LAIT_DICTIONARY = "lait_dictionary_key_measures.csv"
SOURCES_HEADER = ("file", "kind", "publisher", "publication", "release", "published_on", "url", "licence")


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    """A CSV file's header and rows, as published (a byte-order mark dropped)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write(path: Path, header: list[str] | tuple[str, ...], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def neighbours(source: Path) -> tuple[list[str], list[str]]:
    """The 2021 model's header and the row for Cumbria: its ten neighbours, closest first."""
    header, rows = read(source / NEIGHBOURS_FILE)
    row = next(row for row in rows if row and row[0] == NEIGHBOURS_OF)
    return header, row


def ees_extract(source: Path, out: Path, spec: dict, authorities: set[str]) -> str:
    """The rows for the demo's areas with the geography and the spec's columns; returns the latest year."""
    header, rows = read(source / spec["file"])
    missing = [name for name in (*GEOGRAPHY, *spec["columns"]) if name not in header]
    if missing:
        sys.exit(f"{spec['file']}: no column {', '.join(missing)}: has the DfE changed its layout?")
    keep = [name for name in header if name in GEOGRAPHY or name in spec["columns"]]
    at = {name: header.index(name) for name in header}
    picked_column, picked_values = spec.get("rows", (None, ()))
    kept = []
    for row in rows:
        if not row:
            continue
        level = row[at["geographic_level"]]
        wanted = (
            (level == "National" and row[at["country_code"]] == ENGLAND)
            or (level == "Regional" and row[at["region_code"]] == REGION)
            or (level == "Local authority" and row[at["old_la_code"]] in authorities)
        )
        if wanted and (picked_column is None or row[at[picked_column]] in picked_values):
            kept.append([row[at[name]] for name in keep])
    write(out / spec["file"], keep, kept)
    return max(row[at["time_period"]][:4] for row in rows if row)


def lait_measures() -> set[str]:
    """The LAIT measures the demo's indicators map to, by their code in the extract (lait-section_47: Section_47)."""
    with INDICATORS.open(newline="", encoding="utf-8") as handle:
        codes = {row["measure"] for row in csv.DictReader(handle) if row["measure"].startswith("lait-")}
    return {code.removeprefix("lait-").lower() for code in codes}


def lait_extract(source: Path, out: Path, authorities: set[str]) -> str:
    wanted = lait_measures()
    header, rows = read(source / LAIT_DICTIONARY)
    short = header.index("Measure_short")
    write(out / LAIT_DICTIONARY, header, [row for row in rows if row and row[short].lower() in wanted])
    header, rows = read(source / LAIT_FILE)
    code, number, years = header.index("Short Desc"), header.index("LA Number"), header.index("Years")
    places = authorities | {LAIT_ENGLAND, LAIT_REGION}
    kept = [row for row in rows if row and row[code].lower() in wanted and row[number].split(".")[0] in places]
    write(out / LAIT_FILE, header, kept)
    return max(row[years][:4] for row in kept)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Extract the demo's published figures from the DfE's files")
    parser.add_argument("--source", type=Path, default=SOURCE, help=f"the published files (default: {SOURCE})")
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"where to write the extract (default: {OUTPUT})")
    options = parser.parse_args(argv)
    source, out = options.source, options.out
    if not (source / "PROVENANCE.md").exists():
        sys.exit(f"The DfE's published files are not in {source} (it has no PROVENANCE.md)")
    out.mkdir(parents=True, exist_ok=True)
    header, row = neighbours(source)
    write(out / NEIGHBOURS_FILE, header, [row])
    authorities = set(PARTNERSHIP) | {cell for cell in row[5::2] if cell.isdigit()}
    sources = []
    for spec in EES_FILES:
        latest = ees_extract(source, out, spec, authorities)
        sources.append(
            [
                spec["file"],
                spec["kind"],
                spec["publisher"],
                spec["publication"],
                spec["release"].format(latest=latest),
                "",
                spec["url"].format(latest=latest),
                OGL,
            ]
        )
    latest = lait_extract(source, out, authorities)
    sources.append(
        [
            LAIT_FILE,
            "lait",
            DFE,
            "Local Authority Interactive Tool (LAIT)",
            f"figures to {latest}",
            "",
            "https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
            OGL,
        ]
    )
    sources.append(
        [
            NEIGHBOURS_FILE,
            "sn2021",
            DFE,
            "Children's services statistical neighbour benchmarking tool",
            "2021 model",
            "",
            "https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
            OGL,
        ]
    )
    write(out / "sources.csv", SOURCES_HEADER, sorted(sources))
    print(f"Wrote the published figures the demo compares with in {out}")


if __name__ == "__main__":
    main()
