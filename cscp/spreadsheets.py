"""Reading uploaded spreadsheets (CSV files and Excel workbooks) row by row, within limits, for every app's imports.

Every file people upload to be read (the scorecards' figures and the DfE's statistics now; audits, reviews and
feedback next) is read here, so one set of limits protects the service: a file bigger than the limits is refused
with a clear message as soon as the reading passes one, never read in full first.

    kind_of(data)                       "csv", "xlsx", or what else it is ("xls", "zip", "pdf", "html", "empty", …)
    read_rows(data)                     Row(number, cells) for each row with something in it; cells are text
    read_dicts(data)                    the same, as {header: cell} under the first row
    read_grid(data)                     every row from the first to the last filled one, padded to one width
    merged_cells(data)                  an Excel sheet's merged ranges (read-only reading cannot see them)

Limits (settings, with defaults sized well above the DfE's largest published file, 405 KB with 2,506 rows, 26
columns and 44,793 cells): SPREADSHEET_MAX_BYTES, SPREADSHEET_MAX_ROWS, SPREADSHEET_MAX_COLUMNS,
SPREADSHEET_MAX_CELLS and SPREADSHEET_MAX_UNCOMPRESSED_BYTES. Crossing one raises `TooLarge`; a file that cannot
be read raises `Unreadable`; both are `SpreadsheetError` with a message to show the person who uploaded it.

A workbook is judged by what it really holds, not by what it says it holds: the size it states
(`<dimension ref="A1:XFD1048576"/>`) is ignored, and rows are read as they come, in read-only mode, so a workbook
with one cell in its last row is read in milliseconds and refused for where that cell is. Before openpyxl opens
a workbook, the sizes its ZIP directory gives are checked (Python's zipfile never inflates a member beyond the
size the directory states, so a member cannot lie its way past the check).

CSV text is decoded as UTF-16 when it starts with UTF-16's byte-order mark, else as UTF-8 (with or without a
byte-order mark) when the whole file is valid UTF-8, else as Windows-1252, as Excel saves it.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

CSV = "csv"
XLSX = "xlsx"

DEFAULT_LIMITS = {
    "SPREADSHEET_MAX_BYTES": 20 * 1024 * 1024,
    "SPREADSHEET_MAX_ROWS": 200_000,
    "SPREADSHEET_MAX_COLUMNS": 500,
    "SPREADSHEET_MAX_CELLS": 2_000_000,
    "SPREADSHEET_MAX_UNCOMPRESSED_BYTES": 200 * 1024 * 1024,
}
# A workbook member this big that inflates more than this many times is a ZIP bomb, not a spreadsheet: real
# sheets compress ten to fifty times, a sheet of one value repeated some hundreds; deflate's most is about 1,000.
BOMB_RATIO = 500
BOMB_MIN_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
_CHUNK = 1024 * 1024


class SpreadsheetError(ValueError):
    """Why a file cannot be read, in words for the person who uploaded it."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


class TooLarge(SpreadsheetError):
    """The file holds more than the limits allow."""


class Unreadable(SpreadsheetError):
    """The file is damaged or not a spreadsheet."""


@dataclass(frozen=True)
class Limits:
    bytes: int
    rows: int
    columns: int
    cells: int
    uncompressed: int

    @classmethod
    def from_settings(cls) -> Limits:
        value = {name: getattr(settings, name, default) for name, default in DEFAULT_LIMITS.items()}
        return cls(
            bytes=value["SPREADSHEET_MAX_BYTES"],
            rows=value["SPREADSHEET_MAX_ROWS"],
            columns=value["SPREADSHEET_MAX_COLUMNS"],
            cells=value["SPREADSHEET_MAX_CELLS"],
            uncompressed=value["SPREADSHEET_MAX_UNCOMPRESSED_BYTES"],
        )


@dataclass(frozen=True)
class Row:
    """A row as the file numbers it (the first row is 1) and its cells as text, "" for an empty cell."""

    number: int
    cells: list[str]


def _size(number: int) -> str:
    if number >= 1024 * 1024:
        return f"{number / (1024 * 1024):,.0f} MB"
    return f"{number / 1024:,.0f} KB"


def column_letter(position: int) -> str:
    """The spreadsheet name of a column counted from 1: 1 → A, 27 → AA."""
    letters = ""
    while position > 0:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# ---------------------------------------------------------------------------------------------------- what it is


def kind_of(data: bytes) -> str:
    """What the content is: "csv", "xlsx", or "empty", "html", "pdf", "zip", "xls", "ods", "binary"."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as Excel's "Unicode text" saves it
        return CSV if data[2:].strip(b"\x00 \t\r\n") else "empty"
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body.strip():
        return "empty"
    if body.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "binary"
        if "xl/workbook.xml" in names:
            return XLSX
        if "content.xml" in names:
            return "ods"
        return "zip"
    if body.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if body.startswith(b"%PDF"):
        return "pdf"
    head = body[:4096]
    if b"\x00" in head:
        return "binary"
    lowered = head.lstrip().lower()
    if lowered.startswith(b"<") and (b"<html" in lowered or b"<!doctype" in lowered or b"<body" in lowered):
        return "html"
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    if controls > len(head) // 100:
        return "binary"
    return CSV


def _check_bytes(data: bytes, limits: Limits) -> None:
    if len(data) > limits.bytes:
        raise TooLarge(f"The file is {_size(len(data))}; the most an import reads is {_size(limits.bytes)}")


# ---------------------------------------------------------------------------------------------------- CSV


def encoding_of(data: bytes) -> str:
    """The encoding to read a CSV file's bytes with, found without decoding the whole file at once."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(data))
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def delimiter_of(first_line: str) -> str:
    """A comma, unless the first line has none and has tabs (Excel's "Unicode text") or semicolons."""
    if "," not in first_line:
        if "\t" in first_line:
            return "\t"
        if ";" in first_line:
            return ";"
    return ","


class _Counter:
    """Counts rows, columns and cells against the limits as they are read; the rows limit is of rows under the
    first (a header), so a file of 200,000 rows of figures is read whole."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells = 0

    def row(self, number: int, width: int) -> None:
        limits = self.limits
        if number > limits.rows + 1:  # the rows under a header row
            raise TooLarge(f"The file has more than {limits.rows:,} rows; the most an import reads is {limits.rows:,}")
        if width > limits.columns:
            raise TooLarge(
                f"Row {number:,} has a value in column {column_letter(width)} (column {width:,}); the most an import "
                f"reads is {limits.columns:,} columns",
                row=number,
            )
        self.cells += width
        if self.cells > limits.cells:
            raise TooLarge(
                f"The file has more than {limits.cells:,} cells; the most an import reads is {limits.cells:,}"
            )


def csv_rows(data: bytes, *, limits: Limits | None = None, delimiter: str | None = None) -> Iterator[Row]:
    """Every row of a CSV file, blank ones included (as no cells), numbered from 1; stops at the first limit."""
    limits = limits or Limits.from_settings()
    _check_bytes(data, limits)
    encoding = encoding_of(data)
    text = io.TextIOWrapper(
        io.BytesIO(data), encoding=encoding, errors="replace" if encoding == "cp1252" else "strict", newline=""
    )
    first = text.readline()
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter or delimiter_of(first.lstrip("\ufeff")))
    counter = _Counter(limits)
    number = 0
    try:
        for cells in reader:
            number += 1
            counter.row(number, len(cells))
            if number == 1 and cells:
                cells[0] = cells[0].lstrip("\ufeff")
            yield Row(number, cells)
    except csv.Error as error:
        message = f"The file is not a readable CSV file (row {number + 1:,}: {error})."
        raise Unreadable(message, row=number + 1) from None
    except UnicodeDecodeError:
        raise Unreadable("The file is not a readable CSV file: its text is not in a known encoding.") from None


# ---------------------------------------------------------------------------------------------------- Excel


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV file would hold: 7.0 → "7", a date → 2025-04-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    return str(value)


def check_archive(data: bytes, limits: Limits | None = None) -> None:
    """Refuse a workbook whose ZIP members would inflate beyond the limits, before anything is inflated."""
    limits = limits or Limits.from_settings()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise Unreadable(f"The file is not a readable Excel workbook ({error}).") from None
    if len(members) > MAX_MEMBERS:
        raise TooLarge(f"The workbook holds {len(members):,} parts: it is not an ordinary spreadsheet")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > BOMB_MIN_BYTES and ratio > BOMB_RATIO:
            raise TooLarge(
                f"The workbook's {member.filename} would grow {ratio:,.0f} times when opened: "
                "it is not an ordinary spreadsheet"
            )
    if total > limits.uncompressed:
        raise TooLarge(
            f"The workbook opens to {_size(total)}; the most an import reads is {_size(limits.uncompressed)}"
        )


def inflated_size(data: bytes) -> int:
    """How much a file holds to read: a workbook's members as its ZIP directory states them, else its bytes."""
    if kind_of(data) != XLSX:
        return len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return max(len(data), sum(member.file_size for member in archive.infolist()))
    except (zipfile.BadZipFile, ValueError, OSError):
        return len(data)


def _open_sheet(data: bytes, sheet: str | None):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a damaged workbook
        raise Unreadable(f"The file is not a readable Excel workbook ({error}).") from None
    if sheet is not None and sheet not in workbook.sheetnames:
        workbook.close()
        raise Unreadable(f"The workbook has no sheet called '{sheet}'.")
    if not workbook.worksheets:
        workbook.close()
        raise Unreadable("The workbook has no sheets.")
    return workbook, workbook[sheet] if sheet is not None else workbook.worksheets[0]


def _sheet_rows(workbook, worksheet) -> Iterator[tuple[int, dict[int, str]]]:
    """(row number, {column: text}) for each row of the sheet's XML with a value, as openpyxl's read-only sheet
    parses them.

    The read-only sheet's own `iter_rows` pads to the size the sheet states and yields every missing row in
    between (a million of them for a cell at XFD1048576); its parser gives just the rows that are there.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            values = {cell["column"]: cell_text(cell["value"]) for cell in cells if cell["value"] is not None}
            values = {column: text for column, text in values.items() if text.strip()}
            if values:
                yield number, values


def xlsx_rows(data: bytes, *, sheet: str | None = None, limits: Limits | None = None) -> Iterator[Row]:
    """Each row of a sheet (the first, unless named) that has a value in it, without its trailing empty cells."""
    limits = limits or Limits.from_settings()
    _check_bytes(data, limits)
    check_archive(data, limits)
    workbook, worksheet = _open_sheet(data, sheet)
    counter = _Counter(limits)
    try:
        for number, values in _sheet_rows(workbook, worksheet):
            width = max(values)
            counter.row(number, width)  # before the row is laid out: a column's number can be anything
            cells = [""] * width
            for column, text in values.items():
                cells[column - 1] = text
            yield Row(number, cells)
    except SpreadsheetError:
        raise
    except Exception as error:  # a damaged sheet part
        raise Unreadable(f"The file is not a readable Excel workbook ({error}).") from None
    finally:
        workbook.close()


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)\"")
_REF = re.compile(r"([A-Za-z]+)(\d+)")


def merged_cells(data: bytes, *, sheet: str | None = None, limits: Limits | None = None) -> list[str]:
    """A sheet's merged ranges ("B1:D1"), by their first row then column, found by streaming the sheet's XML."""
    limits = limits or Limits.from_settings()
    _check_bytes(data, limits)
    check_archive(data, limits)
    workbook, worksheet = _open_sheet(data, sheet)
    try:
        path = getattr(worksheet, "_worksheet_path", None)
    finally:
        workbook.close()
    if not path:
        return []
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path.lstrip("/")) as source:
        tail = b""
        while chunk := source.read(_CHUNK):
            block = tail + chunk
            cut = block.rfind(b"<")
            complete, tail = (block[:cut], block[cut:]) if cut > 0 else (block, b"")
            found.extend(match.decode() for match in _MERGE.findall(complete))
        found.extend(match.decode() for match in _MERGE.findall(tail))

    def position(ref: str) -> tuple[int, int]:
        letters, digits = _REF.match(ref).groups()
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - 64
        return int(digits), column

    return sorted(found, key=position)


# ---------------------------------------------------------------------------------------------------- either


def read_rows(data: bytes, *, sheet: str | None = None, limits: Limits | None = None) -> Iterator[Row]:
    """The rows of a CSV file or an Excel workbook (decided by content) that have something in them."""
    kind = kind_of(data)
    if kind == CSV:
        return (row for row in csv_rows(data, limits=limits) if any(cell.strip() for cell in row.cells))
    if kind == XLSX:
        return xlsx_rows(data, sheet=sheet, limits=limits)
    raise Unreadable("This is not a CSV file or an Excel workbook (.xlsx).")


def read_dicts(data: bytes, *, sheet: str | None = None, limits: Limits | None = None) -> Iterator[tuple[int, dict]]:
    """(row number, {header: cell}) for each filled row under the header (the first filled row)."""
    rows = read_rows(data, sheet=sheet, limits=limits)
    header = next(rows, None)
    if header is None:
        return
    names = [cell.strip() for cell in header.cells]
    for row in rows:
        if len(row.cells) > len(names) and any(cell.strip() for cell in row.cells[len(names) :]):
            raise Unreadable(
                f"Row {row.number:,} has {len(row.cells)} cells but the header has {len(names)} columns",
                row=row.number,
            )
        yield row.number, {name: row.cells[i] if i < len(row.cells) else "" for i, name in enumerate(names)}


def read_grid(
    data: bytes, *, kind: str | None = None, sheet: str | None = None, limits: Limits | None = None
) -> list[list[str]]:
    """Every row from the first to the last filled one (blank ones as blank cells), all of one width."""
    limits = limits or Limits.from_settings()
    kind = kind or kind_of(data)
    if kind == CSV:
        rows: Iterator[Row] = csv_rows(data, limits=limits)
    elif kind == XLSX:
        rows = xlsx_rows(data, sheet=sheet, limits=limits)
    else:
        raise Unreadable("This is not a CSV file or an Excel workbook (.xlsx).")
    read = list(rows)
    while read and not any(cell.strip() for cell in read[-1].cells) and kind == XLSX:
        read.pop()
    if not read:
        return []
    width = max(len(row.cells) for row in read)
    height = read[-1].number
    if width * height > limits.cells:
        raise TooLarge(
            f"The file has {height:,} rows and {width:,} columns: more than the {limits.cells:,} cells an import reads"
        )
    grid = [[""] * width for _ in range(height)]
    for row in read:
        grid[row.number - 1][: len(row.cells)] = row.cells
    return grid
