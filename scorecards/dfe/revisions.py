"""Revisions: what a later release changed in the years an earlier release already covered.

DfE republishes the whole time series in each release, and earlier years can change (local authorities amend
their returns; ONS revises population estimates, and rates with them). The importer keeps the history; this
module only finds the differences. Releases can also rename things: the 2024 children looked after release calls
the count `number` and the breakdown `population_count` ("Children looked after at 31 March each year"); the 2025
release calls them `children_count` and `population_type` ("… on 31 March …"). A `Harmonisation` renames one
release's records into the other's terms before they are compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .records import EesRecord


@dataclass(frozen=True)
class Harmonisation:
    measures: Mapping[str, str] = field(default_factory=dict)  # old measure name → new
    filters: Mapping[str, str] = field(default_factory=dict)  # old filter column → new
    filter_values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # new filter column → {old: new}

    def apply(self, records: Iterable[EesRecord]) -> list[EesRecord]:
        renamed_filters: dict[int, dict[str, str]] = {}
        result = []
        for record in records:
            filters = renamed_filters.get(id(record.filters))
            if filters is None:
                filters = {}
                for name, value in record.filters.items():
                    new_name = self.filters.get(name, name)
                    filters[new_name] = self.filter_values.get(new_name, {}).get(value, value)
                renamed_filters[id(record.filters)] = filters
            result.append(replace(record, measure=self.measures.get(record.measure, record.measure), filters=filters))
        return result


CLA_RELEASE_2024_AS_2025 = Harmonisation(
    measures={"number": "children_count"},
    filters={"population_count": "population_type"},
    filter_values={
        "population_type": {
            "Children looked after at 31 March each year": "Children looked after on 31 March each year",
        }
    },
)

_Key = tuple[str, str, tuple[str, str], str, tuple[tuple[str, str], ...]]


def _key(record: EesRecord) -> _Key:
    return (
        record.time_period,
        record.time_identifier.lower(),
        record.area_key,
        record.measure,
        record.filter_key,
    )


@dataclass(frozen=True)
class Revision:
    old: EesRecord
    new: EesRecord

    @property
    def time_period(self) -> str:
        return self.new.time_period

    @property
    def area_code(self) -> str:
        return self.new.old_la_code or self.new.area_code

    @property
    def measure(self) -> str:
        return self.new.measure

    @property
    def change(self) -> Decimal | None:
        if self.old.value is None or self.new.value is None:
            return None
        return self.new.value - self.old.value

    def __str__(self) -> str:
        def shown(record: EesRecord) -> str:
            return str(record.value) if record.value is not None else f"'{record.symbol or ''}'"

        breakdown = ", ".join(f"{value}" for value in self.new.filters.values())
        return (
            f"{self.time_period} {self.new.describe_area()} {self.measure}"
            + (f" [{breakdown}]" if breakdown else "")
            + f": {shown(self.old)} → {shown(self.new)}"
        )


@dataclass
class ReleaseDiff:
    changed: list[Revision] = field(default_factory=list)
    added: list[EesRecord] = field(default_factory=list)  # in the new release only (e.g. its latest year)
    removed: list[EesRecord] = field(default_factory=list)  # in the old release only (e.g. a year dropped)
    unchanged: int = 0

    def changed_periods(self) -> list[str]:
        return sorted({revision.time_period for revision in self.changed})


def diff_releases(old_records: Iterable[EesRecord], new_records: Iterable[EesRecord]) -> ReleaseDiff:
    """Compare two releases value by value, keyed by (period, area, measure, breakdown).

    A value counts as changed when the number differs (82 and 82.0 are the same) or the symbol differs
    (a figure that became "c", or the reverse). Rename one release's terms first with a `Harmonisation`.
    """
    old_by_key = {_key(record): record for record in old_records}
    diff = ReleaseDiff()
    seen = set()
    for record in new_records:
        key = _key(record)
        seen.add(key)
        before = old_by_key.get(key)
        if before is None:
            diff.added.append(record)
        elif before.value != record.value or before.symbol != record.symbol:
            diff.changed.append(Revision(old=before, new=record))
        else:
            diff.unchanged += 1
    diff.removed = [record for key, record in old_by_key.items() if key not in seen]
    return diff
