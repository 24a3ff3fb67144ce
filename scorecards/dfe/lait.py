"""LAIT, DfE's Local Authority Interactive Tool: a long extract of key measures, and its data dictionary.

The extract (lait_key_measures_cumbria_extract.csv) has one row per measure, year and area: `Short Desc` (the
measure's code, e.g. "LAC"), `Data item` (its title, given only on some rows), `Years` (the year ending
31 March, e.g. 2024), `LA and Regions` (the area's name), `Values` (a number, or "-" for no figure), `LA Number`
(DfE's LA number written as a decimal, "942.0"; LAIT numbers England 970 and the regions 971-981) and `Region`
("NA" for England and the regions).

The dictionary (lait_dictionary_key_measures.csv) has one row per measure: `Measure_code` (LAIT's number),
`Measure_short` (the code the extract uses), `Measure` (the name), `Topic`, `Polarity` ("High" is better,
"Low" is better, "-" neither), `y_axis_name` (the unit as a chart labels it), `Description`, `Methodology`,
`Hyperlink(s)` and `Year_Type` ("Annual" or "Financial Year"). Descriptions run over several lines (quoted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .ees import csv_grid, kind_of, normalise_name, read_bytes
from .records import (
    ENGLAND_CODE,
    LOCAL_AUTHORITY,
    NATIONAL,
    REGION_CODES,
    REGIONAL,
    EesRecord,
    ImportProblem,
    ProblemList,
)
from .symbols import LAIT_SYMBOLS, parse_measure

POLARITY = {"high": "higher", "low": "lower", "-": "none", "": "none"}

HIGHER = "higher"
LOWER = "lower"
NONE = "none"

RATE_PER_10000 = "rate_per_10000"
PERCENT = "percent"
NUMBER = "number"

_EXTRACT_COLUMNS = {
    "measure": "short desc",
    "title": "data item",
    "year": "years",
    "area": "la and regions",
    "value": "values",
    "code": "la number",
    "region": "region",
}
_DICTIONARY_COLUMNS = {
    "number": "measure_code",
    "code": "measure_short",
    "name": "measure",
    "topic": "topic",
    "polarity": "polarity",
    "unit": "y_axis_name",
    "description": "description",
    "methodology": "methodology",
    "links": "hyperlink(s)",
    "year_type": "year_type",
}
_REQUIRED_DICTIONARY = ("code", "name", "polarity", "unit")


@dataclass(frozen=True, slots=True)
class MeasureInfo:
    code: str  # Measure_short, as the extract's `Short Desc` gives it: "LAC"
    number: str  # LAIT's Measure_code: "124"
    name: str
    topic: str
    polarity: str  # "higher" (higher is better), "lower", or "none"
    unit: str  # "rate_per_10000", "percent" or "number"
    unit_label: str  # y_axis_name as written: "Rate per 10,000"
    description: str
    methodology: str
    links: tuple[str, ...]
    year_type: str  # "Annual" or "Financial Year"


@dataclass
class LaitTable:
    source: str
    records: list[EesRecord] = field(default_factory=list)
    measures: dict[str, MeasureInfo] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def unit_of(label: str, name: str = "") -> str:
    text = f"{label} {name}".lower()
    if "per 10,000" in text or "per 10000" in text:
        return RATE_PER_10000
    if label.strip().startswith("%") or "percent" in text or text.startswith("%"):
        return PERCENT
    return NUMBER


def _without_float_noise(value: Decimal) -> Decimal:
    """LAIT's values were stored as binary floats and written with 17 digits ("325.89999999999998"): the
    shortest decimal that reads back as the same float is the figure DfE published ("325.9")."""
    if len(value.as_tuple().digits) <= 15:
        return value
    return Decimal(repr(float(value)))


def _grid(path: Any, problems: ProblemList, what: str) -> tuple[list[list[str]] | None, str]:
    data, name = read_bytes(path)
    kind = kind_of(data)
    if kind != "csv":
        problems.add(None, None, f"The LAIT {what} must be a CSV file.")
        return None, name
    return csv_grid(data, problems), name


def _columns(
    header: list[str], wanted: Mapping[str, str], required: tuple[str, ...], problems: ProblemList
) -> dict[str, int]:
    index = {normalise_name(cell): position for position, cell in reversed(list(enumerate(header)))}
    found = {key: index[name] for key, name in wanted.items() if name in index}
    for key in required:
        if key not in found:
            problems.add(None, None, f"The file has no `{wanted[key]}` column")
    return found


def read_lait_dictionary(path: Any) -> tuple[dict[str, MeasureInfo], list[ImportProblem]]:
    problems = ProblemList()
    grid, _ = _grid(path, problems, "dictionary")
    measures: dict[str, MeasureInfo] = {}
    if grid is None:
        return measures, problems.result()
    at = _columns(grid[0], _DICTIONARY_COLUMNS, _REQUIRED_DICTIONARY, problems)
    if problems:
        return measures, problems.result()
    headings = {key: str(grid[0][position]).strip() for key, position in at.items()}

    def cell(cells: list[str], key: str) -> str:
        return cells[at[key]].strip() if key in at else ""

    for number, cells in enumerate(grid[1:], start=2):
        if not any(value.strip() for value in cells):
            continue
        code = cell(cells, "code")
        if not code:
            problems.add(number, headings["code"], "the cell is blank")
            continue
        polarity_text = cell(cells, "polarity")
        polarity = POLARITY.get(polarity_text.lower())
        if polarity is None:
            problems.add(number, headings["polarity"], f"'{polarity_text}' is not a polarity (High, Low or -)")
            continue
        if code in measures:
            problems.add(number, headings["code"], f"measure `{code}` is described twice")
            continue
        label = cell(cells, "unit")
        links = tuple(link for link in cell(cells, "links").split() if link.startswith("http"))
        measures[code] = MeasureInfo(
            code=code,
            number=cell(cells, "number"),
            name=cell(cells, "name"),
            topic=cell(cells, "topic"),
            polarity=polarity,
            unit=unit_of(label, cell(cells, "name")),
            unit_label=label,
            description=cell(cells, "description").replace("\r", ""),
            methodology=cell(cells, "methodology").replace("\r", ""),
            links=links,
            year_type=cell(cells, "year_type"),
        )
    return measures, problems.result()


def read_lait(
    extract_path: Any,
    dictionary_path: Any,
    *,
    la_lookup: Mapping[str, tuple[str, str]] | None = None,
) -> LaitTable:
    """Read the LAIT extract and its dictionary into EES-like records plus each measure's metadata.

    Records have `time_period` = the year (ending 31 March), `time_identifier` = the dictionary's Year_Type,
    the area's level and codes (England → National E92000001; a region → Regional with its ONS code; an LA →
    its three-digit number, and its new code if `la_lookup` knows it), `measure` = the measure's code.
    """
    measures, dictionary_problems = read_lait_dictionary(dictionary_path)
    problems = ProblemList()
    grid, name = _grid(extract_path, problems, "extract")
    table = LaitTable(source=name or "lait extract", measures=measures)
    if grid is None or dictionary_problems:
        table.problems = [*dictionary_problems, *problems.result()]
        return table
    at = _columns(grid[0], _EXTRACT_COLUMNS, ("measure", "year", "area", "value", "code"), problems)
    if problems:
        table.problems = problems.result()
        return table
    headings = {key: str(grid[0][position]).replace("\ufeff", "").strip() for key, position in at.items()}
    lookup = la_lookup or {}
    parsed: dict[str, tuple[Decimal | None, str | None, bool]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    records: list[EesRecord] = []
    empty: dict[str, str] = {}

    for number, cells in enumerate(grid[1:], start=2):
        if not any(value.strip() for value in cells):
            continue
        table.rows_read += 1
        measure = cells[at["measure"]].strip()
        year = cells[at["year"]].strip()
        area = cells[at["area"]].strip()
        raw_code = cells[at["code"]].strip()
        raw_value = cells[at["value"]]
        info = measures.get(measure)
        if info is None:
            problems.add(number, headings["measure"], f"measure `{measure}` is not in the LAIT dictionary")
        if not (year.isdigit() and len(year) == 4):
            problems.add(number, headings["year"], f"'{year}' is not a year")
        code = raw_code[:-2] if raw_code.endswith(".0") else raw_code
        if not (code.isdigit() and len(code) == 3):
            problems.add(number, headings["code"], f"'{raw_code}' is not a DfE LA number")
        if raw_value not in parsed:
            parsed[raw_value] = parse_measure(raw_value, LAIT_SYMBOLS)
        value, symbol, ok = parsed[raw_value]
        if value is not None:
            value = _without_float_noise(value)
        if not ok:
            problems.add(number, headings["value"], f"'{raw_value.strip()}' is not a number or a DfE symbol")
        key = (measure, year, code)
        if key in seen:
            problems.add(number, None, f"this row repeats row {seen[key]}: the same measure, year and area")
        else:
            seen[key] = number
        if problems:
            continue
        lowered = area.lower()
        if lowered == "england":
            level, region_code, old, new = NATIONAL, "", "", ""
        elif lowered in REGION_CODES:
            level, region_code, old, new = REGIONAL, REGION_CODES[lowered], "", ""
        else:
            level, region_code, old = LOCAL_AUTHORITY, "", code
            new = lookup.get(code, ("", ""))[0]
            region_name = cells[at["region"]].strip().lower() if "region" in at else ""
            region_code = REGION_CODES.get(region_name, "")
        records.append(
            EesRecord(
                time_period=year,
                time_identifier=info.year_type if info else "",
                geographic_level=level,
                country_code=ENGLAND_CODE,
                region_code=region_code,
                new_la_code=new,
                old_la_code=old,
                area_name=area,
                measure=measure,
                value=value,
                symbol=symbol,
                filters=empty,
                source=table.source,
                row=number,
            )
        )
    table.problems = problems.result()
    if not table.problems:
        table.records = records
    return table
