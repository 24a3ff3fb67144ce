"""The clean records the readers produce, and the problems they report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .symbols import LAIT_SYMBOLS

NATIONAL = "National"
REGIONAL = "Regional"
LOCAL_AUTHORITY = "Local authority"
COMBINED = "Combined area"

ENGLAND_CODE = "E92000001"

# The nine English regions (ONS codes), for files such as LAIT's that give a region's name but not its code.
REGION_CODES: dict[str, str] = {
    "north east": "E12000001",
    "north west": "E12000002",
    "yorkshire and the humber": "E12000003",
    "east midlands": "E12000004",
    "west midlands": "E12000005",
    "east of england": "E12000006",
    "london": "E12000007",
    "south east": "E12000008",
    "south west": "E12000009",
}


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Something wrong with a file. `row` counts as a spreadsheet does (the header is row 1); None for the file."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column is not None:
            where.append(f"column `{self.column}`" if where else f"Column `{self.column}`")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class DfeImportError(ValueError):
    """Raised by `raise_for_problems()`: the file has problems, so nothing from it may be saved."""

    def __init__(self, problems: Iterable[ImportProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True, slots=True)
class EesRecord:
    """One value of one measure for one period and area, in long format.

    `value` is None when the file has no figure; `symbol` then says why (a DfE symbol such as "c"), or is None
    when the cell was blank or, for combined areas, when `note` explains. `filters` holds the file's breakdown
    columns for the row (e.g. {"population_type": "Children looked after on 31 March each year"}). `row` is the
    spreadsheet row the value came from (header = row 1).
    """

    time_period: str
    time_identifier: str
    geographic_level: str
    country_code: str
    region_code: str
    new_la_code: str
    old_la_code: str
    area_name: str
    measure: str
    value: Decimal | None
    symbol: str | None
    filters: Mapping[str, str]
    source: str
    row: int | None
    note: str = ""

    def __hash__(self) -> int:  # `filters` is a dict, so hash its items
        return hash((self.time_period, self.time_identifier, self.area_key, self.measure, self.filter_key, self.value))

    @property
    def filter_key(self) -> tuple[tuple[str, str], ...]:
        """The breakdown as a sorted tuple, for keys and sets."""
        return tuple(sorted(self.filters.items()))

    @property
    def area_code(self) -> str:
        """The code of the row's own area: the LA's new code (else old), the region's, or the country's."""
        level = self.geographic_level.lower()
        if level == NATIONAL.lower():
            return self.country_code
        if level == REGIONAL.lower():
            return self.region_code
        return self.new_la_code or self.old_la_code or self.region_code or self.country_code

    @property
    def area_key(self) -> tuple[str, str]:
        """A key that stays the same across releases: the level and DfE's three-digit LA number if it has one."""
        return (self.geographic_level.lower(), self.old_la_code or self.area_code)

    @property
    def reason(self) -> str:
        """Why there is no value ("" when there is one)."""
        if self.value is not None:
            return ""
        if self.symbol is not None:
            return LAIT_SYMBOLS.get(self.symbol, self.symbol)
        return self.note or "blank"

    def describe_area(self) -> str:
        codes = self.old_la_code or self.area_code
        return f"{self.area_name} ({codes})" if self.area_name else codes


@dataclass
class EesTable:
    """What `read_ees_csv` / `read_table` found in one file.

    When `problems` is not empty, `records` is empty: a file with any error gives nothing to save.
    """

    source: str
    records: list[EesRecord] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # normalised name → the header as written in the file
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    blank_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> EesTable:
        if self.problems:
            raise DfeImportError(self.problems)
        return self

    def filter_values(self) -> dict[str, list[str]]:
        """Each breakdown column with the values it takes, in order of first appearance."""
        values: dict[str, dict[str, None]] = {name: {} for name in self.filters}
        for record in self.records:
            for name, value in record.filters.items():
                values[name].setdefault(value, None)
        return {name: list(found) for name, found in values.items()}

    def select(self, measure: str | None = None, **filters: str) -> list[EesRecord]:
        """Records of one measure (if given) whose breakdown matches `filters` exactly."""
        return [
            record
            for record in self.records
            if (measure is None or record.measure == measure)
            and all(record.filters.get(name) == value for name, value in filters.items())
        ]


class ProblemList:
    """Collects problems up to a limit, so that a thoroughly broken file gives a readable list."""

    def __init__(self, limit: int = 500):
        self.limit = limit
        self.items: list[ImportProblem] = []
        self.more = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.items) < self.limit:
            self.items.append(ImportProblem(row, column, message))
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def result(self) -> list[ImportProblem]:
        if self.more:
            return [*self.items, ImportProblem(None, None, f"… and {self.more} more problems not listed here.")]
        return list(self.items)
