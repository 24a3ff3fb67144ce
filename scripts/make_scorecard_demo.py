"""Makes the demo scorecards' data files. Not part of the product: run by hand when the demo's figures should change.

    .venv/bin/python scripts/make_scorecard_demo.py [--out FOLDER]

Reads the scorecards and indicators, as a person describes them, from scripts/scorecard_demo.yaml (each indicator's
fields by name: its unit, polarity, typical level and trend, the latest value and RAG the demo's story needs...) and
writes into scorecards/demo_data/ (or FOLDER) the files `scorecards.demo` loads: indicators.csv, scorecards.csv,
targets.csv, milestones.csv, values.csv, commentary.csv and challenges.csv. Every local figure is made up
(plausible, not real), on the scale of the partnership's published figure where the indicator maps to one (the
level of "Referrals per 10,000 children" is near the DfE's figure for Cumbria's authorities; the published figures
themselves are the real ones, in scorecards/demo_data/published/, made by scripts/extract_published_figures.py).
The output is the same on every run (a fixed random seed), so the committed files are exactly what the script makes
(tests/scripts/test_make_scorecard_demo.py checks it).

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Make the demo scorecards' data files from scripts/scorecard_demo.yaml"
    )
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"the folder to write them in (default: {OUTPUT})")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)  # nosec B311
    local_files(read_definitions(), out, rng)
    print(f"Wrote the demo data files in {out}")


if __name__ == "__main__":
    main()
