"""ONS mid-year estimates of children aged 0 to 17: the denominator of DfE's "rate per 10,000 children".

ons_mid-year_population_estimates_2012_to_2024.csv is in EES layout (`age_group` = "Children aged 0 to 17
years", measure `population_estimate`). Its `time_period` is the year of the mid-year (30 June) estimate,
although its `time_identifier` says "Reporting year". DfE divides a year ending 31 March by the estimate of the
June before: children looked after on 31 March 2024 per 10,000 uses mid-2023 (the CLA files' own
`population_estimate` column and LAIT's rates agree with this for every authority).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .ees import read_ees_csv
from .records import EesRecord, ImportProblem

CHILDREN_0_TO_17 = "Children aged 0 to 17 years"


def population_year(time_period: str) -> int:
    """The mid-year estimate DfE uses for a year ending 31 March: "2024" → 2023; "202324" → 2023."""
    return int(time_period[:4]) if len(time_period) == 6 else int(time_period[:4]) - 1


@dataclass
class Population:
    source: str
    records: list[EesRecord] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    _by_code: dict[tuple[int, str], EesRecord] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for record in self.records:
            year = int(record.time_period[:4])
            for code in {record.old_la_code, record.new_la_code, record.area_code} - {""}:
                self._by_code[(year, code)] = record

    @property
    def ok(self) -> bool:
        return not self.problems

    def record(self, year: int, code: str) -> EesRecord | None:
        """The mid-`year` estimate for an area (any of its codes: old or new LA code, region, country)."""
        return self._by_code.get((year, code))

    def estimate(self, year: int, code: str) -> Decimal | None:
        found = self.record(year, code)
        return found.value if found else None

    def denominator_for(self, time_period: str, code: str) -> Decimal | None:
        """Children aged 0-17 for a DfE year ending 31 March (`time_period` "2024" → the mid-2023 estimate)."""
        return self.estimate(population_year(time_period), code)

    def years(self) -> list[int]:
        return sorted({year for year, _ in self._by_code})


def read_ons_population(path: Any, *, age_group: str = CHILDREN_0_TO_17) -> Population:
    table = read_ees_csv(path, measures=["population_estimate"])
    if not table.ok:
        return Population(source=table.source, problems=table.problems)
    wanted = age_group.lower()
    records = [
        record
        for record in table.records
        if "age_group" not in record.filters or record.filters["age_group"].lower() == wanted
    ]
    if not records:
        problem = ImportProblem(None, "age_group", f"no rows for '{age_group}'")
        return Population(source=table.source, problems=[problem])
    return Population(source=table.source, records=records)
