"""MAKES THE DEMO'S DATA FILES. Not part of the product: run by hand when the demo's figures should change.

    .venv/bin/python scorecards/demo/make_demo_data.py

Writes, beside this script, the demo partnership's scorecards (indicators.csv, scorecards.csv, targets.csv,
milestones.csv, values.csv, commentary.csv, challenges.csv) and comparator files of our own in the same layout as the
Department for Education's (demo_ons_population.csv, demo_c1_referrals.csv, demo_d3_cpp_subsequent.csv,
demo_b1_children_in_need.csv, demo_cla_rate.csv, demo_sn_2021.csv, demo_lait.csv, demo_lait_dictionary.csv).
Every figure is made up (plausible, not real) and the output is the same on every run (a fixed random seed).

Local values are placed relative to the last complete period when the demo is loaded (`months_ago`, `quarters_ago`,
`years_ago`), so the demo always shows a current scorecard: its latest month has red and amber indicators, some
without commentary, and two indicators without a value, so the reminders have something to say.
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
RANDOM = random.Random(20261127)  # nosec B311 - plausible demo figures, repeatable; nothing secret

# code, name, unit, polarity, frequency, area, aggregation, officer, priority, themes, scorecards, mapping, role,
# level (typical value), trend per year, noise, latest (designed latest value or None), rag wanted, denominator
# (typical monthly denominator for a percentage with counts; 0 = no counts), definition
OFFICER = "officer"
INDICATORS = [
    (
        "CSC01",
        "Contacts to the Safeguarding Hub",
        "count",
        "none",
        "monthly",
        "thresholds",
        "flow",
        "karen.robinson",
        "",
        "Thresholds;Information sharing",
        "main;hub",
        "",
        "",
        1450,
        40,
        90,
        None,
        "",
        0,
        "Contacts about a child received by the Safeguarding Hub from any source in the month.",
    ),
    (
        "CSC02",
        "Referrals to children's social care",
        "count",
        "none",
        "monthly",
        "thresholds",
        "flow",
        OFFICER,
        "",
        "Thresholds",
        "main;hub",
        "cin-referrals",
        "published",
        330,
        -6,
        25,
        None,
        "",
        0,
        "Contacts that became a referral to children's social care in the month.",
    ),
    (
        "CSC03",
        "Referrals per 10,000 children (rolling 12 months)",
        "rate_per_10000",
        "none",
        "monthly",
        "thresholds",
        "snapshot",
        OFFICER,
        "",
        "Thresholds",
        "main",
        "cin-referral-rate",
        "both",
        430,
        -8,
        6,
        None,
        "",
        91600,
        "Referrals in the last 12 months for every 10,000 children aged 0 to 17.",
    ),
    (
        "CSC04",
        "Re-referrals within 12 months of a previous referral",
        "percent",
        "lower",
        "monthly",
        "thresholds",
        "flow",
        OFFICER,
        "1",
        "Neglect;Thresholds",
        "main;hub",
        "cin-rereferral-percent",
        "both",
        19.5,
        -0.8,
        1.6,
        21.4,
        "red",
        330,
        "Referrals in the month that came within 12 months of a previous referral for the same child.",
    ),
    (
        "CSC05",
        "Contacts that became referrals",
        "percent",
        "none",
        "monthly",
        "thresholds",
        "flow",
        "karen.robinson",
        "",
        "Thresholds",
        "main;hub",
        "",
        "",
        23,
        0,
        1.5,
        None,
        "",
        1450,
        "The share of contacts to the Safeguarding Hub that became a referral to children's social care.",
    ),
    (
        "CSC06",
        "Assessments completed within 45 working days",
        "percent",
        "higher",
        "monthly",
        "timeliness",
        "flow",
        OFFICER,
        "1",
        "Neglect",
        "main",
        "lait-continue_assess_comp",
        "comparators",
        86,
        1.5,
        2.5,
        78.4,
        "red",
        310,
        "Children and family assessments completed in the month that were completed within 45 working days.",
    ),
    (
        "CSC07",
        "Section 47 enquiries per 10,000 children (rolling 12 months)",
        "rate_per_10000",
        "none",
        "monthly",
        "thresholds",
        "snapshot",
        "karen.robinson",
        "",
        "Thresholds",
        "main",
        "lait-section_47",
        "comparators",
        150,
        4,
        4,
        None,
        "",
        91600,
        "Section 47 enquiries started in the last 12 months for every 10,000 children aged 0 to 17.",
    ),
    (
        "CSC08",
        "Initial child protection conferences within 15 working days",
        "percent",
        "higher",
        "monthly",
        "timeliness",
        "flow",
        OFFICER,
        "",
        "Professional curiosity",
        "main",
        "lait-cp_conf_15days",
        "comparators",
        84,
        1,
        5,
        66.7,
        "red",
        30,
        "Initial child protection conferences held within 15 working days of the strategy discussion.",
    ),
    (
        "CSC09",
        "Children on a child protection plan per 10,000 children",
        "rate_per_10000",
        "none",
        "monthly",
        "thresholds",
        "snapshot",
        "james.bewley",
        "",
        "Neglect",
        "main",
        "lait-cpp_rate",
        "comparators",
        44,
        -1,
        1.5,
        None,
        "",
        91600,
        "Children subject of a child protection plan at the end of the month, per 10,000 children.",
    ),
    (
        "CSC10",
        "Child protection plans that are a second or subsequent plan",
        "percent",
        "lower",
        "monthly",
        "outcomes",
        "flow",
        OFFICER,
        "1",
        "Neglect",
        "main",
        "cpp-subsequent-percent",
        "both",
        22,
        -0.5,
        3,
        23.1,
        "amber",
        35,
        "Child protection plans starting in the month for a child who had a plan before.",
    ),
    (
        "CSC11",
        "Child protection plans lasting two years or more",
        "percent",
        "lower",
        "monthly",
        "outcomes",
        "snapshot",
        "james.bewley",
        "1",
        "Neglect",
        "main",
        "lait-cpplans2yrsactive",
        "comparators",
        3.2,
        -0.3,
        0.6,
        2.1,
        "green",
        400,
        "Children whose child protection plan ended in the month after two years or more.",
    ),
    (
        "CSC12",
        "Child protection visits within timescale",
        "percent",
        "higher",
        "monthly",
        "timeliness",
        "flow",
        "james.bewley",
        "3",
        "Voice of the child",
        "main",
        "",
        "",
        91,
        0.5,
        1.5,
        88.6,
        "amber",
        1100,
        "Statutory visits to children on a child protection plan made within 10 working days of the last.",
    ),
    (
        "CSC13",
        "Children in need per 10,000 children",
        "rate_per_10000",
        "none",
        "monthly",
        "thresholds",
        "snapshot",
        "karen.robinson",
        "",
        "Thresholds",
        "main",
        "cin-rate",
        "both",
        285,
        -5,
        4,
        None,
        "",
        91600,
        "Children in need (including those on a plan and in care) at the end of the month, per 10,000 children.",
    ),
    (
        "CSC14",
        "Children looked after per 10,000 children",
        "rate_per_10000",
        "none",
        "monthly",
        "outcomes",
        "snapshot",
        "karen.robinson",
        "",
        "",
        "main",
        "cla-rate",
        "both",
        79,
        0.6,
        0.8,
        None,
        "",
        91600,
        "Children looked after at the end of the month, per 10,000 children aged 0 to 17.",
    ),
    (
        "CSC15",
        "Children looked after",
        "count",
        "none",
        "monthly",
        "outcomes",
        "snapshot",
        "karen.robinson",
        "",
        "",
        "main",
        "cla-count",
        "published",
        725,
        5,
        6,
        None,
        "",
        0,
        "Children looked after at the end of the month.",
    ),
    (
        "CSC16",
        "Reviews of children in care held on time",
        "percent",
        "higher",
        "monthly",
        "timeliness",
        "flow",
        "james.bewley",
        "3",
        "Voice of the child",
        "main",
        "",
        "",
        95,
        0.3,
        1.5,
        96.8,
        "green",
        140,
        "Reviews of children looked after held within timescale in the month.",
    ),
    (
        "CSC17",
        "Missing episodes of children in care",
        "count",
        "lower",
        "monthly",
        "outcomes",
        "flow",
        "paul.dalton",
        "2",
        "Missing children;Child exploitation",
        "main;met",
        "",
        "",
        64,
        -3,
        8,
        58,
        "green",
        0,
        "Episodes in the month in which a child looked after was missing from their placement.",
    ),
    (
        "CSC18",
        "Return home interviews offered within 72 hours",
        "percent",
        "higher",
        "monthly",
        "timeliness",
        "flow",
        OFFICER,
        "2",
        "Missing children;Voice of the child",
        "main;met",
        "",
        "",
        82,
        2,
        4,
        68.2,
        "red",
        110,
        "Children returning from a missing episode who were offered a return home interview within 72 hours.",
    ),
    (
        "CSC19",
        "Education, health and care plans issued within 20 weeks",
        "percent",
        "higher",
        "monthly",
        "timeliness",
        "flow",
        "susan.harker",
        "",
        "Children with disabilities",
        "main",
        "",
        "",
        58,
        6,
        6,
        71.3,
        "green",
        45,
        "New education, health and care plans issued within 20 weeks of the request, excluding exceptions.",
    ),
    (
        "CSC20",
        "Early help assessments started",
        "count",
        "higher",
        "quarterly",
        "thresholds",
        "flow",
        "laura.bowman",
        "1",
        "Early help;Neglect",
        "main",
        "",
        "",
        620,
        30,
        40,
        None,
        "",
        0,
        "Early help assessments started by any agency in the quarter.",
    ),
    (
        "CSC21",
        "Operation Encompass notifications to schools by 9am",
        "percent",
        "higher",
        "quarterly",
        "timeliness",
        "flow",
        "paul.dalton",
        "",
        "Domestic abuse",
        "main",
        "",
        "",
        90,
        1.5,
        2,
        93.5,
        "green",
        520,
        "Domestic abuse incidents involving a school-age child notified to the school before 9am the next school day.",
    ),
    (
        "CSC22",
        "Strategy discussions within one working day",
        "percent",
        "higher",
        "monthly",
        "timeliness",
        "flow",
        "karen.robinson",
        "",
        "Information sharing",
        "main;hub",
        "",
        "",
        88,
        1,
        3,
        "missing",
        "",
        95,
        "Strategy discussions held within one working day of the decision that one is needed.",
    ),
    (
        "CSC23",
        "Initial health assessments for children in care within 20 working days",
        "percent",
        "higher",
        "quarterly",
        "timeliness",
        "flow",
        "louise.jackson",
        "",
        "Mental health",
        "main",
        "",
        "",
        62,
        5,
        6,
        55.0,
        "red",
        60,
        "Children who came into care in the quarter whose initial health assessment was within 20 working days.",
    ),
    (
        "CSC24",
        "Children in care who went missing in the year",
        "percent",
        "none",
        "annual",
        "outcomes",
        "flow",
        "paul.dalton",
        "2",
        "Missing children",
        "main",
        "lait-children_missing",
        "comparators",
        11.5,
        -0.4,
        0.6,
        None,
        "",
        760,
        "Children looked after during the year who had at least one missing episode.",
    ),
    (
        "HUB01",
        "Hub decisions within 24 hours",
        "percent",
        "higher",
        "monthly",
        "timeliness",
        "flow",
        "karen.robinson",
        "",
        "Thresholds;Information sharing",
        "hub",
        "",
        "",
        93,
        0.8,
        2,
        89.2,
        "amber",
        1450,
        "Contacts to the Safeguarding Hub with a decision on the next step within 24 hours.",
    ),
    (
        "MET01",
        "Children screened for exploitation",
        "count",
        "higher",
        "monthly",
        "thresholds",
        "flow",
        "paul.dalton",
        "2",
        "Child exploitation",
        "met",
        "",
        "",
        48,
        6,
        7,
        None,
        "",
        0,
        "Children for whom an exploitation screening tool was completed in the month.",
    ),
    (
        "MET02",
        "National Referral Mechanism referrals",
        "count",
        "none",
        "quarterly",
        "outcomes",
        "flow",
        "simon.little",
        "2",
        "Child exploitation",
        "met",
        "",
        "",
        14,
        1,
        3,
        "missing",
        "",
        0,
        "Referrals of children to the National Referral Mechanism as possible victims of modern slavery.",
    ),
    (
        "MET03",
        "Children missing more than once in the month",
        "percent",
        "lower",
        "monthly",
        "outcomes",
        "flow",
        "paul.dalton",
        "2",
        "Missing children",
        "met",
        "",
        "",
        31,
        -1,
        3,
        34.6,
        "red",
        75,
        "Children reported missing in the month who went missing more than once.",
    ),
]

SCORECARDS = [
    (
        "main",
        "Partnership scorecard",
        "Business Group",
        "monthly",
        1,
        "The partnership's main scorecard: how well children are helped and protected across Cumbria, from the front "
        "door to children in care, reviewed by the Business Group every month and reported to the Board each quarter.",
    ),
    (
        "hub",
        "Safeguarding Hub scorecard",
        "Hub Programme Board",
        "monthly",
        0,
        "The front door: contacts, referrals, the timeliness of decisions and repeat referrals.",
    ),
    (
        "met",
        "Missing, exploited and trafficked children scorecard",
        "Missing, Exploited and Trafficked Children Strategy Group",
        "monthly",
        0,
        "Missing episodes, return home interviews, exploitation screening and National Referral Mechanism referrals.",
    ),
]

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


def local_files() -> None:
    with (HERE / "scorecards.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["slug", "name", "owner_group", "frequency", "is_main", "description"])
        writer.writerows(SCORECARDS)
    indicator_rows, target_rows, milestone_rows, value_rows, commentary_rows = [], [], [], [], []
    for spec in INDICATORS:
        (
            code,
            name,
            unit,
            polarity,
            frequency,
            area,
            aggregation,
            officer,
            priority,
            themes,
            cards,
            mapping,
            role,
            level,
            trend,
            noise,
            latest,
            rag,
            denominator,
            definition,
        ) = spec
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
            value = level - trend * back / steps + seasonal + RANDOM.gauss(0, noise * 0.5)
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
                denominator_value = max(10, round(denominator * RANDOM.uniform(0.85, 1.15)))
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
            [
                code,
                name,
                definition,
                numerator_definition,
                denominator_definition,
                unit,
                polarity,
                frequency,
                area,
                aggregation,
                "Local performance data" if not mapping else "Local performance data; DfE published statistics",
                officer,
                priority,
                themes,
                cards,
                tolerance,
                "absolute",
                2 if unit in ("percent",) else 5 if unit == "rate_per_10000" else "",
                baseline_years_ago,
                mapping,
                role,
            ]
        )
        if rag == "red" and code in ("CSC06", "CSC23", "MET03"):
            commentary_rows.append(
                [
                    code,
                    0,
                    officer,
                    {
                        "CSC06": "Timeliness fell as two teams carried vacancies over the summer. Agency social "
                        "workers started in the second week of the month and a weekly tracker of assessments at day 35 "
                        "is in place; we expect to be back above 85% within two months.",
                        "CSC23": "Fewer appointments were available while the looked after children's nurse post was "
                        "vacant. The ICB has agreed extra clinics and the post is filled from next month.",
                        "MET03": "A small number of young people went missing repeatedly from two placements. Both are "
                        "subject to a multi-agency exploitation meeting and disruption plans are in place.",
                    }[code],
                ]
            )
    with (HERE / "indicators.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "code",
                "name",
                "definition",
                "numerator_definition",
                "denominator_definition",
                "unit",
                "polarity",
                "frequency",
                "area",
                "aggregation",
                "source",
                "responsible_officer",
                "priority",
                "themes",
                "scorecards",
                "amber_tolerance",
                "tolerance_kind",
                "similar_band",
                "baseline_years_ago",
                "measure",
                "role",
            ]
        )
        writer.writerows(indicator_rows)
    for name, header, rows in [
        ("targets.csv", ["code", "years_ago", "target"], target_rows),
        ("milestones.csv", ["code", "month_of_year", "milestone"], milestone_rows),
        ("values.csv", ["code", "frequency", "periods_ago", "value", "numerator", "denominator"], value_rows),
        ("commentary.csv", ["code", "periods_ago", "author", "text"], commentary_rows),
    ]:
        with (HERE / name).open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    with (HERE / "challenges.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "periods_ago", "author", "text", "response_author", "response"])
        writer.writerow(
            [
                "CSC04",
                0,
                "business",
                "Re-referrals have risen for three months running. Are these the same families coming back after early "
                "help closed, and what is being done about it?",
                "officer",
                "About half are families whose early help plan closed in the last six months. The QA subgroup is "
                "auditing 20 of them this quarter and step-down plans now include a three-month check.",
            ]
        )
        writer.writerow(
            [
                "CSC08",
                0,
                "business",
                "Only two thirds of conferences were on time this month. What is stopping them being held "
                "within 15 days?",
                "",
                "",
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


def ees_file(name: str, extra: list[str], make) -> None:
    with (HERE / name).open("w", newline="") as handle:
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


def demo_files() -> None:
    def ons(year, key, children):
        if key is None:
            return ["Children aged 0 to 17 years", "x"]
        return ["Children aged 0 to 17 years", population(year, children)]

    # The ONS file's time_period is the mid-year of the estimate: 2018 to 2024.
    with (HERE / "demo_ons_population.csv").open("w", newline="") as handle:
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
        referrals = round(children * 0.0050 * factor(key) * (1 - (year - 2019) * 0.01) * RANDOM.uniform(0.95, 1.05))
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
        again = round(referrals * 0.21 * factor(key[::-1]) * RANDOM.uniform(0.9, 1.1))
        return ["Referrals and Re-referrals", referrals, again, r1(again / referrals * 100)]

    ees_file("demo_c1_referrals.csv", ["category", "referral_count", "rereferral_count", "rereferral_percent"], c1)

    def d3(year, key, children):
        if key is None:
            return ["Child Protection Plans which are a second or subsequent plan", "z", "z", "z"]
        starts = round(children * 0.0045 * factor(key) * RANDOM.uniform(0.9, 1.1))
        again = round(starts * 0.23 * RANDOM.uniform(0.8, 1.2))
        return ["Child Protection Plans which are a second or subsequent plan", starts, again, r1(again / starts * 100)]

    ees_file("demo_d3_cpp_subsequent.csv", ["category", "CPP_start", "CPP_subsequent", "CPP_subsequent_percent"], d3)

    def b1(year, key, children):
        if key is None:
            return ["Children in Need", "z"]
        return ["Children in Need", round(children * 0.0330 * factor(key) * RANDOM.uniform(0.95, 1.05))]

    ees_file("demo_b1_children_in_need.csv", ["category", "At31_episodes"], b1)

    def cla(year, key, children):
        if key is None:
            return ["Children looked after on 31 March each year", "x", "z", "z"]
        estimate = population(year, children)
        count = round(estimate * 0.0072 * factor(key) * (1 + (year - 2019) * 0.015))
        return ["Children looked after on 31 March each year", estimate, count, round(count / estimate * 10000)]

    ees_file("demo_cla_rate.csv", ["population_type", "population_estimate", "children_count", "rate_per_10000"], cla)

    # Statistical neighbours, 2021 layout: SN1..SN10, each followed by a column called SNP.
    with (HERE / "demo_sn_2021.csv").open("w", newline="") as handle:
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
    with (HERE / "demo_lait_dictionary.csv").open("w", newline="") as handle:
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
    with (HERE / "demo_lait.csv").open("w", newline="") as handle:
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
                    value = level + (weight - 1) * spread + RANDOM.gauss(0, spread * 0.15)
                    value = max(value, 0.1)
                    if axis.startswith("%"):
                        value = min(value, 99.9)
                    writer.writerow([code, title if position == 0 else "", year, name, r1(value), number, region])


if __name__ == "__main__":
    local_files()
    demo_files()
    print(f"Wrote the demo data files in {HERE}")
