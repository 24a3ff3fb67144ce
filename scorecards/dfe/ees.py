"""Explore Education Statistics (EES) files, as CSV or Excel, read into validated long-format records.

An EES file has the columns `time_period`, `time_identifier`, `geographic_level`, `country_code`,
`country_name`, `region_code`, `region_name`, `new_la_code`, `old_la_code`, `la_name` (in any order), then
breakdown columns ("filters", text such as `population_type` or `characteristic`) and measure columns
(numbers, or DfE symbols). Columns are found by name, ignoring case and surrounding spaces; a measure column is
one with at least one number in it (or only DfE symbols), a filter column is one with text.

Every problem is collected, with the spreadsheet row (the header is row 1) and the column as written in the
file; a file with any problem gives no records.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from cscp import spreadsheets

from .records import LOCAL_AUTHORITY, NATIONAL, REGIONAL, EesRecord, EesTable, ProblemList
from .symbols import SYMBOLS, number_of, parse_measure, symbol_of

GEOGRAPHY = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
)
REQUIRED = ("time_period", "time_identifier", "geographic_level")

_PERIOD = re.compile(r"\d{4}(?:\d{2})?")
_NEW_CODE = re.compile(r"[EWSNK]\d{8}")
_OLD_CODE = re.compile(r"\d{3}")
_BOMS = ("\ufeff", "ï»¿")

CSV = spreadsheets.CSV
XLSX = spreadsheets.XLSX

# What a file that is neither CSV nor Excel turns out to be, and what to tell the person who uploaded it.
_REFUSALS = {
    "empty": "The file is empty.",
    "xls": "This is an old-style Excel workbook (.xls): save it as an Excel workbook (.xlsx) or as CSV and try again.",
    "zip": (
        "This is a ZIP archive, not a CSV file or an Excel workbook. Explore Education Statistics downloads come "
        "zipped: unzip it and upload the CSV file inside (in its data folder)."
    ),
    "ods": "This is an OpenDocument spreadsheet (.ods): save it as an Excel workbook (.xlsx) or as CSV and try again.",
    "pdf": "This is a PDF document, not a CSV file or an Excel workbook.",
    "html": (
        "This is a web page (HTML), not a CSV file: download the data file itself rather than the page that "
        "links to it."
    ),
    "binary": "This is not a CSV file or an Excel workbook (its content is not text).",
}


def normalise_name(name: object) -> str:
    """A column name as the readers match it: without a byte-order mark, spaces collapsed, lower case."""
    text = str(name)
    for bom in _BOMS:
        text = text.replace(bom, "")
    return " ".join(text.split()).lower()


# ---------------------------------------------------------------------------------------------------- input


def read_bytes(file: Any) -> tuple[bytes, str]:
    """The content and file name of a path, bytes, or an open (binary or text) file such as a Django upload."""
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file), ""
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        return path.read_bytes(), path.name
    read = getattr(file, "read", None)
    if read is None:
        raise TypeError(f"Cannot read a file from {type(file).__name__}")
    data = read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return bytes(data), Path(str(getattr(file, "name", "") or "")).name


def kind_of(data: bytes) -> str:
    """What the content is: "csv", "xlsx", or a key of the refusals ("empty", "html", "pdf", "zip", …)."""
    return spreadsheets.kind_of(data)


def csv_grid(data: bytes, problems: ProblemList) -> list[list[str]] | None:
    """The cells of a CSV file, row by row (header first), or None with problems if it cannot be read.

    Read by `cscp.spreadsheets` within its limits; a row with more cells than the header is named (trailing
    empty cells do not count), a shorter one is padded with blanks.
    """
    grid: list[list[str]] = []
    width = 0
    try:
        for row in spreadsheets.csv_rows(data):
            cells = row.cells
            if row.number == 1:
                width = len(cells)
            elif len(cells) > width:
                size = len(cells)
                while size > width and not cells[size - 1].strip():
                    size -= 1
                if size > width:
                    problems.add(
                        row.number,
                        None,
                        f"this row has {size} cells but the header has {width} columns (a name with a comma, "
                        "not in quotes?)",
                    )
                    continue
                cells = cells[:width]
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            grid.append(cells)
    except spreadsheets.SpreadsheetError as error:
        problems.add(error.row, error.column, error.message)
        return None
    if not width:
        problems.add(None, None, _REFUSALS["empty"])
        return None
    if problems:
        return None
    return grid


_MERGED = re.compile(r"[A-Za-z]+(\d+)")


def xlsx_grid(data: bytes, problems: ProblemList, sheet: str | None = None) -> list[list[str]] | None:
    """The cells of a workbook's sheet (the first, unless named), or None with problems (e.g. merged cells).

    Read by `cscp.spreadsheets`: read-only, by the cells the sheet holds, within its limits.
    """
    try:
        for coord in spreadsheets.merged_cells(data, sheet=sheet):
            first_row = int(_MERGED.match(coord)[1])
            if first_row == 1:
                problems.add(
                    None,
                    None,
                    f"The header row has merged cells ({coord}): unmerge them and give each column its own name.",
                )
            else:
                problems.add(first_row, None, f"cells {coord} are merged: unmerge them and fill in each cell.")
        if problems:
            return None
        rows = spreadsheets.read_grid(data, kind=XLSX, sheet=sheet)
    except spreadsheets.SpreadsheetError as error:
        problems.add(error.row, error.column, error.message)
        return None
    if not rows:
        problems.add(None, None, "The first sheet of the workbook is empty.")
        return None
    return rows


# ---------------------------------------------------------------------------------------------------- reading


def read_ees_csv(
    file_or_path: Any,
    *,
    measures: Sequence[str] | None = None,
    filters: Sequence[str] | None = None,
    known_la_codes: Collection[str] | None = None,
    source: str | None = None,
) -> EesTable:
    """Read an EES CSV file (a path, bytes or an open file) into validated long-format records.

    `measures` chooses the measure columns to read (all of them if None); `filters` names breakdown columns that
    the reader cannot tell from measures by their content (e.g. a numeric `age` column). `known_la_codes`, if
    given, is the set of LA codes (old and/or new) a row may name.
    """
    data, name = read_bytes(file_or_path)
    source = source or name or "upload"
    problems = ProblemList()
    kind = kind_of(data)
    if kind != CSV:
        if kind == XLSX:
            problems.add(None, None, "This is an Excel workbook, not a CSV file.")
        else:
            problems.add(None, None, _REFUSALS[kind])
        return EesTable(source=source, problems=problems.result())
    grid = csv_grid(data, problems)
    return _table(grid, source, problems, measures=measures, filters=filters, known_la_codes=known_la_codes)


def read_table(
    file: Any,
    filename: str | None = None,
    *,
    measures: Sequence[str] | None = None,
    filters: Sequence[str] | None = None,
    known_la_codes: Collection[str] | None = None,
    sheet: str | None = None,
) -> EesTable:
    """Read an EES-layout table from a CSV file or an Excel workbook (.xlsx), deciding by content, not by name.

    Anything else (an old .xls, a ZIP, a PDF, a web page, an empty or binary file) is refused with a message.
    """
    data, name = read_bytes(file)
    source = Path(filename).name if filename else (name or "upload")
    problems = ProblemList()
    kind = kind_of(data)
    if kind == CSV:
        grid = csv_grid(data, problems)
    elif kind == XLSX:
        grid = xlsx_grid(data, problems, sheet)
    else:
        problems.add(None, None, _REFUSALS[kind])
        grid = None
    return _table(grid, source, problems, measures=measures, filters=filters, known_la_codes=known_la_codes)


def _table(
    grid: list[list[str]] | None,
    source: str,
    problems: ProblemList,
    *,
    measures: Sequence[str] | None,
    filters: Sequence[str] | None,
    known_la_codes: Collection[str] | None,
) -> EesTable:
    if grid is None or problems:
        return EesTable(source=source, problems=problems.result())
    if len(grid) < 2:
        problems.add(None, None, "The file has a header row but no data rows.")
        return EesTable(source=source, problems=problems.result())
    header = [str(cell) for cell in grid[0]]
    columns = [list(column) for column in zip(*grid[1:], strict=True)]
    return _read_columns(header, columns, source, problems, measures, filters, known_la_codes)


def _classify(values: list[str]) -> str:
    """'measure' if the column holds a number (or only DfE symbols), 'filter' if text, 'blank' if empty."""
    found = {value.strip() for value in set(values)} - {""}
    if not found:
        return "blank"
    if any(number_of(value) is not None for value in found):
        return "measure"
    if all(symbol_of(value) is not None for value in found):
        return "measure"
    return "filter"


def _read_columns(
    header: list[str],
    columns: list[list[str]],
    source: str,
    problems: ProblemList,
    measures: Sequence[str] | None,
    filters: Sequence[str] | None,
    known_la_codes: Collection[str] | None,
) -> EesTable:
    table = EesTable(source=source)
    index: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = normalise_name(raw)
        if not name:
            if any(value.strip() for value in columns[position]):
                problems.add(None, None, f"Column {get_column_letter(position + 1)} has values but no name in row 1.")
            continue
        if name in index:
            first = get_column_letter(index[name] + 1)
            problems.add(
                None,
                None,
                f"The file has two columns called `{raw.strip()}` (columns {first} and "
                f"{get_column_letter(position + 1)}): give each column its own name.",
            )
            continue
        index[name] = position
        table.columns[name] = raw.strip()

    def shown(name: str) -> str:
        return table.columns.get(name, name)

    for name in REQUIRED:
        if name not in index:
            problems.add(None, None, f"The file has no `{name}` column")
    if not any(name in index for name in GEOGRAPHY):
        cells = ", ".join(cell.strip() for cell in header[:4])
        problems.add(
            None,
            None,
            "The first row must be the header (time_period, time_identifier, geographic_level, …); "
            f"this file's first row starts '{cells}'.",
        )

    wanted = [normalise_name(name) for name in measures] if measures is not None else None
    forced = [normalise_name(name) for name in filters or ()]
    for name in [*(wanted or ()), *forced]:
        if name not in index:
            problems.add(None, None, f"The file has no `{name}` column")

    measure_names: list[str] = []
    filter_names: list[str] = []
    for name, position in index.items():
        if name in GEOGRAPHY:
            continue
        if name in forced:
            filter_names.append(name)
            continue
        if wanted is not None and name in wanted:
            measure_names.append(name)
            continue
        role = _classify(columns[position])
        if role == "filter":
            filter_names.append(name)
        elif role == "measure" and wanted is None:
            measure_names.append(name)
        else:
            table.ignored_columns.append(name)
    if wanted is not None:
        measure_names.sort(key=wanted.index)
    if not measure_names and not problems:
        text_only = ", ".join(f"`{shown(name)}`" for name in filter_names)
        problems.add(
            None,
            None,
            "The file has no measure columns (columns of numbers after the area columns)"
            + (f"; these columns hold only text: {text_only}." if text_only else "."),
        )

    levels = (
        {value.strip().lower() for value in columns[index["geographic_level"]]}
        if "geographic_level" in index
        else set()
    )
    if LOCAL_AUTHORITY.lower() in levels and "new_la_code" not in index and "old_la_code" not in index:
        problems.add(
            None, None, "The file has no `new_la_code` or `old_la_code` column, which local-authority rows need"
        )
    if REGIONAL.lower() in levels and "region_code" not in index:
        problems.add(None, None, "The file has no `region_code` column, which regional rows need")

    table.measures = measure_names
    table.filters = filter_names
    if problems:
        table.problems = problems.result()
        return table

    rows = len(columns[0]) if columns else 0
    empty = [""] * rows

    def column(name: str) -> list[str]:
        return columns[index[name]] if name in index else empty

    periods, identifiers, geo_levels = column("time_period"), column("time_identifier"), column("geographic_level")
    country_codes, country_names = column("country_code"), column("country_name")
    region_codes, region_names = column("region_code"), column("region_name")
    new_codes, old_codes, la_names = column("new_la_code"), column("old_la_code"), column("la_name")
    filter_columns = [columns[index[name]] for name in filter_names]
    measure_columns = [(name, shown(name), columns[index[name]]) for name in measure_names]
    parsed: dict[str, tuple[Decimal | None, str | None, bool]] = {}
    for _, _, values in measure_columns:
        for raw in set(values):
            if raw not in parsed:
                parsed[raw] = parse_measure(raw, SYMBOLS)
    known = set(known_la_codes) if known_la_codes is not None else None
    new_column = "new_la_code" if "new_la_code" in index else "old_la_code"
    seen: dict[tuple, int] = {}
    records: list[EesRecord] = []
    append = records.append

    for i in range(rows):
        if not any(values[i].strip() for values in columns):
            table.blank_rows += 1
            continue
        table.rows_read += 1
        row = i + 2
        period = periods[i].strip()
        identifier = identifiers[i].strip()
        level = geo_levels[i].strip()
        country, region = country_codes[i].strip(), region_codes[i].strip()
        new, old = new_codes[i].strip(), old_codes[i].strip()
        if not period:
            problems.add(row, shown("time_period"), "the cell is blank")
        elif not _PERIOD.fullmatch(period) or (len(period) == 6 and int(period[4:]) != (int(period[:4]) + 1) % 100):
            problems.add(
                row,
                shown("time_period"),
                f"'{period}' is not an EES time period (a year such as 2024, or two years such as 202324)",
            )
        if not identifier:
            problems.add(row, shown("time_identifier"), "the cell is blank")
        if not level:
            problems.add(row, shown("geographic_level"), "the cell is blank")
        lowered = level.lower()
        if lowered == LOCAL_AUTHORITY.lower():
            area_name = la_names[i].strip()
            if not new and not old:
                problems.add(row, shown(new_column), "the cell is blank, but a local-authority row needs its code")
            bad_code = False
            if new and not _NEW_CODE.fullmatch(new):
                bad_code = True
                problems.add(row, shown("new_la_code"), f"'{new}' is not an LA code (such as E06000063)")
            if old and not _OLD_CODE.fullmatch(old):
                bad_code = True
                problems.add(row, shown("old_la_code"), f"'{old}' is not a DfE LA number (three digits, such as 942)")
            if known is not None and (new or old) and not bad_code and new not in known and old not in known:
                code, where = (new, "new_la_code") if new else (old, "old_la_code")
                named = f" ({area_name})" if area_name else ""
                problems.add(row, shown(where), f"'{code}'{named} is not a local authority we know")
        elif lowered == REGIONAL.lower():
            area_name = region_names[i].strip()
            if not region:
                problems.add(row, shown("region_code"), "the cell is blank, but a regional row needs its code")
        elif lowered == NATIONAL.lower():
            area_name = country_names[i].strip()
        else:
            area_name = la_names[i].strip() or region_names[i].strip() or country_names[i].strip()

        filter_values = tuple(values[i].strip() for values in filter_columns)
        key = (period, identifier.lower(), lowered, country, region, old, new, filter_values)
        first = seen.get(key)
        if first is not None:
            breakdown = ", ".join(f"{name} '{value}'" for name, value in zip(filter_names, filter_values, strict=True))
            problems.add(
                row,
                None,
                f"this row repeats row {first}: the same period ({period}), "
                f"area ({area_name or new or old or region or country})"
                + (f" and breakdown ({breakdown})" if breakdown else ""),
            )
        else:
            seen[key] = row
        row_filters = dict(zip(filter_names, filter_values, strict=True))

        for measure, heading, values in measure_columns:
            raw = values[i]
            value, symbol, ok = parsed[raw]
            if not ok:
                problems.add(row, heading, f"'{raw.strip()}' is not a number or a DfE symbol")
                continue
            if problems:
                continue
            append(
                EesRecord(
                    time_period=period,
                    time_identifier=identifier,
                    geographic_level=level,
                    country_code=country,
                    region_code=region,
                    new_la_code=new,
                    old_la_code=old,
                    area_name=area_name,
                    measure=measure,
                    value=value,
                    symbol=symbol,
                    filters=row_filters,
                    source=source,
                    row=row,
                )
            )

    if problems:
        table.problems = problems.result()
    else:
        table.records = records
    return table


def la_lookup(records: Sequence[EesRecord]) -> dict[str, tuple[str, str]]:
    """DfE three-digit LA number → (new LA code, name), from the local-authority rows of EES records.

    The latest period wins, so an authority's latest name is kept.
    """
    latest: dict[str, tuple[str, str, str]] = {}
    for record in records:
        if record.geographic_level.lower() == LOCAL_AUTHORITY.lower() and record.old_la_code:
            found = latest.get(record.old_la_code)
            if found is None or record.time_period >= found[0]:
                latest[record.old_la_code] = (record.time_period, record.new_la_code, record.area_name)
    return {code: (new, name) for code, (_, new, name) in latest.items()}


def known_la_codes(records: Sequence[EesRecord]) -> set[str]:
    """Every old and new LA code that local-authority records name."""
    codes: set[str] = set()
    for record in records:
        if record.geographic_level.lower() == LOCAL_AUTHORITY.lower():
            codes.update(code for code in (record.old_la_code, record.new_la_code) if code)
    return codes
