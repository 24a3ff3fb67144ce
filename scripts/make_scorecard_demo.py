"""Makes the demo scorecards' data files. Not part of the product: run by hand when the demo's figures should change.

    .venv/bin/python scripts/make_scorecard_demo.py [--out FOLDER]

Reads the scorecards and indicators, as a person describes them, from scripts/scorecard_demo.yaml (each indicator's
fields by name: its unit, polarity, typical level and trend, the latest value and RAG the demo's story needs...) and
writes into scorecards/demo_data/ (or FOLDER) the files `scorecards.demo` loads: indicators.csv, scorecards.csv,
targets.csv, milestones.csv, values.csv, commentary.csv, challenges.csv, and comparator files of our own in the same
layout as the Department for Education's (demo_ons_population.csv, demo_c1_referrals.csv, demo_d3_cpp_subsequent.csv,
demo_b1_children_in_need.csv, demo_cla_rate.csv, demo_sn_2021.csv, demo_lait.csv, demo_lait_dictionary.csv). Every
figure is made up (plausible, not real) and the output is the same on every run (a fixed random seed), so the
committed files are exactly what the script makes (tests/scripts/test_make_scorecard_demo.py checks it).

Local values are placed relative to the last complete period when the demo is loaded (`periods_ago`, `years_ago`), so
a fresh demo shows a current scorecard: its latest month has red and amber indicators, some without commentary, and
two indicators without a value, so the reminders have something to say.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFINITIONS = Path(__file__).resolve().parent / "scorecard_demo.yaml"
OUTPUT = ROOT / "scorecards" / "demo_data"
SEED = 20261127  # plausible demo figures, repeatable; nothing secret
SCORECARD_FIELDS = ("slug", "name", "owner_group", "frequency", "is_main", "description")
INDICATOR_FIELDS = (
    "code",
    "name",
    "definition",
    "unit",
    "polarity",
    "frequency",
    "area",
    "aggregation",
    "responsible_officer",
    "priority",
    "themes",
    "scorecards",
    "measure",
    "role",
    "level",
    "trend_per_year",
    "noise",
    "latest",
    "rag",
    "typical_denominator",
)
CHALLENGE_FIELDS = ("indicator", "author", "text", "response_author", "response")


def read_definitions(path: Path = DEFINITIONS) -> dict:
    """The scorecards, indicators and challenges, each checked for exactly the fields the script reads."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for part, fields, optional in (
        ("scorecards", SCORECARD_FIELDS, ()),
        ("indicators", INDICATOR_FIELDS, ("commentary",)),
        ("challenges", CHALLENGE_FIELDS, ()),
    ):
        for number, item in enumerate(data[part], start=1):
            missing = [field for field in fields if field not in item]
            unknown = sorted(set(item) - set(fields) - set(optional))
            if missing or unknown:
                name = item.get("code") or item.get("slug") or item.get("indicator") or f"number {number}"
                sys.exit(
                    f"{path}: {part} {name}: "
                    + "; ".join(
                        part
                        for part in (
                            f"add {', '.join(missing)}" if missing else "",
                            f"{', '.join(unknown)} not recognised" if unknown else "",
                        )
                        if part
                    )
                )
    return data


def blank(value) -> str:
    return "" if value is None else str(value)


TOLERANCE = {"percent": 3, "rate_per_10000": 5, "count": 5, "days": 2, "ratio": 0.05}
PERIODS = {"monthly": 36, "quarterly": 12, "annual": 3}
PER_YEAR = {"monthly": 12, "quarterly": 4, "annual": 1}

# Areas in the DfE files of our own: England, the North West, the partnership's authorities, Cumbria's statistical
# neighbours (2021 model) and a few North West authorities.
ENGLAND = ("E92000001", "England")
NORTH_WEST = ("E12000002", "North West")
CUMBRIA = ("909", "E10000006", "Cumbria", 90500)
NEW_AUTHORITIES = [("942", "E06000063", "Cumberland", 52000), ("943", "E06000064", "Westmorland and Furness", 39200)]
NEIGHBOURS = [
    ("925", "E10000019", "Lincolnshire", "E12000004", "East Midlands", 150000, "Extremely close"),
    ("926", "E10000020", "Norfolk", "E12000006", "East of England", 180000, "Very close"),
    ("830", "E10000007", "Derbyshire", "E12000004", "East Midlands", 160000, "Very close"),
    ("891", "E10000024", "Nottinghamshire", "E12000004", "East Midlands", 170000, "Very close"),
    ("860", "E10000028", "Staffordshire", "E12000005", "West Midlands", 180000, "Close"),
    ("885", "E10000034", "Worcestershire", "E12000005", "West Midlands", 125000, "Close"),
    ("935", "E10000029", "Suffolk", "E12000006", "East of England", 160000, "Close"),
    ("940", "E06000061", "North Northamptonshire", "E12000004", "East Midlands", 80000, "Close"),
    ("893", "E06000051", "Shropshire", "E12000005", "West Midlands", 62000, "Somewhat close"),
    ("878", "E10000008", "Devon", "E12000009", "South West", 150000, "Somewhat close"),
]
NORTH_WEST_LAS = [
    ("888", "E10000017", "Lancashire", 270000),
    ("895", "E06000049", "Cheshire East", 85000),
    ("890", "E06000009", "Blackpool", 30000),
    ("340", "E08000011", "Knowsley", 36000),
]
YEARS = range(2019, 2026)  # years ending 31 March 2019 to 2025


def r1(value: float) -> float:
    return round(value, 1)


def local_files(definitions: dict, out: Path, rng: random.Random) -> None:
    with (out / "scorecards.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SCORECARD_FIELDS)
        for card in definitions["scorecards"]:
            is_main = int(card["is_main"])
            writer.writerow(
                [card["slug"], card["name"], card["owner_group"], card["frequency"], is_main, card["description"]]
            )
    indicator_rows, target_rows, milestone_rows, value_rows, commentary_rows = [], [], [], [], []
    for spec in definitions["indicators"]:
        code, name, definition, unit = spec["code"], spec["name"], spec["definition"], spec["unit"]
        polarity, frequency, area, aggregation = spec["polarity"], spec["frequency"], spec["area"], spec["aggregation"]
        officer = spec["responsible_officer"]
        priority, mapping, role, rag = (blank(spec[field]) for field in ("priority", "measure", "role", "rag"))
        themes, cards = ";".join(spec["themes"]), ";".join(spec["scorecards"])
        level, trend, noise, latest = spec["level"], spec["trend_per_year"], spec["noise"], spec["latest"]
        denominator = spec["typical_denominator"]
        counts = denominator and unit in ("percent", "rate_per_10000")
        numerator_definition = denominator_definition = ""
        if counts and unit == "percent":
            numerator_definition = f"Those of the denominator that meet the standard: {name.lower()}"
            denominator_definition = "All in scope in the period"
        elif counts:
            numerator_definition = "The number counted in the period"
            denominator_definition = "Children aged 0 to 17 (ONS mid-year estimate)"
        tolerance = TOLERANCE[unit] if polarity != "none" else ""
        baseline_years_ago = 3
        count = PERIODS[frequency]
        steps = PER_YEAR[frequency]
        series = []
        for back in range(count - 1, -1, -1):
            seasonal = math.sin((count - back) / steps * 2 * math.pi) * noise * 0.5
            value = level - trend * back / steps + seasonal + rng.gauss(0, noise * 0.5)
            series.append((back, value))
        if latest == "missing":
            series = [(back, value) for back, value in series if back != 0]
        elif latest is not None:
            series[-1] = (0, float(latest))
        for back, value in series:
            if unit == "percent":
                value = min(max(value, 1), 99.5)
            value = max(value, 0)
            numerator = denominator_value = ""
            if counts and unit == "percent":
                denominator_value = max(10, round(denominator * rng.uniform(0.85, 1.15)))
                numerator = round(value / 100 * denominator_value)
                shown = ""
            elif counts:
                denominator_value = denominator
                numerator = round(value * denominator / 10000)
                shown = ""
            else:
                shown = round(value) if unit == "count" else r1(value)
            value_rows.append([code, frequency, back, shown, numerator, denominator_value])
        last = series[-1][1] if series else level
        # Targets: this year's is set so the latest value gives the RAG wanted; earlier years' are near the level.
        for years_ago in (2, 1, 0):
            if years_ago == 0 and rag and polarity != "none":
                better = 1 if polarity == "higher" else -1
                gap = {"green": -1.5, "amber": 1.5, "red": TOLERANCE[unit] + 4}[rag] * (10 if unit == "count" else 1)
                target = last + better * gap
            else:
                target = level - trend * years_ago + (2 if polarity == "higher" else -2 if polarity == "lower" else 0)
            if polarity == "none":
                continue
            if unit == "percent":
                target = min(target, 100)
            target_rows.append([code, years_ago, round(target) if unit == "count" else r1(target)])
            if years_ago == 0 and frequency == "monthly":
                for quarter_end in (3, 6, 9, 12):
                    milestone_rows.append([code, quarter_end, round(target) if unit == "count" else r1(target)])
        indicator_rows.append(
            {
                "code": code,
                "name": name,
                "definition": definition,
                "numerator_definition": numerator_definition,
                "denominator_definition": denominator_definition,
                "unit": unit,
                "polarity": polarity,
                "frequency": frequency,
                "area": area,
                "aggregation": aggregation,
                "source": "Local performance data" + ("; DfE published statistics" if mapping else ""),
                "responsible_officer": officer,
                "priority": priority,
                "themes": themes,
                "scorecards": cards,
                "amber_tolerance": tolerance,
                "tolerance_kind": "absolute",
                "similar_band": 2 if unit == "percent" else 5 if unit == "rate_per_10000" else "",
                "baseline_years_ago": baseline_years_ago,
                "measure": mapping,
                "role": role,
            }
        )
        if spec.get("commentary"):
            commentary_rows.append([code, 0, officer, spec["commentary"]])
    with (out / "indicators.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(indicator_rows[0]))
        writer.writeheader()
        writer.writerows(indicator_rows)
    for name, header, rows in [
        ("targets.csv", ["code", "years_ago", "target"], target_rows),
        ("milestones.csv", ["code", "month_of_year", "milestone"], milestone_rows),
        ("values.csv", ["code", "frequency", "periods_ago", "value", "numerator", "denominator"], value_rows),
        ("commentary.csv", ["code", "periods_ago", "author", "text"], commentary_rows),
    ]:
        with (out / name).open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    with (out / "challenges.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "periods_ago", "author", "text", "response_author", "response"])
        for challenge in definitions["challenges"]:
            writer.writerow(
                [
                    challenge["indicator"],
                    0,
                    challenge["author"],
                    challenge["text"],
                    blank(challenge["response_author"]),
                    blank(challenge["response"]),
                ]
            )


# DfE-layout files ----------------------------------------------------------------------------------------------

EES_AREA = [
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
]


def areas(year_ending: int):
    """(level, old, new, name, region code, region name, children) for the areas that existed that year."""
    yield ("National", "", "", "", "", "", 12_100_000)
    yield ("Regional", "", "", "", NORTH_WEST[0], NORTH_WEST[1], 1_600_000)
    if year_ending <= 2023:
        yield ("Local authority", CUMBRIA[0], CUMBRIA[1], CUMBRIA[2], *NORTH_WEST, CUMBRIA[3])
    else:
        for old, new, name, children in NEW_AUTHORITIES:
            yield ("Local authority", old, new, name, *NORTH_WEST, children)
    for old, new, name, region, region_name, children, _ in NEIGHBOURS:
        yield ("Local authority", old, new, name, region, region_name, children)
    for old, new, name, children in NORTH_WEST_LAS:
        yield ("Local authority", old, new, name, *NORTH_WEST, children)


def area_cells(period: str, level: str, old: str, new: str, name: str, region: str, region_name: str) -> list:
    return [
        period,
        "Reporting year",
        level,
        ENGLAND[0],
        ENGLAND[1],
        region if level != "National" else "",
        region_name if level != "National" else "",
        old,
        new,
        name,
    ]


def factor(name: str) -> float:
    """A steady difference between areas, so each area's figures look like its own."""
    return 0.75 + (sum(ord(char) for char in name) % 50) / 100


def ees_file(out: Path, name: str, extra: list[str], make) -> None:
    with (out / name).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EES_AREA + extra)
        for year in YEARS:
            for level, old, new, area_name, region, region_name, children in areas(year):
                key = area_name or region_name or "England"
                writer.writerow(
                    area_cells(str(year), level, old, new, area_name, region, region_name) + make(year, key, children)
                )
        # Rows for Cumbria after it was replaced, and for the new authorities before, as DfE publishes them.
        for year in YEARS:
            if year >= 2024:
                gone = [(CUMBRIA[0], CUMBRIA[1], CUMBRIA[2])]
            else:
                gone = [(old, new, area_name) for old, new, area_name, _ in NEW_AUTHORITIES]
            for old, new, area_name in gone:
                writer.writerow(
                    area_cells(str(year), "Local authority", old, new, area_name, *NORTH_WEST) + make(year, None, 0)
                )


def population(year: int, children: int) -> int:
    return round(children * (1 + (year - 2022) * 0.002))


def demo_files(out: Path, rng: random.Random) -> None:
    def ons(year, key, children):
        if key is None:
            return ["Children aged 0 to 17 years", "x"]
        return ["Children aged 0 to 17 years", population(year, children)]

    # The ONS file's time_period is the mid-year of the estimate: 2018 to 2024.
    with (out / "demo_ons_population.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EES_AREA + ["age_group", "population_estimate"])
        for year in YEARS:
            for level, old, new, area_name, region, region_name, children in areas(year):
                writer.writerow(
                    area_cells(str(year - 1), level, old, new, area_name, region, region_name)
                    + ons(year, area_name, children)
                )

    def c1(year, key, children):
        if key is None:
            return ["Referrals and Re-referrals", "z", "z", "z"]
        referrals = round(children * 0.0050 * factor(key) * (1 - (year - 2019) * 0.01) * rng.uniform(0.95, 1.05))
        if key == "Westmorland and Furness":
            return (
                ["Referrals and Re-referrals", referrals, "c", "c"]
                if year == 2024
                else [
                    "Referrals and Re-referrals",
                    referrals,
                    round(referrals * 0.16),
                    r1(round(referrals * 0.16) / referrals * 100),
                ]
            )
        again = round(referrals * 0.21 * factor(key[::-1]) * rng.uniform(0.9, 1.1))
        return ["Referrals and Re-referrals", referrals, again, r1(again / referrals * 100)]

    ees_file(out, "demo_c1_referrals.csv", ["category", "referral_count", "rereferral_count", "rereferral_percent"], c1)

    def d3(year, key, children):
        if key is None:
            return ["Child Protection Plans which are a second or subsequent plan", "z", "z", "z"]
        starts = round(children * 0.0045 * factor(key) * rng.uniform(0.9, 1.1))
        again = round(starts * 0.23 * rng.uniform(0.8, 1.2))
        return ["Child Protection Plans which are a second or subsequent plan", starts, again, r1(again / starts * 100)]

    ees_file(
        out, "demo_d3_cpp_subsequent.csv", ["category", "CPP_start", "CPP_subsequent", "CPP_subsequent_percent"], d3
    )

    def b1(year, key, children):
        if key is None:
            return ["Children in Need", "z"]
        return ["Children in Need", round(children * 0.0330 * factor(key) * rng.uniform(0.95, 1.05))]

    ees_file(out, "demo_b1_children_in_need.csv", ["category", "At31_episodes"], b1)

    def cla(year, key, children):
        if key is None:
            return ["Children looked after on 31 March each year", "x", "z", "z"]
        estimate = population(year, children)
        count = round(estimate * 0.0072 * factor(key) * (1 + (year - 2019) * 0.015))
        return ["Children looked after on 31 March each year", estimate, count, round(count / estimate * 10000)]

    ees_file(
        out, "demo_cla_rate.csv", ["population_type", "population_estimate", "children_count", "rate_per_10000"], cla
    )

    # Statistical neighbours, 2021 layout: SN1..SN10, each followed by a column called SNP.
    with (out / "demo_sn_2021.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        header = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"]
        for number in range(1, 11):
            header += [f"SN{number}", "SNP"]
        writer.writerow(header)
        row = [CUMBRIA[0], CUMBRIA[2], CUMBRIA[0], 2, "North West"]
        for old, _, _, _, _, _, closeness in NEIGHBOURS:
            row += [old, closeness]
        writer.writerow(row)
        for old, _, name, _, region_name, _, _ in NEIGHBOURS:
            others = [CUMBRIA[0]] + [n[0] for n in NEIGHBOURS if n[0] != old][:9]
            row = [old, name, old, 1, region_name]
            for rank, other in enumerate(others):
                row += [other, ["Very close", "Close", "Somewhat close"][min(2, rank // 4)]]
            writer.writerow(row)

    # LAIT: rates and percentages by year ending 31 March, with a dictionary that gives each one's polarity.
    measures = [
        (
            "Continue_Assess_Comp",
            "Continuous assessments completed within 45 working days",
            "High",
            "% completed to time",
            84,
            6,
        ),
        (
            "CP_conf_15days",
            "Percentage of child protection conferences held within 15 days",
            "High",
            "% conferences held",
            79,
            8,
        ),
        (
            "CPPlans2yrsActive",
            "Child Protection Plans lasting 2 years or more as at 31 March",
            "Low",
            "% of children",
            3.5,
            1.2,
        ),
        ("CPP_rate", "Child Protection Plans rate per 10,000", "-", "Rate per 10,000", 42, 8),
        ("Section_47", "Section 47 enquiries rate per 10,000 children", "-", "Rate per 10,000", 180, 40),
        ("Children_missing", "% Children looked after who were missing", "-", "% of children", 10.5, 3),
    ]
    with (out / "demo_lait_dictionary.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Measure_code",
                "Topic",
                "Measure",
                "Measure_short",
                "Polarity",
                "y_axis_name",
                "Description",
                "Methodology",
                "Hyperlink(s)",
                "Year_Type",
            ]
        )
        for number, (code, title, polarity, axis, _, _) in enumerate(measures, start=300):
            writer.writerow(
                [
                    number,
                    "Children's social care",
                    title,
                    code,
                    polarity,
                    axis,
                    f"{title} (demo figures).",
                    "Made-up figures for the demo.",
                    "",
                    "Financial Year",
                ]
            )
    with (out / "demo_lait.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"])
        for code, title, _, axis, level, spread in measures:
            for position, year in enumerate(YEARS):
                places = [("England", "970.0", "NA", 1.0), ("North West", "981.0", "NA", 1.03)]
                if year <= 2023:
                    places.append((CUMBRIA[2], f"{CUMBRIA[0]}.0", "North West", factor("Cumbria")))
                else:
                    places += [(name, f"{old}.0", "North West", factor(name)) for old, _, name, _ in NEW_AUTHORITIES]
                places += [(n[2], f"{n[0]}.0", n[4], factor(n[2])) for n in NEIGHBOURS]
                for name, number, region, weight in places:
                    value = level + (weight - 1) * spread + rng.gauss(0, spread * 0.15)
                    value = max(value, 0.1)
                    if axis.startswith("%"):
                        value = min(value, 99.9)
                    writer.writerow([code, title if position == 0 else "", year, name, r1(value), number, region])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Make the demo scorecards' data files from scripts/scorecard_demo.yaml"
    )
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"the folder to write them in (default: {OUTPUT})")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    # One generator for both halves, in this order: the figures depend on every draw before them.
    rng = random.Random(SEED)  # nosec B311
    local_files(read_definitions(), out, rng)
    demo_files(out, rng)
    print(f"Wrote the demo data files in {out}")


if __name__ == "__main__":
    main()
