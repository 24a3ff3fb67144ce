"""The demo partnership's scorecards, loaded from the data files in scorecards/demo/ by `seed_demo`.

Three scorecards (the partnership's main one, the Hub Programme Board's and the MET Strategy Group's), their
indicators with targets, milestones, three years of values, commentary and a challenge; and comparators imported
through the same importers as the DfE's real files, from files of our own in the DfE's layout.

Local values are placed relative to the last complete period (`periods_ago`), so the demo's scorecard is always
current. Idempotent: anything already as the files say is left alone, so a second run on the same day changes
nothing; it never deletes.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

DATA_DIR = Path(__file__).resolve().parent / "demo"
CHANGE_REASON = "Loaded from the demo data files (seed_demo)"

COMPARATOR_FILES = [
    ("ons", "demo_ons_population.csv"),
    ("ees", "demo_c1_referrals.csv"),
    ("ees", "demo_d3_cpp_subsequent.csv"),
    ("ees", "demo_b1_children_in_need.csv"),
    ("ees", "demo_cla_rate.csv"),
    ("sn2021", "demo_sn_2021.csv"),
    ("lait", "demo_lait.csv"),
]


def _rows(data: Path, name: str) -> list[dict[str, str]]:
    with (data / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text not in ("", None) else None


def _sync(model, lookup: dict, values: dict, counts: Counter, label: str):
    """Create the row, or correct the fields that differ from the files (saving only then)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = CHANGE_REASON
        obj.save()
        counts[f"{label} created"] += 1
        return obj
    differs = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if differs:
        for name, value in differs.items():
            setattr(obj, name, value)
        obj._change_reason = CHANGE_REASON
        obj.save()
        counts[f"{label} updated"] += 1
    return obj


def load_demo(*, stdout=None, data: Path = DATA_DIR, today=None) -> Counter:
    """Load the demo scorecards. Returns what was created and updated (also written to `stdout`)."""
    stdout = stdout or sys.stdout
    today = today or timezone.localdate()
    with transaction.atomic():
        counts = _load(data, today)
    changes = ", ".join(f"{count} {label}" for label, count in sorted(counts.items()) if count)
    stdout.write(f"Scorecards: {changes}." if changes else "The demo scorecards are up to date: nothing changed.")
    stdout.write("\n")
    return counts


def _load(data: Path, today) -> Counter:
    from cscp.models import BusinessPlan, Group, Person, Theme
    from scorecards.imports import comparators
    from scorecards.models import ComparatorMeasure, Indicator, IndicatorMapping, Scorecard, ScorecardIndicator
    from scorecards.periods import MONTHLY, Period
    from scorecards.services import CUMBRIA_SPANS, clean_row, comparator_setup

    counts: Counter = Counter()
    comparator_setup(
        actor=None,
        partnership_name="Cumbria Safeguarding Children Partnership area",
        region=("E12000002", "North West"),
        spans=CUMBRIA_SPANS,
        neighbours_of="909",
        neighbour_model_year=2021,
    )
    for kind, name in COMPARATOR_FILES:
        content = (data / name).read_bytes()
        if kind == "ons":
            outcome = comparators.import_ons(content, file_name=name)
        elif kind == "ees":
            outcome = comparators.import_ees(content, file_name=name)
        elif kind == "sn2021":
            outcome = comparators.import_neighbours(content, year=2021, file_name=name)
        else:
            dictionary = (data / "demo_lait_dictionary.csv").read_bytes()
            outcome = comparators.import_lait(content, dictionary, file_name=name)
        if outcome.problems:
            raise ValueError(f"The demo file {name} could not be imported: {outcome.problems[0]}")
        counts["comparator values created"] += outcome.created
        counts["comparator values updated"] += outcome.updated

    people = {person.username: person for person in Person.objects.all()}
    groups = {group.name: group for group in Group.objects.all()}
    themes = {theme.name: theme for theme in Theme.objects.all()}
    plan = BusinessPlan.objects.order_by("-start_date").first()
    priorities = {str(priority.number): priority for priority in plan.priorities.all()} if plan else {}
    measures = {measure.code: measure for measure in ComparatorMeasure.objects.all()}

    scorecards = {}
    for order, row in enumerate(_rows(data, "scorecards.csv")):
        scorecards[row["slug"]] = _sync(
            Scorecard,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "owner_group": groups.get(row["owner_group"]),
                "frequency": row["frequency"],
                "is_main": row["is_main"] == "1",
                "description": row["description"],
                "order": order,
            },
            counts,
            "scorecards",
        )

    # Each frequency's latest complete period when the demo is loaded: the files count back from it.
    latest = {frequency: Period.last_complete(frequency, today) for frequency in ("monthly", "quarterly", "annual")}
    current_year = latest[MONTHLY].year
    values_by_code: dict[str, list[dict]] = {}
    for row in _rows(data, "values.csv"):
        values_by_code.setdefault(row["code"], []).append(row)

    indicators = {}
    for order, row in enumerate(_rows(data, "indicators.csv")):
        first = max(values_by_code.get(row["code"], []), key=lambda item: int(item["periods_ago"]), default=None)
        baseline_period, baseline_value = "", None
        if first is not None:
            # The baseline is the first value held.
            baseline_period = latest[row["frequency"]].offset(-int(first["periods_ago"])).key
            probe = Indicator(
                unit=row["unit"],
                numerator_definition=row["numerator_definition"],
                denominator_definition=row["denominator_definition"],
            )
            cleaned, _ = clean_row(probe, first)
            baseline_value = cleaned.value if cleaned else None
        indicator = _sync(
            Indicator,
            {"code": row["code"]},
            {
                "name": row["name"],
                "definition": row["definition"],
                "numerator_definition": row["numerator_definition"],
                "denominator_definition": row["denominator_definition"],
                "unit": row["unit"],
                "polarity": row["polarity"],
                "frequency": row["frequency"],
                "area": row["area"],
                "aggregation": row["aggregation"],
                "source": row["source"],
                "responsible_officer": people.get(row["responsible_officer"]),
                "priority": priorities.get(row["priority"]),
                "amber_tolerance": _decimal(row["amber_tolerance"]),
                "tolerance_kind": row["tolerance_kind"],
                "similar_band": _decimal(row["similar_band"]),
                "baseline_period": baseline_period,
                "baseline_value": baseline_value,
            },
            counts,
            "indicators",
        )
        wanted_themes = {themes[name].pk for name in row["themes"].split(";") if name in themes}
        if set(indicator.themes.values_list("pk", flat=True)) != wanted_themes:
            indicator.themes.set(wanted_themes)
        for slug in row["scorecards"].split(";"):
            if slug in scorecards:
                _sync(
                    ScorecardIndicator,
                    {"scorecard": scorecards[slug], "indicator": indicator},
                    {"order": order},
                    counts,
                    "scorecard entries",
                )
        if row["measure"] in measures:
            _sync(
                IndicatorMapping,
                {"indicator": indicator, "measure": measures[row["measure"]]},
                {"role": row["role"] or IndicatorMapping.Role.BOTH},
                counts,
                "comparator mappings",
            )
        indicators[row["code"]] = indicator

    _load_values(values_by_code, indicators, latest, people, counts, clean_row)
    _load_targets(data, indicators, current_year, counts)
    _load_commentary(data, indicators, latest, people, counts)
    return counts


def _load_values(values_by_code, indicators, latest, people, counts, clean_row) -> None:
    from simple_history.utils import bulk_create_with_history

    from scorecards.models import IndicatorValue

    existing = {
        (value.indicator_id, value.period_key): value
        for value in IndicatorValue.objects.filter(indicator__in=list(indicators.values()))
    }
    new = []
    now = timezone.now()
    for code, rows in values_by_code.items():
        indicator = indicators[code]
        for row in rows:
            period = latest[indicator.frequency].offset(-int(row["periods_ago"]))
            cleaned, errors = clean_row(
                indicator, {"value": row["value"], "numerator": row["numerator"], "denominator": row["denominator"]}
            )
            if errors or cleaned is None:
                raise ValueError(f"The demo value for {code} {period.key} is not valid: {errors}")
            before = existing.get((indicator.pk, period.key))
            if before is None:
                new.append(
                    IndicatorValue(
                        indicator=indicator,
                        period_key=period.key,
                        period_start=period.start,
                        period_end=period.end,
                        value=cleaned.value,
                        numerator=cleaned.numerator,
                        denominator=cleaned.denominator,
                        source=IndicatorValue.Source.ENTERED,
                        entered_by=indicator.responsible_officer,
                        entered_at=now,
                    )
                )
            elif (before.value, before.numerator, before.denominator) != (
                cleaned.value,
                cleaned.numerator,
                cleaned.denominator,
            ):
                before.value, before.numerator, before.denominator = (
                    cleaned.value,
                    cleaned.numerator,
                    cleaned.denominator,
                )
                before._change_reason = CHANGE_REASON
                before.save()
                counts["values updated"] += 1
    if new:
        bulk_create_with_history(new, IndicatorValue, batch_size=500, default_change_reason=CHANGE_REASON)
        counts["values created"] += len(new)


def _load_targets(data, indicators, current_year, counts) -> None:
    from scorecards.models import Milestone, Target
    from scorecards.periods import MONTHLY, Period

    for row in _rows(data, "targets.csv"):
        _sync(
            Target,
            {"indicator": indicators[row["code"]], "financial_year": current_year - int(row["years_ago"])},
            {"value": Decimal(row["target"])},
            counts,
            "targets",
        )
    for row in _rows(data, "milestones.csv"):
        period = Period(MONTHLY, current_year, int(row["month_of_year"]))
        _sync(
            Milestone,
            {"indicator": indicators[row["code"]], "period_key": period.key},
            {"value": Decimal(row["milestone"])},
            counts,
            "milestones",
        )


def _load_commentary(data, indicators, latest, people, counts) -> None:
    from scorecards.models import Challenge, ChallengeResponse, Commentary

    for row in _rows(data, "commentary.csv"):
        indicator = indicators[row["code"]]
        period = latest[indicator.frequency].offset(-int(row["periods_ago"]))
        author = people.get(row["author"]) or indicator.responsible_officer
        if author is None:
            continue
        _sync(
            Commentary,
            {"indicator": indicator, "period_key": period.key},
            {"text": row["text"], "author": author},
            counts,
            "commentaries",
        )
    for row in _rows(data, "challenges.csv"):
        indicator = indicators[row["code"]]
        period = latest[indicator.frequency].offset(-int(row["periods_ago"]))
        author = people.get(row["author"])
        if author is None:
            continue
        challenge = _sync(
            Challenge,
            {"indicator": indicator, "period_key": period.key, "author": author},
            {"text": row["text"]},
            counts,
            "challenges",
        )
        responder = people.get(row["response_author"])
        if responder is not None and row["response"]:
            _sync(
                ChallengeResponse,
                {"challenge": challenge, "author": responder},
                {"text": row["response"]},
                counts,
                "challenge responses",
            )
