"""The published measures the scorecards read from DfE's files, as data: column, breakdown, unit, polarity and how
to combine the partnership's authorities. `ensure_catalogue()` writes them (idempotent); LAIT's measures are added
from its dictionary when the LAIT extract is imported.

A measure whose column is not in the file but whose numerator is (`referral_rate`) is computed for every area from
the numerator and the ONS population of children, so import the ONS file before the EES files.
"""

from __future__ import annotations

from scorecards.models import ComparatorMeasure

M = ComparatorMeasure
CLA_ON_31_MARCH = {"population_type": "Children looked after on 31 March each year"}
ONS_CHILDREN = "ons-children-0-17"

CATALOGUE: list[dict] = [
    {
        "code": ONS_CHILDREN,
        "name": "Children aged 0 to 17 (ONS mid-year estimate)",
        "source_kind": M.SourceKind.ONS,
        "file_pattern": "ons_mid-year_population_estimates",
        "column": "population_estimate",
        "unit": "count",
        "polarity": "none",
        "combine": M.Combine.SUM,
        "description": "Stored under the financial year it is the denominator for: mid-2023 under 2023-24.",
    },
    {
        "code": "cin-referrals",
        "name": "Referrals to children's social care",
        "file_pattern": "c1_children_in_need_referrals",
        "column": "referral_count",
        "unit": "count",
        "polarity": "none",
        "combine": M.Combine.SUM,
    },
    {
        "code": "cin-referral-rate",
        "name": "Referrals per 10,000 children",
        "file_pattern": "c1_children_in_need_referrals",
        "column": "referral_rate",
        "unit": "rate_per_10000",
        "polarity": "none",
        "combine": M.Combine.POPULATION_RATE,
        "numerator_column": "referral_count",
        "per": 10000,
        "places": 1,
        "description": "Referrals ÷ children aged 0 to 17 (ONS, mid-year before) × 10,000.",
    },
    {
        "code": "cin-rereferral-percent",
        "name": "Re-referrals within 12 months of a previous referral (%)",
        "file_pattern": "c1_children_in_need_referrals",
        "column": "rereferral_percent",
        "unit": "percent",
        "polarity": "lower",
        "combine": M.Combine.RATE,
        "numerator_column": "rereferral_count",
        "denominator_column": "referral_count",
        "per": 100,
        "places": 1,
    },
    {
        "code": "cin-at-31-march",
        "name": "Children in need on 31 March",
        "file_pattern": "b1_children_in_need",
        "column": "at31_episodes",
        "unit": "count",
        "polarity": "none",
        "combine": M.Combine.SUM,
    },
    {
        "code": "cin-rate",
        "name": "Children in need per 10,000 children on 31 March",
        "file_pattern": "b1_children_in_need",
        "column": "cin_rate_per_10000",
        "unit": "rate_per_10000",
        "polarity": "none",
        "combine": M.Combine.POPULATION_RATE,
        "numerator_column": "at31_episodes",
        "per": 10000,
        "places": 1,
        "description": "Children in need on 31 March ÷ children aged 0 to 17 (ONS, mid-year before) × 10,000.",
    },
    {
        "code": "cpp-starts",
        "name": "Child protection plans starting in the year",
        "file_pattern": "d3_cpps_subsequent_plan",
        "column": "cpp_start",
        "unit": "count",
        "polarity": "none",
        "combine": M.Combine.SUM,
    },
    {
        "code": "cpp-subsequent-percent",
        "name": "Child protection plans that are a second or subsequent plan (%)",
        "file_pattern": "d3_cpps_subsequent_plan",
        "column": "cpp_subsequent_percent",
        "unit": "percent",
        "polarity": "lower",
        "combine": M.Combine.RATE,
        "numerator_column": "cpp_subsequent",
        "denominator_column": "cpp_start",
        "per": 100,
        "places": 1,
    },
    {
        "code": "cla-count",
        "name": "Children looked after on 31 March",
        "file_pattern": "cla_number_and_rate_per_10k_children",
        "column": "children_count",
        "filters": CLA_ON_31_MARCH,
        "unit": "count",
        "polarity": "none",
        "combine": M.Combine.SUM,
    },
    {
        "code": "cla-rate",
        "name": "Children looked after per 10,000 children on 31 March",
        "file_pattern": "cla_number_and_rate_per_10k_children",
        "column": "rate_per_10000",
        "filters": CLA_ON_31_MARCH,
        "unit": "rate_per_10000",
        "polarity": "none",
        "combine": M.Combine.RATE,
        "numerator_column": "children_count",
        "denominator_column": "population_estimate",
        "per": 10000,
        "places": 1,
    },
]


def ensure_catalogue() -> dict[str, ComparatorMeasure]:
    """Create the catalogue's measures that are missing (an existing measure keeps any edits made to it)."""
    existing = {measure.code: measure for measure in ComparatorMeasure.objects.all()}
    for entry in CATALOGUE:
        if entry["code"] not in existing:
            fields = {"source_kind": M.SourceKind.EES, **entry}
            existing[entry["code"]] = ComparatorMeasure.objects.create(**fields)
    return existing
